#include "common/stats/call_statistics.h"

#include <netinet/in.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <utility>

namespace nfsuite::stats {
namespace {

using rpc::RpcOutcome;

// A client's address without its port, as bytes: hashing it costs no formatting. IPv4 is kept
// as its IPv4-mapped IPv6 form, so a client reaching an IPv4 and a dual-stack socket is one.
struct ClientKey {
  std::array<uint8_t, 16> bytes{};

  bool operator==(const ClientKey&) const = default;
  template <typename H>
  friend H AbslHashValue(H state, const ClientKey& key) {
    return H::combine_contiguous(std::move(state), key.bytes.data(), key.bytes.size());
  }
};

ClientKey KeyOf(const rpc::SocketAddress& address) {
  ClientKey key;
  if (address.family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address.sockaddr_ptr());
    key.bytes[10] = 0xff;
    key.bytes[11] = 0xff;
    std::memcpy(&key.bytes[12], &in->sin_addr, 4);
  } else if (address.family() == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address.sockaddr_ptr());
    std::memcpy(key.bytes.data(), &in6->sin6_addr, 16);
  }
  return key;
}

// Which shard this thread records into: threads take shards in turn, once.
size_t ThreadShardIndex() {
  static std::atomic<size_t> next{0};
  thread_local const size_t index = next.fetch_add(1, std::memory_order_relaxed);
  return index;
}

void MergeClient(const ClientStatistics& from, ClientStatistics& into) {
  if (into.by_procedure.empty()) {
    into.address = from.address;
    into.by_procedure.resize(from.by_procedure.size());
  }
  into.total.Add(from.total);
  for (size_t i = 0; i < from.by_procedure.size(); ++i) {
    into.by_procedure[i].Add(from.by_procedure[i]);
  }
  into.last_seen = std::max(into.last_seen, from.last_seen);
}

}  // namespace

void CallCounters::Record(const rpc::ObservedCall& call) {
  switch (call.outcome) {
    case RpcOutcome::kProcUnavail:
    case RpcOutcome::kProgMismatch:
    case RpcOutcome::kProgUnavail:
    case RpcOutcome::kRpcMismatch:
    case RpcOutcome::kUnreadable:
      ++unrouted;
      return;
    case RpcOutcome::kGarbageArgs:
      ++garbage_args;
      break;
    case RpcOutcome::kAuthError:
      ++auth_errors;
      break;
    case RpcOutcome::kSystemError:
      ++system_errors;
      break;
    case RpcOutcome::kSuccess:
    case RpcOutcome::kNoReply:
    case RpcOutcome::kReplayed:
    case RpcOutcome::kDroppedDuplicate:
      break;
  }
  ++calls;
  if (call.report.failed) ++errors;
  bytes_read += call.report.bytes_read;
  bytes_written += call.report.bytes_written;
  latency.Record(call.latency_ns);
}

void CallCounters::Add(const CallCounters& other) {
  calls += other.calls;
  errors += other.errors;
  garbage_args += other.garbage_args;
  auth_errors += other.auth_errors;
  system_errors += other.system_errors;
  unrouted += other.unrouted;
  bytes_read += other.bytes_read;
  bytes_written += other.bytes_written;
  latency.Add(other.latency);
}

void ProcedureTally::Add(const ProcedureTally& other) {
  calls += other.calls;
  errors += other.errors;
  rpc_failures += other.rpc_failures;
  latency_ns += other.latency_ns;
}

CallCounters StatisticsSnapshot::Total() const {
  CallCounters total;
  for (const CallCounters& procedure : by_procedure) total.Add(procedure);
  total.unrouted = outcomes[static_cast<size_t>(RpcOutcome::kProcUnavail)] +
                   outcomes[static_cast<size_t>(RpcOutcome::kProgMismatch)] +
                   outcomes[static_cast<size_t>(RpcOutcome::kProgUnavail)] +
                   outcomes[static_cast<size_t>(RpcOutcome::kRpcMismatch)] +
                   outcomes[static_cast<size_t>(RpcOutcome::kUnreadable)];
  return total;
}

// Aligned to a cache line so that threads recording into neighbouring shards do not share one.
struct alignas(64) CallStatistics::Shard {
  absl::Mutex mu;
  std::vector<CallCounters> by_procedure ABSL_GUARDED_BY(mu);
  std::array<uint64_t, rpc::kRpcOutcomeCount> outcomes ABSL_GUARDED_BY(mu){};
  absl::flat_hash_map<ClientKey, ClientStatistics> clients ABSL_GUARDED_BY(mu);
  uint64_t clients_forgotten ABSL_GUARDED_BY(mu) = 0;
};

