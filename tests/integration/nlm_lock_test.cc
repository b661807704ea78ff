// NLM against nfsd, from a client host with its own lock services (callbacks) and from this
// host's loopback (a second client): conflicting and coexisting locks, TEST's holder, blocking
// locks granted through the GRANTED callback (NFS and local holders), CANCEL, 64-bit ranges in
// v4 and 32-bit ones in v1/v3, NLM locks against local fcntl locks, SHARE/UNSHARE, FREE_ALL, the
// *_MSG procedures answered by *_RES calls, a client that never accepts GRANTED, and bad input.
#include <unistd.h>

#include <cstdint>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/lock/nlm_xdr.h"
#include "tests/integration/nlm_server_fixture.h"

namespace nfsuite::testing {
namespace {

using lock::NlmStatus;
using rpc::Transport;

constexpr uint64_t kGiB = uint64_t{1} << 30;
// Callbacks come when nfsd notices a lock went away (at once for NLM, within ~0.2 s for a local
// unlock); this only bounds the wait when they never come.
const absl::Duration kCallbackWait = absl::Seconds(15);

const LockOwner kOwnerA{"client-a", 101, "owner-a"};
const LockOwner kOwnerB{"client-b", 202, "owner-b"};
const LockOwner kOwnerC{"client-c", 303, "owner-c"};

// Whether `granted` is the callback for `lock` (same owner and range).
bool IsFor(const ReceivedGranted& granted, const lock::NlmLock& lock) {
  return granted.args.lock.svid == lock.svid && granted.args.lock.oh == lock.oh &&
         granted.args.lock.caller_name == lock.caller_name &&
         granted.args.lock.offset == lock.offset && granted.args.lock.length == lock.length;
}

// Retries a non-blocking LOCK until it is granted or `timeout` passes: for a lock nfsd releases
// on its own (after a grant timeout, a grace period).
NlmStatus LockWhenFree(NlmTestClient& client, const lock::NlmLockArgs& args,
                       absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  NlmStatus status = client.Lock(args).status;
  while (status != NlmStatus::kGranted && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(200));
    status = client.Lock(args).status;
  }
  return status;
}

using NlmLockTest = LockServerTest;

TEST_F(NlmLockTest, ConflictingExclusiveLocksFromTwoOwners) {
  auto [fh, a, b] = FileAndTwoClients("exclusive");
  ASSERT_TRUE(a && b);
  const lock::NlmLock a_lock = MakeLock(kOwnerA, fh, 0, 100);
  EXPECT_EQ(a->Lock(LockRequest(a_lock, true)).status, NlmStatus::kGranted);
  // Asking again for what one holds is granted (a retransmission, or an upgrade in place).
  EXPECT_EQ(a->Lock(LockRequest(a_lock, true)).status, NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, fh, 50, 10), true)).status, NlmStatus::kDenied);
  // Same caller name, another process (svid) and owner handle: another owner.
  const LockOwner a_other{kOwnerA.caller_name, 999, "owner-a-2"};
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(a_other, fh, 99, 1), true)).status, NlmStatus::kDenied);
  // Next to the lock, not over it.
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, fh, 100, 10), true)).status, NlmStatus::kGranted);
  EXPECT_EQ(a->Unlock(UnlockRequest(a_lock)).status, NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, fh, 50, 10), true)).status, NlmStatus::kGranted);
}

