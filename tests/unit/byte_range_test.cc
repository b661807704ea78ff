#include "service/lock/byte_range.h"

#include "gtest/gtest.h"

namespace nfsuite::lock {
namespace {

TEST(RangeFromNlmTest, LengthZeroRunsToTheEnd) {
  EXPECT_EQ(RangeFromNlm(10, 0), (ByteRange{10, kToEnd}));
  EXPECT_EQ(RangeFromNlm(10, 5), (ByteRange{10, 15}));
  EXPECT_EQ(NlmLength(*RangeFromNlm(10, 0)), 0u);
  EXPECT_EQ(NlmLength(*RangeFromNlm(10, 5)), 5u);
}

TEST(RangeFromNlmTest, OffsetsBeyondOffTAreRefusedAndLongRangesRunToTheEnd) {
  EXPECT_FALSE(RangeFromNlm(kMaxLockOffset + 1, 1).has_value());
  EXPECT_TRUE(RangeFromNlm(kMaxLockOffset, 1).has_value());
  // The last byte would not fit an off_t: to the end, as Linux's lockd does.
  EXPECT_EQ(RangeFromNlm(kMaxLockOffset, 2)->end, kToEnd);
  EXPECT_EQ(RangeFromNlm(1, kToEnd)->end, kToEnd);
  const uint64_t five_gib = 5ull << 30;
  EXPECT_EQ(RangeFromNlm(five_gib, 4096), (ByteRange{five_gib, five_gib + 4096}));
}

TEST(HeldRangesTest, LocksMergeWithTouchingNeighboursOfTheSameKind) {
  HeldRanges held;
  held.Lock({0, 10}, true);
  held.Lock({10, 20}, true);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held.held()[0].range, (ByteRange{0, 20}));
  held.Lock({20, 30}, false);
  EXPECT_EQ(held.size(), 2u);
}

TEST(HeldRangesTest, UnlockSplitsAndANewKindReplacesTheOverlap) {
  HeldRanges held;
  held.Lock({0, 100}, true);
  held.Unlock({40, 60});
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held.held()[0].range, (ByteRange{0, 40}));
  EXPECT_EQ(held.held()[1].range, (ByteRange{60, 100}));
  held.Lock({30, 70}, false);
  ASSERT_EQ(held.size(), 3u);
  EXPECT_FALSE(held.held()[1].exclusive);
  EXPECT_EQ(held.held()[1].range, (ByteRange{30, 70}));
  held.Unlock({0, kToEnd});
  EXPECT_TRUE(held.empty());
}

TEST(HeldRangesTest, ConflictsNeedOverlapAndOneExclusiveSide) {
  HeldRanges held;
  held.Lock({100, 200}, false);
  EXPECT_EQ(held.Conflicting({150, 160}, false), nullptr);
  EXPECT_NE(held.Conflicting({150, 160}, true), nullptr);
  EXPECT_EQ(held.Conflicting({200, 300}, true), nullptr);
  EXPECT_TRUE(held.Holds({120, 130}, false));
  EXPECT_FALSE(held.Holds({120, 130}, true));
}

}  // namespace
}  // namespace nfsuite::lock
