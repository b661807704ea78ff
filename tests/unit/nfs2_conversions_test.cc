// NFSv2's conversions: attributes into 32-bit fields (FBIG rather than a truncated size), sattr's
// -1 "unset" fields and the server-time convention, and statuses remapped for v2.
#include "service/nfs/nfs2_conversions.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <variant>

#include "gtest/gtest.h"
#include "service/nfs/nfs_status.h"

namespace nfsuite::nfs::v2 {
namespace {

storage::Attributes FileOfSize(uint64_t size) {
  storage::Attributes attributes;
  attributes.type = storage::FileType::kRegular;
  attributes.mode = 0644;
  attributes.nlink = 1;
  attributes.size = size;
  attributes.used = 8192;
  attributes.fileid = 42;
  attributes.fsid = 0x0000000100000002ull;
  attributes.mtime = {1700000000, 123456789};
  return attributes;
}

TEST(Nfs2Conversions, AttributesCarryTypeBitsInTheMode) {
  auto fattr = ToFattr(FileOfSize(100));
  ASSERT_TRUE(std::holds_alternative<Fattr>(fattr));
  const Fattr& f = std::get<Fattr>(fattr);
  EXPECT_EQ(f.type, Ftype::kReg);
  EXPECT_EQ(f.mode, static_cast<uint32_t>(S_IFREG | 0644));
  EXPECT_EQ(f.size, 100u);
  EXPECT_EQ(f.blocksize, 512u);
  EXPECT_EQ(f.blocks, 16u);
  EXPECT_EQ(f.fileid, 42u);
  EXPECT_EQ(f.fsid, 3u);  // folded: 1 ^ 2
  EXPECT_EQ(f.mtime, (Timeval{1700000000, 123456}));
}

TEST(Nfs2Conversions, SizeBeyondThirtyTwoBitsIsFbigNotTruncated) {
  auto fits = ToFattr(FileOfSize(kMaxFileSize));
  ASSERT_TRUE(std::holds_alternative<Fattr>(fits));
  EXPECT_EQ(std::get<Fattr>(fits).size, 0xFFFFFFFFu);
  auto too_big = ToFattr(FileOfSize(kMaxFileSize + 1));
  ASSERT_TRUE(std::holds_alternative<Nfsstat2>(too_big));
  EXPECT_EQ(std::get<Nfsstat2>(too_big), Nfsstat2::kFBig);
}

TEST(Nfs2Conversions, FifoIsCharacterDeviceWithAllOnesRdev) {
  storage::Attributes fifo = FileOfSize(0);
  fifo.type = storage::FileType::kFifo;
  const Fattr f = std::get<Fattr>(ToFattr(fifo));
  EXPECT_EQ(f.type, Ftype::kChr);
  EXPECT_EQ(f.rdev, 0xFFFFFFFFu);
  EXPECT_EQ(f.mode & S_IFMT, static_cast<uint32_t>(S_IFIFO));
}

TEST(Nfs2Conversions, UnsetSattrChangesNothing) {
  const storage::AttributeChanges changes = ToAttributeChanges(Sattr{});
  EXPECT_FALSE(changes.mode.has_value());
  EXPECT_FALSE(changes.uid.has_value());
  EXPECT_FALSE(changes.gid.has_value());
  EXPECT_FALSE(changes.size.has_value());
  EXPECT_EQ(changes.atime_change, storage::AttributeChanges::TimeChange::kKeep);
  EXPECT_EQ(changes.mtime_change, storage::AttributeChanges::TimeChange::kKeep);
}

TEST(Nfs2Conversions, SetSattrFields) {
  Sattr sattr;
  sattr.mode = S_IFREG | 04755;
  sattr.size = 0;
  sattr.gid = 7;
  sattr.atime = {100, 250};
  sattr.mtime = {200, 1000000};  // the server's time
  const storage::AttributeChanges changes = ToAttributeChanges(sattr);
  EXPECT_EQ(changes.mode, 04755u);
  EXPECT_EQ(changes.size, 0u);
  EXPECT_EQ(changes.gid, 7u);
  EXPECT_FALSE(changes.uid.has_value());
  EXPECT_EQ(changes.atime_change, storage::AttributeChanges::TimeChange::kSetToClientTime);
  EXPECT_EQ(changes.atime, (storage::Timestamp{100, 250000}));
  EXPECT_EQ(changes.mtime_change, storage::AttributeChanges::TimeChange::kSetToServerTime);
}

TEST(Nfs2Conversions, FoldKeepsThirtyTwoBitValues) {
  EXPECT_EQ(Fold(12345), 12345u);
  EXPECT_EQ(Fold(0xFFFFFFFFull), 0xFFFFFFFFu);
  EXPECT_NE(Fold(0x100000001ull), Fold(0x100000002ull));
}

TEST(Nfs2Status, ErrnoThroughTheOneTable) {
  EXPECT_EQ(Nfsstat2FromErrno(ENOENT), Nfsstat2::kNoEnt);
  EXPECT_EQ(Nfsstat2FromErrno(EROFS), Nfsstat2::kRofs);
  EXPECT_EQ(Nfsstat2FromErrno(EFBIG), Nfsstat2::kFBig);
  EXPECT_EQ(Nfsstat2FromErrno(ENOTEMPTY), Nfsstat2::kNotEmpty);
  EXPECT_EQ(Nfsstat2FromErrno(ESTALE), Nfsstat2::kStale);
  EXPECT_EQ(Nfsstat2FromErrno(EXDEV), Nfsstat2::kAcces);
  EXPECT_EQ(Nfsstat2FromErrno(EINVAL), Nfsstat2::kIo);  // v2 has no INVAL
  EXPECT_EQ(ToNfsstat2(Nfsstat3::kBadHandle), Nfsstat2::kStale);
}

}  // namespace
}  // namespace nfsuite::nfs::v2