TEST_F(NlmLockTest, TestReportsTheHolder) {
  auto [fh, a, b] = FileAndTwoClients("holder");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, fh, 1000, 24), true)).status,
            NlmStatus::kGranted);
  const lock::NlmTestResult tested = b->Test(TestRequest(MakeLock(kOwnerB, fh, 0, 0), false));
  EXPECT_EQ(tested.cookie, Cookie("test"));
  ASSERT_EQ(tested.status, NlmStatus::kDenied);
  EXPECT_TRUE(tested.holder.exclusive);
  EXPECT_EQ(tested.holder.svid, kOwnerA.svid);
  EXPECT_EQ(std::string(tested.holder.oh.begin(), tested.holder.oh.end()), kOwnerA.oh);
  EXPECT_EQ(tested.holder.offset, 1000u);
  EXPECT_EQ(tested.holder.length, 24u);
  // Outside the range, and the holder itself, see no conflict.
  EXPECT_EQ(b->Test(TestRequest(MakeLock(kOwnerB, fh, 0, 1000), true)).status, NlmStatus::kGranted);
  EXPECT_EQ(a->Test(TestRequest(MakeLock(kOwnerA, fh, 0, 0), true)).status, NlmStatus::kGranted);
  // TEST takes nothing.
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, fh, 0, 1000), true)).status, NlmStatus::kGranted);
}

TEST_F(NlmLockTest, SharedLocksCoexistAndConflictWithExclusive) {
  auto [fh, a, b] = FileAndTwoClients("shared");
  ASSERT_TRUE(a && b);
  const lock::NlmLock a_lock = MakeLock(kOwnerA, fh, 0, 0);
  const lock::NlmLock b_lock = MakeLock(kOwnerB, fh, 10, 10);
  EXPECT_EQ(a->Lock(LockRequest(a_lock, false)).status, NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(b_lock, false)).status, NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerC, fh, 15, 1), true)).status, NlmStatus::kDenied);
  const lock::NlmTestResult tested = b->Test(TestRequest(MakeLock(kOwnerC, fh, 0, 5), true));
  ASSERT_EQ(tested.status, NlmStatus::kDenied);
  EXPECT_FALSE(tested.holder.exclusive);
  EXPECT_EQ(tested.holder.svid, kOwnerA.svid);
  // A shared holder cannot become exclusive over another's shared lock.
  EXPECT_EQ(a->Lock(LockRequest(a_lock, true)).status, NlmStatus::kDenied);
  EXPECT_EQ(b->Unlock(UnlockRequest(b_lock)).status, NlmStatus::kGranted);
  EXPECT_EQ(a->Lock(LockRequest(a_lock, true)).status, NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(b_lock, false)).status, NlmStatus::kDenied);
}

// The blocking lock of the client host waits for the loopback client's lock and arrives by a
// GRANTED call of the same NLM version and transport, carrying the request's cookie and lock.
class NlmBlockingTest : public LockServerTest,
                        public ::testing::WithParamInterface<std::tuple<uint32_t, Transport>> {};

TEST_P(NlmBlockingTest, BlockedLockIsGrantedByCallbackWhenTheHolderUnlocks) {
  const auto [version, transport] = GetParam();
  auto [fh, a, b] = FileAndTwoClients("blocking", version, version, transport, transport);
  ASSERT_TRUE(a && b);
  const lock::NlmLock held = MakeLock(kOwnerB, fh, 0, 4096);
  const lock::NlmLock wanted = MakeLock(kOwnerA, fh, 100, 200);
  ASSERT_EQ(b->Lock(LockRequest(held, true)).status, NlmStatus::kGranted);
  const lock::NlmLockArgs request = LockRequest(wanted, true, /*block=*/true, "blocked-cookie");
  ASSERT_EQ(a->Lock(request).status, NlmStatus::kBlocked);
  EXPECT_EQ(fake_->granted_count(), 0u);

  ASSERT_EQ(b->Unlock(UnlockRequest(held)).status, NlmStatus::kGranted);
  const std::optional<ReceivedGranted> granted = fake_->WaitForGranted(kCallbackWait);
  ASSERT_TRUE(granted.has_value()) << "no GRANTED callback\n" << NfsdLog();
  EXPECT_EQ(granted->procedure, static_cast<uint32_t>(lock::NlmProcedure::kGranted));
  EXPECT_EQ(granted->version, version);
  EXPECT_EQ(granted->transport, transport);
  EXPECT_EQ(granted->args.cookie, Cookie("blocked-cookie"));
  EXPECT_TRUE(granted->args.exclusive);
  EXPECT_TRUE(IsFor(*granted, wanted));
  EXPECT_EQ(granted->args.lock.fh, fh);

  // Accepted, the lock is the client's: others are refused, and asking again says granted.
  EXPECT_EQ(b->Lock(LockRequest(held, true)).status, NlmStatus::kDenied);
  EXPECT_EQ(a->Lock(request).status, NlmStatus::kGranted);
  LocalLock local(ServerPath("blocking"));
  EXPECT_TRUE(local.Conflicts(false, 150, 1));
  EXPECT_EQ(a->Unlock(UnlockRequest(wanted)).status, NlmStatus::kGranted);
  EXPECT_FALSE(local.Conflicts(true, 0, 0));
}

