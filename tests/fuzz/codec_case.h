#ifndef NFSUITE_TESTS_FUZZ_CODEC_CASE_H_
#define NFSUITE_TESTS_FUZZ_CODEC_CASE_H_

#include <array>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

// One XDR codec under fuzzing: its decoder is fed the input, and whatever decodes completely is
// encoded again and decoded a second time, which must succeed and give an equal value. The
// second decode catches encoders and decoders that disagree about the wire format, which a
// client and a server of this suite would otherwise discover only on the network.
namespace nfsuite::fuzz {

// The RPC call a codec's arguments belong to, so that the seed generator can wrap its sample in
// a whole call for the dispatcher target.
struct CallTarget {
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
};

struct CodecCase {
  std::string name;
  // Decodes `input` and checks the round trip; aborts on a broken invariant.
  std::function<void(absl::Span<const uint8_t> input)> check;
  // The encoding of a representative valid value: the seed for this case.
  std::function<std::vector<uint8_t>()> sample;
  // The calls whose arguments this codec decodes; empty for result codecs.
  std::vector<CallTarget> calls;
};

// A broken invariant is a finding: abort, so that libFuzzer saves the input and prints the stack.
[[noreturn]] inline void Violation(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what.c_str());
  std::abort();
}

// Whether values can be compared: std::equality_comparable is true of every std::vector and
// std::array, whether or not their elements have an operator==.
template <typename T>
constexpr bool kComparable = std::equality_comparable<T>;
template <typename T>
constexpr bool kComparable<std::vector<T>> = kComparable<T>;
template <typename T, size_t N>
constexpr bool kComparable<std::array<T, N>> = kComparable<T>;

template <typename T>
CodecCase MakeCodecCase(std::string name, void (*decode)(xdr::XdrDecoder&, T&),
                        void (*encode)(xdr::XdrEncoder&, const T&), T sample = T{},
                        std::vector<CallTarget> calls = {}) {
  CodecCase codec_case;
  codec_case.name = name;
  codec_case.calls = std::move(calls);
  codec_case.check = [name, decode, encode](absl::Span<const uint8_t> input) {
    xdr::XdrDecoder decoder(input);
    T first{};
    decode(decoder, first);
    if (!decoder.Finish().ok()) return;
    xdr::XdrEncoder encoder;
    encode(encoder, first);
    const std::vector<uint8_t> encoded = encoder.Flatten();
    xdr::XdrDecoder again(encoded);
    T second{};
    decode(again, second);
    if (!again.Finish().ok()) {
      Violation(name + ": re-encoded value does not decode: " + again.Finish().ToString());
    }
    if constexpr (kComparable<T>) {
      if (!(first == second)) Violation(name + ": value changed in an encode/decode round trip");
    }
    // For types without operator==, the encodings stand in for the values.
    xdr::XdrEncoder reencoder;
    encode(reencoder, second);
    if (reencoder.Flatten() != encoded) {
      Violation(name + ": encoding changed in an encode/decode round trip");
    }
  };
  codec_case.sample = [encode, sample = std::move(sample)] {
    xdr::XdrEncoder encoder;
    encode(encoder, sample);
    return encoder.Flatten();
  };
  return codec_case;
}

// A decoder with no encoder in the code base (the server never sends what it decodes): the
// decoder must only fail cleanly or succeed. `sample` is a valid encoding written by hand.
template <typename T>
CodecCase MakeDecodeOnlyCase(std::string name, void (*decode)(xdr::XdrDecoder&, T&),
                             std::vector<uint8_t> sample, std::vector<CallTarget> calls = {}) {
  CodecCase codec_case;
  codec_case.name = std::move(name);
  codec_case.calls = std::move(calls);
  codec_case.check = [decode](absl::Span<const uint8_t> input) {
    xdr::XdrDecoder decoder(input);
    T value{};
    decode(decoder, value);
    (void)decoder.Finish();
  };
  codec_case.sample = [sample = std::move(sample)] { return sample; };
  return codec_case;
}

// The first input byte picks the case (modulo the number of cases), the rest is its input; the
// seed generator writes seeds in this form.
inline void RunSelectedCase(const std::vector<CodecCase>& cases, const uint8_t* data, size_t size) {
  if (size == 0 || cases.empty()) return;
  cases[data[0] % cases.size()].check(absl::MakeConstSpan(data + 1, size - 1));
}

// The whole body of a codec fuzz target: the cases are built once, on the first input.
template <std::vector<CodecCase> (*MakeCases)()>
int FuzzCodecCases(const uint8_t* data, size_t size) {
  static const auto* const cases = new std::vector<CodecCase>(MakeCases());
  RunSelectedCase(*cases, data, size);
  return 0;
}

std::vector<CodecCase> PortmapCodecCases();
std::vector<CodecCase> MountCodecCases();
std::vector<CodecCase> Nfs2CodecCases();
std::vector<CodecCase> Nfs3CodecCases();
std::vector<CodecCase> LockCodecCases();

}  // namespace nfsuite::fuzz

#endif  // NFSUITE_TESTS_FUZZ_CODEC_CASE_H_
