#ifndef NFSUITE_CTL_SHOWMOUNT_COMMAND_H_
#define NFSUITE_CTL_SHOWMOUNT_COMMAND_H_

#include "ctl/command.h"

namespace nfsuite::ctl {

// `nfsctl showmount [-e|-a|-d]`, as showmount(8) shows it but from mountd's control socket (so
// it works however mountd restricts its lists to clients): -e the exports and their clients,
// -a every client:directory mount, -d the mounted directories, default the mounting clients.
Command AddShowmountCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_SHOWMOUNT_COMMAND_H_
