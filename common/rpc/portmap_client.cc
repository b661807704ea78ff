#include "common/rpc/portmap_client.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/rpc_client.h"

namespace nfsuite::rpc {
namespace {

using portmap::kProgram;

template <typename Result>
absl::StatusOr<Result> CallPortmapper(const SocketAddress& portmapper, absl::Duration timeout,
                                      uint32_t version, uint32_t procedure,
                                      const ArgumentEncoder& arguments,
                                      void (*decode)(xdr::XdrDecoder&, Result&)) {
  absl::StatusOr<std::unique_ptr<RpcClient>> client =
      RpcClient::Connect(Transport::kUdp, portmapper, timeout);
  if (!client.ok()) return client.status();
  absl::StatusOr<Result> result =
      CallAndDecode(**client, kProgram, version, procedure, arguments, decode, timeout);
  if (!result.ok()) {
    return absl::Status(
        result.status().code(),
        absl::StrCat("portmapper at ", portmapper.ToString(), ": ", result.status().message()));
  }
  return result;
}

portmap::Rpcb ToRpcb(const ServiceRegistration& registration) {
  portmap::Rpcb rpcb;
  rpcb.program = registration.program;
  rpcb.version = registration.version;
  rpcb.netid = registration.address.NetId(registration.transport);
  rpcb.address = registration.address.UniversalAddress();
  rpcb.owner = "superuser";
  return rpcb;
}

}  // namespace

absl::StatusOr<bool> PortmapClient::PmapSet(const portmap::Mapping& mapping) const {
  return CallPortmapper<bool>(
      portmapper_, timeout_, portmap::kPmapVersion, portmap::pmap_proc::kSet,
      [&](xdr::XdrEncoder& e) { portmap::EncodeMapping(e, mapping); }, &portmap::DecodeBool);
}

absl::StatusOr<bool> PortmapClient::PmapUnset(uint32_t program, uint32_t version) const {
  const portmap::Mapping mapping{program, version, 0, 0};
  return CallPortmapper<bool>(
      portmapper_, timeout_, portmap::kPmapVersion, portmap::pmap_proc::kUnset,
      [&](xdr::XdrEncoder& e) { portmap::EncodeMapping(e, mapping); }, &portmap::DecodeBool);
}

absl::StatusOr<uint32_t> PortmapClient::PmapGetPort(uint32_t program, uint32_t version,
                                                    uint32_t protocol) const {
  const portmap::Mapping mapping{program, version, protocol, 0};
  return CallPortmapper<uint32_t>(
      portmapper_, timeout_, portmap::kPmapVersion, portmap::pmap_proc::kGetPort,
      [&](xdr::XdrEncoder& e) { portmap::EncodeMapping(e, mapping); }, &portmap::DecodeUint32);
}

absl::StatusOr<std::vector<portmap::Mapping>> PortmapClient::PmapDump() const {
  return CallPortmapper<std::vector<portmap::Mapping>>(portmapper_, timeout_, portmap::kPmapVersion,
                                                       portmap::pmap_proc::kDump, nullptr,
                                                       &portmap::DecodeMappingList);
}

absl::StatusOr<bool> PortmapClient::RpcbSet(const portmap::Rpcb& rpcb) const {
  return CallPortmapper<bool>(
      portmapper_, timeout_, portmap::kRpcbVersion4, portmap::rpcb_proc::kSet,
      [&](xdr::XdrEncoder& e) { portmap::EncodeRpcb(e, rpcb); }, &portmap::DecodeBool);
}

absl::StatusOr<bool> PortmapClient::RpcbUnset(const portmap::Rpcb& rpcb) const {
  return CallPortmapper<bool>(
      portmapper_, timeout_, portmap::kRpcbVersion4, portmap::rpcb_proc::kUnset,
      [&](xdr::XdrEncoder& e) { portmap::EncodeRpcb(e, rpcb); }, &portmap::DecodeBool);
}

absl::StatusOr<std::string> PortmapClient::RpcbGetAddr(const portmap::Rpcb& rpcb,
                                                       uint32_t version) const {
  return CallPortmapper<std::string>(
      portmapper_, timeout_, version, portmap::rpcb_proc::kGetAddr,
      [&](xdr::XdrEncoder& e) { portmap::EncodeRpcb(e, rpcb); }, &portmap::DecodeAddressString);
}

absl::StatusOr<std::vector<portmap::Rpcb>> PortmapClient::RpcbDump() const {
  return CallPortmapper<std::vector<portmap::Rpcb>>(portmapper_, timeout_, portmap::kRpcbVersion4,
                                                    portmap::rpcb_proc::kDump, nullptr,
                                                    &portmap::DecodeRpcbList);
}

absl::StatusOr<bool> PortmapClient::AllRegistered(
    const std::vector<ServiceRegistration>& registrations) const {
  absl::StatusOr<std::vector<portmap::Rpcb>> listed = RpcbDump();
  if (!listed.ok()) return listed.status();
  for (const ServiceRegistration& registration : registrations) {
    const portmap::Rpcb wanted = ToRpcb(registration);
    bool found = false;
    for (const portmap::Rpcb& entry : *listed) {
      found = found || (entry.program == wanted.program && entry.version == wanted.version &&
                        entry.netid == wanted.netid && entry.address == wanted.address);
    }
    if (!found) return false;
  }
  return true;
}

absl::Status PortmapClient::Register(const std::vector<ServiceRegistration>& registrations) const {
  if (absl::Status cleared = Unregister(registrations); !cleared.ok()) return cleared;
  for (const ServiceRegistration& registration : registrations) {
    absl::StatusOr<bool> done = RpcbSet(ToRpcb(registration));
    if (!done.ok() && registration.address.family() == AF_INET) {
      // A version-2-only portmapper: register the IPv4 mapping the old way.
      const uint32_t protocol =
          registration.transport == Transport::kTcp ? portmap::kIpProtoTcp : portmap::kIpProtoUdp;
      done = PmapSet(
          {registration.program, registration.version, protocol, registration.address.port()});
    }
    if (!done.ok()) return done.status();
    if (!*done) {
      return absl::AlreadyExistsError(absl::StrCat(
          "portmapper refused to register program ", registration.program, " version ",
          registration.version, " on ", registration.address.NetId(registration.transport)));
    }
  }
  return absl::OkStatus();
}

absl::Status PortmapClient::Unregister(
    const std::vector<ServiceRegistration>& registrations) const {
  std::set<std::pair<uint32_t, uint32_t>> versions;
  for (const ServiceRegistration& registration : registrations) {
    versions.insert({registration.program, registration.version});
  }
  for (const auto& [program, version] : versions) {
    // An empty netid removes the version on every transport (RFC 1833 RPCBPROC_UNSET).
    portmap::Rpcb rpcb;
    rpcb.program = program;
    rpcb.version = version;
    absl::StatusOr<bool> done = RpcbUnset(rpcb);
    if (!done.ok()) done = PmapUnset(program, version);
    if (!done.ok()) return done.status();
  }
  return absl::OkStatus();
}

}  // namespace nfsuite::rpc
