#include "service/lock/byte_range.h"

#include <algorithm>

namespace nfsuite::lock {

std::optional<ByteRange> RangeFromNlm(uint64_t offset, uint64_t length) {
  if (offset > kMaxLockOffset) return std::nullopt;
  ByteRange range{offset, kToEnd};
  // The last byte must be an off_t too; a longer range means "to the end".
  if (length != 0 && length - 1 <= kMaxLockOffset - offset) range.end = offset + length;
  return range;
}

uint64_t NlmLength(const ByteRange& range) {
  return range.end == kToEnd ? 0 : range.end - range.start;
}

void HeldRanges::Unlock(const ByteRange& range) {
  std::vector<Held> kept;
  kept.reserve(held_.size() + 1);
  for (const Held& held : held_) {
    if (!held.range.Overlaps(range)) {
      kept.push_back(held);
      continue;
    }
    if (held.range.start < range.start) {
      kept.push_back({{held.range.start, range.start}, held.exclusive});
    }
    if (range.end < held.range.end) kept.push_back({{range.end, held.range.end}, held.exclusive});
  }
  held_ = std::move(kept);
}

void HeldRanges::Lock(const ByteRange& range, bool exclusive) {
  Unlock(range);
  Held added{range, exclusive};
  // Neighbours of the same kind that touch the new range become one range, as the kernel's do.
  std::vector<Held> kept;
  kept.reserve(held_.size() + 1);
  for (const Held& held : held_) {
    const bool touches = held.range.end == added.range.start || added.range.end == held.range.start;
    if (touches && held.exclusive == exclusive) {
      added.range.start = std::min(added.range.start, held.range.start);
      added.range.end = std::max(added.range.end, held.range.end);
    } else {
      kept.push_back(held);
    }
  }
  kept.push_back(added);
  std::sort(kept.begin(), kept.end(),
            [](const Held& a, const Held& b) { return a.range.start < b.range.start; });
  held_ = std::move(kept);
}

const HeldRanges::Held* HeldRanges::Conflicting(const ByteRange& range, bool exclusive) const {
  for (const Held& held : held_) {
    if (held.range.Overlaps(range) && (exclusive || held.exclusive)) return &held;
  }
  return nullptr;
}

bool HeldRanges::Holds(const ByteRange& range, bool exclusive) const {
  return std::any_of(held_.begin(), held_.end(), [&](const Held& held) {
    return held.exclusive == exclusive && held.range.Contains(range);
  });
}

}  // namespace nfsuite::lock
