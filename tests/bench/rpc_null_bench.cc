// rpc_null_bench: NULL-call (procedure 0) round trips per second over TCP against any ONC RPC
// server, with a fixed number of calls kept in flight on each connection.
//
// Each connection has its own thread and a blocking socket: a thread spends its life in recv(), so
// a round of the loop costs two system calls (one recv for every reply that has arrived, one send
// for all the calls that replace them). The calls go out in a single send and the replies are read
// in bulk, so at 16 outstanding calls the client does far less work per call than the server.
//
// Latency is measured from the send() that carried a call to the recv() that delivered its reply.
// Every reply must be an accepted SUCCESS with an empty result and the xid of a call in flight;
// anything else is counted as an error and makes the program exit with status 1.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/record_marking.h"
#include "common/rpc/rpc_message.h"
#include "common/rpc/socket_address.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

namespace nfsuite::bench {
namespace {

constexpr uint32_t kNullProcedure = 0;
// A NULL reply is 24 bytes; anything near this size is not a NULL reply, but it is read whole so
// that it can be reported as a wrong reply rather than as a broken stream.
constexpr size_t kMaxReplyRecordSize = 64 * 1024;
constexpr size_t kReceiveBufferSize = 64 * 1024;
// recv() wakes up at least this often to look at the clock, so the run ends on time even when the
// server has gone silent.
constexpr int kReceiveTimeoutMillis = 50;
// A send the server does not take within this long means the server is stuck.
constexpr int kSendTimeoutMillis = 5000;
// After the last call is sent, replies still missing this long later are counted as lost.
constexpr int64_t kDrainTimeoutNanos = 5'000'000'000;
constexpr int64_t kConnectTimeoutMillis = 5000;

int64_t NowNanos() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

double CpuSecondsUsed() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// A log-linear histogram of nanosecond latencies: exact below 2^kSubBucketBits ns, then every
// power of two split into 2^kSubBucketBits buckets, so any value is known to within 1/128 of
// itself. Fixed size whatever the number of calls, and cheap enough to update on every reply.
class LatencyHistogram {
 public:
  void Record(int64_t nanos) {
    ++counts_[BucketOf(static_cast<uint64_t>(std::max<int64_t>(nanos, 0)))];
    ++total_;
    max_ = std::max(max_, nanos);
  }

  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    max_ = std::max(max_, other.max_);
  }

  uint64_t total() const { return total_; }
  int64_t max() const { return max_; }

  // The value at `fraction` (0.5 for the median) as the middle of its bucket; 0 when empty.
  double Percentile(double fraction) const {
    if (total_ == 0) return 0;
    const auto rank = static_cast<uint64_t>(std::ceil(fraction * static_cast<double>(total_)));
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= std::max<uint64_t>(rank, 1)) {
        return static_cast<double>(LowerBound(i)) + static_cast<double>(Width(i) - 1) / 2;
      }
    }
    return static_cast<double>(max_);
  }

 private:
  static constexpr int kSubBucketBits = 7;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  static constexpr size_t kBuckets = (64 - kSubBucketBits + 1) * kSubBuckets;

  static size_t BucketOf(uint64_t value) {
    if (value < kSubBuckets) return value;
    const int exponent = std::bit_width(value) - 1;  // >= kSubBucketBits
    const int shift = exponent - kSubBucketBits;
    return (exponent - kSubBucketBits + 1) * kSubBuckets + ((value >> shift) - kSubBuckets);
  }
  static uint64_t LowerBound(size_t bucket) {
    if (bucket < kSubBuckets) return bucket;
    const int shift = static_cast<int>(bucket / kSubBuckets) - 1;
    return (kSubBuckets + bucket % kSubBuckets) << shift;
  }
  static uint64_t Width(size_t bucket) {
    return bucket < kSubBuckets ? 1 : uint64_t{1} << (bucket / kSubBuckets - 1);
  }

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  int64_t max_ = 0;
};

struct BenchConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 111;
  uint32_t program = 100000;
  uint32_t version = 2;
  int outstanding = 1;  // per connection
  int connections = 1;
  double seconds = 5;
  uint64_t max_calls = 5'000'000;
};

struct ConnectionOutcome {
  uint64_t completed = 0;
  uint64_t errors = 0;
  int64_t last_reply_nanos = 0;
  LatencyHistogram latencies;
  std::string first_error;  // empty when there was none

