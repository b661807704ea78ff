#include "common/control/control_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/util/atomic_file.h"
#include "common/util/logging.h"

namespace nfsuite::control {
namespace {

// True when something accepts connections on the Unix socket at `path`.
bool SocketAnswers(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  const bool answers = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return answers;
}

}  // namespace

std::string ControlSocketPath(absl::string_view run_dir, absl::string_view daemon) {
  return absl::StrCat(run_dir, "/", daemon, ".sock");
}

absl::StatusOr<std::unique_ptr<ControlServer>> ControlServer::Start(
    const std::string& socket_path, const std::vector<grpc::Service*>& services) {
  if (socket_path.size() >= sizeof(sockaddr_un::sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("control socket path is too long for a Unix socket: ", socket_path));
  }
  const std::string directory = std::filesystem::path(socket_path).parent_path().string();
  if (absl::Status made = MakeDirectories(directory, 0700); !made.ok()) return made;
  if (SocketAnswers(socket_path)) {
    return absl::AlreadyExistsError(
        absl::StrCat("another instance is already serving ", socket_path, "; stop it first"));
  }
  unlink(socket_path.c_str());  // left behind by a daemon that died

  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("unix:", socket_path), grpc::InsecureServerCredentials());
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve the control socket ", socket_path));
  }
  chmod(socket_path.c_str(), 0600);
  Logf(LogLevel::kInfo, "control service on unix:%s", socket_path);
  return std::unique_ptr<ControlServer>(new ControlServer(socket_path, std::move(server)));
}

ControlServer::~ControlServer() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
  unlink(socket_path_.c_str());
}

}  // namespace nfsuite::control
