#include "common/control/statistics_report.h"

#include <chrono>

#include "absl/time/time.h"

namespace nfsuite::control {
namespace {

using rpc::RpcOutcome;

uint64_t OutcomeCount(const stats::StatisticsSnapshot& snapshot, RpcOutcome outcome) {
  return snapshot.outcomes[static_cast<size_t>(outcome)];
}

void DescribeName(const rpc::Dispatcher::RegisteredProcedure& name, v1::ProcedureStatistics& out) {
  out.set_program(name.program);
  out.set_version(name.version);
  out.set_procedure(name.procedure);
  out.set_program_name(name.program_name);
  out.set_procedure_name(name.procedure_name);
}

void DescribeClient(const stats::CallStatistics& statistics, const stats::ClientStatistics& client,
                    std::chrono::steady_clock::time_point now, v1::ClientStatistics& out) {
  out.set_address(client.address.HostString());
  out.set_calls(client.total.calls);
  out.set_errors(client.total.errors);
  out.set_garbage_args(client.total.garbage_args);
  out.set_auth_errors(client.total.auth_errors);
  out.set_system_errors(client.total.system_errors);
  out.set_unrouted(client.total.unrouted);
  out.set_bytes_read(client.total.bytes_read);
  out.set_bytes_written(client.total.bytes_written);
  DescribeLatency(client.total.latency, *out.mutable_latency());
  out.set_seconds_since_last_call(std::chrono::duration<double>(now - client.last_seen).count());
  for (size_t slot = 0; slot < client.by_procedure.size(); ++slot) {
    const stats::ProcedureTally& tally = client.by_procedure[slot];
    if (tally.calls == 0) continue;
    v1::ProcedureStatistics* procedure = out.add_procedures();
    DescribeName(statistics.procedures()[slot], *procedure);
    procedure->set_calls(tally.calls);
    procedure->set_errors(tally.errors);
    procedure->set_garbage_args(tally.rpc_failures);
    procedure->mutable_latency()->set_total_ns(tally.latency_ns);
    procedure->mutable_latency()->set_mean_us(static_cast<double>(tally.latency_ns) / 1000.0 /
                                              static_cast<double>(tally.calls));
  }
}

}  // namespace

void DescribeLatency(const stats::LatencyHistogram& histogram, v1::Latency& out) {
  out.set_mean_us(histogram.MeanMicros());
  out.set_p50_us(histogram.QuantileMicros(0.50));
  out.set_p99_us(histogram.QuantileMicros(0.99));
  out.set_total_ns(histogram.total_ns());
  for (size_t i = 0; i < stats::LatencyHistogram::kBuckets; ++i) {
    if (histogram.bucket(i) == 0) continue;
    v1::LatencyBucket* bucket = out.add_buckets();
    bucket->set_lower_us(stats::LatencyHistogram::LowerBoundMicros(i));
    bucket->set_upper_us(stats::LatencyHistogram::UpperBoundMicros(i));
    bucket->set_count(histogram.bucket(i));
  }
}

void DescribeCallStatistics(const stats::CallStatistics& statistics,
                            const stats::StatisticsSnapshot& snapshot, v1::DaemonStatistics& out) {
  out.set_seconds_counted(absl::ToDoubleSeconds(snapshot.counted_for));
  const stats::CallCounters total = snapshot.Total();
  out.set_calls(total.calls);
  out.set_errors(total.errors);
  out.set_garbage_args(total.garbage_args);
  out.set_auth_errors(total.auth_errors);
  out.set_system_errors(total.system_errors);
  out.set_bytes_read(total.bytes_read);
  out.set_bytes_written(total.bytes_written);
  for (size_t slot = 0; slot < snapshot.by_procedure.size(); ++slot) {
    const stats::CallCounters& counters = snapshot.by_procedure[slot];
    if (counters.calls == 0) continue;
    v1::ProcedureStatistics* procedure = out.add_procedures();
    DescribeName(statistics.procedures()[slot], *procedure);
    procedure->set_calls(counters.calls);
    procedure->set_errors(counters.errors);
    procedure->set_garbage_args(counters.garbage_args);
    procedure->set_auth_errors(counters.auth_errors);
    procedure->set_system_errors(counters.system_errors);
    procedure->set_bytes_read(counters.bytes_read);
    procedure->set_bytes_written(counters.bytes_written);
    DescribeLatency(counters.latency, *procedure->mutable_latency());
  }
  v1::RpcStatistics* rpc = out.mutable_rpc();
  rpc->set_prog_unavail(OutcomeCount(snapshot, RpcOutcome::kProgUnavail));
  rpc->set_prog_mismatch(OutcomeCount(snapshot, RpcOutcome::kProgMismatch));
  rpc->set_proc_unavail(OutcomeCount(snapshot, RpcOutcome::kProcUnavail));
  rpc->set_rpc_mismatch(OutcomeCount(snapshot, RpcOutcome::kRpcMismatch));
  rpc->set_unreadable(OutcomeCount(snapshot, RpcOutcome::kUnreadable));
  rpc->set_replayed(OutcomeCount(snapshot, RpcOutcome::kReplayed));
  rpc->set_dropped_duplicates(OutcomeCount(snapshot, RpcOutcome::kDroppedDuplicate));
  const auto now = std::chrono::steady_clock::now();
  for (const stats::ClientStatistics& client : snapshot.clients) {
    DescribeClient(statistics, client, now, *out.add_clients());
  }
  out.set_max_clients(static_cast<uint32_t>(statistics.max_clients()));
  out.set_clients_forgotten(snapshot.clients_forgotten);
}

}  // namespace nfsuite::control
