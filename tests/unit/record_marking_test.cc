#include "common/rpc/record_marking.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"

namespace nfsuite::rpc {
namespace {

using Bytes = std::vector<uint8_t>;

void AppendMark(Bytes& stream, uint32_t mark) {
  stream.push_back(static_cast<uint8_t>(mark >> 24));
  stream.push_back(static_cast<uint8_t>(mark >> 16));
  stream.push_back(static_cast<uint8_t>(mark >> 8));
  stream.push_back(static_cast<uint8_t>(mark));
}

void AppendFragment(Bytes& stream, const Bytes& payload, bool last) {
  AppendMark(stream, (last ? kLastFragmentFlag : 0) | static_cast<uint32_t>(payload.size()));
  stream.insert(stream.end(), payload.begin(), payload.end());
}

Bytes Pattern(size_t size, uint8_t seed) {
  Bytes bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 31 + (i >> 8));
  return bytes;
}

Bytes Join(const Bytes& a, const Bytes& b) {
  Bytes joined = a;
  joined.insert(joined.end(), b.begin(), b.end());
  return joined;
}

// Collects what the assembler delivers.
struct Collector {
  std::vector<Bytes> records;
  RecordSink sink() {
    return [this](Bytes record) { records.push_back(std::move(record)); };
  }
};

TEST(SingleFragmentHeader, SetsTheLastFragmentBit) {
  EXPECT_EQ(SingleFragmentHeader(0), 0x80000000u);
  EXPECT_EQ(SingleFragmentHeader(5), 0x80000005u);
  EXPECT_EQ(SingleFragmentHeader(0x12345), 0x80012345u);
  EXPECT_EQ(SingleFragmentHeader(kMaxFragmentLength), 0xFFFFFFFFu);
}

TEST(SingleFragmentHeader, RefusesRecordsOverTheFragmentLimit) {
  EXPECT_DEATH(SingleFragmentHeader(size_t{kMaxFragmentLength} + 1), "");
}

TEST(RecordAssembler, SingleFragmentRecord) {
  const Bytes payload = Pattern(40, 1);
  Bytes stream;
  AppendFragment(stream, payload, true);
  RecordAssembler assembler(1024);
  Collector out;
  EXPECT_TRUE(assembler.AtRecordBoundary());
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0], payload);
  EXPECT_TRUE(assembler.AtRecordBoundary());
  EXPECT_EQ(assembler.buffered_bytes(), 0u);
}

TEST(RecordAssembler, MultiFragmentReassembly) {
  const Bytes a = Pattern(13, 2), b = Pattern(7, 3), c = Pattern(100, 4);
  Bytes stream;
  AppendFragment(stream, a, false);
  AppendFragment(stream, b, false);
  AppendFragment(stream, c, true);
  RecordAssembler assembler(1024);
  Collector out;
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0], Join(Join(a, b), c));
  EXPECT_TRUE(assembler.AtRecordBoundary());
}

TEST(RecordAssembler, PartialRecordIsNotDelivered) {
  Bytes stream;
  AppendFragment(stream, Pattern(8, 5), false);
  RecordAssembler assembler(1024);
  Collector out;
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  EXPECT_TRUE(out.records.empty());
  EXPECT_FALSE(assembler.AtRecordBoundary());
  EXPECT_EQ(assembler.buffered_bytes(), 8u);
}

Bytes ThreeRecordStream(std::vector<Bytes>* expected) {
  const Bytes r1 = Pattern(20, 10);
  const Bytes r2a = Pattern(3, 11), r2b = Pattern(9, 12);
  const Bytes r3 = Pattern(64, 13);
  Bytes stream;
  AppendFragment(stream, r1, true);
  AppendFragment(stream, r2a, false);
  AppendFragment(stream, r2b, true);
  AppendFragment(stream, r3, true);
  *expected = {r1, Join(r2a, r2b), r3};
  return stream;
}

TEST(RecordAssembler, SeveralRecordsInOneFeed) {
  std::vector<Bytes> expected;
  const Bytes stream = ThreeRecordStream(&expected);
  RecordAssembler assembler(1024);
  Collector out;
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  EXPECT_EQ(out.records, expected);
  EXPECT_TRUE(assembler.AtRecordBoundary());
}

TEST(RecordAssembler, OneByteAtATime) {
  std::vector<Bytes> expected;
  const Bytes stream = ThreeRecordStream(&expected);
  RecordAssembler assembler(1024);
  Collector out;
  for (size_t i = 0; i < stream.size(); ++i) {
    ASSERT_TRUE(assembler.Feed(absl::MakeConstSpan(&stream[i], 1), out.sink()).ok()) << i;
    // Each record is delivered exactly when its last byte arrives, not earlier.
    if (i + 1 < stream.size()) {
      EXPECT_LT(out.records.size(), expected.size());
    }
  }
  EXPECT_EQ(out.records, expected);
  EXPECT_TRUE(assembler.AtRecordBoundary());
}

