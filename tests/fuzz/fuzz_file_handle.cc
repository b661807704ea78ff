// libFuzzer target: the file-handle decoder (common/nfs/file_handle). Two properties, on the
// same input:
// - Decoding any bytes either refuses them or gives contents that encode back to exactly those
//   bytes: there is one handle per object, so a client cannot alias an object.
// - Contents taken from the input encode (in the v3 and the fixed v2 form) to handles that
//   decode back to them, and a handle with a byte changed is refused.
// The key is fixed: the fuzzer cannot forge a MAC, so the second property is what reaches the
// code behind the MAC check.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "absl/types/span.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "tests/fuzz/codec_case.h"

namespace {

namespace nfs = nfsuite::nfs;
using nfsuite::fuzz::Violation;

const nfs::FileHandleCodec& Codec() {
  static const auto* const codec = [] {
    std::array<uint8_t, nfs::HandleKey::kSize> key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
    return new nfs::FileHandleCodec(nfs::HandleKey::FromBytes(key));
  }();
  return *codec;
}

void CheckDecode(absl::Span<const uint8_t> handle) {
  const auto decoded = Codec().Decode(handle);
  const auto* contents = std::get_if<nfs::HandleContents>(&decoded);
  if (contents == nullptr) return;
  const size_t form =
      handle.size() == nfs::kNfs2HandleSize ? nfs::kNfs2HandleSize : nfs::kNfs3MaxHandleSize;
  const absl::StatusOr<std::vector<uint8_t>> encoded = Codec().Encode(*contents, form);
  if (!encoded.ok() ||
      !std::equal(encoded->begin(), encoded->end(), handle.begin(), handle.end())) {
    Violation("a decoded handle does not encode back to the same bytes");
  }
}

void CheckEncode(absl::Span<const uint8_t> input, size_t form) {
  if (input.size() < 5) return;
  nfs::HandleContents contents;
  contents.export_id = (uint32_t{input[0]} << 24) | (uint32_t{input[1]} << 16) |
                       (uint32_t{input[2]} << 8) | input[3];
  contents.object_kind = input[4];
  contents.object.assign(input.begin() + 5, input.end());
  const absl::StatusOr<std::vector<uint8_t>> encoded = Codec().Encode(contents, form);
  if (!encoded.ok()) {
    if (contents.object.size() <= nfs::FileHandleCodec::MaxObjectSize(form)) {
      Violation("an object that fits was refused");
    }
    return;
  }
  if (encoded->size() > form || (form == nfs::kNfs2HandleSize && encoded->size() != form)) {
    Violation("a handle of the wrong size was made");
  }
  const auto decoded = Codec().Decode(*encoded);
  const auto* back = std::get_if<nfs::HandleContents>(&decoded);
  if (back == nullptr || !(*back == contents))
    Violation("a handle does not decode to its contents");
  // One byte of each part (header fields, object, MAC, v2 padding), with the position inside
  // the part taken from the input: every byte of a handle gets its turn across inputs without
  // paying for 64 MACs per input.
  std::vector<uint8_t> altered = *encoded;
  const size_t object_end = nfs::FileHandleCodec::kHeaderSize + contents.object.size();
  const size_t mac_end = object_end + nfs::FileHandleCodec::kMacSize;
  const size_t spread = input[4];
  std::vector<size_t> positions = {0, 1, 2, 3, 4 + spread % 4, object_end + spread % 12};
  if (!contents.object.empty()) positions.push_back(8 + spread % contents.object.size());
  if (mac_end < altered.size()) positions.push_back(mac_end + spread % (altered.size() - mac_end));
  for (size_t i : positions) {
    altered[i] ^= static_cast<uint8_t>(1u << (spread % 8));
    if (std::holds_alternative<nfs::HandleContents>(Codec().Decode(altered))) {
      Violation("a handle with one byte changed was accepted");
    }
    altered[i] ^= static_cast<uint8_t>(1u << (spread % 8));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> input(data, size);
  CheckDecode(input);
  CheckEncode(input, nfs::kNfs3MaxHandleSize);
  CheckEncode(input, nfs::kNfs2HandleSize);
  return 0;
}
