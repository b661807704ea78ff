#ifndef NFSUITE_CTL_EXPORT_COMMAND_H_
#define NFSUITE_CTL_EXPORT_COMMAND_H_

#include "ctl/command.h"

namespace nfsuite::ctl {

// `nfsctl export list | show PATH | add PATH [-OPTIONS] CLIENT[(OPTIONS)]... |
// remove PATH [CLIENT]`: mountd's export table, and changes to it that mountd validates like the
// exports file, writes to that file atomically and puts in force at once (nfsd follows).
Command AddExportCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_EXPORT_COMMAND_H_
