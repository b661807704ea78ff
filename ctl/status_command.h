#ifndef NFSUITE_CTL_STATUS_COMMAND_H_
#define NFSUITE_CTL_STATUS_COMMAND_H_

#include <string>
#include <vector>

#include "ctl/command.h"
#include "proto/control.pb.h"

namespace nfsuite::ctl {

// Queries each daemon; a daemon that cannot be reached is reported, not raised.
control::v1::StatusReport CollectStatus(const std::string& run_dir,
                                        const std::vector<std::string>& daemons);
// For people: one block per daemon with its listeners and registration table.
std::string FormatStatusTable(const control::v1::StatusReport& report);
// `nfsctl status [--wait SECONDS] [DAEMON...]`: prints the report; exit status 0 only when every
// daemon asked about is ready — running and, for mountd and nfsd, listed by the portmapper —
// kExitNotRunning otherwise. With --wait it first polls until they all are or the time is up,
// for scripts that start the suite and must wait until clients can use it.
Command AddStatusCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_STATUS_COMMAND_H_
