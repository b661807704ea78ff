#ifndef NFSUITE_SERVICE_NFS_EXPORT_FOLLOWER_H_
#define NFSUITE_SERVICE_NFS_EXPORT_FOLLOWER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "proto/control.pb.h"

namespace nfsuite::nfs {

// Follows mountd's export table (DESIGN.md: mountd is the one source of truth for exports): a
// thread watches ExportTableControl.WatchExports on mountd's control socket and hands every table
// to `on_table` (the current one on connecting, then the whole table after each change). When
// mountd is down or restarting, the thread calls again after a pause that grows from
// `min_backoff` to `max_backoff`; meanwhile nothing is handed over, so nfsd keeps serving the
// last table it had.
class ExportFollower {
 public:
  using TableHandler = std::function<void(const control::v1::ExportTable& table)>;
  struct Options {
    std::string socket_path;  // mountd's control socket (control::ControlSocketPath)
    absl::Duration min_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(2);
  };

  ExportFollower(Options options, TableHandler on_table);
  ~ExportFollower();  // stops
  ExportFollower(const ExportFollower&) = delete;
  ExportFollower& operator=(const ExportFollower&) = delete;

  void Start();
  // Whether a table from mountd was handed over within `timeout` of now (or before).
  bool WaitForFirstTable(absl::Duration timeout);
  // Ends the watch and joins the thread; `on_table` is not called after it returns.
  void Stop();

  // Tables handed over so far.
  uint64_t tables_received() const;

  // The pause after one of `pause` failed to reach mountd: doubled, at most max_backoff.
  static absl::Duration NextPause(absl::Duration pause, const Options& options);

 private:
  struct Watch {
    uint64_t tables = 0;
    grpc::Status status;
  };
  void Run();
  // One call of WatchExports, until it ends.
  Watch WatchOnce();

  const Options options_;
  const TableHandler on_table_;
  std::thread thread_;
  mutable absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::ClientContext* call_ ABSL_GUARDED_BY(mutex_) = nullptr;  // the watch under way
  uint64_t tables_received_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_EXPORT_FOLLOWER_H_
