#include "service/mount/exports_loading.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "common/exports/exports_format.h"
#include "common/exports/exports_parser.h"
#include "common/util/logging.h"

namespace nfsuite::mount {
namespace {

// The entries of one parse, its warnings logged.
absl::StatusOr<std::vector<exports::ExportEntry>> EntriesOf(exports::ExportsParseResult parsed) {
  if (const auto* error = std::get_if<exports::ExportsError>(&parsed)) return error->ToStatus();
  exports::ParsedExports& table = std::get<exports::ParsedExports>(parsed);
  for (const exports::ExportsWarning& warning : table.warnings) {
    Logf(LogLevel::kWarning, "%s", warning.ToString());
  }
  return std::move(table.entries);
}

}  // namespace

std::string QuickExportLine(const std::string& directory) {
  return absl::StrCat(exports::FormatExportPath(directory), " *(rw,insecure)");
}

namespace {

// The quick exports added to the file's entries; one path exported twice is an error.
absl::StatusOr<std::vector<exports::ExportEntry>> WithQuickExports(
    const ExportSources& sources, exports::ExportsParseResult file) {
  std::string quick_text;
  for (const std::string& directory : sources.quick_exports) {
    absl::StrAppend(&quick_text, QuickExportLine(directory), "\n");
  }
  absl::StatusOr<std::vector<exports::ExportEntry>> quick =
      EntriesOf(exports::ParseExports(quick_text, "--export", {}));
  if (!quick.ok()) return quick.status();
  if (sources.exports_file.empty()) return quick;

  absl::StatusOr<std::vector<exports::ExportEntry>> entries = EntriesOf(std::move(file));
  if (!entries.ok()) return entries.status();
  for (exports::ExportEntry& entry : *quick) {
    for (const exports::ExportEntry& other : *entries) {
      if (other.path == entry.path || other.alias == entry.path) {
        return absl::InvalidArgumentError(absl::StrCat("--export ", entry.path, ": ",
                                                       sources.exports_file, ":", other.line,
                                                       " already exports it"));
      }
    }
    entries->push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

absl::StatusOr<std::vector<exports::ExportEntry>> LoadExportEntries(const ExportSources& sources) {
  if (sources.exports_file.empty()) return WithQuickExports(sources, exports::ParsedExports{});
  return WithQuickExports(sources, exports::ParseExportsFile(sources.exports_file, {}));
}

absl::StatusOr<std::vector<exports::ExportEntry>> LoadExportEntries(const ExportSources& sources,
                                                                    absl::string_view file_text) {
  return WithQuickExports(sources, exports::ParseExports(file_text, sources.exports_file, {}));
}

}  // namespace nfsuite::mount
