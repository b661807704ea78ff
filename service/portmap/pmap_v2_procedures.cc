// PMAP version 2 procedures (RFC 1833 section 3.2).
#include "common/rpc/socket_address.h"
#include "service/portmap/portmap_service.h"

namespace nfsuite::portmap {
namespace pm = rpc::portmap;

// PMAPPROC_SET: registers (program, version, protocol) → port for IPv4. Refused (FALSE) from
// non-loopback callers, for protocols other than TCP and UDP, and when already registered.
bool PortmapService::PmapSet(const rpc::CallContext& context, const pm::Mapping& mapping) {
  std::optional<std::string> netid = NetIdOfPmapProtocol(mapping.protocol);
  if (!context.origin.peer.IsLoopback() || !netid.has_value() || mapping.port == 0 ||
      mapping.port > 0xffff) {
    return false;
  }
  rpc::SocketAddress address = *rpc::SocketAddress::Parse("0.0.0.0", 0);
  address.set_port(static_cast<uint16_t>(mapping.port));
  const bool done = table_.Set(
      {mapping.program, mapping.version, *netid, address.UniversalAddress(), OwnerOf(context)});
  if (done) stats_.CountSet(pm::kPmapVersion);
  return done;
}

// PMAPPROC_UNSET: removes (program, version) on the IPv4 TCP and UDP transports; protocol and
// port are ignored, as the RFC says.
bool PortmapService::PmapUnset(const rpc::CallContext& context, const pm::Mapping& mapping) {
  if (!context.origin.peer.IsLoopback()) return false;
  const bool tcp = table_.Unset(mapping.program, mapping.version, "tcp");
  const bool udp = table_.Unset(mapping.program, mapping.version, "udp");
  if (tcp || udp) stats_.CountUnset(pm::kPmapVersion);
  return tcp || udp;
}

// PMAPPROC_GETPORT: the port of (program, version, protocol), or of another version of the
// program when that one is absent (the client then learns the range from PROG_MISMATCH); 0 when
// the program is not registered on that protocol.
uint32_t PortmapService::PmapGetPort(const rpc::CallContext&, const pm::Mapping& mapping) {
  std::optional<std::string> netid = NetIdOfPmapProtocol(mapping.protocol);
  std::optional<Registration> found;
  if (netid.has_value()) found = table_.Find(mapping.program, mapping.version, *netid, true);
  uint32_t port = 0;
  if (found.has_value()) {
    absl::StatusOr<rpc::SocketAddress> address =
        rpc::SocketAddress::FromUniversalAddress(found->address);
    if (address.ok()) port = address->port();
  }
  stats_.CountLookup(pm::kPmapVersion, mapping.program, mapping.version, netid.value_or("?"),
                     port != 0);
  return port;
}

// PMAPPROC_DUMP: every IPv4 TCP and UDP registration.
std::vector<pm::Mapping> PortmapService::PmapDump(const rpc::CallContext&) {
  std::vector<pm::Mapping> mappings;
  for (const Registration& entry : table_.Snapshot()) {
    std::optional<uint32_t> protocol = PmapProtocolOf(entry.netid);
    absl::StatusOr<rpc::SocketAddress> address =
        rpc::SocketAddress::FromUniversalAddress(entry.address);
    if (!protocol.has_value() || !address.ok()) continue;
    mappings.push_back({entry.program, entry.version, *protocol, address->port()});
  }
  return mappings;
}

// PMAPPROC_CALLIT: forwards a call to a local program over UDP; silence when it fails or is
// refused (see the class comment for the rules).
rpc::HandlerResult<pm::PmapCallResult> PortmapService::PmapCallIt(const rpc::CallContext& context,
                                                                  const pm::RemoteCallArgs& args) {
  std::optional<Forwarded> forwarded = Forward(context, args);
  if (!forwarded.has_value()) return rpc::NoReply{};
  absl::StatusOr<rpc::SocketAddress> address =
      rpc::SocketAddress::FromUniversalAddress(forwarded->target.address);
  return pm::PmapCallResult{address.ok() ? address->port() : 0u, std::move(forwarded->results)};
}

}  // namespace nfsuite::portmap
