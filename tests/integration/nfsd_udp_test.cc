// nfsd and mountd over UDP: both registered for both transports, NFSv3 on UDP within the
// datagram limit (FSINFO, READ, READDIR) moving a 64 MiB file intact, a retransmitted REMOVE
// answered from the duplicate request cache, and a flood of malformed datagrams that does not
// stop a TCP client's work.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rpc/portmap_protocol.h"
#include "gtest/gtest.h"
#include "service/mount/mount_protocol.h"
#include "service/nfs/nfs2_types.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs3_xdr.h"
#include "tests/integration/nfs3_test_client.h"
#include "tests/integration/nfs_server_fixture.h"
#include "tests/integration/registered_client.h"

namespace nfsuite::testing {
namespace {

namespace proc = nfs::nfs3_proc;
using nfs::Nfsstat3;
const absl::Duration kTimeout = absl::Seconds(10);
constexpr uint32_t kUdpTransferSize = 32 * 1024;  // nfsd's default

absl::Span<const uint8_t> Bytes(const std::string& text) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

class NfsdUdpTest : public NfsServerTest {
 protected:
  void SetUp() override {
    NfsServerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(chmod(export_dir().c_str(), 0777), 0);
    absl::StatusOr<mount::MountResult3> mounted = MountFrom(portmap_client_, {}, export_dir());
    ASSERT_TRUE(mounted.ok()) << mounted.status();
    ASSERT_EQ(mounted->status, mount::MountStat3::kOk);
    root_.data.assign(mounted->handle.begin(), mounted->handle.end());
    udp_ = Connect(rpc::Transport::kUdp);
    ASSERT_NE(udp_, nullptr);
  }

  std::unique_ptr<rpc::RpcClient> Connect(rpc::Transport transport) {
    absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
        ConnectToRegistered(portmap_client_, nfs::kNfsProgram, nfs::kNfsVersion3, transport);
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) return nullptr;
    (*client)->set_credentials(SysCredentials(1000, 1000));
    return *std::move(client);
  }

  template <typename Res, typename Args>
  static Res Call(rpc::RpcClient& client, uint32_t procedure, const Args& args,
                  void (*encode)(xdr::XdrEncoder&, const Args&),
                  void (*decode)(xdr::XdrDecoder&, Res&)) {
    absl::StatusOr<Res> result = rpc::CallAndDecode<Res>(
        client, nfs::kNfsProgram, nfs::kNfsVersion3, procedure,
        [&](xdr::XdrEncoder& e) { encode(e, args); }, decode, kTimeout);
    EXPECT_TRUE(result.ok()) << "procedure " << procedure << ": " << result.status();
    if (result.ok()) return *std::move(result);
    return Res::Failure(Nfsstat3::kServerFault, {});
  }

  nfs::NfsFh3 CreateFile(rpc::RpcClient& client, const std::string& name) {
    nfs::CreateArgs args;
    args.where = {root_, name};
    args.how.mode = nfs::CreateMode3::kUnchecked;
    args.how.obj_attributes.mode = 0644;
    nfs::CreateRes created =
        Call(client, proc::kCreate, args, &nfs::EncodeCreateArgs, &nfs::DecodeCreateRes);
    EXPECT_TRUE(created.ok() && created.resok().obj.has_value()) << name;
    return created.ok() && created.resok().obj ? *created.resok().obj : nfs::NfsFh3{};
  }

