#include "service/nfs/nfs2_xdr.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "common/xdr/xdr_list.h"

namespace nfsuite::nfs::v2 {
namespace {

using xdr::XdrDecoder;
using xdr::XdrEncoder;

// Every type has a Put (encode) and a Get (decode) overload, found by ordinary lookup from the
// result template below.

void Put(XdrEncoder& e, const FHandle& v) { e.FixedOpaque(v.data); }
void Get(XdrDecoder& d, FHandle& v) {
  const absl::Span<const uint8_t> bytes = d.FixedOpaque(v.data.size());
  v.data.fill(0);
  std::copy(bytes.begin(), bytes.end(), v.data.begin());
}

void PutName(XdrEncoder& e, const std::string& name) { e.String(name); }
void GetName(XdrDecoder& d, std::string& name) { name = d.String(kMaxNameWireSize); }
void PutPath(XdrEncoder& e, const std::string& path) { e.String(path); }
void GetPath(XdrDecoder& d, std::string& path) { path = d.String(kMaxPathLength); }

void Put(XdrEncoder& e, const Timeval& v) {
  e.Uint32(v.seconds);
  e.Uint32(v.useconds);
}
void Get(XdrDecoder& d, Timeval& v) {
  v.seconds = d.Uint32();
  v.useconds = d.Uint32();
}

void Put(XdrEncoder& e, const Fattr& v) {
  e.Enum(static_cast<int32_t>(v.type));
  for (uint32_t field :
       {v.mode, v.nlink, v.uid, v.gid, v.size, v.blocksize, v.rdev, v.blocks, v.fsid, v.fileid}) {
    e.Uint32(field);
  }
  Put(e, v.atime);
  Put(e, v.mtime);
  Put(e, v.ctime);
}
void Get(XdrDecoder& d, Fattr& v) {
  v.type = static_cast<Ftype>(d.Enum({0, 1, 2, 3, 4, 5, 6}));
  for (uint32_t* field : {&v.mode, &v.nlink, &v.uid, &v.gid, &v.size, &v.blocksize, &v.rdev,
                          &v.blocks, &v.fsid, &v.fileid}) {
    *field = d.Uint32();
  }
  Get(d, v.atime);
  Get(d, v.mtime);
  Get(d, v.ctime);
}

void Put(XdrEncoder& e, const Sattr& v) {
  for (uint32_t field : {v.mode, v.uid, v.gid, v.size}) e.Uint32(field);
  Put(e, v.atime);
  Put(e, v.mtime);
}
void Get(XdrDecoder& d, Sattr& v) {
  for (uint32_t* field : {&v.mode, &v.uid, &v.gid, &v.size}) *field = d.Uint32();
  Get(d, v.atime);
  Get(d, v.mtime);
}

void Put(XdrEncoder& e, const DirOpArgs& v) {
  Put(e, v.dir);
  PutName(e, v.name);
}
void Get(XdrDecoder& d, DirOpArgs& v) {
  Get(d, v.dir);
  GetName(d, v.name);
}

void Put(XdrEncoder& e, const SattrArgs& v) {
  Put(e, v.file);
  Put(e, v.attributes);
}
void Get(XdrDecoder& d, SattrArgs& v) {
  Get(d, v.file);
  Get(d, v.attributes);
}

void Put(XdrEncoder& e, const ReadArgs& v) {
  Put(e, v.file);
  e.Uint32(v.offset);
  e.Uint32(v.count);
  e.Uint32(v.totalcount);
}
void Get(XdrDecoder& d, ReadArgs& v) {
  Get(d, v.file);
  v.offset = d.Uint32();
  v.count = d.Uint32();
  v.totalcount = d.Uint32();
}

void Put(XdrEncoder& e, const WriteArgs& v) {
  Put(e, v.file);
  e.Uint32(v.beginoffset);
  e.Uint32(v.offset);
  e.Uint32(v.totalcount);
  e.Opaque(v.data);
}
void Get(XdrDecoder& d, WriteArgs& v) {
  Get(d, v.file);
  v.beginoffset = d.Uint32();
  v.offset = d.Uint32();
  v.totalcount = d.Uint32();
  v.data = d.Opaque(kMaxData);  // a view into the call record
}

void Put(XdrEncoder& e, const CreateArgs& v) {
  Put(e, v.where);
  Put(e, v.attributes);
}
void Get(XdrDecoder& d, CreateArgs& v) {
  Get(d, v.where);
  Get(d, v.attributes);
}

void Put(XdrEncoder& e, const RenameArgs& v) {
  Put(e, v.from);
  Put(e, v.to);
}
void Get(XdrDecoder& d, RenameArgs& v) {
  Get(d, v.from);
  Get(d, v.to);
}

void Put(XdrEncoder& e, const LinkArgs& v) {
  Put(e, v.from);
  Put(e, v.to);
}
void Get(XdrDecoder& d, LinkArgs& v) {
  Get(d, v.from);
  Get(d, v.to);
}

void Put(XdrEncoder& e, const SymlinkArgs& v) {
  Put(e, v.from);
  PutPath(e, v.to);
  Put(e, v.attributes);
}
void Get(XdrDecoder& d, SymlinkArgs& v) {
  Get(d, v.from);
  GetPath(d, v.to);
  Get(d, v.attributes);
}

void Put(XdrEncoder& e, const ReaddirArgs& v) {
  Put(e, v.dir);
  e.Uint32(v.cookie);  // 4 opaque bytes, big-endian: the same bytes as the number
  e.Uint32(v.count);
}
void Get(XdrDecoder& d, ReaddirArgs& v) {
  Get(d, v.dir);
  v.cookie = d.Uint32();
  v.count = d.Uint32();
}

// ---- Result bodies ----

void Put(XdrEncoder& e, const DirOpOk& v) {
  Put(e, v.file);
  Put(e, v.attributes);
}
void Get(XdrDecoder& d, DirOpOk& v) {
  Get(d, v.file);
  Get(d, v.attributes);
}

void Put(XdrEncoder& e, const std::string& path) { PutPath(e, path); }
void Get(XdrDecoder& d, std::string& path) { GetPath(d, path); }

void Put(XdrEncoder& e, const ReadOk& v) {
  Put(e, v.attributes);
  if (v.data_owner != nullptr) {
    e.OpaqueByReference(v.data, v.data_owner);
  } else {
    e.Opaque(v.data);
  }
}
void Get(XdrDecoder& d, ReadOk& v) {
  Get(d, v.attributes);
  // A copy: the decoded result must not depend on the lifetime of the reply buffer.
  const absl::Span<const uint8_t> bytes = d.Opaque(kMaxData);
  auto owner = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  v.data = absl::MakeConstSpan(*owner);
  v.data_owner = std::move(owner);
}

void Put(XdrEncoder& e, const ReaddirOk& v) {
  xdr::EncodeList(e, v.entries, [&e](const Entry& entry) {
    e.Uint32(entry.fileid);
    PutName(e, entry.name);
    e.Uint32(entry.cookie);
  });
  e.Bool(v.eof);
}
void Get(XdrDecoder& d, ReaddirOk& v) {
  xdr::DecodeList(d, v.entries, kMaxDecodedDirEntries, [&d](Entry& entry) {
    entry.fileid = d.Uint32();
    GetName(d, entry.name);
    entry.cookie = d.Uint32();
  });
  v.eof = d.Bool();
}

void Put(XdrEncoder& e, const StatfsOk& v) {
  for (uint32_t field : {v.tsize, v.bsize, v.blocks, v.bfree, v.bavail}) e.Uint32(field);
}
void Get(XdrDecoder& d, StatfsOk& v) {
  for (uint32_t* field : {&v.tsize, &v.bsize, &v.blocks, &v.bfree, &v.bavail}) *field = d.Uint32();
}

template <typename Ok>
void PutResult(XdrEncoder& e, const Result2<Ok>& result) {
  if (result.status == Nfsstat2::kOk && result.body.has_value()) {
    e.Uint32(static_cast<uint32_t>(Nfsstat2::kOk));
    Put(e, *result.body);
    return;
  }
  // An OK without a body cannot go out as NFS_OK: the client would read a body that is not
  // there.
  const Nfsstat2 status = result.status == Nfsstat2::kOk ? Nfsstat2::kIo : result.status;
  e.Uint32(static_cast<uint32_t>(status));
}

// Any non-zero status is a failure, so that a status this code does not know is still reported.
template <typename Ok>
void GetResult(XdrDecoder& d, Result2<Ok>& result) {
  result.status = static_cast<Nfsstat2>(d.Uint32());
  result.body.reset();
  if (d.ok() && result.status == Nfsstat2::kOk) Get(d, result.body.emplace());
}

}  // namespace

void DecodeFHandle(XdrDecoder& decoder, FHandle& handle) { Get(decoder, handle); }
void EncodeFHandle(XdrEncoder& encoder, const FHandle& handle) { Put(encoder, handle); }
void DecodeSattrArgs(XdrDecoder& decoder, SattrArgs& args) { Get(decoder, args); }
void EncodeSattrArgs(XdrEncoder& encoder, const SattrArgs& args) { Put(encoder, args); }
void DecodeDirOpArgs(XdrDecoder& decoder, DirOpArgs& args) { Get(decoder, args); }
void EncodeDirOpArgs(XdrEncoder& encoder, const DirOpArgs& args) { Put(encoder, args); }
void DecodeReadArgs(XdrDecoder& decoder, ReadArgs& args) { Get(decoder, args); }
void EncodeReadArgs(XdrEncoder& encoder, const ReadArgs& args) { Put(encoder, args); }
void DecodeWriteArgs(XdrDecoder& decoder, WriteArgs& args) { Get(decoder, args); }
void EncodeWriteArgs(XdrEncoder& encoder, const WriteArgs& args) { Put(encoder, args); }
void DecodeCreateArgs(XdrDecoder& decoder, CreateArgs& args) { Get(decoder, args); }
void EncodeCreateArgs(XdrEncoder& encoder, const CreateArgs& args) { Put(encoder, args); }
void DecodeRenameArgs(XdrDecoder& decoder, RenameArgs& args) { Get(decoder, args); }
void EncodeRenameArgs(XdrEncoder& encoder, const RenameArgs& args) { Put(encoder, args); }
void DecodeLinkArgs(XdrDecoder& decoder, LinkArgs& args) { Get(decoder, args); }
void EncodeLinkArgs(XdrEncoder& encoder, const LinkArgs& args) { Put(encoder, args); }
void DecodeSymlinkArgs(XdrDecoder& decoder, SymlinkArgs& args) { Get(decoder, args); }
void EncodeSymlinkArgs(XdrEncoder& encoder, const SymlinkArgs& args) { Put(encoder, args); }
void DecodeReaddirArgs(XdrDecoder& decoder, ReaddirArgs& args) { Get(decoder, args); }
void EncodeReaddirArgs(XdrEncoder& encoder, const ReaddirArgs& args) { Put(encoder, args); }

void EncodeAttrStat(XdrEncoder& encoder, const AttrStat& res) { PutResult(encoder, res); }
void DecodeAttrStat(XdrDecoder& decoder, AttrStat& res) { GetResult(decoder, res); }
void EncodeDirOpRes(XdrEncoder& encoder, const DirOpRes& res) { PutResult(encoder, res); }
void DecodeDirOpRes(XdrDecoder& decoder, DirOpRes& res) { GetResult(decoder, res); }
void EncodeReadlinkRes(XdrEncoder& encoder, const ReadlinkRes& res) { PutResult(encoder, res); }
void DecodeReadlinkRes(XdrDecoder& decoder, ReadlinkRes& res) { GetResult(decoder, res); }
void EncodeReadRes(XdrEncoder& encoder, const ReadRes& res) { PutResult(encoder, res); }
void DecodeReadRes(XdrDecoder& decoder, ReadRes& res) { GetResult(decoder, res); }
void EncodeStatRes(XdrEncoder& encoder, const StatRes& res) {
  encoder.Uint32(static_cast<uint32_t>(res.status));
}
void DecodeStatRes(XdrDecoder& decoder, StatRes& res) {
  res.status = static_cast<Nfsstat2>(decoder.Uint32());
}
void EncodeReaddirRes(XdrEncoder& encoder, const ReaddirRes& res) { PutResult(encoder, res); }
void DecodeReaddirRes(XdrDecoder& decoder, ReaddirRes& res) { GetResult(decoder, res); }
void EncodeStatfsRes(XdrEncoder& encoder, const StatfsRes& res) { PutResult(encoder, res); }
void DecodeStatfsRes(XdrDecoder& decoder, StatfsRes& res) { GetResult(decoder, res); }

}  // namespace nfsuite::nfs::v2
