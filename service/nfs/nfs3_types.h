#ifndef NFSUITE_SERVICE_NFS_NFS3_TYPES_H_
#define NFSUITE_SERVICE_NFS_NFS3_TYPES_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"
#include "common/nfs/file_handle.h"
#include "service/nfs/nfs_status.h"

// The wire types of NFS version 3 (RFC 1813), one C++ type per XDR type the 22 procedures use,
// named after the RFC's type in CamelCase. The codecs are in nfs3_xdr.h.
//
// Every XDR union that carries data on one arm only is a std::optional; the results of the
// procedures are Result3, whose failure arm carries what the RFC requires a failing reply to
// carry (wcc_data, post_op_attr), so a procedure cannot answer an error without it.
namespace nfsuite::nfs {

inline constexpr uint32_t kNfsProgram = 100003;
inline constexpr uint32_t kNfsVersion3 = 3;

// Procedure numbers (RFC 1813 section 3.3).
namespace nfs3_proc {
inline constexpr uint32_t kNull = 0, kGetattr = 1, kSetattr = 2, kLookup = 3, kAccess = 4,
                          kReadlink = 5, kRead = 6, kWrite = 7, kCreate = 8, kMkdir = 9,
                          kSymlink = 10, kMknod = 11, kRemove = 12, kRmdir = 13, kRename = 14,
                          kLink = 15, kReaddir = 16, kReaddirplus = 17, kFsstat = 18, kFsinfo = 19,
                          kPathconf = 20, kCommit = 21;
inline constexpr uint32_t kCount = 22;
}  // namespace nfs3_proc

// Bounds the codec enforces on lengths the RFC leaves open (section 2.5 filename3, nfspath3).
// They are deliberately looser than the server's own limits: a name of 256..1024 bytes, or one
// with '/' or NUL, must reach the procedure so that it can answer NAMETOOLONG or ACCES as the
// RFC asks, instead of the whole call being refused as GARBAGE_ARGS.
inline constexpr size_t kMaxFilenameWireSize = 1024;
inline constexpr size_t kMaxPathWireSize = 4096;
// The largest READ or WRITE payload the codec carries. WRITE data over it fails to decode; the
// server's FSINFO rtmax/wtmax never exceed it.
inline constexpr uint32_t kMaxTransferSize = 1024 * 1024;
// Client side: the most READDIR/READDIRPLUS entries one decoded reply may hold. A 1 MiB reply
// of the smallest entries (24 bytes) holds under 44000; the bound caps memory on hostile input.
inline constexpr size_t kMaxDecodedDirEntries = 65536;

// ACCESS bits (section 3.3.4).
inline constexpr uint32_t kAccess3Read = 0x0001;
inline constexpr uint32_t kAccess3Lookup = 0x0002;
inline constexpr uint32_t kAccess3Modify = 0x0004;
inline constexpr uint32_t kAccess3Extend = 0x0008;
inline constexpr uint32_t kAccess3Delete = 0x0010;
inline constexpr uint32_t kAccess3Execute = 0x0020;

// FSINFO properties (section 3.3.19).
inline constexpr uint32_t kFsf3Link = 0x0001;
inline constexpr uint32_t kFsf3Symlink = 0x0002;
inline constexpr uint32_t kFsf3Homogeneous = 0x0008;
inline constexpr uint32_t kFsf3CanSetTime = 0x0010;

// ---- Basic data types (section 2.5) ----

// cookieverf3, createverf3, writeverf3: opaque[NFS3_*VERFSIZE], all 8 bytes.
using CookieVerf3 = std::array<uint8_t, 8>;
using CreateVerf3 = std::array<uint8_t, 8>;
using WriteVerf3 = std::array<uint8_t, 8>;

enum class Ftype3 : uint32_t {
  kReg = 1,
  kDir = 2,
  kBlk = 3,
  kChr = 4,
  kLnk = 5,
  kSock = 6,
  kFifo = 7,
};

struct Specdata3 {
  uint32_t specdata1 = 0;  // major number of a device
  uint32_t specdata2 = 0;  // minor number

  bool operator==(const Specdata3&) const = default;
};

// nfs_fh3: opaque data<NFS3_FHSIZE>. Decoding refuses a handle over 64 bytes, and an empty one
// in a reply; in a call an empty handle is WebNFS's public handle.
struct NfsFh3 {
  absl::InlinedVector<uint8_t, kNfs3MaxHandleSize> data;

