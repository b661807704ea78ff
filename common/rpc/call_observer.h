#ifndef NFSUITE_COMMON_RPC_CALL_OBSERVER_H_
#define NFSUITE_COMMON_RPC_CALL_OBSERVER_H_

#include <chrono>
#include <cstdint>

#include "common/rpc/call_context.h"
#include "common/rpc/socket_address.h"

namespace nfsuite::rpc {

// How the RPC layer answered a call (RFC 5531 reply kinds, plus the cases with no reply).
enum class RpcOutcome : uint8_t {
  kSuccess,           // the procedure ran and replied (its own status is in CallReport)
  kNoReply,           // the procedure ran and chose silence
  kGarbageArgs,       // the arguments did not decode
  kSystemError,       // the procedure failed: SYSTEM_ERR
  kAuthError,         // AUTH_ERROR: bad credential, or refused by policy
  kProcUnavail,       // PROC_UNAVAIL
  kProgMismatch,      // PROG_MISMATCH
  kProgUnavail,       // PROG_UNAVAIL
  kRpcMismatch,       // RPC_MISMATCH
  kUnreadable,        // no call header could be read: dropped without reply
  kReplayed,          // a retransmission answered from the duplicate request cache
  kDroppedDuplicate,  // a retransmission of a call still running: dropped
};
inline constexpr size_t kRpcOutcomeCount = static_cast<size_t>(RpcOutcome::kDroppedDuplicate) + 1;

// One call as the dispatcher answered it.
struct ObservedCall {
  uint32_t program = 0;  // 0 with version and procedure when the header was unreadable
  uint32_t version = 0;
  uint32_t procedure = 0;
  const SocketAddress* peer = nullptr;
  RpcOutcome outcome = RpcOutcome::kUnreadable;
  CallReport report;
  // From the dispatcher receiving the record to the reply being encoded: time spent queued for
  // a worker and sending are not included.
  std::chrono::steady_clock::time_point finished;
  int64_t latency_ns = 0;
};

// Told about every call a Dispatcher answers, on the thread that answered it: many threads at
// once, so implementations must be thread-safe and cheap (they are on every call's path).
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  virtual void Observe(const ObservedCall& call) = 0;
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_CALL_OBSERVER_H_