  nfs::NfsFh3 root_;
  std::unique_ptr<rpc::RpcClient> udp_;
};

TEST_F(NfsdUdpTest, EveryProgramIsRegisteredForTcpAndUdp) {
  const std::vector<std::pair<uint32_t, uint32_t>> programs = {
      {nfs::kNfsProgram, nfs::v2::kNfsVersion2},
      {nfs::kNfsProgram, nfs::kNfsVersion3},
      {mount::kProgram, mount::kVersion1},
      {mount::kProgram, mount::kVersion3}};
  for (const auto& [program, version] : programs) {
    for (uint32_t protocol : {rpc::portmap::kIpProtoTcp, rpc::portmap::kIpProtoUdp}) {
      absl::StatusOr<uint32_t> port = portmap_client_.PmapGetPort(program, version, protocol);
      ASSERT_TRUE(port.ok()) << port.status();
      EXPECT_NE(*port, 0u) << program << " v" << version << " protocol " << protocol;
    }
  }
}

// FSINFO answers the caller's transport: the UDP limit on UDP, the full size on TCP.
TEST_F(NfsdUdpTest, FsinfoReadAndReaddirStayWithinADatagram) {
  nfs::FsinfoRes udp_info = Call(*udp_, proc::kFsinfo, nfs::FsinfoArgs{root_},
                                 &nfs::EncodeFsinfoArgs, &nfs::DecodeFsinfoRes);
  ASSERT_TRUE(udp_info.ok());
  EXPECT_EQ(udp_info.resok().rtmax, kUdpTransferSize);
  EXPECT_EQ(udp_info.resok().wtmax, kUdpTransferSize);
  EXPECT_LE(udp_info.resok().dtpref, kUdpTransferSize);
  std::unique_ptr<rpc::RpcClient> tcp = Connect(rpc::Transport::kTcp);
  ASSERT_NE(tcp, nullptr);
  nfs::FsinfoRes tcp_info = Call(*tcp, proc::kFsinfo, nfs::FsinfoArgs{root_},
                                 &nfs::EncodeFsinfoArgs, &nfs::DecodeFsinfoRes);
  ASSERT_TRUE(tcp_info.ok());
  EXPECT_EQ(tcp_info.resok().rtmax, 1024u * 1024u);

  // A READ of 1 MiB over UDP gets what fits, and says it is not the end.
  const nfs::NfsFh3 file = CreateFile(*udp_, "large");
  const std::string contents(256 * 1024, 'r');
  for (uint32_t offset = 0; offset < contents.size(); offset += kUdpTransferSize) {
    nfs::WriteArgs write;
    write.file = file;
    write.offset = offset;
    write.count = kUdpTransferSize;
    write.stable = nfs::StableHow::kFileSync;
    write.data = Bytes(contents).subspan(offset, kUdpTransferSize);
    ASSERT_TRUE(Call(*udp_, proc::kWrite, write, &nfs::EncodeWriteArgs, &nfs::DecodeWriteRes).ok());
  }
  nfs::ReadRes read = Call(*udp_, proc::kRead, nfs::ReadArgs{file, 0, 1024 * 1024},
                           &nfs::EncodeReadArgs, &nfs::DecodeReadRes);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.resok().count, kUdpTransferSize);
  EXPECT_FALSE(read.resok().eof);

  // READDIR and READDIRPLUS asking for 1 MiB answer within a datagram (else no reply at all).
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(close(creat(absl::StrCat(export_dir(), "/name-with-some-length-", i).c_str(), 0644)),
              0);
  }
  nfs::ReaddirArgs readdir;
  readdir.dir = root_;
  readdir.count = 1024 * 1024;
  nfs::ReaddirRes listing =
      Call(*udp_, proc::kReaddir, readdir, &nfs::EncodeReaddirArgs, &nfs::DecodeReaddirRes);
  ASSERT_TRUE(listing.ok());
  EXPECT_FALSE(listing.resok().eof);
  EXPECT_GT(listing.resok().entries.size(), 100u);
  nfs::ReaddirplusArgs plus;
  plus.dir = root_;
  plus.dircount = 1024 * 1024;
  plus.maxcount = 1024 * 1024;
  nfs::ReaddirplusRes plus_listing = Call(*udp_, proc::kReaddirplus, plus,
                                          &nfs::EncodeReaddirplusArgs, &nfs::DecodeReaddirplusRes);
  ASSERT_TRUE(plus_listing.ok());
  EXPECT_FALSE(plus_listing.resok().eof);
}

// 64 MiB written UNSTABLE in wtmax pieces, committed, and read back in rtmax pieces over UDP.
TEST_F(NfsdUdpTest, SixtyFourMegabytesOverUdp) {
  constexpr uint32_t kSize = 64 * 1024 * 1024;
  std::string contents(kSize, '\0');
  std::mt19937_64 random(64);
  for (size_t i = 0; i < contents.size(); i += 8) {
    const uint64_t word = random();
    std::memcpy(&contents[i], &word, 8);
  }
  const nfs::NfsFh3 file = CreateFile(*udp_, "sixty-four");
  for (uint32_t offset = 0; offset < kSize; offset += kUdpTransferSize) {
    nfs::WriteArgs write;
    write.file = file;
    write.offset = offset;
    write.count = kUdpTransferSize;
    write.stable = nfs::StableHow::kUnstable;
    write.data = Bytes(contents).subspan(offset, kUdpTransferSize);
    nfs::WriteRes written =
        Call(*udp_, proc::kWrite, write, &nfs::EncodeWriteArgs, &nfs::DecodeWriteRes);
    ASSERT_TRUE(written.ok()) << "at " << offset;
    ASSERT_EQ(written.resok().count, kUdpTransferSize);
  }
  ASSERT_TRUE(Call(*udp_, proc::kCommit, nfs::CommitArgs{file, 0, 0}, &nfs::EncodeCommitArgs,
                   &nfs::DecodeCommitRes)
                  .ok());
  std::string back;
  back.reserve(kSize);
  for (uint32_t offset = 0; offset < kSize; offset += kUdpTransferSize) {
    nfs::ReadRes read = Call(*udp_, proc::kRead, nfs::ReadArgs{file, offset, kUdpTransferSize},
                             &nfs::EncodeReadArgs, &nfs::DecodeReadRes);
    ASSERT_TRUE(read.ok()) << "at " << offset;
    ASSERT_EQ(read.resok().data.size(), kUdpTransferSize) << "at " << offset;
    back.append(read.resok().data.begin(), read.resok().data.end());
  }
  EXPECT_TRUE(back == contents) << "the file read back differs";
}

