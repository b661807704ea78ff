#include "ctl/status_command.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ctl/control_client.h"

namespace nfsuite::ctl {
namespace {

constexpr auto kWaitPollInterval = std::chrono::milliseconds(100);

std::string FormatUptime(int64_t seconds) {
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  if (seconds < 86400) return absl::StrFormat("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  return absl::StrFormat("%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
}

std::string FormatHosts(
    const google::protobuf::RepeatedPtrField<control::v1::MonitoredHost>& hosts) {
  std::vector<std::string> shown;
  for (const control::v1::MonitoredHost& host : hosts) {
    shown.push_back(host.name() == host.address()
                        ? host.name()
                        : absl::StrFormat("%s (%s)", host.name(), host.address()));
  }
  return shown.empty() ? "none" : absl::StrJoin(shown, ", ");
}

void AppendLockManager(const control::v1::LockManagerStatus& locks, std::string& out) {
  absl::StrAppendFormat(&out, "  locks: %d held, %d blocked, %d share reservations\n",
                        locks.locks(), locks.blocked(), locks.shares());
  if (locks.grace_seconds_left() > 0) {
    absl::StrAppendFormat(&out, "  grace period: %ds left (only lock reclaims are granted)\n",
                          locks.grace_seconds_left());
  } else {
    absl::StrAppend(&out, "  grace period: over\n");
  }
  absl::StrAppendFormat(&out, "  status monitor: state %d; monitored hosts: %s\n",
                        locks.nsm_state(), FormatHosts(locks.monitored_hosts()));
  if (locks.hosts_to_notify_size() > 0) {
    absl::StrAppendFormat(&out, "  still to notify of the restart: %s\n",
                          FormatHosts(locks.hosts_to_notify()));
  }
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
  if (status.unregistered()) {
    absl::StrAppend(&out,
                    "  NOT REGISTERED with the portmapper: clients cannot find it (is portmapd "
                    "running? it registers as soon as one answers)\n");
  }
  if (status.has_export_table()) {
    const control::v1::FollowedExportTable& table = status.export_table();
    if (table.mountd_instance().empty()) {
      absl::StrAppend(&out, "  export table: none from mountd yet\n");
    } else {
      absl::StrAppendFormat(&out, "  export table: %d export(s), generation %d of mountd %s\n",
                            table.exports(), table.generation(), table.mountd_instance());
    }
  }
  if (status.has_lock_manager()) AppendLockManager(status.lock_manager(), out);
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

namespace {

struct StatusArguments {
  std::vector<std::string> daemons;
  double wait_seconds = 0;
};

// Running, and (mountd, nfsd) listed by the portmapper, so clients can find it.
bool AllReady(const control::v1::StatusReport& report) {
  for (const control::v1::DaemonReport& entry : report.daemons()) {
    if (!entry.running() || entry.status().unregistered()) return false;
  }
  return true;
}

int RunStatus(const GlobalOptions& options, StatusArguments arguments) {
  if (arguments.daemons.empty()) {
    arguments.daemons.assign(std::begin(kDaemons), std::end(kDaemons));
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(arguments.wait_seconds);
  control::v1::StatusReport report = CollectStatus(options.run_dir, arguments.daemons);
  while (!AllReady(report) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kWaitPollInterval);
    report = CollectStatus(options.run_dir, arguments.daemons);
  }
  const std::string text = options.json ? ToJson(report) : FormatStatusTable(report);
  std::fputs(text.c_str(), stdout);
  return AllReady(report) ? kExitSuccess : kExitNotRunning;
}

}  // namespace

Command AddStatusCommand(CLI::App& app, const GlobalOptions& options) {
  auto arguments = std::make_shared<StatusArguments>();
  CLI::App* command = app.add_subcommand(
      "status",
      "show whether each daemon runs, with its version, pid, uptime, listeners and "
      "registrations; exit status 3 when one is not running (or not yet registered with the "
      "portmapper)");
  command->add_option("daemon", arguments->daemons, "daemons to ask (default: all)")
      ->check(KnownDaemon());
  command
      ->add_option("--wait", arguments->wait_seconds,
                   "wait up to SECONDS for every daemon asked about to run and be registered")
      ->check(CLI::NonNegativeNumber);
  return {command, [&options, arguments] { return RunStatus(options, *arguments); }};
}

}  // namespace nfsuite::ctl
