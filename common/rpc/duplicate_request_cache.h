#ifndef NFSUITE_COMMON_RPC_DUPLICATE_REQUEST_CACHE_H_
#define NFSUITE_COMMON_RPC_DUPLICATE_REQUEST_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "common/rpc/socket_address.h"
#include "common/xdr/xdr_encoder.h"

namespace nfsuite::rpc {

// Remembers the replies of non-idempotent calls so that a retransmission (same xid, same client
// address and port, same call bytes) gets the first reply instead of running again: a
// retransmitted REMOVE must not answer NOENT.
//
// Bounded in entries and in reply size: a reply larger than a slot is not cached at all (never
// truncated into it), and the oldest entries are evicted first.
class DuplicateRequestCache {
 public:
  struct Options {
    size_t max_entries = 4096;
    size_t max_reply_size = 4096;
  };
  struct Key {
    uint32_t xid = 0;
    SocketAddress peer;
    Transport transport = Transport::kTcp;
    uint32_t program = 0;
    uint32_t version = 0;
    uint32_t procedure = 0;
    uint64_t checksum = 0;  // of the call's argument bytes: a reused xid with other args misses

    bool operator==(const Key& other) const;
    template <typename H>
    friend H AbslHashValue(H state, const Key& key) {
      return H::combine(std::move(state), key.xid, key.peer, key.transport, key.program,
                        key.version, key.procedure, key.checksum);
    }
  };
  enum class Lookup { kNew, kInProgress, kReplay };

  explicit DuplicateRequestCache(Options options) : options_(options) {}

  static uint64_t Checksum(absl::Span<const uint8_t> arguments);

  // kNew: the call is now marked in progress and must be ended with Complete or Abandon.
  // kInProgress: the first copy is still running; drop this one. kReplay: `*reply` is the reply.
  Lookup Begin(const Key& key, std::shared_ptr<const std::vector<uint8_t>>* reply);
  void Complete(const Key& key, const xdr::XdrEncoder& reply);
  void Abandon(const Key& key);

  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<const std::vector<uint8_t>> reply;  // null while in progress
    std::list<Key>::iterator age;
  };
  void EvictIfFull() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<Key, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::list<Key> oldest_first_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_DUPLICATE_REQUEST_CACHE_H_
