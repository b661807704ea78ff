// nfsctl: administers the running nfsuite daemons through their control sockets.
#include <vector>

#include "CLI/CLI.hpp"
#include "ctl/command.h"
#include "ctl/export_command.h"
#include "ctl/log_level_command.h"
#include "ctl/reload_command.h"
#include "ctl/showmount_command.h"
#include "ctl/stats_command.h"
#include "ctl/status_command.h"

int main(int argc, char** argv) {
  namespace ctl = nfsuite::ctl;
  CLI::App app{"nfsctl - administer the nfsuite NFS server daemons"};
  app.require_subcommand(1);
  ctl::GlobalOptions options;
  app.add_option("--run-dir", options.run_dir, "directory holding the daemons' control sockets")
      ->capture_default_str();
  app.add_flag("--json", options.json, "print JSON for scripts instead of tables");

  // One entry per command; each command's file says what it does.
  const std::vector<ctl::Command> commands = {
      ctl::AddStatusCommand(app, options), ctl::AddLogLevelCommand(app, options),
      ctl::AddExportCommand(app, options), ctl::AddShowmountCommand(app, options),
      ctl::AddReloadCommand(app, options), ctl::AddStatsCommand(app, options),
  };

  CLI11_PARSE(app, argc, argv);
  for (const ctl::Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return ctl::kExitUsage;
}
