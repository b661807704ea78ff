#ifndef NFSUITE_TESTS_INTEGRATION_NLM_FAKE_CLIENT_H_
#define NFSUITE_TESTS_INTEGRATION_NLM_FAKE_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/portmap_client.h"
#include "common/rpc/rpc_server.h"
#include "common/rpc/socket_address.h"
#include "service/lock/nlm_types.h"
#include "service/lock/nsm_types.h"
#include "tests/integration/client_host.h"

namespace nfsuite::testing {

// What the server sent to the client host's lock services.
struct ReceivedGranted {  // NLM GRANTED (or GRANTED_MSG)
  uint32_t version = 0;
  uint32_t procedure = 0;
  rpc::Transport transport = rpc::Transport::kTcp;
  lock::NlmTestArgs args;
};
struct ReceivedResult {  // NLM TEST_RES, LOCK_RES, CANCEL_RES, UNLOCK_RES, GRANTED_RES
  uint32_t version = 0;
  uint32_t procedure = 0;
  lock::NlmResult result;           // all but TEST_RES
  lock::NlmTestResult test_result;  // TEST_RES
};
struct ReceivedNotify {  // NSM SM_NOTIFY
  lock::StatChange change;
  rpc::Transport transport = rpc::Transport::kUdp;
  std::string from;  // the sender's address
};

// How the client's NLM answers GRANTED: accepts the lock, refuses it, or never answers (a
// client that went away).
enum class GrantedAnswer { kGranted, kDenied, kSilent };

// The lock services of a client host, as a kernel's lockd and statd offer them: NLM versions 1,
// 3 and 4 (GRANTED, GRANTED_MSG and the *_RES procedures) and NSM version 1 (SM_NOTIFY), on TCP
// and UDP of the host's address, registered with the host's portmapper. It records every call
// it receives; tests wait for them with a bound.
class FakeLockClient {
 public:
  static absl::StatusOr<std::unique_ptr<FakeLockClient>> Start(const ClientHost& host);
  // Unregisters (from inside the host) and stops serving.
  ~FakeLockClient();
  FakeLockClient(const FakeLockClient&) = delete;
  FakeLockClient& operator=(const FakeLockClient&) = delete;

  void set_granted_answer(GrantedAnswer answer);

  // The first recorded call that `match` accepts (any, without one), waiting up to `timeout`
  // for it to arrive.
  std::optional<ReceivedGranted> WaitForGranted(
      absl::Duration timeout, const std::function<bool(const ReceivedGranted&)>& match = nullptr);
  std::optional<ReceivedResult> WaitForResult(uint32_t procedure, absl::Duration timeout);
  std::optional<ReceivedNotify> WaitForNotify(absl::Duration timeout);

  // Everything recorded so far.
  std::vector<ReceivedGranted> granted() const;
  std::vector<ReceivedNotify> notifies() const;
  size_t granted_count() const;

 private:
  explicit FakeLockClient(const ClientHost& host);
  absl::Status StartInside();
  void RegisterPrograms();
  std::vector<rpc::ServiceRegistration> Registrations() const;
  void RecordResult(const rpc::CallContext& context, ReceivedResult received);
  // The first of `calls` (one of the recorded lists) that `match` accepts, waiting for it.
  template <typename Call>
  std::optional<Call> WaitFor(const std::vector<Call>& calls, absl::Duration timeout,
                              const std::function<bool(const Call&)>& match);

  const ClientHost& host_;
  rpc::Dispatcher dispatcher_;
  std::unique_ptr<rpc::RpcServer> server_;

  mutable absl::Mutex mu_;
  GrantedAnswer granted_answer_ ABSL_GUARDED_BY(mu_) = GrantedAnswer::kGranted;
  std::vector<ReceivedGranted> granted_ ABSL_GUARDED_BY(mu_);
  std::vector<ReceivedResult> results_ ABSL_GUARDED_BY(mu_);
  std::vector<ReceivedNotify> notifies_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_NLM_FAKE_CLIENT_H_
