#include "ctl/control_client.h"

#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/control/control_server.h"
#include "grpcpp/grpcpp.h"
#include "proto/control.grpc.pb.h"

namespace nfsuite::ctl {
namespace {

constexpr auto kCallTimeout = std::chrono::seconds(5);

}  // namespace

ControlClient::ControlClient(std::string run_dir, std::string daemon)
    : daemon_(daemon), socket_path_(control::ControlSocketPath(run_dir, daemon)) {}

absl::Status ControlClient::CheckReachable() const {
  if (access(socket_path_.c_str(), F_OK) != 0) {
    return absl::UnavailableError(absl::StrCat(daemon_, " is not running: no control socket at ",
                                               socket_path_, "; start it with scripts/run.sh (or ",
                                               daemon_, " --run-dir DIR)"));
  }
  if (access(socket_path_.c_str(), R_OK | W_OK) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot use ", daemon_, "'s control socket ",
                                                    socket_path_,
                                                    ": permission denied; run nfsctl as root"));
  }
  return absl::OkStatus();
}

absl::Status ControlClient::FromGrpc(int code, const std::string& message) const {
  if (code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::UnavailableError(absl::StrCat(
        daemon_, " is not running: its control socket ", socket_path_,
        " does not answer (left behind by a daemon that died?); start it with scripts/run.sh"));
  }
  return absl::Status(static_cast<absl::StatusCode>(code),
                      absl::StrCat(daemon_, " (", socket_path_, "): ", message));
}

absl::Status ControlClient::Call(Invocation call) const {
  if (absl::Status reachable = CheckReachable(); !reachable.ok()) return reachable;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  const std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(absl::StrCat("unix:", socket_path_), grpc::InsecureChannelCredentials());
  grpc::Status result = call(context, channel);
  if (!result.ok()) return FromGrpc(result.error_code(), result.error_message());
  return absl::OkStatus();
}

absl::StatusOr<control::v1::DaemonStatus> ControlClient::GetStatus() const {
  control::v1::DaemonStatus status;
  absl::Status result = Call([&](grpc::ClientContext& context, const auto& channel) {
    return control::v1::DaemonControl::NewStub(channel)->GetStatus(&context, {}, &status);
  });
  if (!result.ok()) return result;
  return status;
}

absl::StatusOr<std::string> ControlClient::SetLogLevel(const std::string& level) const {
  control::v1::SetLogLevelRequest request;
  request.set_level(level);
  control::v1::SetLogLevelResponse response;
  absl::Status result = Call([&](grpc::ClientContext& context, const auto& channel) {
    return control::v1::DaemonControl::NewStub(channel)->SetLogLevel(&context, request, &response);
  });
  if (!result.ok()) return result;
  return response.previous_level();
}

}  // namespace nfsuite::ctl
