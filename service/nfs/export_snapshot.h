#ifndef NFSUITE_SERVICE_NFS_EXPORT_SNAPSHOT_H_
#define NFSUITE_SERVICE_NFS_EXPORT_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/exports/export_entry.h"
#include "common/exports/ip_address.h"
#include "service/nfs/client_rule_cache.h"
#include "service/storage/storage_backend.h"

namespace nfsuite::nfs {

// One export as nfsd serves it: mountd's exports line, parsed, and the backend serving its tree.
struct ServedExport {
  uint32_t id = 0;  // what its file handles carry
  exports::ExportEntry entry;
  // Shared by successive snapshots while the path stays exported: the backend's handles and
  // path index stay valid across table changes.
  std::shared_ptr<storage::StorageBackend> backend;
};

// One version of nfsd's export table, never changed once built. A request takes the current
// snapshot and keeps it to the end, so a table change never shows half-applied to a request, and
// the next request sees the new table whole (an export removed: its handles are STALE).
class ExportSnapshot {
 public:
  // Ids must be distinct and at most one export public (the builder sees to both).
  explicit ExportSnapshot(std::vector<ServedExport> exports, uint64_t generation = 0,
                          ClientRuleCache::Options rule_cache = {});
  ExportSnapshot(const ExportSnapshot&) = delete;
  ExportSnapshot& operator=(const ExportSnapshot&) = delete;

  const ServedExport* FindById(uint32_t id) const;
  const ServedExport* FindByPath(absl::string_view path) const;
  // The WebNFS public export, or nullptr.
  const ServedExport* Public() const { return public_; }
  const std::vector<ServedExport>& exports() const { return exports_; }
  // mountd's generation of the table (0 when it did not come from mountd).
  uint64_t generation() const { return generation_; }

  // The rule of `exported` (an export of this snapshot) that applies to a client at `address`,
  // or nullptr when that client may not use it. Remembered per (export, address).
  const exports::ClientRule* RuleFor(const ServedExport& exported,
                                     const exports::IpAddress& address) const;

 private:
  const std::vector<ServedExport> exports_;
  const uint64_t generation_;
  absl::flat_hash_map<uint32_t, const ServedExport*> by_id_;
  absl::flat_hash_map<std::string, const ServedExport*> by_path_;
  const ServedExport* public_ = nullptr;
  mutable ClientRuleCache rules_;
};

// The snapshot nfsd serves now: the export follower publishes, every request reads. Thread-safe.
class CurrentExports {
 public:
  CurrentExports();
  std::shared_ptr<const ExportSnapshot> Get() const;
  void Publish(std::shared_ptr<const ExportSnapshot> snapshot);

 private:
  mutable absl::Mutex mutex_;
  std::shared_ptr<const ExportSnapshot> snapshot_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_EXPORT_SNAPSHOT_H_
