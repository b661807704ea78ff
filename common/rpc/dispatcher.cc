#include "common/rpc/dispatcher.h"

#include "common/util/logging.h"

namespace nfsuite::rpc {
namespace {

// Runs a procedure and turns its outcome into a reply.
std::optional<xdr::XdrEncoder> Run(const Procedure& procedure, const CallContext& context,
                                   xdr::XdrDecoder& args) {
  xdr::XdrEncoder reply;
  switch (procedure.run(context, args, reply)) {
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
  xdr::XdrDecoder decoder(record);
  CallHeader header;
  xdr::XdrEncoder reply;
  switch (DecodeCallHeader(decoder, header)) {
    case CallHeaderStatus::kUnreadable:
      Logf(LogLevel::kDebug, "dropped an unreadable %zu-byte record from %s", record.size(),
           origin.peer.ToString());
      return std::nullopt;
    case CallHeaderStatus::kWrongRpcVersion:
      EncodeRpcMismatchReply(reply, header.xid);
      return reply;
    case CallHeaderStatus::kBadCredential:
      EncodeAuthErrorReply(reply, header.xid, AuthStat::kBadCred);
      return reply;
    case CallHeaderStatus::kOk:
      break;
  }

  CallContext context;
  context.xid = header.xid;
  context.program = header.program;
  context.version = header.version;
  context.procedure = header.procedure;
  context.origin = origin;
  if (const AuthStat auth = DecodeCredentials(header.credential, context.credentials);
      auth != AuthStat::kOk) {
    EncodeAuthErrorReply(reply, header.xid, auth);
    return reply;
  }

  auto by_program = programs_.find(header.program);
  if (by_program == programs_.end()) {
    EncodeAcceptedReply(reply, header.xid, AcceptStat::kProgUnavail);
    return reply;
  }
  const auto& versions = by_program->second;
  if (!versions.contains(header.version)) {
    EncodeProgMismatchReply(reply, header.xid, versions.begin()->first, versions.rbegin()->first);
    return reply;
  }
  const Procedure* procedure = Find(header.program, header.version, header.procedure);
  if (procedure == nullptr) {
    EncodeAcceptedReply(reply, header.xid, AcceptStat::kProcUnavail);
    return reply;
  }
  if (procedure->cache_policy == ReplyCachePolicy::kCacheReply && cache_ != nullptr) {
    return RunCached(*procedure, context, decoder);
  }
  return Run(*procedure, context, decoder);
}

std::optional<xdr::XdrEncoder> Dispatcher::RunCached(const Procedure& procedure,
                                                     const CallContext& context,
                                                     xdr::XdrDecoder& args) const {
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
      return std::nullopt;
    case DuplicateRequestCache::Lookup::kReplay: {
      xdr::XdrEncoder replay;
      replay.RawByReference(*cached, cached);
      return replay;
    }
    case DuplicateRequestCache::Lookup::kNew:
      break;
  }
  std::optional<xdr::XdrEncoder> reply = Run(procedure, context, args);
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

}  // namespace nfsuite::rpc
