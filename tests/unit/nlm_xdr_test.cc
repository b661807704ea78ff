#include "service/lock/nlm_xdr.h"

#include <vector>

#include "gtest/gtest.h"
#include "service/lock/nsm_xdr.h"

namespace nfsuite::lock {
namespace {

template <typename T>
std::vector<uint8_t> Encoded(void (*encode)(xdr::XdrEncoder&, const T&), const T& value) {
  xdr::XdrEncoder encoder;
  encode(encoder, value);
  return encoder.Flatten();
}

template <typename T>
T Decoded(void (*decode)(xdr::XdrDecoder&, T&), const std::vector<uint8_t>& bytes, bool* ok) {
  xdr::XdrDecoder decoder(bytes);
  T value{};
  decode(decoder, value);
  *ok = decoder.Finish().ok();
  return value;
}

NlmLockArgs SampleLock(uint64_t offset, uint64_t length) {
  NlmLockArgs args;
  args.cookie = {9, 9};
  args.block = true;
  args.exclusive = true;
  args.lock = NlmLock{"client.example", Netobj(32, 7), {1, 2, 3, 4, 5}, 4242, offset, length};
  args.reclaim = true;
  args.state = 3;
  return args;
}

TEST(NlmXdrTest, V4LockArgumentsRoundTripWith64BitRanges) {
  const NlmLockArgs sent = SampleLock(5ull << 30, 1ull << 33);
  const std::vector<uint8_t> bytes = Encoded(&EncodeLockArgs<Width::kWide>, sent);
  bool ok = false;
  const NlmLockArgs got = Decoded(&DecodeLockArgs<Width::kWide>, bytes, &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(got.lock.caller_name, "client.example");
  EXPECT_EQ(got.lock.fh, sent.lock.fh);
  EXPECT_EQ(got.lock.oh, sent.lock.oh);
  EXPECT_EQ(got.lock.svid, 4242);
  EXPECT_EQ(got.lock.offset, 5ull << 30);
  EXPECT_EQ(got.lock.length, 1ull << 33);
  EXPECT_TRUE(got.block && got.exclusive && got.reclaim);
  EXPECT_EQ(got.state, 3);
}

TEST(NlmXdrTest, NarrowVersionsCarry32BitRangesAndClampWhatDoesNotFit) {
  const std::vector<uint8_t> small = Encoded(&EncodeLockArgs<Width::kNarrow>, SampleLock(10, 20));
  const std::vector<uint8_t> wide = Encoded(&EncodeLockArgs<Width::kWide>, SampleLock(10, 20));
  EXPECT_EQ(small.size() + 8, wide.size());
  bool ok = false;
  EXPECT_EQ(Decoded(&DecodeLockArgs<Width::kNarrow>, small, &ok).lock.length, 20u);
  // A holder beyond 4 GiB, told to a v1/v3 client: the offset saturates, the length is "to end".
  NlmTestResult denied;
  denied.status = NlmStatus::kDenied;
  denied.holder = NlmHolder{true, 1, {}, 6ull << 30, 100};
  const NlmTestResult got = Decoded(&DecodeTestResult<Width::kNarrow>,
                                    Encoded(&EncodeTestResult<Width::kNarrow>, denied), &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(got.holder.offset, 0xffffffffu);
  EXPECT_EQ(got.holder.length, 0u);
  // A range whose last byte is 2^32 - 1 is still expressible.
  denied.holder = NlmHolder{true, 1, {}, 0xffff0000u, 0x10000u};
  const NlmTestResult edge = Decoded(&DecodeTestResult<Width::kNarrow>,
                                     Encoded(&EncodeTestResult<Width::kNarrow>, denied), &ok);
  EXPECT_EQ(edge.holder.offset, 0xffff0000u);
  EXPECT_EQ(edge.holder.length, 0x10000u);
}

TEST(NlmXdrTest, OversizedNamesAndHandlesAreRefused) {
  NlmLockArgs args = SampleLock(0, 1);
  args.lock.caller_name.assign(kMaxCallerName + 1, 'x');
  bool ok = true;
  Decoded(&DecodeLockArgs<Width::kWide>, Encoded(&EncodeLockArgs<Width::kWide>, args), &ok);
  EXPECT_FALSE(ok);
  args = SampleLock(0, 1);
  args.lock.fh.assign(kMaxNetobj + 1, 0);
  Decoded(&DecodeLockArgs<Width::kWide>, Encoded(&EncodeLockArgs<Width::kWide>, args), &ok);
  EXPECT_FALSE(ok);
}

TEST(NlmXdrTest, ATruncatedCallIsRefused) {
  std::vector<uint8_t> bytes = Encoded(&EncodeLockArgs<Width::kWide>, SampleLock(0, 1));
  bytes.resize(bytes.size() - 4);
  bool ok = true;
  Decoded(&DecodeLockArgs<Width::kWide>, bytes, &ok);
  EXPECT_FALSE(ok);
}

TEST(NlmXdrTest, ShareAndNotifyRoundTrip) {
  NlmShareArgs share;
  share.cookie = {1};
  share.share = NlmShare{"host", {1, 2}, {3}, ShareMode::kDenyWrite, ShareAccess::kRead};
  share.reclaim = true;
  bool ok = false;
  const NlmShareArgs got = Decoded(&DecodeShareArgs, Encoded(&EncodeShareArgs, share), &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(got.share.mode, ShareMode::kDenyWrite);
  EXPECT_EQ(got.share.access, ShareAccess::kRead);
  const NlmNotify notify =
      Decoded(&DecodeNotify, Encoded(&EncodeNotify, NlmNotify{"host", 5}), &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(notify.name, "host");
  EXPECT_EQ(notify.state, 5);
}

TEST(NsmXdrTest, MonAndStatusCallbackRoundTrip) {
  Mon mon{{"client", {"localhost", 100021, 4, 16}}, {}};
  mon.priv[15] = 0x5a;
  bool ok = false;
  const Mon got = Decoded(&DecodeMon, Encoded(&EncodeMon, mon), &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(got.mon_id.mon_name, "client");
  EXPECT_EQ(got.mon_id.my_id.my_proc, 16);
  EXPECT_EQ(got.priv[15], 0x5a);
  const StatusCallback status = Decoded(
      &DecodeStatusCallback, Encoded(&EncodeStatusCallback, StatusCallback{"c", 7, mon.priv}), &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(status.state, 7);
  EXPECT_EQ(status.priv, mon.priv);
}

}  // namespace
}  // namespace nfsuite::lock
