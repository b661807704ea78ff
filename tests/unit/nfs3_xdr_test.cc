#include "service/nfs/nfs3_xdr.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/types/span.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "gtest/gtest.h"
#include "tests/support/xdr_test_bytes.h"

namespace nfsuite::nfs {
namespace {

using testing::Bytes;
using testing::Cat;
using testing::Decode;
using testing::Encode;
using testing::Words;

// Raw bytes, written out by hand, padding included.
Bytes Raw(std::initializer_list<uint8_t> bytes) { return Bytes(bytes); }

template <typename T>
bool Decodes(const Bytes& wire, void (*decode)(xdr::XdrDecoder&, T&)) {
  T out{};
  return Decode(wire, decode, out).ok();
}

// Encodes with one side's encoder, decodes with the other side's decoder: the value must come
// back equal, and encode again to the same bytes.
template <typename T>
void ExpectRoundTrip(const T& value, void (*encode)(xdr::XdrEncoder&, const T&),
                     void (*decode)(xdr::XdrDecoder&, T&)) {
  const Bytes wire = Encode(value, encode);
  EXPECT_EQ(wire.size() % 4, 0u);
  T decoded{};
  const absl::Status status = Decode(wire, decode, decoded);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(decoded == value);
  EXPECT_EQ(Encode(decoded, encode), wire);
}

template <typename Args, typename Res>
struct Codecs {
  void (*encode_args)(xdr::XdrEncoder&, const Args&);
  void (*decode_args)(xdr::XdrDecoder&, Args&);
  void (*encode_res)(xdr::XdrEncoder&, const Res&);
  void (*decode_res)(xdr::XdrDecoder&, Res&);

  // Client encode → server decode.
  void CheckArgs(const Args& args) const { ExpectRoundTrip(args, encode_args, decode_args); }
  // Server encode → client decode; the reply starts with the status word.
  void CheckRes(const Res& res) const {
    const Bytes wire = Encode(res, encode_res);
    ASSERT_GE(wire.size(), 4u);
    EXPECT_EQ(wire[0] << 24 | wire[1] << 16 | wire[2] << 8 | wire[3], static_cast<int>(res.status));
    ExpectRoundTrip(res, encode_res, decode_res);
  }
};

#define CODECS(Name)                                                                 \
  Codecs<Name##Args, Name##Res> {                                                    \
    &Encode##Name##Args, &Decode##Name##Args, &Encode##Name##Res, &Decode##Name##Res \
  }

// ---- Sample values: every field distinct and non-zero, so a swapped field shows ----

NfsFh3 Fh(uint8_t seed, size_t size = 28) {
  NfsFh3 handle;
  for (size_t i = 0; i < size; ++i) handle.data.push_back(static_cast<uint8_t>(seed + i));
  return handle;
}

Fattr3 Attr(uint32_t seed, Ftype3 type = Ftype3::kReg) {
  Fattr3 a;
  a.type = type;
  a.mode = 0644 + seed;
  a.nlink = 2 + seed;
  a.uid = 1000 + seed;
  a.gid = 100 + seed;
  a.size = (uint64_t{1} << 33) + seed;
  a.used = (uint64_t{1} << 34) + seed;
  a.rdev = {8 + seed, 9 + seed};
  a.fsid = 0x0102030405060708 + seed;
  a.fileid = 0x1112131415161718 + seed;
  a.atime = {1700000000 + seed, 1 + seed};
  a.mtime = {1700000100 + seed, 2 + seed};
  a.ctime = {1700000200 + seed, 3 + seed};
  return a;
}

WccData Wcc(uint32_t seed) {
  WccData wcc;
  wcc.before = WccAttr{4096 + seed, {10 + seed, 11 + seed}, {12 + seed, 13 + seed}};
  wcc.after = Attr(seed, Ftype3::kDir);
  return wcc;
}

Sattr3 FullSattr() {
  Sattr3 s;
  s.mode = 0755;
  s.uid = 1001;
  s.gid = 101;
  s.size = 123456789012;
  s.atime = {TimeHow::kSetToClientTime, {1600000000, 500}};
  s.mtime = {TimeHow::kSetToServerTime, {}};
  return s;
}

Sattr3 OtherSattr() {
  Sattr3 s;
  s.gid = 7;
  s.mtime = {TimeHow::kSetToClientTime, {1, 2}};
  return s;
}

DirOpArgs3 Where(uint8_t seed, std::string name) { return DirOpArgs3{Fh(seed), std::move(name)}; }

CookieVerf3 Verf(uint8_t seed) {
  return {seed,
          uint8_t(seed + 1),
          uint8_t(seed + 2),
          uint8_t(seed + 3),
          uint8_t(seed + 4),
          uint8_t(seed + 5),
          uint8_t(seed + 6),
          uint8_t(seed + 7)};
}

// ---- Golden bytes, written from RFC 1813's XDR by hand ----

const Fattr3 kGoldenAttr = [] {
  Fattr3 a;
  a.type = Ftype3::kDir;
  a.mode = 0755;
  a.nlink = 3;
  a.uid = 1000;
  a.gid = 100;
  a.size = 0x0000000100000200;
  a.used = 4096;
  a.rdev = {8, 1};
  a.fsid = 0x0102030405060708;
  a.fileid = 42;
  a.atime = {1700000000, 5};
  a.mtime = {1700000001, 6};
  a.ctime = {1700000002, 7};
  return a;
}();

const Bytes kGoldenAttrWire = Words({
    2,                       // type NF3DIR
    0755,                    // mode
    3,                       // nlink
    1000,                    // uid
    100,                     // gid
    0x00000001, 0x00000200,  // size (hyper, high word first)
    0,          4096,        // used
    8,          1,           // rdev: specdata1, specdata2
    0x01020304, 0x05060708,  // fsid
    0,          42,          // fileid
    1700000000, 5,           // atime
    1700000001, 6,           // mtime
    1700000002, 7,           // ctime
});

TEST(Nfs3Golden, Fattr3) {
  ASSERT_EQ(kGoldenAttrWire.size(), kFattr3EncodedSize);
  EXPECT_EQ(Encode(kGoldenAttr, &EncodeFattr3), kGoldenAttrWire);
  Fattr3 decoded;
  ASSERT_TRUE(Decode(kGoldenAttrWire, &DecodeFattr3, decoded).ok());
  EXPECT_EQ(decoded, kGoldenAttr);
}

TEST(Nfs3Golden, GetattrReply) {
  EXPECT_EQ(Encode(GetattrRes::Success({kGoldenAttr}), &EncodeGetattrRes),
            Cat({Words({0}), kGoldenAttrWire}));
  // GETATTR3resfail is void: the status alone.
  EXPECT_EQ(Encode(GetattrRes::Failure(Nfsstat3::kStale, {}), &EncodeGetattrRes), Words({70}));
}

TEST(Nfs3Golden, LookupArgs) {
  const LookupArgs args{{NfsFh3{{0xAA, 0xBB, 0xCC, 0xDD, 0xEE}}, "foo"}};
  const Bytes wire = Cat({Words({5}), Raw({0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0, 0, 0}),  // dir
                          Words({3}), Raw({'f', 'o', 'o', 0})});                     // name
  EXPECT_EQ(Encode(args, &EncodeLookupArgs), wire);
  LookupArgs decoded;
  ASSERT_TRUE(Decode(wire, &DecodeLookupArgs, decoded).ok());
  EXPECT_EQ(decoded, args);
}

TEST(Nfs3Golden, LookupFailureReply) {
  // LOOKUP3resfail: status, then post_op_attr dir_attributes.
  const Bytes with_attributes = Cat({Words({2, 1}), kGoldenAttrWire});
  EXPECT_EQ(Encode(LookupRes::Failure(Nfsstat3::kNoEnt, {kGoldenAttr}), &EncodeLookupRes),
            with_attributes);
  EXPECT_EQ(Encode(LookupRes::Failure(Nfsstat3::kNoEnt, {}), &EncodeLookupRes), Words({2, 0}));

  LookupRes decoded;
  ASSERT_TRUE(Decode(with_attributes, &DecodeLookupRes, decoded).ok());
  EXPECT_EQ(decoded.status, Nfsstat3::kNoEnt);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.resfail().dir_attributes, kGoldenAttr);
}