TEST_F(NfsdUdpTest, RetransmittedRemoveIsOkTwice) {
  CreateFile(*udp_, "victim");
  const uint32_t xid = udp_->NextXid();
  const std::vector<uint8_t> call =
      CallMessage(xid, nfs::kNfsProgram, nfs::kNfsVersion3, proc::kRemove,
                  SysCredentials(1000, 1000), [&](xdr::XdrEncoder& e) {
                    nfs::EncodeRemoveArgs(e, nfs::RemoveArgs{{root_, "victim"}});
                  });
  for (int copy = 0; copy < 2; ++copy) {
    ASSERT_TRUE(udp_->SendRaw(call).ok());
    absl::StatusOr<rpc::RpcReply> reply = udp_->ReceiveReply(xid, kTimeout);
    ASSERT_TRUE(reply.ok()) << "copy " << copy << ": " << reply.status();
    ASSERT_TRUE(reply->header.Succeeded());
    xdr::XdrDecoder results = reply->Results();
    nfs::RemoveRes removed;
    nfs::DecodeRemoveRes(results, removed);
    EXPECT_EQ(removed.status, Nfsstat3::kOk) << "copy " << copy;
  }
}

// One source sends malformed datagrams as fast as it can (bounded in count and time) while a TCP
// client writes, reads and lists; every TCP call succeeds, and UDP serves again afterwards.
TEST_F(NfsdUdpTest, MalformedUdpFloodDoesNotStopTcpClients) {
  constexpr int kFloodDatagrams = 50000;
  const absl::Duration kFloodTime = absl::Seconds(5);
  std::unique_ptr<rpc::RpcClient> tcp = Connect(rpc::Transport::kTcp);
  ASSERT_NE(tcp, nullptr);
  const nfs::NfsFh3 file = CreateFile(*tcp, "busy");

  std::atomic<bool> flooding{true};
  std::atomic<int> sent{0};
  std::thread flood([&] {
    std::mt19937 random(7);
    const absl::Time deadline = absl::Now() + kFloodTime;
    std::vector<uint8_t> datagram;
    for (int i = 0; i < kFloodDatagrams && absl::Now() < deadline; ++i) {
      // Random bytes; a call header cut short; a well-formed NFSv3 header with garbage args.
      switch (i % 3) {
        case 0:
          datagram.resize(random() % 1400);
          for (uint8_t& byte : datagram) byte = static_cast<uint8_t>(random());
          break;
        case 1:
          datagram = CallMessage(random(), nfs::kNfsProgram, nfs::kNfsVersion3, proc::kGetattr,
                                 SysCredentials(1, 1), nullptr);
          datagram.resize(datagram.size() / 2);
          break;
        default:
          datagram =
              CallMessage(random(), nfs::kNfsProgram, nfs::kNfsVersion3, proc::kWrite,
                          SysCredentials(1, 1), [&](xdr::XdrEncoder& e) { e.Uint32(0xFFFFFFFF); });
          break;
      }
      (void)send(udp_->fd(), datagram.data(), datagram.size(), MSG_DONTWAIT);
      ++sent;
    }
    flooding = false;
  });

  int calls = 0;
  const std::string block(4096, 'b');
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while ((flooding || calls < 50) && absl::Now() < deadline && calls < 100000) {
    nfs::WriteArgs write;
    write.file = file;
    write.offset = (calls % 64) * block.size();
    write.count = block.size();
    write.stable = nfs::StableHow::kUnstable;
    write.data = Bytes(block);
    ASSERT_TRUE(Call(*tcp, proc::kWrite, write, &nfs::EncodeWriteArgs, &nfs::DecodeWriteRes).ok());
    ASSERT_TRUE(Call(*tcp, proc::kGetattr, nfs::GetattrArgs{file}, &nfs::EncodeGetattrArgs,
                     &nfs::DecodeGetattrRes)
                    .ok());
    calls += 2;
  }
  flood.join();
  EXPECT_GT(sent.load(), 1000);
  EXPECT_GE(calls, 50);
  std::printf("flood: %d malformed datagrams sent while %d TCP calls succeeded\n", sent.load(),
              calls);
  // UDP still answers (the flood's own replies are drained by the reply matching).
  std::unique_ptr<rpc::RpcClient> fresh = Connect(rpc::Transport::kUdp);
  ASSERT_NE(fresh, nullptr);
  absl::StatusOr<rpc::RpcReply> null =
      fresh->Call(nfs::kNfsProgram, nfs::kNfsVersion3, proc::kNull, nullptr, kTimeout);
  ASSERT_TRUE(null.ok()) << null.status();
  EXPECT_TRUE(null->header.Succeeded());
  EXPECT_TRUE(nfsd_->Running()) << nfsd_->Log();
}

}  // namespace
}  // namespace nfsuite::testing
