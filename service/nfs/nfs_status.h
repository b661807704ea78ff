#ifndef NFSUITE_SERVICE_NFS_NFS_STATUS_H_
#define NFSUITE_SERVICE_NFS_NFS_STATUS_H_

#include <cstdint>

#include "absl/strings/string_view.h"

// The one errno → status table of the NFS service (RFC 1813 section 2.6 nfsstat3), with the
// remapping to NFSv2 statuses (RFC 1094 section 2.3.1). Procedures never translate errno
// themselves.
namespace nfsuite::nfs {

enum class Nfsstat3 : uint32_t {
  kOk = 0,
  kPerm = 1,
  kNoEnt = 2,
  kIo = 5,
  kNxio = 6,
  kAcces = 13,
  kExist = 17,
  kXdev = 18,
  kNoDev = 19,
  kNotDir = 20,
  kIsDir = 21,
  kInval = 22,
  kFBig = 27,
  kNoSpc = 28,
  kRofs = 30,
  kMlink = 31,
  kNameTooLong = 63,
  kNotEmpty = 66,
  kDquot = 69,
  kStale = 70,
  kRemote = 71,
  kBadHandle = 10001,
  kNotSync = 10002,
  kBadCookie = 10003,
  kNotSupp = 10004,
  kTooSmall = 10005,
  kServerFault = 10006,
  kBadType = 10007,
  kJukebox = 10008,
};

enum class Nfsstat2 : uint32_t {
  kOk = 0,
  kPerm = 1,
  kNoEnt = 2,
  kIo = 5,
  kNxio = 6,
  kAcces = 13,
  kExist = 17,
  kNoDev = 19,
  kNotDir = 20,
  kIsDir = 21,
  kFBig = 27,
  kNoSpc = 28,
  kRofs = 30,
  kNameTooLong = 63,
  kNotEmpty = 66,
  kDquot = 69,
  kStale = 70,
  kWFlush = 99,
};

// The status for a failed system call. An errno with no meaning for clients becomes IO, and is
// logged once per errno value so that a new failure mode is noticed without flooding the log.
Nfsstat3 Nfsstat3FromErrno(int error);

// The NFSv2 status for a v3 status. v2 knows fewer: a bad handle is STALE, and the v3-only
// statuses with no v2 counterpart are IO.
Nfsstat2 ToNfsstat2(Nfsstat3 status);
// The NFSv2 status for a failed system call: the v3 table, remapped.
inline Nfsstat2 Nfsstat2FromErrno(int error) { return ToNfsstat2(Nfsstat3FromErrno(error)); }

absl::string_view Nfsstat3Name(Nfsstat3 status);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFS_STATUS_H_
