#include "service/nfs/client_rule_cache.h"

#include <algorithm>

namespace nfsuite::nfs {

const exports::ClientRule* ClientRuleCache::RuleFor(uint32_t export_id,
                                                    const exports::ExportEntry& entry,
                                                    const exports::IpAddress& address) {
  // ClientIdentity matches IPv4-mapped addresses as IPv4: one key for both forms.
  const exports::IpAddress client = address.Unmapped();
  Key key{export_id, client.family(), {}};
  std::copy(client.bytes().begin(), client.bytes().end(), key.bytes.begin());
  const absl::Time now = options_.clock();
  {
    absl::ReaderMutexLock lock(&mutex_);
    auto found = answers_.find(key);
    if (found != answers_.end() && found->second.expires > now) {
      const int index = found->second.rule_index;
      return index < 0 ? nullptr : &entry.clients[index];
    }
  }
  // Matched without the lock: a reverse lookup may take seconds, and other clients' requests
  // must not wait for it. Two requests of one new client may both match; they agree.
  exports::ClientIdentity identity(client, options_.reverse_resolver);
  const exports::ClientRule* rule = exports::MatchClient(entry, identity);
  const int index = rule == nullptr ? -1 : static_cast<int>(rule - entry.clients.data());
  absl::MutexLock lock(&mutex_);
  if (answers_.size() >= options_.max_entries) answers_.clear();
  answers_.insert_or_assign(key, Answer{index, now + options_.lifetime});
  return rule;
}

size_t ClientRuleCache::size() const {
  absl::MutexLock lock(&mutex_);
  return answers_.size();
}

}  // namespace nfsuite::nfs
