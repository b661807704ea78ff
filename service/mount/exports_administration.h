#ifndef NFSUITE_SERVICE_MOUNT_EXPORTS_ADMINISTRATION_H_
#define NFSUITE_SERVICE_MOUNT_EXPORTS_ADMINISTRATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "service/mount/export_table.h"
#include "service/mount/exports_loading.h"
#include "service/mount/live_exports.h"

namespace nfsuite::mount {

// The export table `sources` describe (`file_text`, when given, standing for the exports file's
// contents), built reusing the backends `previous` has for the same directories.
absl::StatusOr<ExportTable> LoadExportTable(
    const ExportSources& sources, const ExportTable::BackendOpener& open_backend,
    const ExportTable* previous, std::optional<absl::string_view> file_text = std::nullopt);

// Every change to mountd's export table: reloads (SIGHUP, `nfsctl reload`) and the edits of
// `nfsctl export add/remove`, one at a time. A change is all or nothing: the new table is loaded
// and built (every directory opened) before the exports file is written and the table replaced;
// on any error both stay as they were.
class ExportsAdministration {
 public:
  ExportsAdministration(ExportSources sources, ExportTable::BackendOpener open_backend,
                        LiveExports& exports);

  // The sources read again. Returns a summary for the log and nfsctl.
  absl::StatusOr<std::string> Reload();

  // `arguments` as `nfsctl export add` takes them (PATH [-OPTIONS] CLIENT[(OPTIONS)]...). A path
  // already in the file keeps its line, with each client given replacing that client's rule or
  // added after the others; per-export options given (name=, public, fsid=) replace its own.
  // Returns the export's line as written.
  absl::StatusOr<std::string> Add(const std::vector<std::string>& arguments);

  // The export named by `path` (its path or alias) or, with `client` (as written in the file),
  // only that client's rule. Returns the export's line as written, empty when it is gone.
  absl::StatusOr<std::string> Remove(const std::string& path, const std::string& client);

  const std::string& exports_file() const { return sources_.exports_file; }

 private:
  // The exports file as it is now, parsed; a file that does not parse blocks edits.
  struct CurrentFile {
    std::string text;
    exports::ParsedExports parsed;
  };
  absl::StatusOr<CurrentFile> ReadCurrentFile() const;
  // Loads the sources with `file_text` as the file's contents, builds the table, then writes
  // the file and puts the table in force.
  absl::Status Apply(const std::string& file_text) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::Status CheckEditable() const;

  const ExportSources sources_;
  const ExportTable::BackendOpener open_backend_;
  LiveExports& exports_;
  absl::Mutex mutex_;
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_EXPORTS_ADMINISTRATION_H_
