#ifndef NFSUITE_SERVICE_NFS_EXPORT_TABLE_UPDATER_H_
#define NFSUITE_SERVICE_NFS_EXPORT_TABLE_UPDATER_H_

#include <cstddef>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "proto/control.pb.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/export_table_builder.h"
#include "service/nfs/export_table_store.h"

namespace nfsuite::nfs {

// Turns mountd's export tables into what nfsd serves: each table becomes the current snapshot
// and, when a store is given, the copy kept for nfsd's next start. Thread-safe.
class ExportTableUpdater {
 public:
  ExportTableUpdater(CurrentExports& current, BackendOpener open,
                     std::optional<ExportTableStore> store, SnapshotBuildOptions options = {});

  // Serves the table the store kept, if there is one: what nfsd serves until mountd answers.
  // Whether a table was kept; an error when the kept one cannot be read (it is not served).
  absl::StatusOr<bool> ServeKeptTable();

  // Serves `table` and keeps it. A table whose exports are those already served (mountd
  // resending after a reconnection) is not built again, so answers cached for clients stay;
  // unless some export was left out last time (a directory that could not be opened is tried
  // again).
  void Apply(const control::v1::ExportTable& table);

  // How many snapshots were built and published (for tests and statistics).
  size_t snapshots_built() const;
  // The last table applied (or served from the store): for nfsd's status.
  control::v1::FollowedExportTable followed() const;

 private:
  // Builds and publishes `table`, reusing the backends of the snapshot it replaces.
  void Publish(const control::v1::ExportTable& table) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  CurrentExports& current_;
  const BackendOpener open_;
  const std::optional<ExportTableStore> store_;
  const SnapshotBuildOptions options_;
  mutable absl::Mutex mutex_;
  std::optional<control::v1::ExportTable> served_ ABSL_GUARDED_BY(mutex_);
  bool served_whole_ ABSL_GUARDED_BY(mutex_) = false;
  std::optional<control::v1::ExportTable> kept_ ABSL_GUARDED_BY(mutex_);
  size_t snapshots_built_ ABSL_GUARDED_BY(mutex_) = 0;
  control::v1::FollowedExportTable followed_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_EXPORT_TABLE_UPDATER_H_
