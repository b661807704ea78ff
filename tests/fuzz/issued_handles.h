#ifndef NFSUITE_TESTS_FUZZ_ISSUED_HANDLES_H_
#define NFSUITE_TESTS_FUZZ_ISSUED_HANDLES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "common/nfs/file_handle.h"

namespace nfsuite::fuzz {

// Lets fuzzed calls use the file handles the server handed out, which the fuzzer could never
// forge (they carry a MAC): without this, only the export root, reachable as the public handle,
// could be read, written or listed.
//
// Replies are scanned for handles (anything the codec accepts, in the v3 form with its length
// word and in the fixed 32-byte v2 form) and the latest few are kept. In a call, the marker
// "FH#" followed by an index byte stands for kept handle number index: as a 4-byte nfs_fh3 (the
// length word 4, then the marker) it becomes a v3 handle, elsewhere the 32 bytes starting with
// it become a v2 handle.
class IssuedHandles {
 public:
  static constexpr std::array<uint8_t, 3> kMarker = {'F', 'H', '#'};

  explicit IssuedHandles(const nfs::FileHandleCodec& codec) : codec_(codec) {}

  void Learn(absl::Span<const uint8_t> reply);
  // `record` with each marker replaced; unchanged when there is no marker or no handle yet.
  std::vector<uint8_t> Substitute(absl::Span<const uint8_t> record) const;

 private:
  static constexpr size_t kKept = 16;

  bool IsHandle(absl::Span<const uint8_t> bytes) const;
  void Keep(std::vector<std::vector<uint8_t>>& kept, size_t& next,
            absl::Span<const uint8_t> handle);

  const nfs::FileHandleCodec& codec_;
  std::vector<std::vector<uint8_t>> v3_;
  std::vector<std::vector<uint8_t>> v2_;
  size_t next_v3_ = 0;
  size_t next_v2_ = 0;
};

}  // namespace nfsuite::fuzz

#endif  // NFSUITE_TESTS_FUZZ_ISSUED_HANDLES_H_
