// NLM v4 through libnfs's raw NLM calls, an independent client implementation, on the RPC
// connection of a libnfs NFS mount of 127.0.0.1 (nfsd serves NLM on its NFS port): LOCK, TEST
// and UNLOCK, against locks of a second client made with the suite's own codec. No callbacks.
#include <poll.h>
#include <sys/stat.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/lock/nlm_types.h"
#include "tests/integration/libnfs_client.h"
#include "tests/integration/nfs3_test_client.h"
#include "tests/integration/nfs_server_fixture.h"
#include "tests/integration/nlm_test_client.h"

// libnfs.h defines the EXTERN its raw headers use: the order matters.
// clang-format off
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-nlm.h>
// clang-format on

namespace nfsuite::testing {
namespace {

using lock::NlmStatus;

// One raw NLM v4 call's outcome, as the libnfs callback reports it.
struct LibnfsReply {
  bool done = false;
  bool ok = false;
  std::string error;
  nlmstat4 status = NLM4_FAILED;
  // TEST's holder, when denied.
  uint32_t holder_svid = 0;
  uint64_t holder_offset = 0;
  uint64_t holder_length = 0;
  bool holder_exclusive = false;
};

// Records that the call ended; true when `data` is the procedure's result.
bool Replied(int status, void* data, LibnfsReply& reply) {
  reply.done = true;
  reply.ok = status == RPC_STATUS_SUCCESS;
  if (!reply.ok) reply.error = data != nullptr ? static_cast<const char*>(data) : "cancelled";
  return reply.ok;
}

void OnStatusReply(rpc_context*, int status, void* data, void* private_data) {
  auto* reply = static_cast<LibnfsReply*>(private_data);
  // LOCKres and UNLOCKres have the same shape: cookie, status.
  if (Replied(status, data, *reply)) reply->status = static_cast<NLM4_LOCKres*>(data)->status;
}

void OnTestReply(rpc_context*, int status, void* data, void* private_data) {
  auto* reply = static_cast<LibnfsReply*>(private_data);
  if (!Replied(status, data, *reply)) return;
  const NLM4_TESTres* result = static_cast<NLM4_TESTres*>(data);
  reply->status = result->reply.status;
  if (reply->status == NLM4_DENIED) {
    const nlm4_holder& holder = result->reply.nlm4_testreply_u.lock.holder;
    reply->holder_svid = holder.svid;
    reply->holder_offset = holder.l_offset;
    reply->holder_length = holder.l_len;
    reply->holder_exclusive = holder.exclusive != 0;
  }
}

// Runs libnfs's event loop until the reply came, bounded in time.
void WaitFor(rpc_context* rpc, const LibnfsReply& reply) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (!reply.done && absl::Now() < deadline) {
    pollfd fd{rpc_get_fd(rpc), static_cast<short>(rpc_which_events(rpc)), 0};
    if (poll(&fd, 1, 100) < 0) break;
    if (rpc_service(rpc, fd.revents) < 0) break;
  }
}

class NlmLibnfsTest : public NfsServerTest {
 protected:
  void SetUp() override {
    NfsServerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(chmod(export_dir().c_str(), 0777), 0);
    absl::StatusOr<mount::MountResult3> mounted = MountFrom(portmap_client_, {}, export_dir());
    ASSERT_TRUE(mounted.ok()) << mounted.status();
    nfs::NfsFh3 root;
    root.data.assign(mounted->handle.begin(), mounted->handle.end());
    absl::StatusOr<std::unique_ptr<Nfs3TestClient>> nfs =
        Nfs3TestClient::Connect(portmap_client_, {});
    ASSERT_TRUE(nfs.ok()) << nfs.status();
    (*nfs)->set_credentials(SysCredentials(1000, 1000));
    nfs::CreateRes created = (*nfs)->Create(root, "libnfs-locked");
    ASSERT_TRUE(created.ok() && created.resok().obj.has_value());
    fh_.assign(created.resok().obj->data.begin(), created.resok().obj->data.end());

    std::string error;
    libnfs_ = LibnfsClient::Mount(export_dir(), 1000, 1000, &error);
    ASSERT_NE(libnfs_, nullptr) << error;
    rpc_ = nfs_get_rpc_context(libnfs_->get());
  }

  // An nlm4_lock of the libnfs client's owner over [offset, offset + length).
  nlm4_lock LibnfsLock(uint64_t offset, uint64_t length) {
    nlm4_lock lock{};
    lock.caller_name = const_cast<char*>("libnfs-client");
    lock.fh.data.data_len = fh_.size();
    lock.fh.data.data_val = reinterpret_cast<char*>(fh_.data());
    lock.oh = const_cast<char*>("libnfs-owner");
    lock.svid = 4242;
    lock.l_offset = offset;
    lock.l_len = length;
    return lock;
  }

