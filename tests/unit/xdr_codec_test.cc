#include <sys/uio.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "gtest/gtest.h"

namespace nfsuite::xdr {
namespace {

using Bytes = std::vector<uint8_t>;

absl::Span<const uint8_t> SpanOf(const Bytes& bytes) { return absl::MakeConstSpan(bytes); }

absl::Span<const uint8_t> SpanOf(absl::string_view text) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

// True when `view` lies entirely inside `input` (or is empty).
bool InsideOf(absl::Span<const uint8_t> view, absl::Span<const uint8_t> input) {
  if (view.empty()) return true;
  return view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size();
}

// ---------------------------------------------------------------------------------------------
// Encoder golden bytes.

TEST(XdrEncoderGolden, Uint32IsBigEndian) {
  XdrEncoder encoder;
  encoder.Uint32(0x01020304u);
  encoder.Uint32(0);
  encoder.Uint32(0xFFFFFFFFu);
  EXPECT_EQ(encoder.Flatten(), (Bytes{0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(encoder.size(), 12u);
}

TEST(XdrEncoderGolden, Int32IncludingNegative) {
  XdrEncoder encoder;
  encoder.Int32(7);
  encoder.Int32(-1);
  encoder.Int32(-2);
  encoder.Int32(std::numeric_limits<int32_t>::min());
  EXPECT_EQ(encoder.Flatten(),
            (Bytes{0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x80, 0, 0, 0}));
}

TEST(XdrEncoderGolden, HyperHighWordFirst) {
  XdrEncoder encoder;
  encoder.Uint64(0x0102030405060708ull);
  encoder.Int64(-3);
  EXPECT_EQ(encoder.Flatten(), (Bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xFF, 0xFF,
                                      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFD}));
}

TEST(XdrEncoderGolden, BoolAndEnum) {
  XdrEncoder encoder;
  encoder.Bool(true);
  encoder.Bool(false);
  encoder.Enum(5);
  encoder.Enum(-1);
  EXPECT_EQ(encoder.Flatten(), (Bytes{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0xFF, 0xFF, 0xFF, 0xFF}));
}

TEST(XdrEncoderGolden, FixedOpaquePadsWithZerosToFourBytes) {
  const Bytes data = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5};
  const std::vector<Bytes> expected = {
      {},
      {0xA1, 0, 0, 0},
      {0xA1, 0xA2, 0, 0},
      {0xA1, 0xA2, 0xA3, 0},
      {0xA1, 0xA2, 0xA3, 0xA4},
      {0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0, 0, 0},
  };
  for (size_t size = 0; size < expected.size(); ++size) {
    SCOPED_TRACE(size);
    XdrEncoder encoder;
    encoder.FixedOpaque(absl::MakeConstSpan(data.data(), size));
    EXPECT_EQ(encoder.Flatten(), expected[size]);
    EXPECT_EQ(encoder.size(), expected[size].size());
  }
}

TEST(XdrEncoderGolden, VariableOpaqueHasLengthAndPadding) {
  XdrEncoder encoder;
  encoder.Opaque(Bytes{0xAA, 0xBB, 0xCC, 0xDD, 0xEE});
  encoder.Opaque(Bytes{});
  EXPECT_EQ(encoder.Flatten(),
            (Bytes{0, 0, 0, 5, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(XdrEncoderGolden, String) {
  XdrEncoder encoder;
  encoder.String("hello");
  encoder.String("");
  encoder.String("abcd");
  EXPECT_EQ(encoder.Flatten(), (Bytes{0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 0,   0,   0,
                                      0, 0, 0, 0, 0,   0,   0,   4,   'a', 'b', 'c', 'd'}));
}

TEST(XdrEncoderGolden, OptionalPresentAndAbsent) {
  XdrEncoder encoder;
  encoder.Optional(true);
  encoder.Uint32(9);
  encoder.Optional(false);
  EXPECT_EQ(encoder.Flatten(), (Bytes{0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 0}));
}

TEST(XdrEncoderGolden, ArrayIsCountThenElements) {
  XdrEncoder encoder;
  const std::vector<uint32_t> values = {1, 0x100, 0xABCDEF01u};
  encoder.Uint32(static_cast<uint32_t>(values.size()));
  for (uint32_t value : values) encoder.Uint32(value);
  EXPECT_EQ(encoder.Flatten(), (Bytes{0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 1, 0, 0xAB, 0xCD, 0xEF, 0x01}));
}

// ---------------------------------------------------------------------------------------------
// Decoder golden bytes.

TEST(XdrDecoderGolden, Integers) {
  const Bytes input = {0x01, 0x02, 0x03, 0x04, 0xFF, 0xFF, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x04,
                       0x05, 0x06, 0x07, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFD};
  XdrDecoder decoder(SpanOf(input));
  EXPECT_EQ(decoder.Uint32(), 0x01020304u);
  EXPECT_EQ(decoder.Int32(), -2);
  EXPECT_EQ(decoder.Uint64(), 0x0102030405060708ull);
  EXPECT_EQ(decoder.Int64(), -3);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(XdrDecoderGolden, BoolEnumOptional) {
  const Bytes input = {0, 0, 0, 1, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0};
  XdrDecoder decoder(SpanOf(input));
  EXPECT_TRUE(decoder.Bool());
  EXPECT_FALSE(decoder.Bool());
  EXPECT_EQ(decoder.Enum({0, -1, 3}), -1);
  EXPECT_TRUE(decoder.Optional());
  EXPECT_FALSE(decoder.Optional());
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(XdrDecoderGolden, FixedOpaqueSkipsPaddingAndReturnsViewIntoInput) {
  for (size_t size = 0; size <= 5; ++size) {
    SCOPED_TRACE(size);
    Bytes input = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5};
    input.resize(size);
    input.resize(size + PaddingFor(size), 0);
    input.insert(input.end(), {0, 0, 0, 42});  // a sentinel after the opaque
    XdrDecoder decoder(SpanOf(input));
    absl::Span<const uint8_t> view = decoder.FixedOpaque(size);
    ASSERT_TRUE(decoder.ok());
    EXPECT_EQ(view.size(), size);
    if (size > 0) {
      EXPECT_EQ(view.data(), input.data());  // no copy
    }
    EXPECT_EQ(Bytes(view.begin(), view.end()), Bytes(input.begin(), input.begin() + size));
    EXPECT_EQ(decoder.position(), size + PaddingFor(size));
    EXPECT_EQ(decoder.Uint32(), 42u);
    EXPECT_TRUE(decoder.Finish().ok());
  }
}

TEST(XdrDecoderGolden, VariableOpaqueAndString) {
  const Bytes input = {0, 0, 0, 5, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0, 0, 0,
                       0, 0, 0, 3, 'a',  'b',  'c',  0,    0,    0, 0, 0};
  XdrDecoder decoder(SpanOf(input));
  absl::Span<const uint8_t> opaque = decoder.Opaque(5);
  EXPECT_EQ(Bytes(opaque.begin(), opaque.end()), (Bytes{0xAA, 0xBB, 0xCC, 0xDD, 0xEE}));
  EXPECT_EQ(opaque.data(), input.data() + 4);
  absl::string_view text = decoder.StringView(3);
  EXPECT_EQ(text, "abc");
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(text.data()), input.data() + 16);
  EXPECT_EQ(decoder.String(0), "");
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(XdrDecoderGolden, ArrayLength) {
  const Bytes input = {0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 8};
  XdrDecoder decoder(SpanOf(input));
  ASSERT_EQ(decoder.ArrayLength(2), 2u);
  EXPECT_EQ(decoder.Uint32(), 7u);
  EXPECT_EQ(decoder.Uint32(), 8u);
  EXPECT_TRUE(decoder.Finish().ok());
}

// ---------------------------------------------------------------------------------------------
// Round trips through a composite message.

struct Composite {
  uint32_t u32 = 0;
  int32_t i32 = 0;
  uint64_t u64 = 0;
  int64_t i64 = 0;
  bool flag = false;
  int32_t kind = 0;
  Bytes fixed;  // 3 bytes
  Bytes opaque;
  std::string text;
  bool has_extra = false;
  uint32_t extra = 0;
  std::vector<uint32_t> array;
};

constexpr size_t kFixedSize = 3;

void Encode(XdrEncoder& encoder, const Composite& value) {
  encoder.Uint32(value.u32);
  encoder.Int32(value.i32);
  encoder.Uint64(value.u64);
  encoder.Int64(value.i64);
  encoder.Bool(value.flag);
  encoder.Enum(value.kind);
  encoder.FixedOpaque(value.fixed);
  encoder.Opaque(value.opaque);
  encoder.String(value.text);
  encoder.Optional(value.has_extra);
  if (value.has_extra) encoder.Uint32(value.extra);
  encoder.Uint32(static_cast<uint32_t>(value.array.size()));
  for (uint32_t element : value.array) encoder.Uint32(element);
}

// Decodes like a protocol decoder: straight-line, relying on sticky errors. Every view returned
// by the decoder is appended to `views` so the caller can check where it points.
Composite Decode(XdrDecoder& decoder, std::vector<absl::Span<const uint8_t>>& views) {
  Composite value;
  value.u32 = decoder.Uint32();
  value.i32 = decoder.Int32();
  value.u64 = decoder.Uint64();
  value.i64 = decoder.Int64();
  value.flag = decoder.Bool();
  value.kind = decoder.Enum({1, 2, 3});
  absl::Span<const uint8_t> fixed = decoder.FixedOpaque(kFixedSize);
  views.push_back(fixed);
  value.fixed.assign(fixed.begin(), fixed.end());
  absl::Span<const uint8_t> opaque = decoder.Opaque(64);
  views.push_back(opaque);
  value.opaque.assign(opaque.begin(), opaque.end());
  absl::string_view text = decoder.StringView(64);
  views.push_back(SpanOf(text));
  value.text = std::string(text);
  value.has_extra = decoder.Optional();
  if (value.has_extra) value.extra = decoder.Uint32();
  const uint32_t count = decoder.ArrayLength(16);
  for (uint32_t i = 0; i < count; ++i) value.array.push_back(decoder.Uint32());
  return value;
}

Composite SampleComposite() {
  Composite value;
  value.u32 = 0xDEADBEEFu;
  value.i32 = -123456;
  value.u64 = 0xFEDCBA9876543210ull;
  value.i64 = std::numeric_limits<int64_t>::min() + 5;
  value.flag = true;
  value.kind = 3;
  value.fixed = {9, 8, 7};
  value.opaque = {1, 2, 3, 4, 5, 6};
  value.text = "composite";
  value.has_extra = true;
  value.extra = 77;
  value.array = {10, 20, 30};
  return value;
}

void ExpectSame(const Composite& a, const Composite& b) {
  EXPECT_EQ(a.u32, b.u32);
  EXPECT_EQ(a.i32, b.i32);
  EXPECT_EQ(a.u64, b.u64);
  EXPECT_EQ(a.i64, b.i64);
  EXPECT_EQ(a.flag, b.flag);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.fixed, b.fixed);
  EXPECT_EQ(a.opaque, b.opaque);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.has_extra, b.has_extra);
  EXPECT_EQ(a.extra, b.extra);
  EXPECT_EQ(a.array, b.array);
}

TEST(XdrRoundTrip, CompositeMessage) {
  const Composite original = SampleComposite();
  XdrEncoder encoder;
  Encode(encoder, original);
  const Bytes wire = encoder.Flatten();
  // 4+4+8+8+4+4 + 4 (fixed 3 + 1 pad) + 4+8 (opaque 6 + 2) + 4+12 (string 9 + 3) + 4+4 + 4+12
  EXPECT_EQ(wire.size(), 88u);
  EXPECT_EQ(wire.size() % 4, 0u);

  XdrDecoder decoder(SpanOf(wire));
  std::vector<absl::Span<const uint8_t>> views;
  const Composite decoded = Decode(decoder, views);
  ASSERT_TRUE(decoder.Finish().ok()) << decoder.status();
  ExpectSame(decoded, original);
}

TEST(XdrRoundTrip, AbsentOptionalAndEmptyValues) {
  Composite original;
  original.kind = 1;
  original.fixed = {0, 0, 0};
  original.has_extra = false;
  XdrEncoder encoder;
  Encode(encoder, original);
  const Bytes wire = encoder.Flatten();
  XdrDecoder decoder(SpanOf(wire));
  std::vector<absl::Span<const uint8_t>> views;
  const Composite decoded = Decode(decoder, views);
  ASSERT_TRUE(decoder.Finish().ok()) << decoder.status();
  ExpectSame(decoded, original);
}

TEST(XdrRoundTrip, ExtremeIntegers) {
  XdrEncoder encoder;
  encoder.Uint32(std::numeric_limits<uint32_t>::max());
  encoder.Int32(std::numeric_limits<int32_t>::min());
  encoder.Int32(std::numeric_limits<int32_t>::max());
  encoder.Uint64(std::numeric_limits<uint64_t>::max());
  encoder.Int64(std::numeric_limits<int64_t>::min());
  encoder.Int64(-1);
  const Bytes wire = encoder.Flatten();
  XdrDecoder decoder(SpanOf(wire));
  EXPECT_EQ(decoder.Uint32(), std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(decoder.Int32(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(decoder.Int32(), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(decoder.Uint64(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(decoder.Int64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(decoder.Int64(), -1);
  EXPECT_TRUE(decoder.Finish().ok());
}

// ---------------------------------------------------------------------------------------------
// Decoder failure behaviour.

TEST(XdrDecoderErrors, TruncationAtEveryCutPointFailsWithoutReadingPastInput) {
  XdrEncoder encoder;
  Encode(encoder, SampleComposite());
  const Bytes wire = encoder.Flatten();
  for (size_t cut = 0; cut < wire.size(); ++cut) {
    SCOPED_TRACE(cut);
    // An exact-size heap copy, so that a read past the end is a real out-of-bounds access that
    // AddressSanitizer reports.
    const Bytes truncated(wire.begin(), wire.begin() + cut);
    const absl::Span<const uint8_t> input = SpanOf(truncated);
    XdrDecoder decoder(input);
    std::vector<absl::Span<const uint8_t>> views;
    Decode(decoder, views);
    EXPECT_FALSE(decoder.ok());
    EXPECT_FALSE(decoder.Finish().ok());
    EXPECT_EQ(decoder.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_LE(decoder.position(), cut);
    for (absl::Span<const uint8_t> view : views) EXPECT_TRUE(InsideOf(view, input));
  }
}

TEST(XdrDecoderErrors, TruncatedScalars) {
  const Bytes three = {1, 2, 3};
  XdrDecoder u32(SpanOf(three));
  EXPECT_EQ(u32.Uint32(), 0u);
  EXPECT_FALSE(u32.ok());
  EXPECT_EQ(u32.position(), 0u);

  const Bytes seven = {1, 2, 3, 4, 5, 6, 7};
  XdrDecoder u64(SpanOf(seven));
  EXPECT_EQ(u64.Uint64(), 0u);
  EXPECT_FALSE(u64.ok());
  EXPECT_EQ(u64.position(), 0u);
}

TEST(XdrDecoderErrors, FixedOpaqueMissingItsPaddingFails) {
  const Bytes input = {0xA1, 0xA2, 0xA3};  // 3 bytes of data, the pad byte is missing
  XdrDecoder decoder(SpanOf(input));
  EXPECT_TRUE(decoder.FixedOpaque(3).empty());
  EXPECT_FALSE(decoder.ok());
  EXPECT_EQ(decoder.position(), 0u);
}

TEST(XdrDecoderErrors, HugeFixedOpaqueSizeDoesNotOverflow) {
  const Bytes input = {1, 2, 3, 4, 5, 6, 7, 8};
  for (size_t size : {std::numeric_limits<size_t>::max(), std::numeric_limits<size_t>::max() - 1,
                      std::numeric_limits<size_t>::max() - 2}) {
    SCOPED_TRACE(size);
    XdrDecoder decoder(SpanOf(input));
    EXPECT_TRUE(decoder.FixedOpaque(size).empty());
    EXPECT_FALSE(decoder.ok());
    EXPECT_EQ(decoder.position(), 0u);
  }
}

TEST(XdrDecoderErrors, OpaqueLongerThanItsBoundFails) {
  const Bytes input = {0, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0};
  {
    XdrDecoder decoder(SpanOf(input));
    EXPECT_TRUE(decoder.Opaque(4).empty());
    EXPECT_FALSE(decoder.ok());
  }
  {
    XdrDecoder decoder(SpanOf(input));
    EXPECT_EQ(decoder.Opaque(5).size(), 5u);
    EXPECT_TRUE(decoder.Finish().ok());
  }
}

TEST(XdrDecoderErrors, OpaqueLongerThanTheInputFails) {
  // Claims 0xFFFFFFFF bytes, bound allows it: must fail on the remaining size, not read.
  const Bytes input = {0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4};
  XdrDecoder decoder(SpanOf(input));
  EXPECT_TRUE(decoder.Opaque(std::numeric_limits<size_t>::max()).empty());
  EXPECT_FALSE(decoder.ok());
  EXPECT_LE(decoder.position(), 4u);
}

TEST(XdrDecoderErrors, StringLongerThanItsBoundFails) {
  const Bytes input = {0, 0, 0, 4, 'a', 'b', 'c', 'd'};
  {
    XdrDecoder decoder(SpanOf(input));
    EXPECT_EQ(decoder.String(3), "");
    EXPECT_FALSE(decoder.ok());
  }
  {
    XdrDecoder decoder(SpanOf(input));
    EXPECT_EQ(decoder.String(4), "abcd");
    EXPECT_TRUE(decoder.Finish().ok());
  }
}

TEST(XdrDecoderErrors, BoolOtherThanZeroOrOneFails) {
  for (uint8_t last : {2, 3, 0xFF}) {
    SCOPED_TRACE(static_cast<int>(last));
    const Bytes input = {0, 0, 0, last};
    XdrDecoder decoder(SpanOf(input));
    EXPECT_FALSE(decoder.Bool());
    EXPECT_FALSE(decoder.ok());
  }
  const Bytes high_bit = {0x80, 0, 0, 1};
  XdrDecoder decoder(SpanOf(high_bit));
  EXPECT_FALSE(decoder.Optional());
  EXPECT_FALSE(decoder.ok());
}

TEST(XdrDecoderErrors, EnumOutsideTheAllowedListFails) {
  const Bytes input = {0, 0, 0, 4};
  {
    XdrDecoder decoder(SpanOf(input));
    EXPECT_EQ(decoder.Enum({1, 2, 3, 5}), 0);
    EXPECT_FALSE(decoder.ok());
  }
  {
    XdrDecoder decoder(SpanOf(input));
    EXPECT_EQ(decoder.Enum({1, 4}), 4);
    EXPECT_TRUE(decoder.ok());
  }
}

TEST(XdrDecoderErrors, ArrayLengthOverItsBoundFails) {
  const Bytes input = {0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
  XdrDecoder decoder(SpanOf(input));
  EXPECT_EQ(decoder.ArrayLength(2), 0u);
  EXPECT_FALSE(decoder.ok());
}

TEST(XdrDecoderErrors, ArrayLengthThatCannotFitInTheRemainingInputFails) {
  // A billion elements claimed, bound generous, 8 bytes follow: must fail at once so that the
  // caller never reserves memory for the claimed count.
  const Bytes input = {0x3B, 0x9A, 0xCA, 0x00, 0, 0, 0, 1, 0, 0, 0, 2};
  XdrDecoder decoder(SpanOf(input));
  EXPECT_EQ(decoder.ArrayLength(std::numeric_limits<uint32_t>::max()), 0u);
  EXPECT_FALSE(decoder.ok());
}

TEST(XdrDecoderErrors, ArrayLengthHonoursMinimumElementSize) {
  // Two elements of at least 8 bytes need 16; only 12 remain.
  const Bytes input = {0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  {
    XdrDecoder decoder(SpanOf(input));
    EXPECT_EQ(decoder.ArrayLength(10, 8), 0u);
    EXPECT_FALSE(decoder.ok());
  }
  {
    XdrDecoder decoder(SpanOf(input));
    EXPECT_EQ(decoder.ArrayLength(10, 4), 2u);
    EXPECT_TRUE(decoder.ok());
  }
  {
    // Exactly enough: 3 elements of 4 bytes in 12 remaining bytes.
    const Bytes exact = {0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    XdrDecoder decoder(SpanOf(exact));
    EXPECT_EQ(decoder.ArrayLength(10), 3u);
    EXPECT_TRUE(decoder.ok());
  }
}

TEST(XdrDecoderErrors, ErrorsAreSticky) {
  // A bad bool first; plenty of well-formed data after it.
  const Bytes input = {0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
                       0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  XdrDecoder decoder(SpanOf(input));
  decoder.Bool();
  ASSERT_FALSE(decoder.ok());
  const std::string first_message(decoder.status().message());
  const size_t position = decoder.position();

  EXPECT_EQ(decoder.Uint32(), 0u);
  EXPECT_EQ(decoder.Int32(), 0);
  EXPECT_EQ(decoder.Uint64(), 0u);
  EXPECT_EQ(decoder.Int64(), 0);
  EXPECT_FALSE(decoder.Bool());
  EXPECT_FALSE(decoder.Optional());
  EXPECT_EQ(decoder.Enum({0, 1}), 0);
  EXPECT_TRUE(decoder.FixedOpaque(4).empty());
  EXPECT_TRUE(decoder.Opaque(100).empty());
  EXPECT_EQ(decoder.StringView(100), "");
  EXPECT_EQ(decoder.String(100), "");
  EXPECT_EQ(decoder.ArrayLength(100), 0u);

  EXPECT_EQ(decoder.position(), position);
  EXPECT_FALSE(decoder.ok());
  EXPECT_EQ(decoder.status().message(), first_message);
  EXPECT_EQ(decoder.Finish(), decoder.status());
}

TEST(XdrDecoderErrors, FinishRejectsTrailingBytes) {
  const Bytes input = {0, 0, 0, 1, 0, 0, 0, 2};
  XdrDecoder decoder(SpanOf(input));
  EXPECT_EQ(decoder.Uint32(), 1u);
  EXPECT_TRUE(decoder.ok());  // the decoder itself is fine...
  EXPECT_EQ(decoder.remaining(), 4u);
  EXPECT_EQ(decoder.Rest().data(), input.data() + 4);
  const absl::Status finish = decoder.Finish();  // ...but the message has garbage after it
  EXPECT_EQ(finish.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(decoder.Uint32(), 2u);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(XdrDecoderErrors, FailKeepsTheFirstMessage) {
  const Bytes input = {0, 0, 0, 1};
  XdrDecoder decoder(SpanOf(input));
  decoder.Fail("first problem");
  decoder.Fail("second problem");
  decoder.Uint64();  // a truncation after the failure must not replace it either
  EXPECT_EQ(decoder.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(decoder.status().message(), "first problem");
  EXPECT_EQ(decoder.Uint32(), 0u);  // and Fail is sticky like any other error
  EXPECT_EQ(decoder.position(), 0u);
}

// ---------------------------------------------------------------------------------------------
// Encoder: by-reference pieces, gather lists, reserved slots.

TEST(XdrEncoderReferences, OpaqueByReferenceMatchesOpaqueForEveryPadding) {
  for (size_t size : {0, 1, 2, 3, 4, 5, 6, 7, 8, 1000, 65537}) {
    SCOPED_TRACE(size);
    auto data = std::make_shared<Bytes>(size);
    for (size_t i = 0; i < size; ++i) (*data)[i] = static_cast<uint8_t>(i * 7 + 1);

    XdrEncoder copying;
    copying.Uint32(0x11111111u);
    copying.Opaque(*data);
    copying.String("tail");

    XdrEncoder referencing;
    referencing.Uint32(0x11111111u);
    referencing.OpaqueByReference(*data, data);
    referencing.String("tail");

    EXPECT_EQ(referencing.size(), copying.size());
    EXPECT_EQ(referencing.Flatten(), copying.Flatten());
  }
}

TEST(XdrEncoderReferences, RawByReferenceMatchesCopiedBytes) {
  auto data = std::make_shared<Bytes>(Bytes{1, 2, 3, 4, 5, 6, 7, 8});
  XdrEncoder copying;
  copying.Uint32(5);
  copying.FixedOpaque(*data);  // aligned, so no padding: the same bytes as a raw append
  copying.Uint32(6);

  XdrEncoder referencing;
  referencing.Uint32(5);
  referencing.RawByReference(*data, data);
  referencing.Uint32(6);

  EXPECT_EQ(referencing.size(), 16u);
  EXPECT_EQ(referencing.Flatten(), copying.Flatten());
  EXPECT_EQ(referencing.Flatten(), (Bytes{0, 0, 0, 5, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 6}));
}

TEST(XdrEncoderReferences, RawByReferenceAddsNoLengthOrPadding) {
  auto data = std::make_shared<Bytes>(Bytes{0xAB, 0xCD, 0xEF});
  XdrEncoder encoder;
  encoder.RawByReference(*data, data);
  EXPECT_EQ(encoder.size(), 3u);
  EXPECT_EQ(encoder.Flatten(), (Bytes{0xAB, 0xCD, 0xEF}));
}

TEST(XdrEncoderReferences, GatherPointsAtReferencedMemory) {
  auto first = std::make_shared<Bytes>(Bytes(5000, 0x5A));
  auto second = std::make_shared<Bytes>(Bytes{1, 2, 3, 4, 5, 6, 7, 8});
  XdrEncoder encoder;
  encoder.Uint32(1);
  encoder.OpaqueByReference(*first, first);
  encoder.RawByReference(*second, second);
  encoder.Uint32(2);

  std::vector<iovec> pieces;
  pieces.push_back({nullptr, 0});  // Gather appends: what is already there stays
  encoder.Gather(pieces);
  ASSERT_EQ(pieces.size(), 5u);
  EXPECT_EQ(pieces[0].iov_base, nullptr);
  // [xid + length] [first] [padding... none for 5000] [second] [trailing uint32]
  EXPECT_EQ(pieces[1].iov_len, 8u);
  EXPECT_EQ(pieces[2].iov_base, static_cast<const void*>(first->data()));
  EXPECT_EQ(pieces[2].iov_len, first->size());
  EXPECT_EQ(pieces[3].iov_base, static_cast<const void*>(second->data()));
  EXPECT_EQ(pieces[3].iov_len, second->size());
  EXPECT_EQ(pieces[4].iov_len, 4u);

  size_t total = 0;
  Bytes joined;
  for (size_t i = 1; i < pieces.size(); ++i) {
    total += pieces[i].iov_len;
    const auto* p = static_cast<const uint8_t*>(pieces[i].iov_base);
    joined.insert(joined.end(), p, p + pieces[i].iov_len);
  }
  EXPECT_EQ(total, encoder.size());
  EXPECT_EQ(joined, encoder.Flatten());
}

TEST(XdrEncoderReferences, GatherOfOddSizedReferenceKeepsPaddingInline) {
  auto data = std::make_shared<Bytes>(Bytes{9, 9, 9, 9, 9});
  XdrEncoder encoder;
  encoder.OpaqueByReference(*data, data);
  std::vector<iovec> pieces;
  encoder.Gather(pieces);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].iov_len, 4u);  // length word
  EXPECT_EQ(pieces[1].iov_base, static_cast<const void*>(data->data()));
  EXPECT_EQ(pieces[1].iov_len, 5u);
  EXPECT_EQ(pieces[2].iov_len, 3u);  // padding
  const auto* padding = static_cast<const uint8_t*>(pieces[2].iov_base);
  EXPECT_EQ(Bytes(padding, padding + 3), (Bytes{0, 0, 0}));
}

TEST(XdrEncoderReferences, OwnerIsKeptAliveByTheEncoder) {
  auto data = std::make_shared<Bytes>(Bytes{1, 2, 3, 4});
  std::weak_ptr<Bytes> watch = data;
  absl::Span<const uint8_t> view = *data;
  {
    XdrEncoder encoder;
    encoder.RawByReference(view, std::move(data));
    data.reset();
    ASSERT_FALSE(watch.expired());
    XdrEncoder moved = std::move(encoder);  // moving keeps the reference and its owner
    EXPECT_FALSE(watch.expired());
    EXPECT_EQ(moved.Flatten(), (Bytes{1, 2, 3, 4}));
  }
  EXPECT_TRUE(watch.expired());
}

TEST(XdrEncoderReserve, PatchFillsTheReservedSlot) {
  XdrEncoder encoder;
  encoder.Uint32(1);
  const size_t slot = encoder.ReserveUint32();
  encoder.String("ab");
  encoder.PatchUint32(slot, 0xCAFEBABEu);
  EXPECT_EQ(encoder.Flatten(),
            (Bytes{0, 0, 0, 1, 0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2, 'a', 'b', 0, 0}));
}

TEST(XdrEncoderReserve, PatchAfterByReferencePieces) {
  auto data = std::make_shared<Bytes>(Bytes{0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6});
  XdrEncoder encoder;
  encoder.OpaqueByReference(*data, data);
  const size_t count_slot = encoder.ReserveUint32();
  encoder.Uint32(10);
  encoder.Uint32(20);
  encoder.PatchUint32(count_slot, 2);
  EXPECT_EQ(encoder.Flatten(), (Bytes{0, 0, 0, 6, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0, 0,
                                      0, 0, 0, 2, 0,    0,    0,    10,   0,    0,    0, 20}));
}

TEST(XdrEncoderReserve, ReservedSlotIsZeroUntilPatched) {
  XdrEncoder encoder;
  encoder.Uint32(0xFFFFFFFFu);
  encoder.ReserveUint32();
  EXPECT_EQ(encoder.size(), 8u);
  EXPECT_EQ(encoder.Flatten(), (Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0}));
}

TEST(XdrEncoderReserve, PatchingAnUnreservedSlotDies) {
  XdrEncoder encoder;
  encoder.Uint32(1);
  EXPECT_DEATH(encoder.PatchUint32(4, 1), "");
}

}  // namespace
}  // namespace nfsuite::xdr
