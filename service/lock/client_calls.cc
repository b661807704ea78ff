#include "service/lock/client_calls.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/portmap_client.h"
#include "common/rpc/portmap_protocol.h"

namespace nfsuite::lock {

absl::StatusOr<rpc::RpcReply> CallClientService(const ClientService& service, uint32_t procedure,
                                                const rpc::ArgumentEncoder& arguments,
                                                absl::Duration timeout, uint16_t portmapper_port) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<rpc::SocketAddress> portmapper =
      rpc::SocketAddress::Parse(service.address, portmapper_port);
  if (!portmapper.ok()) return portmapper.status();
  const rpc::PortmapClient lookup(*portmapper, timeout / 2);
  const uint32_t protocol = service.transport == rpc::Transport::kTcp ? rpc::portmap::kIpProtoTcp
                                                                      : rpc::portmap::kIpProtoUdp;
  absl::StatusOr<uint32_t> port = lookup.PmapGetPort(service.program, service.version, protocol);
  if (!port.ok()) return port.status();
  if (*port == 0 || *port > 65535) {
    return absl::NotFoundError(absl::StrCat("program ", service.program, " version ",
                                            service.version, " is not registered at ",
                                            service.address));
  }
  rpc::SocketAddress target = *portmapper;
  target.set_port(static_cast<uint16_t>(*port));
  const absl::Duration left = std::max(deadline - absl::Now(), absl::Milliseconds(100));
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      rpc::RpcClient::Connect(service.transport, target, left);
  if (!client.ok()) return client.status();
  return (*client)->Call(service.program, service.version, procedure, arguments,
                         std::max(deadline - absl::Now(), absl::Milliseconds(100)));
}

}  // namespace nfsuite::lock
