// The load engine of nfs_load: keeps K operations in flight over C connections from one thread,
// each connection's socket driven by poll(), and times every operation.
//
// K is the number of operations in flight in all (slot i uses connection i mod C), so (K=16, C=1)
// and (K=16, C=4) put the same load on the server and differ only in how it arrives.
#ifndef NFSUITE_TESTS_BENCH_NFS_LOAD_ENGINE_H_
#define NFSUITE_TESTS_BENCH_NFS_LOAD_ENGINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tests/bench/nfs_load_connection.h"

namespace nfsuite::bench {

// One operation in flight, and the state a multi-call operation carries between its calls.
struct Slot {
  class Engine* engine = nullptr;
  Connection* connection = nullptr;
  uint64_t item = 0;       // which file, offset or listing the operation works on
  int step = 0;            // which call of the operation is in flight
  int64_t started_ns = 0;  // when the operation (or, per-call timing, the call) started
  uint64_t units = 0;      // work the operation has done (bytes, entries)
  std::string handle;      // a handle one call of the operation gave the next
  uint64_t cookie = 0;     // READDIRPLUS position
  char cookieverf[8] = {};
};

using RpcCallback = void (*)(rpc_context*, int, void*, void*);

// What happened to one reply.
enum class Outcome {
  kDone,    // the operation is complete
  kAgain,   // the operation needs another call (step + 1)
  kFailed,  // the server answered an error: counted, and the slot goes on with the next item
};

class Workload {
 public:
  explicit Workload(uint64_t items) : items_(items) {}
  virtual ~Workload() = default;

  // The next item for `slot`, or false when every item has been handed out.
  bool Claim(Slot& slot) {
    if (next_ >= items_) return false;
    slot.item = next_++;
    return true;
  }
  // Queues the call for `slot.step` of the operation on `slot.item`; 0 or libnfs's -1.
  virtual int Send(Slot& slot, RpcCallback callback) = 0;
  // Judges a successful RPC's reply; on kFailed, says why in `error`.
  virtual Outcome Receive(Slot& slot, void* reply, std::string& error) = 0;
  // Latency is timed per RPC call (a listing of many calls), not per operation.
  virtual bool TimesEachCall() const { return false; }

 private:
  uint64_t items_;
  uint64_t next_ = 0;
};

struct PhaseResult {
  uint64_t operations = 0;  // completed, successful
  uint64_t units = 0;       // Slot::units summed over them
  uint64_t calls = 0;       // RPCs answered
  uint64_t failures = 0;    // error replies
  double seconds = 0;
  int64_t p50_ns = 0;
  int64_t p99_ns = 0;
  bool cut_short = false;  // stopped by the time bound with items left
  std::string error;       // the first failure, or what stopped the phase
  bool broken = false;     // a connection failed: the figures mean nothing
};

class Engine {
 public:
  Engine(std::vector<Connection*> connections, int outstanding);

  // Runs `workload` until its items are done, handing out no new item after `seconds`; calls in
  // flight then get `grace_seconds` more before the phase is declared broken.
  PhaseResult Run(Workload& workload, double seconds, double grace_seconds = 30);

 private:
  static void OnReply(rpc_context* rpc, int status, void* reply, void* private_data);
  void Handle(Slot& slot, int status, void* reply);
  void StartNext(Slot& slot);
  void Fail(Slot& slot, std::string error);

  std::vector<Connection*> connections_;
  std::vector<Slot> slots_;
  // The phase running, null between phases (late callbacks, such as cancellations when a
  // connection is destroyed, are then ignored).
  Workload* workload_ = nullptr;
  PhaseResult* result_ = nullptr;
  int64_t stop_claiming_ns_ = 0;
  int active_ = 0;
  std::vector<int64_t> latencies_ns_;
};

}  // namespace nfsuite::bench

#endif  // NFSUITE_TESTS_BENCH_NFS_LOAD_ENGINE_H_
