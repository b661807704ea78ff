// The suite as operators run it: the three daemons started in any order, administered live with
// the real nfsctl (export add/remove, showmount, status), clients served by libnfs, daemons
// killed and restarted one at a time, and the systemd units checked by systemd-analyze.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/control.pb.h"
#include "tests/integration/libnfs_client.h"
#include "tests/integration/portmapd_fixture.h"
#include "tests/integration/test_support.h"

namespace nfsuite::testing {
namespace {

// Fixed ports, so that a client keeps its connection target across a daemon's restart (as with
// 2049 and 20048 in production); unusual ones, so that no other server is in the way.
constexpr char kMountdPort[] = "12048";
constexpr char kNfsdPort[] = "12049";
constexpr char kExportsHeader[] = "# nfsuite exports, kept by nfsctl in this test\n";

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return message;
}

class ControlPlaneTest : public PortmapdTest {
 protected:
  void SetUp() override {
    PortmapdTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    StopPortmapd();  // each test starts every daemon itself, in the order it chooses
    exports_file_ = directory_.path() + "/exports";
    std::ofstream(exports_file_) << kExportsHeader;
    share_ = MakeShare("share");
  }

  void TearDown() override {
    for (const char* daemon : {"nfsd", "mountd"}) Stop(daemon);
    PortmapdTest::TearDown();
  }

  // A directory clients may write in (root is squashed to nobody), by canonical path.
  std::string MakeShare(const std::string& name) {
    const std::string path = directory_.path() + "/" + name;
    EXPECT_EQ(mkdir(path.c_str(), 0777), 0);
    EXPECT_EQ(chmod(path.c_str(), 0777), 0);
    char canonical[PATH_MAX];
    EXPECT_NE(realpath(path.c_str(), canonical), nullptr);
    return canonical;
  }

  std::unique_ptr<DaemonProcess>& Process(const std::string& daemon) {
    if (daemon == "portmapd") return portmapd_;
    return daemon == "mountd" ? mountd_ : nfsd_;
  }

  void Start(const std::string& daemon) {
    if (daemon == "portmapd") {
      StartPortmapd();
      return;
    }
    std::vector<std::string> args = {
        "--listen",    "127.0.0.1", "--state-dir",          state_dir(), "--run-dir", run_dir(),
        "--log-level", "debug",     "--registration-check", "1"};
    if (daemon == "mountd") {
      args.insert(args.end(), {"--port", kMountdPort, "--exports-file", exports_file_});
    } else {
      // Started before mountd, nfsd waits this long for its table, then serves what it kept.
      args.insert(args.end(), {"--port", kNfsdPort, "--mountd-wait", "2"});
    }
    absl::StatusOr<std::unique_ptr<DaemonProcess>> started =
        DaemonProcess::Start(daemon == "mountd" ? NFSUITE_MOUNTD_PATH : NFSUITE_NFSD_PATH, args,
                             run_dir() + "/" + daemon + ".sock", absl::Seconds(15));
    ASSERT_TRUE(started.ok()) << started.status();
    Process(daemon) = *std::move(started);
  }

  void Stop(const std::string& daemon) {
    std::unique_ptr<DaemonProcess>& process = Process(daemon);
    if (process == nullptr) return;
    EXPECT_EQ(process->Stop(), 0) << daemon << " did not stop cleanly:\n" << process->Log();
    process.reset();
  }

  void Kill(const std::string& daemon) {
    std::unique_ptr<DaemonProcess>& process = Process(daemon);
    ASSERT_NE(process, nullptr);
    process->Kill();
    process.reset();
  }

  CommandResult Nfsctl(std::vector<std::string> args) {
    args.insert(args.begin(), {NFSUITE_NFSCTL_PATH, "--run-dir", run_dir()});
    return RunCommand(args, absl::Seconds(40));
  }

  void ExpectSuiteReady() {
    const CommandResult status = Nfsctl({"status", "--wait", "20"});
    EXPECT_EQ(status.exit_code, 0) << status.output << Logs();
  }

  std::string Logs() {
    std::string logs;
    for (const char* daemon : {"portmapd", "mountd", "nfsd"}) {
      if (Process(daemon) != nullptr) {
        absl::StrAppend(&logs, "\n--- ", daemon, " log:\n", Process(daemon)->Log());
      }
    }
    return logs;
  }

  std::unique_ptr<LibnfsClient> Mount(const std::string& path) {
    std::string error;
    std::unique_ptr<LibnfsClient> client = LibnfsClient::Mount(path, 1000, 1000, &error);
    EXPECT_NE(client, nullptr) << error << Logs();
    return client;
  }

