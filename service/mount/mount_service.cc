#include "service/mount/mount_service.h"

#include <sys/stat.h>

#include <cerrno>

#include "common/exports/client_match.h"
#include "common/util/logging.h"

namespace nfsuite::mount {
namespace {

using rpc::CallContext;
using rpc::Void;

constexpr rpc::ProcedurePolicies kQuick{rpc::ReplyCachePolicy::kNone, rpc::Execution::kInline};
// Touches the filesystem, looks up names, or rewrites the mount list.
constexpr rpc::ProcedurePolicies kBlocking{rpc::ReplyCachePolicy::kNone, rpc::Execution::kWorker};
// Source ports below this one can only be bound by root on the client: `secure` asks for them.
constexpr uint16_t kFirstUnprivilegedPort = 1024;

// Why a path that is not exported cannot be mounted, in RFC terms.
MountStat3 WhyNotExported(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return errno == ENOTDIR ? MountStat3::kNotDir : MountStat3::kNoEnt;
  }
  if (!S_ISDIR(info.st_mode)) return MountStat3::kNotDir;
  return MountStat3::kAcces;
}

exports::IpAddress ClientAddress(const CallContext& context) {
  const rpc::SocketAddress& peer = context.origin.peer;
  return exports::IpAddress::FromSockaddr(peer.sockaddr_ptr(), peer.length())
      .value_or(exports::IpAddress());
}

}  // namespace

// MNT (RFC 1813 I.4.1, RFC 1094 A.3): the handle of an exported directory or one below it.
MountResult3 MountService::Mount(const CallContext& context, const std::string& path,
                                 size_t handle_size) {
  MountResult3 result;
  const std::string client = context.origin.peer.HostString();
  if (path.empty() || path[0] != '/') {
    result.status = MountStat3::kInval;
    return result;
  }
  const std::optional<std::string> normalized = NormalizeMountPath(path);
  if (!normalized.has_value()) {  // a ".." component: never resolved, never mountable
    result.status = MountStat3::kAcces;
    return result;
  }
  const LiveExports::Snapshot snapshot = exports_.Current();
  const std::optional<ExportPath> found = snapshot.table->FindContaining(*normalized);
  if (!found.has_value()) {
    result.status = WhyNotExported(*normalized);
    Logf(LogLevel::kInfo, "refused mount of %s by %s: not exported", *normalized, client);
    return result;
  }
  const Export* exported = found->exported;
  exports::ClientIdentity identity(ClientAddress(context), options_.reverse_resolver);
  const exports::ClientRule* rule = exports::MatchClient(exported->entry, identity);
  const char* refusal = nullptr;
  if (rule == nullptr) {
    refusal = "not in the export's client list";
  } else if (rule->options.secure && context.origin.peer.port() >= kFirstUnprivilegedPort) {
    refusal = "unprivileged source port on a secure export";
  } else if (!found->components.empty() && !rule->options.allow_subdirectory_mounts) {
    refusal = "subdirectory mounts are not allowed (noalldirs)";
  }
  if (refusal != nullptr) {
    Logf(LogLevel::kInfo, "refused mount of %s by %s: %s", *normalized,
         context.origin.peer.ToString(), refusal);
    result.status = MountStat3::kAcces;
    return result;
  }
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
  absl::StatusOr<std::vector<uint8_t>> handle = handles_.Encode(contents, handle_size);
  if (!handle.ok()) {
    Logf(LogLevel::kError, "no %zu-byte handle for %s: %s", handle_size, *normalized,
         handle.status().message());
    result.status = MountStat3::kServerFault;
    return result;
  }
  if (absl::Status saved = mounts_.Add({client, *normalized}); !saved.ok()) {
    Logf(LogLevel::kWarning, "mount list not saved: %s", saved.message());
  }
  Logf(LogLevel::kInfo, "%s mounted %s", client, *normalized);
  result.status = MountStat3::kOk;
  result.handle.assign(handle->begin(), handle->end());
  result.auth_flavors = {static_cast<uint32_t>(rpc::AuthFlavor::kSys)};
  return result;
}