  bool operator==(const NfsFh3&) const = default;
};

struct Nfstime3 {
  uint32_t seconds = 0;
  uint32_t nseconds = 0;

  bool operator==(const Nfstime3&) const = default;
};

struct Fattr3 {
  Ftype3 type = Ftype3::kReg;
  uint32_t mode = 0;
  uint32_t nlink = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  uint64_t used = 0;
  Specdata3 rdev;
  uint64_t fsid = 0;
  uint64_t fileid = 0;
  Nfstime3 atime;
  Nfstime3 mtime;
  Nfstime3 ctime;

  bool operator==(const Fattr3&) const = default;
};

// post_op_attr: attributes_follow → fattr3.
using PostOpAttr = std::optional<Fattr3>;

struct WccAttr {
  uint64_t size = 0;
  Nfstime3 mtime;
  Nfstime3 ctime;

  bool operator==(const WccAttr&) const = default;
};

// pre_op_attr: attributes_follow → wcc_attr.
using PreOpAttr = std::optional<WccAttr>;

struct WccData {
  PreOpAttr before;
  PostOpAttr after;

  bool operator==(const WccData&) const = default;
};

// post_op_fh3: handle_follows → nfs_fh3.
using PostOpFh3 = std::optional<NfsFh3>;

enum class TimeHow : uint32_t {
  kDontChange = 0,
  kSetToServerTime = 1,
  kSetToClientTime = 2,
};

// set_atime / set_mtime: `time` is on the wire, and meaningful, only with kSetToClientTime; the
// decoder leaves it zero otherwise.
struct SetTime {
  TimeHow how = TimeHow::kDontChange;
  Nfstime3 time;

  bool operator==(const SetTime&) const = default;
};

// sattr3: each field is changed only when present.
struct Sattr3 {
  std::optional<uint32_t> mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  std::optional<uint64_t> size;
  SetTime atime;
  SetTime mtime;

  bool operator==(const Sattr3&) const = default;
};

// diropargs3. `name` is passed through unchecked apart from its 1024-byte wire bound: the
// procedure answers NAMETOOLONG (over 255 bytes) and ACCES ('/' or NUL, empty) itself.
struct DirOpArgs3 {
  NfsFh3 dir;
  std::string name;

  bool operator==(const DirOpArgs3&) const = default;
};

enum class StableHow : uint32_t {
  kUnstable = 0,
  kDataSync = 1,
  kFileSync = 2,
};

enum class CreateMode3 : uint32_t {
  kUnchecked = 0,
  kGuarded = 1,
  kExclusive = 2,
};

// ---- Results ----

// XXX3res: `union switch (nfsstat3 status) { case NFS3_OK: XXX3resok; default: XXX3resfail; }`.
// Build with Success() or Failure(); `body` holds Ok exactly when status is kOk. Should the two
// ever disagree, the encoder still sends a well-formed failure (see nfs3_xdr.h), never a
// success the procedure did not mean.
template <typename Ok, typename Fail>
struct Result3 {
  Nfsstat3 status = Nfsstat3::kOk;
  std::variant<Ok, Fail> body;  // Ok exactly when status == kOk

  static Result3 Success(Ok ok) {
    Result3 result;
    result.status = Nfsstat3::kOk;
    result.body.template emplace<0>(std::move(ok));
    return result;
  }
  // `status` must not be kOk; if it is, the reply goes out as SERVERFAULT.
  static Result3 Failure(Nfsstat3 status, Fail fail) {
    Result3 result;
    result.status = status;
    result.body.template emplace<1>(std::move(fail));
    return result;
  }

  bool ok() const { return status == Nfsstat3::kOk && body.index() == 0; }
  // The arms; calling the one the result does not hold throws std::bad_variant_access.
  const Ok& resok() const { return std::get<0>(body); }
  const Fail& resfail() const { return std::get<1>(body); }

  bool operator==(const Result3&) const = default;
};

// ---- Procedure 1: GETATTR (section 3.3.1) ----
struct GetattrArgs {
  NfsFh3 object;

  bool operator==(const GetattrArgs&) const = default;
};
struct GetattrResOk {
  Fattr3 obj_attributes;

  bool operator==(const GetattrResOk&) const = default;
};
struct GetattrResFail {  // void
  bool operator==(const GetattrResFail&) const = default;
};
using GetattrRes = Result3<GetattrResOk, GetattrResFail>;

// ---- Procedure 2: SETATTR (section 3.3.2) ----
struct SetattrArgs {
  NfsFh3 object;
  Sattr3 new_attributes;
  // sattrguard3: when present, the change applies only if the object's ctime equals it
  // (otherwise NOT_SYNC).
  std::optional<Nfstime3> guard;

