#ifndef NFSUITE_CTL_CONTROL_CLIENT_H_
#define NFSUITE_CTL_CONTROL_CLIENT_H_

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "proto/control.pb.h"

namespace nfsuite::ctl {

inline constexpr const char* kDaemons[] = {"portmapd", "mountd", "nfsd"};

// Talks to one daemon's control socket in `run_dir`. Errors name the daemon and the socket and
// say what to do: kUnavailable when the daemon is not running, kPermissionDenied when the
// socket is not ours to use.
class ControlClient {
 public:
  ControlClient(std::string run_dir, std::string daemon);

  absl::StatusOr<control::v1::DaemonStatus> GetStatus() const;
  // Returns the previous level.
  absl::StatusOr<std::string> SetLogLevel(const std::string& level) const;

  // One unary call of any control service on the daemon's socket, with the checks, deadline and
  // error wording above: `call` makes it with the context and channel it is given, e.g.
  //   client.Call([&](grpc::ClientContext& context, const auto& channel) {
  //     return Service::NewStub(channel)->Method(&context, request, &response);
  //   });
  using Invocation = absl::FunctionRef<grpc::Status(grpc::ClientContext& context,
                                                    const std::shared_ptr<grpc::Channel>& channel)>;
  absl::Status Call(Invocation call) const;

  const std::string& daemon() const { return daemon_; }
  const std::string& socket_path() const { return socket_path_; }

 private:
  absl::Status CheckReachable() const;
  absl::Status FromGrpc(int code, const std::string& message) const;

  const std::string daemon_;
  const std::string socket_path_;
};

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_CONTROL_CLIENT_H_
