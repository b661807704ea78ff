#include "common/xdr/xdr_decoder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace nfsuite::xdr {
namespace {

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace

bool XdrDecoder::Need(size_t size, absl::string_view what) {
  if (!ok()) return false;
  if (size > remaining()) {
    Fail(absl::StrCat("truncated ", what, ": need ", size, " bytes at offset ", position_,
                      ", have ", remaining()));
    return false;
  }
  return true;
}

absl::Span<const uint8_t> XdrDecoder::Take(size_t size) {
  const size_t padded = size + PaddingFor(size);
  if (padded < size) {
    Fail(absl::StrCat("opaque size ", size, " overflows with its padding"));
    return {};
  }
  if (!Need(padded, "opaque data")) return {};
  absl::Span<const uint8_t> view = input_.subspan(position_, size);
  position_ += padded;
  return view;
}

uint32_t XdrDecoder::Uint32() {
  if (!Need(4, "integer")) return 0;
  const uint32_t value = LoadBigEndian32(input_.data() + position_);
  position_ += 4;
  return value;
}

uint64_t XdrDecoder::Uint64() {
  if (!Need(8, "hyper")) return 0;
  const uint64_t high = LoadBigEndian32(input_.data() + position_);
  const uint64_t low = LoadBigEndian32(input_.data() + position_ + 4);
  position_ += 8;
  return (high << 32) | low;
}

bool XdrDecoder::Bool() {
  const uint32_t value = Uint32();
  if (value > 1) Fail(absl::StrCat("bool must be 0 or 1, got ", value));
  return ok() && value == 1;
}

int32_t XdrDecoder::Enum(std::initializer_list<int32_t> allowed) {
  const int32_t value = Int32();
  if (ok() && std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    Fail(absl::StrCat("enum value ", value, " is not defined"));
  }
  return ok() ? value : 0;
}

absl::Span<const uint8_t> XdrDecoder::FixedOpaque(size_t size) { return Take(size); }

absl::Span<const uint8_t> XdrDecoder::Opaque(size_t max_size) {
  const uint32_t size = Uint32();
  if (!ok()) return {};
  if (size > max_size) {
    Fail(absl::StrCat("opaque length ", size, " exceeds its bound ", max_size));
    return {};
  }
  return Take(size);
}

absl::string_view XdrDecoder::StringView(size_t max_size) {
  const uint32_t size = Uint32();
  if (!ok()) return {};
  if (size > max_size) {
    Fail(absl::StrCat("string length ", size, " exceeds its bound ", max_size));
    return {};
  }
  absl::Span<const uint8_t> bytes = Take(size);
  return absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

uint32_t XdrDecoder::ArrayLength(size_t max_count, size_t min_element_size) {
  const uint32_t count = Uint32();
  if (!ok()) return 0;
  if (count > max_count) {
    Fail(absl::StrCat("array length ", count, " exceeds its bound ", max_count));
    return 0;
  }
  if (min_element_size > 0 && count > remaining() / min_element_size) {
    Fail(absl::StrCat("array length ", count, " cannot fit in the ", remaining(),
                      " bytes that remain"));
    return 0;
  }
  return count;
}

void XdrDecoder::Fail(absl::string_view why) {
  if (status_.ok()) status_ = absl::InvalidArgumentError(why);
}

absl::Status XdrDecoder::Finish() const {
  if (!ok()) return status_;
  if (remaining() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(remaining(), " unexpected bytes after the end of the XDR data"));
  }
  return absl::OkStatus();
}

}  // namespace nfsuite::xdr