  bool operator==(const SetattrArgs&) const = default;
};
struct SetattrResOk {
  WccData obj_wcc;

  bool operator==(const SetattrResOk&) const = default;
};
struct SetattrResFail {
  WccData obj_wcc;

  bool operator==(const SetattrResFail&) const = default;
};
using SetattrRes = Result3<SetattrResOk, SetattrResFail>;

// ---- Procedure 3: LOOKUP (section 3.3.3) ----
struct LookupArgs {
  DirOpArgs3 what;

  bool operator==(const LookupArgs&) const = default;
};
struct LookupResOk {
  NfsFh3 object;
  PostOpAttr obj_attributes;
  PostOpAttr dir_attributes;

  bool operator==(const LookupResOk&) const = default;
};
struct LookupResFail {
  PostOpAttr dir_attributes;

  bool operator==(const LookupResFail&) const = default;
};
using LookupRes = Result3<LookupResOk, LookupResFail>;

// ---- Procedure 4: ACCESS (section 3.3.4) ----
struct AccessArgs {
  NfsFh3 object;
  uint32_t access = 0;  // kAccess3* bits asked about

  bool operator==(const AccessArgs&) const = default;
};
struct AccessResOk {
  PostOpAttr obj_attributes;
  uint32_t access = 0;  // the asked bits that are granted

  bool operator==(const AccessResOk&) const = default;
};
struct AccessResFail {
  PostOpAttr obj_attributes;

  bool operator==(const AccessResFail&) const = default;
};
using AccessRes = Result3<AccessResOk, AccessResFail>;

// ---- Procedure 5: READLINK (section 3.3.5) ----
struct ReadlinkArgs {
  NfsFh3 symlink;

  bool operator==(const ReadlinkArgs&) const = default;
};
struct ReadlinkResOk {
  PostOpAttr symlink_attributes;
  std::string data;  // nfspath3

  bool operator==(const ReadlinkResOk&) const = default;
};
struct ReadlinkResFail {
  PostOpAttr symlink_attributes;

  bool operator==(const ReadlinkResFail&) const = default;
};
using ReadlinkRes = Result3<ReadlinkResOk, ReadlinkResFail>;

// ---- Procedure 6: READ (section 3.3.6) ----
struct ReadArgs {
  NfsFh3 file;
  uint64_t offset = 0;
  uint32_t count = 0;

  bool operator==(const ReadArgs&) const = default;
};
// `data` is encoded by reference: the reply's gather list points into `data_owner`'s bytes (or
// whatever else `data_owner` keeps alive), so READ data is never copied on the server. `count`
// is sent as given and should equal data.size(). The client-side decoder copies the bytes into
// a new `data_owner`, so a decoded result does not depend on the reply buffer.
struct ReadResOk {
  PostOpAttr file_attributes;
  uint32_t count = 0;
  bool eof = false;
  std::shared_ptr<const std::vector<uint8_t>> data_owner;
  absl::Span<const uint8_t> data;

  // Equal when the wire values are: the data's bytes are compared, not where they live.
  friend bool operator==(const ReadResOk& a, const ReadResOk& b) {
    return a.file_attributes == b.file_attributes && a.count == b.count && a.eof == b.eof &&
           std::equal(a.data.begin(), a.data.end(), b.data.begin(), b.data.end());
  }
};
struct ReadResFail {
  PostOpAttr file_attributes;

  bool operator==(const ReadResFail&) const = default;
};
using ReadRes = Result3<ReadResOk, ReadResFail>;

// ---- Procedure 7: WRITE (section 3.3.7) ----
// `data` is a view into the call record (no copy), valid while the handler runs. The decoder
// refuses data over kMaxTransferSize; whether `count` matches data.size() is the procedure's
// to check.
struct WriteArgs {
  NfsFh3 file;
  uint64_t offset = 0;
  uint32_t count = 0;
  StableHow stable = StableHow::kUnstable;
  absl::Span<const uint8_t> data;

  // Equal when the wire values are: the data's bytes are compared, not where they live.
  friend bool operator==(const WriteArgs& a, const WriteArgs& b) {
    return a.file == b.file && a.offset == b.offset && a.count == b.count && a.stable == b.stable &&
           std::equal(a.data.begin(), a.data.end(), b.data.begin(), b.data.end());
  }
};
struct WriteResOk {
  WccData file_wcc;
  uint32_t count = 0;
  StableHow committed = StableHow::kUnstable;
  WriteVerf3 verf{};