TEST(Nfs3Golden, Sattr3) {
  Sattr3 s;
  s.mode = 0644;
  s.gid = 50;
  s.atime = {TimeHow::kSetToClientTime, {10, 20}};
  s.mtime = {TimeHow::kSetToServerTime, {}};
  EXPECT_EQ(Encode(s, &EncodeSattr3), Words({
                                          1, 0644,    // set_mode3
                                          0,          // set_uid3: no
                                          1, 50,      // set_gid3
                                          0,          // set_size3: no
                                          2, 10, 20,  // set_atime: SET_TO_CLIENT_TIME + time
                                          1,          // set_mtime: SET_TO_SERVER_TIME, no time
                                      }));
}

TEST(Nfs3Golden, CreateExclusiveArgs) {
  CreateArgs args;
  args.where = {NfsFh3{{1, 2, 3, 4}}, "a"};
  args.how.mode = CreateMode3::kExclusive;
  args.how.verf = Verf(0x10);
  EXPECT_EQ(Encode(args, &EncodeCreateArgs),
            Cat({Words({4}), Raw({1, 2, 3, 4}), Words({1}), Raw({'a', 0, 0, 0}),
                 Words({2}),  // EXCLUSIVE: the verifier, no sattr3
                 Raw({0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17})}));
}

TEST(Nfs3Golden, MknodCharacterDeviceArgs) {
  MknodArgs args;
  args.where = {NfsFh3{{9}}, "tty"};
  args.what.type = Ftype3::kChr;
  args.what.spec = {4, 64};
  EXPECT_EQ(Encode(args, &EncodeMknodArgs), Cat({Words({1}), Raw({9, 0, 0, 0}), Words({3}),
                                                 Raw({'t', 't', 'y', 0}), Words({4}),  // NF3CHR
                                                 Words({0, 0, 0, 0, 0, 0}),  // sattr3: nothing set
                                                 Words({4, 64})}));          // specdata3
  args.what.type = Ftype3::kFifo;  // pipe_attributes only, no specdata3
  args.what.spec = {};
  EXPECT_EQ(Encode(args, &EncodeMknodArgs),
            Cat({Words({1}), Raw({9, 0, 0, 0}), Words({3}), Raw({'t', 't', 'y', 0}), Words({7}),
                 Words({0, 0, 0, 0, 0, 0})}));
}

TEST(Nfs3Golden, ReadReply) {
  auto owner = std::make_shared<const std::vector<uint8_t>>(Bytes{'h', 'e', 'l', 'l', 'o'});
  ReadResOk ok;
  ok.count = 5;
  ok.eof = true;
  ok.data_owner = owner;
  ok.data = absl::MakeConstSpan(*owner);
  EXPECT_EQ(Encode(ReadRes::Success(ok), &EncodeReadRes),
            Cat({Words({0, 0, 5, 1, 5}), Raw({'h', 'e', 'l', 'l', 'o', 0, 0, 0})}));
}

TEST(Nfs3Golden, ReaddirReply) {
  ReaddirResOk ok;
  ok.cookieverf = Verf(1);
  ok.entries = {{7, "ab", 100}, {8, "cdefg", 200}};
  ok.eof = true;
  EXPECT_EQ(Encode(ReaddirRes::Success(ok), &EncodeReaddirRes),
            Cat({Words({0, 0}),  // NFS3_OK, no dir_attributes
                 Raw({1, 2, 3, 4, 5, 6, 7, 8}), Words({1, 0, 7, 2}), Raw({'a', 'b', 0, 0}),
                 Words({0, 100}), Words({1, 0, 8, 5}), Raw({'c', 'd', 'e', 'f', 'g', 0, 0, 0}),
                 Words({0, 200}), Words({0, 1})}));  // end of list, eof
}

