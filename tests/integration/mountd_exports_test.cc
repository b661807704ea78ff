// mountd's exports: the exports file, client lists and options at MNT, aliases, MOUNT v1, what
// showmount lists, reloads, and the export table nfsd follows over the control socket.
#include <signal.h>
#include <sys/stat.h>

#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/nfs/export_id.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "proto/control.grpc.pb.h"
#include "tests/integration/mountd_fixture.h"

namespace nfsuite::testing {
namespace {

using mount::MountStat3;
const absl::Duration kTimeout = absl::Seconds(5);

// True once `condition` holds, polling for at most `timeout`.
bool Eventually(const std::function<bool()>& condition,
                absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return condition();
}

CommandResult Showmount(const std::string& option) {
  return RunCommand({"showmount", option, "127.0.0.1"}, absl::Seconds(20));
}

// Whether showmount -e's output lists `path` with exactly `clients` (it pads between them).
bool ListsExport(const std::string& output, const std::string& path, const std::string& clients) {
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!absl::ConsumePrefix(&line, path) || line.empty() || line[0] != ' ') continue;
    if (absl::StripAsciiWhitespace(line) == clients) return true;
  }
  return false;
}

class MountdExportsTest : public MountdTest {
 protected:
  // Restarts mountd on an exports file with `contents`, plus `extra` flags.
  void ServeExportsFile(const std::string& contents, std::vector<std::string> extra = {}) {
    StopMountd();
    std::vector<std::string> args = {"--exports-file", WriteExportsFile(contents)};
    args.insert(args.end(), extra.begin(), extra.end());
    StartMountd(args);
  }
  MountStat3 MountStatus(const std::string& path) {
    auto client = ConnectMountd(rpc::Transport::kTcp);
    if (client == nullptr) return MountStat3::kServerFault;
    return Mnt(*client, path).status;
  }
  void Reload() { ASSERT_EQ(kill(mountd_->pid(), SIGHUP), 0); }
};

TEST_F(MountdExportsTest, AClientOutsideTheListIsRefused) {
  ServeExportsFile(absl::StrCat(export_dir_, " 127.0.0.2(rw,insecure) 10.0.0.0/8(rw)\n"));
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kAcces);
  ServeExportsFile(absl::StrCat(export_dir_, " 127.0.0.0/30(rw,insecure)\n"));
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kOk);
  ServeExportsFile(absl::StrCat(export_dir_, " 127.0.0.1-127.0.0.9(insecure)\n"));
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kOk);
  ServeExportsFile(absl::StrCat(export_dir_, " localhost(insecure)\n"));  // via /etc/hosts
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kOk);
}

TEST_F(MountdExportsTest, SecureRefusesAnUnprivilegedSourcePort) {
  // This client binds an ephemeral port, as a user's program would.
  ServeExportsFile(absl::StrCat(export_dir_, " *(rw)\n"));
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kAcces);
  ServeExportsFile(absl::StrCat(export_dir_, " *(rw,insecure)\n"));
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kOk);
}

TEST_F(MountdExportsTest, SubdirectoryMountsOnlyWhereAllowed) {
  ASSERT_EQ(mkdir((export_dir_ + "/sub").c_str(), 0755), 0);
  ServeExportsFile(absl::StrCat(export_dir_, " *(insecure,noalldirs)\n"));
  EXPECT_EQ(MountStatus(export_dir_ + "/sub"), MountStat3::kAcces);
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kOk);
  ServeExportsFile(absl::StrCat(export_dir_, " *(insecure)\n"));
  EXPECT_EQ(MountStatus(export_dir_ + "/sub"), MountStat3::kOk);
}

TEST_F(MountdExportsTest, AnAliasMountsTheExport) {
  ASSERT_EQ(mkdir((export_dir_ + "/sub").c_str(), 0755), 0);
  ServeExportsFile(absl::StrCat(export_dir_, " *(rw,insecure,name=/public-share)\n"));
  auto client = ConnectMountd(rpc::Transport::kTcp);
  ASSERT_NE(client, nullptr);
  const mount::MountResult3 by_path = Mnt(*client, export_dir_);
  const mount::MountResult3 by_alias = Mnt(*client, "/public-share");
  ASSERT_EQ(by_alias.status, MountStat3::kOk);
  EXPECT_EQ(by_alias.handle, by_path.handle);
  EXPECT_EQ(Mnt(*client, "/public-share/sub").status, MountStat3::kOk);
  EXPECT_EQ(Mnt(*client, "/public-shared").status, MountStat3::kNoEnt);
}

