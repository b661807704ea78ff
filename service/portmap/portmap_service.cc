#include "service/portmap/portmap_service.h"

#include <type_traits>

#include "common/rpc/rpc_client.h"
#include "common/rpc/socket_address.h"
#include "common/util/logging.h"
#include "service/portmap/address_translation.h"

namespace nfsuite::portmap {
namespace {

using rpc::Execution;
using rpc::ProcedurePolicies;
using rpc::ReplyCachePolicy;
namespace pm = rpc::portmap;

constexpr ProcedurePolicies kQuick{ReplyCachePolicy::kNone, Execution::kInline};
// SET and UNSET persist the table (an fsync), and a retransmitted SET must not answer FALSE
// because its first copy succeeded.
constexpr ProcedurePolicies kChangesTable{ReplyCachePolicy::kCacheReply, Execution::kWorker};
// Remote calls wait for another server.
constexpr ProcedurePolicies kForwards{ReplyCachePolicy::kNone, Execution::kWorker};

}  // namespace

PortmapService::PortmapService(RegistrationTable& table, Options options)
    : table_(table), options_(options) {}

std::string PortmapService::MergedAddress(const Registration& registration,
                                          const rpc::CallContext& context) {
  absl::StatusOr<rpc::SocketAddress> address =
      rpc::SocketAddress::FromUniversalAddress(registration.address);
  const rpc::SocketAddress& local = context.origin.local;
  if (!address.ok() || !address->IsWildcard() || address->family() != local.family() ||
      local.IsWildcard()) {
    return registration.address;
  }
  rpc::SocketAddress merged = local;
  merged.set_port(address->port());
  return merged.UniversalAddress();
}

std::string PortmapService::OwnerOf(const rpc::CallContext& context) {
  if (context.credentials.flavor != rpc::AuthFlavor::kSys) return "unknown";
  if (context.credentials.uid == 0) return "superuser";
  return std::to_string(context.credentials.uid);
}

std::optional<PortmapService::Forwarded> PortmapService::Forward(const rpc::CallContext& context,
                                                                 const pm::RemoteCallArgs& args) {
  if (!context.origin.peer.IsLoopback() || args.program == pm::kProgram) return std::nullopt;
  std::optional<Registration> target = table_.Find(args.program, args.version, "udp", false);
  if (!target.has_value()) return std::nullopt;
  absl::StatusOr<rpc::SocketAddress> address =
      rpc::SocketAddress::FromUniversalAddress(target->address);
  if (!address.ok()) return std::nullopt;
  if (address->IsWildcard()) *address = rpc::SocketAddress::Loopback4(address->port());

  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      rpc::RpcClient::Connect(rpc::Transport::kUdp, *address, options_.remote_call_timeout);
  if (!client.ok()) return std::nullopt;
  if (context.credentials.flavor == rpc::AuthFlavor::kSys) {
    (*client)->set_credentials(context.credentials);
  }
  absl::StatusOr<rpc::RpcReply> reply = (*client)->Call(
      args.program, args.version, args.procedure,
      [&](xdr::XdrEncoder& encoder) { encoder.FixedOpaque(args.arguments); },
      options_.remote_call_timeout);
  if (!reply.ok() || !reply->header.Succeeded()) {
    Logf(LogLevel::kDebug, "remote call to program %u version %u failed: %s", args.program,
         args.version, reply.ok() ? reply->header.Describe() : reply.status().ToString());
    return std::nullopt;
  }
  Forwarded forwarded;
  forwarded.target = *target;
  forwarded.results.assign(reply->message.begin() + reply->results_offset, reply->message.end());
  return forwarded;
}

std::vector<rpc::ProgramVersion> PortmapService::Programs() {
  // Every handler first counts its call for GETSTAT.
  auto counted = [this](uint32_t version, uint32_t procedure, auto handler) {
    return [this, version, procedure, handler](const rpc::CallContext& context, const auto& args) {
      stats_.CountCall(version, procedure);
      return handler(context, args);
    };
  };
  // Lists over UDP are answered to local callers only. A DUMP, GETADDRLIST or GETSTAT reply is
  // many times its request, so a request with a spoofed source from afar would turn portmapd
  // into an amplifier aimed at that source. Remote clients list over TCP (rpcinfo -p and -s
  // do), where a spoofed source cannot complete the handshake; their UDP lookups (GETPORT,
  // GETADDR), no larger than the request, are answered as usual.
  auto local_if_udp = [](auto handler) {
    return [handler](const rpc::CallContext& context, const auto& args)
               -> rpc::HandlerResult<std::decay_t<decltype(handler(context, args))>> {
      if (context.origin.transport == rpc::Transport::kUdp && !context.origin.peer.IsLoopback()) {
        return rpc::NoReply{};
      }
      return handler(context, args);
    };
  };
  auto null_procedure = [&](uint32_t version) {
    return rpc::MakeProcedure(
        "NULL", &rpc::DecodeVoid,
        counted(version, 0, [](const rpc::CallContext&, const rpc::Void&) { return rpc::Void{}; }),
        &rpc::EncodeVoid, kQuick);
  };

  rpc::ProgramVersion v2{pm::kProgram, pm::kPmapVersion, "portmapper", {}};
  v2.procedures.resize(6);
  v2.procedures[pm::pmap_proc::kNull] = null_procedure(2);
  v2.procedures[pm::pmap_proc::kSet] = rpc::MakeProcedure(
      "SET", &pm::DecodeMapping,
      counted(2, pm::pmap_proc::kSet,
              [this](const rpc::CallContext& c, const pm::Mapping& m) { return PmapSet(c, m); }),
      &pm::EncodeBool, kChangesTable);
  v2.procedures[pm::pmap_proc::kUnset] = rpc::MakeProcedure(
      "UNSET", &pm::DecodeMapping,
      counted(2, pm::pmap_proc::kUnset,
              [this](const rpc::CallContext& c, const pm::Mapping& m) { return PmapUnset(c, m); }),
      &pm::EncodeBool, kChangesTable);
  v2.procedures[pm::pmap_proc::kGetPort] = rpc::MakeProcedure(
      "GETPORT", &pm::DecodeMapping,
      counted(
          2, pm::pmap_proc::kGetPort,
          [this](const rpc::CallContext& c, const pm::Mapping& m) { return PmapGetPort(c, m); }),
      &pm::EncodeUint32, kQuick);
  v2.procedures[pm::pmap_proc::kDump] =
      rpc::MakeProcedure("DUMP", &rpc::DecodeVoid,
                         counted(2, pm::pmap_proc::kDump,
                                 local_if_udp([this](const rpc::CallContext& c, const rpc::Void&) {
                                   return PmapDump(c);
                                 })),
                         &pm::EncodeMappingList, kQuick);
  v2.procedures[pm::pmap_proc::kCallIt] =
      rpc::MakeProcedure("CALLIT", &pm::DecodeRemoteCallArgs,
                         counted(2, pm::pmap_proc::kCallIt,
                                 [this](const rpc::CallContext& c, const pm::RemoteCallArgs& a) {
                                   return PmapCallIt(c, a);
                                 }),
                         &pm::EncodePmapCallResult, kForwards);

  auto rpcbind_version = [&](uint32_t version) {
    rpc::ProgramVersion table{pm::kProgram, version, "portmapper", {}};
    table.procedures.resize(version == 3 ? 9 : pm::rpcb_proc::kCount);
    table.procedures[pm::rpcb_proc::kNull] = null_procedure(version);
    table.procedures[pm::rpcb_proc::kSet] = rpc::MakeProcedure(
        "SET", &pm::DecodeRpcb,
        counted(version, pm::rpcb_proc::kSet,
                [this](const rpc::CallContext& c, const pm::Rpcb& r) { return RpcbSet(c, r); }),
        &pm::EncodeBool, kChangesTable);
    table.procedures[pm::rpcb_proc::kUnset] = rpc::MakeProcedure(
        "UNSET", &pm::DecodeRpcb,
        counted(version, pm::rpcb_proc::kUnset,
                [this](const rpc::CallContext& c, const pm::Rpcb& r) { return RpcbUnset(c, r); }),
        &pm::EncodeBool, kChangesTable);
    table.procedures[pm::rpcb_proc::kGetAddr] =
        rpc::MakeProcedure("GETADDR", &pm::DecodeRpcb,
                           counted(version, pm::rpcb_proc::kGetAddr,
                                   [this](const rpc::CallContext& c, const pm::Rpcb& r) {
                                     return RpcbGetAddr(c, r, false);
                                   }),
                           &pm::EncodeString, kQuick);
    table.procedures[pm::rpcb_proc::kDump] =
        rpc::MakeProcedure("DUMP", &rpc::DecodeVoid,
                           counted(version, pm::rpcb_proc::kDump,
                                   local_if_udp([this](const rpc::CallContext& c,
                                                       const rpc::Void&) { return RpcbDump(c); })),
                           &pm::EncodeRpcbList, kQuick);
    table.procedures[pm::rpcb_proc::kCallIt] =
        rpc::MakeProcedure(version == 3 ? "CALLIT" : "BCAST", &pm::DecodeRemoteCallArgs,
                           counted(version, pm::rpcb_proc::kCallIt,
                                   [this](const rpc::CallContext& c, const pm::RemoteCallArgs& a) {
                                     return RpcbRemoteCall(c, a, true);
                                   }),
                           &pm::EncodeRpcbRemoteCallResult, kForwards);
    table.procedures[pm::rpcb_proc::kGetTime] =
        rpc::MakeProcedure("GETTIME", &rpc::DecodeVoid,
                           counted(version, pm::rpcb_proc::kGetTime,
                                   [](const rpc::CallContext&, const rpc::Void&) {
                                     return static_cast<uint32_t>(absl::ToUnixSeconds(absl::Now()));
                                   }),
                           &pm::EncodeUint32, kQuick);
    table.procedures[pm::rpcb_proc::kUaddr2Taddr] =
        rpc::MakeProcedure("UADDR2TADDR", &pm::DecodeAddressString,
                           counted(version, pm::rpcb_proc::kUaddr2Taddr,
                                   [](const rpc::CallContext&, const std::string& uaddr) {
                                     return UniversalToTransportAddress(uaddr);
                                   }),
                           &pm::EncodeNetbuf, kQuick);
    table.procedures[pm::rpcb_proc::kTaddr2Uaddr] =
        rpc::MakeProcedure("TADDR2UADDR", &pm::DecodeNetbuf,
                           counted(version, pm::rpcb_proc::kTaddr2Uaddr,
                                   [](const rpc::CallContext&, const pm::Netbuf& netbuf) {
                                     return TransportToUniversalAddress(netbuf);
                                   }),
                           &pm::EncodeString, kQuick);
    if (version == 3) return table;
    table.procedures[pm::rpcb_proc::kGetVersAddr] =
        rpc::MakeProcedure("GETVERSADDR", &pm::DecodeRpcb,
                           counted(version, pm::rpcb_proc::kGetVersAddr,
                                   [this](const rpc::CallContext& c, const pm::Rpcb& r) {
                                     return RpcbGetAddr(c, r, true);
                                   }),
                           &pm::EncodeString, kQuick);
    table.procedures[pm::rpcb_proc::kIndirect] =
        rpc::MakeProcedure("INDIRECT", &pm::DecodeRemoteCallArgs,
                           counted(version, pm::rpcb_proc::kIndirect,
                                   [this](const rpc::CallContext& c, const pm::RemoteCallArgs& a) {
                                     return RpcbRemoteCall(c, a, false);
                                   }),
                           &pm::EncodeRpcbRemoteCallResult, kForwards);
    table.procedures[pm::rpcb_proc::kGetAddrList] = rpc::MakeProcedure(
        "GETADDRLIST", &pm::DecodeRpcb,
        counted(version, pm::rpcb_proc::kGetAddrList,
                local_if_udp([this](const rpc::CallContext& c, const pm::Rpcb& r) {
                  return RpcbGetAddrList(c, r);
                })),
        &pm::EncodeRpcbEntryList, kQuick);
    table.procedures[pm::rpcb_proc::kGetStat] =
        rpc::MakeProcedure("GETSTAT", &rpc::DecodeVoid,
                           counted(version, pm::rpcb_proc::kGetStat,
                                   local_if_udp([this](const rpc::CallContext&, const rpc::Void&) {
                                     return stats_.Snapshot();
                                   })),
                           &pm::EncodeRpcbStatByVersion, kQuick);
    return table;
  };

  std::vector<rpc::ProgramVersion> programs;
  programs.push_back(std::move(v2));
  programs.push_back(rpcbind_version(3));
  programs.push_back(rpcbind_version(4));
  return programs;
}

}  // namespace nfsuite::portmap
