#ifndef NFSUITE_CTL_LOG_LEVEL_COMMAND_H_
#define NFSUITE_CTL_LOG_LEVEL_COMMAND_H_

#include "ctl/command.h"

namespace nfsuite::ctl {

// `nfsctl log-level DAEMON LEVEL`: changes a running daemon's log level, prints the previous one.
Command AddLogLevelCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_LOG_LEVEL_COMMAND_H_
