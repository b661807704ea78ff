#include "tests/integration/mountd_fixture.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <fstream>

namespace nfsuite::testing {
namespace {

namespace pm = rpc::portmap;
const absl::Duration kTimeout = absl::Seconds(5);

}  // namespace

void MountdTest::SetUp() {
  PortmapdTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  export_dir_ = directory_.path() + "/share";
  mkdir(export_dir_.c_str(), 0755);
  char canonical[PATH_MAX];
  ASSERT_NE(realpath(export_dir_.c_str(), canonical), nullptr);
  export_dir_ = canonical;
  StartMountd();
}

void MountdTest::TearDown() {
  StopMountd();
  PortmapdTest::TearDown();
}

void MountdTest::StartMountd(std::vector<std::string> exports) {
  std::vector<std::string> args =
      exports.empty() ? std::vector<std::string>{"--export", export_dir_} : std::move(exports);
  for (const char* common : {"--port", "0", "--listen", "127.0.0.1", "--registration-check", "1",
                             "--log-level", "debug"}) {
    args.emplace_back(common);
  }
  args.insert(args.end(), {"--state-dir", state_dir(), "--run-dir", run_dir()});
  absl::StatusOr<std::unique_ptr<DaemonProcess>> started = DaemonProcess::Start(
      NFSUITE_MOUNTD_PATH, args, run_dir() + "/mountd.sock", absl::Seconds(10));
  ASSERT_TRUE(started.ok()) << started.status();
  mountd_ = *std::move(started);
}

void MountdTest::StopMountd() {
  if (mountd_ == nullptr) return;
  EXPECT_EQ(mountd_->Stop(), 0) << mountd_->Log();
  mountd_.reset();
}

std::string MountdTest::WriteExportsFile(const std::string& contents) {
  const std::string path = directory_.path() + "/exports";
  std::ofstream(path, std::ios::trunc) << contents;
  return path;
}

std::unique_ptr<rpc::RpcClient> MountdTest::ConnectMountd(rpc::Transport transport,
                                                          uint32_t version) {
  const uint32_t protocol = transport == rpc::Transport::kTcp ? pm::kIpProtoTcp : pm::kIpProtoUdp;
  absl::StatusOr<uint32_t> port = portmap_client_.PmapGetPort(mount::kProgram, version, protocol);
  EXPECT_TRUE(port.ok() && *port != 0) << "mountd is not registered";
  if (!port.ok() || *port == 0) return nullptr;
  auto client = rpc::RpcClient::Connect(
      transport, rpc::SocketAddress::Loopback4(static_cast<uint16_t>(*port)), kTimeout);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

mount::MountResult3 MountdTest::Mnt(rpc::RpcClient& client, const std::string& path) {
  absl::StatusOr<mount::MountResult3> result = rpc::CallAndDecode<mount::MountResult3>(
      client, mount::kProgram, mount::kVersion3, mount::proc::kMnt,
      [&](xdr::XdrEncoder& e) { mount::EncodeDirPath(e, path); }, &mount::DecodeMountResult3,
      kTimeout);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : mount::MountResult3{mount::MountStat3::kServerFault, {}, {}};
}

std::vector<mount::MountEntry> MountdTest::Dump(rpc::RpcClient& client) {
  absl::StatusOr<std::vector<mount::MountEntry>> list =
      rpc::CallAndDecode<std::vector<mount::MountEntry>>(client, mount::kProgram, mount::kVersion3,
                                                         mount::proc::kDump, nullptr,
                                                         &mount::DecodeMountList, kTimeout);
  EXPECT_TRUE(list.ok()) << list.status();
  return list.ok() ? *list : std::vector<mount::MountEntry>{};
}

void MountdTest::Call(rpc::RpcClient& client, uint32_t procedure,
                      const rpc::ArgumentEncoder& arguments) {
  absl::StatusOr<rpc::RpcReply> reply =
      client.Call(mount::kProgram, mount::kVersion3, procedure, arguments, kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_TRUE(reply->header.Succeeded()) << reply->header.Describe();
}

}  // namespace nfsuite::testing
