#include "service/nfs/nfs2_service.h"

#include <algorithm>
#include <utility>

#include "service/nfs/nfs2_conversions.h"
#include "service/nfs/nfs2_xdr.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs_procedure_row.h"

namespace nfsuite::nfs {
namespace {

// Every NFS procedure may block on the filesystem.
constexpr rpc::ProcedurePolicies kIdempotent{rpc::ReplyCachePolicy::kNone, rpc::Execution::kWorker};
// Non-idempotent procedures: a retransmission gets the first reply (a retransmitted REMOVE must
// not answer NOENT). WRITE at an offset is idempotent, as in v3.
constexpr rpc::ProcedurePolicies kChanging{rpc::ReplyCachePolicy::kCacheReply,
                                           rpc::Execution::kWorker};
// NULL, and ROOT and WRITECACHE, which RFC 1094 declares obsolete and unused (section 2.2.3,
// 2.2.8): they answer void at once, as other servers do.
constexpr rpc::ProcedurePolicies kNothingToDo{rpc::ReplyCachePolicy::kNone,
                                              rpc::Execution::kInline};

rpc::Procedure VoidProcedure(const char* name) {
  return rpc::MakeProcedure(
      name, &rpc::DecodeVoid, [](const rpc::CallContext&, const rpc::Void&) { return rpc::Void{}; },
      &rpc::EncodeVoid, kNothingToDo);
}

}  // namespace

Nfs2Service::Nfs2Service(const CurrentExports& exports, const FileHandleCodec& handles)
    : resolver_(exports, handles) {}

std::variant<Nfs2Service::Target, Nfsstat2> Nfs2Service::Resolve(const rpc::CallContext& context,
                                                                 const v2::FHandle& handle) const {
  return Resolve(context, handle, resolver_.Snapshot());
}

std::variant<Nfs2Service::Target, Nfsstat2> Nfs2Service::Resolve(
    const rpc::CallContext& context, const v2::FHandle& handle,
    std::shared_ptr<const ExportSnapshot> snapshot) const {
  // The public handle is passed on as the resolver's empty handle.
  const absl::Span<const uint8_t> bytes =
      handle.IsPublic() ? absl::Span<const uint8_t>() : absl::MakeConstSpan(handle.data);
  auto resolved = resolver_.Resolve(context, bytes, std::move(snapshot));
  if (const Nfsstat3* error = std::get_if<Nfsstat3>(&resolved)) return ToNfsstat2(*error);
  return std::get<Target>(std::move(resolved));
}

std::optional<v2::FHandle> Nfs2Service::HandleFor(const ServedExport& exported,
                                                  const storage::ObjectId& object) const {
  std::optional<std::vector<uint8_t>> encoded =
      resolver_.HandleFor(exported, object, kNfs2HandleSize);
  if (!encoded.has_value() || encoded->size() != kNfs2HandleSize) return std::nullopt;
  v2::FHandle handle;
  std::copy(encoded->begin(), encoded->end(), handle.data.begin());
  return handle;
}

v2::AttrStat Nfs2Service::AttributesOf(const Target& target) const {
  storage::StorageResult<storage::Attributes> attributes =
      target.backend().GetAttributes(target.who(), target.object);
  if (!attributes.ok()) return v2::AttrStat::Failure(Nfsstat2FromErrno(attributes.error()));
  auto fattr = v2::ToFattr(*attributes);
  if (const Nfsstat2* error = std::get_if<Nfsstat2>(&fattr)) return v2::AttrStat::Failure(*error);
  return v2::AttrStat::Success(std::get<v2::Fattr>(fattr));
}

v2::DirOpRes Nfs2Service::Describe(const ServedExport& exported,
                                   const storage::NamedObject& object) const {
  auto fattr = v2::ToFattr(object.attributes);
  if (const Nfsstat2* error = std::get_if<Nfsstat2>(&fattr)) return v2::DirOpRes::Failure(*error);
  std::optional<v2::FHandle> handle = HandleFor(exported, object.id);
  // An object whose id does not fit a 32-byte handle (logged): v2 cannot name it.
  if (!handle.has_value()) return v2::DirOpRes::Failure(Nfsstat2::kIo);
  return v2::DirOpRes::Success({*handle, std::get<v2::Fattr>(fattr)});
}

rpc::ProgramVersion Nfs2Service::Version2() {
  rpc::ProgramVersion table{kNfsProgram, v2::kNfsVersion2, "nfs", {}};
  table.procedures.resize(v2::proc::kCount);
  auto& p = table.procedures;
  // One row per procedure: the method with its codec (nfs_procedure_row.h).
  auto Row = [this](auto... row) { return NfsProcedureRow(this, row...); };
  namespace proc = v2::proc;
  using Self = Nfs2Service;
  p[proc::kNull] = VoidProcedure("NULL");
  p[proc::kGetattr] =
      Row("GETATTR", &v2::DecodeFHandle, &Self::Getattr, &v2::EncodeAttrStat, kIdempotent);
  p[proc::kSetattr] =
      Row("SETATTR", &v2::DecodeSattrArgs, &Self::Setattr, &v2::EncodeAttrStat, kChanging);
  p[proc::kRoot] = VoidProcedure("ROOT");
  p[proc::kLookup] =
      Row("LOOKUP", &v2::DecodeDirOpArgs, &Self::Lookup, &v2::EncodeDirOpRes, kIdempotent);
  p[proc::kReadlink] =
      Row("READLINK", &v2::DecodeFHandle, &Self::Readlink, &v2::EncodeReadlinkRes, kIdempotent);
  p[proc::kRead] = Row("READ", &v2::DecodeReadArgs, &Self::Read, &v2::EncodeReadRes, kIdempotent);
  p[proc::kWritecache] = VoidProcedure("WRITECACHE");
  p[proc::kWrite] =
      Row("WRITE", &v2::DecodeWriteArgs, &Self::Write, &v2::EncodeAttrStat, kIdempotent);
  p[proc::kCreate] =
      Row("CREATE", &v2::DecodeCreateArgs, &Self::Create, &v2::EncodeDirOpRes, kChanging);
  p[proc::kRemove] =
      Row("REMOVE", &v2::DecodeDirOpArgs, &Self::Remove, &v2::EncodeStatRes, kChanging);
  p[proc::kRename] =
      Row("RENAME", &v2::DecodeRenameArgs, &Self::Rename, &v2::EncodeStatRes, kChanging);
  p[proc::kLink] = Row("LINK", &v2::DecodeLinkArgs, &Self::Link, &v2::EncodeStatRes, kChanging);
  p[proc::kSymlink] =
      Row("SYMLINK", &v2::DecodeSymlinkArgs, &Self::Symlink, &v2::EncodeStatRes, kChanging);
  p[proc::kMkdir] =
      Row("MKDIR", &v2::DecodeCreateArgs, &Self::Mkdir, &v2::EncodeDirOpRes, kChanging);
  p[proc::kRmdir] = Row("RMDIR", &v2::DecodeDirOpArgs, &Self::Rmdir, &v2::EncodeStatRes, kChanging);
  p[proc::kReaddir] =
      Row("READDIR", &v2::DecodeReaddirArgs, &Self::Readdir, &v2::EncodeReaddirRes, kIdempotent);
  p[proc::kStatfs] =
      Row("STATFS", &v2::DecodeFHandle, &Self::Statfs, &v2::EncodeStatfsRes, kIdempotent);
  return table;
}

}  // namespace nfsuite::nfs
