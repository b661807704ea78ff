#include "tests/integration/registered_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rpc/portmap_protocol.h"
#include "common/xdr/xdr_encoder.h"

namespace nfsuite::testing {

absl::StatusOr<std::unique_ptr<rpc::RpcClient>> ConnectToRegistered(
    const rpc::PortmapClient& portmapper, uint32_t program, uint32_t version,
    rpc::Transport transport, absl::Duration timeout) {
  const uint32_t protocol =
      transport == rpc::Transport::kUdp ? rpc::portmap::kIpProtoUdp : rpc::portmap::kIpProtoTcp;
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status why;
  do {
    absl::StatusOr<uint32_t> port = portmapper.PmapGetPort(program, version, protocol);
    if (port.ok() && *port != 0) {
      return rpc::RpcClient::Connect(
          transport, rpc::SocketAddress::Loopback4(static_cast<uint16_t>(*port)), timeout);
    }
    why = port.ok() ? absl::NotFoundError(absl::StrCat("program ", program, " version ", version,
                                                       " not registered for protocol ", protocol))
                    : port.status();
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < deadline);
  return why;
}

std::vector<uint8_t> CallMessage(uint32_t xid, uint32_t program, uint32_t version,
                                 uint32_t procedure, const rpc::Credentials& credentials,
                                 const rpc::ArgumentEncoder& arguments) {
  const std::vector<uint8_t> credential = rpc::EncodeAuthSysBody(credentials);
  rpc::CallHeader header;
  header.xid = xid;
  header.rpc_version = 2;
  header.program = program;
  header.version = version;
  header.procedure = procedure;
  header.credential = {static_cast<uint32_t>(rpc::AuthFlavor::kSys), credential};
  xdr::XdrEncoder message;
  rpc::EncodeCallHeader(message, header);
  if (arguments) arguments(message);
  return message.Flatten();
}

}  // namespace nfsuite::testing
