#ifndef NFSUITE_COMMON_CONTROL_CONTROL_SERVER_H_
#define NFSUITE_COMMON_CONTROL_CONTROL_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/grpcpp.h"

namespace nfsuite::control {

// Where daemon `daemon` ("portmapd", "mountd", "nfsd") serves its control service.
std::string ControlSocketPath(absl::string_view run_dir, absl::string_view daemon);

// A gRPC server on a Unix socket that only root can reach: the run directory is made 0700 and
// the socket 0600. A socket left behind by a dead daemon is replaced; one that still answers
// means another instance is running, and starting fails.
class ControlServer final {
 public:
  static absl::StatusOr<std::unique_ptr<ControlServer>> Start(
      const std::string& socket_path, const std::vector<grpc::Service*>& services);
  ~ControlServer();

  const std::string& socket_path() const { return socket_path_; }

 private:
  ControlServer(std::string socket_path, std::unique_ptr<grpc::Server> server)
      : socket_path_(std::move(socket_path)), server_(std::move(server)) {}

  const std::string socket_path_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace nfsuite::control

#endif  // NFSUITE_COMMON_CONTROL_CONTROL_SERVER_H_