TEST(RecordAssembler, EveryTwoWaySplitGivesTheSameRecords) {
  std::vector<Bytes> expected;
  const Bytes stream = ThreeRecordStream(&expected);
  for (size_t split = 0; split <= stream.size(); ++split) {
    SCOPED_TRACE(split);
    RecordAssembler assembler(1024);
    Collector out;
    const absl::Span<const uint8_t> all(stream);
    ASSERT_TRUE(assembler.Feed(all.subspan(0, split), out.sink()).ok());
    ASSERT_TRUE(assembler.Feed(all.subspan(split), out.sink()).ok());
    EXPECT_EQ(out.records, expected);
  }
}

TEST(RecordAssembler, ZeroLengthLastFragmentYieldsEmptyRecord) {
  Bytes stream;
  AppendMark(stream, kLastFragmentFlag);
  RecordAssembler assembler(1024);
  Collector out;
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_TRUE(out.records[0].empty());
  EXPECT_TRUE(assembler.AtRecordBoundary());
}

TEST(RecordAssembler, ZeroLengthLastFragmentEndsABufferedRecord) {
  const Bytes a = Pattern(6, 20);
  Bytes stream;
  AppendFragment(stream, a, false);
  AppendMark(stream, kLastFragmentFlag);
  RecordAssembler assembler(1024);
  Collector out;
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0], a);
}

TEST(RecordAssembler, ZeroLengthNonLastFragmentsAreSkipped) {
  const Bytes a = Pattern(5, 30), b = Pattern(11, 31);
  Bytes stream;
  AppendMark(stream, 0);
  AppendFragment(stream, a, false);
  AppendMark(stream, 0);
  AppendMark(stream, 0);
  AppendFragment(stream, b, true);
  RecordAssembler assembler(1024);
  Collector out;
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0], Join(a, b));
}

TEST(RecordAssembler, HugeFragmentHeaderFailsWithoutAllocating) {
  for (uint32_t mark : {0xFFFFFFFFu, 0x7FFFFFFFu, kLastFragmentFlag | 0x40000000u}) {
    SCOPED_TRACE(mark);
    Bytes stream;
    AppendMark(stream, mark);
    RecordAssembler assembler(1 << 20);
    Collector out;
    const absl::Status status = assembler.Feed(stream, out.sink());
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
    EXPECT_TRUE(out.records.empty());
    EXPECT_LE(assembler.buffered_bytes(), 4u);
    EXPECT_TRUE(assembler.DirectReadSpace().empty());
  }
}

TEST(RecordAssembler, HugeFragmentHeaderFailsEvenWithItsBytesStillToCome) {
  // The header arrives one byte at a time: the error is reported by the Feed that completes it.
  Bytes stream;
  AppendMark(stream, 0xFFFFFFFFu);
  RecordAssembler assembler(1 << 20);
  Collector out;
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(assembler.Feed(absl::MakeConstSpan(&stream[i], 1), out.sink()).ok());
  }
  EXPECT_EQ(assembler.Feed(absl::MakeConstSpan(&stream[3], 1), out.sink()).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(assembler.buffered_bytes(), 0u);
}

TEST(RecordAssembler, RecordExactlyAtTheMaximumIsAccepted) {
  const Bytes a = Pattern(60, 40), b = Pattern(40, 41);
  Bytes stream;
  AppendFragment(stream, a, false);
  AppendFragment(stream, b, true);
  RecordAssembler assembler(100);
  Collector out;
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0], Join(a, b));
}

