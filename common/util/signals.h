#ifndef NFSUITE_COMMON_UTIL_SIGNALS_H_
#define NFSUITE_COMMON_UTIL_SIGNALS_H_

#include <optional>

#include "absl/time/time.h"

namespace nfsuite {

// Daemons take SIGTERM, SIGINT and SIGHUP synchronously on their main thread. Blocking them must
// happen before any thread starts, so that every thread inherits the mask and none of them is
// interrupted by a signal meant for the daemon.
void BlockDaemonSignals();
// Waits up to `timeout` for one of them; nullopt on timeout.
std::optional<int> WaitForDaemonSignal(absl::Duration timeout);

}  // namespace nfsuite

#endif  // NFSUITE_COMMON_UTIL_SIGNALS_H_