TEST(Nfs3Golden, SetattrFailureReply) {
  // SETATTR3resfail: status, then wcc_data: pre_op_attr (wcc_attr), post_op_attr (fattr3).
  WccData wcc;
  wcc.before = WccAttr{0x0000000200000001, {11, 12}, {13, 14}};
  wcc.after = kGoldenAttr;
  EXPECT_EQ(Encode(SetattrRes::Failure(Nfsstat3::kNotSync, {wcc}), &EncodeSetattrRes),
            Cat({Words({10002,                    // NFS3ERR_NOT_SYNC
                        1, 2, 1, 11, 12, 13, 14,  // before: size, mtime, ctime
                        1}),                      // after
                 kGoldenAttrWire}));
}

TEST(Nfs3Golden, WriteArgs) {
  const Bytes data = {'a', 'b', 'c'};
  EXPECT_EQ(Encode(WriteArgs{NfsFh3{{1, 2, 3, 4, 5, 6, 7, 8}}, 0x100000002, 3, StableHow::kDataSync,
                             data},
                   &EncodeWriteArgs),
            Cat({Words({8}), Raw({1, 2, 3, 4, 5, 6, 7, 8}),  // file
                 Words({1, 2}),                              // offset
                 Words({3}),                                 // count
                 Words({1}),                                 // DATA_SYNC
                 Words({3}), Raw({'a', 'b', 'c', 0})}));     // data
}

TEST(Nfs3Golden, ReaddirplusReply) {
  ReaddirplusResOk ok;
  ok.cookieverf = Verf(1);
  ok.entries = {{7, "ab", 100, kGoldenAttr, NfsFh3{{9, 9}}}, {8, "c", 200, {}, {}}};
  EXPECT_EQ(
      Encode(ReaddirplusRes::Success(ok), &EncodeReaddirplusRes),
      Cat({Words({0, 0}), Raw({1, 2, 3, 4, 5, 6, 7, 8}),
           // entry: fileid, name, cookie, name_attributes, name_handle
           Words({1, 0, 7, 2}), Raw({'a', 'b', 0, 0}), Words({0, 100}), Words({1}), kGoldenAttrWire,
           Words({1, 2}), Raw({9, 9, 0, 0}), Words({1, 0, 8, 1}), Raw({'c', 0, 0, 0}),
           Words({0, 200}), Words({0, 0}), Words({0, 0})}));  // end of list, eof FALSE
}

// ---- Results ----

TEST(Nfs3Result, SuccessAndFailureSetStatusAndArm) {
  const LookupRes success = LookupRes::Success({Fh(1), Attr(1), {}});
  EXPECT_EQ(success.status, Nfsstat3::kOk);
  EXPECT_TRUE(success.ok());
  EXPECT_EQ(success.resok().object, Fh(1));

  const LookupRes failure = LookupRes::Failure(Nfsstat3::kNotDir, {Attr(2)});
  EXPECT_EQ(failure.status, Nfsstat3::kNotDir);
  EXPECT_FALSE(failure.ok());
  EXPECT_EQ(failure.resfail().dir_attributes, Attr(2));
}

TEST(Nfs3Result, FailureBodyIsNeverSentAsSuccess) {
  // Status kOk with a failure arm: SERVERFAULT (10006), with the failure arm.
  EXPECT_EQ(Encode(LookupRes::Failure(Nfsstat3::kOk, {}), &EncodeLookupRes), Words({10006, 0}));
  // A failure status with a success arm: that status, with an empty failure arm.
  LookupRes mixed = LookupRes::Success({Fh(1), Attr(1), Attr(2)});
  mixed.status = Nfsstat3::kAcces;
  EXPECT_EQ(Encode(mixed, &EncodeLookupRes), Words({13, 0}));
}

TEST(Nfs3Result, ClientAcceptsUnknownStatusAsFailure) {
  LookupRes decoded;
  ASSERT_TRUE(Decode(Words({12345, 0}), &DecodeLookupRes, decoded).ok());
  EXPECT_EQ(static_cast<uint32_t>(decoded.status), 12345u);
  EXPECT_FALSE(decoded.ok());
  EXPECT_FALSE(decoded.resfail().dir_attributes.has_value());
}

// ---- Round trips of every procedure: args both ways, both result arms ----

TEST(Nfs3RoundTrip, Getattr) {
  const auto c = CODECS(Getattr);
  c.CheckArgs({Fh(1)});
  c.CheckArgs({Fh(2, 1)});
  c.CheckArgs({Fh(3, 64)});
  c.CheckRes(GetattrRes::Success({Attr(1)}));
  c.CheckRes(GetattrRes::Failure(Nfsstat3::kStale, {}));
}

TEST(Nfs3RoundTrip, Setattr) {
  const auto c = CODECS(Setattr);
  c.CheckArgs({Fh(1), FullSattr(), Nfstime3{5, 6}});
  c.CheckArgs({Fh(2), OtherSattr(), std::nullopt});
  c.CheckArgs({Fh(3), Sattr3{}, std::nullopt});
  c.CheckRes(SetattrRes::Success({Wcc(1)}));
  c.CheckRes(SetattrRes::Success({WccData{}}));
  c.CheckRes(SetattrRes::Failure(Nfsstat3::kNotSync, {Wcc(2)}));
  c.CheckRes(SetattrRes::Failure(Nfsstat3::kPerm, {WccData{std::nullopt, Attr(3)}}));
}

TEST(Nfs3RoundTrip, Lookup) {
  const auto c = CODECS(Lookup);
  c.CheckArgs({Where(1, "file.txt")});
  c.CheckArgs({Where(2, "")});
  c.CheckRes(LookupRes::Success({Fh(3), Attr(1), Attr(2, Ftype3::kDir)}));
  c.CheckRes(LookupRes::Success({Fh(4, 64), std::nullopt, std::nullopt}));
  c.CheckRes(LookupRes::Failure(Nfsstat3::kNoEnt, {Attr(3)}));
  c.CheckRes(LookupRes::Failure(Nfsstat3::kNoEnt, {}));
}

