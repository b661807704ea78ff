// What counting costs per call: the same NULL calls through a Dispatcher without an observer and
// with CallStatistics attached (clock reads, shard lock, procedure and client counters), from 1
// and from several threads at once. Prints ns per call for each and the difference.
//
//   call_statistics_bench [--calls 2000000] [--threads 4]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/rpc/call_context.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/procedure.h"
#include "common/rpc/rpc_message.h"
#include "common/stats/call_statistics.h"
#include "common/xdr/xdr_encoder.h"

namespace nfsuite {
namespace {

constexpr uint32_t kProgram = 0x20000003;

rpc::ProgramVersion NullProgram() {
  rpc::ProgramVersion table{kProgram, 1, "bench", {}};
  table.procedures.resize(1);
  table.procedures[0] = rpc::MakeProcedure(
      "NULL", &rpc::DecodeVoid,
      [](const rpc::CallContext&, const rpc::Void&) { return rpc::Void{}; }, &rpc::EncodeVoid);
  return table;
}

std::vector<uint8_t> NullCall() {
  rpc::CallHeader header;
  header.xid = 1;
  header.rpc_version = 2;
  header.program = kProgram;
  header.version = 1;
  header.procedure = 0;
  xdr::XdrEncoder encoder;
  rpc::EncodeCallHeader(encoder, header);
  return encoder.Flatten();
}

// ns per call with `threads` threads each making `calls` calls (wall time × threads / calls).
double NanosPerCall(const rpc::Dispatcher& dispatcher, uint64_t calls, int threads) {
  const std::vector<uint8_t> record = NullCall();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&dispatcher, &record, calls, t] {
      rpc::CallOrigin origin;
      origin.peer = rpc::SocketAddress::Loopback4(static_cast<uint16_t>(700 + t));
      for (uint64_t i = 0; i < calls; ++i) (void)dispatcher.Dispatch(record, origin);
    });
  }
  for (std::thread& worker : workers) worker.join();
  const double elapsed =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  return elapsed * threads / static_cast<double>(calls * threads);
}

}  // namespace
}  // namespace nfsuite

int main(int argc, char** argv) {
  uint64_t calls = 2'000'000;
  int threads = 4;
  CLI::App app{"cost of call statistics per call"};
  app.add_option("--calls", calls, "calls per thread")->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "threads for the concurrent run")->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  using nfsuite::rpc::Dispatcher;
  Dispatcher plain;
  plain.Register(nfsuite::NullProgram());
  Dispatcher counted;
  counted.Register(nfsuite::NullProgram());
  nfsuite::stats::CallStatistics statistics(counted.Procedures());
  counted.set_observer(&statistics);

  for (int run_threads : {1, threads}) {
    // Alternate the two, best of 3 each, so a busy machine hurts both alike.
    double without = 1e18, with = 1e18;
    for (int round = 0; round < 3; ++round) {
      without = std::min(without, nfsuite::NanosPerCall(plain, calls, run_threads));
      with = std::min(with, nfsuite::NanosPerCall(counted, calls, run_threads));
    }
    std::printf("%d thread(s): %.1f ns/call without statistics, %.1f with: +%.1f ns per call\n",
                run_threads, without, with, with - without);
  }
  const auto snapshot = statistics.Read(false, true);
  std::printf("counted %llu calls from %zu clients\n",
              static_cast<unsigned long long>(snapshot.Total().calls), snapshot.clients.size());
  return 0;
}