CallStatistics::CallStatistics(std::vector<rpc::Dispatcher::RegisteredProcedure> procedures,
                               size_t max_clients)
    : procedures_(std::move(procedures)),
      max_clients_(max_clients),
      shards_(new Shard[kShards]),
      counting_since_(absl::Now()) {
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> counts;  // (program, version) → max number+1
  for (const rpc::Dispatcher::RegisteredProcedure& p : procedures_) {
    uint32_t& count = counts[{p.program, p.version}];
    count = std::max(count, p.procedure + 1);
  }
  for (const auto& [key, count] : counts) {
    versions_.push_back({key.first, key.second, slot_of_number_.size(), count});
    slot_of_number_.resize(slot_of_number_.size() + count, kNoSlot);
  }
  for (size_t slot = 0; slot < procedures_.size(); ++slot) {
    const rpc::Dispatcher::RegisteredProcedure& p = procedures_[slot];
    for (const VersionSlots& version : versions_) {
      if (version.program == p.program && version.version == p.version) {
        slot_of_number_[version.first_slot + p.procedure] = slot;
      }
    }
  }
  for (size_t i = 0; i < kShards; ++i) {
    absl::MutexLock lock(&shards_[i].mu);
    shards_[i].by_procedure.resize(procedures_.size());
  }
}

CallStatistics::~CallStatistics() = default;

size_t CallStatistics::SlotOf(uint32_t program, uint32_t version, uint32_t procedure) const {
  for (const VersionSlots& slots : versions_) {
    if (slots.program != program || slots.version != version) continue;
    return procedure < slots.procedure_count ? slot_of_number_[slots.first_slot + procedure]
                                             : kNoSlot;
  }
  return kNoSlot;
}

CallStatistics::Shard& CallStatistics::ShardOfThisThread() {
  return shards_[ThreadShardIndex() % kShards];
}

void CallStatistics::Observe(const rpc::ObservedCall& call) {
  const size_t slot = SlotOf(call.program, call.version, call.procedure);
  Shard& shard = ShardOfThisThread();
  absl::MutexLock lock(&shard.mu);
  ++shard.outcomes[static_cast<size_t>(call.outcome)];
  if (slot != kNoSlot) shard.by_procedure[slot].Record(call);
  if (call.peer == nullptr || max_clients_ == 0) return;

  const ClientKey key = KeyOf(*call.peer);
  auto client = shard.clients.find(key);
  if (client == shard.clients.end()) {
    if (shard.clients.size() >= max_clients_) {
      // Forgetting is a scan, paid only when a new client arrives to a full shard.
      auto oldest = std::min_element(
          shard.clients.begin(), shard.clients.end(),
          [](const auto& a, const auto& b) { return a.second.last_seen < b.second.last_seen; });
      shard.clients.erase(oldest);
      ++shard.clients_forgotten;
    }
    client = shard.clients.try_emplace(key).first;
    client->second.address = *call.peer;
    client->second.address.set_port(0);
    client->second.by_procedure.resize(procedures_.size());
  }
  ClientStatistics& counters = client->second;
  counters.total.Record(call);
  counters.last_seen = call.finished;
  if (slot != kNoSlot) {
    ProcedureTally& tally = counters.by_procedure[slot];
    ++tally.calls;
    if (call.report.failed) ++tally.errors;
    if (call.outcome == RpcOutcome::kGarbageArgs || call.outcome == RpcOutcome::kAuthError ||
        call.outcome == RpcOutcome::kSystemError) {
      ++tally.rpc_failures;
    }
    tally.latency_ns += call.latency_ns > 0 ? static_cast<uint64_t>(call.latency_ns) : 0;
  }
}

StatisticsSnapshot CallStatistics::Read(bool reset, bool with_clients) {
  absl::MutexLock reading(&read_mu_);
  StatisticsSnapshot snapshot;
  snapshot.by_procedure.resize(procedures_.size());
  absl::flat_hash_map<ClientKey, ClientStatistics> clients;
  for (size_t i = 0; i < kShards; ++i) {
    Shard& shard = shards_[i];
    absl::MutexLock lock(&shard.mu);
    for (size_t slot = 0; slot < procedures_.size(); ++slot) {
      snapshot.by_procedure[slot].Add(shard.by_procedure[slot]);
    }
    for (size_t outcome = 0; outcome < rpc::kRpcOutcomeCount; ++outcome) {
      snapshot.outcomes[outcome] += shard.outcomes[outcome];
    }
    snapshot.clients_forgotten += shard.clients_forgotten;
    if (with_clients) {
      for (const auto& [key, client] : shard.clients) MergeClient(client, clients[key]);
    }
    if (reset) {
      shard.by_procedure.assign(procedures_.size(), CallCounters{});
      shard.outcomes.fill(0);
      shard.clients.clear();
      shard.clients_forgotten = 0;
    }
  }
  const absl::Time now = absl::Now();
  snapshot.counted_for = now - counting_since_;
  if (reset) counting_since_ = now;

  snapshot.clients.reserve(clients.size());
  for (auto& [key, client] : clients) snapshot.clients.push_back(std::move(client));
  std::sort(snapshot.clients.begin(), snapshot.clients.end(),
            [](const ClientStatistics& a, const ClientStatistics& b) {
              return a.last_seen > b.last_seen;
            });
  if (snapshot.clients.size() > max_clients_) snapshot.clients.resize(max_clients_);
  return snapshot;
}

}  // namespace nfsuite::stats
