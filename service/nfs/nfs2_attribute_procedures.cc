// NFSv2 attribute and filesystem procedures (RFC 1094 sections 2.2.2, 2.2.3 and 2.2.18).
#include <limits>

#include "service/nfs/nfs2_conversions.h"
#include "service/nfs/nfs2_service.h"

namespace nfsuite::nfs {

// GETATTR (2.2.2).
v2::AttrStat Nfs2Service::Getattr(const rpc::CallContext& context, const v2::FHandle& args) {
  auto resolved = Resolve(context, args);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::AttrStat::Failure(*error);
  return AttributesOf(std::get<Target>(resolved));
}

// SETATTR (2.2.3): fields of -1 stay as they are; a size is at most 4 GiB - 1 by its width.
v2::AttrStat Nfs2Service::Setattr(const rpc::CallContext& context, const v2::SattrArgs& args) {
  auto resolved = Resolve(context, args.file);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::AttrStat::Failure(*error);
  const Target& target = std::get<Target>(resolved);
  if (target.read_only()) return v2::AttrStat::Failure(Nfsstat2::kRofs);
  storage::StorageResult<storage::Attributes> after = target.backend().SetAttributes(
      target.who(), target.object, v2::ToAttributeChanges(args.attributes));
  if (!after.ok()) return v2::AttrStat::Failure(Nfsstat2FromErrno(after.error()));
  auto fattr = v2::ToFattr(*after);
  if (auto* error = std::get_if<Nfsstat2>(&fattr)) return v2::AttrStat::Failure(*error);
  return v2::AttrStat::Success(std::get<v2::Fattr>(fattr));
}

// STATFS (2.2.18): the block size grows until the block counts fit their 32 bits, so a large
// filesystem is reported in large blocks, never as a truncated count.
v2::StatfsRes Nfs2Service::Statfs(const rpc::CallContext& context, const v2::FHandle& args) {
  auto resolved = Resolve(context, args);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::StatfsRes::Failure(*error);
  const Target& target = std::get<Target>(resolved);
  storage::StorageResult<storage::FilesystemStatistics> statistics =
      target.backend().Statistics(target.who(), target.object);
  if (!statistics.ok()) return v2::StatfsRes::Failure(Nfsstat2FromErrno(statistics.error()));
  uint64_t block_size = 4096;
  while (statistics->total_bytes / block_size > std::numeric_limits<uint32_t>::max()) {
    block_size *= 2;
  }
  v2::StatfsOk ok;
  ok.tsize = v2::kMaxData;
  ok.bsize = static_cast<uint32_t>(block_size);
  ok.blocks = static_cast<uint32_t>(statistics->total_bytes / block_size);
  ok.bfree = static_cast<uint32_t>(statistics->free_bytes / block_size);
  ok.bavail = static_cast<uint32_t>(statistics->available_bytes / block_size);
  return v2::StatfsRes::Success(ok);
}

}  // namespace nfsuite::nfs
