#ifndef NFSUITE_SERVICE_NFS_EXPORT_TABLE_BUILDER_H_
#define NFSUITE_SERVICE_NFS_EXPORT_TABLE_BUILDER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/exports/exports_parser.h"
#include "proto/control.pb.h"
#include "service/nfs/client_rule_cache.h"
#include "service/nfs/export_snapshot.h"
#include "service/storage/storage_backend.h"

namespace nfsuite::nfs {

// Opens the backend of an export's canonical path.
using BackendOpener = std::function<absl::StatusOr<std::shared_ptr<storage::StorageBackend>>(
    const std::string& path)>;

struct SnapshotBuildOptions {
  // How host names in the lines resolve (the lines are mountd's, written with names as given).
  exports::ExportsParseOptions parse;
  ClientRuleCache::Options rule_cache;
};

struct BuiltSnapshot {
  std::shared_ptr<const ExportSnapshot> snapshot;
  // One sentence per export left out, already logged.
  std::vector<std::string> problems;
};

// The snapshot serving mountd's `table`. Each export's line is parsed with the exports-file parser
// (its path is mountd's canonical path) and served under the id mountd gave it. A path `previous`
// serves keeps its backend, so its handles and path index stay valid; other paths are opened with
// `open`. An export whose line does not parse into exactly one entry, whose path cannot be opened,
// or whose id or path repeats an earlier one is logged and left out: the rest is served.
BuiltSnapshot BuildExportSnapshot(const control::v1::ExportTable& table,
                                  const ExportSnapshot* previous, const BackendOpener& open,
                                  const SnapshotBuildOptions& options = {});

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_EXPORT_TABLE_BUILDER_H_
