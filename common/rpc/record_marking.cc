#include "common/rpc/record_marking.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/util/logging.h"

namespace nfsuite::rpc {
namespace {

// Records that hold this much, in fragments with this much left, are read straight into the
// record buffer.
constexpr size_t kDirectReadThreshold = 16 * 1024;
// The record buffer grows by at most this much per read, so memory tracks received bytes.
constexpr size_t kMaxDirectChunk = 1024 * 1024;

}  // namespace

uint32_t SingleFragmentHeader(size_t record_size) {
  NFSUITE_CHECK(record_size <= kMaxFragmentLength, "record too large for one fragment");
  return kLastFragmentFlag | static_cast<uint32_t>(record_size);
}

void RecordAssembler::FinishFragmentIfComplete(const RecordSink& sink) {
  if (!in_fragment_ || fragment_remaining_ != 0) return;
  in_fragment_ = false;
  if (last_fragment_) {
    std::vector<uint8_t> record;
    record.swap(record_);
    sink(std::move(record));
  }
}

absl::Status RecordAssembler::Feed(absl::Span<const uint8_t> bytes, const RecordSink& sink) {
  NFSUITE_CHECK(direct_reserved_ == 0, "Feed while a direct read is outstanding");
  while (!bytes.empty()) {
    if (!in_fragment_) {
      const size_t take = std::min(bytes.size(), sizeof(header_) - header_filled_);
      std::copy_n(bytes.data(), take, header_ + header_filled_);
      header_filled_ += take;
      bytes.remove_prefix(take);
      if (header_filled_ < sizeof(header_)) break;
      header_filled_ = 0;
      const uint32_t mark = (uint32_t{header_[0]} << 24) | (uint32_t{header_[1]} << 16) |
                            (uint32_t{header_[2]} << 8) | uint32_t{header_[3]};
      last_fragment_ = (mark & kLastFragmentFlag) != 0;
      fragment_remaining_ = mark & kMaxFragmentLength;
      if (fragment_remaining_ > max_record_size_ - record_.size()) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "record would exceed the maximum of ", max_record_size_, " bytes (fragment of ",
            fragment_remaining_, " after ", record_.size(), ")"));
      }
      in_fragment_ = true;
      FinishFragmentIfComplete(sink);  // a zero-length fragment is complete at once
      continue;
    }
    const size_t take = std::min(bytes.size(), fragment_remaining_);
    record_.insert(record_.end(), bytes.begin(), bytes.begin() + take);
    fragment_remaining_ -= take;
    bytes.remove_prefix(take);
    FinishFragmentIfComplete(sink);
  }
  return absl::OkStatus();
}

absl::Span<uint8_t> RecordAssembler::DirectReadSpace() {
  // The buffer grows by at most what the record already holds, so memory stays within twice
  // the bytes received however long the fragment claims to be; small records go via staging.
  if (!in_fragment_ || fragment_remaining_ < kDirectReadThreshold ||
      record_.size() < kDirectReadThreshold) {
    return {};
  }
  const size_t chunk = std::min({fragment_remaining_, record_.size(), kMaxDirectChunk});
  const size_t start = record_.size();
  record_.resize(start + chunk);
  direct_reserved_ = chunk;
  return absl::Span<uint8_t>(record_.data() + start, chunk);
}

void RecordAssembler::CommitDirectRead(size_t count, const RecordSink& sink) {
  NFSUITE_CHECK(count <= direct_reserved_, "committed more than was reserved");
  record_.resize(record_.size() - (direct_reserved_ - count));
  direct_reserved_ = 0;
  fragment_remaining_ -= count;
  FinishFragmentIfComplete(sink);
}

}  // namespace nfsuite::rpc
