#include "common/rpc/portmap_protocol.h"

#include "common/xdr/xdr_list.h"

namespace nfsuite::rpc::portmap {
namespace {

void EncodeRpcbEntry(xdr::XdrEncoder& encoder, const RpcbEntry& entry) {
  encoder.String(entry.address);
  encoder.String(entry.netid);
  encoder.Uint32(entry.semantics);
  encoder.String(entry.protocol_family);
  encoder.String(entry.protocol);
}

void DecodeRpcbEntry(xdr::XdrDecoder& decoder, RpcbEntry& entry) {
  entry.address = decoder.String(kMaxUniversalAddressSize);
  entry.netid = decoder.String(kMaxNetIdSize);
  entry.semantics = decoder.Uint32();
  entry.protocol_family = decoder.String(kMaxNetIdSize);
  entry.protocol = decoder.String(kMaxNetIdSize);
}

void EncodeLookupStat(xdr::XdrEncoder& encoder, const AddressLookupStat& stat) {
  encoder.Uint32(stat.program);
  encoder.Uint32(stat.version);
  encoder.Int32(stat.success);
  encoder.Int32(stat.failure);
  encoder.String(stat.netid);
}

void DecodeLookupStat(xdr::XdrDecoder& decoder, AddressLookupStat& stat) {
  stat.program = decoder.Uint32();
  stat.version = decoder.Uint32();
  stat.success = decoder.Int32();
  stat.failure = decoder.Int32();
  stat.netid = decoder.String(kMaxNetIdSize);
}

}  // namespace

void DecodeMapping(xdr::XdrDecoder& decoder, Mapping& mapping) {
  mapping.program = decoder.Uint32();
  mapping.version = decoder.Uint32();
  mapping.protocol = decoder.Uint32();
  mapping.port = decoder.Uint32();
}

void EncodeMapping(xdr::XdrEncoder& encoder, const Mapping& mapping) {
  encoder.Uint32(mapping.program);
  encoder.Uint32(mapping.version);
  encoder.Uint32(mapping.protocol);
  encoder.Uint32(mapping.port);
}

void DecodeMappingList(xdr::XdrDecoder& decoder, std::vector<Mapping>& list) {
  xdr::DecodeList(decoder, list, kMaxListEntries,
                  [&](auto& item) { DecodeMapping(decoder, item); });
}

void EncodeMappingList(xdr::XdrEncoder& encoder, const std::vector<Mapping>& list) {
  xdr::EncodeList(encoder, list, [&](const auto& item) { EncodeMapping(encoder, item); });
}

void DecodeRemoteCallArgs(xdr::XdrDecoder& decoder, RemoteCallArgs& args) {
  args.program = decoder.Uint32();
  args.version = decoder.Uint32();
  args.procedure = decoder.Uint32();
  args.arguments = decoder.Opaque(kMaxCallArgumentsSize);
}

void EncodePmapCallResult(xdr::XdrEncoder& encoder, const PmapCallResult& result) {
  encoder.Uint32(result.port);
  encoder.Opaque(result.results);
}

void DecodeRpcb(xdr::XdrDecoder& decoder, Rpcb& rpcb) {
  rpcb.program = decoder.Uint32();
  rpcb.version = decoder.Uint32();
  rpcb.netid = decoder.String(kMaxNetIdSize);
  rpcb.address = decoder.String(kMaxUniversalAddressSize);
  rpcb.owner = decoder.String(kMaxOwnerSize);
}

void EncodeRpcb(xdr::XdrEncoder& encoder, const Rpcb& rpcb) {
  encoder.Uint32(rpcb.program);
  encoder.Uint32(rpcb.version);
  encoder.String(rpcb.netid);
  encoder.String(rpcb.address);
  encoder.String(rpcb.owner);
}

void DecodeRpcbList(xdr::XdrDecoder& decoder, std::vector<Rpcb>& list) {
  xdr::DecodeList(decoder, list, kMaxListEntries, [&](auto& item) { DecodeRpcb(decoder, item); });
}

void EncodeRpcbList(xdr::XdrEncoder& encoder, const std::vector<Rpcb>& list) {
  xdr::EncodeList(encoder, list, [&](const auto& item) { EncodeRpcb(encoder, item); });
}

void EncodeRpcbRemoteCallResult(xdr::XdrEncoder& encoder, const RpcbRemoteCallResult& result) {
  encoder.String(result.address);
  encoder.Opaque(result.results);
}

void EncodeRpcbEntryList(xdr::XdrEncoder& encoder, const std::vector<RpcbEntry>& list) {
  xdr::EncodeList(encoder, list, [&](const auto& item) { EncodeRpcbEntry(encoder, item); });
}

void DecodeRpcbEntryList(xdr::XdrDecoder& decoder, std::vector<RpcbEntry>& list) {
  xdr::DecodeList(decoder, list, kMaxListEntries,
                  [&](auto& item) { DecodeRpcbEntry(decoder, item); });
}

void DecodeNetbuf(xdr::XdrDecoder& decoder, Netbuf& netbuf) {
  netbuf.max_length = decoder.Uint32();
  absl::Span<const uint8_t> bytes = decoder.Opaque(kMaxUniversalAddressSize);
  netbuf.buffer.assign(bytes.begin(), bytes.end());
}

void EncodeNetbuf(xdr::XdrEncoder& encoder, const Netbuf& netbuf) {
  encoder.Uint32(netbuf.max_length);
  encoder.Opaque(netbuf.buffer);
}

void EncodeRpcbStatByVersion(xdr::XdrEncoder& encoder, const RpcbStatByVersion& stats) {
  for (const RpcbStat& stat : stats) {
    for (int32_t calls : stat.procedure_calls) encoder.Int32(calls);
    encoder.Int32(stat.set_count);
    encoder.Int32(stat.unset_count);
    xdr::EncodeList(encoder, stat.lookups,
                    [&](const auto& item) { EncodeLookupStat(encoder, item); });
    encoder.Optional(false);  // rmtinfo
  }
}

void DecodeRpcbStatByVersion(xdr::XdrDecoder& decoder, RpcbStatByVersion& stats) {
  for (RpcbStat& stat : stats) {
    for (int32_t& calls : stat.procedure_calls) calls = decoder.Int32();
    stat.set_count = decoder.Int32();
    stat.unset_count = decoder.Int32();
    xdr::DecodeList(decoder, stat.lookups, kMaxListEntries,
                    [&](auto& item) { DecodeLookupStat(decoder, item); });
    if (decoder.Optional()) decoder.Fail("remote-call statistics are not expected");
  }
}

void DecodeUint32(xdr::XdrDecoder& decoder, uint32_t& value) { value = decoder.Uint32(); }
void EncodeUint32(xdr::XdrEncoder& encoder, const uint32_t& value) { encoder.Uint32(value); }
void EncodeBool(xdr::XdrEncoder& encoder, const bool& value) { encoder.Bool(value); }
void DecodeBool(xdr::XdrDecoder& decoder, bool& value) { value = decoder.Bool(); }
void DecodeAddressString(xdr::XdrDecoder& decoder, std::string& value) {
  value = decoder.String(kMaxUniversalAddressSize);
}
void EncodeString(xdr::XdrEncoder& encoder, const std::string& value) { encoder.String(value); }

}  // namespace nfsuite::rpc::portmap
