#ifndef NFSUITE_COMMON_RPC_RPC_CLIENT_H_
#define NFSUITE_COMMON_RPC_RPC_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/record_marking.h"
#include "common/rpc/rpc_message.h"
#include "common/rpc/socket_address.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

namespace nfsuite::rpc {

struct RpcReply {
  ReplyHeader header;
  std::vector<uint8_t> message;  // the whole reply
  size_t results_offset = 0;

  xdr::XdrDecoder Results() const {
    return xdr::XdrDecoder(absl::Span<const uint8_t>(message).subspan(results_offset));
  }
};

using ArgumentEncoder = std::function<void(xdr::XdrEncoder&)>;

// A synchronous ONC RPC client over one TCP connection or one UDP socket: what daemons use to
// register with a portmapper and to call clients back (NLM GRANTED, NSM NOTIFY), and what tests
// and benchmarks use to talk to our servers. Not thread-safe; one caller at a time.
class RpcClient final {
 public:
  // Where the client's own end is: what a server checking client addresses and ports sees.
  struct LocalEnd {
    // Bound before connecting, e.g. 127.0.0.2 to be another client of a loopback server; its
    // port is ignored. Unset: the kernel's choice.
    std::optional<SocketAddress> address;
    // A source port below 1024, as exports(5) "secure" asks of clients (needs
    // CAP_NET_BIND_SERVICE); otherwise an ephemeral port.
    bool reserved_port = false;
  };

  static absl::StatusOr<std::unique_ptr<RpcClient>> Connect(Transport transport,
                                                            const SocketAddress& server,
                                                            absl::Duration timeout) {
    return Connect(transport, server, timeout, LocalEnd{});
  }
  static absl::StatusOr<std::unique_ptr<RpcClient>> Connect(Transport transport,
                                                            const SocketAddress& server,
                                                            absl::Duration timeout,
                                                            const LocalEnd& local);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // Calls made after this carry AUTH_SYS with these credentials (AUTH_NONE by default).
  void set_credentials(const Credentials& credentials);

  // Sends a call and waits for the reply with the same xid. UDP calls are retransmitted (same
  // xid) until `timeout`. A non-OK status means no reply arrived (transport error, timeout); an
  // RPC-level rejection comes back as a reply whose header says so.
  absl::StatusOr<RpcReply> Call(uint32_t program, uint32_t version, uint32_t procedure,
                                const ArgumentEncoder& arguments, absl::Duration timeout);

  // Sends `message` as one record (TCP) or datagram (UDP), bypassing the call encoder: tests use
  // it to send malformed calls.
  absl::Status SendRaw(absl::Span<const uint8_t> message);
  // Waits for the next reply message with `xid`.
  absl::StatusOr<RpcReply> ReceiveReply(uint32_t xid, absl::Duration timeout);

  uint32_t NextXid() { return next_xid_++; }
  int fd() const { return fd_; }
  // The address and port the client's socket is bound to.
  absl::StatusOr<SocketAddress> LocalAddress() const;

 private:
  RpcClient(int fd, Transport transport, SocketAddress server);
  absl::StatusOr<std::vector<uint8_t>> ReceiveMessage(absl::Time deadline);

  const int fd_;
  const Transport transport_;
  const SocketAddress server_;
  uint32_t next_xid_;
  std::optional<Credentials> credentials_;
  RecordAssembler assembler_;
  std::vector<std::vector<uint8_t>> received_;  // records read but not yet returned
};

// A call that must succeed: SUCCESS replies are decoded with `decode` (which must consume the
// whole result); anything else becomes an error status that describes the reply.
template <typename Result>
absl::StatusOr<Result> CallAndDecode(RpcClient& client, uint32_t program, uint32_t version,
                                     uint32_t procedure, const ArgumentEncoder& arguments,
                                     void (*decode)(xdr::XdrDecoder&, Result&),
                                     absl::Duration timeout) {
  absl::StatusOr<RpcReply> reply = client.Call(program, version, procedure, arguments, timeout);
  if (!reply.ok()) return reply.status();
  if (!reply->header.Succeeded()) {
    return absl::FailedPreconditionError(reply->header.Describe());
  }
  xdr::XdrDecoder results = reply->Results();
  Result result{};
  decode(results, result);
  if (absl::Status status = results.Finish(); !status.ok()) return status;
  return result;
}

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_RPC_CLIENT_H_
