#include "common/crypto/hmac_sha256.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace nfsuite::crypto {
namespace {

absl::Span<const uint8_t> Bytes(const std::string& text) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string Hex(const Sha256Digest& digest) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string Sha256Hex(const std::string& message) {
  Sha256 hash;
  hash.Update(Bytes(message));
  return Hex(hash.Finish());
}

// FIPS 180-2 appendix B examples, and the empty message.
TEST(Sha256, StandardExamples) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecewiseUpdatesMatchOneUpdate) {
  const std::string message(1000, 'x');
  for (size_t split : {0, 1, 55, 56, 63, 64, 65, 999}) {
    Sha256 hash;
    hash.Update(Bytes(message.substr(0, split)));
    hash.Update(Bytes(message.substr(split)));
    EXPECT_EQ(Hex(hash.Finish()), Sha256Hex(message)) << "split at " << split;
  }
}

// RFC 4231 test cases 1, 2, 3, 6 and 7.
TEST(HmacSha256, Rfc4231TestCases) {
  EXPECT_EQ(Hex(HmacSha256(Bytes(std::string(20, '\x0b')), Bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(Hex(HmacSha256(Bytes("Jefe"), Bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Hex(HmacSha256(Bytes(std::string(20, '\xaa')), Bytes(std::string(50, '\xdd')))),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  const std::string long_key(131, '\xaa');
  EXPECT_EQ(Hex(HmacSha256(Bytes(long_key),
                           Bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(
      Hex(HmacSha256(Bytes(long_key),
                     Bytes("This is a test using a larger than block-size key and a larger than "
                           "block-size data. The key needs to be hashed before being used by the "
                           "HMAC algorithm."))),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  const uint8_t a[] = {1, 2, 3};
  const uint8_t b[] = {1, 2, 4};
  EXPECT_TRUE(ConstantTimeEqual(a, a));
  EXPECT_FALSE(ConstantTimeEqual(a, b));
  EXPECT_FALSE(ConstantTimeEqual(absl::MakeConstSpan(a, 2), a));
}

}  // namespace
}  // namespace nfsuite::crypto