  // Creates `name` with `contents` through `client`; 0 or -errno.
  static int WriteThrough(LibnfsClient& client, const std::string& name,
                          const std::string& contents) {
    nfsfh* raw = nullptr;
    if (const int rc = nfs_creat(client.get(), name.c_str(), 0644, &raw); rc != 0) return rc;
    LibnfsFile file(client.get(), raw);
    if (const int rc = PwriteAll(client.get(), file.get(), 0, contents.data(), contents.size());
        rc != 0) {
      return rc;
    }
    return file.Close();
  }

  std::string exports_file_;
  std::string share_;
  std::unique_ptr<DaemonProcess> mountd_;
  std::unique_ptr<DaemonProcess> nfsd_;
};

std::vector<std::string> ShuffledDaemons() {
  std::vector<std::string> order = {"portmapd", "mountd", "nfsd"};
  std::shuffle(order.begin(), order.end(), std::mt19937(std::random_device{}()));
  return order;
}

TEST_F(ControlPlaneTest, ExportsAddedAndRemovedLiveSurviveARestartOfEverything) {
  std::vector<std::string> order = ShuffledDaemons();
  SCOPED_TRACE("start order: " + absl::StrJoin(order, ", "));
  for (const std::string& daemon : order) ASSERT_NO_FATAL_FAILURE(Start(daemon));
  ExpectSuiteReady();

  // Added: written to the file, mounted and written to by a client at once.
  const CommandResult added = Nfsctl({"export", "add", share_, "127.0.0.1(rw,insecure)"});
  ASSERT_EQ(added.exit_code, 0) << added.output << Logs();
  const std::string share_line = absl::StrCat(share_, " 127.0.0.1(rw,insecure)");
  EXPECT_EQ(ReadServerFile(exports_file_), absl::StrCat(kExportsHeader, share_line, "\n"));
  std::unique_ptr<LibnfsClient> client = Mount(share_);
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(WriteThrough(*client, "/hello.txt", "hello over NFS"), 0) << client->Error();
  EXPECT_EQ(ReadServerFile(share_ + "/hello.txt"), "hello over NFS");

  const CommandResult mounts = Nfsctl({"--json", "showmount", "-a"});
  ASSERT_EQ(mounts.exit_code, 0) << mounts.output;
  const control::v1::MountList mount_list = FromJson<control::v1::MountList>(mounts.output);
  ASSERT_EQ(mount_list.mounts_size(), 1) << mounts.output;
  EXPECT_EQ(mount_list.mounts(0).directory(), share_);
  const CommandResult shown = Nfsctl({"showmount", "-a"});
  EXPECT_TRUE(absl::StrContains(shown.output, ":" + share_)) << shown.output;

  // A second export, added then removed: the file is back to one line.
  const std::string other = MakeShare("other");
  ASSERT_EQ(Nfsctl({"export", "add", other, "-ro", "*"}).exit_code, 0);
  EXPECT_EQ(ReadServerFile(exports_file_),
            absl::StrCat(kExportsHeader, share_line, "\n", other, " *(ro)\n"));
  const CommandResult removed_other = Nfsctl({"export", "remove", other});
  ASSERT_EQ(removed_other.exit_code, 0) << removed_other.output;
  EXPECT_EQ(ReadServerFile(exports_file_), absl::StrCat(kExportsHeader, share_line, "\n"));

  // Removed: the mounted client's next request fails.
  const CommandResult removed = Nfsctl({"export", "remove", share_});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_EQ(ReadServerFile(exports_file_), kExportsHeader);
  nfs_stat_64 info{};
  const int refused = nfs_stat64(client->get(), "/hello.txt", &info);
  EXPECT_TRUE(refused == -ESTALE || refused == -EACCES) << refused << " " << client->Error();
  client.reset();

  // Exported again, then every daemon restarted in another order: same table, same file,
  // same mounts, and the client's data is still there.
  ASSERT_EQ(Nfsctl({"export", "add", share_, "127.0.0.1(rw,insecure)"}).exit_code, 0);
  client = Mount(share_);
  ASSERT_NE(client, nullptr);
  client.reset();  // unmounts: UMNT
  ASSERT_NE(client = Mount(share_), nullptr);
  const std::string exports_before = Nfsctl({"--json", "export", "list"}).output;
  const std::string mounts_before = Nfsctl({"--json", "showmount", "-a"}).output;
  const std::string file_before = ReadServerFile(exports_file_);
  for (const char* daemon : {"nfsd", "mountd", "portmapd"}) Stop(daemon);
  order = ShuffledDaemons();
  SCOPED_TRACE("restart order: " + absl::StrJoin(order, ", "));
  for (const std::string& daemon : order) ASSERT_NO_FATAL_FAILURE(Start(daemon));
  ExpectSuiteReady();

  EXPECT_EQ(ReadServerFile(exports_file_), file_before);
  control::v1::ExportTable table_before = FromJson<control::v1::ExportTable>(exports_before);
  control::v1::ExportTable table_after =
      FromJson<control::v1::ExportTable>(Nfsctl({"--json", "export", "list"}).output);
  ASSERT_EQ(table_after.exports_size(), 1);
  EXPECT_EQ(table_after.exports(0).line(), table_before.exports(0).line());
  EXPECT_EQ(table_after.exports(0).export_id(), table_before.exports(0).export_id());
  EXPECT_EQ(Nfsctl({"--json", "showmount", "-a"}).output, mounts_before);
  nfsfh* raw = nullptr;
  ASSERT_EQ(nfs_open2(client->get(), "/hello.txt", O_RDONLY, 0, &raw), 0)
      << client->Error() << Logs();
  LibnfsFile file(client->get(), raw);
  std::string contents(64, '\0');
  const int64_t got = PreadAll(client->get(), file.get(), 0, contents.data(), contents.size());
  ASSERT_GE(got, 0);
  contents.resize(static_cast<size_t>(got));
  EXPECT_EQ(contents, "hello over NFS");
}

TEST_F(ControlPlaneTest, BadChangesAreRefusedWithTheReasonAndChangeNothing) {
  for (const char* daemon : {"portmapd", "mountd", "nfsd"}) ASSERT_NO_FATAL_FAILURE(Start(daemon));
  ExpectSuiteReady();
  struct Case {
    std::vector<std::string> args;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{"export", "add", share_ + "/missing", "*"}, "No such file or directory"},
      {{"export", "add", "relative/path", "*"}, "is not absolute"},
      {{"export", "add", share_, "host(rw"}, "argument:2:"},
      {{"export", "add", share_, "*(rw,frobnicate)"}, "frobnicate"},
      {{"export", "remove", share_}, "is not exported"},
  };
  for (const Case& bad : cases) {
    const CommandResult result = Nfsctl(bad.args);
    EXPECT_EQ(result.exit_code, 1) << absl::StrJoin(bad.args, " ") << ": " << result.output;
    EXPECT_TRUE(absl::StrContains(result.output, bad.reason))
        << absl::StrJoin(bad.args, " ") << ": " << result.output;
    EXPECT_TRUE(absl::StrContains(result.output, "mountd")) << result.output;
  }
  EXPECT_EQ(ReadServerFile(exports_file_), kExportsHeader);