TEST(Nfs3RoundTrip, Access) {
  const auto c = CODECS(Access);
  c.CheckArgs({Fh(1), kAccess3Read | kAccess3Lookup | kAccess3Modify | kAccess3Extend |
                          kAccess3Delete | kAccess3Execute});
  c.CheckRes(AccessRes::Success({Attr(1), kAccess3Read | kAccess3Execute}));
  c.CheckRes(AccessRes::Success({std::nullopt, 0}));
  c.CheckRes(AccessRes::Failure(Nfsstat3::kStale, {Attr(2)}));
}

TEST(Nfs3RoundTrip, Readlink) {
  const auto c = CODECS(Readlink);
  c.CheckArgs({Fh(1)});
  c.CheckRes(ReadlinkRes::Success({Attr(1, Ftype3::kLnk), "../target/of/link"}));
  c.CheckRes(ReadlinkRes::Success({std::nullopt, std::string(kMaxPathWireSize, 'p')}));
  c.CheckRes(ReadlinkRes::Failure(Nfsstat3::kInval, {Attr(2)}));
}

TEST(Nfs3RoundTrip, Read) {
  const auto c = CODECS(Read);
  c.CheckArgs({Fh(1), (uint64_t{1} << 40) + 3, 65536});
  auto owner = std::make_shared<const std::vector<uint8_t>>(Bytes{1, 2, 3, 4, 5, 6, 7});
  ReadResOk ok{Attr(1), 7, true, owner, absl::MakeConstSpan(*owner)};
  c.CheckRes(ReadRes::Success(ok));
  c.CheckRes(ReadRes::Success({std::nullopt, 0, false, nullptr, {}}));
  c.CheckRes(ReadRes::Failure(Nfsstat3::kIo, {Attr(2)}));
}

TEST(Nfs3RoundTrip, Write) {
  const auto c = CODECS(Write);
  const Bytes data = {9, 8, 7, 6, 5};
  c.CheckArgs({Fh(1), 4096, 5, StableHow::kFileSync, data});
  c.CheckArgs({Fh(2), 0, 0, StableHow::kUnstable, {}});
  c.CheckArgs({Fh(3), 1, 5, StableHow::kDataSync, data});
  c.CheckRes(WriteRes::Success({Wcc(1), 5, StableHow::kFileSync, Verf(3)}));
  c.CheckRes(WriteRes::Success({WccData{}, 0, StableHow::kUnstable, Verf(4)}));
  c.CheckRes(WriteRes::Failure(Nfsstat3::kNoSpc, {Wcc(2)}));
}

TEST(Nfs3RoundTrip, Create) {
  const auto c = CODECS(Create);
  c.CheckArgs({Where(1, "new"), {CreateMode3::kUnchecked, FullSattr(), {}}});
  c.CheckArgs({Where(2, "new"), {CreateMode3::kGuarded, OtherSattr(), {}}});
  c.CheckArgs({Where(3, "new"), {CreateMode3::kExclusive, Sattr3{}, Verf(9)}});
  c.CheckRes(CreateRes::Success({Fh(4), Attr(1), Wcc(2)}));
  c.CheckRes(CreateRes::Success({std::nullopt, std::nullopt, WccData{}}));
  c.CheckRes(CreateRes::Failure(Nfsstat3::kExist, {Wcc(3)}));
}

TEST(Nfs3RoundTrip, Mkdir) {
  const auto c = CODECS(Mkdir);
  c.CheckArgs({Where(1, "dir"), FullSattr()});
  c.CheckRes(MkdirRes::Success({Fh(2), Attr(1, Ftype3::kDir), Wcc(2)}));
  c.CheckRes(MkdirRes::Failure(Nfsstat3::kExist, {Wcc(3)}));
}

TEST(Nfs3RoundTrip, Symlink) {
  const auto c = CODECS(Symlink);
  c.CheckArgs({Where(1, "link"), {OtherSattr(), "/some/where/else"}});
  c.CheckRes(SymlinkRes::Success({Fh(2), Attr(1, Ftype3::kLnk), Wcc(2)}));
  c.CheckRes(SymlinkRes::Failure(Nfsstat3::kNameTooLong, {Wcc(3)}));
}

TEST(Nfs3RoundTrip, Mknod) {
  const auto c = CODECS(Mknod);
  c.CheckArgs({Where(1, "blk"), {Ftype3::kBlk, FullSattr(), {8, 16}}});
  c.CheckArgs({Where(1, "chr"), {Ftype3::kChr, OtherSattr(), {1, 3}}});
  c.CheckArgs({Where(1, "sock"), {Ftype3::kSock, FullSattr(), {}}});
  c.CheckArgs({Where(1, "fifo"), {Ftype3::kFifo, OtherSattr(), {}}});
  c.CheckArgs({Where(1, "reg"), {Ftype3::kReg, Sattr3{}, {}}});  // void arm: the procedure refuses
  c.CheckRes(MknodRes::Success({Fh(2), Attr(1, Ftype3::kFifo), Wcc(2)}));
  c.CheckRes(MknodRes::Failure(Nfsstat3::kBadType, {Wcc(3)}));
}

TEST(Nfs3RoundTrip, Remove) {
  const auto c = CODECS(Remove);
  c.CheckArgs({Where(1, "gone")});
  c.CheckRes(RemoveRes::Success({Wcc(1)}));
  c.CheckRes(RemoveRes::Failure(Nfsstat3::kNoEnt, {Wcc(2)}));
}

TEST(Nfs3RoundTrip, Rmdir) {
  const auto c = CODECS(Rmdir);
  c.CheckArgs({Where(1, "gone")});
  c.CheckRes(RmdirRes::Success({Wcc(1)}));
  c.CheckRes(RmdirRes::Failure(Nfsstat3::kNotEmpty, {Wcc(2)}));
}

TEST(Nfs3RoundTrip, Rename) {
  const auto c = CODECS(Rename);
  c.CheckArgs({Where(1, "from"), Where(2, "to")});
  c.CheckRes(RenameRes::Success({Wcc(1), Wcc(2)}));
  c.CheckRes(RenameRes::Failure(Nfsstat3::kXdev, {Wcc(3), WccData{}}));
}

