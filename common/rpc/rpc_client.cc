#include "common/rpc/rpc_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/rpc/socket_io.h"

namespace nfsuite::rpc {
namespace {

// RFC 5531 places no limit on replies; ours keeps a misbehaving server from exhausting memory.
constexpr size_t kMaxReplySize = 64 * 1024 * 1024;
constexpr size_t kMaxDatagram = 65536;

// Waits until `fd` is ready for `events` or the deadline passes.
absl::Status WaitReady(int fd, short events, absl::Time deadline) {
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError("no reply in time");
    pollfd entry{fd, events, 0};
    const int ready = poll(&entry, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready > 0) return absl::OkStatus();
    if (ready < 0 && errno != EINTR) return ErrnoStatus("poll");
  }
}

}  // namespace

namespace {

// bindresvport(3)'s range: the ports below 1024 that no well-known service is likely to hold.
constexpr uint16_t kFirstReservedPort = 512;
constexpr uint16_t kLastReservedPort = 1023;

// A connected socket (TCP: connection established within `timeout`) from `local` with `port`
// (0: the kernel's choice) when either is given. On failure, `error` is the errno.
absl::StatusOr<int> ConnectedSocket(Transport transport, const SocketAddress& server,
                                    absl::Duration timeout,
                                    const std::optional<SocketAddress>& local, uint16_t port,
                                    int& error) {
  const int type = transport == Transport::kTcp ? SOCK_STREAM : SOCK_DGRAM;
  const int fd = socket(server.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  auto fail = [&](absl::string_view what) {
    error = errno;
    absl::Status status = ErrnoStatus(what);
    close(fd);
    return status;
  };
  if (fd < 0) {
    error = errno;
    return ErrnoStatus("socket");
  }
  if (local.has_value() || port != 0) {
    SocketAddress bound = local.value_or(
        SocketAddress::Parse(server.family() == AF_INET6 ? "::" : "0.0.0.0", 0).value());
    bound.set_port(port);
    if (bind(fd, bound.sockaddr_ptr(), bound.length()) != 0) {
      return fail(absl::StrCat("binding to ", bound.ToString()));
    }
  }
  // connect() on UDP fixes the peer, so stray datagrams from elsewhere are never read.
  if (connect(fd, server.sockaddr_ptr(), server.length()) != 0 && errno != EINPROGRESS) {
    return fail(absl::StrCat("connecting to ", server.ToString()));
  }
  if (transport == Transport::kTcp) {
    absl::Status ready = WaitReady(fd, POLLOUT, absl::Now() + timeout);
    int connect_error = 0;
    socklen_t length = sizeof(connect_error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &connect_error, &length);
    if (!ready.ok() || connect_error != 0) {
      errno = connect_error != 0 ? connect_error : ETIMEDOUT;
      return fail(absl::StrCat("connecting to ", server.ToString()));
    }
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RpcClient>> RpcClient::Connect(Transport transport,
                                                              const SocketAddress& server,
                                                              absl::Duration timeout,
                                                              const LocalEnd& local) {
  int error = 0;
  if (!local.reserved_port) {
    absl::StatusOr<int> fd = ConnectedSocket(transport, server, timeout, local.address, 0, error);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<RpcClient>(new RpcClient(*fd, transport, server));
  }
  // As bindresvport does: from a random reserved port on, skipping those in use here and those
  // whose last connection to this server is still in TIME_WAIT.
  constexpr int kCount = kLastReservedPort - kFirstReservedPort + 1;
  const int start = static_cast<int>(std::random_device{}() % kCount);
  absl::Status last = absl::ResourceExhaustedError("no reserved port is free");
  for (int i = 0; i < kCount; ++i) {
    const uint16_t port = kFirstReservedPort + (start + i) % kCount;
    absl::StatusOr<int> fd =
        ConnectedSocket(transport, server, timeout, local.address, port, error);
    if (fd.ok()) return std::unique_ptr<RpcClient>(new RpcClient(*fd, transport, server));
    last = fd.status();
    if (error != EADDRINUSE && error != EADDRNOTAVAIL) break;
  }
  return last;
}

absl::StatusOr<SocketAddress> RpcClient::LocalAddress() const {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return ErrnoStatus("getsockname");
  }
  return SocketAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&storage), length);
}

RpcClient::RpcClient(int fd, Transport transport, SocketAddress server)
    : fd_(fd), transport_(transport), server_(server), assembler_(kMaxReplySize) {
  next_xid_ = std::random_device{}();
}

RpcClient::~RpcClient() { close(fd_); }

void RpcClient::set_credentials(const Credentials& credentials) { credentials_ = credentials; }

absl::Status RpcClient::SendRaw(absl::Span<const uint8_t> message) {
  std::vector<uint8_t> framed;
  framed.reserve(message.size() + 4);
  if (transport_ == Transport::kTcp) {
    framed.resize(4);
    StoreBigEndian32(framed.data(), SingleFragmentHeader(message.size()));
  }
  framed.insert(framed.end(), message.begin(), message.end());
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  size_t sent = 0;
  while (sent < framed.size()) {
    const ssize_t count = send(fd_, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (count >= 0) {
      sent += count;
    } else if (errno == EAGAIN) {
      if (absl::Status ready = WaitReady(fd_, POLLOUT, deadline); !ready.ok()) return ready;
    } else if (errno != EINTR) {
      return ErrnoStatus(absl::StrCat("sending to ", server_.ToString()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> RpcClient::ReceiveMessage(absl::Time deadline) {
  if (transport_ == Transport::kUdp) {
    std::vector<uint8_t> datagram(kMaxDatagram);
    for (;;) {
      if (absl::Status ready = WaitReady(fd_, POLLIN, deadline); !ready.ok()) return ready;
      const ssize_t count = recv(fd_, datagram.data(), datagram.size(), 0);
      if (count >= 0) {
        datagram.resize(count);
        return datagram;
      }
      if (errno != EAGAIN && errno != EINTR) return ErrnoStatus("receiving a reply");
    }
  }
  std::vector<uint8_t> buffer(64 * 1024);
  while (received_.empty()) {
    if (absl::Status ready = WaitReady(fd_, POLLIN, deadline); !ready.ok()) return ready;
    const ssize_t count = recv(fd_, buffer.data(), buffer.size(), 0);
    if (count == 0) return absl::UnavailableError("the server closed the connection");
    if (count < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return ErrnoStatus("receiving a reply");
    }
    absl::Status fed = assembler_.Feed(
        absl::Span<const uint8_t>(buffer.data(), count),
        [this](std::vector<uint8_t> record) { received_.push_back(std::move(record)); });
    if (!fed.ok()) return fed;
  }
  std::vector<uint8_t> record = std::move(received_.front());
  received_.erase(received_.begin());
  return record;
}

absl::StatusOr<RpcReply> RpcClient::ReceiveReply(uint32_t xid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    absl::StatusOr<std::vector<uint8_t>> message = ReceiveMessage(deadline);
    if (!message.ok()) return message.status();
    xdr::XdrDecoder decoder(*message);
    absl::StatusOr<ReplyHeader> header = DecodeReplyHeader(decoder);
    if (!header.ok() || header->xid != xid) continue;  // a late reply to an earlier call
    RpcReply reply;
    reply.header = *header;
    reply.results_offset = decoder.position();
    reply.message = std::move(*message);
    return reply;
  }
}

absl::StatusOr<RpcReply> RpcClient::Call(uint32_t program, uint32_t version, uint32_t procedure,
                                         const ArgumentEncoder& arguments, absl::Duration timeout) {
  CallHeader header;
  header.xid = NextXid();
  header.rpc_version = kRpcVersion;
  header.program = program;
  header.version = version;
  header.procedure = procedure;
  std::vector<uint8_t> auth_body;
  if (credentials_.has_value()) {
    auth_body = EncodeAuthSysBody(*credentials_);
    header.credential = {static_cast<uint32_t>(AuthFlavor::kSys), auth_body};
  }
  xdr::XdrEncoder call;
  EncodeCallHeader(call, header);
  if (arguments) arguments(call);
  const std::vector<uint8_t> message = call.Flatten();

  if (transport_ == Transport::kTcp) {
    if (absl::Status sent = SendRaw(message); !sent.ok()) return sent;
    return ReceiveReply(header.xid, timeout);
  }
  // UDP: retransmit with the same xid, backing off, until the overall deadline.
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration interval = std::min(absl::Milliseconds(500), timeout);
  for (;;) {
    if (absl::Status sent = SendRaw(message); !sent.ok()) return sent;
    const absl::Duration left = deadline - absl::Now();
    absl::StatusOr<RpcReply> reply = ReceiveReply(header.xid, std::min(interval, left));
    if (reply.ok() || !absl::IsDeadlineExceeded(reply.status())) return reply;
    if (absl::Now() >= deadline) return reply.status();
    interval = std::min(interval * 2, absl::Seconds(4));
  }
}

}  // namespace nfsuite::rpc