// DUMP (I.4.2).
rpc::HandlerResult<std::vector<MountEntry>> MountService::Dump(const CallContext& context) const {
  using Lists = MountServiceOptions::Lists;
  if (options_.lists == Lists::kRefused) return rpc::Refused{};
  std::vector<MountEntry> mounts = mounts_.Snapshot();
  if (options_.lists == Lists::kRestricted) {
    const std::string client = context.origin.peer.HostString();
    std::erase_if(mounts, [&client](const MountEntry& entry) { return entry.hostname != client; });
  }
  return mounts;
}

// UMNT (I.4.3).
void MountService::Unmount(const CallContext& context, const std::string& path) {
  const std::string directory = NormalizeMountPath(path).value_or(path);
  if (absl::Status saved = mounts_.Remove({context.origin.peer.HostString(), directory});
      !saved.ok()) {
    Logf(LogLevel::kWarning, "mount list not saved: %s", saved.message());
  }
}

// UMNTALL (I.4.4).
void MountService::UnmountAll(const CallContext& context) {
  if (absl::Status saved = mounts_.RemoveHost(context.origin.peer.HostString()); !saved.ok()) {
    Logf(LogLevel::kWarning, "mount list not saved: %s", saved.message());
  }
}

// EXPORT (I.4.5): each export with its clients as the exports file writes them.
rpc::HandlerResult<std::vector<ExportEntry>> MountService::ExportList(
    const CallContext& context) const {
  using Lists = MountServiceOptions::Lists;
  if (options_.lists == Lists::kRefused) return rpc::Refused{};
  const LiveExports::Snapshot snapshot = exports_.Current();
  exports::ClientIdentity identity(ClientAddress(context), options_.reverse_resolver);
  std::vector<ExportEntry> list;
  for (const Export& exported : snapshot.table->exports()) {
    if (options_.lists == Lists::kRestricted &&
        exports::MatchClient(exported.entry, identity) == nullptr) {
      continue;
    }
    ExportEntry& entry = list.emplace_back();
    entry.directory = exported.path();
    for (const exports::ClientRule& rule : exported.entry.clients) {
      entry.groups.push_back(rule.client.text);
    }
  }
  return list;
}

rpc::ProgramVersion MountService::Version1() { return Table(kVersion1); }
rpc::ProgramVersion MountService::Version3() { return Table(kVersion3); }

rpc::ProgramVersion MountService::Table(uint32_t version) {
  rpc::ProgramVersion table{kProgram, version, "mountd", {}};
  table.procedures.resize(6);
  table.procedures[proc::kNull] = rpc::MakeProcedure(
      "NULL", &rpc::DecodeVoid, [](const CallContext&, const Void&) { return Void{}; },
      &rpc::EncodeVoid, kQuick);
  const size_t handle_size =
      version == kVersion1 ? kVersion1HandleSize : static_cast<size_t>(nfs::kNfs3MaxHandleSize);
  table.procedures[proc::kMnt] = rpc::MakeProcedure(
      "MNT", &DecodeDirPath,
      [this, handle_size](const CallContext& c, const std::string& path) {
        return Mount(c, path, handle_size);
      },
      version == kVersion1 ? &EncodeFhStatus : &EncodeMountResult3, kBlocking);
  table.procedures[proc::kDump] = rpc::MakeProcedure(
      "DUMP", &rpc::DecodeVoid, [this](const CallContext& c, const Void&) { return Dump(c); },
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
  // Wildcard client names may need a reverse lookup: not on the event loop.
  table.procedures[proc::kExport] = rpc::MakeProcedure(
      "EXPORT", &rpc::DecodeVoid,
      [this](const CallContext& c, const Void&) { return ExportList(c); }, &EncodeExportList,
      kBlocking);
  return table;
}

}  // namespace nfsuite::mount
