#ifndef NFSUITE_SERVICE_NFS_NFS2_TYPES_H_
#define NFSUITE_SERVICE_NFS_NFS2_TYPES_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "common/nfs/file_handle.h"
#include "service/nfs/nfs_status.h"

// The wire types of NFS version 2 (RFC 1094 section 2.3), one C++ type per XDR type the 18
// procedures use. The codecs are in nfs2_xdr.h. v2 results carry nothing on failure, so a result
// is a status and, exactly when it is NFS_OK, a body (Result2).
namespace nfsuite::nfs::v2 {

inline constexpr uint32_t kNfsVersion2 = 2;

// Procedure numbers (RFC 1094 section 2.2).
namespace proc {
inline constexpr uint32_t kNull = 0, kGetattr = 1, kSetattr = 2, kRoot = 3, kLookup = 4,
                          kReadlink = 5, kRead = 6, kWritecache = 7, kWrite = 8, kCreate = 9,
                          kRemove = 10, kRename = 11, kLink = 12, kSymlink = 13, kMkdir = 14,
                          kRmdir = 15, kReaddir = 16, kStatfs = 17;
inline constexpr uint32_t kCount = 18;
}  // namespace proc

inline constexpr uint32_t kMaxData = 8192;        // NFS_MAXDATA: READ and WRITE payloads
inline constexpr size_t kMaxPathLength = 1024;    // NFS_MAXPATHLEN
inline constexpr size_t kMaxNameWireSize = 1024;  // names over NFS_MAXNAMLEN (255) reach the
                                                  // procedure, which answers NAMETOOLONG
// v2 sizes and offsets are unsigned 32-bit: a file may not grow past this.
inline constexpr uint64_t kMaxFileSize = 0xFFFFFFFFu;
// "Do not change" in a sattr field (RFC 1094 section 2.3.6).
inline constexpr uint32_t kUnset = 0xFFFFFFFFu;
// Client side: the most READDIR entries one decoded reply may hold (hostile-input bound).
inline constexpr size_t kMaxDecodedDirEntries = 8192;

// fhandle: 32 opaque bytes. 32 zero bytes is WebNFS's public handle (RFC 2054 section 5).
struct FHandle {
  std::array<uint8_t, kNfs2HandleSize> data{};

  bool IsPublic() const {
    return std::all_of(data.begin(), data.end(), [](uint8_t byte) { return byte == 0; });
  }
  bool operator==(const FHandle&) const = default;
};

// ftype. NFSOCK (6) and the fifo convention (NFCHR with rdev 0xFFFFFFFF, mode S_IFIFO) are what
// Sun and Linux servers send; the mode's type bits tell a client the truth in every case.
enum class Ftype : uint32_t {
  kNon = 0,
  kReg = 1,
  kDir = 2,
  kBlk = 3,
  kChr = 4,
  kLnk = 5,
  kSock = 6
};

// timeval: seconds and microseconds.
struct Timeval {
  uint32_t seconds = 0;
  uint32_t useconds = 0;

  bool operator==(const Timeval&) const = default;
};

struct Fattr {
  Ftype type = Ftype::kNon;
  uint32_t mode = 0;  // with the file type bits (S_IFDIR, S_IFREG, ...), as RFC 1094 says
  uint32_t nlink = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t size = 0;
  uint32_t blocksize = 0;
  uint32_t rdev = 0;
  uint32_t blocks = 0;
  uint32_t fsid = 0;
  uint32_t fileid = 0;
  Timeval atime;
  Timeval mtime;
  Timeval ctime;

  bool operator==(const Fattr&) const = default;
};

// sattr: each field kUnset (a time: seconds kUnset) when it is not to change.
struct Sattr {
  uint32_t mode = kUnset;
  uint32_t uid = kUnset;
  uint32_t gid = kUnset;
  uint32_t size = kUnset;
  Timeval atime{kUnset, kUnset};
  Timeval mtime{kUnset, kUnset};

  bool operator==(const Sattr&) const = default;
};

// diropargs. `name` is checked by the procedure, not the codec (as in v3).
struct DirOpArgs {
  FHandle dir;
  std::string name;

  bool operator==(const DirOpArgs&) const = default;
};

// ---- Arguments ----

struct SattrArgs {  // SETATTR
  FHandle file;
  Sattr attributes;

  bool operator==(const SattrArgs&) const = default;
};

struct ReadArgs {
  FHandle file;
  uint32_t offset = 0;
  uint32_t count = 0;
  uint32_t totalcount = 0;  // unused (RFC 1094 2.2.7)

