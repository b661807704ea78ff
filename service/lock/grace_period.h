#ifndef NFSUITE_SERVICE_LOCK_GRACE_PERIOD_H_
#define NFSUITE_SERVICE_LOCK_GRACE_PERIOD_H_

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

// The time after a restart during which only clients reclaiming the locks they held before may
// lock: everyone else's requests wait (DENIED_GRACE_PERIOD) so that no new lock takes a range a
// rebooted server's client is about to reclaim.
namespace nfsuite::lock {

class GracePeriod {
 public:
  void Begin(absl::Duration length) { end_nanos_ = absl::ToUnixNanos(absl::Now() + length); }
  bool InGrace() const { return absl::Now() < End(); }
  int64_t SecondsLeft() const {
    const absl::Duration left = End() - absl::Now();
    return left <= absl::ZeroDuration() ? 0
                                        : absl::ToInt64Seconds(absl::Ceil(left, absl::Seconds(1)));
  }

 private:
  absl::Time End() const { return absl::FromUnixNanos(end_nanos_.load()); }
  std::atomic<int64_t> end_nanos_{0};
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_GRACE_PERIOD_H_
