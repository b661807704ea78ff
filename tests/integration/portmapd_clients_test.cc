// portmapd against real clients (Debian's rpcinfo, our nfsctl) and the registration lifecycle.
#include <sys/socket.h>
#include <sys/stat.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/integration/portmapd_fixture.h"

namespace nfsuite::testing {
namespace {

namespace pm = rpc::portmap;
constexpr uint32_t kTestProgram = 0x20000123;

bool DumpHas(const rpc::PortmapClient& client, uint32_t program, uint16_t port) {
  absl::StatusOr<std::vector<pm::Mapping>> dump = client.PmapDump();
  if (!dump.ok()) return false;
  for (const pm::Mapping& mapping : *dump) {
    if (mapping.program == program && mapping.port == port) return true;
  }
  return false;
}

// Polls for up to `timeout` (pruning runs every second in these tests).
bool Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return condition();
}

TEST_F(PortmapdTest, RpcinfoListsThePortmapperOnTcpAndUdp) {
  const CommandResult result = Rpcinfo({"-p", "127.0.0.1"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* version : {"2", "3", "4"}) {
    for (const char* protocol : {"tcp", "udp"}) {
      EXPECT_TRUE(absl::StrContains(result.output, absl::StrCat("100000    ", version, "   ",
                                                                protocol, "    111  portmapper")))
          << result.output;
    }
  }
}

TEST_F(PortmapdTest, RpcinfoNullCallsSucceedOnEveryVersionAndTransport) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"-t", "127.0.0.1", "100000", "2"},
                                             {"-u", "127.0.0.1", "100000", "2"},
                                             {"-T", "tcp", "127.0.0.1", "100000", "4"},
                                             {"-T", "udp", "127.0.0.1", "100000", "3"}}) {
    const CommandResult result = Rpcinfo(args);
    EXPECT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << "\n" << result.output;
    EXPECT_TRUE(absl::StrContains(result.output, "ready and waiting")) << result.output;
  }
}

