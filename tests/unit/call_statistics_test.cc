// Call statistics: the latency histogram, and CallStatistics fed by a real Dispatcher (the
// procedure's status, RPC-level failures, bytes, clients), under concurrency and reset.
#include "common/stats/call_statistics.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "common/rpc/call_context.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/procedure.h"
#include "common/rpc/rpc_message.h"
#include "common/rpc/socket_address.h"
#include "common/stats/latency_histogram.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "gtest/gtest.h"

namespace nfsuite::stats {
namespace {

using rpc::RpcOutcome;

constexpr uint32_t kProgram = 0x20000002;
constexpr uint32_t kStat = 1;     // answers with the status it is given (0 is OK)
constexpr uint32_t kRead = 2;     // "reads" as many bytes as asked
constexpr uint32_t kRefuse = 3;   // refused by policy
constexpr uint32_t kMissing = 4;  // no such procedure

struct StatResult {
  uint32_t status = 0;
};
void DecodeU32(xdr::XdrDecoder& decoder, uint32_t& value) { value = decoder.Uint32(); }
void EncodeStat(xdr::XdrEncoder& encoder, const StatResult& result) {
  encoder.Uint32(result.status);
}

rpc::ProgramVersion ToyProgram(uint32_t version) {
  rpc::ProgramVersion table{kProgram, version, "toy", {}};
  table.procedures.resize(4);
  table.procedures[0] = rpc::MakeProcedure(
      "NULL", &rpc::DecodeVoid,
      [](const rpc::CallContext&, const rpc::Void&) { return rpc::Void{}; }, &rpc::EncodeVoid);
  table.procedures[kStat] = rpc::MakeProcedure(
      "STAT", &DecodeU32,
      [](const rpc::CallContext&, const uint32_t& status) { return StatResult{status}; },
      &EncodeStat);
  table.procedures[kRead] = rpc::MakeProcedure(
      "READ", &DecodeU32,
      [](const rpc::CallContext& context, const uint32_t& count) {
        if (context.report != nullptr) context.report->bytes_read += count;
        return StatResult{0};
      },
      &EncodeStat);
  table.procedures[kRefuse] = rpc::MakeProcedure(
      "REFUSE", &rpc::DecodeVoid,
      [](const rpc::CallContext&, const rpc::Void&) -> rpc::HandlerResult<rpc::Void> {
        return rpc::Refused{};
      },
      &rpc::EncodeVoid);
  return table;
}

std::vector<uint8_t> Call(uint32_t version, uint32_t procedure, std::vector<uint32_t> args) {
  rpc::CallHeader header;
  header.xid = 7;
  header.rpc_version = 2;
  header.program = kProgram;
  header.version = version;
  header.procedure = procedure;
  xdr::XdrEncoder encoder;
  rpc::EncodeCallHeader(encoder, header);
  for (uint32_t word : args) encoder.Uint32(word);
  return encoder.Flatten();
}

rpc::CallOrigin From(const std::string& host, uint16_t port) {
  rpc::CallOrigin origin;
  origin.peer = *rpc::SocketAddress::Parse(host, port);
  origin.local = rpc::SocketAddress::Loopback4(2049);
  return origin;
}

// A dispatcher serving the toy program (versions 1 and 2) with statistics attached.
class CallStatisticsTest : public ::testing::Test {
 protected:
  explicit CallStatisticsTest(size_t max_clients = CallStatistics::kDefaultMaxClients) {
    dispatcher_.Register(ToyProgram(1));
    dispatcher_.Register(ToyProgram(2));
    statistics_ = std::make_unique<CallStatistics>(dispatcher_.Procedures(), max_clients);
    dispatcher_.set_observer(statistics_.get());
  }

  void Send(uint32_t version, uint32_t procedure, std::vector<uint32_t> args,
            const rpc::CallOrigin& origin = From("127.0.0.1", 900)) {
    const std::vector<uint8_t> record = Call(version, procedure, std::move(args));
    (void)dispatcher_.Dispatch(record, origin);
  }

  // The counters of one procedure in `snapshot`.
  const CallCounters& Of(const StatisticsSnapshot& snapshot, uint32_t version, uint32_t procedure) {
    for (size_t slot = 0; slot < statistics_->procedures().size(); ++slot) {
      const auto& p = statistics_->procedures()[slot];
      if (p.version == version && p.procedure == procedure) return snapshot.by_procedure[slot];
    }
    ADD_FAILURE() << "no slot for version " << version << " procedure " << procedure;
    static const CallCounters kNone;
    return kNone;
  }