INSTANTIATE_TEST_SUITE_P(Versions, NlmBlockingTest,
                         ::testing::Values(std::make_tuple(lock::kNlmVersion4, Transport::kTcp),
                                           std::make_tuple(lock::kNlmVersion4, Transport::kUdp),
                                           std::make_tuple(lock::kNlmVersion3, Transport::kUdp),
                                           std::make_tuple(lock::kNlmVersion1, Transport::kTcp)),
                         [](const auto& info) {
                           return absl::StrCat(
                               "V", std::get<0>(info.param),
                               std::get<1>(info.param) == Transport::kTcp ? "Tcp" : "Udp");
                         });

TEST_F(NlmLockTest, BlockedLockIsGrantedWhenALocalLockGoes) {
  const lock::Netobj fh = CreateFile("local-holder");
  auto a = NlmFromClientHost(lock::kNlmVersion4);
  ASSERT_TRUE(a);
  LocalLock local(ServerPath("local-holder"));
  ASSERT_TRUE(local.TryLock(true, 0, 10));
  const lock::NlmLock wanted = MakeLock(kOwnerA, fh, 5, 10);
  ASSERT_EQ(a->Lock(LockRequest(wanted, true, /*block=*/true, "after-local")).status,
            NlmStatus::kBlocked);
  local.Unlock(0, 10);
  const std::optional<ReceivedGranted> granted = fake_->WaitForGranted(kCallbackWait);
  ASSERT_TRUE(granted.has_value()) << "no GRANTED after the local unlock\n" << NfsdLog();
  EXPECT_EQ(granted->args.cookie, Cookie("after-local"));
  EXPECT_TRUE(IsFor(*granted, wanted));
  // Now nfsd holds it for the client: the local program is the one refused.
  EXPECT_FALSE(local.TryLock(true, 0, 10));
  EXPECT_TRUE(local.TryLock(true, 0, 5));
}

TEST_F(NlmLockTest, CancelledRequestIsNeverGranted) {
  auto [fh, a, b] = FileAndTwoClients("cancel");
  ASSERT_TRUE(a && b);
  const lock::NlmLock held = MakeLock(kOwnerB, fh, 0, 0);
  const lock::NlmLock cancelled = MakeLock(kOwnerA, fh, 0, 10);
  ASSERT_EQ(b->Lock(LockRequest(held, true)).status, NlmStatus::kGranted);
  ASSERT_EQ(a->Lock(LockRequest(cancelled, true, /*block=*/true, "to-cancel")).status,
            NlmStatus::kBlocked);
  EXPECT_EQ(a->Cancel(CancelRequest(cancelled, true)).status, NlmStatus::kGranted);
  ASSERT_EQ(b->Unlock(UnlockRequest(held)).status, NlmStatus::kGranted);
  // The range is free: the cancelled request did not take it.
  const lock::NlmLock again = MakeLock(kOwnerB, fh, 0, 10);
  EXPECT_EQ(b->Lock(LockRequest(again, true)).status, NlmStatus::kGranted);

  // A later blocked request of another owner of the client host is called back; by then any
  // callback for the cancelled one would have come first.
  const lock::NlmLock later = MakeLock(kOwnerC, fh, 0, 10);
  ASSERT_EQ(a->Lock(LockRequest(later, true, /*block=*/true, "later")).status, NlmStatus::kBlocked);
  ASSERT_EQ(b->Unlock(UnlockRequest(again)).status, NlmStatus::kGranted);
  ASSERT_TRUE(fake_->WaitForGranted(kCallbackWait, [&](const ReceivedGranted& call) {
    return IsFor(call, later);
  })) << NfsdLog();
  for (const ReceivedGranted& call : fake_->granted()) {
    EXPECT_FALSE(IsFor(call, cancelled)) << "GRANTED for a cancelled request";
  }
}

