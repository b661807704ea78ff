// Bad input against a running portmapd: after each class, the daemon still answers rpcinfo at
// once and its memory has stayed within bounds.
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>
#include <vector>

#include "absl/strings/match.h"
#include "common/rpc/socket_io.h"
#include "gtest/gtest.h"
#include "tests/integration/portmapd_fixture.h"
#include "tests/integration/rpc_test_calls.h"

namespace nfsuite::testing {
namespace {

namespace pm = rpc::portmap;
const absl::Duration kTimeout = absl::Seconds(5);
// Floods come from four client addresses (each under the per-client connection limit), so that
// they test the server's overall bounds while rpcinfo, from 127.0.0.1, checks it still serves.
constexpr const char* kFloodSources[] = {"127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13"};

class PortmapdBadInputTest : public PortmapdTest {
 protected:
  void SetUp() override {
    PortmapdTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    rpc::RaiseOpenFileLimit();
    baseline_kib_ = portmapd_->ResidentKiB();
  }

  // The daemon still serves a real client promptly and did not grow past `max_growth_kib`.
  void ExpectHealthy(int64_t max_growth_kib) {
    ASSERT_TRUE(portmapd_->Running()) << portmapd_->Log();
    const CommandResult listed = Rpcinfo({"-p", "127.0.0.1"});
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_TRUE(absl::StrContains(listed.output, "portmapper")) << listed.output;
    const int64_t growth = portmapd_->ResidentKiB() - baseline_kib_;
    EXPECT_LE(growth, max_growth_kib) << "resident memory grew by " << growth << " KiB";
  }

  // A plain blocking TCP connection to port 111, from `source` (a loopback address) if given.
  static int ConnectRaw(const char* source = nullptr) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (source != nullptr) {
      const rpc::SocketAddress local = *rpc::SocketAddress::Parse(source, 0);
      if (bind(fd, local.sockaddr_ptr(), local.length()) != 0) {
        close(fd);
        return -1;
      }
    }
    const rpc::SocketAddress server = rpc::SocketAddress::Loopback4(111);
    if (connect(fd, server.sockaddr_ptr(), server.length()) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

  static void SendAll(int fd, const std::vector<uint8_t>& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t count = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (count <= 0) return;  // the server may close on us mid-way: that is allowed
      sent += count;
    }
  }

  // True when the server closes the connection within `timeout` (reads until EOF or reset).
  static bool ClosedByServer(int fd, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    char buffer[4096];
    while (absl::Now() < deadline) {
      pollfd entry{fd, POLLIN, 0};
      if (poll(&entry, 1, 100) <= 0) continue;
      const ssize_t count = recv(fd, buffer, sizeof(buffer), 0);
      if (count <= 0) return true;
    }
    return false;
  }

  static std::vector<uint8_t> Framed(const std::vector<uint8_t>& record, bool last = true) {
    std::vector<uint8_t> framed(4);
    rpc::StoreBigEndian32(framed.data(), (last ? 0x80000000u : 0u) | record.size());
    framed.insert(framed.end(), record.begin(), record.end());
    return framed;
  }

  // One transport counter as `nfsctl --json status` reports it.
  std::string TransportCounter(const std::string& name) {
    const CommandResult status =
        RunCommand({NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "--json", "status", "portmapd"},
                   absl::Seconds(20));
    const std::string key = "\"" + name + "\": \"";
    const size_t at = status.output.find(key);
    if (at == std::string::npos) return "missing in: " + status.output;
    const size_t start = at + key.size();
    return status.output.substr(start, status.output.find('"', start) - start);
  }