  bool operator==(const ReadArgs&) const = default;
};

// WRITE data is a view into the call record; the decoder refuses more than kMaxData bytes.
struct WriteArgs {
  FHandle file;
  uint32_t beginoffset = 0;  // unused (RFC 1094 2.2.9)
  uint32_t offset = 0;
  uint32_t totalcount = 0;  // unused
  absl::Span<const uint8_t> data;

  bool operator==(const WriteArgs& other) const {
    return file == other.file && beginoffset == other.beginoffset && offset == other.offset &&
           totalcount == other.totalcount &&
           std::equal(data.begin(), data.end(), other.data.begin(), other.data.end());
  }
};

struct CreateArgs {  // CREATE and MKDIR
  DirOpArgs where;
  Sattr attributes;

  bool operator==(const CreateArgs&) const = default;
};

struct RenameArgs {
  DirOpArgs from;
  DirOpArgs to;

  bool operator==(const RenameArgs&) const = default;
};

struct LinkArgs {
  FHandle from;
  DirOpArgs to;

  bool operator==(const LinkArgs&) const = default;
};

struct SymlinkArgs {
  DirOpArgs from;
  std::string to;  // path<NFS_MAXPATHLEN>
  Sattr attributes;

  bool operator==(const SymlinkArgs&) const = default;
};

// nfscookie is 4 opaque bytes; carried here as the big-endian number they spell.
struct ReaddirArgs {
  FHandle dir;
  uint32_t cookie = 0;
  uint32_t count = 0;

  bool operator==(const ReaddirArgs&) const = default;
};

// ---- Results ----

template <typename Ok>
struct Result2 {
  Nfsstat2 status = Nfsstat2::kOk;
  std::optional<Ok> body;  // present exactly when status is kOk

  static Result2 Success(Ok ok) { return {Nfsstat2::kOk, std::move(ok)}; }
  // `status` must not be kOk; if it is, the reply goes out as NFSERR_IO.
  static Result2 Failure(Nfsstat2 status) { return {status, std::nullopt}; }

  bool ok() const { return status == Nfsstat2::kOk && body.has_value(); }
  bool operator==(const Result2&) const = default;
};

// attrstat: GETATTR, SETATTR, WRITE.
using AttrStat = Result2<Fattr>;

struct DirOpOk {
  FHandle file;
  Fattr attributes;

  bool operator==(const DirOpOk&) const = default;
};
// diropres: LOOKUP, CREATE, MKDIR.
using DirOpRes = Result2<DirOpOk>;

using ReadlinkRes = Result2<std::string>;

struct ReadOk {
  Fattr attributes;
  absl::Span<const uint8_t> data;
  // Keeps `data` alive until the reply is sent; the encoder sends it by reference.
  std::shared_ptr<const std::vector<uint8_t>> data_owner;

  bool operator==(const ReadOk& other) const {
    return attributes == other.attributes &&
           std::equal(data.begin(), data.end(), other.data.begin(), other.data.end());
  }
};
using ReadRes = Result2<ReadOk>;

// stat: REMOVE, RENAME, LINK, SYMLINK, RMDIR.
struct StatRes {
  Nfsstat2 status = Nfsstat2::kOk;

  bool operator==(const StatRes&) const = default;
};

struct Entry {
  uint32_t fileid = 0;
  std::string name;
  uint32_t cookie = 0;

  bool operator==(const Entry&) const = default;
};
struct ReaddirOk {
  std::vector<Entry> entries;
  bool eof = false;

  bool operator==(const ReaddirOk&) const = default;
};
using ReaddirRes = Result2<ReaddirOk>;

struct StatfsOk {
  uint32_t tsize = 0;  // the server's preferred transfer size
  uint32_t bsize = 0;
  uint32_t blocks = 0;
  uint32_t bfree = 0;
  uint32_t bavail = 0;

  bool operator==(const StatfsOk&) const = default;
};
using StatfsRes = Result2<StatfsOk>;

// Encoded sizes READDIR's count is measured against (RFC 1094 2.2.17: count is the size of the
// whole reply's entries part). A status, the FALSE ending the chain, eof.
inline constexpr size_t kReaddirFixedSize = 4 + 4 + 4;
// The TRUE linking it in, fileid, name, cookie.
inline size_t EntryEncodedSize(const Entry& entry) {
  return 4 + 4 + 4 + (entry.name.size() + 3) / 4 * 4 + 4;
}

}  // namespace nfsuite::nfs::v2

#endif  // NFSUITE_SERVICE_NFS_NFS2_TYPES_H_
