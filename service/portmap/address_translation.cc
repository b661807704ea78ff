#include "service/portmap/address_translation.h"

#include <netinet/in.h>

#include <cstring>

#include "common/rpc/socket_address.h"

namespace nfsuite::portmap {

rpc::portmap::Netbuf UniversalToTransportAddress(const std::string& uaddr) {
  rpc::portmap::Netbuf netbuf;
  absl::StatusOr<rpc::SocketAddress> address = rpc::SocketAddress::FromUniversalAddress(uaddr);
  if (!address.ok()) return netbuf;
  const auto* bytes = reinterpret_cast<const uint8_t*>(address->sockaddr_ptr());
  netbuf.buffer.assign(bytes, bytes + address->length());
  netbuf.max_length = static_cast<uint32_t>(netbuf.buffer.size());
  return netbuf;
}

std::string TransportToUniversalAddress(const rpc::portmap::Netbuf& netbuf) {
  sa_family_t family = 0;
  if (netbuf.buffer.size() < sizeof(family)) return "";
  std::memcpy(&family, netbuf.buffer.data(), sizeof(family));
  if ((family == AF_INET && netbuf.buffer.size() < sizeof(sockaddr_in)) ||
      (family == AF_INET6 && netbuf.buffer.size() < sizeof(sockaddr_in6)) ||
      (family != AF_INET && family != AF_INET6)) {
    return "";
  }
  const rpc::SocketAddress address =
      rpc::SocketAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(netbuf.buffer.data()),
                                       static_cast<socklen_t>(netbuf.buffer.size()));
  return address.UniversalAddress();
}

}  // namespace nfsuite::portmap
