// The NFSv2 codec (RFC 1094): golden bytes, round trips of every argument and result shape,
// input cut at every byte, and the malformed input the server must refuse before any procedure
// runs (GARBAGE_ARGS).
#include "service/nfs/nfs2_xdr.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "gtest/gtest.h"
#include "tests/support/xdr_test_bytes.h"

namespace nfsuite::nfs::v2 {
namespace {

using testing::Bytes;
using testing::Cat;
using testing::Decode;
using testing::Encode;
using testing::Words;

// Encodes, decodes back to an equal value, and refuses every truncation and a trailing word.
template <typename T>
void ExpectRoundTrip(const T& value, void (*encode)(xdr::XdrEncoder&, const T&),
                     void (*decode)(xdr::XdrDecoder&, T&)) {
  const Bytes wire = Encode(value, encode);
  T decoded{};
  ASSERT_TRUE(Decode(wire, decode, decoded).ok());
  EXPECT_EQ(decoded, value);
  for (size_t cut = 0; cut < wire.size(); ++cut) {
    T partial{};
    EXPECT_FALSE(Decode(Bytes(wire.begin(), wire.begin() + cut), decode, partial).ok())
        << "accepted " << cut << " of " << wire.size() << " bytes";
  }
  Bytes longer = Cat({wire, Words({0})});
  T extra{};
  EXPECT_FALSE(Decode(longer, decode, extra).ok()) << "accepted a trailing word";
}

FHandle HandleOf(uint8_t seed) {
  FHandle handle;
  for (size_t i = 0; i < handle.data.size(); ++i) handle.data[i] = static_cast<uint8_t>(seed + i);
  return handle;
}

Fattr SampleFattr() {
  Fattr fattr;
  fattr.type = Ftype::kReg;
  fattr.mode = 0100644;
  fattr.nlink = 1;
  fattr.uid = 1000;
  fattr.gid = 100;
  fattr.size = 12345;
  fattr.blocksize = 512;
  fattr.rdev = 0;
  fattr.blocks = 25;
  fattr.fsid = 0x1234;
  fattr.fileid = 77;
  fattr.atime = {1700000000, 1};
  fattr.mtime = {1700000001, 2};
  fattr.ctime = {1700000002, 999999};
  return fattr;
}

TEST(Nfs2Xdr, HandleIsThirtyTwoBytesWithoutLength) {
  const Bytes wire = Encode(HandleOf(1), &EncodeFHandle);
  ASSERT_EQ(wire.size(), 32u);
  EXPECT_EQ(wire[0], 1);
  EXPECT_EQ(wire[31], 32);
  EXPECT_TRUE(FHandle{}.IsPublic());
  EXPECT_FALSE(HandleOf(1).IsPublic());
}

TEST(Nfs2Xdr, GoldenReaddirArgs) {
  ReaddirArgs args{HandleOf(0), 0x01020304, 8192};
  EXPECT_EQ(Encode(args, &EncodeReaddirArgs),
            Cat({Encode(HandleOf(0), &EncodeFHandle), Words({0x01020304, 8192})}));
}

TEST(Nfs2Xdr, GoldenAttrStat) {
  const Bytes wire = Encode(AttrStat::Success(SampleFattr()), &EncodeAttrStat);
  EXPECT_EQ(wire, Words({0, 1, 0100644, 1, 1000, 100, 12345, 512, 0, 25, 0x1234, 77, 1700000000, 1,
                         1700000001, 2, 1700000002, 999999}));
  EXPECT_EQ(Encode(AttrStat::Failure(Nfsstat2::kStale), &EncodeAttrStat), Words({70}));
}

TEST(Nfs2Xdr, SattrUnsetFieldsAreAllOnes) {
  const Bytes wire = Encode(SattrArgs{HandleOf(3), Sattr{}}, &EncodeSattrArgs);
  EXPECT_EQ(Bytes(wire.begin() + 32, wire.end()),
            Words({kUnset, kUnset, kUnset, kUnset, kUnset, kUnset, kUnset, kUnset}));
}

TEST(Nfs2Xdr, ArgumentsRoundTrip) {
  ExpectRoundTrip(HandleOf(9), &EncodeFHandle, &DecodeFHandle);
  Sattr sattr;
  sattr.mode = 0600;
  sattr.size = 0;
  sattr.mtime = {5, 1000000};
  ExpectRoundTrip(SattrArgs{HandleOf(2), sattr}, &EncodeSattrArgs, &DecodeSattrArgs);
  ExpectRoundTrip(DirOpArgs{HandleOf(4), "name"}, &EncodeDirOpArgs, &DecodeDirOpArgs);
  ExpectRoundTrip(ReadArgs{HandleOf(5), 4096, 8192, 0}, &EncodeReadArgs, &DecodeReadArgs);
  const Bytes data = {1, 2, 3, 4, 5};
  ExpectRoundTrip(WriteArgs{HandleOf(6), 0, 100, 5, data}, &EncodeWriteArgs, &DecodeWriteArgs);
  ExpectRoundTrip(CreateArgs{{HandleOf(7), "new"}, sattr}, &EncodeCreateArgs, &DecodeCreateArgs);
  ExpectRoundTrip(RenameArgs{{HandleOf(8), "a"}, {HandleOf(9), "bb"}}, &EncodeRenameArgs,
                  &DecodeRenameArgs);
  ExpectRoundTrip(LinkArgs{HandleOf(10), {HandleOf(11), "link"}}, &EncodeLinkArgs, &DecodeLinkArgs);
  ExpectRoundTrip(SymlinkArgs{{HandleOf(12), "sym"}, "../target", sattr}, &EncodeSymlinkArgs,
                  &DecodeSymlinkArgs);
  ExpectRoundTrip(ReaddirArgs{HandleOf(13), 0x80000001u, 4096}, &EncodeReaddirArgs,
                  &DecodeReaddirArgs);
}

TEST(Nfs2Xdr, ResultsRoundTrip) {
  ExpectRoundTrip(AttrStat::Success(SampleFattr()), &EncodeAttrStat, &DecodeAttrStat);
  ExpectRoundTrip(AttrStat::Failure(Nfsstat2::kNoEnt), &EncodeAttrStat, &DecodeAttrStat);
  ExpectRoundTrip(DirOpRes::Success({HandleOf(1), SampleFattr()}), &EncodeDirOpRes,
                  &DecodeDirOpRes);
  ExpectRoundTrip(DirOpRes::Failure(Nfsstat2::kRofs), &EncodeDirOpRes, &DecodeDirOpRes);
  ExpectRoundTrip(ReadlinkRes::Success("a/b/c"), &EncodeReadlinkRes, &DecodeReadlinkRes);
  const Bytes data(8192, 0xab);
  ReadOk read;
  read.attributes = SampleFattr();
  read.data = data;
  ExpectRoundTrip(ReadRes::Success(read), &EncodeReadRes, &DecodeReadRes);
  ExpectRoundTrip(StatRes{Nfsstat2::kNotEmpty}, &EncodeStatRes, &DecodeStatRes);
  ReaddirOk listing;
  listing.entries = {{1, "a", 1}, {2, "bcde", 2}, {3, "fghij", 0x80000003u}};
  listing.eof = true;
  ExpectRoundTrip(ReaddirRes::Success(listing), &EncodeReaddirRes, &DecodeReaddirRes);
  ExpectRoundTrip(ReaddirRes::Success({}), &EncodeReaddirRes, &DecodeReaddirRes);
  ExpectRoundTrip(StatfsRes::Success({8192, 4096, 1000, 500, 400}), &EncodeStatfsRes,
                  &DecodeStatfsRes);
}

TEST(Nfs2Xdr, OkWithoutBodyGoesOutAsIo) {
  AttrStat broken;
  broken.status = Nfsstat2::kOk;
  EXPECT_EQ(Encode(broken, &EncodeAttrStat), Words({static_cast<uint32_t>(Nfsstat2::kIo)}));
}

TEST(Nfs2Xdr, ReadDataTravelsByReference) {
  auto owner = std::make_shared<const std::vector<uint8_t>>(1000, 7);
  ReadOk read;
  read.attributes = SampleFattr();
  read.data = *owner;
  read.data_owner = owner;
  const Bytes wire = Encode(ReadRes::Success(read), &EncodeReadRes);
  ReadRes decoded;
  ASSERT_TRUE(Decode(wire, &DecodeReadRes, decoded).ok());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(Bytes(decoded.body->data.begin(), decoded.body->data.end()), *owner);
}

TEST(Nfs2Xdr, WriteDataOverMaxDataIsRefused) {
  const Bytes data(kMaxData + 4, 1);
  const Bytes wire = Cat({Encode(HandleOf(1), &EncodeFHandle),
                          Words({0, 0, 0, static_cast<uint32_t>(data.size())}), data});
  WriteArgs args;
  EXPECT_FALSE(Decode(wire, &DecodeWriteArgs, args).ok());
}

TEST(Nfs2Xdr, OverlongNamesAndPathsAreRefused) {
  const std::string long_name(kMaxNameWireSize + 1, 'n');
  DirOpArgs args;
  EXPECT_FALSE(
      Decode(Encode(DirOpArgs{HandleOf(1), long_name}, &EncodeDirOpArgs), &DecodeDirOpArgs, args)
          .ok());
  // A 256..1024-byte name reaches the procedure, which answers NAMETOOLONG.
  EXPECT_TRUE(Decode(Encode(DirOpArgs{HandleOf(1), std::string(300, 'n')}, &EncodeDirOpArgs),
                     &DecodeDirOpArgs, args)
                  .ok());
  SymlinkArgs symlink;
  EXPECT_FALSE(
      Decode(Encode(SymlinkArgs{{HandleOf(1), "s"}, std::string(kMaxPathLength + 1, 'p'), Sattr{}},
                    &EncodeSymlinkArgs),
             &DecodeSymlinkArgs, symlink)
          .ok());
}

TEST(Nfs2Xdr, UndefinedFileTypeInAReplyIsRefused) {
  Bytes wire = Encode(AttrStat::Success(SampleFattr()), &EncodeAttrStat);
  wire[7] = 9;  // ftype 9
  AttrStat decoded;
  EXPECT_FALSE(Decode(wire, &DecodeAttrStat, decoded).ok());
}

TEST(Nfs2Xdr, ReaddirReplyLongerThanTheBoundIsRefused) {
  ReaddirOk listing;
  listing.entries.resize(kMaxDecodedDirEntries + 1, Entry{1, "x", 1});
  const Bytes wire = Encode(ReaddirRes::Success(listing), &EncodeReaddirRes);
  ReaddirRes decoded;
  EXPECT_FALSE(Decode(wire, &DecodeReaddirRes, decoded).ok());
}

TEST(Nfs2Xdr, EntryEncodedSizeMatchesTheWire) {
  for (const std::string name : {"", "a", "abcd", "abcde"}) {
    ReaddirOk listing;
    listing.entries = {{1, name, 1}};
    const Bytes wire = Encode(ReaddirRes::Success(listing), &EncodeReaddirRes);
    EXPECT_EQ(wire.size(), kReaddirFixedSize + EntryEncodedSize(listing.entries[0])) << name;
  }
}

}  // namespace
}  // namespace nfsuite::nfs::v2
