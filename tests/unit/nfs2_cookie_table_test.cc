// NFSv2's 4-byte directory cookies over the backend's 64-bit ones.
#include "service/nfs/nfs2_cookie_table.h"

#include <cstdint>
#include <set>

#include "gtest/gtest.h"

namespace nfsuite::nfs::v2 {
namespace {

TEST(CookieTable, SmallCookiesTravelAsTheyAre) {
  CookieTable table;
  EXPECT_EQ(table.ToWire(0), 0u);
  EXPECT_EQ(table.ToWire(12345), 12345u);
  EXPECT_EQ(table.FromWire(12345), 12345u);
  EXPECT_EQ(table.ToWire(0x7FFFFFFF), 0x7FFFFFFFu);
}

TEST(CookieTable, LargeCookiesGetStableTokens) {
  CookieTable table;
  const uint64_t hash = 0x7fffffffffffffffull;  // ext4's end-of-directory offset
  const uint32_t token = table.ToWire(hash);
  EXPECT_NE(token & 0x80000000u, 0u);
  EXPECT_EQ(table.ToWire(hash), token);  // listing again reuses it
  EXPECT_EQ(table.FromWire(token), hash);
}

TEST(CookieTable, HundredThousandDistinctCookiesStayDistinctAndResolvable) {
  CookieTable table;
  std::set<uint32_t> tokens;
  for (uint64_t i = 1; i <= 100000; ++i) {
    const uint64_t cookie = (i << 33) | 0x5555;
    const uint32_t token = table.ToWire(cookie);
    EXPECT_TRUE(tokens.insert(token).second);
    ASSERT_EQ(table.FromWire(token), cookie);
  }
}

TEST(CookieTable, ReusedSlotMakesTheOldTokenStale) {
  CookieTable table(/*slot_bits=*/2);  // four slots
  const uint32_t first = table.ToWire(uint64_t{1} << 40);
  for (uint64_t i = 1; i <= 4; ++i) table.ToWire((uint64_t{1} << 40) + i);
  EXPECT_EQ(table.FromWire(first), std::nullopt);
  // A token never handed out is stale too.
  EXPECT_EQ(CookieTable().FromWire(0x80000005u), std::nullopt);
}

}  // namespace
}  // namespace nfsuite::nfs::v2
