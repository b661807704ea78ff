// RpcClient's choice of its own end: a local address (another loopback client) and a reserved
// source port (exports(5) "secure"), as the server sees them.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include "common/rpc/rpc_client.h"
#include "common/rpc/socket_address.h"
#include "gtest/gtest.h"

namespace nfsuite::rpc {
namespace {

// A listening TCP socket on 127.0.0.1 whose accepted connections tell who called.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const SocketAddress any = SocketAddress::Loopback4(0);
    EXPECT_EQ(bind(fd_, any.sockaddr_ptr(), any.length()), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &length);
    address_ = SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&storage), length);
  }
  ~Listener() { close(fd_); }

  const SocketAddress& address() const { return address_; }
  // The peer of the next connection.
  SocketAddress AcceptPeer() {
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    const int connection = accept(fd_, reinterpret_cast<sockaddr*>(&storage), &length);
    EXPECT_GE(connection, 0);
    close(connection);
    return SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&storage), length);
  }

 private:
  int fd_ = -1;
  SocketAddress address_;
};

TEST(RpcClientLocalEnd, ByDefaultTheKernelChooses) {
  Listener listener;
  auto client = RpcClient::Connect(Transport::kTcp, listener.address(), absl::Seconds(5));
  ASSERT_TRUE(client.ok()) << client.status();
  const SocketAddress peer = listener.AcceptPeer();
  EXPECT_EQ(peer.HostString(), "127.0.0.1");
  EXPECT_GE(peer.port(), 1024);
  absl::StatusOr<SocketAddress> local = (*client)->LocalAddress();
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->port(), peer.port());
}

TEST(RpcClientLocalEnd, AnotherLoopbackAddress) {
  Listener listener;
  RpcClient::LocalEnd local;
  local.address = *SocketAddress::Parse("127.0.0.2", 0);
  auto client = RpcClient::Connect(Transport::kTcp, listener.address(), absl::Seconds(5), local);
  ASSERT_TRUE(client.ok()) << client.status();
  const SocketAddress peer = listener.AcceptPeer();
  EXPECT_EQ(peer.HostString(), "127.0.0.2");
  EXPECT_GE(peer.port(), 1024);
}

TEST(RpcClientLocalEnd, AReservedPortEachTime) {
  if (geteuid() != 0) GTEST_SKIP() << "binding a port below 1024 needs root";
  Listener listener;
  RpcClient::LocalEnd local;
  local.address = *SocketAddress::Parse("127.0.0.2", 0);
  local.reserved_port = true;
  // More connections than one port could make in a row (each leaves TIME_WAIT behind).
  std::vector<std::unique_ptr<RpcClient>> clients;
  for (int i = 0; i < 5; ++i) {
    auto client = RpcClient::Connect(Transport::kTcp, listener.address(), absl::Seconds(5), local);
    ASSERT_TRUE(client.ok()) << client.status();
    const SocketAddress peer = listener.AcceptPeer();
    EXPECT_EQ(peer.HostString(), "127.0.0.2");
    EXPECT_LT(peer.port(), 1024);
    EXPECT_GE(peer.port(), 512);
    clients.push_back(*std::move(client));
  }
}

TEST(RpcClientLocalEnd, UdpFromAReservedPort) {
  if (geteuid() != 0) GTEST_SKIP() << "binding a port below 1024 needs root";
  const int server = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const SocketAddress any = SocketAddress::Loopback4(0);
  ASSERT_EQ(bind(server, any.sockaddr_ptr(), any.length()), 0);
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  getsockname(server, reinterpret_cast<sockaddr*>(&storage), &length);
  const SocketAddress address =
      SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&storage), length);
  RpcClient::LocalEnd local;
  local.reserved_port = true;
  auto client = RpcClient::Connect(Transport::kUdp, address, absl::Seconds(5), local);
  ASSERT_TRUE(client.ok()) << client.status();
  const uint8_t byte = 1;
  ASSERT_TRUE((*client)->SendRaw(absl::Span<const uint8_t>(&byte, 1)).ok());
  sockaddr_storage from{};
  socklen_t from_length = sizeof(from);
  uint8_t received = 0;
  ASSERT_EQ(recvfrom(server, &received, 1, 0, reinterpret_cast<sockaddr*>(&from), &from_length), 1);
  EXPECT_LT(SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&from), from_length).port(),
            1024);
  close(server);
}

}  // namespace
}  // namespace nfsuite::rpc
