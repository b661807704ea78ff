#ifndef NFSUITE_TESTS_INTEGRATION_TEST_SUPPORT_H_
#define NFSUITE_TESTS_INTEGRATION_TEST_SUPPORT_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

// Helpers for integration tests that run the real daemons and real clients.
namespace nfsuite::testing {

// A daemon started by a test. The destructor always stops it (SIGTERM, then SIGKILL), and the
// daemon is killed by the kernel if the test process dies first, so no test leaves one behind.
class DaemonProcess {
 public:
  // Starts `binary` with `args`, its stderr going to a log file, and waits until `ready_path`
  // (its control socket) exists or the daemon exits.
  static absl::StatusOr<std::unique_ptr<DaemonProcess>> Start(const std::string& binary,
                                                              const std::vector<std::string>& args,
                                                              const std::string& ready_path,
                                                              absl::Duration timeout);
  ~DaemonProcess();

  pid_t pid() const { return pid_; }
  bool Running();
  // Stops it with SIGTERM; returns the exit status (or -signal).
  int Stop();
  void Kill();  // SIGKILL, for crash tests
  // Resident set size in KiB, from /proc/PID/status.
  int64_t ResidentKiB() const;
  std::string Log() const;

 private:
  DaemonProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  int WaitExit(absl::Duration timeout);

  pid_t pid_;
  std::string log_path_;
  bool reaped_ = false;
  int exit_status_ = 0;
};

struct CommandResult {
  int exit_code = -1;  // -1 when it had to be killed on timeout
  std::string output;  // stdout and stderr together
};
// Runs a command to completion, bounded by `timeout`.
CommandResult RunCommand(const std::vector<std::string>& argv, absl::Duration timeout);

// A fresh directory under /tmp, removed with everything in it by the destructor.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Files on the server's side of a test, read and written directly (not through NFS).
std::string ReadServerFile(const std::string& path);  // "" when it cannot be read
void WriteServerFile(const std::string& path, const std::string& contents);
bool ServerPathExists(const std::string& path);  // lstat: a dangling symlink exists

// Why a test needing root and a free port 111 cannot run here, or "" when it can.
std::string WhyPort111Unusable();

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_TEST_SUPPORT_H_
