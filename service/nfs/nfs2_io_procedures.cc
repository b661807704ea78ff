// NFSv2 data procedures (RFC 1094 sections 2.2.6, 2.2.7 and 2.2.9).
#include <algorithm>

#include "service/nfs/nfs2_conversions.h"
#include "service/nfs/nfs2_service.h"

namespace nfsuite::nfs {

// READLINK (2.2.6).
v2::ReadlinkRes Nfs2Service::Readlink(const rpc::CallContext& context, const v2::FHandle& args) {
  auto resolved = Resolve(context, args);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::ReadlinkRes::Failure(*error);
  const Target& target = std::get<Target>(resolved);
  storage::StorageResult<std::string> link = target.backend().ReadLink(target.who(), target.object);
  if (!link.ok()) return v2::ReadlinkRes::Failure(Nfsstat2FromErrno(link.error()));
  // A target longer than NFS_MAXPATHLEN cannot be sent; v2 has no better word for it.
  if (link->size() > v2::kMaxPathLength) return v2::ReadlinkRes::Failure(Nfsstat2::kNameTooLong);
  return v2::ReadlinkRes::Success(*std::move(link));
}

// READ (2.2.7): at most NFS_MAXDATA bytes, with the file's attributes after the read. The data
// travels to the socket by reference.
v2::ReadRes Nfs2Service::Read(const rpc::CallContext& context, const v2::ReadArgs& args) {
  auto resolved = Resolve(context, args.file);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::ReadRes::Failure(*error);
  const Target& target = std::get<Target>(resolved);
  storage::StorageResult<storage::ReadData> data = target.backend().Read(
      target.who(), target.object, args.offset, std::min(args.count, v2::kMaxData));
  if (!data.ok()) return v2::ReadRes::Failure(Nfsstat2FromErrno(data.error()));
  v2::AttrStat attributes = AttributesOf(target);
  if (!attributes.ok()) return v2::ReadRes::Failure(attributes.status);
  v2::ReadOk ok;
  ok.attributes = *attributes.body;
  ok.data_owner = data->bytes;
  ok.data = *data->bytes;
  return v2::ReadRes::Success(std::move(ok));
}

// WRITE (2.2.9): v2 has no COMMIT, so the data is on stable storage before the reply (under an
// "async" rule it is left to the kernel's write-back, as Linux does). v2 offsets and sizes are
// 32 bits: data that would end past 4 GiB - 1 is FBIG, never written short.
v2::AttrStat Nfs2Service::Write(const rpc::CallContext& context, const v2::WriteArgs& args) {
  auto resolved = Resolve(context, args.file);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::AttrStat::Failure(*error);
  const Target& target = std::get<Target>(resolved);
  if (target.read_only()) return v2::AttrStat::Failure(Nfsstat2::kRofs);
  if (uint64_t{args.offset} + args.data.size() > v2::kMaxFileSize) {
    return v2::AttrStat::Failure(Nfsstat2::kFBig);
  }
  const storage::Stability stability =
      target.synchronous() ? storage::Stability::kFileSync : storage::Stability::kUnstable;
  storage::StorageResult<storage::WriteOutcome> written =
      target.backend().Write(target.who(), target.object, args.offset, args.data, stability);
  if (!written.ok()) return v2::AttrStat::Failure(Nfsstat2FromErrno(written.error()));
  // A short write cannot be reported in v2 (the reply has no count): it is an error.
  if (written->count != args.data.size()) return v2::AttrStat::Failure(Nfsstat2::kNoSpc);
  return AttributesOf(target);
}

}  // namespace nfsuite::nfs