TEST(Nfs3RoundTrip, Link) {
  const auto c = CODECS(Link);
  c.CheckArgs({Fh(1), Where(2, "hard")});
  c.CheckRes(LinkRes::Success({Attr(1), Wcc(2)}));
  c.CheckRes(LinkRes::Failure(Nfsstat3::kMlink, {Attr(3), Wcc(4)}));
}

TEST(Nfs3RoundTrip, Readdir) {
  const auto c = CODECS(Readdir);
  c.CheckArgs({Fh(1), 77, Verf(5), 4096});
  c.CheckRes(ReaddirRes::Success(
      {Attr(1, Ftype3::kDir), Verf(6), {{1, ".", 1}, {2, "..", 2}, {3, "file", 3}}, true}));
  c.CheckRes(ReaddirRes::Success({std::nullopt, Verf(7), {}, false}));
  c.CheckRes(ReaddirRes::Failure(Nfsstat3::kBadCookie, {Attr(2)}));
}

TEST(Nfs3RoundTrip, Readdirplus) {
  const auto c = CODECS(Readdirplus);
  c.CheckArgs({Fh(1), 77, Verf(5), 1024, 32768});
  EntryPlus3 full{3, "file", 3, Attr(3), Fh(3)};
  EntryPlus3 bare{4, "vanished", 4, std::nullopt, std::nullopt};
  c.CheckRes(ReaddirplusRes::Success({Attr(1, Ftype3::kDir), Verf(6), {full, bare}, true}));
  c.CheckRes(ReaddirplusRes::Success({std::nullopt, Verf(7), {}, false}));
  c.CheckRes(ReaddirplusRes::Failure(Nfsstat3::kTooSmall, {Attr(2)}));
}

TEST(Nfs3RoundTrip, Fsstat) {
  const auto c = CODECS(Fsstat);
  c.CheckArgs({Fh(1)});
  c.CheckRes(FsstatRes::Success(
      {Attr(1), 1ull << 40, 1ull << 39, 1ull << 38, 1000000, 500000, 400000, 0}));
  c.CheckRes(FsstatRes::Failure(Nfsstat3::kStale, {Attr(2)}));
}

TEST(Nfs3RoundTrip, Fsinfo) {
  const auto c = CODECS(Fsinfo);
  c.CheckArgs({Fh(1)});
  c.CheckRes(FsinfoRes::Success({Attr(1),
                                 kMaxTransferSize,
                                 65536,
                                 4096,
                                 kMaxTransferSize,
                                 65536,
                                 4096,
                                 8192,
                                 ~uint64_t{0} >> 1,
                                 {0, 1},
                                 kFsf3Link | kFsf3Symlink | kFsf3Homogeneous | kFsf3CanSetTime}));
  c.CheckRes(FsinfoRes::Failure(Nfsstat3::kServerFault, {}));
}

TEST(Nfs3RoundTrip, Pathconf) {
  const auto c = CODECS(Pathconf);
  c.CheckArgs({Fh(1)});
  c.CheckRes(PathconfRes::Success({Attr(1), 65000, 255, true, true, false, true}));
  c.CheckRes(PathconfRes::Success({std::nullopt, 1, 2, false, false, true, false}));
  c.CheckRes(PathconfRes::Failure(Nfsstat3::kStale, {Attr(2)}));
}

TEST(Nfs3RoundTrip, Commit) {
  const auto c = CODECS(Commit);
  c.CheckArgs({Fh(1), 8192, 0});
  c.CheckRes(CommitRes::Success({Wcc(1), Verf(8)}));
  c.CheckRes(CommitRes::Failure(Nfsstat3::kIo, {Wcc(2)}));
}

// ---- Payloads without copies ----

TEST(Nfs3Payload, ReadDataIsEncodedByReference) {
  auto owner = std::make_shared<std::vector<uint8_t>>(5001);
  for (size_t i = 0; i < owner->size(); ++i) (*owner)[i] = static_cast<uint8_t>(i * 7);
  xdr::XdrEncoder encoder;
  {
    ReadResOk ok;
    ok.file_attributes = Attr(1);
    ok.count = 5001;
    ok.data_owner = owner;
    ok.data = absl::MakeConstSpan(*owner);
    EncodeReadRes(encoder, ReadRes::Success(std::move(ok)));
  }
  // The result is gone; the encoder keeps the bytes alive.
  EXPECT_GT(owner.use_count(), 1);

  std::vector<iovec> pieces;
  encoder.Gather(pieces);
  bool found = false;
  for (const iovec& piece : pieces) {
    if (piece.iov_base == owner->data() && piece.iov_len == owner->size()) found = true;
  }
  EXPECT_TRUE(found) << "no iovec points at the owner's bytes";
  // 4 status + 88 post_op_attr + 4 count + 4 eof + 4 length + 5001 data + 3 padding.
  EXPECT_EQ(encoder.size(), 4u + 88 + 4 + 4 + 4 + 5001 + 3);

  // The client side gets a copy of its own, equal in content.
  ReadRes decoded;
  const Bytes wire = encoder.Flatten();
  ASSERT_TRUE(Decode(wire, &DecodeReadRes, decoded).ok());
  ASSERT_TRUE(decoded.ok());
  ASSERT_NE(decoded.resok().data_owner, nullptr);
  EXPECT_EQ(decoded.resok().data.data(), decoded.resok().data_owner->data());
  EXPECT_EQ(Bytes(decoded.resok().data.begin(), decoded.resok().data.end()), *owner);
}

TEST(Nfs3Payload, ReadDataWithoutOwnerIsCopied) {
  const Bytes local(100, 0x5A);
  xdr::XdrEncoder encoder;
  EncodeReadRes(encoder, ReadRes::Success({std::nullopt, 100, true, nullptr, local}));
  std::vector<iovec> pieces;
  encoder.Gather(pieces);
  for (const iovec& piece : pieces) {
    const auto* begin = static_cast<const uint8_t*>(piece.iov_base);
    EXPECT_FALSE(begin < local.data() + local.size() && local.data() < begin + piece.iov_len)
        << "an iovec points into bytes nothing keeps alive";
  }
  EXPECT_EQ(encoder.Flatten(), Cat({Words({0, 0, 100, 1, 100}), local}));
}

