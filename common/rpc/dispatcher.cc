#include "common/rpc/dispatcher.h"

#include "common/util/logging.h"

namespace nfsuite::rpc {
namespace {

RpcOutcome RpcOutcomeOf(ProcedureOutcome outcome, const CallReport& report) {
  switch (outcome) {
    case ProcedureOutcome::kReplied:
      return report.refused ? RpcOutcome::kAuthError : RpcOutcome::kSuccess;
    case ProcedureOutcome::kNoReply:
      return RpcOutcome::kNoReply;
    case ProcedureOutcome::kGarbageArgs:
      return RpcOutcome::kGarbageArgs;
    case ProcedureOutcome::kSystemError:
      return RpcOutcome::kSystemError;
  }
  return RpcOutcome::kSystemError;
}

// Runs a procedure and turns its outcome into a reply.
std::optional<xdr::XdrEncoder> Run(const Procedure& procedure, const CallContext& context,
                                   xdr::XdrDecoder& args, ObservedCall& call) {
  xdr::XdrEncoder reply;
  const ProcedureOutcome outcome = procedure.run(context, args, reply);
  call.outcome = RpcOutcomeOf(outcome, call.report);
  switch (outcome) {
    case ProcedureOutcome::kReplied:
      return reply;
    case ProcedureOutcome::kNoReply:
      return std::nullopt;
    case ProcedureOutcome::kGarbageArgs: {
      Logf(LogLevel::kDebug, "GARBAGE_ARGS for %s from %s: %s", procedure.name,
           context.origin.peer.ToString(), args.Finish().message());
      xdr::XdrEncoder garbage;
      EncodeAcceptedReply(garbage, context.xid, AcceptStat::kGarbageArgs);
      return garbage;
    }
    case ProcedureOutcome::kSystemError: {
      xdr::XdrEncoder failure;
      EncodeAcceptedReply(failure, context.xid, AcceptStat::kSystemErr);
      return failure;
    }
  }
  return std::nullopt;
}

}  // namespace

void Dispatcher::Register(ProgramVersion program_version) {
  const uint32_t program = program_version.program;
  const uint32_t version = program_version.version;
  programs_[program][version] = std::move(program_version);
}

const Procedure* Dispatcher::Find(uint32_t program, uint32_t version, uint32_t procedure) const {
  auto by_program = programs_.find(program);
  if (by_program == programs_.end()) return nullptr;
  auto by_version = by_program->second.find(version);
  if (by_version == by_program->second.end()) return nullptr;
  const std::vector<Procedure>& table = by_version->second.procedures;
  if (procedure >= table.size() || !table[procedure].run) return nullptr;
  return &table[procedure];
}

Execution Dispatcher::ExecutionFor(absl::Span<const uint8_t> record) const {
  xdr::XdrDecoder decoder(record);
  CallHeader header;
  if (DecodeCallHeader(decoder, header) != CallHeaderStatus::kOk) return Execution::kInline;
  const Procedure* procedure = Find(header.program, header.version, header.procedure);
  return procedure == nullptr ? Execution::kInline : procedure->execution;
}

std::optional<xdr::XdrEncoder> Dispatcher::Dispatch(absl::Span<const uint8_t> record,
                                                    const CallOrigin& origin) const {
  ObservedCall call;
  if (observer_ == nullptr) return Route(record, origin, call);
  // Two monotonic clock reads (vDSO, no system call) are the whole timing cost of a call.
  const auto start = std::chrono::steady_clock::now();
  std::optional<xdr::XdrEncoder> reply = Route(record, origin, call);
  call.finished = std::chrono::steady_clock::now();
  call.latency_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(call.finished - start).count();
  call.peer = &origin.peer;
  observer_->Observe(call);
  return reply;
}

std::optional<xdr::XdrEncoder> Dispatcher::Route(absl::Span<const uint8_t> record,
                                                 const CallOrigin& origin,
                                                 ObservedCall& call) const {
  xdr::XdrDecoder decoder(record);
  CallHeader header;
  xdr::XdrEncoder reply;
  call.outcome = RpcOutcome::kUnreadable;
  switch (DecodeCallHeader(decoder, header)) {
    case CallHeaderStatus::kUnreadable:
      Logf(LogLevel::kDebug, "dropped an unreadable %zu-byte record from %s", record.size(),
           origin.peer.ToString());
      return std::nullopt;
    case CallHeaderStatus::kWrongRpcVersion:
      call.outcome = RpcOutcome::kRpcMismatch;
      EncodeRpcMismatchReply(reply, header.xid);
      return reply;
    case CallHeaderStatus::kBadCredential:
      call.outcome = RpcOutcome::kAuthError;
      EncodeAuthErrorReply(reply, header.xid, AuthStat::kBadCred);
      return reply;
    case CallHeaderStatus::kOk:
      break;
  }
  call.program = header.program;
  call.version = header.version;
  call.procedure = header.procedure;

  CallContext context;
  context.xid = header.xid;
  context.program = header.program;
  context.version = header.version;
  context.procedure = header.procedure;
  context.origin = origin;
  context.report = &call.report;
  if (const AuthStat auth = DecodeCredentials(header.credential, context.credentials);
      auth != AuthStat::kOk) {
    call.outcome = RpcOutcome::kAuthError;
    EncodeAuthErrorReply(reply, header.xid, auth);
    return reply;
  }

  auto by_program = programs_.find(header.program);
  if (by_program == programs_.end()) {
    call.outcome = RpcOutcome::kProgUnavail;
    EncodeAcceptedReply(reply, header.xid, AcceptStat::kProgUnavail);
    return reply;
  }
  const auto& versions = by_program->second;
  if (!versions.contains(header.version)) {
    call.outcome = RpcOutcome::kProgMismatch;
    EncodeProgMismatchReply(reply, header.xid, versions.begin()->first, versions.rbegin()->first);
    return reply;
  }
  const Procedure* procedure = Find(header.program, header.version, header.procedure);
  if (procedure == nullptr) {
    call.outcome = RpcOutcome::kProcUnavail;
    EncodeAcceptedReply(reply, header.xid, AcceptStat::kProcUnavail);
    return reply;
  }
  if (procedure->cache_policy == ReplyCachePolicy::kCacheReply && cache_ != nullptr) {
    return RunCached(*procedure, context, decoder, call);
  }
  return Run(*procedure, context, decoder, call);
}

std::optional<xdr::XdrEncoder> Dispatcher::RunCached(const Procedure& procedure,
                                                     const CallContext& context,
                                                     xdr::XdrDecoder& args,
                                                     ObservedCall& call) const {
  DuplicateRequestCache::Key key;
  key.xid = context.xid;
  key.peer = context.origin.peer;
  key.transport = context.origin.transport;
  key.program = context.program;
  key.version = context.version;
  key.procedure = context.procedure;
  key.checksum = DuplicateRequestCache::Checksum(args.Rest());

  std::shared_ptr<const std::vector<uint8_t>> cached;
  switch (cache_->Begin(key, &cached)) {
    case DuplicateRequestCache::Lookup::kInProgress:
      call.outcome = RpcOutcome::kDroppedDuplicate;
      return std::nullopt;
    case DuplicateRequestCache::Lookup::kReplay: {
      call.outcome = RpcOutcome::kReplayed;
      xdr::XdrEncoder replay;
      replay.RawByReference(*cached, cached);
      return replay;
    }
    case DuplicateRequestCache::Lookup::kNew:
      break;
  }
  std::optional<xdr::XdrEncoder> reply = Run(procedure, context, args, call);
  if (reply.has_value()) {
    cache_->Complete(key, *reply);
  } else {
    cache_->Abandon(key);
  }
  return reply;
}

std::vector<Dispatcher::Registered> Dispatcher::Programs() const {
  std::vector<Registered> result;
  for (const auto& [program, versions] : programs_) {
    for (const auto& [version, table] : versions) {
      result.push_back({program, version, table.program_name});
    }
  }
  return result;
}

std::vector<Dispatcher::RegisteredProcedure> Dispatcher::Procedures() const {
  std::vector<RegisteredProcedure> result;
  for (const auto& [program, versions] : programs_) {
    for (const auto& [version, table] : versions) {
      for (uint32_t number = 0; number < table.procedures.size(); ++number) {
        if (!table.procedures[number].run) continue;
        result.push_back(
            {program, version, number, table.program_name, table.procedures[number].name});
      }
    }
  }
  return result;
}

}  // namespace nfsuite::rpc