TEST_F(NlmLockTest, Version4RangesBeyondFourGibibytes) {
  auto [fh, a, b] = FileAndTwoClients("large");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, fh, 5 * kGiB, kGiB), true)).status,
            NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, fh, 6 * kGiB, kGiB), true)).status,
            NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerC, fh, 5 * kGiB + kGiB / 2, kGiB), true)).status,
            NlmStatus::kDenied);
  // Below 4 GiB (where a 32-bit truncation of 5 GiB would land) nothing is locked.
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerC, fh, kGiB, kGiB), true)).status,
            NlmStatus::kGranted);
  const lock::NlmTestResult tested =
      b->Test(TestRequest(MakeLock(kOwnerC, fh, 5 * kGiB + 1, 1), false));
  ASSERT_EQ(tested.status, NlmStatus::kDenied);
  EXPECT_EQ(tested.holder.offset, 5 * kGiB);
  EXPECT_EQ(tested.holder.length, kGiB);
  EXPECT_EQ(tested.holder.svid, kOwnerA.svid);
  // The server's file carries the same 64-bit locks.
  LocalLock local(ServerPath("large"));
  EXPECT_TRUE(local.Conflicts(false, 5 * kGiB + 10, 1));
  EXPECT_TRUE(local.Conflicts(false, 7 * kGiB - 1, 1));
  EXPECT_FALSE(local.Conflicts(true, 7 * kGiB, 1));
  EXPECT_FALSE(local.Conflicts(true, 4 * kGiB, 1));
}

// Versions 1 and 3 carry 32-bit ranges: up to the last byte below 4 GiB, and "to the end".
TEST_F(NlmLockTest, Versions1And3ThirtyTwoBitRanges) {
  auto [fh, v3, v1] = FileAndTwoClients("narrow", lock::kNlmVersion3, lock::kNlmVersion1);
  ASSERT_TRUE(v3 && v1);
  EXPECT_EQ(v3->Lock(LockRequest(MakeLock(kOwnerA, fh, 0xFFFF0000u, 0x10000u), true)).status,
            NlmStatus::kGranted);
  const lock::NlmTestResult tested =
      v1->Test(TestRequest(MakeLock(kOwnerB, fh, 0xFFFFFFF0u, 1), false));
  ASSERT_EQ(tested.status, NlmStatus::kDenied);
  EXPECT_EQ(tested.holder.offset, 0xFFFF0000u);
  EXPECT_EQ(tested.holder.length, 0x10000u);
  EXPECT_EQ(v1->Lock(LockRequest(MakeLock(kOwnerB, fh, 0, 0xFFFF0000u), true)).status,
            NlmStatus::kGranted);
  // Length 0 reaches past 4 GiB: a v4 lock there conflicts with the v1 lock "to the end".
  EXPECT_EQ(v3->Unlock(UnlockRequest(MakeLock(kOwnerA, fh, 0xFFFF0000u, 0x10000u))).status,
            NlmStatus::kGranted);
  EXPECT_EQ(v1->Lock(LockRequest(MakeLock(kOwnerB, fh, 0xFFFF0000u, 0), true)).status,
            NlmStatus::kGranted);
  auto v4 = NlmFromClientHost(lock::kNlmVersion4);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->Lock(LockRequest(MakeLock(kOwnerC, fh, 9 * kGiB, 1), true)).status,
            NlmStatus::kDenied);
}