  rpc::Dispatcher dispatcher_;
  std::unique_ptr<CallStatistics> statistics_;
};

TEST(LatencyHistogramTest, BucketsArePowersOfTwoMicroseconds) {
  EXPECT_EQ(LatencyHistogram::BucketOf(0), 0u);
  EXPECT_EQ(LatencyHistogram::BucketOf(999), 0u);   // < 1 µs
  EXPECT_EQ(LatencyHistogram::BucketOf(1000), 1u);  // [1, 2) µs
  EXPECT_EQ(LatencyHistogram::BucketOf(3999), 2u);  // [2, 4) µs
  EXPECT_EQ(LatencyHistogram::BucketOf(4000), 3u);  // [4, 8) µs
  EXPECT_EQ(LatencyHistogram::BucketOf(-5), 0u);    // a clock step never underflows
  EXPECT_EQ(LatencyHistogram::BucketOf(int64_t{1} << 62), LatencyHistogram::kBuckets - 1);
  for (size_t i = 1; i + 1 < LatencyHistogram::kBuckets; ++i) {
    EXPECT_EQ(LatencyHistogram::LowerBoundMicros(i + 1), LatencyHistogram::UpperBoundMicros(i));
    EXPECT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::LowerBoundMicros(i) * 1000), i);
  }
  EXPECT_EQ(LatencyHistogram::UpperBoundMicros(LatencyHistogram::kBuckets - 1), 0u);
}

TEST(LatencyHistogramTest, MeanAndQuantiles) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.QuantileMicros(0.5), 0.0);
  for (int i = 0; i < 99; ++i) histogram.Record(1500);  // [1, 2) µs
  histogram.Record(5'000'000);                          // [4096, 8192) µs... 5 ms
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.total_ns(), 99u * 1500 + 5'000'000);
  EXPECT_NEAR(histogram.MeanMicros(), (99 * 1.5 + 5000) / 100, 1e-9);
  EXPECT_GE(histogram.QuantileMicros(0.5), 1.0);
  EXPECT_LE(histogram.QuantileMicros(0.5), 2.0);
  EXPECT_GE(histogram.QuantileMicros(0.999), 4096.0);
  EXPECT_LE(histogram.QuantileMicros(0.999), 8192.0);

  LatencyHistogram other;
  other.Record(1500);
  other.Add(histogram);
  EXPECT_EQ(other.count(), 101u);
  EXPECT_EQ(other.bucket(1), 100u);
}

TEST_F(CallStatisticsTest, CountsCallsErrorsRpcFailuresAndBytesPerProcedureAndVersion) {
  for (int i = 0; i < 7; ++i) Send(2, kStat, {0});
  Send(2, kStat, {2});   // a status other than OK: an error
  Send(2, kStat, {70});  // another
  Send(2, kStat, {});    // arguments missing: GARBAGE_ARGS
  Send(1, kStat, {0});   // the other version has its own slot
  Send(2, kRead, {4096});
  Send(2, kRead, {100});
  Send(2, kRefuse, {});   // AUTH_ERROR by policy
  Send(2, kMissing, {});  // PROC_UNAVAIL: no slot
  Send(3, kStat, {0});    // PROG_MISMATCH: no slot
  const std::vector<uint8_t> garbage = {1, 2, 3};
  (void)dispatcher_.Dispatch(garbage, From("127.0.0.1", 900));  // unreadable

  const StatisticsSnapshot snapshot = statistics_->Read(/*reset=*/false, /*with_clients=*/false);
  const CallCounters& stat2 = Of(snapshot, 2, kStat);
  EXPECT_EQ(stat2.calls, 10u);
  EXPECT_EQ(stat2.errors, 2u);
  EXPECT_EQ(stat2.garbage_args, 1u);
  EXPECT_EQ(stat2.latency.count(), 10u);
  EXPECT_EQ(Of(snapshot, 1, kStat).calls, 1u);
  EXPECT_EQ(Of(snapshot, 1, kStat).errors, 0u);
  EXPECT_EQ(Of(snapshot, 2, kRead).calls, 2u);
  EXPECT_EQ(Of(snapshot, 2, kRead).bytes_read, 4196u);
  EXPECT_EQ(Of(snapshot, 2, kRefuse).auth_errors, 1u);
  EXPECT_EQ(Of(snapshot, 2, kRefuse).errors, 0u);

  EXPECT_EQ(snapshot.outcomes[static_cast<size_t>(RpcOutcome::kProcUnavail)], 1u);
  EXPECT_EQ(snapshot.outcomes[static_cast<size_t>(RpcOutcome::kProgMismatch)], 1u);
  EXPECT_EQ(snapshot.outcomes[static_cast<size_t>(RpcOutcome::kUnreadable)], 1u);
  EXPECT_EQ(snapshot.outcomes[static_cast<size_t>(RpcOutcome::kSuccess)], 12u);

  const CallCounters total = snapshot.Total();
  EXPECT_EQ(total.calls, 14u);
  EXPECT_EQ(total.errors, 2u);
  EXPECT_EQ(total.unrouted, 3u);
  EXPECT_EQ(total.bytes_read, 4196u);
}

