// NFSv3 data procedures (RFC 1813 sections 3.3.5-3.3.7 and 3.3.21).
#include <algorithm>

#include "service/nfs/nfs3_service.h"
#include "service/nfs/nfs_status.h"

namespace nfsuite::nfs {
namespace {

storage::Stability ToStability(StableHow how) {
  switch (how) {
    case StableHow::kFileSync:
      return storage::Stability::kFileSync;
    case StableHow::kDataSync:
      return storage::Stability::kDataSync;
    case StableHow::kUnstable:
      break;
  }
  return storage::Stability::kUnstable;
}

}  // namespace

// READLINK (3.3.5).
ReadlinkRes Nfs3Service::Readlink(const rpc::CallContext& context, const ReadlinkArgs& args) {
  auto resolved = Resolve(context, args.symlink);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return ReadlinkRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  const storage::Identity& who = target.who();
  storage::StorageResult<std::string> link = target.exported->backend->ReadLink(who, target.object);
  if (!link.ok()) {
    return ReadlinkRes::Failure(Nfsstat3FromErrno(link.error()), {PostAttributes(target, who)});
  }
  return ReadlinkRes::Success({PostAttributes(target, who), std::move(*link)});
}

// READ (3.3.6): at most rtmax bytes (on UDP, what fits a datagram); eof exactly when the data
// reaches the end of the file. The data travels to the socket by reference.
ReadRes Nfs3Service::Read(const rpc::CallContext& context, const ReadArgs& args) {
  auto resolved = Resolve(context, args.file);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return ReadRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  const storage::Identity& who = target.who();
  storage::StorageResult<storage::ReadData> data = target.exported->backend->Read(
      who, target.object, args.offset, std::min(args.count, TransferLimit(context)));
  if (!data.ok()) {
    return ReadRes::Failure(Nfsstat3FromErrno(data.error()), {PostAttributes(target, who)});
  }
  ReadResOk ok;
  ok.file_attributes = PostAttributes(target, who);
  ok.data_owner = data->bytes;
  ok.data = *data->bytes;
  ok.count = static_cast<uint32_t>(ok.data.size());
  ok.eof = data->eof;
  return ReadRes::Success(std::move(ok));
}

// WRITE (3.3.7): UNSTABLE, DATA_SYNC and FILE_SYNC honoured; the verifier changes with every
// server start. Under an "async" rule (Linux's meaning) the reply claims the stability the client
// asked for while the data is left to the kernel's write-back: faster, and a crash of the server
// machine can lose writes the client believes stable, which is what that option's users accept.
WriteRes Nfs3Service::Write(const rpc::CallContext& context, const WriteArgs& args) {
  auto resolved = Resolve(context, args.file);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return WriteRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  const storage::Identity& who = target.who();
  const PreOpAttr before = PreAttributes(target, who);
  if (target.read_only()) {
    return WriteRes::Failure(Nfsstat3::kRofs, {Wcc(before, target, who)});
  }
  if (args.count != args.data.size()) {
    return WriteRes::Failure(Nfsstat3::kInval, {Wcc(before, target, who)});
  }
  const storage::Stability asked =
      target.synchronous() ? ToStability(args.stable) : storage::Stability::kUnstable;
  storage::StorageResult<storage::WriteOutcome> written =
      target.exported->backend->Write(who, target.object, args.offset, args.data, asked);
  if (!written.ok()) {
    return WriteRes::Failure(Nfsstat3FromErrno(written.error()), {Wcc(before, target, who)});
  }
  WriteResOk ok;
  ok.file_wcc = Wcc(before, target, who);
  ok.count = written->count;
  ok.committed = target.synchronous() ? static_cast<StableHow>(written->committed) : args.stable;
  ok.verf = write_verifier_;
  return WriteRes::Success(std::move(ok));
}

// COMMIT (3.3.21): returns only once the range is durable. Served on read-only exports too,
// unlike Linux nfsd: it changes nothing a client can see, and data written while the export was
// still read-write (UNSTABLE, before a table change) would otherwise never be confirmed stable.
// Under an "async" rule nothing is flushed (as Linux does), but the object must still be a file.
CommitRes Nfs3Service::Commit(const rpc::CallContext& context, const CommitArgs& args) {
  auto resolved = Resolve(context, args.file);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return CommitRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  const storage::Identity& who = target.who();
  const PreOpAttr before = PreAttributes(target, who);
  if (!target.synchronous()) {
    PostOpAttr after = PostAttributes(target, who);
    if (after.has_value() && after->type == Ftype3::kReg) {
      return CommitRes::Success({{before, std::move(after)}, write_verifier_});
    }
  }  // otherwise the backend's Commit says what is wrong
  storage::StorageStatus committed =
      target.exported->backend->Commit(who, target.object, args.offset, args.count);
  if (!committed.ok()) {
    return CommitRes::Failure(Nfsstat3FromErrno(committed.error()), {Wcc(before, target, who)});
  }
  return CommitRes::Success({Wcc(before, target, who), write_verifier_});
}

}  // namespace nfsuite::nfs
