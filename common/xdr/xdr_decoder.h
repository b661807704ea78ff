#ifndef NFSUITE_COMMON_XDR_XDR_DECODER_H_
#define NFSUITE_COMMON_XDR_XDR_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace nfsuite::xdr {

// Reads RFC 4506 XDR from a byte span it does not own.
//
// Errors are sticky values, not control flow: the first failure (truncation, a length over its
// bound, a bad bool or enum) is recorded, every later read returns a zero value and consumes
// nothing, and the caller checks status() once after decoding a whole structure. Decoders of
// protocol structures can therefore be straight-line code with no branch per field.
//
// Nothing is ever read past the input, and no length read from the input is trusted: a variable
// opaque, string or array is checked against both its declared bound and the bytes remaining
// before anything is allocated.
class XdrDecoder {
 public:
  explicit XdrDecoder(absl::Span<const uint8_t> input) : input_(input) {}

  uint32_t Uint32();
  int32_t Int32() { return static_cast<int32_t>(Uint32()); }
  uint64_t Uint64();
  int64_t Int64() { return static_cast<int64_t>(Uint64()); }
  // XDR bool: exactly 0 or 1; anything else is an error.
  bool Bool();
  // An enum discriminant that must be one of `allowed`.
  int32_t Enum(std::initializer_list<int32_t> allowed);
  // The presence flag of an XDR optional (`*type`): true when a value follows.
  bool Optional() { return Bool(); }

  // Fixed-length opaque of `size` bytes (plus padding), returned as a view into the input.
  absl::Span<const uint8_t> FixedOpaque(size_t size);
  // Variable-length opaque of at most `max_size` bytes, as a view into the input: large payloads
  // (WRITE data) are handed to handlers without a copy.
  absl::Span<const uint8_t> Opaque(size_t max_size);
  // Variable-length string of at most `max_size` bytes, as a view into the input.
  absl::string_view StringView(size_t max_size);
  std::string String(size_t max_size) { return std::string(StringView(max_size)); }
  // Element count of a variable-length array of at most `max_count` elements. Each element
  // occupies at least `min_element_size` bytes on the wire, so a count the remaining input cannot
  // hold fails here, before the caller reserves memory for it.
  uint32_t ArrayLength(size_t max_count, size_t min_element_size = 4);

  // Records a semantic error found by the caller (for example an out-of-range value).
  void Fail(absl::string_view why);

  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }
  size_t position() const { return position_; }
  size_t remaining() const { return input_.size() - position_; }
  // The unread input, as a view.
  absl::Span<const uint8_t> Rest() const { return input_.subspan(position_); }
  // OK when decoding succeeded and consumed the whole input; trailing bytes are an error because
  // XDR is self-delimiting, so they can only be garbage.
  absl::Status Finish() const;

 private:
  // Returns a view of the next `size` bytes and skips them plus padding to a 4-byte boundary.
  absl::Span<const uint8_t> Take(size_t size);
  bool Need(size_t size, absl::string_view what);

  absl::Span<const uint8_t> input_;
  size_t position_ = 0;
  absl::Status status_;
};

// Bytes of padding that follow `size` bytes of opaque data.
constexpr size_t PaddingFor(size_t size) { return (4 - (size & 3)) & 3; }

}  // namespace nfsuite::xdr

#endif  // NFSUITE_COMMON_XDR_XDR_DECODER_H_