  bool operator==(const WriteResOk&) const = default;
};
struct WriteResFail {
  WccData file_wcc;

  bool operator==(const WriteResFail&) const = default;
};
using WriteRes = Result3<WriteResOk, WriteResFail>;

// ---- Procedure 8: CREATE (section 3.3.8) ----
// createhow3: UNCHECKED and GUARDED carry obj_attributes, EXCLUSIVE carries verf. The other
// member is not on the wire and stays default when decoded.
struct CreateHow3 {
  CreateMode3 mode = CreateMode3::kUnchecked;
  Sattr3 obj_attributes;
  CreateVerf3 verf{};

  bool operator==(const CreateHow3&) const = default;
};
struct CreateArgs {
  DirOpArgs3 where;
  CreateHow3 how;

  bool operator==(const CreateArgs&) const = default;
};
struct CreateResOk {
  PostOpFh3 obj;
  PostOpAttr obj_attributes;
  WccData dir_wcc;

  bool operator==(const CreateResOk&) const = default;
};
struct CreateResFail {
  WccData dir_wcc;

  bool operator==(const CreateResFail&) const = default;
};
using CreateRes = Result3<CreateResOk, CreateResFail>;

// ---- Procedure 9: MKDIR (section 3.3.9) ----
struct MkdirArgs {
  DirOpArgs3 where;
  Sattr3 attributes;

  bool operator==(const MkdirArgs&) const = default;
};
struct MkdirResOk {
  PostOpFh3 obj;
  PostOpAttr obj_attributes;
  WccData dir_wcc;

  bool operator==(const MkdirResOk&) const = default;
};
struct MkdirResFail {
  WccData dir_wcc;

  bool operator==(const MkdirResFail&) const = default;
};
using MkdirRes = Result3<MkdirResOk, MkdirResFail>;

// ---- Procedure 10: SYMLINK (section 3.3.10) ----
struct SymlinkData3 {
  Sattr3 symlink_attributes;
  std::string symlink_data;  // nfspath3

  bool operator==(const SymlinkData3&) const = default;
};
struct SymlinkArgs {
  DirOpArgs3 where;
  SymlinkData3 symlink;

  bool operator==(const SymlinkArgs&) const = default;
};
struct SymlinkResOk {
  PostOpFh3 obj;
  PostOpAttr obj_attributes;
  WccData dir_wcc;

  bool operator==(const SymlinkResOk&) const = default;
};
struct SymlinkResFail {
  WccData dir_wcc;

  bool operator==(const SymlinkResFail&) const = default;
};
using SymlinkRes = Result3<SymlinkResOk, SymlinkResFail>;

// ---- Procedure 11: MKNOD (section 3.3.11) ----
// mknoddata3, a union on the type: CHR and BLK carry attributes and spec (devicedata3), SOCK and
// FIFO attributes only, REG, DIR and LNK nothing (they decode, and the procedure answers
// BADTYPE). Members not on the wire stay default when decoded.
struct MknodData3 {
  Ftype3 type = Ftype3::kFifo;
  Sattr3 attributes;  // dev_attributes or pipe_attributes
  Specdata3 spec;

  bool operator==(const MknodData3&) const = default;
};
struct MknodArgs {
  DirOpArgs3 where;
  MknodData3 what;

  bool operator==(const MknodArgs&) const = default;
};
struct MknodResOk {
  PostOpFh3 obj;
  PostOpAttr obj_attributes;
  WccData dir_wcc;

  bool operator==(const MknodResOk&) const = default;
};
struct MknodResFail {
  WccData dir_wcc;

  bool operator==(const MknodResFail&) const = default;
};
using MknodRes = Result3<MknodResOk, MknodResFail>;

// ---- Procedure 12: REMOVE (section 3.3.12) ----
struct RemoveArgs {
  DirOpArgs3 object;

  bool operator==(const RemoveArgs&) const = default;
};
struct RemoveResOk {
  WccData dir_wcc;

  bool operator==(const RemoveResOk&) const = default;
};
struct RemoveResFail {
  WccData dir_wcc;

  bool operator==(const RemoveResFail&) const = default;
};
using RemoveRes = Result3<RemoveResOk, RemoveResFail>;

// ---- Procedure 13: RMDIR (section 3.3.13) ----
struct RmdirArgs {
  DirOpArgs3 object;

