#include "service/lock/status_monitor.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace nfsuite::lock {
namespace {

class StatusMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::TempDir() + "/status_monitor_test.XXXXXX";
    ASSERT_NE(mkdtemp(name.data()), nullptr) << std::strerror(errno);
    directory_ = name;
    file_ = directory_ + "/nsm-state";
  }
  void TearDown() override {
    unlink(file_.c_str());
    rmdir(directory_.c_str());
  }

  std::string directory_;
  std::string file_;
};

TEST_F(StatusMonitorTest, TheStateIsOddAndAdvancesAtEveryStart) {
  auto first = StatusMonitor::Start(file_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->state(), 1);
  EXPECT_FALSE((*first)->restarted_with_hosts());
  first->reset();
  auto second = StatusMonitor::Start(file_);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->state(), 3);
  EXPECT_EQ((*second)->SimulateCrash(), 5);
}

TEST_F(StatusMonitorTest, HostsMonitoredByOneRunAreToBeNotifiedByTheNext) {
  const ClientHost alpha{"alpha", "10.0.0.1"}, beta{"be\tta\n", "10.0.0.2"};
  {
    auto monitor = StatusMonitor::Start(file_);
    ASSERT_TRUE(monitor.ok()) << monitor.status();
    ASSERT_TRUE((*monitor)->Monitor(alpha).ok());
    ASSERT_TRUE((*monitor)->Monitor(beta).ok());
    ASSERT_TRUE((*monitor)->Monitor(alpha).ok());
    EXPECT_EQ((*monitor)->monitored().size(), 2u);
  }
  auto restarted = StatusMonitor::Start(file_);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_TRUE((*restarted)->restarted_with_hosts());
  EXPECT_TRUE((*restarted)->monitored().empty());
  ASSERT_EQ((*restarted)->to_notify().size(), 2u);
  (*restarted)->Notified(alpha);
  ASSERT_EQ((*restarted)->to_notify().size(), 1u);
  EXPECT_EQ((*restarted)->to_notify()[0], beta);
  restarted->reset();
  // Not yet told: still to be told after another restart.
  auto again = StatusMonitor::Start(file_);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ((*again)->to_notify().size(), 1u);
  EXPECT_EQ((*again)->to_notify()[0], beta);
}

TEST_F(StatusMonitorTest, RegistrationsSurviveARestartAndHearOfReboots) {
  MonitorRegistration registration{"client.example", MyId{"localhost", 100021, 4, 16}, {}};
  registration.priv[0] = 0xab;
  {
    auto monitor = StatusMonitor::Start(file_);
    ASSERT_TRUE(monitor.ok());
    ASSERT_TRUE((*monitor)->Register(registration).ok());
  }
  auto monitor = StatusMonitor::Start(file_);
  ASSERT_TRUE(monitor.ok()) << monitor.status();
  EXPECT_TRUE((*monitor)->HostRebooted("other").empty());
  const std::vector<MonitorRegistration> told = (*monitor)->HostRebooted("client.example");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].my_id.my_prog, 100021);
  EXPECT_EQ(told[0].priv[0], 0xab);
  (*monitor)->UnregisterAll(registration.my_id);
  EXPECT_TRUE((*monitor)->HostRebooted("client.example").empty());
}

TEST_F(StatusMonitorTest, AReportedRebootEndsMonitoringAndIdleHostsAreForgotten) {
  auto monitor = StatusMonitor::Start(file_);
  ASSERT_TRUE(monitor.ok());
  ASSERT_TRUE((*monitor)->Monitor({"alpha", "10.0.0.1"}).ok());
  ASSERT_TRUE((*monitor)->Monitor({"beta", "10.0.0.2"}).ok());
  (*monitor)->HostRebooted("10.0.0.1");  // by address works too
  ASSERT_EQ((*monitor)->monitored().size(), 1u);
  (*monitor)->ForgetIdle({{"beta", "10.0.0.2"}}, absl::Now() + absl::Hours(1));
  EXPECT_EQ((*monitor)->monitored().size(), 1u);  // still active
  (*monitor)->ForgetIdle({}, absl::Now() + absl::Hours(1));
  EXPECT_TRUE((*monitor)->monitored().empty());
}

TEST_F(StatusMonitorTest, ACorruptFileIsAnErrorNotAFreshStart) {
  std::ofstream(file_) << "state\t7\nnonsense\n";
  auto monitor = StatusMonitor::Start(file_);
  ASSERT_FALSE(monitor.ok());
  EXPECT_NE(monitor.status().message().find(":2"), std::string::npos) << monitor.status();
}

}  // namespace
}  // namespace nfsuite::lock
