#ifndef NFSUITE_COMMON_EXPORTS_IP_ADDRESS_H_
#define NFSUITE_COMMON_EXPORTS_IP_ADDRESS_H_

#include <sys/socket.h>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace nfsuite::exports {

// An IPv4 or IPv6 host address without a port: what export client specs are written in and what
// a request's source is matched as. Kept apart from rpc::SocketAddress so that the exports model
// stays a pure value library; the daemons convert with FromSockaddr.
class IpAddress {
 public:
  // Neither family: matches nothing.
  IpAddress() = default;
  // Numeric forms only ("192.0.2.1", "2001:db8::1"); never a name lookup.
  static std::optional<IpAddress> Parse(absl::string_view text);
  // AF_INET or AF_INET6 socket addresses; nullopt for anything else or a short length.
  static std::optional<IpAddress> FromSockaddr(const sockaddr* address, socklen_t length);
  static IpAddress V4(const std::array<uint8_t, 4>& bytes);
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);

  int family() const { return family_; }  // AF_INET, AF_INET6, or AF_UNSPEC
  bool valid() const { return family_ != AF_UNSPEC; }
  // Network byte order; 4 or 16 bytes (0 when not valid).
  absl::Span<const uint8_t> bytes() const;
  int bit_length() const { return static_cast<int>(bytes().size()) * 8; }

  // ::ffff:a.b.c.d. A dual-stack socket reports IPv4 clients this way.
  bool IsV4Mapped() const;
  // The IPv4 address for an IPv4-mapped one; any other address unchanged.
  IpAddress Unmapped() const;
  // ::ffff:a.b.c.d for an IPv4 address; any other address unchanged.
  IpAddress Mapped() const;
  // The first `prefix_length` bits kept and the rest cleared (0 <= prefix_length <= bit_length).
  IpAddress Masked(int prefix_length) const;

  std::string ToString() const;
  // For sockets and resolvers: port 0.
  void ToSockaddr(sockaddr_storage* storage, socklen_t* length) const;

  // Family first, then the bytes numerically (network order compares as a big number): within
  // one family, this is the order of address ranges.
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  int family_ = AF_UNSPEC;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first 4
};

}  // namespace nfsuite::exports

#endif  // NFSUITE_COMMON_EXPORTS_IP_ADDRESS_H_
