#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "common/exports/client_match.h"
#include "common/exports/exports_parser.h"
#include "gtest/gtest.h"

namespace nfsuite::exports {
namespace {

IpAddress Ip(const std::string& text) {
  std::optional<IpAddress> address = IpAddress::Parse(text);
  EXPECT_TRUE(address.has_value()) << text;
  return address.value_or(IpAddress());
}

absl::StatusOr<std::vector<IpAddress>> FakeResolve(const std::string& name) {
  if (name == "server1") return std::vector<IpAddress>{Ip("192.0.2.10"), Ip("2001:db8::10")};
  if (name == "server2") return std::vector<IpAddress>{Ip("192.0.2.20")};
  return absl::NotFoundError("no such host");
}

// Reverse names for the tests' addresses, with a count of lookups.
struct FakeReverse {
  std::map<std::string, std::string> names = {
      {"192.0.2.10", "server1.example.com"},
      {"10.1.2.3", "Build7.Lab.Example.COM."},  // resolvers may answer in any case, with a dot
      {"198.51.100.5", "guest.example.org"},
      {"2001:db8::99", "v6host.example.com"},
  };
  int calls = 0;

  ReverseResolver Function() {
    return [this](const IpAddress& address) -> std::optional<std::string> {
      ++calls;
      auto it = names.find(address.ToString());
      if (it == names.end()) return std::nullopt;
      return it->second;
    };
  }
};

ExportEntry MustParseEntry(absl::string_view text) {
  ExportsParseOptions options;
  options.resolve_host = FakeResolve;
  ExportsParseResult result = ParseExports(text, "exports", options);
  if (const auto* error = std::get_if<ExportsError>(&result)) {
    ADD_FAILURE() << error->ToString();
    return ExportEntry();
  }
  return std::get<ParsedExports>(result).entries.at(0);
}

class ExportsMatchTest : public ::testing::Test {
 protected:
  // The text of the client spec that applies to `address`, or "(none)".
  std::string Match(const ExportEntry& entry, const std::string& address) {
    ClientIdentity client(Ip(address), reverse_.Function());
    const ClientRule* rule = MatchClient(entry, client);
    return rule == nullptr ? "(none)" : rule->client.text;
  }