TEST_F(MountdExportsTest, FsidPinsTheExportIdInHandles) {
  ServeExportsFile(absl::StrCat(export_dir_, " *(insecure,fsid=4242)\n"));
  auto client = ConnectMountd(rpc::Transport::kTcp);
  ASSERT_NE(client, nullptr);
  const mount::MountResult3 mounted = Mnt(*client, export_dir_);
  ASSERT_EQ(mounted.status, MountStat3::kOk);
  absl::StatusOr<nfs::HandleKey> key = nfs::HandleKey::LoadOrCreate(state_dir());
  ASSERT_TRUE(key.ok());
  const auto decoded = nfs::FileHandleCodec(*key).Decode(
      absl::Span<const uint8_t>(mounted.handle.data(), mounted.handle.size()));
  ASSERT_TRUE(std::holds_alternative<nfs::HandleContents>(decoded));
  EXPECT_EQ(std::get<nfs::HandleContents>(decoded).export_id, 4242u);
}

TEST_F(MountdExportsTest, ShowmountListsExportsClientsAndMountsAcrossARestart) {
  const std::string second = directory_.path() + "/second";
  ASSERT_EQ(mkdir(second.c_str(), 0755), 0);
  ServeExportsFile(absl::StrCat("# two exports\n", export_dir_,
                                " 127.0.0.1(rw,insecure) 10.0.0.0/8(ro)\n", second,
                                " *(ro,insecure)\n"));
  for (int run = 0; run < 2; ++run) {
    const CommandResult exports = Showmount("-e");
    ASSERT_EQ(exports.exit_code, 0) << exports.output;
    EXPECT_TRUE(ListsExport(exports.output, export_dir_, "127.0.0.1,10.0.0.0/8")) << exports.output;
    EXPECT_TRUE(ListsExport(exports.output, second, "*")) << exports.output;
    if (run == 0) {
      EXPECT_EQ(MountStatus(export_dir_), MountStat3::kOk);
      StopMountd();
      StartMountd({"--exports-file", directory_.path() + "/exports"});
    }
  }
  const CommandResult all = Showmount("-a");
  EXPECT_TRUE(absl::StrContains(all.output, "127.0.0.1:" + export_dir_)) << all.output;
  const CommandResult directories = Showmount("-d");
  EXPECT_TRUE(absl::StrContains(directories.output, export_dir_)) << directories.output;
  EXPECT_FALSE(absl::StrContains(directories.output, second)) << directories.output;
}

TEST_F(MountdExportsTest, ListsCanBeRestrictedToTheAskingClientOrRefused) {
  const std::string other = directory_.path() + "/other";
  ASSERT_EQ(mkdir(other.c_str(), 0755), 0);
  const std::string file =
      absl::StrCat(export_dir_, " 127.0.0.1(insecure)\n", other, " 127.0.0.2(insecure)\n");
  ServeExportsFile(file, {"--restrict-lists"});
  CommandResult exports = Showmount("-e");
  ASSERT_EQ(exports.exit_code, 0) << exports.output;
  EXPECT_TRUE(absl::StrContains(exports.output, export_dir_)) << exports.output;
  EXPECT_FALSE(absl::StrContains(exports.output, other)) << exports.output;

  ServeExportsFile(file, {"--refuse-lists"});
  exports = Showmount("-e");
  EXPECT_NE(exports.exit_code, 0) << exports.output;
  EXPECT_FALSE(absl::StrContains(exports.output, export_dir_)) << exports.output;
  auto client = ConnectMountd(rpc::Transport::kTcp);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<rpc::RpcReply> dump =
      client->Call(mount::kProgram, mount::kVersion3, mount::proc::kDump, nullptr, kTimeout);
  ASSERT_TRUE(dump.ok()) << dump.status();
  EXPECT_EQ(dump->header.auth_stat, rpc::AuthStat::kTooWeak) << dump->header.Describe();
}

TEST_F(MountdExportsTest, AMalformedFileNamesItsLineAndStopsTheStart) {
  StopMountd();
  const std::string path =
      WriteExportsFile(absl::StrCat("# fine\n", export_dir_, " *(rw,bogus)\n"));
  const CommandResult refused =
      RunCommand({NFSUITE_MOUNTD_PATH, "--exports-file", path, "--port", "0", "--listen",
                  "127.0.0.1", "--state-dir", state_dir(), "--run-dir", run_dir()},
                 absl::Seconds(30));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(refused.output, path + ":2:")) << refused.output;
  EXPECT_TRUE(absl::StrContains(refused.output, "bogus")) << refused.output;
}