  void Fail(uint64_t count, const std::string& why) {
    errors += count;
    if (first_error.empty()) first_error = why;
  }
};

absl::Status ErrnoError(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

absl::StatusOr<int> ConnectTcp(const rpc::SocketAddress& server) {
  const int fd = socket(server.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket");
  // A connect to an address that drops SYNs would otherwise wait minutes.
  const timeval connect_timeout{kConnectTimeoutMillis / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &connect_timeout, sizeof(connect_timeout));
  if (connect(fd, server.sockaddr_ptr(), server.length()) != 0) {
    absl::Status status = ErrnoError(absl::StrCat("connecting to ", server.ToString()));
    close(fd);
    return status;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  const timeval receive_timeout{0, kReceiveTimeoutMillis * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof(receive_timeout));
  const timeval send_timeout{kSendTimeoutMillis / 1000, (kSendTimeoutMillis % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
  return fd;
}

// One NULL call as it goes on the wire (record mark included), encoded once; every call is a copy
// with its own xid patched in.
class NullCallTemplate {
 public:
  NullCallTemplate(uint32_t program, uint32_t version) {
    rpc::CallHeader header;
    header.rpc_version = rpc::kRpcVersion;
    header.program = program;
    header.version = version;
    header.procedure = kNullProcedure;
    header.credential.flavor = static_cast<uint32_t>(rpc::AuthFlavor::kNone);
    header.verifier.flavor = static_cast<uint32_t>(rpc::AuthFlavor::kNone);
    xdr::XdrEncoder encoder;
    rpc::EncodeCallHeader(encoder, header);
    const std::vector<uint8_t> message = encoder.Flatten();
    bytes_.resize(kMarkSize);
    StoreBigEndian(bytes_.data(), rpc::SingleFragmentHeader(message.size()));
    bytes_.insert(bytes_.end(), message.begin(), message.end());
  }

  // The xid is the first word of the message, right after the record mark.
  void AppendCall(uint32_t xid, std::vector<uint8_t>& out) const {
    const size_t start = out.size();
    out.insert(out.end(), bytes_.begin(), bytes_.end());
    StoreBigEndian(out.data() + start + kMarkSize, xid);
  }

  size_t size() const { return bytes_.size(); }

 private:
  static constexpr size_t kMarkSize = 4;

  static void StoreBigEndian(uint8_t* p, uint32_t value) {
    p[0] = static_cast<uint8_t>(value >> 24);
    p[1] = static_cast<uint8_t>(value >> 16);
    p[2] = static_cast<uint8_t>(value >> 8);
    p[3] = static_cast<uint8_t>(value);
  }

  std::vector<uint8_t> bytes_;
};

// Sends all of `bytes` on a blocking socket; false (with `why` set) when the socket fails or the
// server stops reading for kSendTimeoutMillis.
bool SendAll(int fd, const std::vector<uint8_t>& bytes, std::string& why) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t count = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (count > 0) {
      sent += count;
      continue;
    }
    if (count < 0 && errno == EINTR) continue;
    why = count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
              ? absl::StrCat("the server took no call for ", kSendTimeoutMillis, " ms")
              : absl::StrCat("send: ", std::strerror(errno));
    return false;
  }
  return true;
}

// Keeps `config.outstanding` calls in flight on `fd` until `deadline_nanos` or until `call_quota`
// calls were sent, then waits (at most kDrainTimeoutNanos) for the replies still due.
void RunConnection(const BenchConfig& config, int fd, uint32_t first_xid, uint64_t call_quota,
                   int64_t deadline_nanos, ConnectionOutcome& outcome) {
  const NullCallTemplate call(config.program, config.version);
  const auto outstanding = static_cast<size_t>(config.outstanding);
  std::vector<uint8_t> output;
  output.reserve(outstanding * call.size());
  std::vector<uint8_t> input(kReceiveBufferSize);
  absl::flat_hash_map<uint32_t, int64_t> send_time_by_xid;
  send_time_by_xid.reserve(outstanding * 2);
  rpc::RecordAssembler assembler(kMaxReplyRecordSize);

  int64_t received_nanos = 0;  // when the recv() that is being parsed returned
  const rpc::RecordSink check_reply = [&](std::vector<uint8_t> record) {
    xdr::XdrDecoder decoder(record);
    absl::StatusOr<rpc::ReplyHeader> header = rpc::DecodeReplyHeader(decoder);
    if (!header.ok()) {
      outcome.Fail(1, absl::StrCat("undecodable reply: ", header.status().message()));
      return;
    }
    auto sent = send_time_by_xid.find(header->xid);
    if (sent == send_time_by_xid.end()) {
      outcome.Fail(1, absl::StrCat("reply with xid ", header->xid, " matches no call in flight"));
      return;
    }
    const int64_t latency = received_nanos - sent->second;
    send_time_by_xid.erase(sent);
    if (!header->Succeeded()) {
      outcome.Fail(1, absl::StrCat("reply ", header->Describe()));
      return;
    }
    if (absl::Status finished = decoder.Finish(); !finished.ok()) {
      outcome.Fail(1, absl::StrCat("NULL reply carries results: ", finished.message()));
      return;
    }
    ++outcome.completed;
    outcome.latencies.Record(latency);
    outcome.last_reply_nanos = received_nanos;
  };

  uint32_t next_xid = first_xid;
  uint64_t issued = 0;
  bool issuing = true;
  int64_t drain_deadline_nanos = 0;
  for (;;) {
    const int64_t now = NowNanos();
    if (issuing && (now >= deadline_nanos || issued >= call_quota)) {
      issuing = false;
      drain_deadline_nanos = now + kDrainTimeoutNanos;
    }
    if (issuing) {
      // Every reply that came in frees a slot; all the replacements go out in one send.
      const uint64_t wanted =
          std::min<uint64_t>(outstanding - send_time_by_xid.size(), call_quota - issued);
      output.clear();
      for (uint64_t i = 0; i < wanted; ++i) {
        const uint32_t xid = next_xid++;
        call.AppendCall(xid, output);
        send_time_by_xid[xid] = now;
      }
      issued += wanted;
      std::string why;
      if (!output.empty() && !SendAll(fd, output, why)) {
        outcome.Fail(send_time_by_xid.size(), why);
        return;
      }
    }
    if (send_time_by_xid.empty()) {
      if (!issuing) return;
      continue;
    }
    if (!issuing && now >= drain_deadline_nanos) {
      outcome.Fail(send_time_by_xid.size(),
                   absl::StrCat(send_time_by_xid.size(), " replies missing ",
                                kDrainTimeoutNanos / 1'000'000'000, " s after the last call"));
      return;
    }
    const ssize_t count = recv(fd, input.data(), input.size(), 0);
    if (count > 0) {
      received_nanos = NowNanos();
      absl::Status fed =
          assembler.Feed(absl::Span<const uint8_t>(input.data(), count), check_reply);
      if (!fed.ok()) {
        outcome.Fail(send_time_by_xid.size() + 1, std::string(fed.message()));
        return;
      }
      continue;
    }
    if (count < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    outcome.Fail(send_time_by_xid.size(),
                 count == 0 ? absl::StrCat("the server closed the connection with ",
                                           send_time_by_xid.size(), " calls in flight")
                            : absl::StrCat("recv: ", std::strerror(errno)));
    return;
  }
}

int RunBench(const BenchConfig& config) {
  absl::StatusOr<rpc::SocketAddress> server = rpc::SocketAddress::Parse(config.host, config.port);
  if (!server.ok()) {
    std::fprintf(stderr, "rpc_null_bench: --host: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  std::vector<int> sockets;
  for (int i = 0; i < config.connections; ++i) {
    absl::StatusOr<int> fd = ConnectTcp(*server);
    if (!fd.ok()) {
      std::fprintf(stderr, "rpc_null_bench: %s\n", std::string(fd.status().message()).c_str());
      for (int open_fd : sockets) close(open_fd);
      return 1;
    }
    sockets.push_back(*fd);
  }

  std::printf(
      "rpc_null_bench: %s program %u version %u, %d connection(s) x %d outstanding, "
      "%.1f s or %llu calls\n",
      server->ToString().c_str(), config.program, config.version, config.connections,
      config.outstanding, config.seconds, static_cast<unsigned long long>(config.max_calls));

  std::vector<ConnectionOutcome> outcomes(config.connections);
  std::vector<std::thread> threads;
  const double cpu_before = CpuSecondsUsed();
  const int64_t start_nanos = NowNanos();
  const auto deadline_nanos = start_nanos + static_cast<int64_t>(config.seconds * 1e9);
  // Connections start 2^24 xids apart, so a reply that came back on the wrong connection would
  // match no call there (for the first 16 million calls of each).
  const auto xid_base = static_cast<uint32_t>(start_nanos);
  for (int i = 0; i < config.connections; ++i) {
    const uint64_t quota = config.max_calls / config.connections +
                           (static_cast<uint64_t>(i) < config.max_calls % config.connections);
    const uint32_t first_xid = xid_base + static_cast<uint32_t>(i) * 0x01000000u;
    threads.emplace_back(RunConnection, std::cref(config), sockets[i], first_xid, quota,
                         deadline_nanos, std::ref(outcomes[i]));
  }
  for (std::thread& thread : threads) thread.join();
  const int64_t finish_nanos = NowNanos();
  const double cpu_seconds = CpuSecondsUsed() - cpu_before;
  for (int fd : sockets) close(fd);

  LatencyHistogram latencies;
  uint64_t completed = 0;
  uint64_t errors = 0;
  int64_t last_reply_nanos = start_nanos;
  for (const ConnectionOutcome& outcome : outcomes) {
    latencies.Merge(outcome.latencies);
    completed += outcome.completed;
    errors += outcome.errors;
    last_reply_nanos = std::max(last_reply_nanos, outcome.last_reply_nanos);
    if (!outcome.first_error.empty()) {
      std::fprintf(stderr, "rpc_null_bench: error: %s\n", outcome.first_error.c_str());
    }
  }
  // The run lasts until the last reply; the wait for missing replies is not part of it.
  const double elapsed = static_cast<double>(last_reply_nanos - start_nanos) / 1e9;
  const double calls_per_second = elapsed > 0 ? static_cast<double>(completed) / elapsed : 0;
  const double p50_us = latencies.Percentile(0.50) / 1000;
  const double p99_us = latencies.Percentile(0.99) / 1000;
  const double max_us = static_cast<double>(latencies.max()) / 1000;
  const double wall = static_cast<double>(finish_nanos - start_nanos) / 1e9;
  const double client_cpu_percent = wall > 0 ? 100 * cpu_seconds / wall : 0;

  std::printf("calls: %llu in %.3f s, errors: %llu\n", static_cast<unsigned long long>(completed),
              elapsed, static_cast<unsigned long long>(errors));
  std::printf("calls/s: %.0f\n", calls_per_second);
  std::printf("latency: p50 %.1f us, p99 %.1f us, max %.1f us\n", p50_us, p99_us, max_us);
  // Tells whether the client could have been the bottleneck: 100% means one core fully busy.
  std::printf("client CPU: %.0f%% of one core\n", client_cpu_percent);
  std::printf(
      "RESULT calls_per_second=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f calls=%llu "
      "errors=%llu seconds=%.3f client_cpu_percent=%.0f\n",
      calls_per_second, p50_us, p99_us, max_us, static_cast<unsigned long long>(completed),
      static_cast<unsigned long long>(errors), elapsed, client_cpu_percent);
  std::fflush(stdout);
  if (errors > 0 || completed == 0) {
    std::fprintf(stderr, "rpc_null_bench: FAILED: %llu error(s), %llu call(s) completed\n",
                 static_cast<unsigned long long>(errors),
                 static_cast<unsigned long long>(completed));
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace nfsuite::bench

int main(int argc, char** argv) {
  nfsuite::bench::BenchConfig config;
  CLI::App app{
      "rpc_null_bench - NULL-call round trips per second over TCP against an ONC RPC server"};
  app.add_option("--host", config.host, "numeric IPv4 or IPv6 address of the server")
      ->capture_default_str();
  app.add_option("--port", config.port, "TCP port of the server")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  app.add_option("--program", config.program, "RPC program number")->capture_default_str();
  app.add_option("--version", config.version, "RPC program version")->capture_default_str();
  app.add_option("--outstanding", config.outstanding, "calls kept in flight on each connection")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--connections", config.connections, "TCP connections, one thread each")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--seconds", config.seconds, "stop sending calls after this long")
      ->check(CLI::Range(0.1, 60.0))
      ->capture_default_str();
  app.add_option("--max-calls", config.max_calls, "stop after sending this many calls")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return nfsuite::bench::RunBench(config);
}
