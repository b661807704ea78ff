#ifndef NFSUITE_TESTS_INTEGRATION_NLM_TEST_CLIENT_H_
#define NFSUITE_TESTS_INTEGRATION_NLM_TEST_CLIENT_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/rpc_client.h"
#include "common/rpc/socket_address.h"
#include "service/lock/nlm_types.h"
#include "service/lock/nsm_types.h"

namespace nfsuite::lock {
// Readable statuses in failure messages.
void PrintTo(NlmStatus status, std::ostream* out);
}  // namespace nfsuite::lock

namespace nfsuite::testing {

// Raw NLM calls of one version over one transport to one server address, as a client host's
// lock manager makes them. Made inside a client host (ClientHost::RunInside), its socket is that
// host's; it may then be used from any thread, one call at a time. A call that gets no SUCCESS
// reply is a test failure and comes back with status kFailed (which v1/v3 cannot send).
class NlmTestClient {
 public:
  static absl::StatusOr<std::unique_ptr<NlmTestClient>> Connect(rpc::Transport transport,
                                                                const rpc::SocketAddress& server,
                                                                uint32_t version);

  uint32_t version() const { return version_; }
  rpc::RpcClient& rpc() { return *client_; }

  lock::NlmTestResult Test(const lock::NlmTestArgs& args);
  lock::NlmResult Lock(const lock::NlmLockArgs& args);
  lock::NlmResult Cancel(const lock::NlmCancelArgs& args);
  lock::NlmResult Unlock(const lock::NlmUnlockArgs& args);
  lock::NlmShareResult Share(const lock::NlmShareArgs& args);
  lock::NlmShareResult Unshare(const lock::NlmShareArgs& args);
  // FREE_ALL and NM_LOCK (v3 and v4 only).
  void FreeAll(const lock::NlmNotify& notify);
  lock::NlmResult NmLock(const lock::NlmLockArgs& args);

  // The asynchronous forms: sent without waiting for any answer; the server answers with a
  // *_RES call to the client host's NLM service.
  absl::Status SendTestMsg(const lock::NlmTestArgs& args);
  absl::Status SendLockMsg(const lock::NlmLockArgs& args);
  absl::Status SendCancelMsg(const lock::NlmCancelArgs& args);
  absl::Status SendUnlockMsg(const lock::NlmUnlockArgs& args);

  // Any procedure with hand-made arguments, for bad input.
  absl::StatusOr<rpc::RpcReply> CallRaw(uint32_t procedure, const rpc::ArgumentEncoder& arguments);

 private:
  NlmTestClient(std::unique_ptr<rpc::RpcClient> client, uint32_t version)
      : client_(std::move(client)), version_(version) {}
  template <typename Result>
  Result Call(lock::NlmProcedure procedure, const rpc::ArgumentEncoder& arguments,
              void (*decode)(xdr::XdrDecoder&, Result&));
  absl::Status Send(lock::NlmProcedure procedure, const rpc::ArgumentEncoder& arguments);
  lock::NlmResult LockAs(lock::NlmProcedure procedure, const lock::NlmLockArgs& args);

  std::unique_ptr<rpc::RpcClient> client_;
  const uint32_t version_;
};

// Raw NSM version 1 calls to a status monitor (nfsd's), as a client host's statd makes them.
class NsmTestClient {
 public:
  static absl::StatusOr<std::unique_ptr<NsmTestClient>> Connect(rpc::Transport transport,
                                                                const rpc::SocketAddress& server);
  rpc::RpcClient& rpc() { return *client_; }

  // SM_NOTIFY: `mon_name` rebooted and is now in `state`. An error when no reply came.
  absl::Status Notify(const lock::StatChange& change);
  absl::StatusOr<lock::SmStatResult> Stat(const std::string& mon_name);
  absl::StatusOr<lock::SmStatResult> Monitor(const lock::Mon& mon);
  absl::StatusOr<lock::SmStat> Unmonitor(const lock::MonId& mon_id);
  absl::StatusOr<lock::SmStat> UnmonitorAll(const lock::MyId& my_id);
  // SM_SIMU_CRASH: the monitor behaves as after a reboot. An error when no reply came.
  absl::Status SimulateCrash();

 private:
  explicit NsmTestClient(std::unique_ptr<rpc::RpcClient> client) : client_(std::move(client)) {}
  std::unique_ptr<rpc::RpcClient> client_;
};

// The parts of a lock request tests vary; everything else is the owner's.
struct LockOwner {
  std::string caller_name;
  int32_t svid = 0;
  std::string oh;  // owner handle bytes
};
lock::NlmLock MakeLock(const LockOwner& owner, const lock::Netobj& fh, uint64_t offset,
                       uint64_t length);

// Lock requests with the defaults tests mostly want.
lock::NlmLockArgs LockRequest(const lock::NlmLock& lock, bool exclusive, bool block = false,
                              const std::string& cookie = "cookie");
lock::NlmTestArgs TestRequest(const lock::NlmLock& lock, bool exclusive);
lock::NlmUnlockArgs UnlockRequest(const lock::NlmLock& lock);
lock::NlmCancelArgs CancelRequest(const lock::NlmLock& lock, bool exclusive, bool block = true);
lock::Netobj Cookie(const std::string& text);
lock::NlmShareArgs ShareRequest(const LockOwner& owner, const lock::Netobj& fh,
                                lock::ShareAccess access, lock::ShareMode mode);

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_NLM_TEST_CLIENT_H_