  int64_t baseline_kib_ = 0;
};

void ExpectReply(rpc::RpcClient& client, const std::vector<uint8_t>& call, uint32_t xid,
                 const std::function<void(const rpc::ReplyHeader&)>& check) {
  ASSERT_TRUE(client.SendRaw(call).ok());
  absl::StatusOr<rpc::RpcReply> reply = client.ReceiveReply(xid, kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  check(reply->header);
}

TEST_F(PortmapdBadInputTest, EveryRpcErrorIsAnsweredAsTheRfcSays) {
  for (rpc::Transport transport : {rpc::Transport::kTcp, rpc::Transport::kUdp}) {
    SCOPED_TRACE(transport == rpc::Transport::kTcp ? "tcp" : "udp");
    auto client = Connect(transport);
    uint32_t xid = client->NextXid();
    ExpectReply(*client, BuildCall(xid, 0x2fffffff, 1, 0), xid, [](const rpc::ReplyHeader& h) {
      EXPECT_EQ(h.accept_stat, rpc::AcceptStat::kProgUnavail) << h.Describe();
    });
    xid = client->NextXid();
    ExpectReply(*client, BuildCall(xid, pm::kProgram, 9, 0), xid, [](const rpc::ReplyHeader& h) {
      EXPECT_EQ(h.accept_stat, rpc::AcceptStat::kProgMismatch) << h.Describe();
      EXPECT_EQ(h.mismatch_low, 2u);
      EXPECT_EQ(h.mismatch_high, 4u);
    });
    xid = client->NextXid();
    ExpectReply(*client, BuildCall(xid, pm::kProgram, 2, 99), xid, [](const rpc::ReplyHeader& h) {
      EXPECT_EQ(h.accept_stat, rpc::AcceptStat::kProcUnavail) << h.Describe();
    });
    xid = client->NextXid();
    ExpectReply(*client, BuildCall(xid, pm::kProgram, 2, pm::pmap_proc::kGetPort, {1, 2, 3, 4}),
                xid, [](const rpc::ReplyHeader& h) {
                  EXPECT_EQ(h.accept_stat, rpc::AcceptStat::kGarbageArgs) << h.Describe();
                });
    xid = client->NextXid();
    ExpectReply(*client, BuildCall(xid, pm::kProgram, 2, 0, {}, /*rpc_version=*/3), xid,
                [](const rpc::ReplyHeader& h) {
                  EXPECT_EQ(h.reply_stat, rpc::ReplyStat::kDenied);
                  EXPECT_EQ(h.reject_stat, rpc::RejectStat::kRpcMismatch) << h.Describe();
                  EXPECT_EQ(h.mismatch_low, 2u);
                  EXPECT_EQ(h.mismatch_high, 2u);
                });
    xid = client->NextXid();
    ExpectReply(*client, BuildCall(xid, pm::kProgram, 2, 0, {}, 2, /*AUTH_DH=*/3), xid,
                [](const rpc::ReplyHeader& h) {
                  EXPECT_EQ(h.reject_stat, rpc::RejectStat::kAuthError) << h.Describe();
                  EXPECT_EQ(h.auth_stat, rpc::AuthStat::kBadCred);
                });
  }
  ExpectHealthy(4 * 1024);
}

TEST_F(PortmapdBadInputTest, RandomBytesOnTcpAndUdp) {
  std::mt19937 random(20261122);
  auto random_bytes = [&](size_t size) {
    std::vector<uint8_t> bytes(size);
    for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(random());
    return bytes;
  };
  for (int i = 0; i < 20; ++i) {  // raw streams: the first word is a random record mark
    const int fd = ConnectRaw();
    ASSERT_GE(fd, 0);
    SendAll(fd, random_bytes(64 * 1024));
    close(fd);
  }
  for (int i = 0; i < 50; ++i) {  // well-framed records of random content
    const int fd = ConnectRaw();
    ASSERT_GE(fd, 0);
    for (int j = 0; j < 10; ++j) SendAll(fd, Framed(random_bytes(1 + random() % 2000)));
    close(fd);
  }
  auto udp = Connect(rpc::Transport::kUdp);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(udp->SendRaw(random_bytes(1 + random() % 1400)).ok());
  ExpectHealthy(8 * 1024);
}

TEST_F(PortmapdBadInputTest, ZeroLengthLastFragmentIsIgnoredAndTheConnectionGoesOn) {
  auto client = Connect(rpc::Transport::kTcp);
  const int fd = client->fd();
  SendAll(fd, {0x80, 0, 0, 0});  // an empty record
  SendAll(fd, {0, 0, 0, 0});     // an empty non-last fragment starting the next record
  const uint32_t xid = client->NextXid();
  ExpectReply(*client, BuildCall(xid, pm::kProgram, 2, 0), xid,
              [](const rpc::ReplyHeader& h) { EXPECT_TRUE(h.Succeeded()) << h.Describe(); });
  ExpectHealthy(4 * 1024);
}

TEST_F(PortmapdBadInputTest, FragmentClaimingTwoGibibytesClosesOnlyThatConnection) {
  auto bystander = Connect(rpc::Transport::kTcp);
  const int fd = ConnectRaw();
  ASSERT_GE(fd, 0);
  SendAll(fd, {0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4});
  EXPECT_TRUE(ClosedByServer(fd, kTimeout));
  close(fd);
  EXPECT_EQ(TransportCounter("closed_oversized"), "1");
  // Another client's connection is untouched.
  EXPECT_TRUE(bystander->Call(pm::kProgram, 2, 0, nullptr, kTimeout).ok());
  ExpectHealthy(4 * 1024);
}

TEST_F(PortmapdBadInputTest, ClaimedRecordLengthsAllocateNothingUntilTheBytesArrive) {
  // 500 connections each announce a 100 KiB record (under the 128 KiB limit) and send 8 bytes.
  // Allocation by claimed length would take 50 MB.
  std::vector<int> fds;
  for (int i = 0; i < 500; ++i) {
    const int fd = ConnectRaw(kFloodSources[i % 4]);
    ASSERT_GE(fd, 0);
    SendAll(fd, {0x80, 0x01, 0x90, 0x00, 0, 0, 0, 1, 0, 0, 0, 0});
    fds.push_back(fd);
  }
  absl::SleepFor(absl::Milliseconds(500));
  ExpectHealthy(16 * 1024);
  for (int fd : fds) close(fd);
}

TEST_F(PortmapdBadInputTest, AThousandIdleConnectionsDoNotLockClientsOut) {
  std::vector<int> fds;
  for (int i = 0; i < 1000; ++i) {
    const int fd = ConnectRaw(kFloodSources[i % 4]);
    ASSERT_GE(fd, 0) << "connection " << i;
    fds.push_back(fd);
  }
  absl::SleepFor(absl::Milliseconds(500));
  ExpectHealthy(32 * 1024);
  for (int fd : fds) close(fd);
}

TEST_F(PortmapdBadInputTest, AtTheConnectionLimitTheLongestIdleConnectionMakesRoom) {
  StopPortmapd();
  StartPortmapd({"--max-connections", "50"});
  baseline_kib_ = portmapd_->ResidentKiB();
  std::vector<int> fds;
  for (int i = 0; i < 100; ++i) {
    const int fd = ConnectRaw();
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
    absl::SleepFor(absl::Milliseconds(2));  // distinct activity times: the oldest go first
  }
  ExpectHealthy(8 * 1024);
  int closed = 0;
  for (int i = 0; i < 50; ++i) closed += ClosedByServer(fds[i], absl::Milliseconds(200)) ? 1 : 0;
  EXPECT_GE(closed, 49) << "the oldest idle connections were not evicted";
  EXPECT_GE(std::stoi(TransportCounter("closed_evicted")), 50);
  EXPECT_FALSE(ClosedByServer(fds.back(), absl::Milliseconds(200)));
  for (int fd : fds) close(fd);
}

TEST_F(PortmapdBadInputTest, IdleConnectionsAreClosedAfterTheTimeout) {
  StopPortmapd();
  StartPortmapd({"--idle-timeout", "1"});
  const int fd = ConnectRaw();
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(ClosedByServer(fd, absl::Seconds(10)));
  close(fd);
  EXPECT_EQ(TransportCounter("closed_idle"), "1");
}

TEST_F(PortmapdBadInputTest, AClientThatNeverReadsItsRepliesCostsBoundedMemory) {
  // Pipelined DUMP calls, replies never read: the server must stop reading this connection (or
  // close it) instead of queueing replies without end, and go on serving everyone else.
  const int fd = ConnectRaw();
  ASSERT_GE(fd, 0);
  const int small = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  std::vector<uint8_t> calls;
  for (uint32_t xid = 1; xid <= 1000; ++xid) {
    xdr::XdrEncoder call;
    rpc::CallHeader header;
    header.xid = xid;
    header.rpc_version = rpc::kRpcVersion;
    header.program = pm::kProgram;
    header.version = pm::kPmapVersion;
    header.procedure = pm::pmap_proc::kDump;
    rpc::EncodeCallHeader(call, header);
    const std::vector<uint8_t> framed = Framed(call.Flatten());
    calls.insert(calls.end(), framed.begin(), framed.end());
  }
  // Send until the server stops taking calls (bounded: 64 MiB of calls, 30 s).
  size_t sent_total = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  absl::Time last_progress = absl::Now();
  while (sent_total < (64u << 20) && absl::Now() < deadline &&
         absl::Now() - last_progress < absl::Seconds(1)) {
    const ssize_t count = send(fd, calls.data(), calls.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (count > 0) {
      sent_total += static_cast<size_t>(count);
      last_progress = absl::Now();
    } else if (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      break;  // closed by the server: also a bound
    } else {
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  EXPECT_LT(sent_total, 64u << 20) << "the server kept reading calls whose replies pile up";
  std::printf("the server took %zu bytes of calls before it stopped reading\n", sent_total);
  ExpectHealthy(48 * 1024);  // the default bound on unsent replies is 8 MiB, plus buffers
  close(fd);
}

TEST_F(PortmapdBadInputTest, ClientsSendingAByteAtATimeHoldNoWorker) {
  // More trickling connections than portmapd has workers (2): records still arriving hold only
  // their bytes, so a real client is served at once meanwhile.
  std::vector<int> fds;
  xdr::XdrEncoder call;
  rpc::CallHeader header;
  header.xid = 7;
  header.rpc_version = rpc::kRpcVersion;
  header.program = pm::kProgram;
  header.version = pm::kPmapVersion;
  header.procedure = pm::pmap_proc::kNull;
  rpc::EncodeCallHeader(call, header);
  const std::vector<uint8_t> record = Framed(call.Flatten());
  for (int i = 0; i < 20; ++i) {
    const int fd = ConnectRaw();
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
  }
  // Every connection gets all but the last byte of its call, one byte per round.
  for (size_t byte = 0; byte + 1 < record.size(); ++byte) {
    for (int fd : fds) ASSERT_EQ(send(fd, &record[byte], 1, MSG_NOSIGNAL), 1);
    if (byte % 8 == 0) ExpectHealthy(8 * 1024);  // rpcinfo answered while they trickle
    absl::SleepFor(absl::Milliseconds(20));
  }
  // The last byte completes each call, and each is answered.
  for (int fd : fds) ASSERT_EQ(send(fd, &record.back(), 1, MSG_NOSIGNAL), 1);
  for (int fd : fds) {
    pollfd entry{fd, POLLIN, 0};
    EXPECT_EQ(poll(&entry, 1, 5000), 1) << "a completed call got no reply";
    close(fd);
  }
}

TEST_F(PortmapdBadInputTest, OneClientCannotTakeEveryConnection) {
  StopPortmapd();
  StartPortmapd({"--max-connections-per-client", "5"});
  std::vector<int> fds;
  for (int i = 0; i < 5; ++i) {
    const int fd = ConnectRaw();
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
  }
  // The sixth from the same address is closed at once; the first five stay.
  const int sixth = ConnectRaw();
  ASSERT_GE(sixth, 0);  // the kernel completes the handshake before portmapd decides
  EXPECT_TRUE(ClosedByServer(sixth, absl::Seconds(5)));
  close(sixth);
  EXPECT_FALSE(ClosedByServer(fds[0], absl::Milliseconds(200)));
  EXPECT_EQ(TransportCounter("connections_refused"), "1");
  // Another client address is served meanwhile.
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> other = rpc::RpcClient::Connect(
      rpc::Transport::kTcp, rpc::SocketAddress::Loopback4(111), kTimeout,
      rpc::RpcClient::LocalEnd{*rpc::SocketAddress::Parse("127.0.0.2", 0), false});
  ASSERT_TRUE(other.ok()) << other.status();
  absl::StatusOr<rpc::RpcReply> reply =
      (*other)->Call(pm::kProgram, pm::kPmapVersion, pm::pmap_proc::kNull, nullptr, kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_TRUE(reply->header.Succeeded());
  // A closed connection gives its place back.
  close(fds[0]);
  fds.erase(fds.begin());
  absl::SleepFor(absl::Milliseconds(100));
  const int again = ConnectRaw();
  ASSERT_GE(again, 0);
  EXPECT_FALSE(ClosedByServer(again, absl::Milliseconds(300)));
  close(again);
  for (int fd : fds) close(fd);
}

}  // namespace
}  // namespace nfsuite::testing
