#include "tests/integration/test_support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace nfsuite::testing {
namespace {

// Execs argv in the child, dying with the parent.
[[noreturn]] void ExecChild(const std::vector<std::string>& argv, int output_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  dup2(output_fd, STDOUT_FILENO);
  dup2(output_fd, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // Daemons block these signals in their own threads; start them from a clean mask.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DaemonProcess>> DaemonProcess::Start(
    const std::string& binary, const std::vector<std::string>& args, const std::string& ready_path,
    absl::Duration timeout) {
  char log_template[] = "/tmp/nfsuite-daemon-log-XXXXXX";
  const int log_fd = mkstemp(log_template);
  if (log_fd < 0) return absl::InternalError("cannot create a log file");
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = fork();
  if (pid == 0) ExecChild(argv, log_fd);
  close(log_fd);
  if (pid < 0) return absl::InternalError("fork failed");
  std::unique_ptr<DaemonProcess> daemon(new DaemonProcess(pid, log_template));
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (access(ready_path.c_str(), F_OK) == 0) return daemon;
    if (!daemon->Running()) {
      return absl::FailedPreconditionError(
          absl::StrCat(binary, " exited during start-up:\n", daemon->Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(binary, " did not create ", ready_path, " in time:\n", daemon->Log()));
}

DaemonProcess::~DaemonProcess() {
  Stop();
  unlink(log_path_.c_str());
}

bool DaemonProcess::Running() {
  if (reaped_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return false;
  }
  return true;
}

int DaemonProcess::WaitExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (Running() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  return Running() ? INT32_MIN : exit_status_;
}

int DaemonProcess::Stop() {
  if (!Running()) return exit_status_;
  kill(pid_, SIGTERM);
  if (const int status = WaitExit(absl::Seconds(10)); status != INT32_MIN) return status;
  Kill();
  return exit_status_;
}

void DaemonProcess::Kill() {
  if (!Running()) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
  exit_status_ = -SIGKILL;
}

int64_t DaemonProcess::ResidentKiB() const {
  std::ifstream status(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    int64_t kib = 0;
    if (fields.size() >= 2 && absl::SimpleAtoi(fields[1], &kib)) return kib;
  }
  return -1;
}

std::string DaemonProcess::Log() const {
  std::ifstream log(log_path_);
  std::stringstream text;
  text << log.rdbuf();
  return text.str();
}

CommandResult RunCommand(const std::vector<std::string>& argv, absl::Duration timeout) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    ExecChild(argv, pipe_fds[1]);
  }
  close(pipe_fds[1]);
  CommandResult result;
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
  const absl::Time deadline = absl::Now() + timeout;
  bool exited = false;
  int status = 0;
  while (!exited) {
    char buffer[4096];
    ssize_t count;
    while ((count = read(pipe_fds[0], buffer, sizeof(buffer))) > 0)
      result.output.append(buffer, count);
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
    } else if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      close(pipe_fds[0]);
      result.output += "\n[killed: timed out]";
      return result;
    } else {
      absl::SleepFor(absl::Milliseconds(5));
    }
  }
  char buffer[4096];
  ssize_t count;
  while ((count = read(pipe_fds[0], buffer, sizeof(buffer))) > 0)
    result.output.append(buffer, count);
  close(pipe_fds[0]);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

TemporaryDirectory::TemporaryDirectory() {
  char name[] = "/tmp/nfsuite-test-XXXXXX";
  path_ = mkdtemp(name);
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string WhyPort111Unusable() {
  if (geteuid() != 0) return "needs root to bind port 111 (rpcinfo -p only asks port 111)";
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(111);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  if (!free) return "port 111 is in use (is a system rpcbind or another portmapd running?)";
  return "";
}

std::string ReadServerFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteServerFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

bool ServerPathExists(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0;
}

}  // namespace nfsuite::testing
