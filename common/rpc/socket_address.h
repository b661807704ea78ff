#ifndef NFSUITE_COMMON_RPC_SOCKET_ADDRESS_H_
#define NFSUITE_COMMON_RPC_SOCKET_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nfsuite::rpc {

enum class Transport { kTcp, kUdp };

// An IPv4 or IPv6 socket address with the conversions the RPC layer needs (RFC 5665 universal
// addresses among them).
class SocketAddress {
 public:
  SocketAddress() { std::memset(&storage_, 0, sizeof(storage_)); }
  static SocketAddress FromSockaddr(const sockaddr* address, socklen_t length);
  // A numeric host ("127.0.0.1", "::1", "0.0.0.0", "::") and a port.
  static absl::StatusOr<SocketAddress> Parse(absl::string_view host, uint16_t port);
  // "h1.h2.h3.h4.p1.p2" or "ipv6.p1.p2" (RFC 5665 section 5.2.3).
  static absl::StatusOr<SocketAddress> FromUniversalAddress(absl::string_view uaddr);
  static SocketAddress Loopback4(uint16_t port);

  int family() const { return storage_.ss_family; }
  bool valid() const { return family() == AF_INET || family() == AF_INET6; }
  uint16_t port() const;
  void set_port(uint16_t port);
  // 127.0.0.0/8, ::1, and IPv4-mapped loopback.
  bool IsLoopback() const;
  // 0.0.0.0 or ::.
  bool IsWildcard() const;

  std::string HostString() const;
  // "127.0.0.1:111" or "[::1]:111".
  std::string ToString() const;
  std::string UniversalAddress() const;
  // "tcp"/"udp" for IPv4, "tcp6"/"udp6" for IPv6 (the Linux netconfig names).
  std::string NetId(Transport transport) const;

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* mutable_sockaddr_ptr() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t length() const;

  // Equal host and port (scope ids and flow labels are ignored).
  bool operator==(const SocketAddress& other) const;
  template <typename H>
  friend H AbslHashValue(H state, const SocketAddress& address) {
    return H::combine(std::move(state), address.HostString(), address.port());
  }

 private:
  sockaddr_storage storage_;
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_SOCKET_ADDRESS_H_