TEST_F(NlmLockTest, NfsLockBlocksALocalLockAndTheOtherWayRound) {
  const lock::Netobj fh = CreateFile("local");
  auto a = NlmFromClientHost(lock::kNlmVersion4);
  ASSERT_TRUE(a);
  LocalLock local(ServerPath("local"));
  const lock::NlmLock nfs_lock = MakeLock(kOwnerA, fh, 0, 100);
  ASSERT_EQ(a->Lock(LockRequest(nfs_lock, true)).status, NlmStatus::kGranted);
  EXPECT_FALSE(local.TryLock(true, 50, 10));
  EXPECT_FALSE(local.TryLock(false, 99, 1));
  EXPECT_TRUE(local.TryLock(true, 100, 10));
  EXPECT_EQ(a->Unlock(UnlockRequest(nfs_lock)).status, NlmStatus::kGranted);
  EXPECT_TRUE(local.TryLock(true, 50, 10));

  // The local lock (50..60) refuses NFS locks over it, exclusive or shared, and TEST says so.
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, fh, 0, 55), true)).status, NlmStatus::kDenied);
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, fh, 59, 1), false)).status, NlmStatus::kDenied);
  EXPECT_EQ(a->Test(TestRequest(MakeLock(kOwnerA, fh, 0, 0), false)).status, NlmStatus::kDenied);
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, fh, 0, 50), true)).status, NlmStatus::kGranted);
  local.Unlock(50, 60);
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, fh, 50, 10), true)).status, NlmStatus::kGranted);
}

TEST_F(NlmLockTest, ShareReservationsConflictUntilUnshared) {
  auto [fh, a, b] = FileAndTwoClients("share", lock::kNlmVersion4, lock::kNlmVersion3);
  ASSERT_TRUE(a && b);
  using lock::ShareAccess;
  using lock::ShareMode;
  const lock::NlmShareArgs a_share =
      ShareRequest(kOwnerA, fh, ShareAccess::kReadWrite, ShareMode::kDenyWrite);
  EXPECT_EQ(a->Share(a_share).status, NlmStatus::kGranted);
  // A writer is denied; a reader that denies nothing is admitted.
  EXPECT_EQ(b->Share(ShareRequest(kOwnerB, fh, ShareAccess::kWrite, ShareMode::kDenyNone)).status,
            NlmStatus::kDenied);
  EXPECT_EQ(b->Share(ShareRequest(kOwnerB, fh, ShareAccess::kRead, ShareMode::kDenyNone)).status,
            NlmStatus::kGranted);
  // Denying reads would exclude both holders.
  EXPECT_EQ(b->Share(ShareRequest(kOwnerC, fh, ShareAccess::kRead, ShareMode::kDenyRead)).status,
            NlmStatus::kDenied);
  EXPECT_EQ(a->Unshare(a_share).status, NlmStatus::kGranted);
  EXPECT_EQ(b->Share(ShareRequest(kOwnerC, fh, ShareAccess::kWrite, ShareMode::kDenyNone)).status,
            NlmStatus::kGranted);
}

TEST_F(NlmLockTest, FreeAllReleasesEverythingOfThatHostOnly) {
  const lock::Netobj one = CreateFile("free-one");
  auto [two, a, b] = FileAndTwoClients("free-two");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, one, 0, 0), true)).status, NlmStatus::kGranted);
  ASSERT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, two, 0, 10), false)).status, NlmStatus::kGranted);
  ASSERT_EQ(
      a->Share(ShareRequest(kOwnerA, two, lock::ShareAccess::kRead, lock::ShareMode::kDenyWrite))
          .status,
      NlmStatus::kGranted);
  ASSERT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, two, 100, 10), true)).status,
            NlmStatus::kGranted);

  a->FreeAll(lock::NlmNotify{kOwnerA.caller_name, 3});
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerC, one, 0, 0), true)).status, NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerC, two, 0, 10), true)).status, NlmStatus::kGranted);
  EXPECT_EQ(
      b->Share(ShareRequest(kOwnerC, two, lock::ShareAccess::kWrite, lock::ShareMode::kDenyNone))
          .status,
      NlmStatus::kGranted);
  // The other host's lock stays.
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, two, 105, 1), true)).status, NlmStatus::kDenied);
}

