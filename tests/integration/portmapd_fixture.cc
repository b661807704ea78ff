#include "tests/integration/portmapd_fixture.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nfsuite::testing {

void PortmapdTest::SetUp() {
  if (const std::string why = WhyPort111Unusable(); !why.empty()) GTEST_SKIP() << why;
  StartPortmapd();
}

void PortmapdTest::TearDown() { StopPortmapd(); }

void PortmapdTest::StartPortmapd(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--port",      "111",       "--listen",         "127.0.0.1,::1",
                                   "--state-dir", state_dir(), "--run-dir",        run_dir(),
                                   "--log-level", "debug",     "--prune-interval", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  absl::StatusOr<std::unique_ptr<DaemonProcess>> started = DaemonProcess::Start(
      NFSUITE_PORTMAPD_PATH, args, run_dir() + "/portmapd.sock", absl::Seconds(10));
  ASSERT_TRUE(started.ok()) << started.status();
  portmapd_ = *std::move(started);
}

void PortmapdTest::StopPortmapd() {
  if (portmapd_ == nullptr) return;
  const int status = portmapd_->Stop();
  EXPECT_EQ(status, 0) << "portmapd did not stop cleanly:\n" << portmapd_->Log();
  portmapd_.reset();
}

std::unique_ptr<rpc::RpcClient> PortmapdTest::Connect(rpc::Transport transport) {
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      rpc::RpcClient::Connect(transport, rpc::SocketAddress::Loopback4(111), absl::Seconds(5));
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

CommandResult PortmapdTest::Rpcinfo(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"rpcinfo"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, absl::Seconds(20));
}

FakeService::FakeService() {
  for (int attempt = 0; attempt < 20 && port_ == 0; ++attempt) {
    tcp_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    bind(tcp_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(tcp_fd_, 16);
    getsockname(tcp_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    udp_fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (bind(udp_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
      port_ = ntohs(address.sin_port);
    } else {
      Close();
    }
  }
}

FakeService::~FakeService() { Close(); }

void FakeService::Close() {
  if (tcp_fd_ >= 0) close(tcp_fd_);
  if (udp_fd_ >= 0) close(udp_fd_);
  tcp_fd_ = udp_fd_ = -1;
}

}  // namespace nfsuite::testing
