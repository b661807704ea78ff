// PMAP v2 and RPCBIND v3/v4 codecs (common/rpc/portmap_protocol) and the universal-address
// translation of UADDR2TADDR/TADDR2UADDR (service/portmap/address_translation).
#include <string>
#include <vector>

#include "common/rpc/portmap_protocol.h"
#include "service/portmap/address_translation.h"
#include "tests/fuzz/codec_case.h"

namespace nfsuite::fuzz {
namespace {

namespace pm = rpc::portmap;

constexpr uint32_t kPmap = pm::kPmapVersion;
constexpr uint32_t kV3 = pm::kRpcbVersion3;
constexpr uint32_t kV4 = pm::kRpcbVersion4;

CallTarget Call(uint32_t version, uint32_t procedure) {
  return CallTarget{pm::kProgram, version, procedure};
}

// rpcb_rmtcallargs / call_args: program, version, procedure, opaque arguments.
std::vector<uint8_t> SampleRemoteCallArgs() {
  xdr::XdrEncoder encoder;
  encoder.Uint32(100003);
  encoder.Uint32(3);
  encoder.Uint32(0);
  encoder.Opaque(std::vector<uint8_t>{});
  return encoder.Flatten();
}

// What UADDR2TADDR gives must be what TADDR2UADDR turns back into the same transport address:
// the two procedures are inverses for every address they accept.
void CheckAddressTranslation(absl::Span<const uint8_t> input) {
  const std::string uaddr(input.begin(), input.end());
  const pm::Netbuf netbuf = portmap::UniversalToTransportAddress(uaddr);
  if (netbuf.buffer.empty()) return;
  const std::string canonical = portmap::TransportToUniversalAddress(netbuf);
  if (canonical.empty()) Violation("a translated transport address has no universal form");
  const pm::Netbuf again = portmap::UniversalToTransportAddress(canonical);
  if (again.buffer != netbuf.buffer) {
    Violation("universal address \"" + canonical + "\" does not translate back the same");
  }
}

// TADDR2UADDR on any netbuf: a universal address, when there is one, translates back.
void CheckTransportAddress(absl::Span<const uint8_t> input) {
  pm::Netbuf netbuf;
  netbuf.max_length = static_cast<uint32_t>(input.size());
  netbuf.buffer.assign(input.begin(), input.end());
  const std::string uaddr = portmap::TransportToUniversalAddress(netbuf);
  if (uaddr.empty()) return;
  CheckAddressTranslation(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(uaddr.data()), uaddr.size()));
}

}  // namespace

std::vector<CodecCase> PortmapCodecCases() {
  pm::Mapping mapping{100003, 3, pm::kIpProtoTcp, 2049};
  pm::Rpcb rpcb{100005, 3, "tcp", "127.0.0.1.2.123", "superuser"};
  pm::Netbuf netbuf{16, {2, 0, 0, 111, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}};
  pm::RpcbEntry entry{"127.0.0.1.8.1", "udp", pm::kSemanticsDatagram, "inet", "udp"};
  pm::RpcbStatByVersion stats{};
  stats[1].lookups.push_back({100003, 3, 4, 1, "tcp"});

  std::vector<CodecCase> cases;
  cases.push_back(
      MakeCodecCase("mapping", &pm::DecodeMapping, &pm::EncodeMapping, mapping,
                    {Call(kPmap, pm::pmap_proc::kSet), Call(kPmap, pm::pmap_proc::kUnset),
                     Call(kPmap, pm::pmap_proc::kGetPort)}));
  cases.push_back(MakeCodecCase("mapping_list", &pm::DecodeMappingList, &pm::EncodeMappingList,
                                std::vector<pm::Mapping>{mapping, mapping}));
  cases.push_back(MakeDecodeOnlyCase<pm::RemoteCallArgs>(
      "remote_call_args", &pm::DecodeRemoteCallArgs, SampleRemoteCallArgs(),
      {Call(kPmap, pm::pmap_proc::kCallIt), Call(kV3, pm::rpcb_proc::kCallIt),
       Call(kV4, pm::rpcb_proc::kCallIt), Call(kV4, pm::rpcb_proc::kIndirect)}));
  std::vector<CallTarget> rpcb_calls;
  for (uint32_t version : {kV3, kV4}) {
    for (uint32_t procedure :
         {pm::rpcb_proc::kSet, pm::rpcb_proc::kUnset, pm::rpcb_proc::kGetAddr}) {
      rpcb_calls.push_back(Call(version, procedure));
    }
  }
  rpcb_calls.push_back(Call(kV4, pm::rpcb_proc::kGetVersAddr));
  rpcb_calls.push_back(Call(kV4, pm::rpcb_proc::kGetAddrList));
  cases.push_back(MakeCodecCase("rpcb", &pm::DecodeRpcb, &pm::EncodeRpcb, rpcb, rpcb_calls));
  cases.push_back(MakeCodecCase("rpcb_list", &pm::DecodeRpcbList, &pm::EncodeRpcbList,
                                std::vector<pm::Rpcb>{rpcb}));
  cases.push_back(MakeCodecCase("rpcb_entry_list", &pm::DecodeRpcbEntryList,
                                &pm::EncodeRpcbEntryList, std::vector<pm::RpcbEntry>{entry}));
  cases.push_back(MakeCodecCase(
      "netbuf", &pm::DecodeNetbuf, &pm::EncodeNetbuf, netbuf,
      {Call(kV3, pm::rpcb_proc::kTaddr2Uaddr), Call(kV4, pm::rpcb_proc::kTaddr2Uaddr)}));
  cases.push_back(MakeCodecCase("rpcb_stat_by_version", &pm::DecodeRpcbStatByVersion,
                                &pm::EncodeRpcbStatByVersion, stats));
  cases.push_back(MakeCodecCase("uint32", &pm::DecodeUint32, &pm::EncodeUint32, uint32_t{111}));
  cases.push_back(MakeCodecCase("bool", &pm::DecodeBool, &pm::EncodeBool, true));
  cases.push_back(MakeCodecCase(
      "address_string", &pm::DecodeAddressString, &pm::EncodeString, std::string("127.0.0.1.0.111"),
      {Call(kV3, pm::rpcb_proc::kUaddr2Taddr), Call(kV4, pm::rpcb_proc::kUaddr2Taddr)}));

  CodecCase uaddr;
  uaddr.name = "uaddr_translation";
  uaddr.check = CheckAddressTranslation;
  uaddr.sample = [] {
    const std::string text = "192.0.2.7.8.1";
    return std::vector<uint8_t>(text.begin(), text.end());
  };
  cases.push_back(uaddr);
  CodecCase taddr;
  taddr.name = "taddr_translation";
  taddr.check = CheckTransportAddress;
  taddr.sample = [netbuf] { return netbuf.buffer; };
  cases.push_back(taddr);
  return cases;
}

}  // namespace nfsuite::fuzz
