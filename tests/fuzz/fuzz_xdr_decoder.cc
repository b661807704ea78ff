// libFuzzer target: the XDR primitives (common/xdr/xdr_decoder). The input is a small program
// of reads followed by the XDR data they read: the first byte says how many program bytes
// follow; each program byte picks a read and the next one, for reads that take a bound, gives
// the bound. After each read the decoder's promises (xdr_decoder.h) are checked: nothing read
// past the input, positions on 4-byte boundaries, views inside the input, sticky errors that
// consume nothing, array counts the remaining input can hold.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/types/span.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_list.h"
#include "tests/fuzz/codec_case.h"

namespace {

using nfsuite::fuzz::Violation;
using nfsuite::xdr::XdrDecoder;

uint32_t BigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void CheckInside(absl::Span<const uint8_t> view, absl::Span<const uint8_t> input) {
  if (view.empty()) return;
  if (view.data() < input.data() || view.data() + view.size() > input.data() + input.size()) {
    Violation("a view points outside the input");
  }
}

// Bounds drawn from one program byte: small ones, and the protocol bounds that matter.
size_t BoundFrom(uint8_t byte) {
  static constexpr size_t kBounds[] = {0, 1, 3, 4, 8, 16, 64, 255, 400, 1024, 4096, 1 << 20};
  return byte < 128 ? byte : kBounds[byte % (sizeof(kBounds) / sizeof(kBounds[0]))];
}

void RunProgram(absl::Span<const uint8_t> program, absl::Span<const uint8_t> input) {
  XdrDecoder decoder(input);
  for (size_t i = 0; i < program.size(); ++i) {
    const size_t before = decoder.position();
    const bool was_ok = decoder.ok();
    const uint8_t op = program[i] % 11;
    const size_t bound = i + 1 < program.size() ? BoundFrom(program[i + 1]) : 0;
    switch (op) {
      case 0: {
        const uint32_t value = decoder.Uint32();
        if (decoder.ok() && value != BigEndian32(input.data() + before)) {
          Violation("Uint32 does not read big-endian");
        }
        if (!decoder.ok() && value != 0) Violation("a failed Uint32 returned non-zero");
        break;
      }
      case 1: {
        const uint64_t value = decoder.Uint64();
        if (!decoder.ok() && value != 0) Violation("a failed Uint64 returned non-zero");
        break;
      }
      case 2:
        decoder.Bool();
        break;
      case 3:
        decoder.Enum({0, 1, 2, -1, 0x7fffffff});
        break;
      case 4:
        CheckInside(decoder.FixedOpaque(bound), input);
        ++i;
        break;
      case 5: {
        const absl::Span<const uint8_t> view = decoder.Opaque(bound);
        if (view.size() > bound) Violation("Opaque exceeded its bound");
        CheckInside(view, input);
        ++i;
        break;
      }
      case 6: {
        const absl::string_view text = decoder.StringView(bound);
        if (text.size() > bound) Violation("StringView exceeded its bound");
        CheckInside(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                    input);
        ++i;
        break;
      }
      case 7: {
        const size_t min_element_size = i + 2 < program.size() ? program[i + 2] % 9 : 4;
        const uint32_t count = decoder.ArrayLength(bound, min_element_size);
        if (count > bound) Violation("ArrayLength exceeded its bound");
        if (min_element_size > 0 && count > decoder.remaining() / min_element_size) {
          Violation("ArrayLength allowed more elements than the input can hold");
        }
        i += 2;
        break;
      }
      case 8: {
        std::vector<uint32_t> list;
        nfsuite::xdr::DecodeList(decoder, list, bound,
                                 [&](uint32_t& item) { item = decoder.Uint32(); });
        if (list.size() > bound) Violation("DecodeList exceeded its bound");
        ++i;
        break;
      }
      case 9:
        decoder.Fail("fuzz");
        break;
      case 10:
        decoder.Int64();
        break;
    }
    if (decoder.position() > input.size()) Violation("position past the end of the input");
    if (decoder.position() % 4 != 0) Violation("position off a 4-byte boundary");
    if (decoder.remaining() != input.size() - decoder.position()) Violation("remaining() wrong");
    if (!was_ok && decoder.ok()) Violation("an error did not stick");
    if (!was_ok && decoder.position() != before) Violation("a failed decoder consumed input");
  }
  const absl::Status finish = decoder.Finish();
  if (finish.ok() != (decoder.ok() && decoder.remaining() == 0)) Violation("Finish() disagrees");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t program_size = std::min<size_t>(data[0], size - 1);
  RunProgram(absl::MakeConstSpan(data + 1, program_size),
             absl::MakeConstSpan(data + 1 + program_size, size - 1 - program_size));
  return 0;
}
