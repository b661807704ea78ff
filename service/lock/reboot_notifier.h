#ifndef NFSUITE_SERVICE_LOCK_REBOOT_NOTIFIER_H_
#define NFSUITE_SERVICE_LOCK_REBOOT_NOTIFIER_H_

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "service/lock/lock_manager.h"
#include "service/lock/status_monitor.h"

// Tells the hosts monitored before a restart (or an SM_SIMU_CRASH) that this server came back
// (SM_NOTIFY with its new state), so that they reclaim their locks during the grace period. Each
// host is tried again with a growing pause (1 s doubling to 60 s) until it answers or
// `give_up_after` has passed. The same thread forgets monitored hosts that hold nothing any more
// after `idle_after`.
namespace nfsuite::lock {

class RebootNotifier {
 public:
  struct Options {
    std::string my_name;  // the mon_name clients know this server by
    absl::Duration give_up_after = absl::Minutes(15);
    absl::Duration idle_after = absl::Minutes(5);
    uint16_t portmapper_port = 111;  // on each client host
  };
  RebootNotifier(Options options, StatusMonitor& monitor, const LockManager& locks);
  ~RebootNotifier();
  RebootNotifier(const RebootNotifier&) = delete;
  RebootNotifier& operator=(const RebootNotifier&) = delete;

  // New hosts to notify (after SM_SIMU_CRASH).
  void Wake();

 private:
  struct Attempts {
    absl::Time first;
    absl::Time next;
    absl::Duration pause = absl::Seconds(1);
  };
  void Run();
  bool Stopping();
  // One pass over the hosts due; returns when the next one is due.
  absl::Time NotifyDue(absl::Time now);

  const Options options_;
  StatusMonitor& monitor_;
  const LockManager& locks_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::map<std::pair<std::string, std::string>, Attempts> attempts_;  // by (name, address)
  std::thread thread_;
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_REBOOT_NOTIFIER_H_
