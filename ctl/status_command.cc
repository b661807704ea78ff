#include "ctl/status_command.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ctl/control_client.h"
#include "google/protobuf/util/json_util.h"

namespace nfsuite::ctl {
namespace {

constexpr int kExitNotRunning = 3;

std::string FormatUptime(int64_t seconds) {
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  if (seconds < 86400) return absl::StrFormat("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  return absl::StrFormat("%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
}

void AppendRunning(const control::v1::DaemonStatus& status, std::string& out) {
  absl::StrAppendFormat(&out, "%-9s running  pid %d  up %s  version %s  log level %s\n",
                        status.daemon(), status.pid(), FormatUptime(status.uptime_seconds()),
                        status.version(), status.log_level());
  std::vector<std::string> listeners;
  for (const control::v1::ListenAddress& listener : status.listeners()) {
    listeners.push_back(absl::StrFormat(
        "%s %s%s%s:%d", listener.netid(), listener.netid().ends_with("6") ? "[" : "",
        listener.address(), listener.netid().ends_with("6") ? "]" : "", listener.port()));
  }
  if (!listeners.empty()) {
    absl::StrAppend(&out, "  listening on: ", absl::StrJoin(listeners, ", "), "\n");
  }
  if (status.has_transport()) {
    const control::v1::TransportCounters& t = status.transport();
    absl::StrAppendFormat(&out,
                          "  connections: %d open, %d accepted, %d refused; closed %d idle, "
                          "%d evicted, %d oversized; %d UDP calls dropped\n",
                          t.connections_open(), t.connections_accepted(), t.connections_refused(),
                          t.closed_idle(), t.closed_evicted(), t.closed_oversized(),
                          t.udp_dropped());
  }
  if (status.registrations_size() > 0) {
    absl::StrAppendFormat(&out, "  %-9s %-5s %-6s %-28s %-11s %s\n", "program", "vers", "netid",
                          "address", "service", "owner");
    for (const control::v1::Registration& entry : status.registrations()) {
      absl::StrAppendFormat(&out, "  %-9d %-5d %-6s %-28s %-11s %s\n", entry.program(),
                            entry.version(), entry.netid(), entry.address(),
                            entry.program_name().empty() ? "-" : entry.program_name(),
                            entry.owner());
    }
  }
}

}  // namespace

control::v1::StatusReport CollectStatus(const std::string& run_dir,
                                        const std::vector<std::string>& daemons) {
  control::v1::StatusReport report;
  for (const std::string& daemon : daemons) {
    control::v1::DaemonReport* entry = report.add_daemons();
    entry->set_daemon(daemon);
    absl::StatusOr<control::v1::DaemonStatus> status = ControlClient(run_dir, daemon).GetStatus();
    if (status.ok()) {
      entry->set_running(true);
      *entry->mutable_status() = *std::move(status);
    } else {
      entry->set_running(false);
      entry->set_error(std::string(status.status().message()));
    }
  }
  return report;
}

std::string FormatStatusTable(const control::v1::StatusReport& report) {
  std::string out;
  for (const control::v1::DaemonReport& entry : report.daemons()) {
    if (entry.running()) {
      AppendRunning(entry.status(), out);
    } else {
      absl::StrAppendFormat(&out, "%-9s NOT RUNNING  %s\n", entry.daemon(), entry.error());
    }
  }
  return out;
}

std::string FormatStatusJson(const control::v1::StatusReport& report) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(report, &json, options);
  return json;
}

int RunStatusCommand(const std::string& run_dir, const std::vector<std::string>& daemons,
                     bool json) {
  const control::v1::StatusReport report = CollectStatus(run_dir, daemons);
  const std::string text = json ? FormatStatusJson(report) : FormatStatusTable(report);
  std::fputs(text.c_str(), stdout);
  for (const control::v1::DaemonReport& entry : report.daemons()) {
    if (!entry.running()) return kExitNotRunning;
  }
  return 0;
}

}  // namespace nfsuite::ctl
