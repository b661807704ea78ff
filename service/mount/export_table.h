#ifndef NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_H_
#define NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/exports/export_entry.h"
#include "service/storage/storage_backend.h"

namespace nfsuite::mount {

// An exported directory as mountd serves it: its exports line (with the canonical path), the id
// its file handles carry, and its storage.
struct Export {
  exports::ExportEntry entry;
  uint32_t id = 0;
  // Resolves subdirectories for mounts below the root; shared so that a reloaded table keeps
  // the backend (and its state) of an export that did not change.
  std::shared_ptr<storage::StorageBackend> backend;
  storage::ObjectId root;  // the export's root directory as the backend names it

  const std::string& path() const { return entry.path; }
};

// An export and the path components below its root that a mount request names.
struct ExportPath {
  const Export* exported = nullptr;
  std::vector<std::string> components;
};

// A mount request's path in canonical form ("//srv//share/" → "/srv/share"); nullopt for a
// relative path or one with a ".." component, which could name a place outside every export.
std::optional<std::string> NormalizeMountPath(absl::string_view path);

// An immutable export table: built whole or not at all.
class ExportTable {
 public:
  using BackendOpener = std::function<absl::StatusOr<std::unique_ptr<storage::StorageBackend>>(
      const std::string& path)>;

  // Resolves each entry's path to its canonical form (it must be an existing directory), gives
  // it its id (fsid= or one derived from the canonical path) and opens its backend — or takes
  // the one `previous` has for the same path. Fails on a path that is not a directory, on two
  // entries naming one directory, and on colliding ids.
  static absl::StatusOr<ExportTable> Build(std::vector<exports::ExportEntry> entries,
                                           const BackendOpener& open_backend,
                                           const ExportTable* previous = nullptr);

  // The export that contains a normalized path (itself or a directory below it), found by its
  // path or its alias, with the components below its root; the deepest export wins when
  // exports nest.
  std::optional<ExportPath> FindContaining(absl::string_view normalized_path) const;
  const Export* FindById(uint32_t id) const;
  const std::vector<Export>& exports() const { return exports_; }

 private:
  std::vector<Export> exports_;
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_H_
