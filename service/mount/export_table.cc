#include "service/mount/export_table.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/nfs/export_id.h"

namespace nfsuite::mount {

std::optional<std::string> NormalizeMountPath(absl::string_view path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::vector<absl::string_view> components;
  for (absl::string_view component : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (component == ".") continue;
    if (component == "..") return std::nullopt;
    components.push_back(component);
  }
  return absl::StrCat("/", absl::StrJoin(components, "/"));
}

absl::StatusOr<ExportTable> ExportTable::Build(const std::vector<std::string>& paths,
                                               const BackendOpener& open_backend) {
  ExportTable table;
  for (const std::string& path : paths) {
    char resolved[PATH_MAX];
    if (realpath(path.c_str(), resolved) == nullptr) {
      return absl::NotFoundError(absl::StrCat("export ", path, ": ", std::strerror(errno)));
    }
    if (!std::filesystem::is_directory(resolved)) {
      return absl::InvalidArgumentError(absl::StrCat("export ", path, " is not a directory"));
    }
    Export exported;
    exported.path = resolved;
    exported.id = nfs::ExportIdForPath(exported.path);
    for (const Export& other : table.exports_) {
      if (other.path == exported.path) {
        return absl::InvalidArgumentError(absl::StrCat("export ", path, " is listed twice"));
      }
      if (other.id == exported.id) {
        return absl::InvalidArgumentError(absl::StrCat(
            "exports ", other.path, " and ", exported.path, " have the same id; pin one"));
      }
    }
    absl::StatusOr<std::unique_ptr<storage::StorageBackend>> backend = open_backend(exported.path);
    if (!backend.ok()) {
      return absl::Status(backend.status().code(),
                          absl::StrCat("export ", exported.path, ": ", backend.status().message()));
    }
    exported.backend = *std::move(backend);
    exported.root = exported.backend->Root();
    table.exports_.push_back(std::move(exported));
  }
  return table;
}

std::optional<ExportPath> ExportTable::FindContaining(absl::string_view canonical_path) const {
  std::optional<ExportPath> best;
  for (const Export& exported : exports_) {
    const bool at_root = exported.path == "/";
    if (canonical_path != exported.path &&
        !(absl::StartsWith(canonical_path, exported.path) &&
          (at_root || canonical_path[exported.path.size()] == '/'))) {
      continue;
    }
    if (best.has_value() && best->exported->path.size() >= exported.path.size()) continue;
    ExportPath found{&exported, {}};
    for (absl::string_view component :
         absl::StrSplit(canonical_path.substr(exported.path.size()), '/', absl::SkipEmpty())) {
      found.components.emplace_back(component);
    }
    best = std::move(found);
  }
  return best;
}

const Export* ExportTable::FindById(uint32_t id) const {
  for (const Export& exported : exports_) {
    if (exported.id == id) return &exported;
  }
  return nullptr;
}

}  // namespace nfsuite::mount
