#include "service/nfs/nfs3_xdr.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "common/xdr/xdr_list.h"

namespace nfsuite::nfs {
namespace {

using xdr::XdrDecoder;
using xdr::XdrEncoder;

// Every type has a Put (encode) and a Get (decode) overload, defined before the templates that
// use them: the templates at the end of this namespace find them by ordinary lookup (argument
// dependent lookup would not look into this unnamed namespace).

// ---- Section 2.5 basic data types ----

void Put(XdrEncoder& e, const NfsFh3& v) { e.Opaque(v.data); }
// In arguments a zero-length handle is WebNFS's public handle (RFC 2055 section 5.2), which the
// service resolves; a server never hands one out, so a reply carrying one (below) is malformed.
void Get(XdrDecoder& d, NfsFh3& v) {
  const absl::Span<const uint8_t> bytes = d.Opaque(kNfs3MaxHandleSize);
  v.data.assign(bytes.begin(), bytes.end());
}
void GetIssuedHandle(XdrDecoder& d, NfsFh3& v) {
  Get(d, v);
  if (d.ok() && v.data.empty()) d.Fail("empty nfs_fh3 in a reply");
}

void PutFilename(XdrEncoder& e, const std::string& name) { e.String(name); }
void GetFilename(XdrDecoder& d, std::string& name) { name = d.String(kMaxFilenameWireSize); }
void PutPath(XdrEncoder& e, const std::string& path) { e.String(path); }
void GetPath(XdrDecoder& d, std::string& path) { path = d.String(kMaxPathWireSize); }

void PutVerifier(XdrEncoder& e, const std::array<uint8_t, 8>& v) { e.FixedOpaque(v); }
void GetVerifier(XdrDecoder& d, std::array<uint8_t, 8>& v) {
  const absl::Span<const uint8_t> bytes = d.FixedOpaque(v.size());
  v.fill(0);
  std::copy(bytes.begin(), bytes.end(), v.begin());
}

void Put(XdrEncoder& e, Ftype3 v) { e.Enum(static_cast<int32_t>(v)); }
void Get(XdrDecoder& d, Ftype3& v) { v = static_cast<Ftype3>(d.Enum({1, 2, 3, 4, 5, 6, 7})); }

void Put(XdrEncoder& e, StableHow v) { e.Enum(static_cast<int32_t>(v)); }
void Get(XdrDecoder& d, StableHow& v) { v = static_cast<StableHow>(d.Enum({0, 1, 2})); }

void Put(XdrEncoder& e, const Specdata3& v) {
  e.Uint32(v.specdata1);
  e.Uint32(v.specdata2);
}
void Get(XdrDecoder& d, Specdata3& v) {
  v.specdata1 = d.Uint32();
  v.specdata2 = d.Uint32();
}

void Put(XdrEncoder& e, const Nfstime3& v) {
  e.Uint32(v.seconds);
  e.Uint32(v.nseconds);
}
void Get(XdrDecoder& d, Nfstime3& v) {
  v.seconds = d.Uint32();
  v.nseconds = d.Uint32();
}

void Put(XdrEncoder& e, const Fattr3& v) {
  Put(e, v.type);
  e.Uint32(v.mode);
  e.Uint32(v.nlink);
  e.Uint32(v.uid);
  e.Uint32(v.gid);
  e.Uint64(v.size);
  e.Uint64(v.used);
  Put(e, v.rdev);
  e.Uint64(v.fsid);
  e.Uint64(v.fileid);
  Put(e, v.atime);
  Put(e, v.mtime);
  Put(e, v.ctime);
}
void Get(XdrDecoder& d, Fattr3& v) {
  Get(d, v.type);
  v.mode = d.Uint32();
  v.nlink = d.Uint32();
  v.uid = d.Uint32();
  v.gid = d.Uint32();
  v.size = d.Uint64();
  v.used = d.Uint64();
  Get(d, v.rdev);
  v.fsid = d.Uint64();
  v.fileid = d.Uint64();
  Get(d, v.atime);
  Get(d, v.mtime);
  Get(d, v.ctime);
}

void Put(XdrEncoder& e, const WccAttr& v) {
  e.Uint64(v.size);
  Put(e, v.mtime);
  Put(e, v.ctime);
}
void Get(XdrDecoder& d, WccAttr& v) {
  v.size = d.Uint64();
  Get(d, v.mtime);
  Get(d, v.ctime);
}

// XDR unions on a bool with data on the TRUE arm only (post_op_attr, pre_op_attr, post_op_fh3,
// sattrguard3). Spelled out per type rather than as a template so that lookup stays simple.
void Put(XdrEncoder& e, const PostOpAttr& v) {
  e.Optional(v.has_value());
  if (v) Put(e, *v);
}
void Get(XdrDecoder& d, PostOpAttr& v) {
  v.reset();
  if (d.Optional()) Get(d, v.emplace());
}

void Put(XdrEncoder& e, const PreOpAttr& v) {
  e.Optional(v.has_value());
  if (v) Put(e, *v);
}
void Get(XdrDecoder& d, PreOpAttr& v) {
  v.reset();
  if (d.Optional()) Get(d, v.emplace());
}

void Put(XdrEncoder& e, const PostOpFh3& v) {
  e.Optional(v.has_value());
  if (v) Put(e, *v);
}
void Get(XdrDecoder& d, PostOpFh3& v) {
  v.reset();
  if (d.Optional()) GetIssuedHandle(d, v.emplace());
}

void Put(XdrEncoder& e, const std::optional<Nfstime3>& v) {
  e.Optional(v.has_value());
  if (v) Put(e, *v);
}
void Get(XdrDecoder& d, std::optional<Nfstime3>& v) {
  v.reset();
  if (d.Optional()) Get(d, v.emplace());
}

void Put(XdrEncoder& e, const WccData& v) {
  Put(e, v.before);
  Put(e, v.after);
}
void Get(XdrDecoder& d, WccData& v) {
  Get(d, v.before);
  Get(d, v.after);
}

// set_atime / set_mtime: the time follows only SET_TO_CLIENT_TIME.
void Put(XdrEncoder& e, const SetTime& v) {
  e.Enum(static_cast<int32_t>(v.how));
  if (v.how == TimeHow::kSetToClientTime) Put(e, v.time);
}
void Get(XdrDecoder& d, SetTime& v) {
  v.how = static_cast<TimeHow>(d.Enum({0, 1, 2}));
  v.time = {};
  if (v.how == TimeHow::kSetToClientTime) Get(d, v.time);
}

void Put(XdrEncoder& e, const Sattr3& v) {
  e.Optional(v.mode.has_value());
  if (v.mode) e.Uint32(*v.mode);
  e.Optional(v.uid.has_value());
  if (v.uid) e.Uint32(*v.uid);
  e.Optional(v.gid.has_value());
  if (v.gid) e.Uint32(*v.gid);
  e.Optional(v.size.has_value());
  if (v.size) e.Uint64(*v.size);
  Put(e, v.atime);
  Put(e, v.mtime);
}
void Get(XdrDecoder& d, Sattr3& v) {
  v = Sattr3{};
  if (d.Optional()) v.mode = d.Uint32();
  if (d.Optional()) v.uid = d.Uint32();
  if (d.Optional()) v.gid = d.Uint32();
  if (d.Optional()) v.size = d.Uint64();
  Get(d, v.atime);
  Get(d, v.mtime);
}

void Put(XdrEncoder& e, const DirOpArgs3& v) {
  Put(e, v.dir);
  PutFilename(e, v.name);
}
void Get(XdrDecoder& d, DirOpArgs3& v) {
  Get(d, v.dir);
  GetFilename(d, v.name);
}

// ---- 3.3.1 GETATTR ----

void Put(XdrEncoder& e, const GetattrArgs& v) { Put(e, v.object); }
void Get(XdrDecoder& d, GetattrArgs& v) { Get(d, v.object); }
void Put(XdrEncoder& e, const GetattrResOk& v) { Put(e, v.obj_attributes); }
void Get(XdrDecoder& d, GetattrResOk& v) { Get(d, v.obj_attributes); }
void Put(XdrEncoder&, const GetattrResFail&) {}
void Get(XdrDecoder&, GetattrResFail&) {}

// ---- 3.3.2 SETATTR ----

void Put(XdrEncoder& e, const SetattrArgs& v) {
  Put(e, v.object);
  Put(e, v.new_attributes);
  Put(e, v.guard);
}
void Get(XdrDecoder& d, SetattrArgs& v) {
  Get(d, v.object);
  Get(d, v.new_attributes);
  Get(d, v.guard);
}
void Put(XdrEncoder& e, const SetattrResOk& v) { Put(e, v.obj_wcc); }
void Get(XdrDecoder& d, SetattrResOk& v) { Get(d, v.obj_wcc); }
void Put(XdrEncoder& e, const SetattrResFail& v) { Put(e, v.obj_wcc); }
void Get(XdrDecoder& d, SetattrResFail& v) { Get(d, v.obj_wcc); }

// ---- 3.3.3 LOOKUP ----

void Put(XdrEncoder& e, const LookupArgs& v) { Put(e, v.what); }
void Get(XdrDecoder& d, LookupArgs& v) { Get(d, v.what); }
void Put(XdrEncoder& e, const LookupResOk& v) {
  Put(e, v.object);
  Put(e, v.obj_attributes);
  Put(e, v.dir_attributes);
}
void Get(XdrDecoder& d, LookupResOk& v) {
  GetIssuedHandle(d, v.object);
  Get(d, v.obj_attributes);
  Get(d, v.dir_attributes);
}
void Put(XdrEncoder& e, const LookupResFail& v) { Put(e, v.dir_attributes); }
void Get(XdrDecoder& d, LookupResFail& v) { Get(d, v.dir_attributes); }

// ---- 3.3.4 ACCESS ----

void Put(XdrEncoder& e, const AccessArgs& v) {
  Put(e, v.object);
  e.Uint32(v.access);
}
void Get(XdrDecoder& d, AccessArgs& v) {
  Get(d, v.object);
  v.access = d.Uint32();
}
void Put(XdrEncoder& e, const AccessResOk& v) {
  Put(e, v.obj_attributes);
  e.Uint32(v.access);
}
void Get(XdrDecoder& d, AccessResOk& v) {
  Get(d, v.obj_attributes);
  v.access = d.Uint32();
}
void Put(XdrEncoder& e, const AccessResFail& v) { Put(e, v.obj_attributes); }
void Get(XdrDecoder& d, AccessResFail& v) { Get(d, v.obj_attributes); }

// ---- 3.3.5 READLINK ----

void Put(XdrEncoder& e, const ReadlinkArgs& v) { Put(e, v.symlink); }
void Get(XdrDecoder& d, ReadlinkArgs& v) { Get(d, v.symlink); }
void Put(XdrEncoder& e, const ReadlinkResOk& v) {
  Put(e, v.symlink_attributes);
  PutPath(e, v.data);
}
void Get(XdrDecoder& d, ReadlinkResOk& v) {
  Get(d, v.symlink_attributes);
  GetPath(d, v.data);
}
void Put(XdrEncoder& e, const ReadlinkResFail& v) { Put(e, v.symlink_attributes); }
void Get(XdrDecoder& d, ReadlinkResFail& v) { Get(d, v.symlink_attributes); }

// ---- 3.3.6 READ ----

void Put(XdrEncoder& e, const ReadArgs& v) {
  Put(e, v.file);
  e.Uint64(v.offset);
  e.Uint32(v.count);
}
void Get(XdrDecoder& d, ReadArgs& v) {
  Get(d, v.file);
  v.offset = d.Uint64();
  v.count = d.Uint32();
}
void Put(XdrEncoder& e, const ReadResOk& v) {
  Put(e, v.file_attributes);
  e.Uint32(v.count);
  e.Bool(v.eof);
  // By reference when something keeps the bytes alive until the reply is sent; without an
  // owner nothing would, so the bytes are copied.
  if (v.data_owner != nullptr) {
    e.OpaqueByReference(v.data, v.data_owner);
  } else {
    e.Opaque(v.data);
  }
}
void Get(XdrDecoder& d, ReadResOk& v) {
  Get(d, v.file_attributes);
  v.count = d.Uint32();
  v.eof = d.Bool();
  // A copy: the decoded result must not depend on the lifetime of the reply buffer.
  const absl::Span<const uint8_t> bytes = d.Opaque(kMaxTransferSize);
  auto owner = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  v.data = absl::MakeConstSpan(*owner);
  v.data_owner = std::move(owner);
}
void Put(XdrEncoder& e, const ReadResFail& v) { Put(e, v.file_attributes); }
void Get(XdrDecoder& d, ReadResFail& v) { Get(d, v.file_attributes); }

// ---- 3.3.7 WRITE ----

void Put(XdrEncoder& e, const WriteArgs& v) {
  Put(e, v.file);
  e.Uint64(v.offset);
  e.Uint32(v.count);
  Put(e, v.stable);
  e.Opaque(v.data);
}
void Get(XdrDecoder& d, WriteArgs& v) {
  Get(d, v.file);
  v.offset = d.Uint64();
  v.count = d.Uint32();
  Get(d, v.stable);
  v.data = d.Opaque(kMaxTransferSize);  // a view into the call record
}
void Put(XdrEncoder& e, const WriteResOk& v) {
  Put(e, v.file_wcc);
  e.Uint32(v.count);
  Put(e, v.committed);
  PutVerifier(e, v.verf);
}
void Get(XdrDecoder& d, WriteResOk& v) {
  Get(d, v.file_wcc);
  v.count = d.Uint32();
  Get(d, v.committed);
  GetVerifier(d, v.verf);
}
void Put(XdrEncoder& e, const WriteResFail& v) { Put(e, v.file_wcc); }
void Get(XdrDecoder& d, WriteResFail& v) { Get(d, v.file_wcc); }

// ---- 3.3.8 CREATE ----

void Put(XdrEncoder& e, const CreateHow3& v) {
  e.Enum(static_cast<int32_t>(v.mode));
  if (v.mode == CreateMode3::kExclusive) {
    PutVerifier(e, v.verf);
  } else {
    Put(e, v.obj_attributes);
  }
}
void Get(XdrDecoder& d, CreateHow3& v) {
  v = CreateHow3{};
  v.mode = static_cast<CreateMode3>(d.Enum({0, 1, 2}));
  if (!d.ok()) return;
  if (v.mode == CreateMode3::kExclusive) {
    GetVerifier(d, v.verf);
  } else {
    Get(d, v.obj_attributes);
  }
}
void Put(XdrEncoder& e, const CreateArgs& v) {
  Put(e, v.where);
  Put(e, v.how);
}
void Get(XdrDecoder& d, CreateArgs& v) {
  Get(d, v.where);
  Get(d, v.how);
}

// CREATE, MKDIR, SYMLINK and MKNOD answer the same shape: {post_op_fh3 obj; post_op_attr
// obj_attributes; wcc_data dir_wcc} on success, {wcc_data dir_wcc} on failure.
template <typename T>
void PutNewObject(XdrEncoder& e, const T& v) {
  Put(e, v.obj);
  Put(e, v.obj_attributes);
  Put(e, v.dir_wcc);
}
template <typename T>
void GetNewObject(XdrDecoder& d, T& v) {
  Get(d, v.obj);
  Get(d, v.obj_attributes);
  Get(d, v.dir_wcc);
}

void Put(XdrEncoder& e, const CreateResOk& v) { PutNewObject(e, v); }
void Get(XdrDecoder& d, CreateResOk& v) { GetNewObject(d, v); }
void Put(XdrEncoder& e, const CreateResFail& v) { Put(e, v.dir_wcc); }
void Get(XdrDecoder& d, CreateResFail& v) { Get(d, v.dir_wcc); }

// ---- 3.3.9 MKDIR ----

void Put(XdrEncoder& e, const MkdirArgs& v) {
  Put(e, v.where);
  Put(e, v.attributes);
}
void Get(XdrDecoder& d, MkdirArgs& v) {
  Get(d, v.where);
  Get(d, v.attributes);
}
void Put(XdrEncoder& e, const MkdirResOk& v) { PutNewObject(e, v); }
void Get(XdrDecoder& d, MkdirResOk& v) { GetNewObject(d, v); }
void Put(XdrEncoder& e, const MkdirResFail& v) { Put(e, v.dir_wcc); }
void Get(XdrDecoder& d, MkdirResFail& v) { Get(d, v.dir_wcc); }

// ---- 3.3.10 SYMLINK ----

void Put(XdrEncoder& e, const SymlinkArgs& v) {
  Put(e, v.where);
  Put(e, v.symlink.symlink_attributes);
  PutPath(e, v.symlink.symlink_data);
}
void Get(XdrDecoder& d, SymlinkArgs& v) {
  Get(d, v.where);
  Get(d, v.symlink.symlink_attributes);
  GetPath(d, v.symlink.symlink_data);
}
void Put(XdrEncoder& e, const SymlinkResOk& v) { PutNewObject(e, v); }
void Get(XdrDecoder& d, SymlinkResOk& v) { GetNewObject(d, v); }
void Put(XdrEncoder& e, const SymlinkResFail& v) { Put(e, v.dir_wcc); }
void Get(XdrDecoder& d, SymlinkResFail& v) { Get(d, v.dir_wcc); }

// ---- 3.3.11 MKNOD ----

void Put(XdrEncoder& e, const MknodData3& v) {
  Put(e, v.type);
  switch (v.type) {
    case Ftype3::kChr:
    case Ftype3::kBlk:
      Put(e, v.attributes);
      Put(e, v.spec);
      break;
    case Ftype3::kSock:
    case Ftype3::kFifo:
      Put(e, v.attributes);
      break;
    default:
      break;
  }
}
void Get(XdrDecoder& d, MknodData3& v) {
  v = MknodData3{};
  Get(d, v.type);
  if (!d.ok()) return;
  switch (v.type) {
    case Ftype3::kChr:
    case Ftype3::kBlk:
      Get(d, v.attributes);
      Get(d, v.spec);
      break;
    case Ftype3::kSock:
    case Ftype3::kFifo:
      Get(d, v.attributes);
      break;
    default:  // REG, DIR, LNK: void; the procedure answers BADTYPE
      break;
  }
}
void Put(XdrEncoder& e, const MknodArgs& v) {
  Put(e, v.where);
  Put(e, v.what);
}
void Get(XdrDecoder& d, MknodArgs& v) {
  Get(d, v.where);
  Get(d, v.what);
}
void Put(XdrEncoder& e, const MknodResOk& v) { PutNewObject(e, v); }
void Get(XdrDecoder& d, MknodResOk& v) { GetNewObject(d, v); }
void Put(XdrEncoder& e, const MknodResFail& v) { Put(e, v.dir_wcc); }
void Get(XdrDecoder& d, MknodResFail& v) { Get(d, v.dir_wcc); }

// ---- 3.3.12 REMOVE and 3.3.13 RMDIR ----

void Put(XdrEncoder& e, const RemoveArgs& v) { Put(e, v.object); }
void Get(XdrDecoder& d, RemoveArgs& v) { Get(d, v.object); }
void Put(XdrEncoder& e, const RemoveResOk& v) { Put(e, v.dir_wcc); }
void Get(XdrDecoder& d, RemoveResOk& v) { Get(d, v.dir_wcc); }
void Put(XdrEncoder& e, const RemoveResFail& v) { Put(e, v.dir_wcc); }
void Get(XdrDecoder& d, RemoveResFail& v) { Get(d, v.dir_wcc); }

void Put(XdrEncoder& e, const RmdirArgs& v) { Put(e, v.object); }
void Get(XdrDecoder& d, RmdirArgs& v) { Get(d, v.object); }
void Put(XdrEncoder& e, const RmdirResOk& v) { Put(e, v.dir_wcc); }
void Get(XdrDecoder& d, RmdirResOk& v) { Get(d, v.dir_wcc); }
void Put(XdrEncoder& e, const RmdirResFail& v) { Put(e, v.dir_wcc); }
void Get(XdrDecoder& d, RmdirResFail& v) { Get(d, v.dir_wcc); }

// ---- 3.3.14 RENAME ----

void Put(XdrEncoder& e, const RenameArgs& v) {
  Put(e, v.from);
  Put(e, v.to);
}
void Get(XdrDecoder& d, RenameArgs& v) {
  Get(d, v.from);
  Get(d, v.to);
}
void Put(XdrEncoder& e, const RenameResOk& v) {
  Put(e, v.fromdir_wcc);
  Put(e, v.todir_wcc);
}
void Get(XdrDecoder& d, RenameResOk& v) {
  Get(d, v.fromdir_wcc);
  Get(d, v.todir_wcc);
}
void Put(XdrEncoder& e, const RenameResFail& v) {
  Put(e, v.fromdir_wcc);
  Put(e, v.todir_wcc);
}
void Get(XdrDecoder& d, RenameResFail& v) {
  Get(d, v.fromdir_wcc);
  Get(d, v.todir_wcc);
}

// ---- 3.3.15 LINK ----

void Put(XdrEncoder& e, const LinkArgs& v) {
  Put(e, v.file);
  Put(e, v.link);
}
void Get(XdrDecoder& d, LinkArgs& v) {
  Get(d, v.file);
  Get(d, v.link);
}
void Put(XdrEncoder& e, const LinkResOk& v) {
  Put(e, v.file_attributes);
  Put(e, v.linkdir_wcc);
}
void Get(XdrDecoder& d, LinkResOk& v) {
  Get(d, v.file_attributes);
  Get(d, v.linkdir_wcc);
}
void Put(XdrEncoder& e, const LinkResFail& v) {
  Put(e, v.file_attributes);
  Put(e, v.linkdir_wcc);
}
void Get(XdrDecoder& d, LinkResFail& v) {
  Get(d, v.file_attributes);
  Get(d, v.linkdir_wcc);
}

// ---- 3.3.16 READDIR and 3.3.17 READDIRPLUS ----

void Put(XdrEncoder& e, const Entry3& v) {
  e.Uint64(v.fileid);
  PutFilename(e, v.name);
  e.Uint64(v.cookie);
}
void Get(XdrDecoder& d, Entry3& v) {
  v.fileid = d.Uint64();
  GetFilename(d, v.name);
  v.cookie = d.Uint64();
}

void Put(XdrEncoder& e, const EntryPlus3& v) {
  e.Uint64(v.fileid);
  PutFilename(e, v.name);
  e.Uint64(v.cookie);
  Put(e, v.name_attributes);
  Put(e, v.name_handle);
}
void Get(XdrDecoder& d, EntryPlus3& v) {
  v.fileid = d.Uint64();
  GetFilename(d, v.name);
  v.cookie = d.Uint64();
  Get(d, v.name_attributes);
  Get(d, v.name_handle);
}

// dirlist3 / dirlistplus3: the entry chain ("entry3 *nextentry"), then eof. The wire does not
// bound the chain, so decoding does.
template <typename Entry>
void PutDirList(XdrEncoder& e, const std::vector<Entry>& entries, bool eof) {
  xdr::EncodeList(e, entries, [&](const Entry& entry) { Put(e, entry); });
  e.Bool(eof);
}
template <typename Entry>
void GetDirList(XdrDecoder& d, std::vector<Entry>& entries, bool& eof) {
  xdr::DecodeList(d, entries, kMaxDecodedDirEntries, [&](Entry& entry) { Get(d, entry); });
  eof = d.Bool();
}

void Put(XdrEncoder& e, const ReaddirArgs& v) {
  Put(e, v.dir);
  e.Uint64(v.cookie);
  PutVerifier(e, v.cookieverf);
  e.Uint32(v.count);
}
void Get(XdrDecoder& d, ReaddirArgs& v) {
  Get(d, v.dir);
  v.cookie = d.Uint64();
  GetVerifier(d, v.cookieverf);
  v.count = d.Uint32();
}
void Put(XdrEncoder& e, const ReaddirResOk& v) {
  Put(e, v.dir_attributes);
  PutVerifier(e, v.cookieverf);
  PutDirList(e, v.entries, v.eof);
}
void Get(XdrDecoder& d, ReaddirResOk& v) {
  Get(d, v.dir_attributes);
  GetVerifier(d, v.cookieverf);
  GetDirList(d, v.entries, v.eof);
}
void Put(XdrEncoder& e, const ReaddirResFail& v) { Put(e, v.dir_attributes); }
void Get(XdrDecoder& d, ReaddirResFail& v) { Get(d, v.dir_attributes); }

void Put(XdrEncoder& e, const ReaddirplusArgs& v) {
  Put(e, v.dir);
  e.Uint64(v.cookie);
  PutVerifier(e, v.cookieverf);
  e.Uint32(v.dircount);
  e.Uint32(v.maxcount);
}
void Get(XdrDecoder& d, ReaddirplusArgs& v) {
  Get(d, v.dir);
  v.cookie = d.Uint64();
  GetVerifier(d, v.cookieverf);
  v.dircount = d.Uint32();
  v.maxcount = d.Uint32();
}
void Put(XdrEncoder& e, const ReaddirplusResOk& v) {
  Put(e, v.dir_attributes);
  PutVerifier(e, v.cookieverf);
  PutDirList(e, v.entries, v.eof);
}
void Get(XdrDecoder& d, ReaddirplusResOk& v) {
  Get(d, v.dir_attributes);
  GetVerifier(d, v.cookieverf);
  GetDirList(d, v.entries, v.eof);
}
void Put(XdrEncoder& e, const ReaddirplusResFail& v) { Put(e, v.dir_attributes); }
void Get(XdrDecoder& d, ReaddirplusResFail& v) { Get(d, v.dir_attributes); }

// ---- 3.3.18 FSSTAT ----

void Put(XdrEncoder& e, const FsstatArgs& v) { Put(e, v.fsroot); }
void Get(XdrDecoder& d, FsstatArgs& v) { Get(d, v.fsroot); }
void Put(XdrEncoder& e, const FsstatResOk& v) {
  Put(e, v.obj_attributes);
  e.Uint64(v.tbytes);
  e.Uint64(v.fbytes);
  e.Uint64(v.abytes);
  e.Uint64(v.tfiles);
  e.Uint64(v.ffiles);
  e.Uint64(v.afiles);
  e.Uint32(v.invarsec);
}
void Get(XdrDecoder& d, FsstatResOk& v) {
  Get(d, v.obj_attributes);
  v.tbytes = d.Uint64();
  v.fbytes = d.Uint64();
  v.abytes = d.Uint64();
  v.tfiles = d.Uint64();
  v.ffiles = d.Uint64();
  v.afiles = d.Uint64();
  v.invarsec = d.Uint32();
}
void Put(XdrEncoder& e, const FsstatResFail& v) { Put(e, v.obj_attributes); }
void Get(XdrDecoder& d, FsstatResFail& v) { Get(d, v.obj_attributes); }

// ---- 3.3.19 FSINFO ----

void Put(XdrEncoder& e, const FsinfoArgs& v) { Put(e, v.fsroot); }
void Get(XdrDecoder& d, FsinfoArgs& v) { Get(d, v.fsroot); }
void Put(XdrEncoder& e, const FsinfoResOk& v) {
  Put(e, v.obj_attributes);
  e.Uint32(v.rtmax);
  e.Uint32(v.rtpref);
  e.Uint32(v.rtmult);
  e.Uint32(v.wtmax);
  e.Uint32(v.wtpref);
  e.Uint32(v.wtmult);
  e.Uint32(v.dtpref);
  e.Uint64(v.maxfilesize);
  Put(e, v.time_delta);
  e.Uint32(v.properties);
}
void Get(XdrDecoder& d, FsinfoResOk& v) {
  Get(d, v.obj_attributes);
  v.rtmax = d.Uint32();
  v.rtpref = d.Uint32();
  v.rtmult = d.Uint32();
  v.wtmax = d.Uint32();
  v.wtpref = d.Uint32();
  v.wtmult = d.Uint32();
  v.dtpref = d.Uint32();
  v.maxfilesize = d.Uint64();
  Get(d, v.time_delta);
  v.properties = d.Uint32();
}
void Put(XdrEncoder& e, const FsinfoResFail& v) { Put(e, v.obj_attributes); }
void Get(XdrDecoder& d, FsinfoResFail& v) { Get(d, v.obj_attributes); }

// ---- 3.3.20 PATHCONF ----

void Put(XdrEncoder& e, const PathconfArgs& v) { Put(e, v.object); }
void Get(XdrDecoder& d, PathconfArgs& v) { Get(d, v.object); }
void Put(XdrEncoder& e, const PathconfResOk& v) {
  Put(e, v.obj_attributes);
  e.Uint32(v.linkmax);
  e.Uint32(v.name_max);
  e.Bool(v.no_trunc);
  e.Bool(v.chown_restricted);
  e.Bool(v.case_insensitive);
  e.Bool(v.case_preserving);
}
void Get(XdrDecoder& d, PathconfResOk& v) {
  Get(d, v.obj_attributes);
  v.linkmax = d.Uint32();
  v.name_max = d.Uint32();
  v.no_trunc = d.Bool();
  v.chown_restricted = d.Bool();
  v.case_insensitive = d.Bool();
  v.case_preserving = d.Bool();
}
void Put(XdrEncoder& e, const PathconfResFail& v) { Put(e, v.obj_attributes); }
void Get(XdrDecoder& d, PathconfResFail& v) { Get(d, v.obj_attributes); }

// ---- 3.3.21 COMMIT ----

void Put(XdrEncoder& e, const CommitArgs& v) {
  Put(e, v.file);
  e.Uint64(v.offset);
  e.Uint32(v.count);
}
void Get(XdrDecoder& d, CommitArgs& v) {
  Get(d, v.file);
  v.offset = d.Uint64();
  v.count = d.Uint32();
}
void Put(XdrEncoder& e, const CommitResOk& v) {
  Put(e, v.file_wcc);
  PutVerifier(e, v.verf);
}
void Get(XdrDecoder& d, CommitResOk& v) {
  Get(d, v.file_wcc);
  GetVerifier(d, v.verf);
}
void Put(XdrEncoder& e, const CommitResFail& v) { Put(e, v.file_wcc); }
void Get(XdrDecoder& d, CommitResFail& v) { Get(d, v.file_wcc); }

// ---- XXX3res: union switch (nfsstat3 status) { NFS3_OK: resok; default: resfail } ----

template <typename Ok, typename Fail>
void PutResult(XdrEncoder& e, const Result3<Ok, Fail>& result) {
  if (const Ok* ok = std::get_if<0>(&result.body)) {
    if (result.status == Nfsstat3::kOk) {
      e.Uint32(static_cast<uint32_t>(Nfsstat3::kOk));
      Put(e, *ok);
    } else {
      // A failure status with a success body: honour the status. An empty failure arm is
      // always well formed (absent attributes, absent wcc data).
      e.Uint32(static_cast<uint32_t>(result.status));
      Put(e, Fail{});
    }
    return;
  }
  // A failure body must never go out as NFS3_OK: the client would parse it as a resok.
  const Nfsstat3 status = result.status == Nfsstat3::kOk ? Nfsstat3::kServerFault : result.status;
  e.Uint32(static_cast<uint32_t>(status));
  Put(e, std::get<1>(result.body));
}

template <typename Ok, typename Fail>
void GetResult(XdrDecoder& d, Result3<Ok, Fail>& result) {
  const uint32_t status = d.Uint32();
  result.status = static_cast<Nfsstat3>(status);
  if (status == static_cast<uint32_t>(Nfsstat3::kOk)) {
    Get(d, result.body.template emplace<0>());
  } else {
    Get(d, result.body.template emplace<1>());
  }
}

}  // namespace

// ---- Public codecs ----

void EncodeNfsFh3(XdrEncoder& encoder, const NfsFh3& handle) { Put(encoder, handle); }
void DecodeNfsFh3(XdrDecoder& decoder, NfsFh3& handle) { Get(decoder, handle); }
void EncodeFattr3(XdrEncoder& encoder, const Fattr3& attributes) { Put(encoder, attributes); }
void DecodeFattr3(XdrDecoder& decoder, Fattr3& attributes) { Get(decoder, attributes); }
void EncodePostOpAttr(XdrEncoder& encoder, const PostOpAttr& attributes) {
  Put(encoder, attributes);
}
void DecodePostOpAttr(XdrDecoder& decoder, PostOpAttr& attributes) { Get(decoder, attributes); }
void EncodeWccData(XdrEncoder& encoder, const WccData& wcc) { Put(encoder, wcc); }
void DecodeWccData(XdrDecoder& decoder, WccData& wcc) { Get(decoder, wcc); }
void EncodeSattr3(XdrEncoder& encoder, const Sattr3& attributes) { Put(encoder, attributes); }
void DecodeSattr3(XdrDecoder& decoder, Sattr3& attributes) { Get(decoder, attributes); }

// The four codecs of one procedure, all thin wrappers of the overloads above.
#define NFSUITE_NFS3_PROCEDURE_CODECS(Name)                                                    \
  void Decode##Name##Args(XdrDecoder& decoder, Name##Args& args) { Get(decoder, args); }       \
  void Encode##Name##Args(XdrEncoder& encoder, const Name##Args& args) { Put(encoder, args); } \
  void Decode##Name##Res(XdrDecoder& decoder, Name##Res& res) { GetResult(decoder, res); }     \
  void Encode##Name##Res(XdrEncoder& encoder, const Name##Res& res) { PutResult(encoder, res); }

NFSUITE_NFS3_PROCEDURE_CODECS(Getattr)
NFSUITE_NFS3_PROCEDURE_CODECS(Setattr)
NFSUITE_NFS3_PROCEDURE_CODECS(Lookup)
NFSUITE_NFS3_PROCEDURE_CODECS(Access)
NFSUITE_NFS3_PROCEDURE_CODECS(Readlink)
NFSUITE_NFS3_PROCEDURE_CODECS(Read)
NFSUITE_NFS3_PROCEDURE_CODECS(Write)
NFSUITE_NFS3_PROCEDURE_CODECS(Create)
NFSUITE_NFS3_PROCEDURE_CODECS(Mkdir)
NFSUITE_NFS3_PROCEDURE_CODECS(Symlink)
NFSUITE_NFS3_PROCEDURE_CODECS(Mknod)
NFSUITE_NFS3_PROCEDURE_CODECS(Remove)
NFSUITE_NFS3_PROCEDURE_CODECS(Rmdir)
NFSUITE_NFS3_PROCEDURE_CODECS(Rename)
NFSUITE_NFS3_PROCEDURE_CODECS(Link)
NFSUITE_NFS3_PROCEDURE_CODECS(Readdir)
NFSUITE_NFS3_PROCEDURE_CODECS(Readdirplus)
NFSUITE_NFS3_PROCEDURE_CODECS(Fsstat)
NFSUITE_NFS3_PROCEDURE_CODECS(Fsinfo)
NFSUITE_NFS3_PROCEDURE_CODECS(Pathconf)
NFSUITE_NFS3_PROCEDURE_CODECS(Commit)

#undef NFSUITE_NFS3_PROCEDURE_CODECS

// ---- Encoded sizes (declared in nfs3_types.h) ----

size_t StringEncodedSize(size_t length) { return 4 + length + xdr::PaddingFor(length); }

size_t NfsFh3EncodedSize(const NfsFh3& handle) { return StringEncodedSize(handle.data.size()); }

size_t PostOpAttrEncodedSize(const PostOpAttr& attributes) {
  return 4 + (attributes.has_value() ? kFattr3EncodedSize : 0);
}

size_t PostOpFh3EncodedSize(const PostOpFh3& handle) {
  return 4 + (handle.has_value() ? NfsFh3EncodedSize(*handle) : 0);
}

size_t ReaddirResOkFixedSize(const PostOpAttr& dir_attributes) {
  // dir_attributes, cookieverf (8), the FALSE ending the entry chain (4), eof (4).
  return PostOpAttrEncodedSize(dir_attributes) + 8 + 4 + 4;
}

size_t Entry3EncodedSize(const Entry3& entry) {
  // The TRUE that links it into the chain (4), fileid (8), name, cookie (8).
  return 4 + 8 + StringEncodedSize(entry.name.size()) + 8;
}

size_t ReaddirplusResOkFixedSize(const PostOpAttr& dir_attributes) {
  return ReaddirResOkFixedSize(dir_attributes);
}

size_t EntryPlus3EncodedSize(const EntryPlus3& entry) {
  return 4 + EntryPlus3DirectorySize(entry) + PostOpAttrEncodedSize(entry.name_attributes) +
         PostOpFh3EncodedSize(entry.name_handle);
}

size_t EntryPlus3DirectorySize(const EntryPlus3& entry) {
  return 8 + StringEncodedSize(entry.name.size()) + 8;
}

}  // namespace nfsuite::nfs
