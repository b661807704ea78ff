#ifndef NFSUITE_CTL_STATUS_COMMAND_H_
#define NFSUITE_CTL_STATUS_COMMAND_H_

#include <string>
#include <vector>

#include "proto/control.pb.h"

namespace nfsuite::ctl {

// Queries each daemon; a daemon that cannot be reached is reported, not raised.
control::v1::StatusReport CollectStatus(const std::string& run_dir,
                                        const std::vector<std::string>& daemons);
// For people: one block per daemon with its listeners and registration table.
std::string FormatStatusTable(const control::v1::StatusReport& report);
// For scripts: the StatusReport message as JSON.
std::string FormatStatusJson(const control::v1::StatusReport& report);

// `nfsctl status`: prints the report; exit status 0 only when every daemon asked about is
// running, 3 otherwise (the LSB "not running" status).
int RunStatusCommand(const std::string& run_dir, const std::vector<std::string>& daemons,
                     bool json);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_STATUS_COMMAND_H_
