// libFuzzer target: record-marking reassembly (common/rpc/record_marking). The first two bytes
// choose the maximum record size and how the stream is cut into reads; the rest is the stream.
// The assembler, fed in those pieces and through its direct-read path as a TCP server uses it,
// must give exactly the records a plain reading of RFC 5531 section 11 gives, and must fail
// exactly where a fragment header would take a record over the maximum.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/types/span.h"
#include "common/rpc/record_marking.h"
#include "tests/fuzz/codec_case.h"

namespace {

using nfsuite::fuzz::Violation;
using Records = std::vector<std::vector<uint8_t>>;

struct Expected {
  Records records;
  bool fails = false;
};

// The specification, read straight: header, fragment, header, fragment...
Expected Reference(absl::Span<const uint8_t> stream, size_t max_record_size) {
  Expected expected;
  std::vector<uint8_t> record;
  size_t at = 0;
  while (stream.size() - at >= 4) {
    const uint32_t mark = (uint32_t{stream[at]} << 24) | (uint32_t{stream[at + 1]} << 16) |
                          (uint32_t{stream[at + 2]} << 8) | stream[at + 3];
    at += 4;
    const size_t length = mark & nfsuite::rpc::kMaxFragmentLength;
    if (record.size() + length > max_record_size) {
      expected.fails = true;
      return expected;
    }
    const size_t available = std::min(length, stream.size() - at);
    record.insert(record.end(), stream.begin() + at, stream.begin() + at + available);
    at += available;
    if (available < length) break;
    if ((mark & nfsuite::rpc::kLastFragmentFlag) != 0) {
      expected.records.push_back(std::move(record));
      record.clear();
    }
  }
  return expected;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static constexpr size_t kMaxSizes[] = {0, 4, 100, 16 * 1024, 40 * 1024, 1 << 20};
  const size_t max_record_size = kMaxSizes[data[0] % 6];
  const uint8_t cut = data[1];
  const absl::Span<const uint8_t> stream(data + 2, size - 2);

  const Expected expected = Reference(stream, max_record_size);
  Records records;
  const nfsuite::rpc::RecordSink sink = [&](std::vector<uint8_t> record) {
    if (record.size() > max_record_size) Violation("a record over the maximum was delivered");
    records.push_back(std::move(record));
  };
  nfsuite::rpc::RecordAssembler assembler(max_record_size);
  bool failed = false;
  size_t at = 0;
  // Reads of 1 to 127 bytes, of 512 bytes to 64 KiB, or everything at once when `cut` is 0.
  const size_t piece = cut == 0 ? stream.size() : cut < 128 ? cut : (cut - 127) * 512;
  const bool use_direct_reads = (cut & 1) != 0;
  while (at < stream.size() && !failed) {
    const absl::Span<uint8_t> direct =
        use_direct_reads ? assembler.DirectReadSpace() : absl::Span<uint8_t>();
    if (!direct.empty()) {
      // A short read, as recv may give: at most `piece` bytes of the space offered.
      const size_t count = std::min({direct.size(), stream.size() - at, piece});
      std::memcpy(direct.data(), stream.data() + at, count);
      assembler.CommitDirectRead(count, sink);
      at += count;
      continue;
    }
    const size_t count = std::min(piece, stream.size() - at);
    failed = !assembler.Feed(stream.subspan(at, count), sink).ok();
    at += count;
  }

  if (failed != expected.fails) Violation("the assembler and the RFC disagree about failing");
  if (records != expected.records) Violation("the assembler and the RFC disagree on records");
  return 0;
}