TEST_F(CallStatisticsTest, CountsPerClientHostWhateverItsPort) {
  Send(2, kStat, {0}, From("127.0.0.1", 900));
  Send(2, kStat, {5}, From("127.0.0.1", 901));
  Send(2, kRead, {10}, From("127.0.0.2", 900));
  Send(2, kMissing, {}, From("::1", 900));

  const StatisticsSnapshot snapshot = statistics_->Read(false, /*with_clients=*/true);
  ASSERT_EQ(snapshot.clients.size(), 3u);
  // Most recently seen first.
  EXPECT_EQ(snapshot.clients[0].address.HostString(), "::1");
  EXPECT_EQ(snapshot.clients[0].total.calls, 0u);
  EXPECT_EQ(snapshot.clients[0].total.unrouted, 1u);
  EXPECT_EQ(snapshot.clients[1].address.HostString(), "127.0.0.2");
  EXPECT_EQ(snapshot.clients[1].total.bytes_read, 10u);
  const ClientStatistics& first = snapshot.clients[2];
  EXPECT_EQ(first.address.HostString(), "127.0.0.1");
  EXPECT_EQ(first.total.calls, 2u);
  EXPECT_EQ(first.total.errors, 1u);
  size_t stat_slot = 0;
  while (statistics_->procedures()[stat_slot].version != 2 ||
         statistics_->procedures()[stat_slot].procedure != kStat) {
    ++stat_slot;
  }
  EXPECT_EQ(first.by_procedure[stat_slot].calls, 2u);
  EXPECT_EQ(first.by_procedure[stat_slot].errors, 1u);

  EXPECT_TRUE(statistics_->Read(false, /*with_clients=*/false).clients.empty());
}

TEST_F(CallStatisticsTest, ResetZeroesInTheSameStepAsReading) {
  for (int i = 0; i < 3; ++i) Send(2, kStat, {1});
  const StatisticsSnapshot first = statistics_->Read(/*reset=*/true, true);
  EXPECT_EQ(Of(first, 2, kStat).calls, 3u);
  EXPECT_EQ(first.clients.size(), 1u);

  const StatisticsSnapshot after = statistics_->Read(false, true);
  EXPECT_EQ(after.Total().calls, 0u);
  EXPECT_EQ(after.Total().errors, 0u);
  EXPECT_EQ(after.Total().latency.count(), 0u);
  EXPECT_TRUE(after.clients.empty());
  EXPECT_LE(after.counted_for, first.counted_for);

  Send(2, kStat, {0});
  EXPECT_EQ(Of(statistics_->Read(false, false), 2, kStat).calls, 1u);
}

// Many threads call while another reads and resets: every call is counted exactly once across
// the readings, and each call's figures stay together (calls, errors and latency agree).
TEST_F(CallStatisticsTest, ConcurrentCallsAndResetsLoseNothing) {
  constexpr int kThreads = 12;  // more than the shards: some threads share one
  constexpr int kCallsPerThread = 4000;
  std::atomic<int> running{kThreads};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &running] {
      const rpc::CallOrigin origin = From(t % 2 == 0 ? "127.0.0.1" : "127.0.0.2", 900);
      const std::vector<uint8_t> failing = Call(2, kStat, {1});
      for (int i = 0; i < kCallsPerThread; ++i) (void)dispatcher_.Dispatch(failing, origin);
      running.fetch_sub(1);
    });
  }
  uint64_t calls = 0, errors = 0, latencies = 0, client_calls = 0;
  auto account = [&](const StatisticsSnapshot& snapshot) {
    const CallCounters total = snapshot.Total();
    EXPECT_EQ(total.calls, total.errors);
    EXPECT_EQ(total.calls, total.latency.count());
    calls += total.calls;
    errors += total.errors;
    latencies += total.latency.count();
    for (const ClientStatistics& client : snapshot.clients) client_calls += client.total.calls;
  };
  for (int reading = 0; reading < 10000 && running.load() > 0; ++reading) {
    account(statistics_->Read(/*reset=*/true, /*with_clients=*/true));
  }
  for (std::thread& thread : threads) thread.join();
  account(statistics_->Read(true, true));

  constexpr uint64_t kExpected = uint64_t{kThreads} * kCallsPerThread;
  EXPECT_EQ(calls, kExpected);
  EXPECT_EQ(errors, kExpected);
  EXPECT_EQ(latencies, kExpected);
  EXPECT_EQ(client_calls, kExpected);
}

class BoundedClientsTest : public CallStatisticsTest {
 protected:
  BoundedClientsTest() : CallStatisticsTest(/*max_clients=*/2) {}
};

TEST_F(BoundedClientsTest, TheLeastRecentlySeenClientIsForgotten) {
  Send(2, kStat, {0}, From("10.0.0.1", 900));
  Send(2, kStat, {0}, From("10.0.0.2", 900));
  Send(2, kStat, {0}, From("10.0.0.1", 900));  // .1 is now more recent than .2
  Send(2, kStat, {0}, From("10.0.0.3", 900));  // admits .3, forgets .2

  const StatisticsSnapshot snapshot = statistics_->Read(false, true);
  ASSERT_EQ(snapshot.clients.size(), 2u);
  EXPECT_EQ(snapshot.clients[0].address.HostString(), "10.0.0.3");
  EXPECT_EQ(snapshot.clients[1].address.HostString(), "10.0.0.1");
  EXPECT_EQ(snapshot.clients[1].total.calls, 2u);
  EXPECT_EQ(snapshot.clients_forgotten, 1u);
  // The procedure figures keep every call.
  EXPECT_EQ(snapshot.Total().calls, 4u);
}

}  // namespace
}  // namespace nfsuite::stats
