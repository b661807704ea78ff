#include "common/rpc/socket_io.h"

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/util/logging.h"

namespace nfsuite::rpc {

absl::Status ErrnoStatus(absl::string_view what) {
  const int error = errno;
  const std::string message = absl::StrCat(what, ": ", std::strerror(error));
  switch (error) {
    case EAFNOSUPPORT:
    case EADDRNOTAVAIL:
    case EAGAIN:
    case ECONNREFUSED:
    case ENETUNREACH:
      return absl::UnavailableError(message);
    case EADDRINUSE:
      return absl::AlreadyExistsError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case ETIMEDOUT:
      return absl::DeadlineExceededError(message);
    default:
      return absl::InternalError(message);
  }
}

void StoreBigEndian32(uint8_t* p, uint32_t value) {
  p[0] = static_cast<uint8_t>(value >> 24);
  p[1] = static_cast<uint8_t>(value >> 16);
  p[2] = static_cast<uint8_t>(value >> 8);
  p[3] = static_cast<uint8_t>(value);
}

absl::StatusOr<BoundSocket> BindSocket(Transport transport, const SocketAddress& address) {
  const std::string what = absl::StrCat(address.NetId(transport), " ", address.ToString());
  const int type = transport == Transport::kTcp ? SOCK_STREAM : SOCK_DGRAM;
  const int fd = socket(address.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus(absl::StrCat("socket for ", what));
  const int one = 1;
  // TCP only: lets a restarted daemon rebind past TIME_WAIT. On UDP it would let a second
  // process bind the same port and take a share of the datagrams.
  if (transport == Transport::kTcp) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (address.family() == AF_INET6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (transport == Transport::kUdp) {
      setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
    }
  } else if (transport == Transport::kUdp) {
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
  }
  if (bind(fd, address.sockaddr_ptr(), address.length()) != 0) {
    absl::Status status = ErrnoStatus(absl::StrCat("binding ", what));
    close(fd);
    return status;
  }
  if (transport == Transport::kTcp && listen(fd, SOMAXCONN) != 0) {
    absl::Status status = ErrnoStatus(absl::StrCat("listening on ", what));
    close(fd);
    return status;
  }
  return BoundSocket{fd, LocalAddressOf(fd)};
}

SocketAddress LocalAddressOf(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  return SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&storage), length);
}

absl::StatusOr<size_t> WriteGather(int fd, const std::vector<iovec>& pieces) {
  std::vector<iovec> rest = pieces;
  size_t first = 0;
  size_t written = 0;
  while (first < rest.size()) {
    msghdr message{};
    message.msg_iov = rest.data() + first;
    message.msg_iovlen = std::min<size_t>(rest.size() - first, IOV_MAX);
    const ssize_t count = sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (count < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return ErrnoStatus("sending a reply");
    }
    written += count;
    size_t left = count;
    while (first < rest.size() && left >= rest[first].iov_len) left -= rest[first++].iov_len;
    if (left > 0) {
      rest[first].iov_base = static_cast<uint8_t*>(rest[first].iov_base) + left;
      rest[first].iov_len -= left;
    }
  }
  return written;
}

void AppendUnsent(const std::vector<iovec>& pieces, size_t skip, std::vector<uint8_t>& out) {
  for (const iovec& piece : pieces) {
    if (skip >= piece.iov_len) {
      skip -= piece.iov_len;
      continue;
    }
    const auto* bytes = static_cast<const uint8_t*>(piece.iov_base);
    out.insert(out.end(), bytes + skip, bytes + piece.iov_len);
    skip = 0;
  }
}

absl::StatusOr<ReceivedDatagram> ReceiveDatagram(int fd, const SocketAddress& bound,
                                                 absl::Span<uint8_t> buffer) {
  sockaddr_storage peer{};
  iovec piece{buffer.data(), buffer.size()};
  alignas(cmsghdr) uint8_t control[128];
  msghdr message{};
  message.msg_name = &peer;
  message.msg_namelen = sizeof(peer);
  message.msg_iov = &piece;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  ssize_t count;
  do {
    count = recvmsg(fd, &message, 0);
  } while (count < 0 && errno == EINTR);
  if (count < 0) return ErrnoStatus("receiving a datagram");
  ReceivedDatagram datagram{
      static_cast<size_t>(count),
      SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&peer), message.msg_namelen), bound};
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      sockaddr_in local{};
      local.sin_family = AF_INET;
      local.sin_addr = info.ipi_addr;
      local.sin_port = htons(bound.port());
      datagram.local =
          SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&local), sizeof(local));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      sockaddr_in6 local{};
      local.sin6_family = AF_INET6;
      local.sin6_addr = info.ipi6_addr;
      local.sin6_port = htons(bound.port());
      datagram.local =
          SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&local), sizeof(local));
    }
  }
  return datagram;
}

void SendDatagram(int fd, const SocketAddress& local, const SocketAddress& peer,
                  const xdr::XdrEncoder& payload) {
  std::vector<iovec> pieces;
  payload.Gather(pieces);
  alignas(cmsghdr) uint8_t control[128] = {};
  msghdr message{};
  message.msg_name = const_cast<sockaddr*>(peer.sockaddr_ptr());
  message.msg_namelen = peer.length();
  message.msg_iov = pieces.data();
  message.msg_iovlen = pieces.size();
  if (!local.IsWildcard()) {
    message.msg_control = control;
    cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
    if (local.family() == AF_INET) {
      in_pktinfo info{};
      info.ipi_spec_dst = reinterpret_cast<const sockaddr_in*>(local.sockaddr_ptr())->sin_addr;
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(info));
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
      message.msg_controllen = CMSG_SPACE(sizeof(info));
    } else {
      in6_pktinfo info{};
      info.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(local.sockaddr_ptr())->sin6_addr;
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(info));
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
      message.msg_controllen = CMSG_SPACE(sizeof(info));
    }
  }
  if (sendmsg(fd, &message, MSG_DONTWAIT) < 0) {
    Logf(LogLevel::kDebug, "UDP reply of %zu bytes to %s not sent: %s", payload.size(),
         peer.ToString(), std::strerror(errno));
  }
}

void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace nfsuite::rpc