TEST(Nfs3Payload, WriteDataIsAViewIntoTheCall) {
  const Bytes data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const Bytes wire = Encode(WriteArgs{Fh(1), 0, 10, StableHow::kUnstable, data}, &EncodeWriteArgs);
  WriteArgs args;
  ASSERT_TRUE(Decode(wire, &DecodeWriteArgs, args).ok());
  // The data is the last thing in the call: 10 bytes and 2 of padding.
  EXPECT_EQ(args.data.data(), wire.data() + wire.size() - 12);
  EXPECT_EQ(args.data.size(), 10u);
  EXPECT_EQ(Bytes(args.data.begin(), args.data.end()), data);
}

TEST(Nfs3Payload, WriteDataOverTheTransferSizeIsRefused) {
  const Bytes largest(kMaxTransferSize, 1);
  EXPECT_TRUE(Decodes(Encode(WriteArgs{Fh(1), 0, kMaxTransferSize, StableHow::kUnstable, largest},
                             &EncodeWriteArgs),
                      &DecodeWriteArgs));
  const Bytes too_large(kMaxTransferSize + 1, 1);
  EXPECT_FALSE(
      Decodes(Encode(WriteArgs{Fh(1), 0, kMaxTransferSize + 1, StableHow::kUnstable, too_large},
                     &EncodeWriteArgs),
              &DecodeWriteArgs));
  // A length claiming more than the bound fails on the bound, before anything is read.
  WriteArgs args;
  const absl::Status status = Decode(Cat({Encode(GetattrArgs{Fh(1)}, &EncodeGetattrArgs),
                                          Words({0, 0, 4, 0, kMaxTransferSize + 1, 0})}),
                                     &DecodeWriteArgs, args);
  EXPECT_TRUE(absl::StrContains(status.message(), "exceeds its bound")) << status;
}

// ---- Malformed input ----

TEST(Nfs3Malformed, HandleLengthMustBeAtMost64) {
  EXPECT_TRUE(Decodes(Cat({Words({1}), Raw({7, 0, 0, 0})}), &DecodeGetattrArgs));
  EXPECT_TRUE(Decodes(Cat({Words({64}), Bytes(64, 7)}), &DecodeGetattrArgs));
  EXPECT_FALSE(Decodes(Cat({Words({65}), Bytes(65, 7), Bytes(3, 0)}), &DecodeGetattrArgs));
  EXPECT_FALSE(
      Decodes(Cat({Words({65}), Bytes(65, 7), Bytes(3, 0), Words({1}), Raw({'a', 0, 0, 0})}),
              &DecodeLookupArgs));
  EXPECT_FALSE(Decodes(Cat({Words({0, 1, 65}), Bytes(68, 7), Words({0, 0, 0})}),
                       &DecodeCreateRes));  // post_op_fh3 of 65 bytes
}

TEST(Nfs3Malformed, AnEmptyHandleIsThePublicHandleInArgumentsOnly) {
  // WebNFS (RFC 2055 section 5.2): the zero-length handle in a call.
  GetattrArgs getattr;
  ASSERT_TRUE(Decode(Words({0}), &DecodeGetattrArgs, getattr).ok());
  EXPECT_TRUE(getattr.object.data.empty());
  LookupArgs lookup;
  ASSERT_TRUE(Decode(Cat({Words({0}), Words({5}), Raw({'a', '/', 'b', '/', 'c', 0, 0, 0})}),
                     &DecodeLookupArgs, lookup)
                  .ok());
  EXPECT_TRUE(lookup.what.dir.data.empty());
  EXPECT_EQ(lookup.what.name, "a/b/c");
  // A server never hands one out: in a reply it is malformed.
  EXPECT_FALSE(Decodes(Words({0, 0, 0, 0}), &DecodeLookupRes));  // NFS3_OK, empty object handle
  EXPECT_FALSE(Decodes(Cat({Words({0, 1, 0}), Words({0, 0, 0})}),
                       &DecodeCreateRes));  // post_op_fh3 of 0 bytes
}

Bytes WithFirstWord(const Bytes& wire, uint32_t word) {
  Bytes out = wire;
  const Bytes first = Words({word});
  std::copy(first.begin(), first.end(), out.begin());
  return out;
}

TEST(Nfs3Malformed, Ftype3OutsideOneToSeven) {
  for (uint32_t type : {0u, 8u, 0xFFFFFFFFu}) {
    const Bytes wire = WithFirstWord(kGoldenAttrWire, type);
    EXPECT_FALSE(Decodes(wire, &DecodeFattr3)) << type;
    EXPECT_FALSE(Decodes(Cat({Words({0}), wire}), &DecodeGetattrRes)) << type;
  }
  for (uint32_t type = 1; type <= 7; ++type) {
    EXPECT_TRUE(Decodes(WithFirstWord(kGoldenAttrWire, type), &DecodeFattr3)) << type;
  }
  // MKNOD's union discriminant. FIFO with an empty sattr3 is the valid control.
  const Bytes where = Encode(LookupArgs{Where(1, "n")}, &EncodeLookupArgs);
  const Bytes sattr_nothing = Words({0, 0, 0, 0, 0, 0});
  EXPECT_TRUE(Decodes(Cat({where, Words({7}), sattr_nothing}), &DecodeMknodArgs));
  EXPECT_FALSE(Decodes(Cat({where, Words({0}), sattr_nothing}), &DecodeMknodArgs));
  EXPECT_FALSE(Decodes(Cat({where, Words({8}), sattr_nothing}), &DecodeMknodArgs));
}

