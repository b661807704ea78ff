#include "common/rpc/portmap_protocol.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "gtest/gtest.h"

namespace nfsuite::rpc::portmap {

// Field-wise equality for the wire structs, in their namespace so that ADL finds it.
bool operator==(const Mapping& a, const Mapping& b) {
  return a.program == b.program && a.version == b.version && a.protocol == b.protocol &&
         a.port == b.port;
}
bool operator==(const Rpcb& a, const Rpcb& b) {
  return a.program == b.program && a.version == b.version && a.netid == b.netid &&
         a.address == b.address && a.owner == b.owner;
}
bool operator==(const RpcbEntry& a, const RpcbEntry& b) {
  return a.address == b.address && a.netid == b.netid && a.semantics == b.semantics &&
         a.protocol_family == b.protocol_family && a.protocol == b.protocol;
}
bool operator==(const AddressLookupStat& a, const AddressLookupStat& b) {
  return a.program == b.program && a.version == b.version && a.success == b.success &&
         a.failure == b.failure && a.netid == b.netid;
}

namespace {

using Bytes = std::vector<uint8_t>;

Bytes Words(std::initializer_list<uint32_t> words) {
  Bytes out;
  for (uint32_t word : words) {
    out.push_back(static_cast<uint8_t>(word >> 24));
    out.push_back(static_cast<uint8_t>(word >> 16));
    out.push_back(static_cast<uint8_t>(word >> 8));
    out.push_back(static_cast<uint8_t>(word));
  }
  return out;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Encodes `value` with `encode`, decodes it back with `decode`, and requires the decoder to
// consume exactly the encoded bytes.
template <typename T>
T RoundTrip(const T& value, void (*encode)(xdr::XdrEncoder&, const T&),
            void (*decode)(xdr::XdrDecoder&, T&)) {
  xdr::XdrEncoder encoder;
  encode(encoder, value);
  const Bytes wire = encoder.Flatten();
  EXPECT_EQ(wire.size() % 4, 0u);
  xdr::XdrDecoder decoder(wire);
  T decoded{};
  decode(decoder, decoded);
  EXPECT_TRUE(decoder.Finish().ok()) << decoder.status();
  return decoded;
}

const std::vector<Mapping> kTwoMappings = {
    {100000, 2, kIpProtoTcp, 111},
    {100003, 3, kIpProtoUdp, 2049},
};

TEST(PmapList, GoldenBytesOfTwoEntries) {
  xdr::XdrEncoder encoder;
  EncodeMappingList(encoder, kTwoMappings);
  EXPECT_EQ(encoder.Flatten(), Words({
                                   1,                    // TRUE: an entry follows
                                   100000, 2, 6, 111,    // mapping
                                   1,                    // TRUE
                                   100003, 3, 17, 2049,  // mapping
                                   0,                    // FALSE: end of list
                               }));
}

TEST(PmapList, EmptyListIsOneFalse) {
  xdr::XdrEncoder encoder;
  EncodeMappingList(encoder, {});
  EXPECT_EQ(encoder.Flatten(), Words({0}));
}

TEST(PmapList, RoundTrip) {
  for (const std::vector<Mapping>& list :
       {std::vector<Mapping>{}, std::vector<Mapping>{kTwoMappings[0]}, kTwoMappings}) {
    SCOPED_TRACE(list.size());
    const std::vector<Mapping> decoded = RoundTrip(list, &EncodeMappingList, &DecodeMappingList);
    EXPECT_TRUE(decoded == list);
  }
}

TEST(PmapList, DecodeReplacesPreviousContents) {
  const Bytes wire = Words({1, 7, 1, 6, 700, 0});
  xdr::XdrDecoder decoder(wire);
  std::vector<Mapping> list = kTwoMappings;
  DecodeMappingList(decoder, list);
  ASSERT_TRUE(decoder.Finish().ok());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].program, 7u);
  EXPECT_EQ(list[0].port, 700u);
}

TEST(PmapList, MissingTerminatorOrBadFlagFails) {
  {
    const Bytes wire = Words({1, 100000, 2, 6, 111});  // no FALSE at the end
    xdr::XdrDecoder decoder(wire);
    std::vector<Mapping> list;
    DecodeMappingList(decoder, list);
    EXPECT_FALSE(decoder.ok());
  }
  {
    const Bytes wire = Words({1, 100000, 2, 6, 111, 2});  // 2 is not a bool
    xdr::XdrDecoder decoder(wire);
    std::vector<Mapping> list;
    DecodeMappingList(decoder, list);
    EXPECT_FALSE(decoder.ok());
  }
  {
    const Bytes wire = Words({1, 100000, 2});  // entry cut short
    xdr::XdrDecoder decoder(wire);
    std::vector<Mapping> list;
    DecodeMappingList(decoder, list);
    EXPECT_FALSE(decoder.ok());
    EXPECT_TRUE(list.empty());  // a partial entry is never added
  }
}

TEST(PmapList, EntryCountIsBounded) {
  // kMaxListEntries + 1 minimal entries: must fail on the bound, not grow without limit.
  xdr::XdrEncoder encoder;
  const std::vector<Mapping> many(kMaxListEntries + 1, Mapping{1, 1, kIpProtoTcp, 1});
  EncodeMappingList(encoder, many);
  const Bytes wire = encoder.Flatten();
  xdr::XdrDecoder decoder(wire);
  std::vector<Mapping> list;
  DecodeMappingList(decoder, list);
  EXPECT_FALSE(decoder.ok());
  EXPECT_LE(list.size(), kMaxListEntries);

  // Exactly the bound is fine.
  xdr::XdrEncoder at_bound;
  EncodeMappingList(at_bound, std::vector<Mapping>(kMaxListEntries, Mapping{1, 1, 6, 1}));
  const Bytes at_bound_wire = at_bound.Flatten();
  xdr::XdrDecoder at_bound_decoder(at_bound_wire);
  DecodeMappingList(at_bound_decoder, list);
  EXPECT_TRUE(at_bound_decoder.Finish().ok());
  EXPECT_EQ(list.size(), kMaxListEntries);
}

TEST(Rpcb, GoldenBytes) {
  xdr::XdrEncoder encoder;
  EncodeRpcb(encoder, {100003, 3, "tcp", "0.0.0.0.8.1", "superuser"});
  const Bytes expected = Cat({
      Words({100003, 3}),
      Words({3}),
      {'t', 'c', 'p', 0},
      Words({11}),
      {'0', '.', '0', '.', '0', '.', '0', '.', '8', '.', '1', 0},
      Words({9}),
      {'s', 'u', 'p', 'e', 'r', 'u', 's', 'e', 'r', 0, 0, 0},
  });
  EXPECT_EQ(encoder.Flatten(), expected);
}

TEST(RpcbList, RoundTrip) {
  const std::vector<Rpcb> list = {
      {100000, 4, "tcp6", "::.0.111", "superuser"},
      {100003, 3, "udp", "192.168.0.1.8.1", ""},
      {0x20000001, 1, "", "", std::string("own\0er", 6)},
  };
  const std::vector<Rpcb> decoded = RoundTrip(list, &EncodeRpcbList, &DecodeRpcbList);
  EXPECT_TRUE(decoded == list);
  EXPECT_TRUE(RoundTrip(std::vector<Rpcb>{}, &EncodeRpcbList, &DecodeRpcbList).empty());
}

TEST(RpcbList, OverlongStringsFail) {
  Rpcb rpcb{1, 1, std::string(kMaxNetIdSize + 1, 'n'), "addr", "owner"};
  xdr::XdrEncoder encoder;
  EncodeRpcbList(encoder, {rpcb});
  const Bytes wire = encoder.Flatten();
  xdr::XdrDecoder decoder(wire);
  std::vector<Rpcb> list;
  DecodeRpcbList(decoder, list);
  EXPECT_FALSE(decoder.ok());
  EXPECT_TRUE(list.empty());
}

TEST(RpcbEntryList, RoundTrip) {
  const std::vector<RpcbEntry> list = {
      {"127.0.0.1.8.1", "tcp", kSemanticsOrderedStream, "inet", "tcp"},
      {"::1.8.1", "udp6", kSemanticsDatagram, "inet6", "udp"},
  };
  const std::vector<RpcbEntry> decoded =
      RoundTrip(list, &EncodeRpcbEntryList, &DecodeRpcbEntryList);
  EXPECT_TRUE(decoded == list);
}

TEST(RpcbEntryList, GoldenBytesOfOneEntry) {
  xdr::XdrEncoder encoder;
  EncodeRpcbEntryList(encoder, {{"a.0.1", "udp", 1, "inet", "udp"}});
  const Bytes expected = Cat({
      Words({1}),  // TRUE
      Words({5}),
      {'a', '.', '0', '.', '1', 0, 0, 0},  // r_maddr
      Words({3}),
      {'u', 'd', 'p', 0},  // r_nc_netid
      Words({1}),          // r_nc_semantics
      Words({4}),
      {'i', 'n', 'e', 't'},  // r_nc_protofmly
      Words({3}),
      {'u', 'd', 'p', 0},  // r_nc_proto
      Words({0}),          // FALSE
  });
  EXPECT_EQ(encoder.Flatten(), expected);
}

TEST(Netbuf, GoldenAndRoundTrip) {
  const Netbuf netbuf{16, {2, 0, 0, 111, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}};
  xdr::XdrEncoder encoder;
  EncodeNetbuf(encoder, netbuf);
  Bytes expected = Words({16, 16});
  expected.insert(expected.end(), netbuf.buffer.begin(), netbuf.buffer.end());
  EXPECT_EQ(encoder.Flatten(), expected);

  const Netbuf decoded = RoundTrip(netbuf, &EncodeNetbuf, &DecodeNetbuf);
  EXPECT_EQ(decoded.max_length, 16u);
  EXPECT_EQ(decoded.buffer, netbuf.buffer);

  const Netbuf odd{40, {1, 2, 3, 4, 5}};  // max_length need not equal the length; padding
  const Netbuf odd_decoded = RoundTrip(odd, &EncodeNetbuf, &DecodeNetbuf);
  EXPECT_EQ(odd_decoded.max_length, 40u);
  EXPECT_EQ(odd_decoded.buffer, odd.buffer);
}

TEST(Netbuf, OverlongBufferFails) {
  const Netbuf netbuf{0, Bytes(kMaxUniversalAddressSize + 1, 1)};
  xdr::XdrEncoder encoder;
  EncodeNetbuf(encoder, netbuf);
  const Bytes wire = encoder.Flatten();
  xdr::XdrDecoder decoder(wire);
  Netbuf decoded;
  DecodeNetbuf(decoder, decoded);
  EXPECT_FALSE(decoder.ok());
}

RpcbStatByVersion SampleStats() {
  RpcbStatByVersion stats{};
  for (size_t v = 0; v < stats.size(); ++v) {
    for (size_t p = 0; p < stats[v].procedure_calls.size(); ++p) {
      stats[v].procedure_calls[p] = static_cast<int32_t>(v * 100 + p);
    }
    stats[v].set_count = static_cast<int32_t>(v + 1);
    stats[v].unset_count = -static_cast<int32_t>(v + 1);
  }
  stats[1].lookups = {{100003, 3, 10, 2, "tcp"}, {100005, 1, 0, 7, "udp6"}};
  stats[2].lookups = {{100021, 4, 1, 0, ""}};
  return stats;
}

TEST(RpcbStat, RoundTrip) {
  const RpcbStatByVersion stats = SampleStats();
  const RpcbStatByVersion decoded =
      RoundTrip(stats, &EncodeRpcbStatByVersion, &DecodeRpcbStatByVersion);
  for (size_t v = 0; v < stats.size(); ++v) {
    SCOPED_TRACE(v);
    EXPECT_EQ(decoded[v].procedure_calls, stats[v].procedure_calls);
    EXPECT_EQ(decoded[v].set_count, stats[v].set_count);
    EXPECT_EQ(decoded[v].unset_count, stats[v].unset_count);
    EXPECT_TRUE(decoded[v].lookups == stats[v].lookups);
  }
}

TEST(RpcbStat, WireSizeOfAnEmptyVersion) {
  // Per version: 13 procedure counters, set, unset, an empty addrinfo list, an empty rmtinfo.
  xdr::XdrEncoder encoder;
  EncodeRpcbStatByVersion(encoder, RpcbStatByVersion{});
  EXPECT_EQ(encoder.size(), 3u * (rpcb_proc::kCount + 2 + 1 + 1) * 4);
}

TEST(RpcbStat, RemoteCallStatisticsAreRejected) {
  xdr::XdrEncoder encoder;
  EncodeRpcbStatByVersion(encoder, RpcbStatByVersion{});
  Bytes wire = encoder.Flatten();
  // The rmtinfo flag of the first version is the 17th word.
  const size_t rmtinfo = (rpcb_proc::kCount + 3) * 4;
  ASSERT_EQ(wire[rmtinfo + 3], 0);
  wire[rmtinfo + 3] = 1;
  xdr::XdrDecoder decoder(wire);
  RpcbStatByVersion decoded;
  DecodeRpcbStatByVersion(decoder, decoded);
  EXPECT_FALSE(decoder.ok());
}

TEST(RemoteCallArgs, DecodeIsAViewOfTheArguments) {
  Bytes wire = Words({100003, 3, 0, 8, 0xAABBCCDD, 0x11223344});
  xdr::XdrDecoder decoder(wire);
  RemoteCallArgs args;
  DecodeRemoteCallArgs(decoder, args);
  ASSERT_TRUE(decoder.Finish().ok());
  EXPECT_EQ(args.program, 100003u);
  EXPECT_EQ(args.version, 3u);
  EXPECT_EQ(args.procedure, 0u);
  EXPECT_EQ(args.arguments.size(), 8u);
  EXPECT_EQ(args.arguments.data(), wire.data() + 16);
}

TEST(RemoteCallArgs, OverlongArgumentsFail) {
  Bytes wire = Words({1, 1, 1, static_cast<uint32_t>(kMaxCallArgumentsSize + 4)});
  wire.resize(wire.size() + kMaxCallArgumentsSize + 4, 0);
  xdr::XdrDecoder decoder(wire);
  RemoteCallArgs args;
  DecodeRemoteCallArgs(decoder, args);
  EXPECT_FALSE(decoder.ok());
}

TEST(CallResults, GoldenBytes) {
  xdr::XdrEncoder pmap;
  EncodePmapCallResult(pmap, {2049, {1, 2, 3}});
  EXPECT_EQ(pmap.Flatten(), Words({2049, 3, 0x01020300}));

  xdr::XdrEncoder rpcb;
  EncodeRpcbRemoteCallResult(rpcb, {"a", {9, 9, 9, 9}});
  EXPECT_EQ(rpcb.Flatten(), Words({1, 0x61000000, 4, 0x09090909}));
}

TEST(ScalarCodecs, RoundTrip) {
  EXPECT_EQ(RoundTrip<uint32_t>(0xFEEDFACEu, &EncodeUint32, &DecodeUint32), 0xFEEDFACEu);
  EXPECT_TRUE(RoundTrip<bool>(true, &EncodeBool, &DecodeBool));
  EXPECT_FALSE(RoundTrip<bool>(false, &EncodeBool, &DecodeBool));
  EXPECT_EQ(RoundTrip<std::string>("127.0.0.1.0.111", &EncodeString, &DecodeAddressString),
            "127.0.0.1.0.111");

  const std::string too_long(kMaxUniversalAddressSize + 1, '1');
  xdr::XdrEncoder encoder;
  EncodeString(encoder, too_long);
  const Bytes wire = encoder.Flatten();
  xdr::XdrDecoder decoder(wire);
  std::string value;
  DecodeAddressString(decoder, value);
  EXPECT_FALSE(decoder.ok());
}

}  // namespace
}  // namespace nfsuite::rpc::portmap
