#include "common/rpc/duplicate_request_cache.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "common/rpc/socket_address.h"
#include "common/xdr/xdr_encoder.h"
#include "gtest/gtest.h"

namespace nfsuite::rpc {
namespace {

using Bytes = std::vector<uint8_t>;
using Reply = std::shared_ptr<const Bytes>;
using Lookup = DuplicateRequestCache::Lookup;

DuplicateRequestCache::Key MakeKey(uint32_t xid, uint16_t port = 800) {
  DuplicateRequestCache::Key key;
  key.xid = xid;
  key.peer = SocketAddress::Loopback4(port);
  key.transport = Transport::kTcp;
  key.program = 100003;
  key.version = 3;
  key.procedure = 12;
  const Bytes args = {0, 0, 0, 1, 'a', 'b', 'c', 0};
  key.checksum = DuplicateRequestCache::Checksum(args);
  return key;
}

xdr::XdrEncoder ReplyOf(size_t size, uint8_t fill) {
  xdr::XdrEncoder encoder;
  Bytes bytes(size, fill);
  encoder.FixedOpaque(bytes);
  return encoder;
}

TEST(DuplicateRequestCache, NewThenInProgress) {
  DuplicateRequestCache cache({});
  Reply reply;
  const auto key = MakeKey(1);
  EXPECT_EQ(cache.Begin(key, &reply), Lookup::kNew);
  EXPECT_EQ(cache.Begin(key, &reply), Lookup::kInProgress);
  EXPECT_EQ(reply, nullptr);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(DuplicateRequestCache, CompletedCallIsReplayedWithIdenticalBytes) {
  DuplicateRequestCache cache({});
  const auto key = MakeKey(2);
  Reply reply;
  ASSERT_EQ(cache.Begin(key, &reply), Lookup::kNew);
  xdr::XdrEncoder encoder;
  encoder.Uint32(2);
  encoder.Uint32(1);
  encoder.String("removed");
  const Bytes sent = encoder.Flatten();
  cache.Complete(key, encoder);

  ASSERT_EQ(cache.Begin(key, &reply), Lookup::kReplay);
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(*reply, sent);
  // Replayed again and again, never re-run.
  Reply again;
  ASSERT_EQ(cache.Begin(key, &again), Lookup::kReplay);
  EXPECT_EQ(*again, sent);
}

TEST(DuplicateRequestCache, ReplayOfByReferenceReply) {
  DuplicateRequestCache cache({});
  const auto key = MakeKey(3);
  Reply reply;
  ASSERT_EQ(cache.Begin(key, &reply), Lookup::kNew);
  auto payload = std::make_shared<Bytes>(Bytes{9, 8, 7, 6, 5});
  xdr::XdrEncoder encoder;
  encoder.Uint32(0);
  encoder.OpaqueByReference(*payload, payload);
  const Bytes sent = encoder.Flatten();
  cache.Complete(key, encoder);
  (*payload)[0] = 0;  // the cache must hold its own copy, not the referenced memory
  ASSERT_EQ(cache.Begin(key, &reply), Lookup::kReplay);
  EXPECT_EQ(*reply, sent);
}

TEST(DuplicateRequestCache, KeysDifferingInAnyFieldMiss) {
  DuplicateRequestCache cache({});
  const auto base = MakeKey(10, 900);
  Reply reply;
  ASSERT_EQ(cache.Begin(base, &reply), Lookup::kNew);
  cache.Complete(base, ReplyOf(8, 1));
  ASSERT_EQ(cache.Begin(base, &reply), Lookup::kReplay);

  auto other_checksum = base;
  other_checksum.checksum = DuplicateRequestCache::Checksum(Bytes{0, 0, 0, 2});
  ASSERT_NE(other_checksum.checksum, base.checksum);
  EXPECT_EQ(cache.Begin(other_checksum, &reply), Lookup::kNew);

  EXPECT_EQ(cache.Begin(MakeKey(11, 900), &reply), Lookup::kNew);  // other xid
  EXPECT_EQ(cache.Begin(MakeKey(10, 901), &reply), Lookup::kNew);  // other peer port

  auto other_host = base;
  other_host.peer = *SocketAddress::Parse("127.0.0.2", 900);
  EXPECT_EQ(cache.Begin(other_host, &reply), Lookup::kNew);

  auto other_transport = base;
  other_transport.transport = Transport::kUdp;
  EXPECT_EQ(cache.Begin(other_transport, &reply), Lookup::kNew);

  auto other_procedure = base;
  other_procedure.procedure = 13;
  EXPECT_EQ(cache.Begin(other_procedure, &reply), Lookup::kNew);

  EXPECT_EQ(cache.size(), 7u);
}

TEST(DuplicateRequestCache, ChecksumDependsOnEveryByte) {
  const Bytes a = {1, 2, 3, 4, 5, 6, 7, 8};
  Bytes b = a;
  b[7] = 9;
  EXPECT_EQ(DuplicateRequestCache::Checksum(a), DuplicateRequestCache::Checksum(Bytes(a)));
  EXPECT_NE(DuplicateRequestCache::Checksum(a), DuplicateRequestCache::Checksum(b));
  EXPECT_NE(DuplicateRequestCache::Checksum(a),
            DuplicateRequestCache::Checksum(absl::MakeConstSpan(a.data(), 7)));
}

TEST(DuplicateRequestCache, ReplyLargerThanASlotIsNotCached) {
  DuplicateRequestCache cache({.max_entries = 16, .max_reply_size = 64});
  Reply reply;
  const auto big = MakeKey(20);
  ASSERT_EQ(cache.Begin(big, &reply), Lookup::kNew);
  cache.Complete(big, ReplyOf(68, 0xEE));
  EXPECT_EQ(cache.size(), 0u);  // the in-progress marker is gone too
  EXPECT_EQ(cache.Begin(big, &reply), Lookup::kNew);
  EXPECT_EQ(reply, nullptr);

  const auto exact = MakeKey(21);
  ASSERT_EQ(cache.Begin(exact, &reply), Lookup::kNew);
  cache.Complete(exact, ReplyOf(64, 0xDD));
  ASSERT_EQ(cache.Begin(exact, &reply), Lookup::kReplay);
  EXPECT_EQ(*reply, Bytes(64, 0xDD));
}

TEST(DuplicateRequestCache, AbandonForgetsTheCall) {
  DuplicateRequestCache cache({});
  Reply reply;
  const auto key = MakeKey(30);
  ASSERT_EQ(cache.Begin(key, &reply), Lookup::kNew);
  cache.Abandon(key);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Begin(key, &reply), Lookup::kNew);
  cache.Abandon(MakeKey(31));  // abandoning an unknown key is harmless
  EXPECT_EQ(cache.size(), 1u);
}

TEST(DuplicateRequestCache, CompleteAfterAbandonCachesNothing) {
  DuplicateRequestCache cache({});
  Reply reply;
  const auto key = MakeKey(32);
  ASSERT_EQ(cache.Begin(key, &reply), Lookup::kNew);
  cache.Abandon(key);
  cache.Complete(key, ReplyOf(4, 1));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Begin(key, &reply), Lookup::kNew);
}

TEST(DuplicateRequestCache, OldestEntryIsEvictedWhenFull) {
  DuplicateRequestCache cache({.max_entries = 3, .max_reply_size = 4096});
  Reply reply;
  for (uint32_t xid = 1; xid <= 3; ++xid) {
    ASSERT_EQ(cache.Begin(MakeKey(xid), &reply), Lookup::kNew);
    cache.Complete(MakeKey(xid), ReplyOf(4, static_cast<uint8_t>(xid)));
  }
  ASSERT_EQ(cache.Begin(MakeKey(1), &reply), Lookup::kReplay);
  Reply held = reply;  // a reply being sent survives its entry's eviction

  ASSERT_EQ(cache.Begin(MakeKey(4), &reply), Lookup::kNew);  // evicts xid 1, the oldest
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(*held, Bytes(4, 1));
  EXPECT_EQ(cache.Begin(MakeKey(2), &reply), Lookup::kReplay);
  EXPECT_EQ(*reply, Bytes(4, 2));
  EXPECT_EQ(cache.Begin(MakeKey(3), &reply), Lookup::kReplay);
  EXPECT_EQ(cache.Begin(MakeKey(4), &reply), Lookup::kInProgress);
  EXPECT_EQ(cache.Begin(MakeKey(1), &reply), Lookup::kNew);  // gone; now evicts xid 2
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.Begin(MakeKey(2), &reply), Lookup::kNew);  // gone; evicts xid 3
  EXPECT_EQ(cache.Begin(MakeKey(4), &reply), Lookup::kInProgress);
}