TEST(Nfs3Malformed, StableHowOutsideZeroToTwo) {
  const Bytes head = Cat({Encode(GetattrArgs{Fh(1)}, &EncodeGetattrArgs), Words({0, 0, 4})});
  const Bytes data = Cat({Words({4}), Raw({1, 2, 3, 4})});
  EXPECT_TRUE(Decodes(Cat({head, Words({2}), data}), &DecodeWriteArgs));
  EXPECT_FALSE(Decodes(Cat({head, Words({3}), data}), &DecodeWriteArgs));
  EXPECT_FALSE(Decodes(Cat({head, Words({0xFFFFFFFF}), data}), &DecodeWriteArgs));
  // WRITE3resok's committed, client side: status, empty wcc_data, count, committed, verf.
  EXPECT_TRUE(Decodes(Words({0, 0, 0, 4, 2, 0, 0}), &DecodeWriteRes));
  EXPECT_FALSE(Decodes(Words({0, 0, 0, 4, 3, 0, 0}), &DecodeWriteRes));
}

TEST(Nfs3Malformed, CreateMode3OutsideZeroToTwo) {
  const Bytes where = Encode(LookupArgs{Where(1, "n")}, &EncodeLookupArgs);
  const Bytes sattr_nothing = Words({0, 0, 0, 0, 0, 0});
  EXPECT_TRUE(Decodes(Cat({where, Words({1}), sattr_nothing}), &DecodeCreateArgs));
  EXPECT_TRUE(Decodes(Cat({where, Words({2, 0, 0})}), &DecodeCreateArgs));
  EXPECT_FALSE(Decodes(Cat({where, Words({3}), sattr_nothing}), &DecodeCreateArgs));
  EXPECT_FALSE(Decodes(Cat({where, Words({3, 0, 0})}), &DecodeCreateArgs));
}

TEST(Nfs3Malformed, TimeHowOutsideZeroToTwo) {
  const Bytes object = Encode(GetattrArgs{Fh(1)}, &EncodeGetattrArgs);
  const Bytes no_guard = Words({0});
  // Sets mode, uid, gid and size to nothing, then set_atime and set_mtime.
  auto setattr = [&](std::initializer_list<uint32_t> times) {
    return Cat({object, Words({0, 0, 0, 0}), Words(times), no_guard});
  };
  EXPECT_TRUE(Decodes(setattr({1, 2, 7, 8}), &DecodeSetattrArgs));
  EXPECT_FALSE(Decodes(setattr({3, 0}), &DecodeSetattrArgs));           // atime
  EXPECT_FALSE(Decodes(setattr({0, 3}), &DecodeSetattrArgs));           // mtime
  EXPECT_FALSE(Decodes(setattr({0xFFFFFFFF, 0}), &DecodeSetattrArgs));  // negative as int32
}

TEST(Nfs3Malformed, BoolsOtherThanZeroOrOne) {
  EXPECT_TRUE(Decodes(Words({2, 0}), &DecodeLookupRes));   // NOENT, no attributes
  EXPECT_FALSE(Decodes(Words({2, 2}), &DecodeLookupRes));  // post_op_attr flag 2
  const Bytes object = Encode(GetattrArgs{Fh(1)}, &EncodeGetattrArgs);
  EXPECT_FALSE(Decodes(Cat({object, Words({2, 0, 0, 0, 0, 0, 0})}), &DecodeSetattrArgs));
}

// Every proper prefix of a valid call fails; the whole call decodes.
template <typename T>
void ExpectEveryTruncationFails(const T& value, void (*encode)(xdr::XdrEncoder&, const T&),
                                void (*decode)(xdr::XdrDecoder&, T&)) {
  const Bytes wire = Encode(value, encode);
  ASSERT_TRUE(Decodes(wire, decode));
  for (size_t length = 0; length < wire.size(); ++length) {
    const Bytes prefix(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(length));
    xdr::XdrDecoder decoder(prefix);
    T out{};
    decode(decoder, out);
    EXPECT_FALSE(decoder.ok()) << "a prefix of " << length << " of " << wire.size()
                               << " bytes decoded";
  }
}

TEST(Nfs3Malformed, TruncatedSetattrArgs) {
  ExpectEveryTruncationFails(SetattrArgs{Fh(1, 13), FullSattr(), Nfstime3{1, 2}},
                             &EncodeSetattrArgs, &DecodeSetattrArgs);
  SetattrArgs other{Fh(2), OtherSattr(), std::nullopt};
  ExpectEveryTruncationFails(other, &EncodeSetattrArgs, &DecodeSetattrArgs);
}

TEST(Nfs3Malformed, TruncatedCreateArgs) {
  ExpectEveryTruncationFails(CreateArgs{Where(1, "name"), {CreateMode3::kGuarded, FullSattr()}},
                             &EncodeCreateArgs, &DecodeCreateArgs);
  ExpectEveryTruncationFails(
      CreateArgs{Where(2, "x"), {CreateMode3::kExclusive, Sattr3{}, Verf(1)}}, &EncodeCreateArgs,
      &DecodeCreateArgs);
}

// ---- Names and paths reach the procedure unchanged ----

TEST(Nfs3Names, SlashNulAndLongNamesDecodeUnchanged) {
  const std::string names[] = {
      "a/b",
      "/",
      std::string("a\0b", 3),
      std::string(1, '\0'),
      std::string(256, 'x'),
      std::string(300, 'y'),
      std::string(kMaxFilenameWireSize, 'z'),
      "..",
      "",
  };
  for (const std::string& name : names) {
    LookupArgs args;
    ASSERT_TRUE(
        Decode(Encode(LookupArgs{Where(1, name)}, &EncodeLookupArgs), &DecodeLookupArgs, args).ok())
        << name.size();
    EXPECT_EQ(args.what.name, name);
    RenameArgs rename;
    ASSERT_TRUE(Decode(Encode(RenameArgs{Where(1, name), Where(2, name)}, &EncodeRenameArgs),
                       &DecodeRenameArgs, rename)
                    .ok());
    EXPECT_EQ(rename.from.name, name);
    EXPECT_EQ(rename.to.name, name);
  }
}

