#ifndef NFSUITE_COMMON_RPC_PORTMAP_PROTOCOL_H_
#define NFSUITE_COMMON_RPC_PORTMAP_PROTOCOL_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

// Wire types of the portmapper protocol, version 2 (RFC 1833 section 3), and of RPCBIND,
// versions 3 and 4 (RFC 1833 section 2). Both our portmapd and every daemon registering with a
// portmapper use them.
namespace nfsuite::rpc::portmap {

inline constexpr uint32_t kProgram = 100000;
inline constexpr uint32_t kPmapVersion = 2;
inline constexpr uint32_t kRpcbVersion3 = 3;
inline constexpr uint32_t kRpcbVersion4 = 4;
inline constexpr uint16_t kDefaultPort = 111;

inline constexpr uint32_t kIpProtoTcp = 6;
inline constexpr uint32_t kIpProtoUdp = 17;

namespace pmap_proc {
inline constexpr uint32_t kNull = 0, kSet = 1, kUnset = 2, kGetPort = 3, kDump = 4, kCallIt = 5;
}
namespace rpcb_proc {
inline constexpr uint32_t kNull = 0, kSet = 1, kUnset = 2, kGetAddr = 3, kDump = 4,
                          kCallIt = 5,  // BCAST in version 4
    kGetTime = 6, kUaddr2Taddr = 7, kTaddr2Uaddr = 8, kGetVersAddr = 9, kIndirect = 10,
                          kGetAddrList = 11, kGetStat = 12;
inline constexpr uint32_t kCount = 13;  // RPCBSTAT_HIGHPROC
}  // namespace rpcb_proc

// Bounds on strings the RFC leaves unbounded; generous for any real netid or address.
inline constexpr size_t kMaxNetIdSize = 128;
inline constexpr size_t kMaxUniversalAddressSize = 256;
inline constexpr size_t kMaxOwnerSize = 256;
inline constexpr size_t kMaxCallArgumentsSize = 64 * 1024;
inline constexpr size_t kMaxListEntries = 65536;

// PMAP v2 mapping.
struct Mapping {
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t protocol = 0;  // kIpProtoTcp or kIpProtoUdp
  uint32_t port = 0;
};
void DecodeMapping(xdr::XdrDecoder& decoder, Mapping& mapping);
void EncodeMapping(xdr::XdrEncoder& encoder, const Mapping& mapping);
void DecodeMappingList(xdr::XdrDecoder& decoder, std::vector<Mapping>& list);
void EncodeMappingList(xdr::XdrEncoder& encoder, const std::vector<Mapping>& list);

// pmap call_args and rpcb_rmtcallargs share this layout.
struct RemoteCallArgs {
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
  absl::Span<const uint8_t> arguments;
};
void DecodeRemoteCallArgs(xdr::XdrDecoder& decoder, RemoteCallArgs& args);

struct PmapCallResult {
  uint32_t port = 0;
  std::vector<uint8_t> results;
};
void EncodePmapCallResult(xdr::XdrEncoder& encoder, const PmapCallResult& result);

// RPCBIND rpcb.
struct Rpcb {
  uint32_t program = 0;
  uint32_t version = 0;
  std::string netid;
  std::string address;  // universal address
  std::string owner;
};
void DecodeRpcb(xdr::XdrDecoder& decoder, Rpcb& rpcb);
void EncodeRpcb(xdr::XdrEncoder& encoder, const Rpcb& rpcb);
void DecodeRpcbList(xdr::XdrDecoder& decoder, std::vector<Rpcb>& list);
void EncodeRpcbList(xdr::XdrEncoder& encoder, const std::vector<Rpcb>& list);

struct RpcbRemoteCallResult {
  std::string address;
  std::vector<uint8_t> results;
};
void EncodeRpcbRemoteCallResult(xdr::XdrEncoder& encoder, const RpcbRemoteCallResult& result);

// rpcb_entry, one element of a GETADDRLIST answer.
struct RpcbEntry {
  std::string address;
  std::string netid;
  uint32_t semantics = 0;       // NC_TPI_CLTS (1) for datagrams, NC_TPI_COTS_ORD (3) for TCP
  std::string protocol_family;  // "inet" or "inet6"
  std::string protocol;         // "tcp" or "udp"
};
inline constexpr uint32_t kSemanticsDatagram = 1;
inline constexpr uint32_t kSemanticsOrderedStream = 3;
void EncodeRpcbEntryList(xdr::XdrEncoder& encoder, const std::vector<RpcbEntry>& list);
void DecodeRpcbEntryList(xdr::XdrDecoder& decoder, std::vector<RpcbEntry>& list);

// netbuf: a transport address in its native (struct sockaddr) form.
struct Netbuf {
  uint32_t max_length = 0;
  std::vector<uint8_t> buffer;
};
void DecodeNetbuf(xdr::XdrDecoder& decoder, Netbuf& netbuf);
void EncodeNetbuf(xdr::XdrEncoder& encoder, const Netbuf& netbuf);

// rpcb_stat: per-version statistics answered by GETSTAT.
struct AddressLookupStat {
  uint32_t program = 0;
  uint32_t version = 0;
  int32_t success = 0;
  int32_t failure = 0;
  std::string netid;
};
struct RpcbStat {
  std::array<int32_t, rpcb_proc::kCount> procedure_calls{};
  int32_t set_count = 0;
  int32_t unset_count = 0;
  std::vector<AddressLookupStat> lookups;
  // Remote-call statistics (rpcbs_rmtcalllist) are always empty: see the portmap service notes.
};
// Versions 2, 3 and 4, in that order (rpcb_stat_byvers).
using RpcbStatByVersion = std::array<RpcbStat, 3>;
void EncodeRpcbStatByVersion(xdr::XdrEncoder& encoder, const RpcbStatByVersion& stats);
void DecodeRpcbStatByVersion(xdr::XdrDecoder& decoder, RpcbStatByVersion& stats);

// Codecs for single values, usable as MakeProcedure decoders/encoders.
void DecodeUint32(xdr::XdrDecoder& decoder, uint32_t& value);
void EncodeUint32(xdr::XdrEncoder& encoder, const uint32_t& value);
void EncodeBool(xdr::XdrEncoder& encoder, const bool& value);
void DecodeBool(xdr::XdrDecoder& decoder, bool& value);
void DecodeAddressString(xdr::XdrDecoder& decoder, std::string& value);
void EncodeString(xdr::XdrEncoder& encoder, const std::string& value);

}  // namespace nfsuite::rpc::portmap

#endif  // NFSUITE_COMMON_RPC_PORTMAP_PROTOCOL_H_
