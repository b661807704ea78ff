#include "ctl/reload_command.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ctl/control_client.h"
#include "proto/control.grpc.pb.h"

namespace nfsuite::ctl {
namespace {

int RunReload(const GlobalOptions& options, std::vector<std::string> daemons) {
  // By default the daemon with a configuration to reload; the others say they have none.
  if (daemons.empty()) daemons = {"mountd"};
  control::v1::ReloadReport report;
  int exit_status = kExitSuccess;
  for (const std::string& daemon : daemons) {
    control::v1::ReloadResponse response;
    absl::Status status =
        ControlClient(options.run_dir, daemon)
            .Call([&](grpc::ClientContext& context, const auto& channel) {
              return control::v1::DaemonControl::NewStub(channel)->Reload(&context, {}, &response);
            });
    control::v1::DaemonReload* entry = report.add_daemons();
    entry->set_daemon(daemon);
    entry->set_reloaded(status.ok());
    if (status.ok()) {
      entry->set_summary(response.summary());
    } else {
      entry->set_error(std::string(status.message()));
    }
    if (!status.ok()) exit_status = kExitFailure;
    if (options.json) continue;
    if (status.ok()) {
      std::printf("%s: %s\n", daemon.c_str(), response.summary().c_str());
    } else {
      std::fprintf(stderr, "nfsctl: reload refused: %s\n", std::string(status.message()).c_str());
    }
  }
  if (options.json) std::fputs(ToJson(report).c_str(), stdout);
  return exit_status;
}

}  // namespace

Command AddReloadCommand(CLI::App& app, const GlobalOptions& options) {
  auto daemons = std::make_shared<std::vector<std::string>>();
  CLI::App* command = app.add_subcommand(
      "reload", "reload a daemon's configuration as SIGHUP does, and say how it went");
  command->add_option("daemon", *daemons, "daemons to reload (default: mountd)")
      ->check(KnownDaemon());
  return {command, [&options, daemons] { return RunReload(options, *daemons); }};
}

}  // namespace nfsuite::ctl
