// RPCBIND version 3 and 4 procedures (RFC 1833 section 2.2).
#include "common/rpc/socket_address.h"
#include "service/portmap/portmap_service.h"

namespace nfsuite::portmap {
namespace pm = rpc::portmap;
namespace {

bool IsIpNetId(absl::string_view netid) {
  return netid == "tcp" || netid == "udp" || netid == "tcp6" || netid == "udp6";
}

}  // namespace

// RPCBPROC_SET: registers (program, version, netid) → universal address. Refused from
// non-loopback callers, for unknown netids or unparsable addresses, and when already registered.
bool PortmapService::RpcbSet(const rpc::CallContext& context, const pm::Rpcb& rpcb) {
  if (!context.origin.peer.IsLoopback() || !IsIpNetId(rpcb.netid) ||
      !rpc::SocketAddress::FromUniversalAddress(rpcb.address).ok()) {
    return false;
  }
  const bool done = table_.Set({rpcb.program, rpcb.version, rpcb.netid, rpcb.address,
                                rpcb.owner.empty() ? OwnerOf(context) : rpcb.owner});
  if (done) stats_.CountSet(context.version);
  return done;
}

// RPCBPROC_UNSET: removes (program, version) on `netid`, or on every transport when it is empty.
bool PortmapService::RpcbUnset(const rpc::CallContext& context, const pm::Rpcb& rpcb) {
  if (!context.origin.peer.IsLoopback()) return false;
  const bool done = table_.Unset(rpcb.program, rpcb.version, rpcb.netid);
  if (done) stats_.CountUnset(context.version);
  return done;
}

// RPCBPROC_GETADDR (any version of the program will do, as in rpcbind) and RPCBPROC_GETVERSADDR
// (exactly that version), on the transport the request arrived on; "" when not registered.
std::string PortmapService::RpcbGetAddr(const rpc::CallContext& context, const pm::Rpcb& rpcb,
                                        bool exact_version) {
  const std::string netid = context.origin.local.NetId(context.origin.transport);
  std::optional<Registration> found =
      table_.Find(rpcb.program, rpcb.version, netid, !exact_version);
  stats_.CountLookup(context.version, rpcb.program, rpcb.version, netid, found.has_value());
  return found.has_value() ? MergedAddress(*found, context) : "";
}

// RPCBPROC_DUMP: every registration.
std::vector<pm::Rpcb> PortmapService::RpcbDump(const rpc::CallContext&) {
  std::vector<pm::Rpcb> list;
  for (const Registration& entry : table_.Snapshot()) {
    list.push_back({entry.program, entry.version, entry.netid, entry.address, entry.owner});
  }
  return list;
}

// RPCBPROC_CALLIT (v3), RPCBPROC_BCAST and RPCBPROC_INDIRECT (v4): forwards a call to a local
// program over UDP. CALLIT and BCAST are silent on failure; INDIRECT answers SYSTEM_ERR.
rpc::HandlerResult<pm::RpcbRemoteCallResult> PortmapService::RpcbRemoteCall(
    const rpc::CallContext& context, const pm::RemoteCallArgs& args, bool silent_on_failure) {
  std::optional<Forwarded> forwarded = Forward(context, args);
  if (!forwarded.has_value()) {
    if (silent_on_failure) return rpc::NoReply{};
    return rpc::SystemError{"remote call refused or failed"};
  }
  return pm::RpcbRemoteCallResult{MergedAddress(forwarded->target, context),
                                  std::move(forwarded->results)};
}

// RPCBPROC_GETADDRLIST: the addresses of (program, version) on every transport.
std::vector<pm::RpcbEntry> PortmapService::RpcbGetAddrList(const rpc::CallContext& context,
                                                           const pm::Rpcb& rpcb) {
  std::vector<pm::RpcbEntry> list;
  for (const Registration& entry : table_.FindVersion(rpcb.program, rpcb.version)) {
    if (!IsIpNetId(entry.netid)) continue;
    const bool tcp = entry.netid.starts_with("tcp");
    list.push_back({MergedAddress(entry, context), entry.netid,
                    tcp ? pm::kSemanticsOrderedStream : pm::kSemanticsDatagram,
                    entry.netid.ends_with("6") ? "inet6" : "inet", tcp ? "tcp" : "udp"});
  }
  stats_.CountLookup(context.version, rpcb.program, rpcb.version, "", !list.empty());
  return list;
}

}  // namespace nfsuite::portmap
