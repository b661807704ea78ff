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
namespace {

// Where the export `name` (a path or an alias) appears in `path`: the components below it, or
// nullopt when `path` is neither `name` nor below it.
std::optional<std::vector<std::string>> ComponentsBelow(absl::string_view name,
                                                        absl::string_view path) {
  const bool at_root = name == "/";
  if (path != name && !(absl::StartsWith(path, name) && (at_root || path[name.size()] == '/'))) {
    return std::nullopt;
  }
  std::vector<std::string> components;
  for (absl::string_view component :
       absl::StrSplit(path.substr(name.size()), '/', absl::SkipEmpty())) {
    components.emplace_back(component);
  }
  return components;
}

}  // namespace

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

absl::StatusOr<ExportTable> ExportTable::Build(std::vector<exports::ExportEntry> entries,
                                               const BackendOpener& open_backend,
                                               const ExportTable* previous) {
  ExportTable table;
  for (exports::ExportEntry& entry : entries) {
    const std::string written = entry.path;
    char resolved[PATH_MAX];
    if (realpath(written.c_str(), resolved) == nullptr) {
      return absl::NotFoundError(absl::StrCat("export ", written, ": ", std::strerror(errno)));
    }
    if (!std::filesystem::is_directory(resolved)) {
      return absl::InvalidArgumentError(absl::StrCat("export ", written, " is not a directory"));
    }
    Export exported;
    exported.entry = std::move(entry);
    exported.entry.path = resolved;
    exported.id = exported.entry.fsid.value_or(nfs::ExportIdForPath(exported.path()));
    for (const Export& other : table.exports_) {
      if (other.path() == exported.path()) {
        return absl::InvalidArgumentError(
            absl::StrCat("export ", written, " names ", other.path(), " again"));
      }
      if (other.id == exported.id) {
        return absl::InvalidArgumentError(absl::StrCat("exports ", other.path(), " and ",
                                                       exported.path(), " have the same id ",
                                                       exported.id, "; give one another fsid="));
      }
    }
    const Export* kept = nullptr;
    if (previous != nullptr) {
      for (const Export& old : previous->exports_) {
        if (old.path() == exported.path()) kept = &old;
      }
    }
    if (kept != nullptr) {
      exported.backend = kept->backend;
    } else {
      absl::StatusOr<std::unique_ptr<storage::StorageBackend>> backend =
          open_backend(exported.path());
      if (!backend.ok()) {
        return absl::Status(backend.status().code(), absl::StrCat("export ", exported.path(), ": ",
                                                                  backend.status().message()));
      }
      exported.backend = *std::move(backend);
    }
    exported.root = exported.backend->Root();
    table.exports_.push_back(std::move(exported));
  }
  return table;
}

std::optional<ExportPath> ExportTable::FindContaining(absl::string_view normalized_path) const {
  std::optional<ExportPath> best;
  size_t best_length = 0;
  for (const Export& exported : exports_) {
    for (const std::optional<std::string>& name :
         {std::optional<std::string>(exported.path()), exported.entry.alias}) {
      if (!name.has_value()) continue;
      std::optional<std::vector<std::string>> below = ComponentsBelow(*name, normalized_path);
      if (!below.has_value() || (best.has_value() && best_length >= name->size())) continue;
      best = ExportPath{&exported, *std::move(below)};
      best_length = name->size();
    }
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
