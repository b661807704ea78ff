#include "service/nfs/nfs3_service.h"

#include <sys/random.h>

#include "common/util/logging.h"
#include "service/nfs/nfs3_xdr.h"
#include "service/nfs/nfs_procedure_row.h"

namespace nfsuite::nfs {
namespace {

// Every NFS procedure may block on the filesystem.
constexpr rpc::ProcedurePolicies kIdempotent{rpc::ReplyCachePolicy::kNone, rpc::Execution::kWorker};
// Non-idempotent procedures: a retransmission gets the first reply (a retransmitted REMOVE must
// not answer NOENT).
constexpr rpc::ProcedurePolicies kChanging{rpc::ReplyCachePolicy::kCacheReply,
                                           rpc::Execution::kWorker};

}  // namespace

Nfs3Service::Nfs3Service(const CurrentExports& exports, const FileHandleCodec& handles,
                         uint32_t udp_transfer_size)
    : exports_(exports), resolver_(exports, handles), udp_transfer_size_(udp_transfer_size) {
  // A new verifier on every start tells clients that UNSTABLE data they sent before may be lost
  // and must be sent again (RFC 1813 3.3.7).
  if (getrandom(write_verifier_.data(), write_verifier_.size(), 0) !=
      static_cast<ssize_t>(write_verifier_.size())) {
    const int64_t now = absl::GetCurrentTimeNanos();
    for (size_t i = 0; i < write_verifier_.size(); ++i) write_verifier_[i] = now >> (8 * i);
  }
}

std::variant<Nfs3Service::Target, Nfsstat3> Nfs3Service::Resolve(const rpc::CallContext& context,
                                                                 const NfsFh3& handle) const {
  return Resolve(context, handle, resolver_.Snapshot());
}

// An empty handle is WebNFS's public handle (RFC 2055 section 5.2), as the resolver takes it.
std::variant<Nfs3Service::Target, Nfsstat3> Nfs3Service::Resolve(
    const rpc::CallContext& context, const NfsFh3& handle,
    std::shared_ptr<const ExportSnapshot> snapshot) const {
  return resolver_.Resolve(context, absl::MakeConstSpan(handle.data), std::move(snapshot));
}

std::optional<NfsFh3> Nfs3Service::HandleFor(const ServedExport& exported,
                                             const storage::ObjectId& object) const {
  std::optional<std::vector<uint8_t>> encoded =
      resolver_.HandleFor(exported, object, kNfs3MaxHandleSize);
  if (!encoded.has_value()) return std::nullopt;
  NfsFh3 handle;
  handle.data.assign(encoded->begin(), encoded->end());
  return handle;
}

PostOpAttr Nfs3Service::PostAttributes(const Target& target, const storage::Identity& who) const {
  storage::StorageResult<storage::Attributes> attributes =
      target.exported->backend->GetAttributes(who, target.object);
  if (!attributes.ok()) return std::nullopt;
  return ToFattr3(*attributes);
}

PreOpAttr Nfs3Service::PreAttributes(const Target& target, const storage::Identity& who) const {
  storage::StorageResult<storage::Attributes> attributes =
      target.exported->backend->GetAttributes(who, target.object);
  if (!attributes.ok()) return std::nullopt;
  return ToWccAttr(*attributes);
}

WccData Nfs3Service::Wcc(const PreOpAttr& before, const Target& target,
                         const storage::Identity& who) const {
  return {before, PostAttributes(target, who)};
}

Nfs3Service::Created Nfs3Service::Describe(const ServedExport& exported,
                                           const storage::NamedObject& object) const {
  return {HandleFor(exported, object.id), ToFattr3(object.attributes)};
}

rpc::ProgramVersion Nfs3Service::Version3() {
  rpc::ProgramVersion table{kNfsProgram, kNfsVersion3, "nfs", {}};
  table.procedures.resize(nfs3_proc::kCount);
  auto& p = table.procedures;
  using rpc::CallContext;
  // One row per procedure: the method with its codec (nfs_procedure_row.h).
  auto Row = [this](auto... row) { return NfsProcedureRow(this, row...); };
  p[nfs3_proc::kNull] = rpc::MakeProcedure(
      "NULL", &rpc::DecodeVoid, [](const CallContext&, const rpc::Void&) { return rpc::Void{}; },
      &rpc::EncodeVoid, {rpc::ReplyCachePolicy::kNone, rpc::Execution::kInline});
  p[nfs3_proc::kGetattr] =
      Row("GETATTR", &DecodeGetattrArgs, &Nfs3Service::Getattr, &EncodeGetattrRes, kIdempotent);
  p[nfs3_proc::kSetattr] =
      Row("SETATTR", &DecodeSetattrArgs, &Nfs3Service::Setattr, &EncodeSetattrRes, kChanging);
  p[nfs3_proc::kLookup] =
      Row("LOOKUP", &DecodeLookupArgs, &Nfs3Service::Lookup, &EncodeLookupRes, kIdempotent);
  p[nfs3_proc::kAccess] =
      Row("ACCESS", &DecodeAccessArgs, &Nfs3Service::Access, &EncodeAccessRes, kIdempotent);
  p[nfs3_proc::kReadlink] =
      Row("READLINK", &DecodeReadlinkArgs, &Nfs3Service::Readlink, &EncodeReadlinkRes, kIdempotent);
  p[nfs3_proc::kRead] =
      Row("READ", &DecodeReadArgs, &Nfs3Service::Read, &EncodeReadRes, kIdempotent);
  p[nfs3_proc::kWrite] =
      Row("WRITE", &DecodeWriteArgs, &Nfs3Service::Write, &EncodeWriteRes, kIdempotent);
  p[nfs3_proc::kCreate] =
      Row("CREATE", &DecodeCreateArgs, &Nfs3Service::Create, &EncodeCreateRes, kChanging);
  p[nfs3_proc::kMkdir] =
      Row("MKDIR", &DecodeMkdirArgs, &Nfs3Service::Mkdir, &EncodeMkdirRes, kChanging);
  p[nfs3_proc::kSymlink] =
      Row("SYMLINK", &DecodeSymlinkArgs, &Nfs3Service::Symlink, &EncodeSymlinkRes, kChanging);
  p[nfs3_proc::kMknod] =
      Row("MKNOD", &DecodeMknodArgs, &Nfs3Service::Mknod, &EncodeMknodRes, kChanging);
  p[nfs3_proc::kRemove] =
      Row("REMOVE", &DecodeRemoveArgs, &Nfs3Service::Remove, &EncodeRemoveRes, kChanging);
  p[nfs3_proc::kRmdir] =
      Row("RMDIR", &DecodeRmdirArgs, &Nfs3Service::Rmdir, &EncodeRmdirRes, kChanging);
  p[nfs3_proc::kRename] =
      Row("RENAME", &DecodeRenameArgs, &Nfs3Service::Rename, &EncodeRenameRes, kChanging);
  p[nfs3_proc::kLink] = Row("LINK", &DecodeLinkArgs, &Nfs3Service::Link, &EncodeLinkRes, kChanging);
  p[nfs3_proc::kReaddir] =
      Row("READDIR", &DecodeReaddirArgs, &Nfs3Service::Readdir, &EncodeReaddirRes, kIdempotent);
  p[nfs3_proc::kReaddirplus] = Row("READDIRPLUS", &DecodeReaddirplusArgs, &Nfs3Service::Readdirplus,
                                   &EncodeReaddirplusRes, kIdempotent);
  p[nfs3_proc::kFsstat] =
      Row("FSSTAT", &DecodeFsstatArgs, &Nfs3Service::Fsstat, &EncodeFsstatRes, kIdempotent);
  p[nfs3_proc::kFsinfo] =
      Row("FSINFO", &DecodeFsinfoArgs, &Nfs3Service::Fsinfo, &EncodeFsinfoRes, kIdempotent);
  p[nfs3_proc::kPathconf] =
      Row("PATHCONF", &DecodePathconfArgs, &Nfs3Service::Pathconf, &EncodePathconfRes, kIdempotent);
  p[nfs3_proc::kCommit] =
      Row("COMMIT", &DecodeCommitArgs, &Nfs3Service::Commit, &EncodeCommitRes, kIdempotent);
  return table;
}

}  // namespace nfsuite::nfs
