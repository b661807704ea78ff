#include "service/storage/thread_identity.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace nfsuite::storage {
namespace {

class ThreadIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "switching filesystem identities needs root";
    char name[] = "/tmp/nfsuite-identity-XXXXXX";
    directory_ = mkdtemp(name);
    chmod(directory_.c_str(), 0777);
    // Files are named relative to this descriptor, opened as root, so the callers' identities
    // need no search permission on the directories above (a fresh root may be 0700).
    directory_fd_ = open(directory_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(directory_fd_, 0);
  }
  void TearDown() override {
    if (directory_fd_ >= 0) close(directory_fd_);
    if (!directory_.empty()) std::filesystem::remove_all(directory_);
  }

  // Creates `name` and returns its owner, or -errno.
  int64_t CreateAndGetOwner(const std::string& name, uid_t* gid = nullptr) {
    const int fd = openat(directory_fd_, name.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
    if (fd < 0) return -errno;
    struct stat info {};
    fstat(fd, &info);
    close(fd);
    if (gid != nullptr) *gid = info.st_gid;
    return info.st_uid;
  }

  bool CanRead(const std::string& name) const {
    const int fd = openat(directory_fd_, name.c_str(), O_RDONLY);
    if (fd < 0) return false;
    close(fd);
    return true;
  }

  std::string directory_;
  int directory_fd_ = -1;
};

TEST_F(ThreadIdentityTest, NewFilesBelongToTheCallerAndRootIsBackAfterwards) {
  std::thread([&] {
    uid_t gid = 0;
    {
      absl::StatusOr<ScopedThreadIdentity> as_user = ScopedThreadIdentity::Enter({1000, 1000, {}});
      ASSERT_TRUE(as_user.ok()) << as_user.status();
      EXPECT_EQ(CreateAndGetOwner("by-1000", &gid), 1000);
      EXPECT_EQ(gid, 1000u);
    }
    EXPECT_EQ(CreateAndGetOwner("by-root", &gid), 0);
    EXPECT_EQ(gid, 0u);
  }).join();
}

TEST_F(ThreadIdentityTest, OtherThreadsKeepTheirIdentity) {
  absl::Notification entered;
  absl::Notification done;
  std::thread worker([&] {
    absl::StatusOr<ScopedThreadIdentity> as_user = ScopedThreadIdentity::Enter({1000, 1000, {}});
    ASSERT_TRUE(as_user.ok());
    entered.Notify();
    done.WaitForNotification();
  });
  entered.WaitForNotification();
  EXPECT_EQ(CreateAndGetOwner("while-other-thread-is-1000"), 0);
  done.Notify();
  worker.join();
}

TEST_F(ThreadIdentityTest, KernelChecksPermissionsAsTheCaller) {
  const std::string secret = "secret";
  ASSERT_EQ(CreateAndGetOwner(secret), 0);
  ASSERT_EQ(fchownat(directory_fd_, secret.c_str(), 1001, 2000, 0), 0);
  ASSERT_EQ(fchmodat(directory_fd_, secret.c_str(), 0640, 0), 0);
  std::thread([&] {
    {
      auto as_1000 = ScopedThreadIdentity::Enter({1000, 1000, {}});
      ASSERT_TRUE(as_1000.ok());
      EXPECT_FALSE(CanRead(secret)) << "uid 1000 read a 0640 file of 1001:2000";
    }
    {
      auto in_group = ScopedThreadIdentity::Enter({1000, 1000, {2000}});
      ASSERT_TRUE(in_group.ok());
      EXPECT_TRUE(CanRead(secret)) << "supplementary group 2000 was not honoured";
    }
    {
      auto as_owner = ScopedThreadIdentity::Enter({1001, 1001, {}});
      ASSERT_TRUE(as_owner.ok());
      EXPECT_TRUE(CanRead(secret));
    }
    EXPECT_TRUE(CanRead(secret));  // root again
  }).join();
}

// Whether the calling thread has CAP_SYS_RESOURCE (bit 24) in its effective set.
bool HasSysResource() {
  std::ifstream status("/proc/thread-self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> 24) & 1;
  }
  return false;
}

TEST_F(ThreadIdentityTest, NonRootCallersLoseCapSysResourceForTheScope) {
  if (!HasSysResource()) GTEST_SKIP() << "this process has no CAP_SYS_RESOURCE to drop";
  std::thread([&] {
    {
      auto as_user = ScopedThreadIdentity::Enter({1000, 1000, {}});
      ASSERT_TRUE(as_user.ok());
      EXPECT_FALSE(HasSysResource()) << "quota and reserved-block limits would not apply";
    }
    EXPECT_TRUE(HasSysResource());
    {
      auto as_root = ScopedThreadIdentity::Enter({0, 0, {}});
      ASSERT_TRUE(as_root.ok());
      EXPECT_TRUE(HasSysResource());
    }
  }).join();
  EXPECT_TRUE(HasSysResource());
}

TEST_F(ThreadIdentityTest, MovedFromGuardDoesNotRestoreTwice) {
  std::thread([&] {
    {
      auto first = ScopedThreadIdentity::Enter({1000, 1000, {}});
      ASSERT_TRUE(first.ok());
      ScopedThreadIdentity moved = std::move(*first);
      EXPECT_EQ(CreateAndGetOwner("inside"), 1000);
    }
    EXPECT_EQ(CreateAndGetOwner("after"), 0);
  }).join();
}

}  // namespace
}  // namespace nfsuite::storage
