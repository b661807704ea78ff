#ifndef NFSUITE_SERVICE_PORTMAP_PORTMAP_SERVICE_H_
#define NFSUITE_SERVICE_PORTMAP_PORTMAP_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "common/rpc/portmap_protocol.h"
#include "common/rpc/procedure.h"
#include "service/portmap/portmap_stats.h"
#include "service/portmap/registration_table.h"

namespace nfsuite::portmap {

// PMAP version 2 and RPCBIND versions 3 and 4 (RFC 1833) over a RegistrationTable.
//
// Security rules:
// - SET and UNSET are accepted only from loopback peers; others get FALSE.
// - Remote calls (PMAP CALLIT, RPCBIND CALLIT/BCAST, INDIRECT) are forwarded only for callers on
//   loopback, only to programs registered on UDP, and never to the portmapper itself. Anyone
//   else gets silence (CALLIT/BCAST: the RFC's answer to a failed call) or SYSTEM_ERR
//   (INDIRECT, which the RFC says reports errors). A spoofed UDP request from afar therefore
//   makes portmapd send nothing anywhere: it cannot serve as a traffic amplifier. Broadcast
//   RPC across a network, the one use of BCAST, is not supported.
class PortmapService final {
 public:
  struct Options {
    absl::Duration remote_call_timeout = absl::Seconds(2);
  };
  PortmapService(RegistrationTable& table, Options options);

  // Dispatch tables for versions 2, 3 and 4.
  std::vector<rpc::ProgramVersion> Programs();
  const PortmapStats& stats() const { return stats_; }

 private:
  // PMAP v2 (pmap_v2_procedures.cc)
  bool PmapSet(const rpc::CallContext& context, const rpc::portmap::Mapping& mapping);
  bool PmapUnset(const rpc::CallContext& context, const rpc::portmap::Mapping& mapping);
  uint32_t PmapGetPort(const rpc::CallContext& context, const rpc::portmap::Mapping& mapping);
  std::vector<rpc::portmap::Mapping> PmapDump(const rpc::CallContext& context);
  rpc::HandlerResult<rpc::portmap::PmapCallResult> PmapCallIt(
      const rpc::CallContext& context, const rpc::portmap::RemoteCallArgs& args);

  // RPCBIND v3/v4 (rpcbind_procedures.cc)
  bool RpcbSet(const rpc::CallContext& context, const rpc::portmap::Rpcb& rpcb);
  bool RpcbUnset(const rpc::CallContext& context, const rpc::portmap::Rpcb& rpcb);
  std::string RpcbGetAddr(const rpc::CallContext& context, const rpc::portmap::Rpcb& rpcb,
                          bool exact_version);
  std::vector<rpc::portmap::Rpcb> RpcbDump(const rpc::CallContext& context);
  rpc::HandlerResult<rpc::portmap::RpcbRemoteCallResult> RpcbRemoteCall(
      const rpc::CallContext& context, const rpc::portmap::RemoteCallArgs& args,
      bool silent_on_failure);
  std::vector<rpc::portmap::RpcbEntry> RpcbGetAddrList(const rpc::CallContext& context,
                                                       const rpc::portmap::Rpcb& rpcb);

  // The registration's address with a wildcard host replaced by the address the request
  // arrived on, so the client gets something it can reach (rpcbind's "merged address").
  static std::string MergedAddress(const Registration& registration,
                                   const rpc::CallContext& context);
  static std::string OwnerOf(const rpc::CallContext& context);

  // Forwards a remote call under the rules in the class comment; nullopt when refused or failed.
  struct Forwarded {
    Registration target;
    std::vector<uint8_t> results;
  };
  std::optional<Forwarded> Forward(const rpc::CallContext& context,
                                   const rpc::portmap::RemoteCallArgs& args);

  RegistrationTable& table_;
  const Options options_;
  PortmapStats stats_;
};

}  // namespace nfsuite::portmap

#endif  // NFSUITE_SERVICE_PORTMAP_PORTMAP_SERVICE_H_