TEST_F(NlmLockTest, MessageProceduresAnswerWithResultCalls) {
  auto [fh, a, b] =
      FileAndTwoClients("messages", lock::kNlmVersion4, lock::kNlmVersion4, Transport::kUdp);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, fh, 0, 10), true)).status, NlmStatus::kGranted);

  lock::NlmTestArgs test = TestRequest(MakeLock(kOwnerA, fh, 5, 1), true);
  test.cookie = Cookie("test-msg");
  ASSERT_TRUE(a->SendTestMsg(test).ok());
  std::optional<ReceivedResult> tested =
      fake_->WaitForResult(static_cast<uint32_t>(lock::NlmProcedure::kTestRes), kCallbackWait);
  ASSERT_TRUE(tested.has_value()) << "no TEST_RES\n" << NfsdLog();
  EXPECT_EQ(tested->version, lock::kNlmVersion4);
  EXPECT_EQ(tested->test_result.cookie, Cookie("test-msg"));
  EXPECT_EQ(tested->test_result.status, NlmStatus::kDenied);
  EXPECT_EQ(tested->test_result.holder.svid, kOwnerB.svid);

  const lock::NlmLock a_lock = MakeLock(kOwnerA, fh, 20, 10);
  ASSERT_TRUE(a->SendLockMsg(LockRequest(a_lock, true, false, "lock-msg")).ok());
  std::optional<ReceivedResult> locked =
      fake_->WaitForResult(static_cast<uint32_t>(lock::NlmProcedure::kLockRes), kCallbackWait);
  ASSERT_TRUE(locked.has_value()) << "no LOCK_RES\n" << NfsdLog();
  EXPECT_EQ(locked->result.cookie, Cookie("lock-msg"));
  EXPECT_EQ(locked->result.status, NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, fh, 25, 1), true)).status, NlmStatus::kDenied);

  lock::NlmUnlockArgs unlock = UnlockRequest(a_lock);
  unlock.cookie = Cookie("unlock-msg");
  ASSERT_TRUE(a->SendUnlockMsg(unlock).ok());
  std::optional<ReceivedResult> unlocked =
      fake_->WaitForResult(static_cast<uint32_t>(lock::NlmProcedure::kUnlockRes), kCallbackWait);
  ASSERT_TRUE(unlocked.has_value()) << "no UNLOCK_RES\n" << NfsdLog();
  EXPECT_EQ(unlocked->result.cookie, Cookie("unlock-msg"));
  EXPECT_EQ(unlocked->result.status, NlmStatus::kGranted);
  EXPECT_EQ(b->Lock(LockRequest(MakeLock(kOwnerB, fh, 25, 1), true)).status, NlmStatus::kGranted);
}

// NM_LOCK: a lock of a client that is not monitored, with the same conflicts as LOCK.
TEST_F(NlmLockTest, NonMonitoredLockConflictsLikeAnyOther) {
  auto [fh, a, b] = FileAndTwoClients("nm-lock", lock::kNlmVersion4, lock::kNlmVersion3);
  ASSERT_TRUE(a && b);
  const lock::NlmLock b_lock = MakeLock(kOwnerB, fh, 0, 10);
  EXPECT_EQ(b->NmLock(LockRequest(b_lock, true)).status, NlmStatus::kGranted);
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, fh, 5, 10), true)).status, NlmStatus::kDenied);
  EXPECT_EQ(b->Unlock(UnlockRequest(b_lock)).status, NlmStatus::kGranted);
  EXPECT_EQ(a->Lock(LockRequest(MakeLock(kOwnerA, fh, 5, 10), true)).status, NlmStatus::kGranted);
}

