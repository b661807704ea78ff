#ifndef NFSUITE_COMMON_CRYPTO_HMAC_SHA256_H_
#define NFSUITE_COMMON_CRYPTO_HMAC_SHA256_H_

#include <array>
#include <cstdint>

#include "absl/types/span.h"

// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), for file-handle MACs. The project's library
// set has no cryptography library, and these two are small, fully specified and checked against
// the standards' test vectors.
namespace nfsuite::crypto {

using Sha256Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void Update(absl::Span<const uint8_t> data);
  Sha256Digest Finish();

 private:
  void Compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// HMAC-SHA-256 with one key, its padded key blocks hashed once: each MAC then costs the
// compressions of the message and of the inner digest only (two for a file handle, not four).
class HmacSha256Key {
 public:
  explicit HmacSha256Key(absl::Span<const uint8_t> key);
  Sha256Digest Mac(absl::Span<const uint8_t> message) const;

 private:
  Sha256 inner_;  // after (K ^ ipad)
  Sha256 outer_;  // after (K ^ opad)
};

Sha256Digest HmacSha256(absl::Span<const uint8_t> key, absl::Span<const uint8_t> message);

// Compares in time independent of where the inputs differ, so a MAC check leaks nothing about
// how much of a forged tag was right.
bool ConstantTimeEqual(absl::Span<const uint8_t> a, absl::Span<const uint8_t> b);

}  // namespace nfsuite::crypto

#endif  // NFSUITE_COMMON_CRYPTO_HMAC_SHA256_H_
