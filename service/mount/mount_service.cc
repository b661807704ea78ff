#include "service/mount/mount_service.h"

#include <sys/stat.h>

#include <cerrno>

#include "common/util/logging.h"

namespace nfsuite::mount {
namespace {

using rpc::CallContext;
using rpc::Void;

constexpr rpc::ProcedurePolicies kQuick{rpc::ReplyCachePolicy::kNone, rpc::Execution::kInline};
// Touches the filesystem or rewrites the mount list.
constexpr rpc::ProcedurePolicies kBlocking{rpc::ReplyCachePolicy::kNone, rpc::Execution::kWorker};

// Why a path that is not exported cannot be mounted, in RFC terms.
MountStat3 WhyNotExported(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return errno == ENOTDIR ? MountStat3::kNotDir : MountStat3::kNoEnt;
  }
  if (!S_ISDIR(info.st_mode)) return MountStat3::kNotDir;
  return MountStat3::kAcces;
}

}  // namespace

// MOUNTPROC3_MNT (RFC 1813 I.4.1): the root handle of an exported directory.
MountResult3 MountService::Mount(const CallContext& context, const std::string& path) {
  MountResult3 result;
  if (path.empty() || path[0] != '/') {
    result.status = MountStat3::kInval;
    return result;
  }
  const std::optional<std::string> normalized = NormalizeMountPath(path);
  if (!normalized.has_value()) {  // a ".." component: never resolved, never mountable
    result.status = MountStat3::kAcces;
    return result;
  }
  const std::optional<ExportPath> found = exports_.FindContaining(*normalized);
  if (!found.has_value()) {
    result.status = WhyNotExported(*normalized);
    Logf(LogLevel::kInfo, "refused mount of %s by %s: not exported", *normalized,
         context.origin.peer.ToString());
    return result;
  }
  const Export* exported = found->exported;
  // A directory below the export's root: resolved one component at a time through the backend,
  // which never follows a symlink and never leaves the export.
  storage::ObjectId object = exported->root;
  const storage::Identity root_identity;
  for (const std::string& component : found->components) {
    storage::StorageResult<storage::NamedObject> next =
        exported->backend->Lookup(root_identity, object, component);
    if (!next.ok()) {
      result.status = next.error() == ENOENT ? MountStat3::kNoEnt : MountStat3::kAcces;
      return result;
    }
    if (next->attributes.type != storage::FileType::kDirectory) {
      result.status = MountStat3::kNotDir;
      return result;
    }
    object = next->id;
  }
  nfs::HandleContents contents;
  contents.export_id = exported->id;
  contents.object_kind = object.kind;
  contents.object.assign(object.bytes.begin(), object.bytes.end());
  absl::StatusOr<std::vector<uint8_t>> handle = handles_.Encode(contents, nfs::kNfs3MaxHandleSize);
  if (!handle.ok()) {
    Logf(LogLevel::kError, "no handle for %s: %s", *normalized, handle.status().message());
    result.status = MountStat3::kServerFault;
    return result;
  }
  if (absl::Status saved = mounts_.Add({context.origin.peer.HostString(), *normalized});
      !saved.ok()) {
    Logf(LogLevel::kWarning, "mount list not saved: %s", saved.message());
  }
  Logf(LogLevel::kInfo, "%s mounted %s", context.origin.peer.HostString(), *normalized);
  result.status = MountStat3::kOk;
  result.handle.assign(handle->begin(), handle->end());
  result.auth_flavors = {static_cast<uint32_t>(rpc::AuthFlavor::kSys)};
  return result;
}

// MOUNTPROC3_DUMP (I.4.2).
std::vector<MountEntry> MountService::Dump() const { return mounts_.Snapshot(); }

// MOUNTPROC3_UMNT (I.4.3).
void MountService::Unmount(const CallContext& context, const std::string& path) {
  const std::string directory = NormalizeMountPath(path).value_or(path);
  if (absl::Status saved = mounts_.Remove({context.origin.peer.HostString(), directory});
      !saved.ok()) {
    Logf(LogLevel::kWarning, "mount list not saved: %s", saved.message());
  }
}

// MOUNTPROC3_UMNTALL (I.4.4).
void MountService::UnmountAll(const CallContext& context) {
  if (absl::Status saved = mounts_.RemoveHost(context.origin.peer.HostString()); !saved.ok()) {
    Logf(LogLevel::kWarning, "mount list not saved: %s", saved.message());
  }
}

// MOUNTPROC3_EXPORT (I.4.5). Every export is open to every client until the exports issue
// brings client lists; an empty group list says "everyone".
std::vector<ExportEntry> MountService::ExportList() const {
  std::vector<ExportEntry> list;
  for (const Export& exported : exports_.exports()) list.push_back({exported.path, {}});
  return list;
}

rpc::ProgramVersion MountService::Version3() {
  rpc::ProgramVersion table{kProgram, kVersion3, "mountd", {}};
  table.procedures.resize(6);
  table.procedures[proc::kNull] = rpc::MakeProcedure(
      "NULL", &rpc::DecodeVoid, [](const CallContext&, const Void&) { return Void{}; },
      &rpc::EncodeVoid, kQuick);
  table.procedures[proc::kMnt] = rpc::MakeProcedure(
      "MNT", &DecodeDirPath,
      [this](const CallContext& c, const std::string& path) { return Mount(c, path); },
      &EncodeMountResult3, kBlocking);
  table.procedures[proc::kDump] = rpc::MakeProcedure(
      "DUMP", &rpc::DecodeVoid, [this](const CallContext&, const Void&) { return Dump(); },
      &EncodeMountList, kQuick);
  table.procedures[proc::kUmnt] = rpc::MakeProcedure(
      "UMNT", &DecodeDirPath,
      [this](const CallContext& c, const std::string& path) {
        Unmount(c, path);
        return Void{};
      },
      &rpc::EncodeVoid, kBlocking);
  table.procedures[proc::kUmntAll] = rpc::MakeProcedure(
      "UMNTALL", &rpc::DecodeVoid,
      [this](const CallContext& c, const Void&) {
        UnmountAll(c);
        return Void{};
      },
      &rpc::EncodeVoid, kBlocking);
  table.procedures[proc::kExport] = rpc::MakeProcedure(
      "EXPORT", &rpc::DecodeVoid, [this](const CallContext&, const Void&) { return ExportList(); },
      &EncodeExportList, kQuick);
  return table;
}

}  // namespace nfsuite::mount
