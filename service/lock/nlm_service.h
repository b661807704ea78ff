#ifndef NFSUITE_SERVICE_LOCK_NLM_SERVICE_H_
#define NFSUITE_SERVICE_LOCK_NLM_SERVICE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <variant>

#include "common/nfs/file_handle.h"
#include "common/rpc/call_context.h"
#include "common/rpc/procedure.h"
#include "common/rpc/rpc_client.h"
#include "service/lock/callback_queue.h"
#include "service/lock/grace_period.h"
#include "service/lock/lock_manager.h"
#include "service/lock/nlm_types.h"
#include "service/lock/status_monitor.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/request_target.h"

// The NLM program (100021), versions 1, 3 and 4, over the lock manager: requests name files by
// NFS handle (v1/v3 with NFSv2's 32-byte handles, v4 with v3's), checked like NFS requests
// (export served, client admitted); a lock needs read access to the file. Hosts are monitored
// (StatusMonitor) before their first lock request is answered, except NM_LOCK's. The *_MSG
// procedures answer through a *_RES call to the client's NLM service.
namespace nfsuite::lock {

class NlmService {
 public:
  // Every reference must outlive the service.
  NlmService(const nfs::CurrentExports& exports, const nfs::FileHandleCodec& handles,
             LockManager& locks, StatusMonitor& monitor, const GracePeriod& grace,
             CallbackQueue& callbacks);

  rpc::ProgramVersion Version(uint32_t version);

  // Tells a client its blocked request is granted (LockManager's GrantSender).
  void SendGrant(uint64_t grant, const std::shared_ptr<const GrantNotice>& notice);

  NlmTestResult Test(const rpc::CallContext& context, const NlmTestArgs& args);
  NlmResult Lock(const rpc::CallContext& context, const NlmLockArgs& args);
  NlmResult NonMonitoredLock(const rpc::CallContext& context, const NlmLockArgs& args);
  NlmResult Cancel(const rpc::CallContext& context, const NlmCancelArgs& args);
  NlmResult Unlock(const rpc::CallContext& context, const NlmUnlockArgs& args);
  NlmResult Granted(const rpc::CallContext& context, const NlmTestArgs& args);
  NlmShareResult Share(const rpc::CallContext& context, const NlmShareArgs& args);
  NlmShareResult Unshare(const rpc::CallContext& context, const NlmShareArgs& args);
  rpc::Void FreeAll(const rpc::CallContext& context, const NlmNotify& args);

  // The asynchronous forms: the same work, the answer sent as a call to the client's NLM service
  // (TEST_RES, LOCK_RES, ...); the call itself is answered with void.
  rpc::Void TestMessage(const rpc::CallContext& context, const NlmTestArgs& args);
  rpc::Void LockMessage(const rpc::CallContext& context, const NlmLockArgs& args);
  rpc::Void CancelMessage(const rpc::CallContext& context, const NlmCancelArgs& args);
  rpc::Void UnlockMessage(const rpc::CallContext& context, const NlmUnlockArgs& args);
  rpc::Void GrantedMessage(const rpc::CallContext& context, const NlmTestArgs& args);

 private:
  struct Target {
    nfs::RequestTarget request;
    LockedFileId file;
  };
  std::variant<Target, NlmStatus> Resolve(const rpc::CallContext& context, const Netobj& fh) const;
  // A lock request's file and range: FBIG for a range fcntl cannot lock, then Resolve's answer.
  struct LockTarget {
    Target target;
    ByteRange range;
  };
  std::variant<LockTarget, NlmStatus> ResolveLock(const rpc::CallContext& context,
                                                  const NlmLock& lock) const;
  NlmStatus DoLock(const rpc::CallContext& context, const NlmLockArgs& args, bool monitored);
  // Sends `encode`d arguments as NLM `procedure` to the caller's NLM service (same version and
  // transport as `context`), in the background; only a failure to deliver is logged.
  void CallBack(const rpc::CallContext& context, NlmProcedure procedure,
                rpc::ArgumentEncoder encode);
  // An nlm_res answer of a *_MSG procedure, as the `answer` call (LOCK_RES, ...).
  void SendResult(const rpc::CallContext& context, NlmProcedure answer, const NlmResult& result);

  nfs::HandleResolver resolver_;
  LockManager& locks_;
  StatusMonitor& monitor_;
  const GracePeriod& grace_;
  CallbackQueue& callbacks_;
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_NLM_SERVICE_H_
