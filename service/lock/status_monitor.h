#ifndef NFSUITE_SERVICE_LOCK_STATUS_MONITOR_H_
#define NFSUITE_SERVICE_LOCK_STATUS_MONITOR_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/lock/lock_owner.h"
#include "service/lock/nsm_types.h"

// The status monitor's memory (NSM): this server's state number and the hosts to tell when it
// restarts, kept in one file in the state directory so that they survive a crash.
//
// - Monitored hosts are the clients holding (or asking for) locks: the lock manager adds one
//   before it answers its first request, so a host can never hold a lock the file does not name.
// - At every start the state number advances to the next odd value (odd = up), and the hosts
//   monitored by the last run become hosts to notify: each is sent SM_NOTIFY until it answers.
// - Registrations (SM_MON from a local program) ask to be called back with `priv` when a
//   monitored host reports its own reboot.
namespace nfsuite::lock {

struct MonitorRegistration {
  std::string mon_name;
  MyId my_id;
  MonitorPrivate priv{};
};

class StatusMonitor {
 public:
  // Reads `state_file` (absent: a first start), advances the state and writes it back.
  static absl::StatusOr<std::unique_ptr<StatusMonitor>> Start(const std::string& state_file);

  int32_t state() const;
  // Whether the last run left hosts that may hold locks to reclaim (they are being notified).
  bool restarted_with_hosts() const { return restarted_with_hosts_; }

  // Records `host` (written to disk before returning when it is new).
  absl::Status Monitor(const ClientHost& host);
  // Forgets monitored hosts that are not in `active` and were last monitored before `idle_since`.
  void ForgetIdle(const std::vector<ClientHost>& active, absl::Time idle_since);
  std::vector<ClientHost> monitored() const;

  // SM_MON, SM_UNMON, SM_UNMON_ALL.
  absl::Status Register(const MonitorRegistration& registration);
  void Unregister(const std::string& mon_name, const MyId& my_id);
  void UnregisterAll(const MyId& my_id);

  // A host reported its reboot (SM_NOTIFY): it is no longer monitored (it holds nothing now), and
  // these registrations want to hear of it.
  std::vector<MonitorRegistration> HostRebooted(const std::string& mon_name);

  // SM_SIMU_CRASH: the state advances as for a restart and every monitored host is to be told.
  int32_t SimulateCrash();

  std::vector<ClientHost> to_notify() const;
  void Notified(const ClientHost& host);

 private:
  struct Monitored {
    ClientHost host;
    absl::Time last_monitored;
  };
  explicit StatusMonitor(std::string state_file) : state_file_(std::move(state_file)) {}
  absl::Status Load();
  // Under the mutex.
  absl::Status Save() const;
  void SaveOrWarn() const;
  void Restart();

  const std::string state_file_;
  mutable std::mutex mutex_;
  int32_t state_ = 0;
  bool restarted_with_hosts_ = false;
  std::vector<Monitored> monitored_;
  std::vector<ClientHost> to_notify_;
  std::vector<MonitorRegistration> registrations_;
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_STATUS_MONITOR_H_
