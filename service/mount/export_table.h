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
#include "service/storage/storage_backend.h"

namespace nfsuite::mount {

// An exported directory. (The exports-file model with clients and options arrives with the
// exports issue; this is its minimal core: path, id, root.)
struct Export {
  std::string path;  // canonical absolute path
  uint32_t id = 0;   // carried in every file handle of the export
  // Resolves subdirectories for mounts below the root; shared so the table can be copied.
  std::shared_ptr<storage::StorageBackend> backend;
  storage::ObjectId root;  // the export's root directory as the backend names it
};

// An export and the path components below its root that a mount request names.
struct ExportPath {
  const Export* exported = nullptr;
  std::vector<std::string> components;
};

// A mount request's path in canonical form ("//srv//share/" → "/srv/share"); nullopt for a
// relative path or one with a ".." component, which could name a place outside every export.
std::optional<std::string> NormalizeMountPath(absl::string_view path);

class ExportTable {
 public:
  using BackendOpener = std::function<absl::StatusOr<std::unique_ptr<storage::StorageBackend>>(
      const std::string& path)>;

  // Resolves each path to its canonical form (it must be an existing directory) and opens its
  // backend. Fails on duplicates and on two paths whose ids collide.
  static absl::StatusOr<ExportTable> Build(const std::vector<std::string>& paths,
                                           const BackendOpener& open_backend);

  // The export that contains a normalized path (itself or a directory below it), with the
  // components below its root; the deepest export wins when exports nest.
  std::optional<ExportPath> FindContaining(absl::string_view canonical_path) const;
  const Export* FindById(uint32_t id) const;
  const std::vector<Export>& exports() const { return exports_; }

 private:
  std::vector<Export> exports_;
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_H_