TEST_F(MountdExportsTest, ReloadAppliesAGoodFileAndKeepsTheTableOnABadOne) {
  const std::string second = directory_.path() + "/second";
  ASSERT_EQ(mkdir(second.c_str(), 0755), 0);
  ServeExportsFile(absl::StrCat(export_dir_, " *(insecure)\n"));
  WriteExportsFile(absl::StrCat(export_dir_, " *(insecure)\n", second, " *(insecure,rw=oops)\n"));
  Reload();
  EXPECT_TRUE(Eventually([&] { return absl::StrContains(mountd_->Log(), "reload refused"); }))
      << mountd_->Log();
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kOk) << "the old table must stay in force";

  WriteExportsFile(absl::StrCat(second, " *(insecure)\n"));
  Reload();
  EXPECT_TRUE(Eventually([&] { return MountStatus(second) == MountStat3::kOk; }));
  EXPECT_EQ(MountStatus(export_dir_), MountStat3::kAcces) << "removed from the file";
}

TEST_F(MountdExportsTest, MountVersionOneHandsOutA32ByteHandle) {
  ServeExportsFile(absl::StrCat(export_dir_, " *(insecure)\n"));
  const CommandResult listed = Rpcinfo({"-p", "127.0.0.1"});
  EXPECT_TRUE(absl::StrContains(listed.output, "100005    1   tcp")) << listed.output;
  EXPECT_TRUE(absl::StrContains(listed.output, "100005    1   udp")) << listed.output;
  for (rpc::Transport transport : {rpc::Transport::kTcp, rpc::Transport::kUdp}) {
    auto client = ConnectMountd(transport, mount::kVersion1);
    ASSERT_NE(client, nullptr);
    absl::StatusOr<mount::MountResult3> result = rpc::CallAndDecode<mount::MountResult3>(
        *client, mount::kProgram, mount::kVersion1, mount::proc::kMnt,
        [&](xdr::XdrEncoder& e) { mount::EncodeDirPath(e, export_dir_); }, &mount::DecodeFhStatus,
        kTimeout);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->status, MountStat3::kOk);
    ASSERT_EQ(result->handle.size(), nfs::kNfs2HandleSize);
    absl::StatusOr<nfs::HandleKey> key = nfs::HandleKey::LoadOrCreate(state_dir());
    ASSERT_TRUE(key.ok());
    const auto decoded = nfs::FileHandleCodec(*key).Decode(
        absl::Span<const uint8_t>(result->handle.data(), result->handle.size()));
    ASSERT_TRUE(std::holds_alternative<nfs::HandleContents>(decoded));
    EXPECT_EQ(std::get<nfs::HandleContents>(decoded).export_id, nfs::ExportIdForPath(export_dir_));
  }
}

TEST_F(MountdExportsTest, TheControlSocketServesAndStreamsTheExportTable) {
  ServeExportsFile(absl::StrCat(export_dir_, " 127.0.0.1(rw,insecure)\n"));
  auto channel =
      grpc::CreateChannel("unix:" + run_dir() + "/mountd.sock", grpc::InsecureChannelCredentials());
  auto stub = control::v1::ExportTableControl::NewStub(channel);
  grpc::ClientContext get_context;
  control::v1::ExportTable table;
  ASSERT_TRUE(stub->GetExports(&get_context, {}, &table).ok());
  ASSERT_EQ(table.exports_size(), 1);
  EXPECT_EQ(table.generation(), 1u);
  EXPECT_EQ(table.exports(0).line(), export_dir_ + " 127.0.0.1(rw,insecure)");
  EXPECT_EQ(table.exports(0).export_id(), nfs::ExportIdForPath(export_dir_));

  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto watch = stub->WatchExports(&watch_context, {});
  control::v1::ExportTable first;
  ASSERT_TRUE(watch->Read(&first));
  EXPECT_EQ(first.generation(), 1u);
  EXPECT_EQ(first.mountd_instance(), table.mountd_instance());

  WriteExportsFile(absl::StrCat(export_dir_, " *(ro,insecure,fsid=9)\n"));
  Reload();
  control::v1::ExportTable second;
  ASSERT_TRUE(watch->Read(&second)) << mountd_->Log();
  EXPECT_EQ(second.generation(), 2u);
  ASSERT_EQ(second.exports_size(), 1);
  EXPECT_EQ(second.exports(0).export_id(), 9u);
  EXPECT_TRUE(absl::StrContains(second.exports(0).line(), "fsid=9")) << second.exports(0).line();
  watch_context.TryCancel();
}

}  // namespace
}  // namespace nfsuite::testing