  FakeReverse reverse_;
};

// --- IpAddress --------------------------------------------------------------------------------

TEST(IpAddress, ParsesNumericFormsOnly) {
  ASSERT_TRUE(IpAddress::Parse("192.0.2.1").has_value());
  EXPECT_EQ(IpAddress::Parse("192.0.2.1")->family(), AF_INET);
  EXPECT_EQ(IpAddress::Parse("192.0.2.1")->ToString(), "192.0.2.1");
  EXPECT_EQ(IpAddress::Parse("2001:DB8:0:0::1")->family(), AF_INET6);
  EXPECT_EQ(IpAddress::Parse("2001:DB8:0:0::1")->ToString(), "2001:db8::1");
  for (const char* bad : {"", "localhost", "10.1", "10.0.0.256", "010.0.0.1", " 10.0.0.1",
                          "10.0.0.1 ", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "[::1]"}) {
    EXPECT_FALSE(IpAddress::Parse(bad).has_value()) << bad;
  }
  EXPECT_FALSE(IpAddress::Parse(absl::string_view("10.0.0.1\0x", 10)).has_value());
}

TEST(IpAddress, DefaultIsInvalid) {
  const IpAddress none;
  EXPECT_FALSE(none.valid());
  EXPECT_EQ(none.family(), AF_UNSPEC);
  EXPECT_TRUE(none.bytes().empty());
  EXPECT_EQ(none.ToString(), "");
}

TEST(IpAddress, MappedAndUnmapped) {
  const IpAddress v4 = Ip("192.0.2.1");
  const IpAddress mapped = Ip("::ffff:192.0.2.1");
  EXPECT_TRUE(mapped.IsV4Mapped());
  EXPECT_FALSE(v4.IsV4Mapped());
  EXPECT_FALSE(Ip("::192.0.2.1").IsV4Mapped());  // IPv4-compatible, a different (dead) form
  EXPECT_EQ(mapped.Unmapped(), v4);
  EXPECT_EQ(v4.Mapped(), mapped);
  EXPECT_EQ(v4.Unmapped(), v4);
  EXPECT_EQ(Ip("2001:db8::1").Mapped(), Ip("2001:db8::1"));
  EXPECT_EQ(Ip("2001:db8::1").Unmapped(), Ip("2001:db8::1"));
}

TEST(IpAddress, Masked) {
  EXPECT_EQ(Ip("10.1.2.3").Masked(8), Ip("10.0.0.0"));
  EXPECT_EQ(Ip("10.1.2.3").Masked(0), Ip("0.0.0.0"));
  EXPECT_EQ(Ip("10.1.2.3").Masked(32), Ip("10.1.2.3"));
  EXPECT_EQ(Ip("10.255.255.255").Masked(13), Ip("10.248.0.0"));
  EXPECT_EQ(Ip("fd00:1:2:3:4:5:6:7").Masked(64), Ip("fd00:1:2:3::"));
  EXPECT_EQ(Ip("fd00:ffff::").Masked(17), Ip("fd00:8000::"));
}

TEST(IpAddress, OrderIsNumericWithinAFamily) {
  EXPECT_LT(Ip("10.0.0.9"), Ip("10.0.0.10"));
  EXPECT_LT(Ip("9.255.255.255"), Ip("10.0.0.0"));
  EXPECT_LT(Ip("fd00::ff"), Ip("fd00::100"));
}

TEST(IpAddress, FromSockaddr) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(700);
  ASSERT_EQ(inet_pton(AF_INET, "192.0.2.5", &v4.sin_addr), 1);
  std::optional<IpAddress> address =
      IpAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&v4), sizeof(v4));
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(*address, Ip("192.0.2.5"));

  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  ASSERT_EQ(inet_pton(AF_INET6, "::ffff:192.0.2.5", &v6.sin6_addr), 1);
  address = IpAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&v6), sizeof(v6));
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(*address, Ip("::ffff:192.0.2.5"));  // kept as given; matching unmaps

  EXPECT_FALSE(IpAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&v4), 4).has_value());
  EXPECT_FALSE(IpAddress::FromSockaddr(nullptr, 0).has_value());
  sockaddr_storage unix_address{};
  unix_address.ss_family = AF_UNIX;
  EXPECT_FALSE(IpAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&unix_address),
                                       sizeof(unix_address))
                   .has_value());

  // And back.
  sockaddr_storage storage;
  socklen_t length = 0;
  Ip("2001:db8::1").ToSockaddr(&storage, &length);
  EXPECT_EQ(length, sizeof(sockaddr_in6));
  EXPECT_EQ(IpAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&storage), length),
            Ip("2001:db8::1"));
}

// --- Wildcards --------------------------------------------------------------------------------