TEST(RecordAssembler, FragmentsSummingPastTheMaximumFail) {
  const Bytes a = Pattern(60, 40), b = Pattern(30, 41), c = Pattern(11, 42);
  Bytes stream;
  AppendFragment(stream, a, false);
  AppendFragment(stream, b, false);
  const size_t before_c = stream.size();
  AppendFragment(stream, c, true);  // 60 + 30 + 11 = 101 > 100
  RecordAssembler assembler(100);
  Collector out;
  const absl::Span<const uint8_t> all(stream);
  // Everything up to the offending header is fine...
  ASSERT_TRUE(assembler.Feed(all.subspan(0, before_c), out.sink()).ok());
  EXPECT_EQ(assembler.buffered_bytes(), 90u);
  // ...and the header alone is enough to fail, before any of its bytes arrive.
  EXPECT_EQ(assembler.Feed(all.subspan(before_c, 4), out.sink()).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(out.records.empty());
  EXPECT_EQ(assembler.buffered_bytes(), 90u);
}

TEST(RecordAssembler, ManyFragmentsPastTheMaximumFail) {
  Bytes stream;
  for (int i = 0; i < 20; ++i) AppendFragment(stream, Pattern(10, i), false);
  RecordAssembler assembler(150);
  Collector out;
  EXPECT_EQ(assembler.Feed(stream, out.sink()).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LE(assembler.buffered_bytes(), 150u);
  EXPECT_TRUE(out.records.empty());
}

// ---------------------------------------------------------------------------------------------
// The direct-read path.

constexpr size_t kMaxDirectChunk = 1024 * 1024;

// Reads `stream` into `assembler` the way a transport does: into DirectReadSpace when it is
// offered (in pieces of at most `direct_step` bytes, with a zero-byte commit now and then), else
// via Feed in staging reads of at most `staging_step` bytes. Returns the bytes read directly.
size_t Pump(RecordAssembler& assembler, absl::Span<const uint8_t> stream, size_t direct_step,
            size_t staging_step, Collector& out) {
  size_t offset = 0;
  size_t reads = 0;
  size_t direct_bytes = 0;
  while (offset < stream.size()) {
    ++reads;
    absl::Span<uint8_t> space = assembler.DirectReadSpace();
    if (!space.empty()) {
      // One direct read never reserves more than a bounded chunk, whatever the fragment claims.
      EXPECT_LE(space.size(), kMaxDirectChunk);
      if (reads % 5 == 0) {  // a read that returned nothing (EAGAIN after poll)
        assembler.CommitDirectRead(0, out.sink());
        continue;
      }
      const size_t count = std::min({space.size(), direct_step, stream.size() - offset});
      std::memcpy(space.data(), stream.data() + offset, count);
      assembler.CommitDirectRead(count, out.sink());
      offset += count;
      direct_bytes += count;
      continue;
    }
    const size_t count = std::min(staging_step, stream.size() - offset);
    EXPECT_TRUE(assembler.Feed(stream.subspan(offset, count), out.sink()).ok());
    offset += count;
  }
  return direct_bytes;
}

std::vector<Bytes> ReadLikeATransport(const Bytes& stream, size_t max_record, size_t direct_step,
                                      size_t staging_step, size_t* direct_bytes) {
  RecordAssembler assembler(max_record);
  Collector out;
  *direct_bytes = Pump(assembler, stream, direct_step, staging_step, out);
  EXPECT_TRUE(assembler.AtRecordBoundary());
  return out.records;
}

TEST(RecordAssemblerDirectRead, LargeFragmentMatchesTheFeedPath) {
  const Bytes big = Pattern(200 * 1024, 50);
  const Bytes small = Pattern(100, 51);
  Bytes stream;
  AppendFragment(stream, big, true);
  AppendFragment(stream, small, true);

  RecordAssembler feed_only(1 << 20);
  Collector expected;
  ASSERT_TRUE(feed_only.Feed(stream, expected.sink()).ok());
  ASSERT_EQ(expected.records.size(), 2u);
  EXPECT_EQ(expected.records[0], big);

  for (size_t direct_step : {size_t{1000}, size_t{4096}, size_t{65536}, size_t{1 << 20}}) {
    SCOPED_TRACE(direct_step);
    size_t direct_bytes = 0;
    const std::vector<Bytes> records =
        ReadLikeATransport(stream, 1 << 20, direct_step, 4096, &direct_bytes);
    EXPECT_EQ(records, expected.records);
    EXPECT_GT(direct_bytes, 100u * 1024);  // most of the payload went the direct way
  }
}

TEST(RecordAssemblerDirectRead, MultiFragmentRecordMatchesTheFeedPath) {
  const Bytes a = Pattern(40 * 1024, 60), b = Pattern(3, 61), c = Pattern(70 * 1024 + 3, 62);
  Bytes stream;
  AppendFragment(stream, a, false);
  AppendFragment(stream, b, false);
  AppendFragment(stream, c, true);
  size_t direct_bytes = 0;
  const std::vector<Bytes> records = ReadLikeATransport(stream, 1 << 20, 7777, 512, &direct_bytes);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], Join(Join(a, b), c));
  EXPECT_GT(direct_bytes, 0u);
}

TEST(RecordAssemblerDirectRead, NoSpaceOutsideALargeFragment) {
  RecordAssembler assembler(1 << 20);
  Collector out;
  EXPECT_TRUE(assembler.DirectReadSpace().empty());  // no header yet
  Bytes stream;
  AppendMark(stream, kLastFragmentFlag | 100);  // small fragment: staging reads are better
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  EXPECT_TRUE(assembler.DirectReadSpace().empty());
}