  // A hand edit that breaks the file: reload refuses it and says where; edits are refused too.
  std::ofstream(exports_file_, std::ios::app) << share_ << " *(rw,nonsense)\n";
  const CommandResult reload = Nfsctl({"reload"});
  EXPECT_EQ(reload.exit_code, 1) << reload.output;
  EXPECT_TRUE(absl::StrContains(reload.output, exports_file_ + ":2:")) << reload.output;
  const CommandResult add = Nfsctl({"export", "add", share_, "*"});
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(add.output, "no longer parses")) << add.output;
}

TEST_F(ControlPlaneTest, NfsctlNamesADaemonThatIsNotRunning) {
  ASSERT_NO_FATAL_FAILURE(Start("portmapd"));
  const CommandResult list = Nfsctl({"export", "list"});
  EXPECT_EQ(list.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(list.output, "mountd is not running")) << list.output;
  EXPECT_TRUE(absl::StrContains(list.output, run_dir() + "/mountd.sock")) << list.output;
  const CommandResult status = Nfsctl({"status"});
  EXPECT_EQ(status.exit_code, 3) << status.output;
}

// Each daemon killed (SIGKILL) in turn while a client keeps writing: nfsctl reports it down,
// restarting it alone restores service, and the client carries on.
TEST_F(ControlPlaneTest, EachDaemonKilledAndRestartedAloneWhileAClientWorks) {
  std::ofstream(exports_file_, std::ios::app) << share_ << " 127.0.0.1(rw,insecure)\n";
  for (const char* daemon : {"portmapd", "mountd", "nfsd"}) ASSERT_NO_FATAL_FAILURE(Start(daemon));
  ExpectSuiteReady();

  std::unique_ptr<LibnfsClient> worker_client = Mount(share_);
  ASSERT_NE(worker_client, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::atomic<int> failed{0};
  std::thread worker([&] {
    const absl::Time give_up = absl::Now() + absl::Seconds(120);  // bounded whatever happens
    for (int i = 0; !stop.load() && i < 100000 && absl::Now() < give_up; ++i) {
      if (WriteThrough(*worker_client, absl::StrCat("/w", i), "work") == 0) {
        written.fetch_add(1);
      } else {
        failed.fetch_add(1);
      }
    }
  });
  // Progress: `written` grows by a few within `patience`.
  auto progresses = [&](absl::Duration patience) {
    const int from = written.load();
    const absl::Time deadline = absl::Now() + patience;
    while (written.load() < from + 5 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    return written.load() >= from + 5;
  };
  EXPECT_TRUE(progresses(absl::Seconds(10))) << Logs();

  for (const char* daemon : {"portmapd", "mountd", "nfsd"}) {
    SCOPED_TRACE(daemon);
    Kill(daemon);
    const CommandResult down = Nfsctl({"--json", "status"});
    EXPECT_EQ(down.exit_code, 3) << down.output;
    const auto reports = FromJson<control::v1::StatusReport>(down.output);
    for (const control::v1::DaemonReport& report : reports.daemons()) {
      EXPECT_EQ(report.running(), report.daemon() != daemon) << down.output;
    }
    if (std::string(daemon) != "nfsd") {
      // nfsd alone serves the mounted client: it carries on while the other is down.
      EXPECT_TRUE(progresses(absl::Seconds(10))) << Logs();
    }
    ASSERT_NO_FATAL_FAILURE(Start(daemon));
    ExpectSuiteReady();
    EXPECT_TRUE(progresses(absl::Seconds(30)))
        << "client stuck after " << daemon << " restarted" << Logs();
    // And a new client finds everything again through the (restarted) portmapper.
    std::unique_ptr<LibnfsClient> fresh = Mount(share_);
    ASSERT_NE(fresh, nullptr);
    EXPECT_EQ(WriteThrough(*fresh, absl::StrCat("/after-", daemon), "ok"), 0) << fresh->Error();
  }
  stop.store(true);
  worker.join();
  EXPECT_GT(written.load(), 20);
  std::printf("client wrote %d files (%d failed) across the restarts\n", written.load(),
              failed.load());
}

// What a Type=notify service manager sees: one datagram per state change on NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  }
  ~NotifySocket() { close(fd_); }
  // The next message, or "" after `timeout`.
  std::string Next(absl::Duration timeout) {
    pollfd ready{fd_, POLLIN, 0};
    if (poll(&ready, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1) return "";
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST_F(ControlPlaneTest, DaemonsTellAServiceManagerWhenReadyReloadingAndStopping) {
  ASSERT_NO_FATAL_FAILURE(Start("portmapd"));
  NotifySocket manager(directory_.path() + "/notify.sock");
  setenv("NOTIFY_SOCKET", (directory_.path() + "/notify.sock").c_str(), 1);
  Start("mountd");  // inherits NOTIFY_SOCKET
  unsetenv("NOTIFY_SOCKET");
  ASSERT_NE(mountd_, nullptr);
  EXPECT_EQ(manager.Next(absl::Seconds(10)), absl::StrCat("READY=1\nMAINPID=", mountd_->pid()));
  ASSERT_EQ(kill(mountd_->pid(), SIGHUP), 0);
  EXPECT_EQ(manager.Next(absl::Seconds(10)), "RELOADING=1");
  EXPECT_EQ(manager.Next(absl::Seconds(10)), "READY=1");
  Stop("mountd");
  EXPECT_EQ(manager.Next(absl::Seconds(10)), "STOPPING=1");
}

TEST(SystemdUnitsTest, SystemdAnalyzeVerifyAcceptsTheUnits) {
  if (RunCommand({"sh", "-c", "command -v systemd-analyze"}, absl::Seconds(10)).exit_code != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed (package systemd): units not verified";
  }
  // The units start the installed daemons; point them at the ones just built.
  TemporaryDirectory directory;
  const std::string built = std::filesystem::path(NFSUITE_PORTMAPD_PATH).parent_path().string();
  std::vector<std::string> command = {"systemd-analyze", "verify", "--man=no"};
  for (const char* unit : {"nfsuite.target", "nfsuite-portmapd.service", "nfsuite-mountd.service",
                           "nfsuite-nfsd.service"}) {
    const std::string text =
        ReadServerFile(absl::StrCat(NFSUITE_SOURCE_DIR, "/scripts/systemd/", unit));
    ASSERT_FALSE(text.empty()) << unit;
    const std::string copy = absl::StrCat(directory.path(), "/", unit);
    std::ofstream(copy) << absl::StrReplaceAll(text, {{"/usr/local/sbin", built}});
    command.push_back(copy);
  }
  const CommandResult verified = RunCommand(command, absl::Seconds(60));
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  // Warnings about the units themselves (not about the host's other units) count as failures.
  EXPECT_FALSE(absl::StrContains(verified.output, "nfsuite")) << verified.output;
}

}  // namespace
}  // namespace nfsuite::testing
