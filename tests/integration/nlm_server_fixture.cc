#include "tests/integration/nlm_server_fixture.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rpc/portmap_protocol.h"

namespace nfsuite::testing {
namespace {

const absl::Duration kConnectTimeout = absl::Seconds(10);

// A port free for TCP and UDP on every address: nfsd's listeners on 127.0.0.1 and on the link
// share it, and keep it across restarts (as 2049 would be).
uint16_t FreePort() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    socklen_t length = sizeof(address);
    uint16_t port = 0;
    if (bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        getsockname(tcp, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
        bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
      port = ntohs(address.sin_port);
    }
    close(tcp);
    close(udp);
    if (port != 0) return port;
  }
  return 0;
}

}  // namespace

void LockServerTest::SetUp() {
  if (const std::string why = ClientHost::WhyUnavailable(); !why.empty()) GTEST_SKIP() << why;
  if (const std::string why = WhyPort111Unusable(); !why.empty()) GTEST_SKIP() << why;
  // The link first: nfsd binds its end of it.
  absl::StatusOr<std::unique_ptr<ClientHost>> host = ClientHost::Create();
  ASSERT_TRUE(host.ok()) << host.status();
  host_ = *std::move(host);
  NfsServerTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  ASSERT_EQ(chmod(export_dir().c_str(), 0777), 0);
  lock_port_ = FreePort();
  ASSERT_NE(lock_port_, 0) << "no free port for nfsd";
  StopNfsd();  // the fixture's nfsd listens on loopback only
  StartNfsdForClientHost({});
  if (HasFatalFailure()) return;

  absl::StatusOr<std::unique_ptr<FakeLockClient>> fake = FakeLockClient::Start(*host_);
  ASSERT_TRUE(fake.ok()) << fake.status() << "\nclient portmapd:\n" << host_->portmapd().Log();
  fake_ = *std::move(fake);

  absl::StatusOr<mount::MountResult3> mounted = MountFrom(portmap_client_, {}, export_dir());
  ASSERT_TRUE(mounted.ok()) << mounted.status();
  ASSERT_EQ(mounted->status, mount::MountStat3::kOk);
  root_.data.assign(mounted->handle.begin(), mounted->handle.end());
  ConnectNfs();
}

void LockServerTest::ConnectNfs() {
  absl::StatusOr<std::unique_ptr<Nfs3TestClient>> nfs =
      Nfs3TestClient::Connect(portmap_client_, {});
  ASSERT_TRUE(nfs.ok()) << nfs.status();
  nfs_ = *std::move(nfs);
  nfs_->set_credentials(SysCredentials(1000, 1000));
}

void LockServerTest::TearDown() {
  // The client's services go before nfsd, which may still be calling them back.
  fake_.reset();
  NfsServerTest::TearDown();
  host_.reset();
}

void LockServerTest::StartNfsdForClientHost(const std::vector<std::string>& extra) {
  // The wildcard, one listener per transport: a portmapper keeps one address per program,
  // version and transport, so listeners on 127.0.0.1 and on the link address would not both be
  // registered.
  std::vector<std::string> args = {"--port",      absl::StrCat(lock_port_),
                                   "--listen",    "0.0.0.0",
                                   "--state-dir", state_dir(),
                                   "--run-dir",   run_dir(),
                                   "--log-level", "debug"};
  args.insert(args.end(), extra.begin(), extra.end());
  absl::StatusOr<std::unique_ptr<DaemonProcess>> started =
      DaemonProcess::Start(NFSUITE_NFSD_PATH, args, run_dir() + "/nfsd.sock", absl::Seconds(10));
  ASSERT_TRUE(started.ok()) << started.status();
  nfsd_ = *std::move(started);
  // Ready means registered: the lock services must be listed before a client looks for them.
  const absl::Time deadline = absl::Now() + kConnectTimeout;
  absl::StatusOr<uint32_t> port;
  do {
    port = portmap_client_.PmapGetPort(lock::kNlmProgram, lock::kNlmVersion4,
                                       rpc::portmap::kIpProtoTcp);
    if (port.ok() && *port == lock_port_) return;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < deadline);
  FAIL() << "NLM v4 is not registered at port " << lock_port_ << " (portmapper says "
         << (port.ok() ? absl::StrCat(*port) : port.status().ToString()) << ")\n"
         << NfsdLog();
}

void LockServerTest::RestartNfsd(const std::vector<std::string>& extra) {
  StopNfsd();
  StartNfsdForClientHost(extra);
  if (HasFatalFailure() || nfs_ == nullptr) return;
  ConnectNfs();  // the NFS client's connection went with the old nfsd
}

rpc::SocketAddress LockServerTest::ServerOnLink() const {
  return *rpc::SocketAddress::Parse(host_->server_address(), lock_port_);
}

