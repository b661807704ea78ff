#include "common/rpc/duplicate_request_cache.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace nfsuite::rpc {

bool DuplicateRequestCache::Key::operator==(const Key& other) const {
  return xid == other.xid && peer == other.peer && transport == other.transport &&
         program == other.program && version == other.version && procedure == other.procedure &&
         checksum == other.checksum;
}

uint64_t DuplicateRequestCache::Checksum(absl::Span<const uint8_t> arguments) {
  return absl::Hash<absl::string_view>{}(
      absl::string_view(reinterpret_cast<const char*>(arguments.data()), arguments.size()));
}

void DuplicateRequestCache::EvictIfFull() {
  while (entries_.size() >= options_.max_entries && !oldest_first_.empty()) {
    // The oldest finished entry goes first: evicting a call still running would let its
    // retransmission run it a second time. In-progress entries are few (bounded by the calls
    // in flight), so the scan is short; when all are in progress the oldest goes anyway.
    auto victim = std::find_if(oldest_first_.begin(), oldest_first_.end(),
                               [&](const Key& key) { return entries_.at(key).reply != nullptr; });
    if (victim == oldest_first_.end()) victim = oldest_first_.begin();
    entries_.erase(*victim);
    oldest_first_.erase(victim);
  }
}

DuplicateRequestCache::Lookup DuplicateRequestCache::Begin(
    const Key& key, std::shared_ptr<const std::vector<uint8_t>>* reply) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second.reply == nullptr) return Lookup::kInProgress;
    *reply = it->second.reply;
    return Lookup::kReplay;
  }
  EvictIfFull();
  oldest_first_.push_back(key);
  entries_.emplace(key, Entry{nullptr, std::prev(oldest_first_.end())});
  return Lookup::kNew;
}

void DuplicateRequestCache::Complete(const Key& key, const xdr::XdrEncoder& reply) {
  if (reply.size() > options_.max_reply_size) {
    Abandon(key);
    return;
  }
  auto flat = std::make_shared<const std::vector<uint8_t>>(reply.Flatten());
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) it->second.reply = std::move(flat);
}

void DuplicateRequestCache::Abandon(const Key& key) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  oldest_first_.erase(it->second.age);
  entries_.erase(it);
}

size_t DuplicateRequestCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace nfsuite::rpc
