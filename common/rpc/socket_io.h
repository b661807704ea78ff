#ifndef NFSUITE_COMMON_RPC_SOCKET_IO_H_
#define NFSUITE_COMMON_RPC_SOCKET_IO_H_

#include <sys/uio.h>

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/rpc/socket_address.h"
#include "common/xdr/xdr_encoder.h"

// Thin, errno-to-Status wrappers over the socket calls the RPC transports make.
namespace nfsuite::rpc {

// An error status naming what failed and strerror(errno); address-family and address-not-
// available errors are kUnavailable (the host lacks that protocol), the rest by their meaning.
absl::Status ErrnoStatus(absl::string_view what);

void StoreBigEndian32(uint8_t* p, uint32_t value);

struct BoundSocket {
  int fd;
  SocketAddress address;  // with the port the kernel chose when 0 was asked
};
// A non-blocking listening TCP socket or a UDP socket with packet-info reception enabled.
// IPv6 sockets are IPv6-only so that an IPv4 socket can share the port.
absl::StatusOr<BoundSocket> BindSocket(Transport transport, const SocketAddress& address);

SocketAddress LocalAddressOf(int fd);

// Writes as much of `pieces` as a non-blocking socket takes now; returns the byte count.
absl::StatusOr<size_t> WriteGather(int fd, const std::vector<iovec>& pieces);
// Appends the bytes of `pieces` past the first `skip` to `out`.
void AppendUnsent(const std::vector<iovec>& pieces, size_t skip, std::vector<uint8_t>& out);

struct ReceivedDatagram {
  size_t size;
  SocketAddress peer;
  SocketAddress local;  // the destination address of the datagram, from IP_PKTINFO
};
// Receives one datagram into `buffer`; kUnavailable when none is waiting.
absl::StatusOr<ReceivedDatagram> ReceiveDatagram(int fd, const SocketAddress& bound,
                                                 absl::Span<uint8_t> buffer);
// Sends `payload` to `peer` from `local` (so replies leave from the address the call reached).
void SendDatagram(int fd, const SocketAddress& local, const SocketAddress& peer,
                  const xdr::XdrEncoder& payload);

// Raises the soft open-file limit to the hard limit: a server holds one descriptor per client.
void RaiseOpenFileLimit();

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_SOCKET_IO_H_