TEST(DuplicateRequestCache, CallsStillRunningAreNotEvictedWhileFinishedOnesRemain) {
  DuplicateRequestCache cache({.max_entries = 3, .max_reply_size = 4096});
  Reply reply;
  ASSERT_EQ(cache.Begin(MakeKey(1), &reply), Lookup::kNew);  // oldest, still running
  for (uint32_t xid = 2; xid <= 3; ++xid) {
    ASSERT_EQ(cache.Begin(MakeKey(xid), &reply), Lookup::kNew);
    cache.Complete(MakeKey(xid), ReplyOf(4, static_cast<uint8_t>(xid)));
  }
  ASSERT_EQ(cache.Begin(MakeKey(4), &reply), Lookup::kNew);  // evicts xid 2, not xid 1
  EXPECT_EQ(cache.Begin(MakeKey(1), &reply), Lookup::kInProgress)
      << "a running call was evicted: its retransmission would run it twice";
  EXPECT_EQ(cache.Begin(MakeKey(3), &reply), Lookup::kReplay);
}

TEST(DuplicateRequestCache, AbandonedEntryLeavesTheAgeListConsistent) {
  DuplicateRequestCache cache({.max_entries = 2, .max_reply_size = 4096});
  Reply reply;
  ASSERT_EQ(cache.Begin(MakeKey(1), &reply), Lookup::kNew);
  ASSERT_EQ(cache.Begin(MakeKey(2), &reply), Lookup::kNew);
  cache.Abandon(MakeKey(1));
  ASSERT_EQ(cache.Begin(MakeKey(3), &reply), Lookup::kNew);  // room: no eviction needed
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Begin(MakeKey(2), &reply), Lookup::kInProgress);
  ASSERT_EQ(cache.Begin(MakeKey(4), &reply), Lookup::kNew);  // evicts 2
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Begin(MakeKey(3), &reply), Lookup::kInProgress);
}

}  // namespace
}  // namespace nfsuite::rpc
