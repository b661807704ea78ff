#include "service/lock/status_monitor.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/atomic_file.h"
#include "common/util/escaped_fields.h"
#include "common/util/logging.h"

namespace nfsuite::lock {
namespace {

// The file, one record per line, fields tab-separated and C-escaped:
//   state  N
//   monitor  CALLER_NAME  ADDRESS
//   notify  CALLER_NAME  ADDRESS
//   watch  MON_NAME  MY_NAME  PROG  VERS  PROC  PRIV_HEX
constexpr char kStateRecord[] = "state";
constexpr char kMonitorRecord[] = "monitor";
constexpr char kNotifyRecord[] = "notify";
constexpr char kWatchRecord[] = "watch";

bool ParseInt(const std::string& text, int32_t* value) { return absl::SimpleAtoi(text, value); }

}  // namespace

absl::StatusOr<std::unique_ptr<StatusMonitor>> StatusMonitor::Start(const std::string& state_file) {
  std::unique_ptr<StatusMonitor> monitor(new StatusMonitor(state_file));
  if (absl::Status loaded = monitor->Load(); !loaded.ok()) return loaded;
  std::lock_guard<std::mutex> guard(monitor->mutex_);
  monitor->restarted_with_hosts_ = !monitor->monitored_.empty() || !monitor->to_notify_.empty();
  monitor->Restart();
  if (absl::Status saved = monitor->Save(); !saved.ok()) return saved;
  return monitor;
}

absl::Status StatusMonitor::Load() {
  absl::StatusOr<std::string> contents = ReadWholeFile(state_file_);
  if (!contents.ok()) {
    if (absl::IsNotFound(contents.status())) return absl::OkStatus();  // a first start
    return contents.status();
  }
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*contents, '\n', absl::SkipEmpty())) {
    ++line_number;
    const std::string where = absl::StrCat(state_file_, ":", line_number);
    const absl::string_view kind = line.substr(0, line.find('\t'));
    std::vector<std::string> fields;
    if (kind == kStateRecord && SplitEscapedFields(line, 2, &fields) &&
        ParseInt(fields[1], &state_)) {
      continue;
    }
    if ((kind == kMonitorRecord || kind == kNotifyRecord) && SplitEscapedFields(line, 3, &fields)) {
      const ClientHost host{fields[1], fields[2]};
      if (kind == kMonitorRecord) {
        monitored_.push_back({host, absl::Now()});
      } else {
        to_notify_.push_back(host);
      }
      continue;
    }
    MonitorRegistration watch;
    std::string priv;
    if (kind == kWatchRecord && SplitEscapedFields(line, 7, &fields) &&
        ParseInt(fields[3], &watch.my_id.my_prog) && ParseInt(fields[4], &watch.my_id.my_vers) &&
        ParseInt(fields[5], &watch.my_id.my_proc) &&
        (priv = absl::HexStringToBytes(fields[6])).size() == watch.priv.size()) {
      watch.mon_name = fields[1];
      watch.my_id.my_name = fields[2];
      std::copy(priv.begin(), priv.end(), watch.priv.begin());
      registrations_.push_back(std::move(watch));
      continue;
    }
    return absl::DataLossError(absl::StrCat(where, ": not a status monitor record"));
  }
  return absl::OkStatus();
}

absl::Status StatusMonitor::Save() const {
  std::string contents = JoinEscapedFields({kStateRecord, absl::StrCat(state_)}) + "\n";
  for (const Monitored& monitored : monitored_) {
    absl::StrAppend(
        &contents,
        JoinEscapedFields({kMonitorRecord, monitored.host.caller_name, monitored.host.address}),
        "\n");
  }
  for (const ClientHost& host : to_notify_) {
    absl::StrAppend(&contents, JoinEscapedFields({kNotifyRecord, host.caller_name, host.address}),
                    "\n");
  }
  for (const MonitorRegistration& watch : registrations_) {
    const std::string priv(watch.priv.begin(), watch.priv.end());
    absl::StrAppend(
        &contents,
        JoinEscapedFields({kWatchRecord, watch.mon_name, watch.my_id.my_name,
                           absl::StrCat(watch.my_id.my_prog), absl::StrCat(watch.my_id.my_vers),
                           absl::StrCat(watch.my_id.my_proc), absl::BytesToHexString(priv)}),
        "\n");
  }
  return WriteFileAtomically(state_file_, contents, 0600);
}

void StatusMonitor::SaveOrWarn() const {
  // The change stands in memory; the next successful write records it.
  if (absl::Status saved = Save(); !saved.ok()) {
    Logf(LogLevel::kWarning, "NSM: cannot write %s: %s", state_file_, saved.message());
  }
}

