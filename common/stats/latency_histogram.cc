#include "common/stats/latency_histogram.h"

#include <algorithm>
#include <bit>

namespace nfsuite::stats {

size_t LatencyHistogram::BucketOf(int64_t nanoseconds) {
  const uint64_t micros = nanoseconds <= 0 ? 0 : static_cast<uint64_t>(nanoseconds) / 1000;
  return std::min<size_t>(std::bit_width(micros), kBuckets - 1);
}

uint64_t LatencyHistogram::LowerBoundMicros(size_t index) {
  return index == 0 ? 0 : uint64_t{1} << (index - 1);
}

uint64_t LatencyHistogram::UpperBoundMicros(size_t index) {
  return index + 1 >= kBuckets ? 0 : uint64_t{1} << index;
}

void LatencyHistogram::Record(int64_t nanoseconds) {
  ++buckets_[BucketOf(nanoseconds)];
  total_ns_ += nanoseconds > 0 ? static_cast<uint64_t>(nanoseconds) : 0;
}

void LatencyHistogram::Add(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  total_ns_ += other.total_ns_;
}

uint64_t LatencyHistogram::count() const {
  uint64_t total = 0;
  for (uint64_t in_bucket : buckets_) total += in_bucket;
  return total;
}

double LatencyHistogram::MeanMicros() const {
  const uint64_t calls = count();
  return calls == 0 ? 0.0 : static_cast<double>(total_ns_) / 1000.0 / static_cast<double>(calls);
}

double LatencyHistogram::QuantileMicros(double fraction) const {
  const uint64_t calls = count();
  if (calls == 0) return 0.0;
  // The rank of the call sought, 1-based: p50 of 10 calls is the 5th, p99 of 10 the 10th.
  const double rank = std::clamp(fraction, 0.0, 1.0) * static_cast<double>(calls);
  uint64_t below = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    if (buckets_[i] == 0) continue;
    if (static_cast<double>(below + buckets_[i]) >= rank) {
      const double lower = static_cast<double>(LowerBoundMicros(i));
      if (UpperBoundMicros(i) == 0) return lower;
      const double width = static_cast<double>(UpperBoundMicros(i)) - lower;
      const double within = (rank - static_cast<double>(below)) / static_cast<double>(buckets_[i]);
      return lower + width * std::clamp(within, 0.0, 1.0);
    }
    below += buckets_[i];
  }
  return static_cast<double>(LowerBoundMicros(kBuckets - 1));
}

}  // namespace nfsuite::stats
