#include "service/nfs/nfs_status.h"

#include <atomic>
#include <bitset>
#include <cerrno>
#include <cstring>

#include "absl/synchronization/mutex.h"
#include "common/util/logging.h"

namespace nfsuite::nfs {
namespace {

void LogUnexpectedOnce(int error) {
  static absl::Mutex mu(absl::kConstInit);
  static std::bitset<4096> logged ABSL_GUARDED_BY(mu);
  {
    absl::MutexLock lock(&mu);
    if (error >= 0 && error < static_cast<int>(logged.size())) {
      if (logged[error]) return;
      logged[error] = true;
    }
  }
  Logf(LogLevel::kWarning, "unexpected error %d (%s) answered as NFS3ERR_IO", error,
       std::strerror(error));
}

}  // namespace

Nfsstat3 Nfsstat3FromErrno(int error) {
  switch (error) {
    case 0:
      return Nfsstat3::kOk;
    case EPERM:
      return Nfsstat3::kPerm;
    case ENOENT:
      return Nfsstat3::kNoEnt;
    case EIO:
      return Nfsstat3::kIo;
    case ENXIO:
      return Nfsstat3::kNxio;
    case EACCES:
      return Nfsstat3::kAcces;
    case EEXIST:
      return Nfsstat3::kExist;
    case EXDEV:
      return Nfsstat3::kXdev;
    case ENODEV:
      return Nfsstat3::kNoDev;
    case ENOTDIR:
    case ELOOP:  // a symlink met where a directory was needed (O_NOFOLLOW, RESOLVE_NO_SYMLINKS)
      return Nfsstat3::kNotDir;
    case EISDIR:
      return Nfsstat3::kIsDir;
    case EINVAL:
      return Nfsstat3::kInval;
    case EFBIG:
    case EOVERFLOW:
      return Nfsstat3::kFBig;
    case ENOSPC:
      return Nfsstat3::kNoSpc;
    case EROFS:
      return Nfsstat3::kRofs;
    case EMLINK:
      return Nfsstat3::kMlink;
    case ENAMETOOLONG:
      return Nfsstat3::kNameTooLong;
    case ENOTEMPTY:
      return Nfsstat3::kNotEmpty;
    case EDQUOT:
      return Nfsstat3::kDquot;
    case ESTALE:
      return Nfsstat3::kStale;
    case EREMOTE:
      return Nfsstat3::kRemote;
    case EOPNOTSUPP:
      return Nfsstat3::kNotSupp;
    case EAGAIN:
    case ENOMEM:
    case ETIMEDOUT:
      return Nfsstat3::kJukebox;  // a transient condition: the client retries later
    default:
      LogUnexpectedOnce(error);
      return Nfsstat3::kIo;
  }
}

Nfsstat2 ToNfsstat2(Nfsstat3 status) {
  switch (status) {
    case Nfsstat3::kOk:
      return Nfsstat2::kOk;
    case Nfsstat3::kPerm:
      return Nfsstat2::kPerm;
    case Nfsstat3::kNoEnt:
      return Nfsstat2::kNoEnt;
    case Nfsstat3::kNxio:
      return Nfsstat2::kNxio;
    case Nfsstat3::kAcces:
    case Nfsstat3::kXdev:  // v2 clients read a cross-device link or rename as "not permitted"
      return Nfsstat2::kAcces;
    case Nfsstat3::kExist:
      return Nfsstat2::kExist;
    case Nfsstat3::kNoDev:
      return Nfsstat2::kNoDev;
    case Nfsstat3::kNotDir:
      return Nfsstat2::kNotDir;
    case Nfsstat3::kIsDir:
      return Nfsstat2::kIsDir;
    case Nfsstat3::kFBig:
      return Nfsstat2::kFBig;
    case Nfsstat3::kNoSpc:
      return Nfsstat2::kNoSpc;
    case Nfsstat3::kRofs:
      return Nfsstat2::kRofs;
    case Nfsstat3::kNameTooLong:
      return Nfsstat2::kNameTooLong;
    case Nfsstat3::kNotEmpty:
      return Nfsstat2::kNotEmpty;
    case Nfsstat3::kDquot:
      return Nfsstat2::kDquot;
    case Nfsstat3::kStale:
    case Nfsstat3::kBadHandle:
      return Nfsstat2::kStale;
    default:
      return Nfsstat2::kIo;
  }
}

absl::string_view Nfsstat3Name(Nfsstat3 status) {
  switch (status) {
    case Nfsstat3::kOk:
      return "NFS3_OK";
    case Nfsstat3::kPerm:
      return "NFS3ERR_PERM";
    case Nfsstat3::kNoEnt:
      return "NFS3ERR_NOENT";
    case Nfsstat3::kIo:
      return "NFS3ERR_IO";
    case Nfsstat3::kNxio:
      return "NFS3ERR_NXIO";
    case Nfsstat3::kAcces:
      return "NFS3ERR_ACCES";
    case Nfsstat3::kExist:
      return "NFS3ERR_EXIST";
    case Nfsstat3::kXdev:
      return "NFS3ERR_XDEV";
    case Nfsstat3::kNoDev:
      return "NFS3ERR_NODEV";
    case Nfsstat3::kNotDir:
      return "NFS3ERR_NOTDIR";
    case Nfsstat3::kIsDir:
      return "NFS3ERR_ISDIR";
    case Nfsstat3::kInval:
      return "NFS3ERR_INVAL";
    case Nfsstat3::kFBig:
      return "NFS3ERR_FBIG";
    case Nfsstat3::kNoSpc:
      return "NFS3ERR_NOSPC";
    case Nfsstat3::kRofs:
      return "NFS3ERR_ROFS";
    case Nfsstat3::kMlink:
      return "NFS3ERR_MLINK";
    case Nfsstat3::kNameTooLong:
      return "NFS3ERR_NAMETOOLONG";
    case Nfsstat3::kNotEmpty:
      return "NFS3ERR_NOTEMPTY";
    case Nfsstat3::kDquot:
      return "NFS3ERR_DQUOT";
    case Nfsstat3::kStale:
      return "NFS3ERR_STALE";
    case Nfsstat3::kRemote:
      return "NFS3ERR_REMOTE";
    case Nfsstat3::kBadHandle:
      return "NFS3ERR_BADHANDLE";
    case Nfsstat3::kNotSync:
      return "NFS3ERR_NOT_SYNC";
    case Nfsstat3::kBadCookie:
      return "NFS3ERR_BAD_COOKIE";
    case Nfsstat3::kNotSupp:
      return "NFS3ERR_NOTSUPP";
    case Nfsstat3::kTooSmall:
      return "NFS3ERR_TOOSMALL";
    case Nfsstat3::kServerFault:
      return "NFS3ERR_SERVERFAULT";
    case Nfsstat3::kBadType:
      return "NFS3ERR_BADTYPE";
    case Nfsstat3::kJukebox:
      return "NFS3ERR_JUKEBOX";
  }
  return "NFS3ERR_UNKNOWN";
}

}  // namespace nfsuite::nfs
