#ifndef NFSUITE_SERVICE_LOCK_NSM_SERVICE_H_
#define NFSUITE_SERVICE_LOCK_NSM_SERVICE_H_

#include <functional>

#include "common/rpc/call_context.h"
#include "common/rpc/procedure.h"
#include "service/lock/callback_queue.h"
#include "service/lock/lock_manager.h"
#include "service/lock/nsm_types.h"
#include "service/lock/status_monitor.h"

// The status monitor program (NSM, 100024 version 1). SM_NOTIFY comes from the statd of a client
// that rebooted: its locks are released and local registrations are told. SM_MON, SM_UNMON,
// SM_UNMON_ALL and SM_SIMU_CRASH change this server's monitoring and are taken from local
// programs only (loopback), as every statd does; SM_STAT answers anyone.
namespace nfsuite::lock {

class NsmService {
 public:
  // `simulate_crash` does what a restart would (the lock manager's part: drop every lock, begin a
  // grace period, notify the monitored hosts). References must outlive the service.
  NsmService(StatusMonitor& monitor, LockManager& locks, CallbackQueue& callbacks,
             std::function<void()> simulate_crash);

  rpc::ProgramVersion Version1();

  SmStatResult Stat(const rpc::CallContext& context, const SmName& args);
  SmStatResult Mon(const rpc::CallContext& context, const Mon& args);
  SmStat Unmon(const rpc::CallContext& context, const MonId& args);
  SmStat UnmonAll(const rpc::CallContext& context, const MyId& args);
  rpc::Void SimuCrash(const rpc::CallContext& context, const rpc::Void& args);
  rpc::Void Notify(const rpc::CallContext& context, const StatChange& args);

 private:
  StatusMonitor& monitor_;
  LockManager& locks_;
  CallbackQueue& callbacks_;
  const std::function<void()> simulate_crash_;
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_NSM_SERVICE_H_
