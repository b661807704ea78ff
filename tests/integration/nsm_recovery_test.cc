// NSM and crash recovery against nfsd: a client's SM_NOTIFY releases exactly that client's
// locks; a restarted nfsd advances its state number, sends SM_NOTIFY to every client host that
// held locks, and admits only reclaims during its grace period; `nfsctl status` shows the locks,
// the grace period and the monitored hosts; the monitor's own procedures answer loopback only.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/control.pb.h"
#include "tests/integration/nlm_server_fixture.h"

namespace nfsuite::testing {
namespace {

using lock::NlmStatus;

const absl::Duration kNotifyWait = absl::Seconds(20);
// Long enough that the calls made "during grace" surely are, on a loaded machine; the test
// checks that they were (the status still counts seconds left after them).
constexpr int kGraceSeconds = 8;
constexpr char kServerName[] = "nfsuite-test-server";

const LockOwner kHostOne{"host-one", 11, "one"};
const LockOwner kHostTwo{"host-two", 22, "two"};
const LockOwner kLoopbackHost{"host-three", 33, "three"};
const LockOwner kProbe{"probe", 44, "probe"};

class NsmRecoveryTest : public LockServerTest {
 protected:
  // nfsd's lock manager as `nfsctl --json status` reports it.
  control::v1::LockManagerStatus LockManager() {
    const CommandResult status = Nfsctl({"--json", "status"});
    control::v1::StatusReport report;
    const auto parsed = google::protobuf::util::JsonStringToMessage(status.output, &report);
    EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\n" << status.output;
    for (const control::v1::DaemonReport& daemon : report.daemons()) {
      if (daemon.daemon() == "nfsd") return daemon.status().lock_manager();
    }
    ADD_FAILURE() << "no nfsd in nfsctl's report:\n" << status.output;
    return {};
  }

