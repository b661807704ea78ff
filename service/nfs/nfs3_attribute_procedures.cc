// NFSv3 attribute and filesystem procedures (RFC 1813 sections 3.3.1, 3.3.2, 3.3.4, 3.3.18-20).
#include <algorithm>
#include <limits>

#include "service/nfs/nfs3_service.h"
#include "service/nfs/nfs_status.h"

namespace nfsuite::nfs {

// GETATTR (3.3.1).
GetattrRes Nfs3Service::Getattr(const rpc::CallContext& context, const GetattrArgs& args) {
  auto resolved = Resolve(context, args.object);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return GetattrRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  storage::StorageResult<storage::Attributes> attributes =
      target.exported->backend->GetAttributes(target.who(), target.object);
  if (!attributes.ok()) return GetattrRes::Failure(Nfsstat3FromErrno(attributes.error()), {});
  return GetattrRes::Success({ToFattr3(*attributes)});
}

// SETATTR (3.3.2): with a guard, only when the object's ctime is still the client's.
SetattrRes Nfs3Service::Setattr(const rpc::CallContext& context, const SetattrArgs& args) {
  auto resolved = Resolve(context, args.object);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return SetattrRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  const storage::Identity& who = target.who();
  storage::StorageResult<storage::Attributes> before =
      target.exported->backend->GetAttributes(who, target.object);
  if (!before.ok()) return SetattrRes::Failure(Nfsstat3FromErrno(before.error()), {});
  const PreOpAttr pre = ToWccAttr(*before);
  if (target.read_only()) {
    return SetattrRes::Failure(Nfsstat3::kRofs, {{pre, ToFattr3(*before)}});
  }
  if (args.guard.has_value() && !(ToNfstime3(before->ctime) == *args.guard)) {
    return SetattrRes::Failure(Nfsstat3::kNotSync, {{pre, ToFattr3(*before)}});
  }
  storage::StorageResult<storage::Attributes> after = target.exported->backend->SetAttributes(
      who, target.object, ToAttributeChanges(args.new_attributes));
  if (!after.ok()) {
    return SetattrRes::Failure(Nfsstat3FromErrno(after.error()), {Wcc(pre, target, who)});
  }
  return SetattrRes::Success({{pre, ToFattr3(*after)}});
}

// ACCESS (3.3.4): computed for the caller's identity from the permission bits.
AccessRes Nfs3Service::Access(const rpc::CallContext& context, const AccessArgs& args) {
  auto resolved = Resolve(context, args.object);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return AccessRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  const storage::Identity& who = target.who();
  storage::StorageResult<storage::Attributes> attributes =
      target.exported->backend->GetAttributes(who, target.object);
  if (!attributes.ok()) return AccessRes::Failure(Nfsstat3FromErrno(attributes.error()), {});
  return AccessRes::Success(
      {ToFattr3(*attributes), GrantedAccess(*attributes, who, args.access, target.read_only())});
}

// FSSTAT (3.3.18).
FsstatRes Nfs3Service::Fsstat(const rpc::CallContext& context, const FsstatArgs& args) {
  auto resolved = Resolve(context, args.fsroot);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return FsstatRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  const storage::Identity& who = target.who();
  storage::StorageResult<storage::FilesystemStatistics> statistics =
      target.exported->backend->Statistics(who, target.object);
  if (!statistics.ok()) {
    return FsstatRes::Failure(Nfsstat3FromErrno(statistics.error()), {PostAttributes(target, who)});
  }
  FsstatResOk ok;
  ok.obj_attributes = PostAttributes(target, who);
  ok.tbytes = statistics->total_bytes;
  ok.fbytes = statistics->free_bytes;
  ok.abytes = statistics->available_bytes;
  ok.tfiles = statistics->total_files;
  ok.ffiles = statistics->free_files;
  ok.afiles = statistics->available_files;
  ok.invarsec = 0;  // the figures change at any moment
  return FsstatRes::Success(std::move(ok));
}

// FSINFO (3.3.19): transfers up to 1 MiB (on UDP, the datagram limit: the client asks over the
// transport it will use), nanosecond times, links and symlinks supported.
FsinfoRes Nfs3Service::Fsinfo(const rpc::CallContext& context, const FsinfoArgs& args) {
  auto resolved = Resolve(context, args.fsroot);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return FsinfoRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  FsinfoResOk ok;
  ok.obj_attributes = PostAttributes(target, target.who());
  const uint32_t limit = TransferLimit(context);
  ok.rtmax = ok.rtpref = limit;
  ok.wtmax = ok.wtpref = limit;
  ok.rtmult = ok.wtmult = 4096;
  ok.dtpref = std::min<uint32_t>(64 * 1024, limit);
  ok.maxfilesize = std::numeric_limits<int64_t>::max();
  ok.time_delta = {0, 1};
  ok.properties = kFsf3Link | kFsf3Symlink | kFsf3Homogeneous | kFsf3CanSetTime;
  return FsinfoRes::Success(std::move(ok));
}

// PATHCONF (3.3.20): the POSIX limits of Linux filesystems.
PathconfRes Nfs3Service::Pathconf(const rpc::CallContext& context, const PathconfArgs& args) {
  auto resolved = Resolve(context, args.object);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return PathconfRes::Failure(*error, {});
  const Target& target = std::get<Target>(resolved);
  PathconfResOk ok;
  ok.obj_attributes = PostAttributes(target, target.who());
  ok.linkmax = 65000;  // ext4's limit; others are higher
  ok.name_max = 255;
  ok.no_trunc = true;
  ok.chown_restricted = true;
  ok.case_insensitive = false;
  ok.case_preserving = true;
  return PathconfRes::Success(std::move(ok));
}

}  // namespace nfsuite::nfs
