#ifndef NFSUITE_CTL_RELOAD_COMMAND_H_
#define NFSUITE_CTL_RELOAD_COMMAND_H_

#include "ctl/command.h"

namespace nfsuite::ctl {

// `nfsctl reload [DAEMON...]`: what SIGHUP does (mountd reads its exports file again), with the
// outcome: exit status 1 when a daemon refused its new configuration (the old one stays).
Command AddReloadCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_RELOAD_COMMAND_H_
