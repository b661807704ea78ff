#ifndef NFSUITE_COMMON_RPC_PROCEDURE_H_
#define NFSUITE_COMMON_RPC_PROCEDURE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "common/rpc/call_context.h"
#include "common/rpc/rpc_message.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

// One row of a dispatch table: {name, decode, handler, encode, policies}. A program version is a
// table of these indexed by procedure number; adding a program is adding a table.
namespace nfsuite::rpc {

// Whether a reply must be replayed to a retransmission instead of re-running the procedure.
enum class ReplyCachePolicy { kNone, kCacheReply };
// Where the procedure runs: on the transport's event loop (quick, never blocks) or on the worker
// pool (may block on disks or the network).
enum class Execution { kInline, kWorker };

// A handler's answer other than a result.
struct NoReply {};  // send nothing, as some procedures are specified (CALLIT on failure)
struct SystemError {
  std::string why;  // logged, never sent
};
// Refused by policy: an AUTH_ERROR reply with `why` (AUTH_TOOWEAK: "not for you").
struct Refused {
  AuthStat why = AuthStat::kTooWeak;
};
template <typename Result>
using HandlerResult = std::variant<Result, NoReply, SystemError, Refused>;

enum class ProcedureOutcome { kReplied, kGarbageArgs, kSystemError, kNoReply };

struct Procedure {
  std::string name;
  ReplyCachePolicy cache_policy = ReplyCachePolicy::kNone;
  Execution execution = Execution::kWorker;
  // Decodes the arguments and, when they are well formed, runs the handler and writes an accepted
  // SUCCESS reply with the encoded result into `reply`. Empty for a number with no procedure.
  std::function<ProcedureOutcome(const CallContext&, xdr::XdrDecoder& args, xdr::XdrEncoder& reply)>
      run;
};

struct ProgramVersion {
  uint32_t program = 0;
  uint32_t version = 0;
  std::string program_name;
  std::vector<Procedure> procedures;  // index = procedure number
};

// An empty argument or result (void in RPC language).
struct Void {};
inline void DecodeVoid(xdr::XdrDecoder&, Void&) {}
inline void EncodeVoid(xdr::XdrEncoder&, const Void&) {}

struct ProcedurePolicies {
  ReplyCachePolicy cache_policy = ReplyCachePolicy::kNone;
  Execution execution = Execution::kWorker;
};

// Tells the call statistics whether a result failed. Every result with a `status` member in this
// suite (NFS versions 2 and 3, MOUNT) numbers success 0, so another value is a failure.
template <typename Result>
void ReportStatus(const CallContext& context, const Result& result) {
  if constexpr (requires { static_cast<uint32_t>(result.status); }) {
    if (context.report == nullptr) return;
    context.report->failed = static_cast<uint32_t>(result.status) != 0;
  }
}

// Builds a table row from a typed decoder, handler and encoder. The handler is called only with
// arguments that decoded completely; it returns a Result or a HandlerResult<Result>.
template <typename Args, typename Result, typename Handler>
Procedure MakeProcedure(std::string name, void (*decode)(xdr::XdrDecoder&, Args&), Handler handler,
                        void (*encode)(xdr::XdrEncoder&, const Result&),
                        ProcedurePolicies policies = {}) {
  Procedure procedure;
  procedure.name = std::move(name);
  procedure.cache_policy = policies.cache_policy;
  procedure.execution = policies.execution;
  procedure.run = [decode, handler = std::move(handler), encode](
                      const CallContext& context, xdr::XdrDecoder& decoder,
                      xdr::XdrEncoder& reply) -> ProcedureOutcome {
    Args args{};
    decode(decoder, args);
    if (!decoder.Finish().ok()) return ProcedureOutcome::kGarbageArgs;
    using Returned = std::invoke_result_t<const Handler&, const CallContext&, const Args&>;
    if constexpr (std::is_same_v<Returned, Result>) {
      const Result result = handler(context, args);
      ReportStatus(context, result);
      EncodeAcceptedReply(reply, context.xid, AcceptStat::kSuccess);
      encode(reply, result);
      return ProcedureOutcome::kReplied;
    } else {
      static_assert(std::is_same_v<Returned, HandlerResult<Result>>,
                    "a handler returns its Result or a HandlerResult<Result>");
      const Returned returned = handler(context, args);
      if (std::holds_alternative<NoReply>(returned)) return ProcedureOutcome::kNoReply;
      if (std::holds_alternative<SystemError>(returned)) return ProcedureOutcome::kSystemError;
      if (const Refused* refused = std::get_if<Refused>(&returned)) {
        if (context.report != nullptr) context.report->refused = true;
        EncodeAuthErrorReply(reply, context.xid, refused->why);
        return ProcedureOutcome::kReplied;
      }
      ReportStatus(context, std::get<Result>(returned));
      EncodeAcceptedReply(reply, context.xid, AcceptStat::kSuccess);
      encode(reply, std::get<Result>(returned));
      return ProcedureOutcome::kReplied;
    }
  };
  return procedure;
}

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_PROCEDURE_H_
