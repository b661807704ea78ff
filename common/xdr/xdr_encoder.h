#ifndef NFSUITE_COMMON_XDR_XDR_ENCODER_H_
#define NFSUITE_COMMON_XDR_XDR_ENCODER_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace nfsuite::xdr {

// Writes RFC 4506 XDR as a gather list.
//
// Small items are packed into an inline buffer. Large payloads (READ data, a cached reply) can be
// appended by reference with a keep-alive owner: they are never copied into the encoder and reach
// the socket through writev/sendmsg straight from where they live.
class XdrEncoder {
 public:
  XdrEncoder() { inline_.reserve(256); }
  XdrEncoder(XdrEncoder&&) = default;
  XdrEncoder& operator=(XdrEncoder&&) = default;

  void Uint32(uint32_t value);
  void Int32(int32_t value) { Uint32(static_cast<uint32_t>(value)); }
  void Uint64(uint64_t value);
  void Int64(int64_t value) { Uint64(static_cast<uint64_t>(value)); }
  void Bool(bool value) { Uint32(value ? 1 : 0); }
  void Enum(int32_t value) { Int32(value); }
  // The presence flag of an XDR optional; the value, when present, is encoded by the caller.
  void Optional(bool present) { Bool(present); }

  void FixedOpaque(absl::Span<const uint8_t> bytes);
  void Opaque(absl::Span<const uint8_t> bytes);
  void String(absl::string_view text);

  // A variable-length opaque whose bytes stay where they are; `owner` keeps them alive until the
  // encoder (and any gather list taken from it) is gone.
  void OpaqueByReference(absl::Span<const uint8_t> bytes, std::shared_ptr<const void> owner);
  // Raw bytes (already XDR, for example a cached reply) appended by reference, no length prefix.
  void RawByReference(absl::Span<const uint8_t> bytes, std::shared_ptr<const void> owner);

  // Reserves a 4-byte slot to fill in later, for a value known only after what follows is
  // encoded (a count, a length). Returns the slot's position for PatchUint32.
  size_t ReserveUint32();
  void PatchUint32(size_t slot, uint32_t value);

  // Total encoded size in bytes.
  size_t size() const { return size_; }
  // Appends the encoded bytes, in order, as iovecs valid while this encoder is alive.
  void Gather(std::vector<iovec>& out) const;
  // A contiguous copy of the encoded bytes (tests, the duplicate request cache, UDP assembly).
  std::vector<uint8_t> Flatten() const;

 private:
  struct ByReference {
    size_t inline_offset;  // where in inline_ this piece is spliced in
    absl::Span<const uint8_t> bytes;
    std::shared_ptr<const void> owner;
  };

  uint8_t* Grow(size_t n);

  std::vector<uint8_t> inline_;
  std::vector<ByReference> references_;
  size_t size_ = 0;
};

}  // namespace nfsuite::xdr

#endif  // NFSUITE_COMMON_XDR_XDR_ENCODER_H_
