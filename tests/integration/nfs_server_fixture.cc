#include "tests/integration/nfs_server_fixture.h"

#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <fstream>

namespace nfsuite::testing {

void NfsServerTest::SetUp() {
  PortmapdTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  const std::string share = directory_.path() + "/share";
  ASSERT_EQ(mkdir(share.c_str(), 0755), 0);
  char canonical[PATH_MAX];
  ASSERT_NE(realpath(share.c_str(), canonical), nullptr);
  export_dir_ = canonical;
  StartMountd();
  StartNfsd();
}

void NfsServerTest::TearDown() {
  StopNfsd();
  StopMountd();
  PortmapdTest::TearDown();
}

void NfsServerTest::StartMountd(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--port",      "0",         "--listen",  "127.0.0.1",
                                   "--state-dir", state_dir(), "--run-dir", run_dir(),
                                   "--log-level", "debug"};
  // An exports file says everything exported; otherwise the fixture's directory is.
  if (std::find(extra.begin(), extra.end(), "--exports-file") == extra.end()) {
    args.insert(args.end(), {"--export", export_dir_});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  absl::StatusOr<std::unique_ptr<DaemonProcess>> started = DaemonProcess::Start(
      NFSUITE_MOUNTD_PATH, args, run_dir() + "/mountd.sock", absl::Seconds(10));
  ASSERT_TRUE(started.ok()) << started.status();
  mountd_ = *std::move(started);
}

void NfsServerTest::StartNfsd(const std::vector<std::string>& extra) {
  // No exports: nfsd follows mountd's table.
  std::vector<std::string> args = {"--port",      "0",         "--listen",  "127.0.0.1",
                                   "--state-dir", state_dir(), "--run-dir", run_dir(),
                                   "--log-level", "debug"};
  args.insert(args.end(), extra.begin(), extra.end());
  absl::StatusOr<std::unique_ptr<DaemonProcess>> started =
      DaemonProcess::Start(NFSUITE_NFSD_PATH, args, run_dir() + "/nfsd.sock", absl::Seconds(10));
  ASSERT_TRUE(started.ok()) << started.status();
  nfsd_ = *std::move(started);
}

void NfsServerTest::StopMountd() {
  if (mountd_ == nullptr) return;
  EXPECT_EQ(mountd_->Stop(), 0) << "mountd did not stop cleanly:\n" << mountd_->Log();
  mountd_.reset();
}

void NfsServerTest::StopNfsd() {
  if (nfsd_ == nullptr) return;
  EXPECT_EQ(nfsd_->Stop(), 0) << "nfsd did not stop cleanly:\n" << nfsd_->Log();
  nfsd_.reset();
}

std::string NfsServerTest::WriteExportsFile(const std::string& contents) {
  const std::string path = directory_.path() + "/exports";
  std::ofstream out(path, std::ios::trunc);
  out << contents;
  out.close();
  EXPECT_TRUE(out.good()) << "cannot write " << path;
  return path;
}

std::string NfsServerTest::Url(const std::string& relative_path) const {
  std::string url = "nfs://127.0.0.1" + export_dir_;
  if (!relative_path.empty()) url += "/" + relative_path;
  return url;
}

}  // namespace nfsuite::testing
