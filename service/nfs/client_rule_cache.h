#ifndef NFSUITE_SERVICE_NFS_CLIENT_RULE_CACHE_H_
#define NFSUITE_SERVICE_NFS_CLIENT_RULE_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/exports/client_match.h"
#include "common/exports/export_entry.h"
#include "common/exports/host_resolution.h"
#include "common/exports/ip_address.h"

namespace nfsuite::nfs {

// Which client rule of an export applies to a client address. nfsd asks on every request; the
// answer is remembered so that a wildcard rule's reverse lookup (exports(5) "*.example.com")
// costs one lookup per client, not one per request. One cache belongs to one snapshot of the
// export table, so a new table starts empty; within a table an answer is kept for `lifetime`,
// after which names are looked up again. Thread-safe.
class ClientRuleCache {
 public:
  struct Options {
    // Beyond this many (export, address) answers the cache starts afresh: memory stays bounded
    // whatever addresses clients come from.
    size_t max_entries = 16384;
    absl::Duration lifetime = absl::Minutes(15);
    exports::ReverseResolver reverse_resolver = exports::ReverseResolveConfirmed;
    std::function<absl::Time()> clock = [] { return absl::Now(); };
  };

  explicit ClientRuleCache(Options options) : options_(std::move(options)) {}
  ClientRuleCache() : ClientRuleCache(Options{}) {}

  // The rule of `entry` (the export `export_id`) that applies to `address`, or nullptr when the
  // client may not use the export. The entry must outlive the cache (both live in one snapshot),
  // and one export id must always come with the same entry.
  const exports::ClientRule* RuleFor(uint32_t export_id, const exports::ExportEntry& entry,
                                     const exports::IpAddress& address);

  size_t size() const;

 private:
  struct Key {
    uint32_t export_id;
    int family;
    std::array<uint8_t, 16> bytes;

    bool operator==(const Key&) const = default;
    template <typename H>
    friend H AbslHashValue(H state, const Key& key) {
      return H::combine(std::move(state), key.export_id, key.family, key.bytes);
    }
  };
  struct Answer {
    int rule_index;  // into entry.clients; -1: no rule matches
    absl::Time expires;
  };

  const Options options_;
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<Key, Answer> answers_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_CLIENT_RULE_CACHE_H_
