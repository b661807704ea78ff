#ifndef NFSUITE_COMMON_CONTROL_SERVICE_MANAGER_H_
#define NFSUITE_COMMON_CONTROL_SERVICE_MANAGER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace nfsuite::control {

// The sd_notify protocol, without libsystemd: when the daemon was started by a service manager
// that set NOTIFY_SOCKET (systemd with Type=notify), `state` ("READY=1", "RELOADING=1",
// "STOPPING=1", "STATUS=...", newline-separated) is sent to it as one datagram. Without
// NOTIFY_SOCKET it does nothing and succeeds: daemons run the same under any supervisor.
absl::Status NotifyServiceManager(absl::string_view state);

}  // namespace nfsuite::control

#endif  // NFSUITE_COMMON_CONTROL_SERVICE_MANAGER_H_
