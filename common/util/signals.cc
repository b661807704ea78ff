#include "common/util/signals.h"

#include <signal.h>

#include <cerrno>

namespace nfsuite {
namespace {

sigset_t DaemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockDaemonSignals() {
  const sigset_t set = DaemonSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the daemon
}

std::optional<int> WaitForDaemonSignal(absl::Duration timeout) {
  const sigset_t set = DaemonSignals();
  const timespec wait = absl::ToTimespec(timeout);
  for (;;) {
    const int signal_number = sigtimedwait(&set, nullptr, &wait);
    if (signal_number > 0) return signal_number;
    if (errno == EAGAIN) return std::nullopt;
    // EINTR: another signal interrupted the wait; wait again.
  }
}

}  // namespace nfsuite