  bool operator==(const RmdirArgs&) const = default;
};
struct RmdirResOk {
  WccData dir_wcc;

  bool operator==(const RmdirResOk&) const = default;
};
struct RmdirResFail {
  WccData dir_wcc;

  bool operator==(const RmdirResFail&) const = default;
};
using RmdirRes = Result3<RmdirResOk, RmdirResFail>;

// ---- Procedure 14: RENAME (section 3.3.14) ----
struct RenameArgs {
  DirOpArgs3 from;
  DirOpArgs3 to;

  bool operator==(const RenameArgs&) const = default;
};
struct RenameResOk {
  WccData fromdir_wcc;
  WccData todir_wcc;

  bool operator==(const RenameResOk&) const = default;
};
struct RenameResFail {
  WccData fromdir_wcc;
  WccData todir_wcc;

  bool operator==(const RenameResFail&) const = default;
};
using RenameRes = Result3<RenameResOk, RenameResFail>;

// ---- Procedure 15: LINK (section 3.3.15) ----
struct LinkArgs {
  NfsFh3 file;
  DirOpArgs3 link;

  bool operator==(const LinkArgs&) const = default;
};
struct LinkResOk {
  PostOpAttr file_attributes;
  WccData linkdir_wcc;

  bool operator==(const LinkResOk&) const = default;
};
struct LinkResFail {
  PostOpAttr file_attributes;
  WccData linkdir_wcc;

  bool operator==(const LinkResFail&) const = default;
};
using LinkRes = Result3<LinkResOk, LinkResFail>;

// ---- Procedure 16: READDIR (section 3.3.16) ----
struct ReaddirArgs {
  NfsFh3 dir;
  uint64_t cookie = 0;
  CookieVerf3 cookieverf{};
  uint32_t count = 0;  // the most bytes the whole ReaddirResOk may take (see sizing below)

  bool operator==(const ReaddirArgs&) const = default;
};
struct Entry3 {
  uint64_t fileid = 0;
  std::string name;  // filename3
  uint64_t cookie = 0;

  bool operator==(const Entry3&) const = default;
};
// READDIR3resok with its dirlist3 flattened: the entry chain is a vector.
struct ReaddirResOk {
  PostOpAttr dir_attributes;
  CookieVerf3 cookieverf{};
  std::vector<Entry3> entries;
  bool eof = false;

  bool operator==(const ReaddirResOk&) const = default;
};
struct ReaddirResFail {
  PostOpAttr dir_attributes;

  bool operator==(const ReaddirResFail&) const = default;
};
using ReaddirRes = Result3<ReaddirResOk, ReaddirResFail>;

// ---- Procedure 17: READDIRPLUS (section 3.3.17) ----
struct ReaddirplusArgs {
  NfsFh3 dir;
  uint64_t cookie = 0;
  CookieVerf3 cookieverf{};
  uint32_t dircount = 0;  // the most bytes of the entries' fileid, name and cookie parts
  uint32_t maxcount = 0;  // the most bytes the whole ReaddirplusResOk may take

  bool operator==(const ReaddirplusArgs&) const = default;
};
struct EntryPlus3 {
  uint64_t fileid = 0;
  std::string name;  // filename3
  uint64_t cookie = 0;
  PostOpAttr name_attributes;
  PostOpFh3 name_handle;

  bool operator==(const EntryPlus3&) const = default;
};
// READDIRPLUS3resok with its dirlistplus3 flattened: the entry chain is a vector.
struct ReaddirplusResOk {
  PostOpAttr dir_attributes;
  CookieVerf3 cookieverf{};
  std::vector<EntryPlus3> entries;
  bool eof = false;

  bool operator==(const ReaddirplusResOk&) const = default;
};
struct ReaddirplusResFail {
  PostOpAttr dir_attributes;

  bool operator==(const ReaddirplusResFail&) const = default;
};
using ReaddirplusRes = Result3<ReaddirplusResOk, ReaddirplusResFail>;

// ---- Procedure 18: FSSTAT (section 3.3.18) ----
struct FsstatArgs {
  NfsFh3 fsroot;

  bool operator==(const FsstatArgs&) const = default;
};
struct FsstatResOk {
  PostOpAttr obj_attributes;
  uint64_t tbytes = 0;
  uint64_t fbytes = 0;
  uint64_t abytes = 0;
  uint64_t tfiles = 0;
  uint64_t ffiles = 0;
  uint64_t afiles = 0;
  uint32_t invarsec = 0;

