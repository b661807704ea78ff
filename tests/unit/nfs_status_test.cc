#include "service/nfs/nfs_status.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace nfsuite::nfs {
namespace {

TEST(Nfsstat3FromErrno, EveryErrnoWithAnRfcStatus) {
  const std::pair<int, Nfsstat3> table[] = {
      {0, Nfsstat3::kOk},
      {EPERM, Nfsstat3::kPerm},
      {ENOENT, Nfsstat3::kNoEnt},
      {EIO, Nfsstat3::kIo},
      {ENXIO, Nfsstat3::kNxio},
      {EACCES, Nfsstat3::kAcces},
      {EEXIST, Nfsstat3::kExist},
      {EXDEV, Nfsstat3::kXdev},
      {ENODEV, Nfsstat3::kNoDev},
      {ENOTDIR, Nfsstat3::kNotDir},
      {ELOOP, Nfsstat3::kNotDir},
      {EISDIR, Nfsstat3::kIsDir},
      {EINVAL, Nfsstat3::kInval},
      {EFBIG, Nfsstat3::kFBig},
      {EOVERFLOW, Nfsstat3::kFBig},
      {ENOSPC, Nfsstat3::kNoSpc},
      {EROFS, Nfsstat3::kRofs},
      {EMLINK, Nfsstat3::kMlink},
      {ENAMETOOLONG, Nfsstat3::kNameTooLong},
      {ENOTEMPTY, Nfsstat3::kNotEmpty},
      {EDQUOT, Nfsstat3::kDquot},
      {ESTALE, Nfsstat3::kStale},
      {EREMOTE, Nfsstat3::kRemote},
      {EOPNOTSUPP, Nfsstat3::kNotSupp},
      {EAGAIN, Nfsstat3::kJukebox},
      {ENOMEM, Nfsstat3::kJukebox},
  };
  for (const auto& [error, status] : table) {
    EXPECT_EQ(Nfsstat3FromErrno(error), status) << "errno " << error;
  }
}

TEST(Nfsstat3FromErrno, UnexpectedErrnoIsIo) {
  EXPECT_EQ(Nfsstat3FromErrno(EBADMSG), Nfsstat3::kIo);
  EXPECT_EQ(Nfsstat3FromErrno(EBADMSG), Nfsstat3::kIo);  // logged once, answered every time
  EXPECT_EQ(Nfsstat3FromErrno(100000), Nfsstat3::kIo);   // outside any errno range
}

TEST(ToNfsstat2, SharedStatusesKeepTheirValues) {
  for (Nfsstat3 status :
       {Nfsstat3::kOk, Nfsstat3::kPerm, Nfsstat3::kNoEnt, Nfsstat3::kIo, Nfsstat3::kNxio,
        Nfsstat3::kAcces, Nfsstat3::kExist, Nfsstat3::kNoDev, Nfsstat3::kNotDir, Nfsstat3::kIsDir,
        Nfsstat3::kFBig, Nfsstat3::kNoSpc, Nfsstat3::kRofs, Nfsstat3::kNameTooLong,
        Nfsstat3::kNotEmpty, Nfsstat3::kDquot, Nfsstat3::kStale}) {
    EXPECT_EQ(static_cast<uint32_t>(ToNfsstat2(status)), static_cast<uint32_t>(status))
        << Nfsstat3Name(status);
  }
}

TEST(ToNfsstat2, VersionThreeOnlyStatusesBecomeRfc1094Ones) {
  EXPECT_EQ(ToNfsstat2(Nfsstat3::kBadHandle), Nfsstat2::kStale);
  EXPECT_EQ(ToNfsstat2(Nfsstat3::kXdev), Nfsstat2::kAcces);
  for (Nfsstat3 status : {Nfsstat3::kInval, Nfsstat3::kMlink, Nfsstat3::kRemote, Nfsstat3::kNotSync,
                          Nfsstat3::kBadCookie, Nfsstat3::kNotSupp, Nfsstat3::kTooSmall,
                          Nfsstat3::kServerFault, Nfsstat3::kBadType, Nfsstat3::kJukebox}) {
    EXPECT_EQ(ToNfsstat2(status), Nfsstat2::kIo) << Nfsstat3Name(status);
  }
}

TEST(Nfsstat3Name, NamesFollowTheRfc) {
  EXPECT_EQ(Nfsstat3Name(Nfsstat3::kBadHandle), "NFS3ERR_BADHANDLE");
  EXPECT_EQ(Nfsstat3Name(Nfsstat3::kNotSync), "NFS3ERR_NOT_SYNC");
  EXPECT_EQ(Nfsstat3Name(Nfsstat3::kOk), "NFS3_OK");
}

}  // namespace
}  // namespace nfsuite::nfs
