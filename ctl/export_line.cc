#include "ctl/export_line.h"

#include <utility>
#include <variant>

#include "common/exports/exports_parser.h"

namespace nfsuite::ctl {

absl::StatusOr<exports::ExportEntry> ParseExportLine(const std::string& line) {
  exports::ExportsParseOptions options;
  options.resolve_host = nullptr;
  exports::ExportsParseResult parsed = exports::ParseExports(line, "mountd", options);
  if (const auto* error = std::get_if<exports::ExportsError>(&parsed)) return error->ToStatus();
  return std::get<exports::ParsedExports>(std::move(parsed)).entries.front();
}

}  // namespace nfsuite::ctl