TEST(RecordAssemblerDirectRead, SpaceIsBoundedAndShortCommitsShrinkTheBuffer) {
  const size_t fragment = 3 * 1024 * 1024;
  const Bytes payload = Pattern(fragment, 80);
  const absl::Span<const uint8_t> rest(payload);
  RecordAssembler assembler(4 * 1024 * 1024);
  Collector out;
  Bytes header;
  AppendMark(header, kLastFragmentFlag | static_cast<uint32_t>(fragment));
  ASSERT_TRUE(assembler.Feed(header, out.sink()).ok());

  // Staging reads until the assembler offers direct space (it may want some bytes first).
  size_t received = 0;
  absl::Span<uint8_t> space;
  while ((space = assembler.DirectReadSpace()).empty()) {
    ASSERT_LT(received, size_t{256 * 1024}) << "no direct space offered for a 3 MiB fragment";
    ASSERT_TRUE(assembler.Feed(rest.subspan(received, 4096), out.sink()).ok());
    received += 4096;
  }
  // Memory follows received bytes: the claimed 3 MiB are never reserved at once.
  EXPECT_LE(space.size(), kMaxDirectChunk);
  EXPECT_LE(assembler.buffered_bytes(), received + kMaxDirectChunk);

  // A short read gives the unused reservation back.
  std::memcpy(space.data(), payload.data() + received, 10);
  assembler.CommitDirectRead(10, out.sink());
  received += 10;
  EXPECT_EQ(assembler.buffered_bytes(), received);

  // A read that returned nothing changes nothing.
  space = assembler.DirectReadSpace();
  ASSERT_FALSE(space.empty());
  assembler.CommitDirectRead(0, out.sink());
  EXPECT_EQ(assembler.buffered_bytes(), received);
  EXPECT_TRUE(out.records.empty());

  // The rest, through the mixed path, completes the record intact.
  Pump(assembler, rest.subspan(received), 300 * 1024, 4096, out);
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_TRUE(out.records[0] == payload);
  EXPECT_TRUE(assembler.AtRecordBoundary());
}

TEST(RecordAssemblerDirectRead, ClaimedLengthReservesAtMostWhatHasArrived) {
  // A peer that announces a large record and sends a few bytes must cost a few bytes, not the
  // claim: servers hold one assembler per connection, and thousands of connections can lie.
  RecordAssembler assembler(4 * 1024 * 1024);
  Collector out;
  Bytes stream;
  AppendMark(stream, kLastFragmentFlag | (3u << 20));
  stream.resize(stream.size() + 8);
  ASSERT_TRUE(assembler.Feed(stream, out.sink()).ok());
  EXPECT_TRUE(assembler.DirectReadSpace().empty());
  EXPECT_EQ(assembler.buffered_bytes(), 8u);

  // Once direct space is offered, each offer is at most the bytes already received, so the
  // buffer stays within twice what arrived.
  const Bytes chunk(4096, 7);
  const size_t fragment = 3u << 20;
  size_t received = 8;
  bool offered = false;
  while (received < fragment) {
    absl::Span<uint8_t> space = assembler.DirectReadSpace();
    if (space.empty()) {
      const size_t step = std::min(chunk.size(), fragment - received);
      ASSERT_TRUE(assembler.Feed(absl::MakeConstSpan(chunk).subspan(0, step), out.sink()).ok());
      received += step;
      continue;
    }
    offered = true;
    EXPECT_LE(space.size(), received);
    EXPECT_LE(assembler.buffered_bytes(), 2 * received);
    assembler.CommitDirectRead(space.size(), out.sink());
    received += space.size();
  }
  EXPECT_TRUE(offered) << "large fragments should be read without the staging copy";
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].size(), fragment);
}

TEST(RecordAssemblerDirectRead, FeedWorksAfterARecordCompletedByDirectRead) {
  const Bytes big = Pattern(100 * 1024, 70);
  Bytes stream;
  AppendFragment(stream, big, true);
  RecordAssembler assembler(1 << 20);
  Collector out;
  EXPECT_GT(Pump(assembler, stream, 1 << 20, 4096, out), 0u);
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0], big);
  EXPECT_TRUE(assembler.AtRecordBoundary());

  Bytes next;
  AppendFragment(next, Pattern(8, 71), true);
  ASSERT_TRUE(assembler.Feed(next, out.sink()).ok());
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[1], Pattern(8, 71));
}

}  // namespace
}  // namespace nfsuite::rpc
