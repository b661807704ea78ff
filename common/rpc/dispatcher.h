#ifndef NFSUITE_COMMON_RPC_DISPATCHER_H_
#define NFSUITE_COMMON_RPC_DISPATCHER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "common/rpc/call_context.h"
#include "common/rpc/call_observer.h"
#include "common/rpc/duplicate_request_cache.h"
#include "common/rpc/procedure.h"
#include "common/xdr/xdr_encoder.h"

namespace nfsuite::rpc {

// Routes a call record to its procedure and produces the reply, applying the RFC 5531 checks in
// order: RPC version (RPC_MISMATCH), credential (AUTH_ERROR), program (PROG_UNAVAIL), version
// (PROG_MISMATCH with the supported range), procedure (PROC_UNAVAIL), arguments (GARBAGE_ARGS).
// Transport-independent: TCP and UDP servers, and tests, all call Dispatch.
class Dispatcher {
 public:
  // `cache` may be null when no registered procedure asks for reply caching.
  explicit Dispatcher(DuplicateRequestCache* cache = nullptr) : cache_(cache) {}

  // Registration happens before serving starts; the table is read-only afterwards.
  void Register(ProgramVersion program_version);
  // Tells `observer` (not owned; null for none) about every call from now on; set before
  // serving starts, like the table.
  void set_observer(CallObserver* observer) { observer_ = observer; }

  // Where the call in `record` should run, from its header alone. Calls that will only get an
  // error reply run inline: they are cheap.
  Execution ExecutionFor(absl::Span<const uint8_t> record) const;

  // Handles one call; nullopt when nothing must be sent back (an unreadable record, a
  // retransmission of a call still in progress, a procedure that answers with silence).
  std::optional<xdr::XdrEncoder> Dispatch(absl::Span<const uint8_t> record,
                                          const CallOrigin& origin) const;

  // Registered (program, version, name) triples, for status displays and portmap registration.
  struct Registered {
    uint32_t program;
    uint32_t version;
    std::string program_name;
  };
  std::vector<Registered> Programs() const;

  // Every registered procedure with its names, for statistics.
  struct RegisteredProcedure {
    uint32_t program;
    uint32_t version;
    uint32_t procedure;
    std::string program_name;
    std::string procedure_name;
  };
  std::vector<RegisteredProcedure> Procedures() const;

 private:
  const Procedure* Find(uint32_t program, uint32_t version, uint32_t procedure) const;
  // Dispatch without the timing: fills in `call` for the observer.
  std::optional<xdr::XdrEncoder> Route(absl::Span<const uint8_t> record, const CallOrigin& origin,
                                       ObservedCall& call) const;
  std::optional<xdr::XdrEncoder> RunCached(const Procedure& procedure, const CallContext& context,
                                           xdr::XdrDecoder& args, ObservedCall& call) const;

  DuplicateRequestCache* cache_;
  CallObserver* observer_ = nullptr;
  // program → version → table
  std::map<uint32_t, std::map<uint32_t, ProgramVersion>> programs_;
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_DISPATCHER_H_
