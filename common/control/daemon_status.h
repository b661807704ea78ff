#ifndef NFSUITE_COMMON_CONTROL_DAEMON_STATUS_H_
#define NFSUITE_COMMON_CONTROL_DAEMON_STATUS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/control.grpc.pb.h"

namespace nfsuite::control {

// The DaemonControl service every daemon serves. Facts common to all daemons (name, version,
// pid, uptime, log level) are filled here; `describe` adds the daemon's own (listeners,
// registrations); `reload` is what SIGHUP does, returning a summary or why it was refused.
class DaemonControlService final : public v1::DaemonControl::Service {
 public:
  using Describe = std::function<void(v1::DaemonStatus&)>;
  using Reloader = std::function<absl::StatusOr<std::string>()>;
  DaemonControlService(std::string daemon, std::string state_dir, Describe describe,
                       Reloader reload);

  grpc::Status GetStatus(grpc::ServerContext* context, const v1::StatusRequest* request,
                         v1::DaemonStatus* response) override;
  grpc::Status SetLogLevel(grpc::ServerContext* context, const v1::SetLogLevelRequest* request,
                           v1::SetLogLevelResponse* response) override;
  grpc::Status Reload(grpc::ServerContext* context, const v1::ReloadRequest* request,
                      v1::ReloadResponse* response) override;

 private:
  const std::string daemon_;
  const std::string state_dir_;
  const Describe describe_;
  const Reloader reload_;
  const absl::Time started_ = absl::Now();
};

// Runs `reload` (SIGHUP or the Reload call) and logs the outcome; no reloader: nothing to do.
absl::StatusOr<std::string> RunReload(const std::string& daemon,
                                      const DaemonControlService::Reloader& reload);

}  // namespace nfsuite::control

#endif  // NFSUITE_COMMON_CONTROL_DAEMON_STATUS_H_
