#include "service/nfs/export_table_builder.h"

#include <utility>
#include <variant>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/util/logging.h"

namespace nfsuite::nfs {

BuiltSnapshot BuildExportSnapshot(const control::v1::ExportTable& table,
                                  const ExportSnapshot* previous, const BackendOpener& open,
                                  const SnapshotBuildOptions& options) {
  BuiltSnapshot built;
  std::vector<ServedExport> served;
  absl::flat_hash_set<uint32_t> ids;
  absl::flat_hash_set<std::string> paths;
  bool have_public = false;
  auto leave_out = [&](std::string problem) {
    Logf(LogLevel::kError, "not serving an export of mountd's table: %s", problem);
    built.problems.push_back(std::move(problem));
  };
  for (int i = 0; i < table.exports_size(); ++i) {
    const control::v1::ExportedDirectory& directory = table.exports(i);
    const std::string source = absl::StrCat("mountd export ", i + 1);
    exports::ExportsParseResult parsed =
        exports::ParseExports(directory.line(), source, options.parse);
    if (const auto* error = std::get_if<exports::ExportsError>(&parsed)) {
      leave_out(error->ToString());
      continue;
    }
    std::vector<exports::ExportEntry>& entries = std::get<exports::ParsedExports>(parsed).entries;
    if (entries.size() != 1) {
      leave_out(absl::StrCat(source, ": ", entries.size(), " exports in one line: \"",
                             directory.line(), "\""));
      continue;
    }
    ServedExport exported;
    exported.id = directory.export_id();
    exported.entry = std::move(entries.front());
    const std::string& path = exported.entry.path;
    if (ids.contains(exported.id)) {
      leave_out(absl::StrCat(path, ": export id ", exported.id, " is already taken"));
      continue;
    }
    if (paths.contains(path)) {
      leave_out(absl::StrCat(path, ": exported twice"));
      continue;
    }
    if (exported.entry.is_public && have_public) {
      leave_out(absl::StrCat(path, ": a second public export"));
      continue;
    }
    const ServedExport* before = previous == nullptr ? nullptr : previous->FindByPath(path);
    if (before != nullptr) {
      exported.backend = before->backend;
    } else {
      absl::StatusOr<std::shared_ptr<storage::StorageBackend>> backend = open(path);
      if (!backend.ok()) {
        leave_out(absl::StrCat(path, ": ", backend.status().message()));
        continue;
      }
      exported.backend = *std::move(backend);
    }
    ids.insert(exported.id);
    paths.insert(path);
    have_public = have_public || exported.entry.is_public;
    served.push_back(std::move(exported));
  }
  built.snapshot = std::make_shared<const ExportSnapshot>(std::move(served), table.generation(),
                                                          options.rule_cache);
  return built;
}

}  // namespace nfsuite::nfs
