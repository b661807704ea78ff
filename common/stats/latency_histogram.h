#ifndef NFSUITE_COMMON_STATS_LATENCY_HISTOGRAM_H_
#define NFSUITE_COMMON_STATS_LATENCY_HISTOGRAM_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace nfsuite::stats {

// Call latencies in power-of-two buckets of microseconds: bucket 0 holds calls under 1 µs,
// bucket i (1 ≤ i < kBuckets-1) those in [2^(i-1), 2^i) µs, the last everything from 2^24 µs
// (about 17 s) up. Recording is a bit-width and two additions, so it can sit on every call's
// path; quantiles are estimates within a bucket (a factor of two at worst). Not synchronised:
// the owner guards it.
class LatencyHistogram {
 public:
  static constexpr size_t kBuckets = 26;

  void Record(int64_t nanoseconds);
  void Add(const LatencyHistogram& other);

  uint64_t count() const;
  uint64_t total_ns() const { return total_ns_; }
  uint64_t bucket(size_t index) const { return buckets_[index]; }
  double MeanMicros() const;
  // The latency below which `fraction` (0..1) of the calls fall, interpolated linearly within
  // its bucket; 0 without calls.
  double QuantileMicros(double fraction) const;

  // Bucket bounds in µs: [LowerBoundMicros(i), UpperBoundMicros(i)); the last bucket has no
  // upper bound (UpperBoundMicros returns 0 for it).
  static uint64_t LowerBoundMicros(size_t index);
  static uint64_t UpperBoundMicros(size_t index);
  static size_t BucketOf(int64_t nanoseconds);

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t total_ns_ = 0;
};

}  // namespace nfsuite::stats

#endif  // NFSUITE_COMMON_STATS_LATENCY_HISTOGRAM_H_
