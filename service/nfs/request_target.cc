#include "service/nfs/request_target.h"

#include <utility>

#include "common/util/logging.h"
#include "service/nfs/webnfs_path.h"

namespace nfsuite::nfs {

std::variant<RequestTarget, Nfsstat3> HandleResolver::Resolve(
    const rpc::CallContext& context, absl::Span<const uint8_t> handle,
    std::shared_ptr<const ExportSnapshot> snapshot) const {
  const ServedExport* exported = nullptr;
  storage::ObjectId object;
  if (handle.empty()) {
    exported = snapshot->Public();
    if (exported == nullptr) return Nfsstat3::kStale;
    object = exported->backend->Root();
  } else {
    const auto decoded = handles_.Decode(handle);
    if (const HandleError* error = std::get_if<HandleError>(&decoded)) {
      return *error == HandleError::kBadHandle ? Nfsstat3::kBadHandle : Nfsstat3::kStale;
    }
    const HandleContents& contents = std::get<HandleContents>(decoded);
    exported = snapshot->FindById(contents.export_id);
    // A genuine handle of an export no longer served.
    if (exported == nullptr) return Nfsstat3::kStale;
    object.kind = contents.object_kind;
    object.bytes.assign(contents.object.begin(), contents.object.end());
  }
  std::variant<ExportAccess, Nfsstat3> access = CheckExportAccess(*snapshot, *exported, context);
  if (const Nfsstat3* refused = std::get_if<Nfsstat3>(&access)) return *refused;
  return RequestTarget{std::move(snapshot), exported, std::move(object),
                       std::get<ExportAccess>(std::move(access))};
}

std::optional<std::vector<uint8_t>> HandleResolver::HandleFor(const ServedExport& exported,
                                                              const storage::ObjectId& object,
                                                              size_t max_size) const {
  HandleContents contents;
  contents.export_id = exported.id;
  contents.object_kind = object.kind;
  contents.object.assign(object.bytes.begin(), object.bytes.end());
  absl::StatusOr<std::vector<uint8_t>> encoded = handles_.Encode(contents, max_size);
  if (!encoded.ok()) {
    Logf(LogLevel::kError, "no %zu-byte handle for an object of %s: %s", max_size,
         exported.entry.path, encoded.status().message());
    return std::nullopt;
  }
  return *std::move(encoded);
}

std::variant<storage::NamedObject, Nfsstat3> WalkPublicPath(const RequestTarget& root,
                                                            const std::string& path) {
  const storage::Identity& who = root.who();
  auto components = PublicPathComponents(path);
  if (auto* error = std::get_if<Nfsstat3>(&components)) return *error;
  storage::NamedObject found;
  found.id = root.object;
  storage::StorageResult<storage::Attributes> root_attributes =
      root.backend().GetAttributes(who, root.object);
  if (!root_attributes.ok()) return Nfsstat3FromErrno(root_attributes.error());
  found.attributes = *root_attributes;
  for (const std::string& component : std::get<std::vector<std::string>>(components)) {
    storage::StorageResult<storage::NamedObject> next =
        root.backend().Lookup(who, found.id, component);
    if (!next.ok()) return Nfsstat3FromErrno(next.error());
    found = *std::move(next);
  }
  return found;
}

}  // namespace nfsuite::nfs