  bool Monitors(const control::v1::LockManagerStatus& status, const std::string& name,
                const std::string& address) {
    for (const control::v1::MonitoredHost& host : status.monitored_hosts()) {
      if (host.name() == name && host.address() == address) return true;
    }
    return false;
  }
};

// Three client hosts as nfsd knows them (two caller names from the client host, one from
// loopback) hold locks; host-one reports a reboot: its locks and share go, the others' stay.
TEST_F(NsmRecoveryTest, SmNotifyReleasesExactlyThatClientsLocks) {
  auto [fh, client, loopback] = FileAndTwoClients("notify");
  ASSERT_TRUE(client && loopback);
  ASSERT_EQ(client->Lock(LockRequest(MakeLock(kHostOne, fh, 0, 10), true)).status,
            NlmStatus::kGranted);
  ASSERT_EQ(client->Lock(LockRequest(MakeLock(kHostOne, fh, 100, 10), false)).status,
            NlmStatus::kGranted);
  ASSERT_EQ(client->Lock(LockRequest(MakeLock(kHostTwo, fh, 20, 10), true)).status,
            NlmStatus::kGranted);
  ASSERT_EQ(loopback->Lock(LockRequest(MakeLock(kLoopbackHost, fh, 40, 10), true)).status,
            NlmStatus::kGranted);
  ASSERT_EQ(
      client
          ->Share(ShareRequest(kHostOne, fh, lock::ShareAccess::kRead, lock::ShareMode::kDenyWrite))
          .status,
      NlmStatus::kGranted);

  auto nsm = NsmFromClientHost();
  ASSERT_TRUE(nsm);
  ASSERT_TRUE(nsm->Notify({kHostOne.caller_name, 5}).ok());

  auto probe = [&](uint64_t offset) {
    return loopback->Lock(LockRequest(MakeLock(kProbe, fh, offset, 1), true)).status;
  };
  EXPECT_EQ(probe(5), NlmStatus::kGranted) << NfsdLog();
  EXPECT_EQ(probe(105), NlmStatus::kGranted);
  EXPECT_EQ(probe(25), NlmStatus::kDenied) << "host-two's lock went too";
  EXPECT_EQ(probe(45), NlmStatus::kDenied) << "host-three's lock went too";
  EXPECT_EQ(
      loopback
          ->Share(ShareRequest(kProbe, fh, lock::ShareAccess::kWrite, lock::ShareMode::kDenyNone))
          .status,
      NlmStatus::kGranted);
}

// A mon_name that is a client's address names every caller of that address.
TEST_F(NsmRecoveryTest, SmNotifyNamingAnAddressReleasesEveryCallerFromIt) {
  auto [fh, client, loopback] = FileAndTwoClients("notify-address");
  ASSERT_TRUE(client && loopback);
  ASSERT_EQ(client->Lock(LockRequest(MakeLock(kHostOne, fh, 0, 10), true)).status,
            NlmStatus::kGranted);
  ASSERT_EQ(client->Lock(LockRequest(MakeLock(kHostTwo, fh, 20, 10), true)).status,
            NlmStatus::kGranted);
  ASSERT_EQ(loopback->Lock(LockRequest(MakeLock(kLoopbackHost, fh, 40, 10), true)).status,
            NlmStatus::kGranted);
  auto nsm = NsmFromClientHost();
  ASSERT_TRUE(nsm);
  ASSERT_TRUE(nsm->Notify({host_->client_address(), 9}).ok());
  auto probe = [&](uint64_t offset) {
    return loopback->Lock(LockRequest(MakeLock(kProbe, fh, offset, 1), true)).status;
  };
  EXPECT_EQ(probe(5), NlmStatus::kGranted) << NfsdLog();
  EXPECT_EQ(probe(25), NlmStatus::kGranted);
  EXPECT_EQ(probe(45), NlmStatus::kDenied) << "the loopback client's lock went too";
}

// A blocked request of the rebooted host is forgotten as well: it is not granted when the lock
// it waited for goes.
TEST_F(NsmRecoveryTest, SmNotifyDropsTheHostsBlockedRequests) {
  auto [fh, client, loopback] = FileAndTwoClients("notify-blocked");
  ASSERT_TRUE(client && loopback);
  const lock::NlmLock held = MakeLock(kLoopbackHost, fh, 0, 10);
  ASSERT_EQ(loopback->Lock(LockRequest(held, true)).status, NlmStatus::kGranted);
  ASSERT_EQ(client->Lock(LockRequest(MakeLock(kHostOne, fh, 0, 10), true, true)).status,
            NlmStatus::kBlocked);
  auto nsm = NsmFromClientHost();
  ASSERT_TRUE(nsm);
  ASSERT_TRUE(nsm->Notify({kHostOne.caller_name, 7}).ok());
  ASSERT_EQ(loopback->Unlock(UnlockRequest(held)).status, NlmStatus::kGranted);
  // Free for anyone: the forgotten request did not take it.
  EXPECT_EQ(loopback->Lock(LockRequest(MakeLock(kProbe, fh, 0, 10), true)).status,
            NlmStatus::kGranted)
      << NfsdLog();
  EXPECT_EQ(fake_->granted_count(), 0u);
}

TEST_F(NsmRecoveryTest, RestartNotifiesClientsAndAdmitsOnlyReclaimsDuringGrace) {
  const std::vector<std::string> flags = {"--grace-period", absl::StrCat(kGraceSeconds),
                                          "--nsm-name", kServerName};
  RestartNfsd(flags);
  ASSERT_FALSE(HasFatalFailure());
  const lock::Netobj held_file = CreateFile("reclaimed");
  const lock::Netobj other_file = CreateFile("new-locks");
  const lock::NlmLock held = MakeLock(kHostOne, held_file, 0, 100);
  // A second client host with its own statd, holding a lock too: every host is told.
  absl::StatusOr<std::unique_ptr<ClientHost>> second_host = ClientHost::Create();
  ASSERT_TRUE(second_host.ok()) << second_host.status();
  absl::StatusOr<std::unique_ptr<FakeLockClient>> second_fake =
      FakeLockClient::Start(**second_host);
  ASSERT_TRUE(second_fake.ok()) << second_fake.status();
  {
    auto client = NlmFromClientHost(lock::kNlmVersion4);
    auto second = NlmFromHost(**second_host, lock::kNlmVersion3, rpc::Transport::kUdp);
    ASSERT_TRUE(client && second);
    ASSERT_EQ(client->Lock(LockRequest(held, true)).status, NlmStatus::kGranted);
    ASSERT_EQ(second->Lock(LockRequest(MakeLock(kHostTwo, held_file, 200, 1), true)).status,
              NlmStatus::kGranted);
  }
  const control::v1::LockManagerStatus before = LockManager();
  EXPECT_EQ(before.nsm_state() % 2, 1) << before.DebugString();
  EXPECT_TRUE(Monitors(before, kHostOne.caller_name, host_->client_address()))
      << before.DebugString();
  EXPECT_EQ(fake_->notifies().size(), 0u);

  RestartNfsd(flags);
  ASSERT_FALSE(HasFatalFailure());
  const std::optional<ReceivedNotify> notified = fake_->WaitForNotify(kNotifyWait);
  ASSERT_TRUE(notified.has_value()) << "no SM_NOTIFY at the client host\n" << NfsdLog();
  EXPECT_EQ(notified->change.mon_name, kServerName);
  EXPECT_EQ(notified->change.state % 2, 1) << notified->change.state;
  EXPECT_GT(notified->change.state, before.nsm_state());
  EXPECT_EQ(notified->transport, rpc::Transport::kUdp);
  const std::optional<ReceivedNotify> second_notified = (*second_fake)->WaitForNotify(kNotifyWait);
  ASSERT_TRUE(second_notified.has_value()) << "no SM_NOTIFY at the second client host\n"
                                           << NfsdLog();
  EXPECT_EQ(second_notified->change.mon_name, kServerName);
  EXPECT_EQ(second_notified->change.state, notified->change.state);

  // During grace: the old lock is reclaimed, new locks and TEST are refused.
  auto client = NlmFromClientHost(lock::kNlmVersion4);
  auto loopback = NlmFromLoopback(lock::kNlmVersion4);
  ASSERT_TRUE(client && loopback);
  const lock::NlmLock fresh = MakeLock(kLoopbackHost, other_file, 0, 10);
  EXPECT_EQ(loopback->Lock(LockRequest(fresh, true)).status, NlmStatus::kDeniedGracePeriod);
  EXPECT_EQ(loopback->Test(TestRequest(fresh, true)).status, NlmStatus::kDeniedGracePeriod);
  lock::NlmLockArgs reclaim = LockRequest(held, true);
  reclaim.reclaim = true;
  EXPECT_EQ(client->Lock(reclaim).status, NlmStatus::kGranted) << NfsdLog();
  const control::v1::LockManagerStatus during = LockManager();
  ASSERT_GT(during.grace_seconds_left(), 0)
      << "the grace period ended before the test's calls were made; they prove nothing\n"
      << during.DebugString();
  EXPECT_EQ(during.nsm_state(), notified->change.state);
  EXPECT_EQ(during.locks(), 1u) << during.DebugString();
  // Answered, the notification is done: nobody is left to tell.
  const absl::Time told_by = absl::Now() + kNotifyWait;
  while (LockManager().hosts_to_notify_size() > 0 && absl::Now() < told_by) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(LockManager().hosts_to_notify_size(), 0) << LockManager().DebugString();

  // After grace: new locks are granted, and the reclaimed lock is still held.
  const absl::Time deadline = absl::Now() + absl::Seconds(kGraceSeconds + 20);
  NlmStatus status = loopback->Lock(LockRequest(fresh, true)).status;
  while (status == NlmStatus::kDeniedGracePeriod && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(250));
    status = loopback->Lock(LockRequest(fresh, true)).status;
  }
  EXPECT_EQ(status, NlmStatus::kGranted) << NfsdLog();
  EXPECT_EQ(loopback->Lock(LockRequest(MakeLock(kProbe, held_file, 50, 1), true)).status,
            NlmStatus::kDenied);
  EXPECT_EQ(LockManager().grace_seconds_left(), 0);
}

TEST_F(NsmRecoveryTest, NfsctlStatusShowsLocksGraceAndMonitoredHosts) {
  auto [fh, client, loopback] = FileAndTwoClients("status");
  ASSERT_TRUE(client && loopback);
  ASSERT_EQ(client->Lock(LockRequest(MakeLock(kHostOne, fh, 0, 10), true)).status,
            NlmStatus::kGranted);
  ASSERT_EQ(client->Lock(LockRequest(MakeLock(kHostTwo, fh, 20, 10), false)).status,
            NlmStatus::kGranted);
  ASSERT_EQ(loopback->Lock(LockRequest(MakeLock(kLoopbackHost, fh, 0, 10), true, true)).status,
            NlmStatus::kBlocked);
  ASSERT_EQ(
      client
          ->Share(ShareRequest(kHostOne, fh, lock::ShareAccess::kRead, lock::ShareMode::kDenyNone))
          .status,
      NlmStatus::kGranted);

  const control::v1::LockManagerStatus status = LockManager();
  EXPECT_EQ(status.locks(), 2u) << status.DebugString();
  EXPECT_EQ(status.blocked(), 1u) << status.DebugString();
  EXPECT_EQ(status.shares(), 1u) << status.DebugString();
  EXPECT_EQ(status.grace_seconds_left(), 0) << "a first start has no grace period";
  EXPECT_EQ(status.nsm_state() % 2, 1) << status.DebugString();
  EXPECT_TRUE(Monitors(status, kHostOne.caller_name, host_->client_address()))
      << status.DebugString();
  EXPECT_TRUE(Monitors(status, kHostTwo.caller_name, host_->client_address()))
      << status.DebugString();

  // The text form names the same things.
  const CommandResult text = Nfsctl({"status"});
  EXPECT_EQ(text.exit_code, 0) << text.output;
  const std::string lower = absl::AsciiStrToLower(text.output);
  EXPECT_TRUE(absl::StrContains(lower, "lock")) << text.output;
  EXPECT_TRUE(absl::StrContains(lower, "grace")) << text.output;
  EXPECT_TRUE(absl::StrContains(text.output, kHostOne.caller_name)) << text.output;
  EXPECT_TRUE(absl::StrContains(text.output, host_->client_address())) << text.output;

  // After a restart with locks held: grace is counting down.
  RestartNfsd({"--grace-period", "60"});
  ASSERT_FALSE(HasFatalFailure());
  const control::v1::LockManagerStatus restarted = LockManager();
  EXPECT_GT(restarted.grace_seconds_left(), 0) << restarted.DebugString();
  EXPECT_LE(restarted.grace_seconds_left(), 60) << restarted.DebugString();
  EXPECT_GT(restarted.nsm_state(), status.nsm_state());
  const CommandResult restarted_text = Nfsctl({"status"});
  EXPECT_TRUE(absl::StrContains(absl::AsciiStrToLower(restarted_text.output), "grace"))
      << restarted_text.output;
}

// SM_SIMU_CRASH makes nfsd act as after a restart (locks dropped, clients told, grace), when a
// local program asks; another host's request changes nothing.
TEST_F(NsmRecoveryTest, SimulatedCrashFromLoopbackOnly) {
  auto [fh, client, loopback] = FileAndTwoClients("simulated");
  ASSERT_TRUE(client && loopback);
  const lock::NlmLock held = MakeLock(kHostOne, fh, 0, 10);
  ASSERT_EQ(client->Lock(LockRequest(held, true)).status, NlmStatus::kGranted);
  const int32_t state = LockManager().nsm_state();

  auto remote = NsmFromClientHost();
  ASSERT_TRUE(remote);
  EXPECT_TRUE(remote->SimulateCrash().ok());
  EXPECT_EQ(LockManager().nsm_state(), state);
  EXPECT_EQ(client->Lock(LockRequest(held, true)).status, NlmStatus::kGranted) << "lock lost";

  auto local = NsmFromLoopback();
  ASSERT_TRUE(local);
  ASSERT_TRUE(local->SimulateCrash().ok());
  const std::optional<ReceivedNotify> notified = fake_->WaitForNotify(kNotifyWait);
  ASSERT_TRUE(notified.has_value()) << "no SM_NOTIFY after SM_SIMU_CRASH\n" << NfsdLog();
  EXPECT_GT(notified->change.state, state);
  EXPECT_EQ(notified->change.state % 2, 1) << notified->change.state;
  const control::v1::LockManagerStatus after = LockManager();
  EXPECT_EQ(after.nsm_state(), notified->change.state);
  EXPECT_GT(after.grace_seconds_left(), 0) << after.DebugString();
  // The default grace period (90 s) is running: the dropped lock comes back by reclaim only.
  EXPECT_EQ(loopback->Lock(LockRequest(MakeLock(kProbe, fh, 0, 10), true)).status,
            NlmStatus::kDeniedGracePeriod);
  LocalLock on_server(ServerPath("simulated"));
  EXPECT_FALSE(on_server.Conflicts(true, 0, 10)) << "the lock was not dropped";
  lock::NlmLockArgs reclaim = LockRequest(held, true);
  reclaim.reclaim = true;
  EXPECT_EQ(client->Lock(reclaim).status, NlmStatus::kGranted);
  EXPECT_TRUE(on_server.Conflicts(true, 0, 10)) << "the reclaim took nothing";
}

// The monitor's own procedures change what it watches: taken from loopback (the local lock
// manager), not from another host. SM_STAT only tells the state number, as any statd does.
TEST_F(NsmRecoveryTest, MonitorChangesAreTakenFromLoopbackOnly) {
  auto local = NsmFromLoopback();
  auto remote = NsmFromClientHost();
  ASSERT_TRUE(local && remote);
  const absl::StatusOr<lock::SmStatResult> stat = local->Stat("somehost");
  ASSERT_TRUE(stat.ok()) << stat.status();
  EXPECT_EQ(stat->state % 2, 1);
  EXPECT_EQ(stat->state, LockManager().nsm_state());

  lock::Mon mon;
  mon.mon_id.mon_name = "watched-host";
  mon.mon_id.my_id = {"localhost", static_cast<int32_t>(lock::kNlmProgram), 4, 16};
  const absl::StatusOr<lock::SmStatResult> monitored = local->Monitor(mon);
  ASSERT_TRUE(monitored.ok()) << monitored.status();
  EXPECT_EQ(monitored->result, lock::NsmResult::kSuccess);
  EXPECT_TRUE(local->Unmonitor(mon.mon_id).ok());
  EXPECT_TRUE(local->UnmonitorAll(mon.mon_id.my_id).ok());

  const absl::StatusOr<lock::SmStatResult> remote_stat = remote->Stat("somehost");
  ASSERT_TRUE(remote_stat.ok()) << remote_stat.status();
  EXPECT_EQ(remote_stat->state, stat->state);
  const absl::StatusOr<lock::SmStatResult> remote_mon = remote->Monitor(mon);
  EXPECT_FALSE(remote_mon.ok() && remote_mon->result == lock::NsmResult::kSuccess)
      << "SM_MON accepted from another host";
}

}  // namespace
}  // namespace nfsuite::testing
