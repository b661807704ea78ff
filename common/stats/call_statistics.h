#ifndef NFSUITE_COMMON_STATS_CALL_STATISTICS_H_
#define NFSUITE_COMMON_STATS_CALL_STATISTICS_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/rpc/call_observer.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/socket_address.h"
#include "common/stats/latency_histogram.h"

namespace nfsuite::stats {

// What is counted for one procedure, or for everything one client did.
struct CallCounters {
  uint64_t calls = 0;          // calls addressed to a registered procedure (replays included)
  uint64_t errors = 0;         // replies whose protocol status (NFS, MOUNT) was not OK
  uint64_t garbage_args = 0;   // RPC-level failures, apart from `errors`
  uint64_t auth_errors = 0;    //   bad credentials, or refused by policy
  uint64_t system_errors = 0;  //   SYSTEM_ERR
  uint64_t unrouted = 0;       // calls that reached no procedure (unknown program, version, ...)
  uint64_t bytes_read = 0;     // file data sent (READ)
  uint64_t bytes_written = 0;  // file data received (WRITE)
  LatencyHistogram latency;

  void Record(const rpc::ObservedCall& call);
  void Add(const CallCounters& other);
};

// A client's figures for one procedure: no histogram, to keep a client small.
struct ProcedureTally {
  uint64_t calls = 0;
  uint64_t errors = 0;
  uint64_t rpc_failures = 0;  // GARBAGE_ARGS, AUTH_ERROR, SYSTEM_ERR
  uint64_t latency_ns = 0;

  void Add(const ProcedureTally& other);
};

struct ClientStatistics {
  rpc::SocketAddress address;  // port 0: one client is one host, whatever its ports
  CallCounters total;
  std::vector<ProcedureTally> by_procedure;  // index: CallStatistics::procedures()
  std::chrono::steady_clock::time_point last_seen;
};

struct StatisticsSnapshot {
  std::vector<CallCounters> by_procedure;  // index: CallStatistics::procedures()
  // Every call the dispatcher answered (or dropped), by how the RPC layer answered it.
  std::array<uint64_t, rpc::kRpcOutcomeCount> outcomes{};
  std::vector<ClientStatistics> clients;  // most recently seen first; empty unless asked for
  uint64_t clients_forgotten = 0;         // evicted to admit newer clients
  absl::Duration counted_for;             // since the start or the last reset

  CallCounters Total() const;
};

// Counts every call a Dispatcher answers, per procedure (program, version, procedure: a version
// added to the dispatcher shows up without more work) and per client address.
//
// Cheap on the call path and safe from any number of threads: each thread records into one of
// kShards shards (chosen once per thread), under that shard's own mutex, which another thread
// takes only when more threads than shards serve or when statistics are read. Reading takes each
// shard's mutex in turn, so every call is counted whole in exactly one reading, and a reset
// (zeroing while reading) loses nothing.
//
// Clients are bounded: each shard remembers at most `max_clients` addresses and forgets the
// least recently seen to admit a new one, so memory stays below kShards × max_clients clients
// whatever addresses arrive; a reading reports the `max_clients` most recently seen.
class CallStatistics final : public rpc::CallObserver {
 public:
  static constexpr size_t kShards = 8;
  static constexpr size_t kDefaultMaxClients = 256;

  // One slot per procedure in `procedures`; build it from Dispatcher::Procedures() after the
  // last Register.
  explicit CallStatistics(std::vector<rpc::Dispatcher::RegisteredProcedure> procedures,
                          size_t max_clients = kDefaultMaxClients);
  ~CallStatistics() override;

  void Observe(const rpc::ObservedCall& call) override;

  // The figures since the start or the last reset; with `reset`, zeroes them in the same step.
  StatisticsSnapshot Read(bool reset, bool with_clients);

  const std::vector<rpc::Dispatcher::RegisteredProcedure>& procedures() const {
    return procedures_;
  }
  size_t max_clients() const { return max_clients_; }

 private:
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);
  struct Shard;
  struct VersionSlots {
    uint32_t program;
    uint32_t version;
    size_t first_slot;
    uint32_t procedure_count;  // procedure numbers 0..count-1
  };

  size_t SlotOf(uint32_t program, uint32_t version, uint32_t procedure) const;
  Shard& ShardOfThisThread();

  const std::vector<rpc::Dispatcher::RegisteredProcedure> procedures_;
  // A slot for every number 0..max of each version, so finding a slot is a short scan and an
  // index; numbers with no procedure point nowhere.
  std::vector<VersionSlots> versions_;
  std::vector<size_t> slot_of_number_;
  const size_t max_clients_;
  std::unique_ptr<Shard[]> shards_;

  absl::Mutex read_mu_;  // one reading at a time: a reset must not interleave with another
  absl::Time counting_since_ ABSL_GUARDED_BY(read_mu_);
};

}  // namespace nfsuite::stats

#endif  // NFSUITE_COMMON_STATS_CALL_STATISTICS_H_
