#ifndef NFSUITE_SERVICE_MOUNT_LIVE_EXPORTS_H_
#define NFSUITE_SERVICE_MOUNT_LIVE_EXPORTS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/mount/export_table.h"

namespace nfsuite::mount {

// The export table mountd serves now, replaced whole on reload. Each request takes the current
// table once and finishes with it, whatever happens meanwhile; followers (nfsd's watch stream)
// wait for the next generation.
class LiveExports {
 public:
  struct Snapshot {
    std::shared_ptr<const ExportTable> table;
    uint64_t generation = 0;  // 1 for the table mountd started with, +1 with every change
  };

  explicit LiveExports(ExportTable initial);

  Snapshot Current() const;
  void Replace(ExportTable next);
  // Waits until the generation is past `seen`, `timeout` passes or Close is called; returns
  // what is current then.
  Snapshot WaitForChange(uint64_t seen, absl::Duration timeout) const;
  // Wakes every waiter for good: the daemon is stopping.
  void Close();
  bool closed() const;
  // Identifies this run of mountd: generations of two runs are not comparable.
  const std::string& instance() const { return instance_; }

 private:
  const std::string instance_;
  mutable absl::Mutex mutex_;
  std::shared_ptr<const ExportTable> table_ ABSL_GUARDED_BY(mutex_);
  uint64_t generation_ ABSL_GUARDED_BY(mutex_) = 1;
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_LIVE_EXPORTS_H_
