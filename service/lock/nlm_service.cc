#include "service/lock/nlm_service.h"

#include <utility>

#include "common/util/logging.h"
#include "service/lock/client_calls.h"
#include "service/lock/nlm_xdr.h"

namespace nfsuite::lock {
namespace {

// Lock requests may open files: on the worker pool. Retransmissions are answered by the lock
// manager itself (a repeated LOCK of a held range is granted again, a repeated UNLOCK is a no-op),
// so no reply cache is needed.
constexpr rpc::ProcedurePolicies kLocking{rpc::ReplyCachePolicy::kNone, rpc::Execution::kWorker};
constexpr rpc::ProcedurePolicies kQuick{rpc::ReplyCachePolicy::kNone, rpc::Execution::kInline};
// Below the grant resend interval (2 s), so one grant has one call in flight.
constexpr absl::Duration kCallbackTimeout = absl::Milliseconds(1500);

// A blocked request's way back to its client.
struct NlmGrantNotice final : GrantNotice {
  ClientService client;
  NlmTestArgs granted;  // GRANTED's arguments: the request's cookie and lock
};

NlmStatus FromResolveError(nfs::Nfsstat3 error) {
  switch (error) {
    case nfs::Nfsstat3::kStale:
    case nfs::Nfsstat3::kBadHandle:
      return NlmStatus::kStaleHandle;
    default:
      return NlmStatus::kFailed;  // refused: the export does not admit this client
  }
}

LockOwner OwnerOf(const rpc::CallContext& context, const NlmLock& lock) {
  return LockOwner{ClientHost{lock.caller_name, context.origin.peer.HostString()}, lock.svid,
                   lock.oh};
}

ClientService CallerNlm(const rpc::CallContext& context) {
  return ClientService{context.origin.peer.HostString(), context.origin.transport, kNlmProgram,
                       context.version};
}

NlmStatus Wire(const rpc::CallContext& context, NlmStatus status) {
  return ToWireStatus(status, context.version);
}

// One debug line per request: what a failing client's lock step needs to be read from the log.
void LogRequest(const rpc::CallContext& context, const char* procedure, const NlmLock& lock,
                bool exclusive, NlmStatus status) {
  Logf(LogLevel::kDebug, "NLM v%u %s from %s (%s, svid %d): %s [%u, +%u) -> status %u",
       context.version, procedure, lock.caller_name, context.origin.peer.ToString(), lock.svid,
       exclusive ? "exclusive" : "shared", lock.offset, lock.length, static_cast<uint32_t>(status));
}

rpc::Procedure VoidProcedure(const char* name) {
  return rpc::MakeProcedure(
      name, &rpc::DecodeVoid, [](const rpc::CallContext&, const rpc::Void&) { return rpc::Void{}; },
      &rpc::EncodeVoid, kQuick);
}

// The *_RES procedures: answers to calls this server never makes as a client (it sends GRANTED,
// not GRANTED_MSG), accepted and dropped.
template <typename Args>
rpc::Procedure IgnoredAnswer(const char* name, void (*decode)(xdr::XdrDecoder&, Args&)) {
  return rpc::MakeProcedure(
      name, decode, [](const rpc::CallContext&, const Args&) { return rpc::Void{}; },
      &rpc::EncodeVoid, kQuick);
}

}  // namespace

NlmService::NlmService(const nfs::CurrentExports& exports, const nfs::FileHandleCodec& handles,
                       LockManager& locks, StatusMonitor& monitor, const GracePeriod& grace,
                       CallbackQueue& callbacks)
    : resolver_(exports, handles),
      locks_(locks),
      monitor_(monitor),
      grace_(grace),
      callbacks_(callbacks) {}

std::variant<NlmService::Target, NlmStatus> NlmService::Resolve(const rpc::CallContext& context,
                                                                const Netobj& fh) const {
  // An empty handle would mean WebNFS's public root, a directory: never lockable.
  if (fh.empty()) return NlmStatus::kStaleHandle;
  auto resolved = resolver_.Resolve(context, fh, resolver_.Snapshot());
  if (const nfs::Nfsstat3* error = std::get_if<nfs::Nfsstat3>(&resolved)) {
    return FromResolveError(*error);
  }
  nfs::RequestTarget& request = std::get<nfs::RequestTarget>(resolved);
  LockedFileId file{request.exported->id, request.object};
  return Target{std::move(request), std::move(file)};
}

std::variant<NlmService::LockTarget, NlmStatus> NlmService::ResolveLock(
    const rpc::CallContext& context, const NlmLock& lock) const {
  // A range fcntl cannot lock is refused before the handle is looked at.
  const std::optional<ByteRange> range = RangeFromNlm(lock.offset, lock.length);
  if (!range.has_value()) return NlmStatus::kFileTooBig;
  auto target = Resolve(context, lock.fh);
  if (const NlmStatus* error = std::get_if<NlmStatus>(&target)) return *error;
  return LockTarget{std::get<Target>(std::move(target)), *range};
}

namespace {

FileOpener OpenerFor(const nfs::RequestTarget& target) {
  return [&target]() { return target.backend().OpenForLocking(target.who(), target.object); };
}

}  // namespace

NlmTestResult NlmService::Test(const rpc::CallContext& context, const NlmTestArgs& args) {
  NlmTestResult result;
  result.cookie = args.cookie;
  const auto answer = [&](NlmStatus status) {
    result.status = Wire(context, status);
    return result;
  };
  if (grace_.InGrace()) return answer(NlmStatus::kDeniedGracePeriod);
  auto found = ResolveLock(context, args.lock);
  if (const NlmStatus* error = std::get_if<NlmStatus>(&found)) return answer(*error);
  const LockTarget& resolved = std::get<LockTarget>(found);
  const TestOutcome outcome = locks_.Test(
      {resolved.target.file, OwnerOf(context, args.lock), resolved.range, args.exclusive},
      OpenerFor(resolved.target.request));
  result.holder = outcome.holder;
  LogRequest(context, "TEST", args.lock, args.exclusive, outcome.status);
  return answer(outcome.status);
}

NlmStatus NlmService::DoLock(const rpc::CallContext& context, const NlmLockArgs& args,
                             bool monitored) {
  if (grace_.InGrace() && !args.reclaim) return NlmStatus::kDeniedGracePeriod;
  auto found = ResolveLock(context, args.lock);
  if (const NlmStatus* error = std::get_if<NlmStatus>(&found)) return *error;
  const LockTarget& resolved = std::get<LockTarget>(found);
  if (args.exclusive && resolved.target.request.read_only()) return NlmStatus::kReadOnlyFs;
  const LockOwner owner = OwnerOf(context, args.lock);
  // On disk before the answer: a host holding a lock is always one to notify after a crash.
  if (monitored) {
    if (absl::Status recorded = monitor_.Monitor(owner.host); !recorded.ok()) {
      Logf(LogLevel::kError, "NLM: cannot monitor %s: %s", owner.host.caller_name,
           recorded.message());
      return NlmStatus::kDeniedNoLocks;
    }
  }
  std::shared_ptr<NlmGrantNotice> notice;
  if (args.block) {
    notice = std::make_shared<NlmGrantNotice>();
    notice->client = CallerNlm(context);
    notice->granted = NlmTestArgs{args.cookie, args.exclusive, args.lock};
  }
  return locks_.Lock({resolved.target.file, owner, resolved.range, args.exclusive},
                     OpenerFor(resolved.target.request), std::move(notice));
}

NlmResult NlmService::Lock(const rpc::CallContext& context, const NlmLockArgs& args) {
  const NlmStatus status = DoLock(context, args, /*monitored=*/true);
  LogRequest(context,
             args.reclaim ? "LOCK (reclaim)"
             : args.block ? "LOCK (blocking)"
                          : "LOCK",
             args.lock, args.exclusive, status);
  return NlmResult{args.cookie, Wire(context, status)};
}

NlmResult NlmService::NonMonitoredLock(const rpc::CallContext& context, const NlmLockArgs& args) {
  // NM_LOCK never blocks: a client that does not monitor cannot be called back reliably.
  NlmLockArgs immediate = args;
  immediate.block = false;
  return NlmResult{args.cookie, Wire(context, DoLock(context, immediate, /*monitored=*/false))};
}

NlmResult NlmService::Cancel(const rpc::CallContext& context, const NlmCancelArgs& args) {
  auto found = ResolveLock(context, args.lock);
  if (const NlmStatus* error = std::get_if<NlmStatus>(&found)) {
    return NlmResult{args.cookie, Wire(context, *error)};
  }
  const LockTarget& resolved = std::get<LockTarget>(found);
  const NlmStatus status = locks_.Cancel(
      {resolved.target.file, OwnerOf(context, args.lock), resolved.range, args.exclusive});
  LogRequest(context, "CANCEL", args.lock, args.exclusive, status);
  return NlmResult{args.cookie, Wire(context, status)};
}

NlmResult NlmService::Unlock(const rpc::CallContext& context, const NlmUnlockArgs& args) {
  auto found = ResolveLock(context, args.lock);
  if (const NlmStatus* error = std::get_if<NlmStatus>(&found)) {
    return NlmResult{args.cookie, Wire(context, *error)};
  }
  const LockTarget& resolved = std::get<LockTarget>(found);
  const NlmStatus status =
      locks_.Unlock(resolved.target.file, OwnerOf(context, args.lock), resolved.range);
  LogRequest(context, "UNLOCK", args.lock, false, status);
  return NlmResult{args.cookie, Wire(context, status)};
}

NlmResult NlmService::Granted(const rpc::CallContext& context, const NlmTestArgs& args) {
  // GRANTED is the client side's procedure: this server never has a request waiting for it.
  return NlmResult{args.cookie, Wire(context, NlmStatus::kDenied)};
}

NlmShareResult NlmService::Share(const rpc::CallContext& context, const NlmShareArgs& args) {
  NlmShareResult result{args.cookie, NlmStatus::kGranted, 0};
  if (grace_.InGrace() && !args.reclaim) {
    result.status = NlmStatus::kDeniedGracePeriod;
    return result;
  }
  auto target = Resolve(context, args.share.fh);
  if (const NlmStatus* error = std::get_if<NlmStatus>(&target)) {
    result.status = Wire(context, *error);
    return result;
  }
  const ClientHost host{args.share.caller_name, context.origin.peer.HostString()};
  if (absl::Status recorded = monitor_.Monitor(host); !recorded.ok()) {
    result.status = NlmStatus::kDeniedNoLocks;
    return result;
  }
  result.status =
      Wire(context, locks_.Share(std::get<Target>(target).file,
                                 {host, args.share.oh, args.share.mode, args.share.access}));
  return result;
}

NlmShareResult NlmService::Unshare(const rpc::CallContext& context, const NlmShareArgs& args) {
  NlmShareResult result{args.cookie, NlmStatus::kGranted, 0};
  auto target = Resolve(context, args.share.fh);
  if (const NlmStatus* error = std::get_if<NlmStatus>(&target)) {
    result.status = Wire(context, *error);
    return result;
  }
  const ClientHost host{args.share.caller_name, context.origin.peer.HostString()};
  result.status =
      Wire(context, locks_.Unshare(std::get<Target>(target).file,
                                   {host, args.share.oh, args.share.mode, args.share.access}));
  return result;
}

rpc::Void NlmService::FreeAll(const rpc::CallContext& context, const NlmNotify& args) {
  // Only the host itself may drop its locks: the name must come from the host's own address.
  const std::string address = context.origin.peer.HostString();
  const size_t released = locks_.ReleaseHosts([&](const ClientHost& host) {
    return host.caller_name == args.name && host.address == address;
  });
  Logf(LogLevel::kInfo, "NLM: FREE_ALL from %s (%s): %zu locks and shares released", args.name,
       address, released);
  return {};
}

void NlmService::CallBack(const rpc::CallContext& context, NlmProcedure procedure,
                          rpc::ArgumentEncoder encode) {
  const ClientService client = CallerNlm(context);
  callbacks_.Post([client, procedure, encode = std::move(encode)] {
    absl::StatusOr<rpc::RpcReply> reply =
        CallClientService(client, static_cast<uint32_t>(procedure), encode, kCallbackTimeout);
    if (!reply.ok()) {
      Logf(LogLevel::kWarning, "NLM: cannot send procedure %u to %s: %s",
           static_cast<uint32_t>(procedure), client.address, reply.status().message());
    }
  });
}

rpc::Void NlmService::TestMessage(const rpc::CallContext& context, const NlmTestArgs& args) {
  const NlmTestResult result = Test(context, args);
  const uint32_t version = context.version;
  CallBack(context, NlmProcedure::kTestRes, [result, version](xdr::XdrEncoder& encoder) {
    if (version == kNlmVersion4) {
      EncodeTestResult<Width::kWide>(encoder, result);
    } else {
      EncodeTestResult<Width::kNarrow>(encoder, result);
    }
  });
  return {};
}

void NlmService::SendResult(const rpc::CallContext& context, NlmProcedure answer,
                            const NlmResult& result) {
  CallBack(context, answer, [result](xdr::XdrEncoder& encoder) { EncodeResult(encoder, result); });
}

rpc::Void NlmService::LockMessage(const rpc::CallContext& context, const NlmLockArgs& args) {
  SendResult(context, NlmProcedure::kLockRes, Lock(context, args));
  return {};
}

rpc::Void NlmService::CancelMessage(const rpc::CallContext& context, const NlmCancelArgs& args) {
  SendResult(context, NlmProcedure::kCancelRes, Cancel(context, args));
  return {};
}

rpc::Void NlmService::UnlockMessage(const rpc::CallContext& context, const NlmUnlockArgs& args) {
  SendResult(context, NlmProcedure::kUnlockRes, Unlock(context, args));
  return {};
}

rpc::Void NlmService::GrantedMessage(const rpc::CallContext& context, const NlmTestArgs& args) {
  SendResult(context, NlmProcedure::kGrantedRes, Granted(context, args));
  return {};
}

void NlmService::SendGrant(uint64_t grant, const std::shared_ptr<const GrantNotice>& notice) {
  const auto* granted = dynamic_cast<const NlmGrantNotice*>(notice.get());
  if (granted == nullptr) return;
  // `notice` keeps `granted` alive until the call is done.
  callbacks_.Post([this, grant, notice, granted] {
    const NlmGrantNotice& what = *granted;
    const bool wide = what.client.version == kNlmVersion4;
    absl::StatusOr<rpc::RpcReply> reply = CallClientService(
        what.client, static_cast<uint32_t>(NlmProcedure::kGranted),
        [&](xdr::XdrEncoder& encoder) {
          if (wide) {
            EncodeTestArgs<Width::kWide>(encoder, what.granted);
          } else {
            EncodeTestArgs<Width::kNarrow>(encoder, what.granted);
          }
        },
        kCallbackTimeout);
    if (!reply.ok() || !reply->header.Succeeded()) {
      Logf(LogLevel::kInfo, "NLM: GRANTED to %s (%s) got no answer: %s",
           what.granted.lock.caller_name, what.client.address,
           reply.ok() ? reply->header.Describe() : std::string(reply.status().message()));
      locks_.GrantAnswered(grant, GrantAnswer::kNoAnswer);
      return;
    }
    xdr::XdrDecoder results = reply->Results();
    NlmResult answer;
    DecodeResult(results, answer);
    Logf(LogLevel::kDebug, "NLM: GRANTED to %s (%s) answered status %u",
         what.granted.lock.caller_name, what.client.address, static_cast<uint32_t>(answer.status));
    if (!results.Finish().ok() || answer.status == NlmStatus::kDeniedGracePeriod) {
      locks_.GrantAnswered(grant, GrantAnswer::kNoAnswer);  // the client asks to be told later
    } else {
      locks_.GrantAnswered(grant, answer.status == NlmStatus::kGranted ? GrantAnswer::kAccepted
                                                                       : GrantAnswer::kRefused);
    }
  });
}

rpc::ProgramVersion NlmService::Version(uint32_t version) {
  rpc::ProgramVersion table{kNlmProgram, version, "nlockmgr", {}};
  table.procedures.resize(version == kNlmVersion1 ? 16 : 24);
  auto& p = table.procedures;
  const auto row = [this](const char* name, auto decode, auto method, auto encode,
                          rpc::ProcedurePolicies policies) {
    return rpc::MakeProcedure(
        name, decode,
        [this, method](const rpc::CallContext& context, const auto& args) {
          return (this->*method)(context, args);
        },
        encode, policies);
  };
  const auto at = [&p](NlmProcedure procedure) -> rpc::Procedure& {
    return p[static_cast<size_t>(procedure)];
  };
  using P = NlmProcedure;
  using Self = NlmService;
  const bool wide = version == kNlmVersion4;
  const auto test_args = wide ? &DecodeTestArgs<Width::kWide> : &DecodeTestArgs<Width::kNarrow>;
  const auto lock_args = wide ? &DecodeLockArgs<Width::kWide> : &DecodeLockArgs<Width::kNarrow>;
  const auto cancel_args =
      wide ? &DecodeCancelArgs<Width::kWide> : &DecodeCancelArgs<Width::kNarrow>;
  const auto unlock_args =
      wide ? &DecodeUnlockArgs<Width::kWide> : &DecodeUnlockArgs<Width::kNarrow>;
  const auto test_result =
      wide ? &EncodeTestResult<Width::kWide> : &EncodeTestResult<Width::kNarrow>;
  const auto decode_test_result =
      wide ? &DecodeTestResult<Width::kWide> : &DecodeTestResult<Width::kNarrow>;

  at(P::kNull) = VoidProcedure("NULL");
  at(P::kTest) = row("TEST", test_args, &Self::Test, test_result, kLocking);
  at(P::kLock) = row("LOCK", lock_args, &Self::Lock, &EncodeResult, kLocking);
  at(P::kCancel) = row("CANCEL", cancel_args, &Self::Cancel, &EncodeResult, kLocking);
  at(P::kUnlock) = row("UNLOCK", unlock_args, &Self::Unlock, &EncodeResult, kLocking);
  at(P::kGranted) = row("GRANTED", test_args, &Self::Granted, &EncodeResult, kQuick);
  at(P::kTestMsg) = row("TEST_MSG", test_args, &Self::TestMessage, &rpc::EncodeVoid, kLocking);
  at(P::kLockMsg) = row("LOCK_MSG", lock_args, &Self::LockMessage, &rpc::EncodeVoid, kLocking);
  at(P::kCancelMsg) =
      row("CANCEL_MSG", cancel_args, &Self::CancelMessage, &rpc::EncodeVoid, kLocking);
  at(P::kUnlockMsg) =
      row("UNLOCK_MSG", unlock_args, &Self::UnlockMessage, &rpc::EncodeVoid, kLocking);
  at(P::kGrantedMsg) =
      row("GRANTED_MSG", test_args, &Self::GrantedMessage, &rpc::EncodeVoid, kQuick);
  at(P::kTestRes) = IgnoredAnswer("TEST_RES", decode_test_result);
  at(P::kLockRes) = IgnoredAnswer("LOCK_RES", &DecodeResult);
  at(P::kCancelRes) = IgnoredAnswer("CANCEL_RES", &DecodeResult);
  at(P::kUnlockRes) = IgnoredAnswer("UNLOCK_RES", &DecodeResult);
  at(P::kGrantedRes) = IgnoredAnswer("GRANTED_RES", &DecodeResult);
  if (version == kNlmVersion1) return table;
  at(P::kShare) = row("SHARE", &DecodeShareArgs, &Self::Share, &EncodeShareResult, kLocking);
  at(P::kUnshare) = row("UNSHARE", &DecodeShareArgs, &Self::Unshare, &EncodeShareResult, kLocking);
  at(P::kNmLock) = row("NM_LOCK", lock_args, &Self::NonMonitoredLock, &EncodeResult, kLocking);
  at(P::kFreeAll) = row("FREE_ALL", &DecodeNotify, &Self::FreeAll, &rpc::EncodeVoid, kLocking);
  return table;
}

}  // namespace nfsuite::lock
