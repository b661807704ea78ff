#ifndef NFSUITE_SERVICE_MOUNT_EXPORTS_LOADING_H_
#define NFSUITE_SERVICE_MOUNT_EXPORTS_LOADING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/exports/export_entry.h"

namespace nfsuite::mount {

// Where mountd's exports come from.
struct ExportSources {
  std::string exports_file;  // exports(5) syntax; empty: none
  // `--export DIR`: the quick way to share a directory, as the line `DIR *(rw,insecure)`
  // (every client, read-write, any source port, root squashed).
  std::vector<std::string> quick_exports;
};

// The quick export line for `directory`.
std::string QuickExportLine(const std::string& directory);

// Every entry of the file and the quick exports, checked as one table (a path or alias named
// twice, in the file or across both, is an error). Errors name FILE:LINE:COLUMN; warnings are
// logged.
absl::StatusOr<std::vector<exports::ExportEntry>> LoadExportEntries(const ExportSources& sources);
// The same with the exports file's text given (a change about to be written to it).
absl::StatusOr<std::vector<exports::ExportEntry>> LoadExportEntries(const ExportSources& sources,
                                                                    absl::string_view file_text);

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_EXPORTS_LOADING_H_
