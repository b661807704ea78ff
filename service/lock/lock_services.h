#ifndef NFSUITE_SERVICE_LOCK_LOCK_SERVICES_H_
#define NFSUITE_SERVICE_LOCK_LOCK_SERVICES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/nfs/file_handle.h"
#include "common/rpc/dispatcher.h"
#include "service/lock/callback_queue.h"
#include "service/lock/grace_period.h"
#include "service/lock/lock_manager.h"
#include "service/lock/nlm_service.h"
#include "service/lock/nsm_service.h"
#include "service/lock/reboot_notifier.h"
#include "service/lock/status_monitor.h"
#include "service/nfs/export_snapshot.h"

// NFS locking as nfsd hosts it: NLM versions 1, 3 and 4 and NSM, over one lock manager, with the
// status monitor's memory in the state directory. Hosted in nfsd (not a daemon of its own)
// because locks are taken on the files nfsd resolves from handles, with nfsd's export checks,
// and because a lock manager's crash must be the file server's crash: clients recover the two
// together, as the protocol expects of one server.
namespace nfsuite::lock {

struct LockServiceOptions {
  std::string state_dir;
  // Reclaims only, after a restart that finds hosts the last run monitored.
  absl::Duration grace_period = absl::Seconds(90);
  absl::Duration grant_timeout = absl::Seconds(30);
  std::string nsm_name;  // empty: this host's name
  uint16_t client_portmapper_port = 111;
};

struct LockServiceStatus {
  LockCounts counts;
  int64_t grace_seconds_left = 0;
  int32_t nsm_state = 0;
  std::vector<ClientHost> monitored;
  std::vector<ClientHost> to_notify;
};

class LockServices {
 public:
  static absl::StatusOr<std::unique_ptr<LockServices>> Start(const LockServiceOptions& options,
                                                             const nfs::CurrentExports& exports,
                                                             const nfs::FileHandleCodec& handles);
  ~LockServices();

  // NLM 1, 3, 4 and NSM 1.
  void RegisterWith(rpc::Dispatcher& dispatcher);
  LockServiceStatus Status() const;

 private:
  explicit LockServices(const LockServiceOptions& options) : options_(options) {}
  void SimulateCrash();

  const LockServiceOptions options_;
  GracePeriod grace_;
  std::unique_ptr<StatusMonitor> monitor_;
  // ~LockServices stops the threads in order: the notifier, the lock manager's retry thread
  // (which posts callbacks), the callback threads (which call the lock manager).
  std::unique_ptr<NlmService> nlm_;
  std::unique_ptr<LockManager> locks_;
  std::unique_ptr<CallbackQueue> callbacks_;
  std::unique_ptr<NsmService> nsm_;
  std::unique_ptr<RebootNotifier> notifier_;
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_LOCK_SERVICES_H_
