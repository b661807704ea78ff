#include "service/lock/lock_manager.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace nfsuite::lock {
namespace {

// The lock manager over a real file: owners' descriptors are opened by path, as the backend
// would open them by handle.
class LockManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::TempDir() + "/lock_manager_test.XXXXXX";
    const int fd = mkstemp(name.data());
    ASSERT_GE(fd, 0) << std::strerror(errno);
    close(fd);
    path_ = name;
    MakeManager();
  }
  void MakeManager() {
    manager_ = std::make_unique<LockManager>(
        options_, [this](uint64_t grant, std::shared_ptr<const GrantNotice>) {
          std::lock_guard<std::mutex> guard(mutex_);
          grants_.push_back(grant);
        });
  }
  void TearDown() override {
    manager_.reset();
    unlink(path_.c_str());
  }

  FileOpener Opener() const {
    return [this]() -> storage::StorageResult<storage::StorageBackend::LockableFile> {
      storage::UniqueFd fd(open(path_.c_str(), O_RDWR | O_CLOEXEC));
      if (!fd.valid()) return storage::Errno{errno};
      return storage::StorageBackend::LockableFile{std::move(fd), true};
    };
  }
  static LockOwner Owner(const std::string& host, int32_t svid) {
    return LockOwner{ClientHost{host, "10.0.0.1"}, svid, Netobj{1, 2, 3}};
  }
  LockRequest Request(const LockOwner& owner, ByteRange range, bool exclusive) const {
    return LockRequest{file_, owner, range, exclusive};
  }
  NlmStatus Lock(const LockOwner& owner, ByteRange range, bool exclusive, bool block = false) {
    return manager_->Lock(Request(owner, range, exclusive), Opener(),
                          block ? std::make_shared<GrantNotice>() : nullptr);
  }
  // Waits (bounded) until the manager has sent `count` grants.
  std::vector<uint64_t> WaitForGrants(size_t count) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard<std::mutex> guard(mutex_);
        if (grants_.size() >= count) return grants_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::lock_guard<std::mutex> guard(mutex_);
    return grants_;
  }
  // Whether another process could take a POSIX lock on the range right now.
  bool LocalProcessCanLock(ByteRange range, bool exclusive) const {
    const pid_t child = fork();
    if (child == 0) {
      const int fd = open(path_.c_str(), O_RDWR);
      struct flock lock {};
      lock.l_type = exclusive ? F_WRLCK : F_RDLCK;
      lock.l_whence = SEEK_SET;
      lock.l_start = static_cast<off_t>(range.start);
      lock.l_len = range.end == kToEnd ? 0 : static_cast<off_t>(range.end - range.start);
      _exit(fd >= 0 && fcntl(fd, F_SETLK, &lock) == 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  LockManager::Options options_{absl::Seconds(30), absl::Seconds(2), absl::Milliseconds(20), 16};
  std::string path_;
  LockedFileId file_{1, storage::ObjectId{}};
  std::unique_ptr<LockManager> manager_;
  std::mutex mutex_;
  std::vector<uint64_t> grants_;
};

TEST_F(LockManagerTest, ExclusiveLocksOfTwoOwnersConflictSharedOnesCoexist) {
  const LockOwner a = Owner("alpha", 1), b = Owner("alpha", 2);
  EXPECT_EQ(Lock(a, {0, 100}, true), NlmStatus::kGranted);
  EXPECT_EQ(Lock(b, {50, 60}, true), NlmStatus::kDenied);
  EXPECT_EQ(Lock(b, {50, 60}, false), NlmStatus::kDenied);
  EXPECT_EQ(Lock(b, {100, 200}, true), NlmStatus::kGranted);
  // The same owner may lock again (a retransmission) and change the kind.
  EXPECT_EQ(Lock(a, {0, 100}, true), NlmStatus::kGranted);
  EXPECT_EQ(manager_->Unlock(file_, a, {0, kToEnd}), NlmStatus::kGranted);
  EXPECT_EQ(manager_->Unlock(file_, b, {0, kToEnd}), NlmStatus::kGranted);
  EXPECT_EQ(Lock(a, {0, 10}, false), NlmStatus::kGranted);
  EXPECT_EQ(Lock(b, {0, 10}, false), NlmStatus::kGranted);
  EXPECT_EQ(manager_->Counts().locks, 2u);
}

TEST_F(LockManagerTest, TestNamesTheConflictingOwner) {
  const LockOwner a = Owner("alpha", 7), b = Owner("beta", 8);
  ASSERT_EQ(Lock(a, {10, 20}, true), NlmStatus::kGranted);
  const TestOutcome outcome = manager_->Test(Request(b, {15, 16}, false), Opener());
  EXPECT_EQ(outcome.status, NlmStatus::kDenied);
  EXPECT_TRUE(outcome.holder.exclusive);
  EXPECT_EQ(outcome.holder.svid, 7);
  EXPECT_EQ(outcome.holder.offset, 10u);
  EXPECT_EQ(outcome.holder.length, 10u);
  // The holder itself sees no conflict.
  EXPECT_EQ(manager_->Test(Request(a, {15, 16}, true), Opener()).status, NlmStatus::kGranted);
}

TEST_F(LockManagerTest, LocksAreTheKernelsLocalProcessesSeeThem) {
  const LockOwner a = Owner("alpha", 1);
  ASSERT_EQ(Lock(a, {0, 10}, true), NlmStatus::kGranted);
  EXPECT_FALSE(LocalProcessCanLock({5, 6}, false));
  EXPECT_TRUE(LocalProcessCanLock({10, 20}, true));
  ASSERT_EQ(manager_->Unlock(file_, a, {0, 10}), NlmStatus::kGranted);
  EXPECT_TRUE(LocalProcessCanLock({5, 6}, true));
}

TEST_F(LockManagerTest, ABlockedRequestIsGrantedWhenTheHolderUnlocksAndAcceptanceKeepsIt) {
  const LockOwner a = Owner("alpha", 1), b = Owner("beta", 2);
  ASSERT_EQ(Lock(a, {0, 10}, true), NlmStatus::kGranted);
  EXPECT_EQ(Lock(b, {0, 10}, true, /*block=*/true), NlmStatus::kBlocked);
  EXPECT_EQ(Lock(b, {0, 10}, true, /*block=*/true), NlmStatus::kBlocked);  // retransmitted
  EXPECT_EQ(manager_->Counts().blocked, 1u);
  ASSERT_EQ(manager_->Unlock(file_, a, {0, 10}), NlmStatus::kGranted);
  const std::vector<uint64_t> grants = WaitForGrants(1);
  ASSERT_EQ(grants.size(), 1u);
  manager_->GrantAnswered(grants[0], GrantAnswer::kAccepted);
  EXPECT_EQ(manager_->Counts().blocked, 0u);
  EXPECT_EQ(Lock(a, {0, 10}, true), NlmStatus::kDenied);
}

TEST_F(LockManagerTest, ARefusedGrantIsReleased) {
  const LockOwner a = Owner("alpha", 1), b = Owner("beta", 2);
  ASSERT_EQ(Lock(a, {0, 10}, true), NlmStatus::kGranted);
  ASSERT_EQ(Lock(b, {0, 10}, true, true), NlmStatus::kBlocked);
  ASSERT_EQ(manager_->Unlock(file_, a, {0, 10}), NlmStatus::kGranted);
  const std::vector<uint64_t> grants = WaitForGrants(1);
  ASSERT_EQ(grants.size(), 1u);
  manager_->GrantAnswered(grants[0], GrantAnswer::kRefused);
  EXPECT_EQ(Lock(a, {0, 10}, true), NlmStatus::kGranted);
}

TEST_F(LockManagerTest, AGrantNeverAcceptedIsReleasedAfterTheTimeout) {
  options_.grant_timeout = absl::Seconds(1);
  options_.grant_resend_interval = absl::Milliseconds(50);
  MakeManager();
  const LockOwner a = Owner("alpha", 1), b = Owner("beta", 2);
  ASSERT_EQ(Lock(a, {0, 10}, true), NlmStatus::kGranted);
  ASSERT_EQ(Lock(b, {0, 10}, true, true), NlmStatus::kBlocked);
  ASSERT_EQ(manager_->Unlock(file_, a, {0, 10}), NlmStatus::kGranted);
  EXPECT_GE(WaitForGrants(2).size(), 2u);  // sent again while unanswered
  NlmStatus status = NlmStatus::kDenied;
  for (int i = 0; i < 100 && status != NlmStatus::kGranted; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = Lock(a, {0, 10}, true);
  }
  EXPECT_EQ(status, NlmStatus::kGranted);
}

TEST_F(LockManagerTest, CancelWithdrawsABlockedRequest) {
  const LockOwner a = Owner("alpha", 1), b = Owner("beta", 2);
  ASSERT_EQ(Lock(a, {0, 10}, true), NlmStatus::kGranted);
  ASSERT_EQ(Lock(b, {0, 10}, true, true), NlmStatus::kBlocked);
  EXPECT_EQ(manager_->Cancel(Request(b, {0, 10}, true)), NlmStatus::kGranted);
  EXPECT_EQ(manager_->Cancel(Request(b, {0, 10}, true)), NlmStatus::kDenied);
  ASSERT_EQ(manager_->Unlock(file_, a, {0, 10}), NlmStatus::kGranted);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::lock_guard<std::mutex> guard(mutex_);
  EXPECT_TRUE(grants_.empty());
}

TEST_F(LockManagerTest, ABlockedRequestWaitsForALocalProcess) {
  const LockOwner b = Owner("beta", 2);
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  if (child == 0) {
    const int fd = open(path_.c_str(), O_RDWR);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_len = 0;
    const char ok = fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
    (void)!write(ready[1], &ok, 1);
    char go;
    (void)!read(release[0], &go, 1);
    _exit(0);  // exiting drops the lock
  }
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, 'y');
  EXPECT_EQ(Lock(b, {0, 1}, true, true), NlmStatus::kBlocked);
  ASSERT_EQ(write(release[1], "x", 1), 1);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(WaitForGrants(1).size(), 1u);
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
}

TEST_F(LockManagerTest, ReleasingAHostDropsExactlyItsLocks) {
  const LockOwner a = Owner("alpha", 1), b = Owner("beta", 2);
  ASSERT_EQ(Lock(a, {0, 10}, true), NlmStatus::kGranted);
  ASSERT_EQ(Lock(b, {20, 30}, true), NlmStatus::kGranted);
  EXPECT_EQ(manager_->ReleaseHosts([](const ClientHost& host) { return host.Matches("alpha"); }),
            1u);
  EXPECT_EQ(manager_->Counts().locks, 1u);
  EXPECT_EQ(Lock(b, {0, 10}, true), NlmStatus::kGranted);
  EXPECT_EQ(Lock(a, {20, 30}, true), NlmStatus::kDenied);
  ASSERT_EQ(manager_->ActiveHosts().size(), 1u);
  EXPECT_EQ(manager_->ActiveHosts()[0].caller_name, "beta");
}

TEST_F(LockManagerTest, ShareReservationsDenyWhatOthersWant) {
  const ClientHost host{"alpha", "10.0.0.1"};
  const ShareReservation reader{host, {1}, ShareMode::kDenyWrite, ShareAccess::kRead};
  const ShareReservation writer{host, {2}, ShareMode::kDenyNone, ShareAccess::kWrite};
  const ShareReservation other_reader{host, {3}, ShareMode::kDenyNone, ShareAccess::kRead};
  EXPECT_EQ(manager_->Share(file_, reader), NlmStatus::kGranted);
  EXPECT_EQ(manager_->Share(file_, writer), NlmStatus::kDenied);
  EXPECT_EQ(manager_->Share(file_, other_reader), NlmStatus::kGranted);
  EXPECT_EQ(manager_->Counts().shares, 2u);
  EXPECT_EQ(manager_->Unshare(file_, reader), NlmStatus::kGranted);
  EXPECT_EQ(manager_->Share(file_, writer), NlmStatus::kGranted);
}

TEST_F(LockManagerTest, TooManyBlockedRequestsAreRefusedNotQueued) {
  const LockOwner a = Owner("alpha", 1);
  ASSERT_EQ(Lock(a, {0, kToEnd}, true), NlmStatus::kGranted);
  for (int32_t i = 0; i < 16; ++i) {
    ASSERT_EQ(Lock(Owner("beta", 100 + i), {0, 1}, true, true), NlmStatus::kBlocked);
  }
  EXPECT_EQ(Lock(Owner("beta", 999), {0, 1}, true, true), NlmStatus::kDenied);
}

}  // namespace
}  // namespace nfsuite::lock
