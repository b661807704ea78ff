#include "service/nfs/client_rule_cache.h"

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "common/exports/exports_parser.h"
#include "gtest/gtest.h"

namespace nfsuite::nfs {
namespace {

exports::ExportEntry EntryOf(const std::string& line) {
  exports::ExportsParseOptions options;
  options.resolve_host = nullptr;
  exports::ExportsParseResult parsed = exports::ParseExports(line, "test", options);
  EXPECT_TRUE(std::holds_alternative<exports::ParsedExports>(parsed)) << line;
  if (!std::holds_alternative<exports::ParsedExports>(parsed)) return {};
  return std::get<exports::ParsedExports>(parsed).entries.at(0);
}

exports::IpAddress Address(const std::string& text) { return *exports::IpAddress::Parse(text); }

// Counts reverse lookups; 192.0.2.x are "hostx.lab.example".
struct CountingResolver {
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);

  exports::ReverseResolver Resolver() const {
    return [calls = calls](const exports::IpAddress& address) -> std::optional<std::string> {
      ++*calls;
      if (address.family() != AF_INET || address.bytes()[0] != 192) return std::nullopt;
      return "host" + std::to_string(address.bytes()[3]) + ".lab.example";
    };
  }
};

TEST(ClientRuleCache, GivesTheRuleMatchClientGives) {
  const exports::ExportEntry entry =
      EntryOf("/srv 10.0.0.1(rw) 10.0.0.0/8(ro,insecure) *.lab.example(rw,all_squash)");
  ClientRuleCache::Options options;
  CountingResolver resolver;
  options.reverse_resolver = resolver.Resolver();
  ClientRuleCache cache(options);
  EXPECT_EQ(cache.RuleFor(1, entry, Address("10.0.0.1")), &entry.clients[0]);
  EXPECT_EQ(cache.RuleFor(1, entry, Address("10.9.0.1")), &entry.clients[1]);
  EXPECT_EQ(cache.RuleFor(1, entry, Address("192.0.2.7")), &entry.clients[2]);
  EXPECT_EQ(cache.RuleFor(1, entry, Address("172.16.0.1")), nullptr);
  // Twice, from the cache this time.
  EXPECT_EQ(cache.RuleFor(1, entry, Address("10.0.0.1")), &entry.clients[0]);
  EXPECT_EQ(cache.RuleFor(1, entry, Address("172.16.0.1")), nullptr);
  EXPECT_EQ(cache.RuleFor(1, entry, Address("::ffff:10.0.0.1")), &entry.clients[0]);
}

TEST(ClientRuleCache, LooksANameUpOncePerClient) {
  const exports::ExportEntry entry = EntryOf("/srv *.lab.example(rw)");
  ClientRuleCache::Options options;
  CountingResolver resolver;
  options.reverse_resolver = resolver.Resolver();
  ClientRuleCache cache(options);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(cache.RuleFor(1, entry, Address("192.0.2.7")), &entry.clients[0]);
    EXPECT_EQ(cache.RuleFor(1, entry, Address("198.51.100.1")), nullptr);
  }
  EXPECT_EQ(*resolver.calls, 2);
  // Its IPv4-mapped form is the same client.
  EXPECT_EQ(cache.RuleFor(1, entry, Address("::ffff:192.0.2.7")), &entry.clients[0]);
  EXPECT_EQ(*resolver.calls, 2);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ClientRuleCache, AnswersAreKeptPerExport) {
  const exports::ExportEntry open = EntryOf("/a *(rw)");
  const exports::ExportEntry closed = EntryOf("/b 10.0.0.1(rw)");
  ClientRuleCache cache;
  EXPECT_EQ(cache.RuleFor(1, open, Address("10.0.0.2")), &open.clients[0]);
  EXPECT_EQ(cache.RuleFor(2, closed, Address("10.0.0.2")), nullptr);
  EXPECT_EQ(cache.RuleFor(1, open, Address("10.0.0.2")), &open.clients[0]);
}

TEST(ClientRuleCache, AnswersExpireSoChangedNamesAreSeen) {
  const exports::ExportEntry entry = EntryOf("/srv *.lab.example(rw)");
  absl::Time now = absl::FromUnixSeconds(1000);
  ClientRuleCache::Options options;
  CountingResolver resolver;
  options.reverse_resolver = resolver.Resolver();
  options.lifetime = absl::Minutes(15);
  options.clock = [&now] { return now; };
  ClientRuleCache cache(options);
  cache.RuleFor(1, entry, Address("192.0.2.7"));
  now += absl::Minutes(14);
  cache.RuleFor(1, entry, Address("192.0.2.7"));
  EXPECT_EQ(*resolver.calls, 1);
  now += absl::Minutes(2);
  cache.RuleFor(1, entry, Address("192.0.2.7"));
  EXPECT_EQ(*resolver.calls, 2);
}

TEST(ClientRuleCache, StaysWithinItsSize) {
  const exports::ExportEntry entry = EntryOf("/srv 10.0.0.0/8(rw)");
  ClientRuleCache::Options options;
  options.max_entries = 10;
  ClientRuleCache cache(options);
  for (int i = 0; i < 1000; ++i) {
    const std::string address = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    EXPECT_EQ(cache.RuleFor(1, entry, Address(address)), &entry.clients[0]) << address;
    EXPECT_LE(cache.size(), 10u);
  }
}

TEST(ClientRuleCache, ManyThreadsAgree) {
  const exports::ExportEntry entry = EntryOf("/srv 10.0.0.0/24(rw) *.lab.example(ro)");
  ClientRuleCache::Options options;
  options.reverse_resolver = CountingResolver().Resolver();
  options.max_entries = 64;  // clearing while others read
  ClientRuleCache cache(options);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const int host = (i * 7 + t) % 200;
        const bool lab = host % 2 == 0;
        const std::string address = (lab ? "192.0.2." : "10.0.0.") + std::to_string(host);
        const exports::ClientRule* rule = cache.RuleFor(1, entry, Address(address));
        if (rule != &entry.clients[lab ? 1 : 0]) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace nfsuite::nfs
