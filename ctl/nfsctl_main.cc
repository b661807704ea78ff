// nfsctl: administers the running nfsuite daemons through their control sockets.
#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "ctl/control_client.h"
#include "ctl/status_command.h"

namespace {

constexpr int kExitFailure = 1;

int RunLogLevelCommand(const std::string& run_dir, const std::string& daemon,
                       const std::string& level, bool json) {
  absl::StatusOr<std::string> previous =
      nfsuite::ctl::ControlClient(run_dir, daemon).SetLogLevel(level);
  if (!previous.ok()) {
    std::fprintf(stderr, "nfsctl: %s\n", std::string(previous.status().message()).c_str());
    return kExitFailure;
  }
  if (json) {
    std::printf("{\"daemon\": \"%s\", \"level\": \"%s\", \"previous_level\": \"%s\"}\n",
                daemon.c_str(), level.c_str(), previous->c_str());
  } else {
    std::printf("%s: log level %s (was %s)\n", daemon.c_str(), level.c_str(), previous->c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nfsctl - administer the nfsuite NFS server daemons"};
  app.require_subcommand(1);
  std::string run_dir = "/run/nfsuite";
  bool json = false;
  app.add_option("--run-dir", run_dir, "directory holding the daemons' control sockets")
      ->capture_default_str();
  app.add_flag("--json", json, "print JSON for scripts instead of tables");

  std::vector<std::string> status_daemons;
  CLI::App* status = app.add_subcommand(
      "status",
      "show whether each daemon runs, with its version, pid, uptime, listeners and "
      "registrations; exit status 3 when one is not running");
  status->add_option("daemon", status_daemons, "daemons to ask (default: all)")
      ->check(CLI::IsMember({"portmapd", "mountd", "nfsd"}));

  std::string log_daemon;
  std::string log_level;
  CLI::App* log = app.add_subcommand("log-level", "change a daemon's log level live");
  log->add_option("daemon", log_daemon, "portmapd, mountd or nfsd")
      ->required()
      ->check(CLI::IsMember({"portmapd", "mountd", "nfsd"}));
  log->add_option("level", log_level, "debug, info, warning or error")
      ->required()
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));

  CLI11_PARSE(app, argc, argv);
  if (status->parsed()) {
    if (status_daemons.empty()) {
      status_daemons.assign(std::begin(nfsuite::ctl::kDaemons), std::end(nfsuite::ctl::kDaemons));
    }
    return nfsuite::ctl::RunStatusCommand(run_dir, status_daemons, json);
  }
  if (log->parsed()) return RunLogLevelCommand(run_dir, log_daemon, log_level, json);
  return kExitFailure;
}