TEST_F(PortmapdTest, RpcinfoReachesThePortmapperOverIpv6) {
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> probe = rpc::RpcClient::Connect(
      rpc::Transport::kTcp, *rpc::SocketAddress::Parse("::1", 111), absl::Seconds(2));
  if (!probe.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << probe.status();
  const CommandResult result = Rpcinfo({"-T", "tcp6", "::1", "100000", "4"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "ready and waiting")) << result.output;
}

TEST_F(PortmapdTest, RegisteredProgramAppearsInRpcinfoAndGoesAfterUnset) {
  FakeService service;
  ASSERT_NE(service.port(), 0);
  ASSERT_TRUE(*portmap_client_.PmapSet({kTestProgram, 1, pm::kIpProtoTcp, service.port()}));
  ASSERT_TRUE(*portmap_client_.PmapSet({kTestProgram, 1, pm::kIpProtoUdp, service.port()}));
  // A second SET of the same (program, version, protocol) is refused.
  EXPECT_FALSE(*portmap_client_.PmapSet({kTestProgram, 1, pm::kIpProtoTcp, service.port()}));

  const std::string line_tcp = absl::StrCat(kTestProgram, "    1   tcp  ", service.port());
  CommandResult listed = Rpcinfo({"-p", "127.0.0.1"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(absl::StrContains(listed.output, line_tcp)) << listed.output;
  EXPECT_EQ(*portmap_client_.PmapGetPort(kTestProgram, 1, pm::kIpProtoUdp), service.port());

  EXPECT_TRUE(*portmap_client_.PmapUnset(kTestProgram, 1));
  listed = Rpcinfo({"-p", "127.0.0.1"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_FALSE(absl::StrContains(listed.output, absl::StrCat(kTestProgram))) << listed.output;
  EXPECT_EQ(*portmap_client_.PmapGetPort(kTestProgram, 1, pm::kIpProtoUdp), 0u);
}

TEST_F(PortmapdTest, RpcinfoDeleteUnregistersAProgram) {
  FakeService service;
  ASSERT_TRUE(*portmap_client_.PmapSet({kTestProgram, 3, pm::kIpProtoTcp, service.port()}));
  const CommandResult deleted = Rpcinfo({"-d", absl::StrCat(kTestProgram), "3"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_FALSE(DumpHas(portmap_client_, kTestProgram, service.port()));
}

TEST_F(PortmapdTest, RegistrationsOfADaemonThatDiedAreRemoved) {
  auto service = std::make_unique<FakeService>();
  const uint16_t port = service->port();
  ASSERT_TRUE(*portmap_client_.PmapSet({kTestProgram, 1, pm::kIpProtoTcp, port}));
  absl::SleepFor(absl::Milliseconds(1500));  // a prune pass runs: the live one stays
  EXPECT_TRUE(DumpHas(portmap_client_, kTestProgram, port));
  service.reset();  // the "daemon" dies: its sockets close
  EXPECT_TRUE(
      Eventually([&] { return !DumpHas(portmap_client_, kTestProgram, port); }, absl::Seconds(10)))
      << portmapd_->Log();
}

TEST_F(PortmapdTest, RegistrationsSurviveARestart) {
  FakeService service;
  ASSERT_TRUE(*portmap_client_.PmapSet({kTestProgram, 2, pm::kIpProtoUdp, service.port()}));
  StopPortmapd();
  StartPortmapd();
  EXPECT_TRUE(DumpHas(portmap_client_, kTestProgram, service.port()));
  EXPECT_EQ(*portmap_client_.PmapGetPort(kTestProgram, 2, pm::kIpProtoUdp), service.port());
}

TEST_F(PortmapdTest, DeadDaemonsRegistrationsAreDroppedAtWarmStart) {
  auto service = std::make_unique<FakeService>();
  const uint16_t port = service->port();
  ASSERT_TRUE(*portmap_client_.PmapSet({kTestProgram, 2, pm::kIpProtoUdp, port}));
  StopPortmapd();
  service.reset();  // dies while portmapd is down
  StartPortmapd();
  EXPECT_FALSE(DumpHas(portmap_client_, kTestProgram, port));
}

TEST_F(PortmapdTest, NfsctlStatusShowsThePortmapperAndItsTable) {
  FakeService service;
  ASSERT_TRUE(*portmap_client_.PmapSet({kTestProgram, 1, pm::kIpProtoTcp, service.port()}));
  CommandResult status = RunCommand(
      {NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "status", "portmapd"}, absl::Seconds(20));
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_TRUE(absl::StrContains(status.output, "portmapd  running")) << status.output;
  EXPECT_TRUE(absl::StrContains(status.output, absl::StrCat("pid ", portmapd_->pid())))
      << status.output;
  EXPECT_TRUE(absl::StrContains(status.output, "tcp 127.0.0.1:111")) << status.output;
  EXPECT_TRUE(absl::StrContains(status.output, absl::StrCat(kTestProgram))) << status.output;

  CommandResult json =
      RunCommand({NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "--json", "status", "portmapd"},
                 absl::Seconds(20));
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_TRUE(absl::StrContains(json.output, "\"running\": true")) << json.output;
  EXPECT_TRUE(absl::StrContains(json.output, absl::StrCat("\"program\": ", kTestProgram)))
      << json.output;
}

TEST_F(PortmapdTest, NfsctlStatusReportsADaemonThatIsNotRunning) {
  StopPortmapd();
  CommandResult status = RunCommand(
      {NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "status", "portmapd"}, absl::Seconds(20));
  EXPECT_EQ(status.exit_code, 3) << status.output;
  EXPECT_TRUE(absl::StrContains(status.output, "portmapd is not running")) << status.output;
  EXPECT_TRUE(absl::StrContains(status.output, run_dir())) << status.output;
}

TEST_F(PortmapdTest, NfsctlChangesTheLogLevelLive) {
  CommandResult changed =
      RunCommand({NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "log-level", "portmapd", "warning"},
                 absl::Seconds(20));
  EXPECT_EQ(changed.exit_code, 0) << changed.output;
  CommandResult status = RunCommand(
      {NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "status", "portmapd"}, absl::Seconds(20));
  EXPECT_TRUE(absl::StrContains(status.output, "log level warning")) << status.output;
}

TEST_F(PortmapdTest, ControlSocketIsPrivateToRoot) {
  struct stat info {};
  ASSERT_EQ(stat((run_dir() + "/portmapd.sock").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(run_dir().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(PortmapdTest, SecondInstanceRefusesToStart) {
  const CommandResult second =
      RunCommand({NFSUITE_PORTMAPD_PATH, "--port", "111", "--listen", "127.0.0.1", "--state-dir",
                  state_dir(), "--run-dir", run_dir()},
                 absl::Seconds(20));
  EXPECT_NE(second.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(second.output, "in use")) << second.output;
  EXPECT_TRUE(portmapd_->Running());
}

}  // namespace
}  // namespace nfsuite::testing
