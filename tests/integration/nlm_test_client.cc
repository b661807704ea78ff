#include "tests/integration/nlm_test_client.h"

#include <iterator>
#include <utility>

#include "common/rpc/procedure.h"
#include "gtest/gtest.h"
#include "service/lock/nlm_xdr.h"
#include "service/lock/nsm_xdr.h"
#include "tests/integration/nfs3_test_client.h"
#include "tests/integration/registered_client.h"

namespace nfsuite::lock {
void PrintTo(NlmStatus status, std::ostream* out) {
  static constexpr const char* kNames[] = {
      "GRANTED", "DENIED", "DENIED_NOLOCKS", "BLOCKED", "DENIED_GRACE_PERIOD",
      "DEADLCK", "ROFS",   "STALE_FH",       "FBIG",    "FAILED"};
  const uint32_t value = static_cast<uint32_t>(status);
  *out << (value < std::size(kNames) ? kNames[value] : "nlm_stats") << " (" << value << ")";
}
}  // namespace nfsuite::lock

namespace nfsuite::testing {
namespace {

const absl::Duration kCallTimeout = absl::Seconds(10);

uint32_t Number(lock::NlmProcedure procedure) { return static_cast<uint32_t>(procedure); }

// Encodes with the width of `version`: 32-bit ranges for v1/v3, 64-bit for v4.
template <typename Args>
rpc::ArgumentEncoder Encoder(uint32_t version, const Args& args,
                             void (*narrow)(xdr::XdrEncoder&, const Args&),
                             void (*wide)(xdr::XdrEncoder&, const Args&)) {
  return [&args, encode = version == lock::kNlmVersion4 ? wide : narrow](xdr::XdrEncoder& e) {
    encode(e, args);
  };
}

}  // namespace

absl::StatusOr<std::unique_ptr<NlmTestClient>> NlmTestClient::Connect(
    rpc::Transport transport, const rpc::SocketAddress& server, uint32_t version) {
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      rpc::RpcClient::Connect(transport, server, kCallTimeout);
  if (!client.ok()) return client.status();
  // Kernel lock managers call with AUTH_SYS; the test files are writable by this user.
  (*client)->set_credentials(SysCredentials(1000, 1000));
  return std::unique_ptr<NlmTestClient>(new NlmTestClient(*std::move(client), version));
}

template <typename Result>
Result NlmTestClient::Call(lock::NlmProcedure procedure, const rpc::ArgumentEncoder& arguments,
                           void (*decode)(xdr::XdrDecoder&, Result&)) {
  absl::StatusOr<Result> result = rpc::CallAndDecode<Result>(
      *client_, lock::kNlmProgram, version_, Number(procedure), arguments, decode, kCallTimeout);
  EXPECT_TRUE(result.ok()) << "NLM v" << version_ << " procedure " << Number(procedure) << ": "
                           << result.status();
  if (result.ok()) return *std::move(result);
  Result failed{};
  failed.status = lock::NlmStatus::kFailed;
  return failed;
}

lock::NlmTestResult NlmTestClient::Test(const lock::NlmTestArgs& args) {
  return Call<lock::NlmTestResult>(
      lock::NlmProcedure::kTest,
      Encoder(version_, args, &lock::EncodeTestArgs<lock::Width::kNarrow>,
              &lock::EncodeTestArgs<lock::Width::kWide>),
      version_ == lock::kNlmVersion4 ? &lock::DecodeTestResult<lock::Width::kWide>
                                     : &lock::DecodeTestResult<lock::Width::kNarrow>);
}

lock::NlmResult NlmTestClient::Lock(const lock::NlmLockArgs& args) {
  return LockAs(lock::NlmProcedure::kLock, args);
}

lock::NlmResult NlmTestClient::NmLock(const lock::NlmLockArgs& args) {
  return LockAs(lock::NlmProcedure::kNmLock, args);
}

lock::NlmResult NlmTestClient::LockAs(lock::NlmProcedure procedure, const lock::NlmLockArgs& args) {
  return Call<lock::NlmResult>(procedure,
                               Encoder(version_, args, &lock::EncodeLockArgs<lock::Width::kNarrow>,
                                       &lock::EncodeLockArgs<lock::Width::kWide>),
                               &lock::DecodeResult);
}

lock::NlmResult NlmTestClient::Cancel(const lock::NlmCancelArgs& args) {
  return Call<lock::NlmResult>(
      lock::NlmProcedure::kCancel,
      Encoder(version_, args, &lock::EncodeCancelArgs<lock::Width::kNarrow>,
              &lock::EncodeCancelArgs<lock::Width::kWide>),
      &lock::DecodeResult);
}

lock::NlmResult NlmTestClient::Unlock(const lock::NlmUnlockArgs& args) {
  return Call<lock::NlmResult>(
      lock::NlmProcedure::kUnlock,
      Encoder(version_, args, &lock::EncodeUnlockArgs<lock::Width::kNarrow>,
              &lock::EncodeUnlockArgs<lock::Width::kWide>),
      &lock::DecodeResult);
}

lock::NlmShareResult NlmTestClient::Share(const lock::NlmShareArgs& args) {
  return Call<lock::NlmShareResult>(
      lock::NlmProcedure::kShare, [&](xdr::XdrEncoder& e) { lock::EncodeShareArgs(e, args); },
      &lock::DecodeShareResult);
}

lock::NlmShareResult NlmTestClient::Unshare(const lock::NlmShareArgs& args) {
  return Call<lock::NlmShareResult>(
      lock::NlmProcedure::kUnshare, [&](xdr::XdrEncoder& e) { lock::EncodeShareArgs(e, args); },
      &lock::DecodeShareResult);
}

void NlmTestClient::FreeAll(const lock::NlmNotify& notify) {
  absl::StatusOr<rpc::Void> done = rpc::CallAndDecode<rpc::Void>(
      *client_, lock::kNlmProgram, version_, Number(lock::NlmProcedure::kFreeAll),
      [&](xdr::XdrEncoder& e) { lock::EncodeNotify(e, notify); }, &rpc::DecodeVoid, kCallTimeout);
  EXPECT_TRUE(done.ok()) << "FREE_ALL: " << done.status();
}

absl::Status NlmTestClient::Send(lock::NlmProcedure procedure,
                                 const rpc::ArgumentEncoder& arguments) {
  return client_->SendRaw(CallMessage(client_->NextXid(), lock::kNlmProgram, version_,
                                      Number(procedure), SysCredentials(1000, 1000), arguments));
}

absl::Status NlmTestClient::SendTestMsg(const lock::NlmTestArgs& args) {
  return Send(lock::NlmProcedure::kTestMsg,
              Encoder(version_, args, &lock::EncodeTestArgs<lock::Width::kNarrow>,
                      &lock::EncodeTestArgs<lock::Width::kWide>));
}

absl::Status NlmTestClient::SendLockMsg(const lock::NlmLockArgs& args) {
  return Send(lock::NlmProcedure::kLockMsg,
              Encoder(version_, args, &lock::EncodeLockArgs<lock::Width::kNarrow>,
                      &lock::EncodeLockArgs<lock::Width::kWide>));
}

absl::Status NlmTestClient::SendCancelMsg(const lock::NlmCancelArgs& args) {
  return Send(lock::NlmProcedure::kCancelMsg,
              Encoder(version_, args, &lock::EncodeCancelArgs<lock::Width::kNarrow>,
                      &lock::EncodeCancelArgs<lock::Width::kWide>));
}

absl::Status NlmTestClient::SendUnlockMsg(const lock::NlmUnlockArgs& args) {
  return Send(lock::NlmProcedure::kUnlockMsg,
              Encoder(version_, args, &lock::EncodeUnlockArgs<lock::Width::kNarrow>,
                      &lock::EncodeUnlockArgs<lock::Width::kWide>));
}

absl::StatusOr<rpc::RpcReply> NlmTestClient::CallRaw(uint32_t procedure,
                                                     const rpc::ArgumentEncoder& arguments) {
  return client_->Call(lock::kNlmProgram, version_, procedure, arguments, kCallTimeout);
}

absl::StatusOr<std::unique_ptr<NsmTestClient>> NsmTestClient::Connect(
    rpc::Transport transport, const rpc::SocketAddress& server) {
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      rpc::RpcClient::Connect(transport, server, kCallTimeout);
  if (!client.ok()) return client.status();
  return std::unique_ptr<NsmTestClient>(new NsmTestClient(*std::move(client)));
}

namespace {
uint32_t Number(lock::NsmProcedure procedure) { return static_cast<uint32_t>(procedure); }
}  // namespace

absl::Status NsmTestClient::Notify(const lock::StatChange& change) {
  return rpc::CallAndDecode<rpc::Void>(
             *client_, lock::kNsmProgram, lock::kNsmVersion, Number(lock::NsmProcedure::kNotify),
             [&](xdr::XdrEncoder& e) { lock::EncodeStatChange(e, change); }, &rpc::DecodeVoid,
             kCallTimeout)
      .status();
}

absl::StatusOr<lock::SmStatResult> NsmTestClient::Stat(const std::string& mon_name) {
  return rpc::CallAndDecode<lock::SmStatResult>(
      *client_, lock::kNsmProgram, lock::kNsmVersion, Number(lock::NsmProcedure::kStat),
      [&](xdr::XdrEncoder& e) { lock::EncodeSmName(e, lock::SmName{mon_name}); },
      &lock::DecodeSmStatResult, kCallTimeout);
}

absl::StatusOr<lock::SmStatResult> NsmTestClient::Monitor(const lock::Mon& mon) {
  return rpc::CallAndDecode<lock::SmStatResult>(
      *client_, lock::kNsmProgram, lock::kNsmVersion, Number(lock::NsmProcedure::kMon),
      [&](xdr::XdrEncoder& e) { lock::EncodeMon(e, mon); }, &lock::DecodeSmStatResult,
      kCallTimeout);
}

absl::StatusOr<lock::SmStat> NsmTestClient::Unmonitor(const lock::MonId& mon_id) {
  return rpc::CallAndDecode<lock::SmStat>(
      *client_, lock::kNsmProgram, lock::kNsmVersion, Number(lock::NsmProcedure::kUnmon),
      [&](xdr::XdrEncoder& e) { lock::EncodeMonId(e, mon_id); }, &lock::DecodeSmStat, kCallTimeout);
}

absl::StatusOr<lock::SmStat> NsmTestClient::UnmonitorAll(const lock::MyId& my_id) {
  return rpc::CallAndDecode<lock::SmStat>(
      *client_, lock::kNsmProgram, lock::kNsmVersion, Number(lock::NsmProcedure::kUnmonAll),
      [&](xdr::XdrEncoder& e) { lock::EncodeMyId(e, my_id); }, &lock::DecodeSmStat, kCallTimeout);
}

absl::Status NsmTestClient::SimulateCrash() {
  return rpc::CallAndDecode<rpc::Void>(*client_, lock::kNsmProgram, lock::kNsmVersion,
                                       Number(lock::NsmProcedure::kSimuCrash), nullptr,
                                       &rpc::DecodeVoid, kCallTimeout)
      .status();
}

lock::NlmLock MakeLock(const LockOwner& owner, const lock::Netobj& fh, uint64_t offset,
                       uint64_t length) {
  lock::NlmLock lock;
  lock.caller_name = owner.caller_name;
  lock.fh = fh;
  lock.oh.assign(owner.oh.begin(), owner.oh.end());
  lock.svid = owner.svid;
  lock.offset = offset;
  lock.length = length;
  return lock;
}

lock::Netobj Cookie(const std::string& text) { return lock::Netobj(text.begin(), text.end()); }

lock::NlmLockArgs LockRequest(const lock::NlmLock& lock, bool exclusive, bool block,
                              const std::string& cookie) {
  lock::NlmLockArgs args;
  args.cookie = Cookie(cookie);
  args.block = block;
  args.exclusive = exclusive;
  args.lock = lock;
  args.state = 1;
  return args;
}

lock::NlmTestArgs TestRequest(const lock::NlmLock& lock, bool exclusive) {
  lock::NlmTestArgs args;
  args.cookie = Cookie("test");
  args.exclusive = exclusive;
  args.lock = lock;
  return args;
}

lock::NlmUnlockArgs UnlockRequest(const lock::NlmLock& lock) {
  lock::NlmUnlockArgs args;
  args.cookie = Cookie("unlock");
  args.lock = lock;
  return args;
}

lock::NlmCancelArgs CancelRequest(const lock::NlmLock& lock, bool exclusive, bool block) {
  lock::NlmCancelArgs args;
  args.cookie = Cookie("cancel");
  args.block = block;
  args.exclusive = exclusive;
  args.lock = lock;
  return args;
}

lock::NlmShareArgs ShareRequest(const LockOwner& owner, const lock::Netobj& fh,
                                lock::ShareAccess access, lock::ShareMode mode) {
  lock::NlmShareArgs args;
  args.cookie = Cookie("share");
  args.share.caller_name = owner.caller_name;
  args.share.fh = fh;
  args.share.oh.assign(owner.oh.begin(), owner.oh.end());
  args.share.access = access;
  args.share.mode = mode;
  return args;
}

}  // namespace nfsuite::testing
