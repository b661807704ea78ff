#ifndef NFSUITE_SERVICE_LOCK_BYTE_RANGE_H_
#define NFSUITE_SERVICE_LOCK_BYTE_RANGE_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

// Byte ranges as the lock manager keeps them: [start, end), where end kToEnd stands for "to the
// end of the file, however far it grows" (NLM's length 0, fcntl's l_len 0).
namespace nfsuite::lock {

inline constexpr uint64_t kToEnd = std::numeric_limits<uint64_t>::max();
// fcntl takes off_t offsets: a lock may not start beyond this.
inline constexpr uint64_t kMaxLockOffset =
    static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

struct ByteRange {
  uint64_t start = 0;
  uint64_t end = kToEnd;

  bool Overlaps(const ByteRange& other) const { return start < other.end && other.start < end; }
  bool Contains(const ByteRange& other) const { return start <= other.start && other.end <= end; }
  bool operator==(const ByteRange& other) const { return start == other.start && end == other.end; }
};

// NLM's (offset, length) as a range; nullopt when the offset is beyond what fcntl can lock (v4's
// FBIG). A range whose end does not fit off_t runs to the end of the file, as Linux's lockd has it.
std::optional<ByteRange> RangeFromNlm(uint64_t offset, uint64_t length);
// Back to NLM's (offset, length).
uint64_t NlmLength(const ByteRange& range);

// One owner's locks on one file, as the kernel keeps them for one open file description: a new
// lock replaces whatever the owner held in its range (merging with neighbours of the same kind),
// an unlock cuts its range out.
class HeldRanges {
 public:
  struct Held {
    ByteRange range;
    bool exclusive = false;
  };

  void Lock(const ByteRange& range, bool exclusive);
  void Unlock(const ByteRange& range);
  // The first held range that conflicts with a lock of `exclusive` kind on `range`.
  const Held* Conflicting(const ByteRange& range, bool exclusive) const;
  // Whether exactly this range is held with this kind (a retransmitted LOCK's answer).
  bool Holds(const ByteRange& range, bool exclusive) const;
  size_t size() const { return held_.size(); }
  bool empty() const { return held_.empty(); }
  const std::vector<Held>& held() const { return held_; }

 private:
  std::vector<Held> held_;  // sorted by start, disjoint
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_BYTE_RANGE_H_
