#include "service/lock/share_reservations.h"

namespace nfsuite::lock {
namespace {

// Mode and access use the same two bits: read 1, write 2.
bool Conflicts(const ShareReservation& a, const ShareReservation& b) {
  const auto bits = [](auto value) { return static_cast<uint32_t>(value); };
  return (bits(a.access) & bits(b.mode)) != 0 || (bits(a.mode) & bits(b.access)) != 0;
}

}  // namespace

NlmStatus ShareReservations::Add(const ShareReservation& share) {
  const std::string key = share.Key();
  for (const auto& [other_key, other] : held_) {
    if (other_key != key && Conflicts(share, other)) return NlmStatus::kDenied;
  }
  held_[key] = share;
  return NlmStatus::kGranted;
}

size_t ShareReservations::RemoveHosts(const std::function<bool(const ClientHost&)>& matches) {
  size_t removed = 0;
  for (auto it = held_.begin(); it != held_.end();) {
    if (matches(it->second.host)) {
      it = held_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

void ShareReservations::ForEachHost(const std::function<void(const ClientHost&)>& visit) const {
  for (const auto& [key, share] : held_) visit(share.host);
}

}  // namespace nfsuite::lock
