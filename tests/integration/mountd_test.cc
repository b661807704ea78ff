// mountd against real clients (showmount, rpcinfo, nfsctl) and raw MOUNT v3 calls, beside a
// real portmapd.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/nfs/export_id.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "gtest/gtest.h"
#include "service/mount/export_table.h"
#include "service/mount/mount_protocol.h"
#include "tests/integration/mountd_fixture.h"

namespace nfsuite::testing {
namespace {

namespace pm = rpc::portmap;
const absl::Duration kTimeout = absl::Seconds(5);

TEST_F(MountdTest, ShowmountListsTheExport) {
  const CommandResult listed = RunCommand({"showmount", "-e", "127.0.0.1"}, absl::Seconds(20));
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(absl::StrContains(listed.output, export_dir_)) << listed.output;
}

TEST_F(MountdTest, RegisteredOnTcpAndUdpAndGoneWhenStopped) {
  CommandResult listed = Rpcinfo({"-p", "127.0.0.1"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(absl::StrContains(listed.output, "100005    3   tcp")) << listed.output;
  EXPECT_TRUE(absl::StrContains(listed.output, "100005    3   udp")) << listed.output;
  EXPECT_TRUE(absl::StrContains(listed.output, "mountd")) << listed.output;
  StopMountd();
  listed = Rpcinfo({"-p", "127.0.0.1"});
  EXPECT_FALSE(absl::StrContains(listed.output, "100005")) << listed.output;
}

TEST_F(MountdTest, MntHandsOutARootHandleThatVerifiesWithTheSharedKey) {
  for (rpc::Transport transport : {rpc::Transport::kTcp, rpc::Transport::kUdp}) {
    auto client = ConnectMountd(transport);
    ASSERT_NE(client, nullptr);
    const mount::MountResult3 result = Mnt(*client, export_dir_);
    ASSERT_EQ(result.status, mount::MountStat3::kOk);
    EXPECT_EQ(result.auth_flavors, std::vector<uint32_t>{1});  // AUTH_SYS
    ASSERT_LE(result.handle.size(), nfs::kNfs3MaxHandleSize);

    absl::StatusOr<nfs::HandleKey> key = nfs::HandleKey::LoadOrCreate(state_dir());
    ASSERT_TRUE(key.ok()) << key.status();
    const auto decoded = nfs::FileHandleCodec(*key).Decode(
        absl::Span<const uint8_t>(result.handle.data(), result.handle.size()));
    ASSERT_TRUE(std::holds_alternative<nfs::HandleContents>(decoded));
    EXPECT_EQ(std::get<nfs::HandleContents>(decoded).export_id, nfs::ExportIdForPath(export_dir_));
    EXPECT_FALSE(std::get<nfs::HandleContents>(decoded).object.empty());
  }
}

TEST_F(MountdTest, TheSameExportGetsTheSameHandleAfterARestart) {
  auto client = ConnectMountd(rpc::Transport::kTcp);
  const mount::MountResult3 before = Mnt(*client, export_dir_);
  StopMountd();
  StartMountd();
  client = ConnectMountd(rpc::Transport::kTcp);
  ASSERT_NE(client, nullptr);
  const mount::MountResult3 after = Mnt(*client, export_dir_);
  ASSERT_EQ(after.status, mount::MountStat3::kOk);
  EXPECT_EQ(before.handle, after.handle);
}

TEST_F(MountdTest, MntRefusesWhatIsNotExportedWithTheRfcStatus) {
  auto client = ConnectMountd(rpc::Transport::kTcp);
  ASSERT_NE(client, nullptr);
  const std::string file = export_dir_ + "/file";
  std::ofstream(file) << "x";
  EXPECT_EQ(Mnt(*client, directory_.path() + "/no-such-dir").status, mount::MountStat3::kNoEnt);
  EXPECT_EQ(Mnt(*client, file).status, mount::MountStat3::kNotDir);
  EXPECT_EQ(Mnt(*client, directory_.path()).status, mount::MountStat3::kAcces);
  EXPECT_EQ(Mnt(*client, "relative/path").status, mount::MountStat3::kInval);
  EXPECT_EQ(Mnt(*client, export_dir_ + "/../share").status, mount::MountStat3::kAcces);
  // Redundant slashes and a trailing slash name the export itself.
  EXPECT_EQ(Mnt(*client, "/" + export_dir_ + "//").status, mount::MountStat3::kOk);

  absl::StatusOr<rpc::RpcReply> too_long = client->Call(
      mount::kProgram, mount::kVersion3, mount::proc::kMnt,
      [](xdr::XdrEncoder& e) { e.String(std::string(1025, 'a')); }, kTimeout);
  ASSERT_TRUE(too_long.ok()) << too_long.status();
  EXPECT_EQ(too_long->header.accept_stat, rpc::AcceptStat::kGarbageArgs);
}

TEST_F(MountdTest, SubdirectoriesMountButSymlinksAreNeverFollowed) {
  auto client = ConnectMountd(rpc::Transport::kTcp);
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(mkdir((export_dir_ + "/sub").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((export_dir_ + "/sub/deeper").c_str(), 0755), 0);
  ASSERT_EQ(symlink("/etc", (export_dir_ + "/to-etc").c_str()), 0);
  ASSERT_EQ(symlink("sub", (export_dir_ + "/to-sub").c_str()), 0);

  const mount::MountResult3 root = Mnt(*client, export_dir_);
  const mount::MountResult3 sub = Mnt(*client, export_dir_ + "/sub/deeper");
  ASSERT_EQ(sub.status, mount::MountStat3::kOk);
  EXPECT_NE(sub.handle, root.handle);
  EXPECT_EQ(Mnt(*client, export_dir_ + "/sub/missing").status, mount::MountStat3::kNoEnt);
  EXPECT_EQ(Mnt(*client, export_dir_ + "/to-etc").status, mount::MountStat3::kNotDir);
  EXPECT_EQ(Mnt(*client, export_dir_ + "/to-sub/deeper").status, mount::MountStat3::kNotDir);
}

TEST_F(MountdTest, MountListFollowsMntUmntAndUmntallAndSurvivesRestarts) {
  auto client = ConnectMountd(rpc::Transport::kTcp);
  ASSERT_EQ(Mnt(*client, export_dir_).status, mount::MountStat3::kOk);
  const mount::MountEntry entry{"127.0.0.1", export_dir_};
  EXPECT_EQ(Dump(*client), std::vector<mount::MountEntry>{entry});
  const CommandResult all = RunCommand({"showmount", "-a", "127.0.0.1"}, absl::Seconds(20));
  EXPECT_TRUE(absl::StrContains(all.output, "127.0.0.1:" + export_dir_)) << all.output;

  StopMountd();
  StartMountd();
  client = ConnectMountd(rpc::Transport::kTcp);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(Dump(*client), std::vector<mount::MountEntry>{entry}) << "lost across a restart";

  Call(*client, mount::proc::kUmnt,
       [&](xdr::XdrEncoder& e) { mount::EncodeDirPath(e, export_dir_); });
  EXPECT_TRUE(Dump(*client).empty());
  ASSERT_EQ(Mnt(*client, export_dir_).status, mount::MountStat3::kOk);
  Call(*client, mount::proc::kUmntAll, nullptr);
  EXPECT_TRUE(Dump(*client).empty());
}

// Whether the portmapper lists mountd (MOUNT v3 on TCP) within `patience`.
bool WaitUntilRegistered(const rpc::PortmapClient& portmapper, absl::Duration patience) {
  const absl::Time deadline = absl::Now() + patience;
  for (;;) {
    absl::StatusOr<uint32_t> port =
        portmapper.PmapGetPort(mount::kProgram, mount::kVersion3, pm::kIpProtoTcp);
    if (port.ok() && *port != 0) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(100));
  }
}

TEST_F(MountdTest, RegistersAgainAfterThePortmapperForgetsIt) {
  StopPortmapd();
  StartPortmapd({"--no-warm-start"});
  EXPECT_TRUE(WaitUntilRegistered(portmap_client_, absl::Seconds(15))) << mountd_->Log();
}

TEST_F(MountdTest, NfsctlStatusShowsMountdAndItsRegistrations) {
  const CommandResult status =
      RunCommand({NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "status", "portmapd", "mountd"},
                 absl::Seconds(20));
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_TRUE(absl::StrContains(status.output, "mountd    running")) << status.output;
  EXPECT_TRUE(absl::StrContains(status.output, "100005")) << status.output;
}

// Start order does not matter: without a portmapper mountd serves anyway and registers as soon
// as one answers.
TEST_F(MountdTest, StartsWithoutAPortmapperAndRegistersWhenOneComes) {
  StopMountd();
  StopPortmapd();
  StartMountd();
  // Running, but not ready: clients could not find it.
  const CommandResult early = RunCommand(
      {NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "status", "mountd"}, absl::Seconds(20));
  EXPECT_EQ(early.exit_code, 3) << early.output;
  EXPECT_TRUE(absl::StrContains(early.output, "mountd    running")) << early.output;
  EXPECT_TRUE(absl::StrContains(early.output, "NOT REGISTERED")) << early.output;
  EXPECT_TRUE(absl::StrContains(mountd_->Log(), "registering as soon as portmapd answers"))
      << mountd_->Log();

  StartPortmapd({"--no-warm-start"});
  const CommandResult ready =
      RunCommand({NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "status", "--wait", "20", "mountd"},
                 absl::Seconds(30));
  EXPECT_EQ(ready.exit_code, 0) << ready.output << mountd_->Log();
  EXPECT_TRUE(WaitUntilRegistered(portmap_client_, absl::Seconds(1))) << mountd_->Log();
}

}  // namespace
}  // namespace nfsuite::testing
