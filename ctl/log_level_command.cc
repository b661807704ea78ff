#include "ctl/log_level_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "ctl/control_client.h"

namespace nfsuite::ctl {
namespace {

struct LogLevelArguments {
  std::string daemon;
  std::string level;
};

int RunLogLevel(const GlobalOptions& options, const LogLevelArguments& arguments) {
  absl::StatusOr<std::string> previous =
      ControlClient(options.run_dir, arguments.daemon).SetLogLevel(arguments.level);
  if (!previous.ok()) return ReportFailure(std::string(previous.status().message()));
  if (options.json) {
    std::printf("{\"daemon\": \"%s\", \"level\": \"%s\", \"previous_level\": \"%s\"}\n",
                arguments.daemon.c_str(), arguments.level.c_str(), previous->c_str());
  } else {
    std::printf("%s: log level %s (was %s)\n", arguments.daemon.c_str(), arguments.level.c_str(),
                previous->c_str());
  }
  return kExitSuccess;
}

}  // namespace

Command AddLogLevelCommand(CLI::App& app, const GlobalOptions& options) {
  auto arguments = std::make_shared<LogLevelArguments>();
  CLI::App* command = app.add_subcommand("log-level", "change a daemon's log level live");
  command->add_option("daemon", arguments->daemon, "portmapd, mountd or nfsd")
      ->required()
      ->check(KnownDaemon());
  command->add_option("level", arguments->level, "debug, info, warning or error")
      ->required()
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
  return {command, [&options, arguments] { return RunLogLevel(options, *arguments); }};
}

}  // namespace nfsuite::ctl