  LibnfsReply Lock(uint64_t offset, uint64_t length, bool exclusive) {
    NLM4_LOCKargs args{};
    args.cookie.data.data_len = 0;
    args.exclusive = exclusive;
    args.lock = LibnfsLock(offset, length);
    args.state = 1;
    LibnfsReply reply;
    EXPECT_EQ(rpc_nlm4_lock_async(rpc_, &OnStatusReply, &args, &reply), 0);
    WaitFor(rpc_, reply);
    EXPECT_TRUE(reply.done && reply.ok) << reply.error;
    return reply;
  }

  LibnfsReply Test(uint64_t offset, uint64_t length, bool exclusive) {
    NLM4_TESTargs args{};
    args.exclusive = exclusive;
    args.lock = LibnfsLock(offset, length);
    LibnfsReply reply;
    EXPECT_EQ(rpc_nlm4_test_async(rpc_, &OnTestReply, &args, &reply), 0);
    WaitFor(rpc_, reply);
    EXPECT_TRUE(reply.done && reply.ok) << reply.error;
    return reply;
  }

  LibnfsReply Unlock(uint64_t offset, uint64_t length) {
    NLM4_UNLOCKargs args{};
    args.lock = LibnfsLock(offset, length);
    LibnfsReply reply;
    EXPECT_EQ(rpc_nlm4_unlock_async(rpc_, &OnStatusReply, &args, &reply), 0);
    WaitFor(rpc_, reply);
    EXPECT_TRUE(reply.done && reply.ok) << reply.error;
    return reply;
  }

  std::vector<uint8_t> fh_;
  std::unique_ptr<LibnfsClient> libnfs_;
  rpc_context* rpc_ = nullptr;
};

TEST_F(NlmLibnfsTest, LockTestAndUnlockThroughLibnfsRawNlm) {
  absl::StatusOr<uint32_t> port =
      portmap_client_.PmapGetPort(lock::kNlmProgram, lock::kNlmVersion4, 6);
  ASSERT_TRUE(port.ok() && *port != 0) << "NLM v4 is not registered";
  absl::StatusOr<std::unique_ptr<NlmTestClient>> other = NlmTestClient::Connect(
      rpc::Transport::kTcp, rpc::SocketAddress::Loopback4(static_cast<uint16_t>(*port)),
      lock::kNlmVersion4);
  ASSERT_TRUE(other.ok()) << other.status();
  const LockOwner owner{"suite-client", 7, "suite-owner"};

  EXPECT_EQ(Lock(0, 100, true).status, NLM4_GRANTED);
  EXPECT_EQ((*other)->Lock(LockRequest(MakeLock(owner, fh_, 50, 10), true)).status,
            NlmStatus::kDenied);
  const lock::NlmTestResult seen = (*other)->Test(TestRequest(MakeLock(owner, fh_, 0, 0), false));
  ASSERT_EQ(seen.status, NlmStatus::kDenied);
  EXPECT_EQ(seen.holder.svid, 4242);
  EXPECT_EQ(std::string(seen.holder.oh.begin(), seen.holder.oh.end()), "libnfs-owner");

  EXPECT_EQ(Unlock(0, 100).status, NLM4_GRANTED);
  EXPECT_EQ(
      (*other)->Lock(LockRequest(MakeLock(owner, fh_, 5 * (uint64_t{1} << 30), 10), false)).status,
      NlmStatus::kGranted);
  // libnfs's TEST reads the 64-bit holder the suite's client left.
  const LibnfsReply tested = Test(5 * (uint64_t{1} << 30), 1, true);
  ASSERT_EQ(tested.status, NLM4_DENIED);
  EXPECT_EQ(tested.holder_svid, 7u);
  EXPECT_EQ(tested.holder_offset, 5 * (uint64_t{1} << 30));
  EXPECT_EQ(tested.holder_length, 10u);
  EXPECT_FALSE(tested.holder_exclusive);
  // Shared with shared is fine; TEST of a range nobody holds is granted.
  EXPECT_EQ(Lock(5 * (uint64_t{1} << 30), 10, false).status, NLM4_GRANTED);
  EXPECT_EQ(Test(0, 100, true).status, NLM4_GRANTED);
  EXPECT_EQ(Unlock(5 * (uint64_t{1} << 30), 10).status, NLM4_GRANTED);
}

}  // namespace
}  // namespace nfsuite::testing