void StatusMonitor::Restart() {
  state_ = state_ % 2 == 0 ? state_ + 1 : state_ + 2;
  if (state_ <= 0) state_ = 1;  // wrapped after 2^31 restarts
  for (const Monitored& monitored : monitored_) {
    if (std::find(to_notify_.begin(), to_notify_.end(), monitored.host) == to_notify_.end()) {
      to_notify_.push_back(monitored.host);
    }
  }
  monitored_.clear();
}

int32_t StatusMonitor::state() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return state_;
}

absl::Status StatusMonitor::Monitor(const ClientHost& host) {
  std::lock_guard<std::mutex> guard(mutex_);
  for (Monitored& monitored : monitored_) {
    if (monitored.host == host) {
      monitored.last_monitored = absl::Now();
      return absl::OkStatus();
    }
  }
  monitored_.push_back({host, absl::Now()});
  absl::Status saved = Save();
  if (!saved.ok()) monitored_.pop_back();
  return saved;
}

void StatusMonitor::ForgetIdle(const std::vector<ClientHost>& active, absl::Time idle_since) {
  std::lock_guard<std::mutex> guard(mutex_);
  const size_t before = monitored_.size();
  monitored_.erase(std::remove_if(monitored_.begin(), monitored_.end(),
                                  [&](const Monitored& monitored) {
                                    return monitored.last_monitored < idle_since &&
                                           std::find(active.begin(), active.end(),
                                                     monitored.host) == active.end();
                                  }),
                   monitored_.end());
  if (monitored_.size() == before) return;
  SaveOrWarn();
}

std::vector<ClientHost> StatusMonitor::monitored() const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::vector<ClientHost> hosts;
  for (const Monitored& monitored : monitored_) hosts.push_back(monitored.host);
  return hosts;
}

absl::Status StatusMonitor::Register(const MonitorRegistration& registration) {
  std::lock_guard<std::mutex> guard(mutex_);
  for (const MonitorRegistration& existing : registrations_) {
    if (existing.mon_name == registration.mon_name &&
        existing.my_id.my_name == registration.my_id.my_name &&
        existing.my_id.my_prog == registration.my_id.my_prog &&
        existing.my_id.my_vers == registration.my_id.my_vers &&
        existing.my_id.my_proc == registration.my_id.my_proc) {
      return absl::OkStatus();
    }
  }
  registrations_.push_back(registration);
  absl::Status saved = Save();
  if (!saved.ok()) registrations_.pop_back();
  return saved;
}

void StatusMonitor::Unregister(const std::string& mon_name, const MyId& my_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  registrations_.erase(std::remove_if(registrations_.begin(), registrations_.end(),
                                      [&](const MonitorRegistration& existing) {
                                        return existing.mon_name == mon_name &&
                                               existing.my_id.my_name == my_id.my_name &&
                                               existing.my_id.my_prog == my_id.my_prog &&
                                               existing.my_id.my_vers == my_id.my_vers &&
                                               existing.my_id.my_proc == my_id.my_proc;
                                      }),
                       registrations_.end());
  SaveOrWarn();
}

void StatusMonitor::UnregisterAll(const MyId& my_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  registrations_.erase(std::remove_if(registrations_.begin(), registrations_.end(),
                                      [&](const MonitorRegistration& existing) {
                                        return existing.my_id.my_name == my_id.my_name &&
                                               existing.my_id.my_prog == my_id.my_prog &&
                                               existing.my_id.my_vers == my_id.my_vers &&
                                               existing.my_id.my_proc == my_id.my_proc;
                                      }),
                       registrations_.end());
  SaveOrWarn();
}

std::vector<MonitorRegistration> StatusMonitor::HostRebooted(const std::string& mon_name) {
  std::lock_guard<std::mutex> guard(mutex_);
  const size_t before = monitored_.size();
  monitored_.erase(
      std::remove_if(monitored_.begin(), monitored_.end(),
                     [&](const Monitored& monitored) { return monitored.host.Matches(mon_name); }),
      monitored_.end());
  if (monitored_.size() != before) SaveOrWarn();
  std::vector<MonitorRegistration> interested;
  for (const MonitorRegistration& registration : registrations_) {
    if (registration.mon_name == mon_name) interested.push_back(registration);
  }
  return interested;
}

int32_t StatusMonitor::SimulateCrash() {
  std::lock_guard<std::mutex> guard(mutex_);
  Restart();
  SaveOrWarn();
  return state_;
}

std::vector<ClientHost> StatusMonitor::to_notify() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return to_notify_;
}

void StatusMonitor::Notified(const ClientHost& host) {
  std::lock_guard<std::mutex> guard(mutex_);
  to_notify_.erase(std::remove(to_notify_.begin(), to_notify_.end(), host), to_notify_.end());
  SaveOrWarn();
}

}  // namespace nfsuite::lock
