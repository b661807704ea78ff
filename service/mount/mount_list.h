#ifndef NFSUITE_SERVICE_MOUNT_MOUNT_LIST_H_
#define NFSUITE_SERVICE_MOUNT_MOUNT_LIST_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "service/mount/mount_protocol.h"

namespace nfsuite::mount {

// Who mounted what (MOUNT DUMP), kept in a file of the state directory and rewritten atomically
// on every change, so it survives mountd restarts. Advisory, as in every MOUNT server: clients
// that vanish without UMNT stay listed.
class MountList final {
 public:
  explicit MountList(std::string path) : path_(std::move(path)) {}

  // Reads the file; an absent file is an empty list, a damaged one an error.
  absl::Status Load();
  // Each returns the result of persisting the change (the change stays in memory either way).
  absl::Status Add(const MountEntry& entry);
  absl::Status Remove(const MountEntry& entry);
  absl::Status RemoveHost(const std::string& hostname);
  std::vector<MountEntry> Snapshot() const;

 private:
  absl::Status Save() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  mutable absl::Mutex mu_;
  std::vector<MountEntry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_MOUNT_LIST_H_
