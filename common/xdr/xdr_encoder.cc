#include "common/xdr/xdr_encoder.h"

#include <cstring>

#include "common/util/logging.h"
#include "common/xdr/xdr_decoder.h"

namespace nfsuite::xdr {
namespace {

void StoreBigEndian32(uint8_t* p, uint32_t value) {
  p[0] = static_cast<uint8_t>(value >> 24);
  p[1] = static_cast<uint8_t>(value >> 16);
  p[2] = static_cast<uint8_t>(value >> 8);
  p[3] = static_cast<uint8_t>(value);
}

}  // namespace

uint8_t* XdrEncoder::Grow(size_t n) {
  const size_t old = inline_.size();
  inline_.resize(old + n);
  size_ += n;
  return inline_.data() + old;
}

void XdrEncoder::Uint32(uint32_t value) { StoreBigEndian32(Grow(4), value); }

void XdrEncoder::Uint64(uint64_t value) {
  uint8_t* p = Grow(8);
  StoreBigEndian32(p, static_cast<uint32_t>(value >> 32));
  StoreBigEndian32(p + 4, static_cast<uint32_t>(value));
}

void XdrEncoder::FixedOpaque(absl::Span<const uint8_t> bytes) {
  const size_t padding = PaddingFor(bytes.size());
  uint8_t* p = Grow(bytes.size() + padding);
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
  std::memset(p + bytes.size(), 0, padding);
}

void XdrEncoder::Opaque(absl::Span<const uint8_t> bytes) {
  Uint32(static_cast<uint32_t>(bytes.size()));
  FixedOpaque(bytes);
}

void XdrEncoder::String(absl::string_view text) {
  Opaque(absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void XdrEncoder::RawByReference(absl::Span<const uint8_t> bytes,
                                std::shared_ptr<const void> owner) {
  if (bytes.empty()) return;
  references_.push_back({inline_.size(), bytes, std::move(owner)});
  size_ += bytes.size();
}

void XdrEncoder::OpaqueByReference(absl::Span<const uint8_t> bytes,
                                   std::shared_ptr<const void> owner) {
  Uint32(static_cast<uint32_t>(bytes.size()));
  RawByReference(bytes, std::move(owner));
  const size_t padding = PaddingFor(bytes.size());
  std::memset(Grow(padding), 0, padding);
}

size_t XdrEncoder::ReserveUint32() {
  const size_t slot = inline_.size();
  Uint32(0);
  return slot;
}

void XdrEncoder::PatchUint32(size_t slot, uint32_t value) {
  NFSUITE_CHECK(slot + 4 <= inline_.size(), "patching a slot that was never reserved");
  StoreBigEndian32(inline_.data() + slot, value);
}

void XdrEncoder::Gather(std::vector<iovec>& out) const {
  size_t inline_pos = 0;
  auto emit_inline_until = [&](size_t end) {
    if (end > inline_pos) {
      out.push_back({const_cast<uint8_t*>(inline_.data() + inline_pos), end - inline_pos});
      inline_pos = end;
    }
  };
  for (const ByReference& piece : references_) {
    emit_inline_until(piece.inline_offset);
    out.push_back({const_cast<uint8_t*>(piece.bytes.data()), piece.bytes.size()});
  }
  emit_inline_until(inline_.size());
}

std::vector<uint8_t> XdrEncoder::Flatten() const {
  std::vector<iovec> pieces;
  Gather(pieces);
  std::vector<uint8_t> flat;
  flat.reserve(size_);
  for (const iovec& piece : pieces) {
    const auto* p = static_cast<const uint8_t*>(piece.iov_base);
    flat.insert(flat.end(), p, p + piece.iov_len);
  }
  return flat;
}

}  // namespace nfsuite::xdr
