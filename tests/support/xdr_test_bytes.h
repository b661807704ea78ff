#ifndef NFSUITE_TESTS_SUPPORT_XDR_TEST_BYTES_H_
#define NFSUITE_TESTS_SUPPORT_XDR_TEST_BYTES_H_

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "absl/status/status.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

// Golden wire bytes for codec tests, written as XDR words, and the encode/decode calls the tests
// make with any codec of the (encoder, value) / (decoder, value) form.
namespace nfsuite::testing {

using Bytes = std::vector<uint8_t>;

// Big-endian 32-bit words, as XDR puts them.
inline Bytes Words(std::initializer_list<uint32_t> words) {
  Bytes out;
  for (uint32_t word : words) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(word >> shift));
  }
  return out;
}

inline Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

template <typename T>
Bytes Encode(const T& value, void (*encode)(xdr::XdrEncoder&, const T&)) {
  xdr::XdrEncoder encoder;
  encode(encoder, value);
  return encoder.Flatten();
}

// Decodes all of `wire` into `out`; the status is Finish()'s, so trailing bytes fail too.
template <typename T>
absl::Status Decode(const Bytes& wire, void (*decode)(xdr::XdrDecoder&, T&), T& out) {
  xdr::XdrDecoder decoder(wire);
  decode(decoder, out);
  return decoder.Finish();
}

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_SUPPORT_XDR_TEST_BYTES_H_