// The client host's blocked request is granted when the loopback client's lock goes, and the
// client host answers GRANTED with `answer`. Returns the loopback client (null on failure), which
// asks for `held` again to see whether nfsd still keeps the lock for the client host.
class NlmGrantAnswerTest : public LockServerTest {
 protected:
  std::unique_ptr<NlmTestClient> GrantAnswered(GrantedAnswer answer) {
    const lock::Netobj fh = CreateFile("answered");
    client_ = NlmFromClientHost(lock::kNlmVersion4);
    std::unique_ptr<NlmTestClient> other = NlmFromLoopback(lock::kNlmVersion4);
    if (client_ == nullptr || other == nullptr) return nullptr;
    fake_->set_granted_answer(answer);
    held_ = MakeLock(kOwnerB, fh, 0, 10);
    EXPECT_EQ(other->Lock(LockRequest(held_, true)).status, NlmStatus::kGranted);
    EXPECT_EQ(client_->Lock(LockRequest(MakeLock(kOwnerA, fh, 0, 10), true, true)).status,
              NlmStatus::kBlocked);
    EXPECT_EQ(other->Unlock(UnlockRequest(held_)).status, NlmStatus::kGranted);
    EXPECT_TRUE(fake_->WaitForGranted(kCallbackWait).has_value()) << NfsdLog();
    return HasFailure() ? nullptr : std::move(other);
  }

  std::unique_ptr<NlmTestClient> client_;
  lock::NlmLock held_;
};

// A client that never accepts the GRANTED callback (it went away) does not keep the lock past
// --grant-timeout.
TEST_F(NlmGrantAnswerTest, GrantedLockIsReleasedWhenTheClientNeverAccepts) {
  RestartNfsd({"--grant-timeout", "6"});
  ASSERT_FALSE(HasFatalFailure());
  std::unique_ptr<NlmTestClient> other = GrantAnswered(GrantedAnswer::kSilent);
  ASSERT_NE(other, nullptr);
  // Until the client accepts or the grant times out, the lock is kept for it, and GRANTED is
  // sent again (every 2 s).
  EXPECT_EQ(other->Lock(LockRequest(held_, true)).status, NlmStatus::kDenied);
  const absl::Time retried_by = absl::Now() + kCallbackWait;
  while (fake_->granted_count() < 2 && absl::Now() < retried_by) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_GE(fake_->granted_count(), 2u) << "GRANTED was not sent again\n" << NfsdLog();
  EXPECT_EQ(LockWhenFree(*other, LockRequest(held_, true), absl::Seconds(30)), NlmStatus::kGranted)
      << "the unaccepted lock was never released\n"
      << NfsdLog();
}

// One that refuses it does not keep it at all.
TEST_F(NlmGrantAnswerTest, GrantedLockRefusedByTheClientIsReleased) {
  std::unique_ptr<NlmTestClient> other = GrantAnswered(GrantedAnswer::kDenied);
  ASSERT_NE(other, nullptr);
  // Bounded below the default grant timeout (30 s): a refusal needs no waiting at all.
  EXPECT_EQ(LockWhenFree(*other, LockRequest(held_, true), absl::Seconds(25)), NlmStatus::kGranted)
      << NfsdLog();
}

// --- Bad input ------------------------------------------------------------------------------