rpc::SocketAddress LockServerTest::ServerOnLoopback() const {
  return rpc::SocketAddress::Loopback4(lock_port_);
}

std::unique_ptr<NlmTestClient> LockServerTest::NlmFromClientHost(uint32_t version,
                                                                 rpc::Transport transport) {
  return NlmFromHost(*host_, version, transport);
}

std::unique_ptr<NlmTestClient> LockServerTest::NlmFromHost(const ClientHost& host, uint32_t version,
                                                           rpc::Transport transport) {
  const rpc::SocketAddress server = *rpc::SocketAddress::Parse(host.server_address(), lock_port_);
  absl::StatusOr<std::unique_ptr<NlmTestClient>> client = absl::InternalError("never connected");
  const absl::Status inside =
      host.RunInside([&] { client = NlmTestClient::Connect(transport, server, version); });
  EXPECT_TRUE(inside.ok()) << inside;
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

std::unique_ptr<NlmTestClient> LockServerTest::NlmFromLoopback(uint32_t version,
                                                               rpc::Transport transport) {
  absl::StatusOr<std::unique_ptr<NlmTestClient>> client =
      NlmTestClient::Connect(transport, ServerOnLoopback(), version);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

std::unique_ptr<NsmTestClient> LockServerTest::NsmFromClientHost(rpc::Transport transport) {
  absl::StatusOr<std::unique_ptr<NsmTestClient>> client = absl::InternalError("never connected");
  const absl::Status inside =
      host_->RunInside([&] { client = NsmTestClient::Connect(transport, ServerOnLink()); });
  EXPECT_TRUE(inside.ok()) << inside;
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

std::unique_ptr<NsmTestClient> LockServerTest::NsmFromLoopback(rpc::Transport transport) {
  absl::StatusOr<std::unique_ptr<NsmTestClient>> client =
      NsmTestClient::Connect(transport, ServerOnLoopback());
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

lock::Netobj LockServerTest::CreateFile(const std::string& name) {
  nfs::CreateRes created = nfs_->Create(root_, name);
  EXPECT_TRUE(created.ok() && created.resok().obj.has_value()) << "CREATE " << name;
  if (!created.ok() || !created.resok().obj.has_value()) return {};
  // Writable by everyone: a local program on the server locks it too.
  EXPECT_EQ(chmod(ServerPath(name).c_str(), 0666), 0);
  const auto& data = created.resok().obj->data;
  return lock::Netobj(data.begin(), data.end());
}

LockServerTest::FileAndClients LockServerTest::FileAndTwoClients(
    const std::string& name, uint32_t client_host_version, uint32_t loopback_version,
    rpc::Transport client_host_transport, rpc::Transport loopback_transport) {
  FileAndClients made;
  made.fh = CreateFile(name);
  made.on_client_host = NlmFromClientHost(client_host_version, client_host_transport);
  made.on_loopback = NlmFromLoopback(loopback_version, loopback_transport);
  return made;
}

CommandResult LockServerTest::Nfsctl(std::vector<std::string> args) {
  args.insert(args.begin(), {NFSUITE_NFSCTL_PATH, "--run-dir", run_dir()});
  return RunCommand(args, absl::Seconds(40));
}

std::string LockServerTest::NfsdLog() const {
  return nfsd_ != nullptr ? "--- nfsd log:\n" + nfsd_->Log() : "(nfsd not running)";
}

LocalLock::LocalLock(const std::string& path) {
  fd_ = open(path.c_str(), O_RDWR | O_CLOEXEC);
  EXPECT_GE(fd_, 0) << "cannot open " << path;
}

LocalLock::~LocalLock() {
  if (fd_ >= 0) close(fd_);
}

namespace {
struct flock Range(short type, uint64_t offset, uint64_t length) {
  struct flock range {};
  range.l_type = type;
  range.l_whence = SEEK_SET;
  range.l_start = static_cast<off_t>(offset);
  range.l_len = static_cast<off_t>(length);
  return range;
}
}  // namespace

bool LocalLock::TryLock(bool exclusive, uint64_t offset, uint64_t length) {
  struct flock range = Range(exclusive ? F_WRLCK : F_RDLCK, offset, length);
  return fcntl(fd_, F_SETLK, &range) == 0;
}

void LocalLock::Unlock(uint64_t offset, uint64_t length) {
  struct flock range = Range(F_UNLCK, offset, length);
  EXPECT_EQ(fcntl(fd_, F_SETLK, &range), 0);
}

bool LocalLock::Conflicts(bool exclusive, uint64_t offset, uint64_t length) {
  struct flock range = Range(exclusive ? F_WRLCK : F_RDLCK, offset, length);
  EXPECT_EQ(fcntl(fd_, F_GETLK, &range), 0);
  return range.l_type != F_UNLCK;
}

}  // namespace nfsuite::testing