TEST(WildcardMatches, StarAndQuestionMark) {
  EXPECT_TRUE(WildcardMatches("*.example.com", "a.example.com"));
  EXPECT_TRUE(WildcardMatches("*.example.com", "a.b.example.com"));  // '*' crosses dots
  EXPECT_FALSE(WildcardMatches("*.example.com", "example.com"));
  EXPECT_FALSE(WildcardMatches("*.example.com", "a.example.com.evil.org"));
  EXPECT_FALSE(WildcardMatches("*.example.com", "aexample.com"));
  EXPECT_TRUE(WildcardMatches("node?", "node1"));
  EXPECT_FALSE(WildcardMatches("node?", "node12"));
  EXPECT_FALSE(WildcardMatches("node?", "node"));
  EXPECT_TRUE(WildcardMatches("NODE*", "node-a"));  // case-insensitive both ways
  EXPECT_TRUE(WildcardMatches("node*", "NODE-A"));
  EXPECT_TRUE(WildcardMatches("*", ""));
  EXPECT_TRUE(WildcardMatches("a*b*c", "a-b-b-c"));
  EXPECT_FALSE(WildcardMatches("a*b*c", "a-b-b-d"));
  EXPECT_TRUE(WildcardMatches("**x", "x"));
  EXPECT_FALSE(WildcardMatches("", "x"));
  // No exponential backtracking.
  EXPECT_FALSE(WildcardMatches("*a*a*a*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

// --- One spec at a time -----------------------------------------------------------------------

TEST_F(ExportsMatchTest, EachClientForm) {
  EXPECT_EQ(Match(MustParseEntry("/s *"), "203.0.113.1"), "*");
  EXPECT_EQ(Match(MustParseEntry("/s *"), "2001:db8::1"), "*");

  const ExportEntry address = MustParseEntry("/s 192.0.2.7 2001:db8::7");
  EXPECT_EQ(Match(address, "192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(Match(address, "192.0.2.8"), "(none)");
  EXPECT_EQ(Match(address, "2001:db8::7"), "2001:db8::7");
  EXPECT_EQ(Match(address, "2001:db8::8"), "(none)");

  const ExportEntry host = MustParseEntry("/s server1");
  EXPECT_EQ(Match(host, "192.0.2.10"), "server1");
  EXPECT_EQ(Match(host, "2001:db8::10"), "server1");
  EXPECT_EQ(Match(host, "192.0.2.11"), "(none)");

  const ExportEntry ghost = MustParseEntry("/s ghost");  // did not resolve: matches nobody
  EXPECT_EQ(Match(ghost, "192.0.2.10"), "(none)");
  EXPECT_EQ(Match(ghost, "0.0.0.0"), "(none)");

  const ExportEntry network = MustParseEntry("/s 10.0.0.0/255.0.0.0 fd00::/64");
  EXPECT_EQ(Match(network, "10.0.0.0"), "10.0.0.0/255.0.0.0");
  EXPECT_EQ(Match(network, "10.255.255.255"), "10.0.0.0/255.0.0.0");
  EXPECT_EQ(Match(network, "11.0.0.0"), "(none)");
  EXPECT_EQ(Match(network, "fd00::abcd"), "fd00::/64");
  EXPECT_EQ(Match(network, "fd00:0:0:1::1"), "(none)");

  const ExportEntry range = MustParseEntry("/s 10.0.0.5-10.0.0.20 fd00::1-fd00::ff");
  EXPECT_EQ(Match(range, "10.0.0.4"), "(none)");
  EXPECT_EQ(Match(range, "10.0.0.5"), "10.0.0.5-10.0.0.20");
  EXPECT_EQ(Match(range, "10.0.0.20"), "10.0.0.5-10.0.0.20");
  EXPECT_EQ(Match(range, "10.0.0.21"), "(none)");
  EXPECT_EQ(Match(range, "fd00::ff"), "fd00::1-fd00::ff");
  EXPECT_EQ(Match(range, "fd00::100"), "(none)");

  const ExportEntry wildcard = MustParseEntry("/s *.lab.example.com v6host.example.?om");
  EXPECT_EQ(Match(wildcard, "10.1.2.3"), "*.lab.example.com");  // case and trailing dot ignored
  EXPECT_EQ(Match(wildcard, "2001:db8::99"), "v6host.example.?om");
  EXPECT_EQ(Match(wildcard, "198.51.100.5"), "(none)");
  EXPECT_EQ(Match(wildcard, "203.0.113.1"), "(none)");  // no reverse name
}

TEST_F(ExportsMatchTest, Ipv4MappedClientsMatchIpv4Specs) {
  const ExportEntry entry =
      MustParseEntry("/s 192.0.2.7(rw) server2 10.0.0.0/8 172.16.0.1-172.16.0.9");
  EXPECT_EQ(Match(entry, "::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(Match(entry, "::ffff:192.0.2.20"), "server2");
  EXPECT_EQ(Match(entry, "::ffff:10.9.9.9"), "10.0.0.0/8");
  EXPECT_EQ(Match(entry, "::ffff:172.16.0.3"), "172.16.0.1-172.16.0.9");
  EXPECT_EQ(Match(entry, "::ffff:192.0.2.8"), "(none)");
  // Only the mapped form: a native IPv6 address with the same low bits is someone else.
  EXPECT_EQ(Match(entry, "::192.0.2.7"), "(none)");
  EXPECT_EQ(Match(entry, "64:ff9b::192.0.2.7"), "(none)");
}

TEST_F(ExportsMatchTest, Ipv4ClientsMatchIpv6SpecsThroughTheirMappedForm) {
  EXPECT_EQ(Match(MustParseEntry("/s ::ffff:192.0.2.7"), "192.0.2.7"), "::ffff:192.0.2.7");
  EXPECT_EQ(Match(MustParseEntry("/s ::ffff:10.0.0.0/104"), "10.3.3.3"), "::ffff:10.0.0.0/104");
  EXPECT_EQ(Match(MustParseEntry("/s ::ffff:10.0.0.0/104"), "11.3.3.3"), "(none)");
  EXPECT_EQ(Match(MustParseEntry("/s ::/0"), "192.0.2.1"), "::/0");
  // An IPv6 client never matches an IPv4 network, however wide.
  EXPECT_EQ(Match(MustParseEntry("/s 0.0.0.0/0"), "2001:db8::1"), "(none)");
  EXPECT_EQ(Match(MustParseEntry("/s 0.0.0.0/0"), "::ffff:1.2.3.4"), "0.0.0.0/0");
}

TEST_F(ExportsMatchTest, ClientIdentity) {
  ClientIdentity client(Ip("::ffff:10.1.2.3"), reverse_.Function());
  EXPECT_EQ(client.address(), Ip("10.1.2.3"));
  EXPECT_EQ(reverse_.calls, 0);
  EXPECT_EQ(client.Name(), "build7.lab.example.com");
  EXPECT_EQ(client.Name(), "build7.lab.example.com");
  EXPECT_EQ(reverse_.calls, 1);  // looked up once, asked with the unmapped address

  ClientIdentity nameless(Ip("203.0.113.9"), reverse_.Function());
  EXPECT_FALSE(nameless.Name().has_value());
  ClientIdentity no_resolver(Ip("10.1.2.3"), nullptr);
  EXPECT_FALSE(no_resolver.Name().has_value());
}

// --- Precedence -------------------------------------------------------------------------------

TEST_F(ExportsMatchTest, HostBeatsNetworkBeatsWildcardBeatsEveryoneWhateverTheOrder) {
  // Written in the reverse of precedence order.
  const ExportEntry entry = MustParseEntry(
      "/s *(ro) *.example.com(rw,insecure) 192.0.2.0/24(rw,async) server1(rw,no_root_squash)");
  ClientIdentity server1(Ip("192.0.2.10"), reverse_.Function());
  const ClientRule* rule = MatchClient(entry, server1);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->client.text, "server1");
  EXPECT_EQ(rule->options.squash, SquashMode::kNone);

  EXPECT_EQ(Match(entry, "192.0.2.99"), "192.0.2.0/24");
  EXPECT_EQ(Match(entry, "198.51.100.5"), "*");  // guest.example.org
  EXPECT_EQ(Match(entry, "10.1.2.3"), "*.example.com");
  EXPECT_EQ(Match(entry, "203.0.113.1"), "*");
}

TEST_F(ExportsMatchTest, NetworksIncludingRangesBeatWildcards) {
  // 10.1.2.3 is build7.lab.example.com and inside both networks.
  EXPECT_EQ(Match(MustParseEntry("/s *.example.com 10.1.2.0-10.1.2.9"), "10.1.2.3"),
            "10.1.2.0-10.1.2.9");
  EXPECT_EQ(Match(MustParseEntry("/s *.example.com 10.0.0.0/8"), "10.1.2.3"), "10.0.0.0/8");
  EXPECT_EQ(Match(MustParseEntry("/s * *.example.com"), "10.1.2.3"), "*.example.com");
}

TEST_F(ExportsMatchTest, WithinAClassTheFirstInLineOrderWins) {
  EXPECT_EQ(Match(MustParseEntry("/s 10.0.0.0/8(rw) 10.1.0.0/16(ro)"), "10.1.2.3"), "10.0.0.0/8");
  EXPECT_EQ(Match(MustParseEntry("/s 10.1.0.0/16(ro) 10.0.0.0/8(rw)"), "10.1.2.3"), "10.1.0.0/16");
  EXPECT_EQ(Match(MustParseEntry("/s 10.1.2.0-10.1.2.5 10.0.0.0/8"), "10.1.2.3"),
            "10.1.2.0-10.1.2.5");
  EXPECT_EQ(Match(MustParseEntry("/s server1 192.0.2.10"), "192.0.2.10"), "server1");
  EXPECT_EQ(Match(MustParseEntry("/s 192.0.2.10 server1"), "192.0.2.10"), "192.0.2.10");
  EXPECT_EQ(Match(MustParseEntry("/s *.example.com *.lab.example.com"), "10.1.2.3"),
            "*.example.com");
}

TEST_F(ExportsMatchTest, ReverseLookupOnlyWhenAWildcardIsConsulted) {
  // A host or network match decides before any wildcard is tried.
  Match(MustParseEntry("/s *.example.com 192.0.2.10"), "192.0.2.10");
  Match(MustParseEntry("/s *.example.com 10.0.0.0/8"), "10.1.2.3");
  // No wildcard spec at all.
  Match(MustParseEntry("/s server1 10.0.0.0/8 *"), "203.0.113.1");
  EXPECT_EQ(reverse_.calls, 0);
  Match(MustParseEntry("/s *.example.com 10.0.0.0/8"), "203.0.113.1");
  EXPECT_EQ(reverse_.calls, 1);
}

TEST_F(ExportsMatchTest, MatchingExportsListsWhatTheClientMayMount) {
  ExportsParseOptions options;
  options.resolve_host = FakeResolve;
  ExportsParseResult result = ParseExports(
      "/pub *(ro)\n"
      "/lab *.lab.example.com(rw)\n"
      "/home 10.0.0.0/8(rw) server1(rw,no_root_squash)\n"
      "/private server2(rw)\n"
      "/web *.example.com\n",
      "exports", options);
  ASSERT_TRUE(std::holds_alternative<ParsedExports>(result));
  const ParsedExports& table = std::get<ParsedExports>(result);

  ClientIdentity build7(Ip("10.1.2.3"), reverse_.Function());
  const std::vector<ExportMatch> matches = MatchingExports(table.entries, build7);
  ASSERT_EQ(matches.size(), 4u);
  EXPECT_EQ(matches[0].entry, &table.entries[0]);
  EXPECT_EQ(matches[1].entry, &table.entries[1]);
  EXPECT_FALSE(matches[1].rule->options.read_only);
  EXPECT_EQ(matches[2].entry, &table.entries[2]);
  EXPECT_EQ(matches[2].rule->client.text, "10.0.0.0/8");
  EXPECT_EQ(matches[3].entry, &table.entries[4]);
  EXPECT_EQ(reverse_.calls, 1);  // one lookup for the whole table

  ClientIdentity stranger(Ip("2001:db8::1234"), reverse_.Function());
  const std::vector<ExportMatch> only_public = MatchingExports(table.entries, stranger);
  ASSERT_EQ(only_public.size(), 1u);
  EXPECT_EQ(only_public[0].entry->path, "/pub");
}

// --- The default resolvers (no network: /etc/hosts only) --------------------------------------

TEST(DefaultResolvers, LocalhostResolvesThroughEtcHosts) {
  const absl::StatusOr<std::vector<IpAddress>> addresses = ResolveHostAddresses("localhost");
  ASSERT_TRUE(addresses.ok()) << addresses.status();
  EXPECT_NE(std::find(addresses->begin(), addresses->end(), Ip("127.0.0.1")), addresses->end());
  EXPECT_TRUE(std::is_sorted(addresses->begin(), addresses->end()));

  // The parser's default resolver is this one.
  ExportsParseResult result = ParseExports("/srv localhost(rw)\n", "exports");
  ASSERT_TRUE(std::holds_alternative<ParsedExports>(result));
  const ParsedExports& table = std::get<ParsedExports>(result);
  EXPECT_TRUE(table.warnings.empty());
  ClientIdentity loopback(Ip("127.0.0.1"), nullptr);
  const ClientRule* rule = MatchClient(table.entries.at(0), loopback);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->client.text, "localhost");
}

TEST(DefaultResolvers, InvalidAddressHasNoName) {
  EXPECT_FALSE(ReverseResolveConfirmed(IpAddress()).has_value());
}

}  // namespace
}  // namespace nfsuite::exports
