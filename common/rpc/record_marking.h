#ifndef NFSUITE_COMMON_RPC_RECORD_MARKING_H_
#define NFSUITE_COMMON_RPC_RECORD_MARKING_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"

// Record marking for ONC RPC over byte streams (RFC 5531 section 11): each record is a sequence
// of fragments, each preceded by a 4-byte header whose top bit marks the last fragment and whose
// low 31 bits give the fragment's length.
namespace nfsuite::rpc {

inline constexpr uint32_t kLastFragmentFlag = 0x80000000u;
inline constexpr uint32_t kMaxFragmentLength = 0x7fffffffu;

// The header for a record sent as one fragment.
uint32_t SingleFragmentHeader(size_t record_size);

using RecordSink = std::function<void(std::vector<uint8_t> record)>;

// Reassembles records from a stream fed in arbitrary pieces.
//
// Memory follows the bytes actually received, never a length the peer claims: a fragment header
// announcing 2 GiB allocates nothing, and a record that would exceed the maximum fails as soon as
// its header says so (rpcbind's CVE-2017-8779 was the opposite).
class RecordAssembler {
 public:
  explicit RecordAssembler(size_t max_record_size) : max_record_size_(max_record_size) {}

  // Consumes `bytes`; each completed record goes to `sink`. An error means the stream can no
  // longer be trusted (a record over the maximum) and the connection must be closed.
  absl::Status Feed(absl::Span<const uint8_t> bytes, const RecordSink& sink);

  // When a large fragment body is being received, the space where the next read should land so
  // that the payload is not copied a second time; empty when a small staging read is better.
  absl::Span<uint8_t> DirectReadSpace();
  // Accounts for `count` bytes read into the span DirectReadSpace() returned.
  void CommitDirectRead(size_t count, const RecordSink& sink);

  // True between records: nothing of a record has been received.
  bool AtRecordBoundary() const { return header_filled_ == 0 && !in_fragment_ && record_.empty(); }
  size_t buffered_bytes() const { return record_.size(); }

 private:
  void FinishFragmentIfComplete(const RecordSink& sink);

  const size_t max_record_size_;
  uint8_t header_[4] = {};
  size_t header_filled_ = 0;
  bool in_fragment_ = false;
  bool last_fragment_ = false;
  size_t fragment_remaining_ = 0;
  std::vector<uint8_t> record_;
  size_t direct_reserved_ = 0;  // bytes of record_ handed out by DirectReadSpace
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_RECORD_MARKING_H_
