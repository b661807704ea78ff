#ifndef NFSUITE_COMMON_RPC_PORTMAP_CLIENT_H_
#define NFSUITE_COMMON_RPC_PORTMAP_CLIENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/portmap_protocol.h"
#include "common/rpc/socket_address.h"

namespace nfsuite::rpc {

// A program version a daemon serves on one transport address, as registered with a portmapper.
struct ServiceRegistration {
  uint32_t program = 0;
  uint32_t version = 0;
  Transport transport = Transport::kTcp;
  SocketAddress address;
};

// Talks to a portmapper (ours or any other) the standard way: daemons register with SET/UNSET
// on loopback exactly as any RPC daemon does. Each call uses a fresh UDP exchange.
class PortmapClient {
 public:
  explicit PortmapClient(SocketAddress portmapper = SocketAddress::Loopback4(portmap::kDefaultPort),
                         absl::Duration timeout = absl::Seconds(3))
      : portmapper_(portmapper), timeout_(timeout) {}

  absl::StatusOr<bool> PmapSet(const portmap::Mapping& mapping) const;
  absl::StatusOr<bool> PmapUnset(uint32_t program, uint32_t version) const;
  absl::StatusOr<uint32_t> PmapGetPort(uint32_t program, uint32_t version, uint32_t protocol) const;
  absl::StatusOr<std::vector<portmap::Mapping>> PmapDump() const;

  absl::StatusOr<bool> RpcbSet(const portmap::Rpcb& rpcb) const;
  absl::StatusOr<bool> RpcbUnset(const portmap::Rpcb& rpcb) const;
  absl::StatusOr<std::string> RpcbGetAddr(const portmap::Rpcb& rpcb, uint32_t version) const;
  absl::StatusOr<std::vector<portmap::Rpcb>> RpcbDump() const;

  // Registers with RPCBIND v4 SET (every netid), falling back to PMAP v2 SET (IPv4 only) when
  // the portmapper is version 2 only. Stale entries for the same program and version are
  // removed first, as a restarting daemon must.
  absl::Status Register(const std::vector<ServiceRegistration>& registrations) const;
  absl::Status Unregister(const std::vector<ServiceRegistration>& registrations) const;
  // Whether the portmapper lists every one of `registrations` with its port (it may have been
  // restarted without its warm-start file, or have pruned us).
  absl::StatusOr<bool> AllRegistered(const std::vector<ServiceRegistration>& registrations) const;

 private:
  const SocketAddress portmapper_;
  const absl::Duration timeout_;
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_PORTMAP_CLIENT_H_
