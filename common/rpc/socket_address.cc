#include "common/rpc/socket_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nfsuite::rpc {

SocketAddress SocketAddress::FromSockaddr(const sockaddr* address, socklen_t length) {
  SocketAddress result;
  std::memcpy(&result.storage_, address, std::min<size_t>(length, sizeof(result.storage_)));
  return result;
}

absl::StatusOr<SocketAddress> SocketAddress::Parse(absl::string_view host, uint16_t port) {
  SocketAddress result;
  const std::string text(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&result.storage_);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&result.storage_);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("'", host, "' is not a numeric IP address"));
  }
  result.set_port(port);
  return result;
}

absl::StatusOr<SocketAddress> SocketAddress::FromUniversalAddress(absl::string_view uaddr) {
  // The port is the last two dot-separated decimal octets; the host is everything before them.
  const size_t last_dot = uaddr.rfind('.');
  if (last_dot == absl::string_view::npos || last_dot == 0) {
    return absl::InvalidArgumentError(absl::StrCat("'", uaddr, "' is not a universal address"));
  }
  const size_t second_dot = uaddr.rfind('.', last_dot - 1);
  if (second_dot == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("'", uaddr, "' is not a universal address"));
  }
  // Port octets are plain decimal digits (RFC 5665); SimpleAtoi alone would take "+1" or " 1".
  auto octet = [](absl::string_view text, uint32_t* value) {
    return !text.empty() && text.size() <= 3 &&
           std::all_of(text.begin(), text.end(), absl::ascii_isdigit) &&
           absl::SimpleAtoi(text, value) && *value <= 255;
  };
  uint32_t high = 0;
  uint32_t low = 0;
  if (!octet(uaddr.substr(second_dot + 1, last_dot - second_dot - 1), &high) ||
      !octet(uaddr.substr(last_dot + 1), &low)) {
    return absl::InvalidArgumentError(absl::StrCat("'", uaddr, "' has no valid port octets"));
  }
  return Parse(uaddr.substr(0, second_dot), static_cast<uint16_t>(high << 8 | low));
}

SocketAddress SocketAddress::Loopback4(uint16_t port) {
  SocketAddress result;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&result.storage_);
  v4->sin_family = AF_INET;
  v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  v4->sin_port = htons(port);
  return result;
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

void SocketAddress::set_port(uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

bool SocketAddress::IsLoopback() const {
  if (family() == AF_INET) {
    return (ntohl(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr) >> 24) == 127;
  }
  if (family() == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
    return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;
  }
  return false;
}

bool SocketAddress::IsWildcard() const {
  if (family() == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr == htonl(INADDR_ANY);
  }
  if (family() == AF_INET6) {
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr);
  }
  return false;
}

std::string SocketAddress::HostString() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text,
              sizeof(text));
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, text,
              sizeof(text));
  } else {
    return "?";
  }
  return text;
}

std::string SocketAddress::ToString() const {
  if (family() == AF_INET6) return absl::StrCat("[", HostString(), "]:", port());
  return absl::StrCat(HostString(), ":", port());
}

std::string SocketAddress::UniversalAddress() const {
  return absl::StrCat(HostString(), ".", port() >> 8, ".", port() & 0xff);
}

std::string SocketAddress::NetId(Transport transport) const {
  const char* base = transport == Transport::kTcp ? "tcp" : "udp";
  return family() == AF_INET6 ? absl::StrCat(base, "6") : std::string(base);
}

socklen_t SocketAddress::length() const {
  if (family() == AF_INET) return sizeof(sockaddr_in);
  if (family() == AF_INET6) return sizeof(sockaddr_in6);
  return sizeof(storage_);
}

bool SocketAddress::operator==(const SocketAddress& other) const {
  return family() == other.family() && port() == other.port() && HostString() == other.HostString();
}

}  // namespace nfsuite::rpc