TEST(Nfs3Names, NamesOverTheWireBoundFail) {
  const std::string too_long(kMaxFilenameWireSize + 1, 'n');
  EXPECT_FALSE(
      Decodes(Encode(LookupArgs{Where(1, too_long)}, &EncodeLookupArgs), &DecodeLookupArgs));
  EXPECT_FALSE(
      Decodes(Encode(CreateArgs{Where(1, too_long), {}}, &EncodeCreateArgs), &DecodeCreateArgs));
  ReaddirResOk listing;
  listing.entries = {{1, too_long, 1}};
  EXPECT_FALSE(Decodes(Encode(ReaddirRes::Success(listing), &EncodeReaddirRes), &DecodeReaddirRes));
}

TEST(Nfs3Names, PathsBoundedAt4096) {
  const std::string longest(kMaxPathWireSize, 'p');
  const std::string too_long(kMaxPathWireSize + 1, 'p');
  EXPECT_TRUE(Decodes(Encode(SymlinkArgs{Where(1, "l"), {Sattr3{}, longest}}, &EncodeSymlinkArgs),
                      &DecodeSymlinkArgs));
  EXPECT_FALSE(Decodes(Encode(SymlinkArgs{Where(1, "l"), {Sattr3{}, too_long}}, &EncodeSymlinkArgs),
                       &DecodeSymlinkArgs));
  EXPECT_FALSE(Decodes(Encode(ReadlinkRes::Success({std::nullopt, too_long}), &EncodeReadlinkRes),
                       &DecodeReadlinkRes));
}

// ---- Directory listings ----

TEST(Nfs3Readdir, DecodedListingsAreBounded) {
  ReaddirResOk listing;
  listing.entries.resize(kMaxDecodedDirEntries);
  EXPECT_TRUE(Decodes(Encode(ReaddirRes::Success(listing), &EncodeReaddirRes), &DecodeReaddirRes));
  listing.entries.emplace_back();
  EXPECT_FALSE(Decodes(Encode(ReaddirRes::Success(listing), &EncodeReaddirRes), &DecodeReaddirRes));

  ReaddirplusResOk plus;
  plus.entries.resize(kMaxDecodedDirEntries + 1);
  EXPECT_FALSE(
      Decodes(Encode(ReaddirplusRes::Success(plus), &EncodeReaddirplusRes), &DecodeReaddirplusRes));
}

size_t Padded(size_t n) { return (n + 3) / 4 * 4; }

TEST(Nfs3Readdir, EntrySizesMatchTheEncoding) {
  for (const PostOpAttr& dir_attributes : {PostOpAttr{}, PostOpAttr{Attr(1, Ftype3::kDir)}}) {
    ReaddirResOk ok{dir_attributes, Verf(1), {}, true};
    size_t expected = 4 + ReaddirResOkFixedSize(dir_attributes);  // the status word, then resok
    EXPECT_EQ(Encode(ReaddirRes::Success(ok), &EncodeReaddirRes).size(), expected);
    EXPECT_EQ(ReaddirResOkFixedSize(dir_attributes),
              (dir_attributes ? 88u : 4u) + 8 + 4 + 4);  // attributes, verifier, end, eof
    for (size_t length = 0; length <= 9; ++length) {
      const Entry3 entry{length, std::string(length, 'e'), length * 10};
      EXPECT_EQ(Entry3EncodedSize(entry), 4 + 8 + 4 + Padded(length) + 8);
      ok.entries.push_back(entry);
      expected += Entry3EncodedSize(entry);
      EXPECT_EQ(Encode(ReaddirRes::Success(ok), &EncodeReaddirRes).size(), expected) << length;
    }
  }

  for (const PostOpAttr& dir_attributes : {PostOpAttr{}, PostOpAttr{Attr(1, Ftype3::kDir)}}) {
    ReaddirplusResOk ok{dir_attributes, Verf(1), {}, false};
    size_t expected = 4 + ReaddirplusResOkFixedSize(dir_attributes);
    EXPECT_EQ(Encode(ReaddirplusRes::Success(ok), &EncodeReaddirplusRes).size(), expected);
    for (size_t length = 0; length <= 9; ++length) {
      for (const PostOpAttr& attributes : {PostOpAttr{}, PostOpAttr{Attr(2)}}) {
        for (const PostOpFh3& handle : {PostOpFh3{}, PostOpFh3{Fh(3, 1 + length * 7)}}) {
          const EntryPlus3 entry{length, std::string(length, 'e'), length, attributes, handle};
          EXPECT_EQ(EntryPlus3DirectorySize(entry), 8 + 4 + Padded(length) + 8);
          EXPECT_EQ(EntryPlus3EncodedSize(entry),
                    4 + EntryPlus3DirectorySize(entry) + (attributes ? 88 : 4) +
                        (handle ? 8 + Padded(handle->data.size()) : 4));
          ok.entries.push_back(entry);
          expected += EntryPlus3EncodedSize(entry);
          EXPECT_EQ(Encode(ReaddirplusRes::Success(ok), &EncodeReaddirplusRes).size(), expected);
        }
      }
    }
  }
}

TEST(Nfs3Readdir, SharedSizeHelpers) {
  EXPECT_EQ(NfsFh3EncodedSize(Fh(1, 1)), 8u);
  EXPECT_EQ(NfsFh3EncodedSize(Fh(1, 64)), 68u);
  EXPECT_EQ(Encode(Fh(1, 5), &EncodeNfsFh3).size(), NfsFh3EncodedSize(Fh(1, 5)));
  EXPECT_EQ(Encode(PostOpAttr{Attr(1)}, &EncodePostOpAttr).size(), PostOpAttrEncodedSize(Attr(1)));
  EXPECT_EQ(PostOpFh3EncodedSize(std::nullopt), 4u);
  EXPECT_EQ(PostOpFh3EncodedSize(Fh(1, 30)), 4u + 4 + 32);
  EXPECT_EQ(StringEncodedSize(0), 4u);
  EXPECT_EQ(StringEncodedSize(255), 4u + 256);
}

}  // namespace
}  // namespace nfsuite::nfs