TEST_F(NlmLockTest, GarbageFileHandleIsStaleInVersion4AndNoLocksBefore) {
  const lock::Netobj garbage(32, 0xAB);
  auto v4 = NlmFromClientHost(lock::kNlmVersion4);
  auto v3 = NlmFromClientHost(lock::kNlmVersion3);
  auto v1 = NlmFromLoopback(lock::kNlmVersion1);
  ASSERT_TRUE(v4 && v3 && v1);
  EXPECT_EQ(v4->Lock(LockRequest(MakeLock(kOwnerA, garbage, 0, 1), true)).status,
            NlmStatus::kStaleHandle);
  EXPECT_EQ(v4->Test(TestRequest(MakeLock(kOwnerA, garbage, 0, 1), true)).status,
            NlmStatus::kStaleHandle);
  EXPECT_EQ(v3->Lock(LockRequest(MakeLock(kOwnerA, garbage, 0, 1), true)).status,
            NlmStatus::kDeniedNoLocks);
  EXPECT_EQ(v1->Lock(LockRequest(MakeLock(kOwnerB, garbage, 0, 1), true)).status,
            NlmStatus::kDeniedNoLocks);
  // An empty handle too.
  EXPECT_EQ(v4->Lock(LockRequest(MakeLock(kOwnerA, {}, 0, 1), true)).status,
            NlmStatus::kStaleHandle);
}

TEST_F(NlmLockTest, HandleOfARemovedFileIsStale) {
  const lock::Netobj fh = CreateFile("removed");
  ASSERT_EQ(unlink(ServerPath("removed").c_str()), 0);
  auto v4 = NlmFromClientHost(lock::kNlmVersion4);
  auto v3 = NlmFromClientHost(lock::kNlmVersion3);
  ASSERT_TRUE(v4 && v3);
  EXPECT_EQ(v4->Lock(LockRequest(MakeLock(kOwnerA, fh, 0, 1), true)).status,
            NlmStatus::kStaleHandle);
  EXPECT_EQ(v3->Lock(LockRequest(MakeLock(kOwnerA, fh, 0, 1), true)).status,
            NlmStatus::kDeniedNoLocks);
}

TEST_F(NlmLockTest, HandleOfAnUnexportedFileIsStale) {
  const lock::Netobj fh = CreateFile("unexported");
  auto v4 = NlmFromClientHost(lock::kNlmVersion4);
  ASSERT_TRUE(v4);
  ASSERT_EQ(v4->Lock(LockRequest(MakeLock(kOwnerA, fh, 0, 1), true)).status, NlmStatus::kGranted);
  // Exports change live only when mountd keeps an exports file.
  StopMountd();
  StartMountd({"--exports-file", WriteExportsFile(export_dir() + " *(rw,insecure)\n")});
  ASSERT_FALSE(HasFatalFailure());
  const CommandResult removed = Nfsctl({"export", "remove", export_dir()});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  // nfsd stops serving a removed export at once (DESIGN.md): no lock on its files is granted.
  EXPECT_EQ(v4->Lock(LockRequest(MakeLock(kOwnerA, fh, 10, 1), true)).status,
            NlmStatus::kStaleHandle)
      << NfsdLog();
}

TEST_F(NlmLockTest, CallerNameLongerThanTheLimitIsGarbage) {
  const lock::Netobj fh = CreateFile("long-name");
  auto v4 = NlmFromClientHost(lock::kNlmVersion4);
  ASSERT_TRUE(v4);
  const LockOwner long_name{std::string(lock::kMaxCallerName + 1, 'n'), 1, "oh"};
  const lock::NlmLockArgs args = LockRequest(MakeLock(long_name, fh, 0, 1), true);
  absl::StatusOr<rpc::RpcReply> reply =
      v4->CallRaw(static_cast<uint32_t>(lock::NlmProcedure::kLock),
                  [&](xdr::XdrEncoder& e) { lock::EncodeLockArgs<lock::Width::kWide>(e, args); });
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->header.accept_stat, rpc::AcceptStat::kGarbageArgs) << reply->header.Describe();
  // At the limit it is a name like any other.
  const LockOwner longest{std::string(lock::kMaxCallerName, 'n'), 1, "oh"};
  EXPECT_EQ(v4->Lock(LockRequest(MakeLock(longest, fh, 0, 1), true)).status, NlmStatus::kGranted);
}

}  // namespace
}  // namespace nfsuite::testing
