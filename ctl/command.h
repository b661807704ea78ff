#ifndef NFSUITE_CTL_COMMAND_H_
#define NFSUITE_CTL_COMMAND_H_

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "google/protobuf/message.h"

namespace nfsuite::ctl {

// Exit statuses of nfsctl: 0 only on success.
inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotRunning = 3;  // the LSB "not running" status

// Options every command sees (given before the command: `nfsctl --json status`).
struct GlobalOptions {
  std::string run_dir = "/run/nfsuite";
  bool json = false;
};

// One nfsctl subcommand: its CLI11 node, added to the app before parsing, and what to run when
// the command line chose it (reading the options bound while adding it). Each command lives in
// its own file with an `AddXxxCommand(CLI::App&, const GlobalOptions&)` returning this.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Checks a DAEMON argument: portmapd, mountd or nfsd (control_client.h's kDaemons).
CLI::IsMember KnownDaemon();

// Prints "nfsctl: MESSAGE" on stderr and returns kExitFailure, for a command's error path.
int ReportFailure(const std::string& message);
// Protobuf message as JSON, field names as in the .proto, for --json output.
std::string ToJson(const google::protobuf::Message& message);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_COMMAND_H_