  bool operator==(const FsstatResOk&) const = default;
};
struct FsstatResFail {
  PostOpAttr obj_attributes;

  bool operator==(const FsstatResFail&) const = default;
};
using FsstatRes = Result3<FsstatResOk, FsstatResFail>;

// ---- Procedure 19: FSINFO (section 3.3.19) ----
struct FsinfoArgs {
  NfsFh3 fsroot;

  bool operator==(const FsinfoArgs&) const = default;
};
struct FsinfoResOk {
  PostOpAttr obj_attributes;
  uint32_t rtmax = 0;
  uint32_t rtpref = 0;
  uint32_t rtmult = 0;
  uint32_t wtmax = 0;
  uint32_t wtpref = 0;
  uint32_t wtmult = 0;
  uint32_t dtpref = 0;
  uint64_t maxfilesize = 0;
  Nfstime3 time_delta;
  uint32_t properties = 0;  // kFsf3* bits

  bool operator==(const FsinfoResOk&) const = default;
};
struct FsinfoResFail {
  PostOpAttr obj_attributes;

  bool operator==(const FsinfoResFail&) const = default;
};
using FsinfoRes = Result3<FsinfoResOk, FsinfoResFail>;

// ---- Procedure 20: PATHCONF (section 3.3.20) ----
struct PathconfArgs {
  NfsFh3 object;

  bool operator==(const PathconfArgs&) const = default;
};
struct PathconfResOk {
  PostOpAttr obj_attributes;
  uint32_t linkmax = 0;
  uint32_t name_max = 0;
  bool no_trunc = false;
  bool chown_restricted = false;
  bool case_insensitive = false;
  bool case_preserving = false;

  bool operator==(const PathconfResOk&) const = default;
};
struct PathconfResFail {
  PostOpAttr obj_attributes;

  bool operator==(const PathconfResFail&) const = default;
};
using PathconfRes = Result3<PathconfResOk, PathconfResFail>;

// ---- Procedure 21: COMMIT (section 3.3.21) ----
struct CommitArgs {
  NfsFh3 file;
  uint64_t offset = 0;
  uint32_t count = 0;  // 0: to the end of the file

  bool operator==(const CommitArgs&) const = default;
};
struct CommitResOk {
  WccData file_wcc;
  WriteVerf3 verf{};

  bool operator==(const CommitResOk&) const = default;
};
struct CommitResFail {
  WccData file_wcc;

  bool operator==(const CommitResFail&) const = default;
};
using CommitRes = Result3<CommitResOk, CommitResFail>;

// ---- Encoded sizes, for filling READDIR and READDIRPLUS replies to the client's limits ----
//
// READDIR's `count` bounds the encoded ReaddirResOk (READDIR3resok: everything after the status
// word). READDIRPLUS's `maxcount` bounds the encoded ReaddirplusResOk the same way, and its
// `dircount` bounds the sum of EntryPlus3DirectorySize over the entries returned. A procedure
// starts from ReaddirResOkFixedSize(dir_attributes) (or the plus variant) and adds an entry only
// while the totals stay within the limits.

inline constexpr size_t kFattr3EncodedSize = 84;  // 21 XDR words
inline constexpr size_t kWccAttrEncodedSize = 24;

size_t NfsFh3EncodedSize(const NfsFh3& handle);
size_t PostOpAttrEncodedSize(const PostOpAttr& attributes);
size_t PostOpFh3EncodedSize(const PostOpFh3& handle);
// The bytes of a filename3 or nfspath3: length word, bytes, padding.
size_t StringEncodedSize(size_t length);

// A ReaddirResOk with no entries: dir_attributes, cookieverf, the end-of-list FALSE and eof.
size_t ReaddirResOkFixedSize(const PostOpAttr& dir_attributes);
// What one entry adds to a ReaddirResOk: its list-link TRUE, fileid, name and cookie.
size_t Entry3EncodedSize(const Entry3& entry);

// A ReaddirplusResOk with no entries (the same layout as READDIR's).
size_t ReaddirplusResOkFixedSize(const PostOpAttr& dir_attributes);
// What one entry adds to a ReaddirplusResOk, attributes and handle included.
size_t EntryPlus3EncodedSize(const EntryPlus3& entry);
// What one entry counts against `dircount`: its fileid, name and cookie only.
size_t EntryPlus3DirectorySize(const EntryPlus3& entry);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFS3_TYPES_H_
