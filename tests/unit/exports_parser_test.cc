#include "common/exports/exports_parser.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/exports/export_path.h"
#include "gtest/gtest.h"

namespace nfsuite::exports {
namespace {

IpAddress Ip(const std::string& text) {
  std::optional<IpAddress> address = IpAddress::Parse(text);
  EXPECT_TRUE(address.has_value()) << text;
  return address.value_or(IpAddress());
}

// No test touches DNS: names resolve from this table, and resolutions are counted.
struct FakeResolver {
  std::map<std::string, int> calls;

  HostResolver Function() {
    return [this](const std::string& name) -> absl::StatusOr<std::vector<IpAddress>> {
      ++calls[name];
      // Deliberately unsorted and with a duplicate and a mapped address: the parser normalises.
      if (name == "server1") {
        return std::vector<IpAddress>{Ip("2001:db8::10"), Ip("192.0.2.10"),
                                      Ip("::ffff:192.0.2.10")};
      }
      if (name == "server2.example.com") return std::vector<IpAddress>{Ip("192.0.2.20")};
      return absl::NotFoundError("no such host");
    };
  }
};

class ExportsParserTest : public ::testing::Test {
 protected:
  ExportsParseOptions Options() {
    ExportsParseOptions options;
    options.resolve_host = resolver_.Function();
    return options;
  }

  ParsedExports MustParse(absl::string_view text) {
    ExportsParseResult result = ParseExports(text, "exports", Options());
    if (const auto* error = std::get_if<ExportsError>(&result)) {
      ADD_FAILURE() << "unexpected error: " << error->ToString() << "\nin:\n" << text;
      return ParsedExports();
    }
    return std::get<ParsedExports>(std::move(result));
  }

  // The one entry of a one-line text.
  ExportEntry MustParseEntry(absl::string_view text) {
    ParsedExports table = MustParse(text);
    if (table.entries.size() != 1) {
      ADD_FAILURE() << table.entries.size() << " entries from: " << text;
      return ExportEntry();
    }
    return table.entries[0];
  }

  // The options the only client of a one-line text gets.
  ExportOptions OptionsOf(absl::string_view text) {
    ExportEntry entry = MustParseEntry(text);
    if (entry.clients.size() != 1) {
      ADD_FAILURE() << entry.clients.size() << " clients from: " << text;
      return ExportOptions();
    }
    return entry.clients[0].options;
  }

  std::string ErrorOf(absl::string_view text) { return ErrorOf(text, Options()); }
  std::string ErrorOf(absl::string_view text, const ExportsParseOptions& options) {
    ExportsParseResult result = ParseExports(text, "exports", options);
    if (const auto* error = std::get_if<ExportsError>(&result)) {
      EXPECT_EQ(error->code, absl::StatusCode::kInvalidArgument);
      return error->ToString();
    }
    return "(no error)";
  }

  std::vector<std::string> WarningsOf(absl::string_view text) {
    std::vector<std::string> warnings;
    for (const ExportsWarning& warning : MustParse(text).warnings) {
      warnings.push_back(warning.ToString());
    }
    return warnings;
  }

  FakeResolver resolver_;
};

// --- Lines, comments, continuations, quoting -------------------------------------------------

TEST_F(ExportsParserTest, EmptyAndCommentOnlyTextsGiveAnEmptyTable) {
  for (absl::string_view text :
       {"", "\n\n", "# only a comment\n", "   \t\n  # indented\n\n", "# no newline at the end"}) {
    const ParsedExports table = MustParse(text);
    EXPECT_TRUE(table.entries.empty()) << text;
    EXPECT_TRUE(table.warnings.empty()) << text;
  }
}

TEST_F(ExportsParserTest, OneLineWithSeveralClients) {
  const ExportEntry entry = MustParseEntry("/srv/data server1(rw) 10.0.0.0/8 *(ro,async)\n");
  EXPECT_EQ(entry.path, "/srv/data");
  EXPECT_EQ(entry.line, 1);
  EXPECT_FALSE(entry.alias.has_value());
  EXPECT_FALSE(entry.is_public);
  EXPECT_FALSE(entry.fsid.has_value());
  ASSERT_EQ(entry.clients.size(), 3u);
  EXPECT_EQ(entry.clients[0].client.kind, ClientKind::kHostName);
  EXPECT_EQ(entry.clients[0].client.text, "server1");
  EXPECT_FALSE(entry.clients[0].options.read_only);
  EXPECT_EQ(entry.clients[1].client.kind, ClientKind::kNetwork);
  EXPECT_EQ(entry.clients[1].options, ExportOptions());  // no parentheses: defaults
  EXPECT_EQ(entry.clients[2].client.kind, ClientKind::kAnyone);
  EXPECT_TRUE(entry.clients[2].options.read_only);
  EXPECT_FALSE(entry.clients[2].options.sync);
}

TEST_F(ExportsParserTest, EntriesKeepTheirLineNumbers) {
  const ParsedExports table = MustParse("# header\n\n/a *\n  # note\n/b *\n/c \\\n  *\n/d *");
  ASSERT_EQ(table.entries.size(), 4u);
  EXPECT_EQ(table.entries[0].line, 3);
  EXPECT_EQ(table.entries[1].line, 5);
  EXPECT_EQ(table.entries[2].line, 6);
  EXPECT_EQ(table.entries[3].line, 8);
}

TEST_F(ExportsParserTest, TrailingCommentsEndTheLine) {
  const ExportEntry entry = MustParseEntry("/srv *(rw) # was: server1(rw)\n");
  ASSERT_EQ(entry.clients.size(), 1u);
  // A '#' ends a token even without a blank before it.
  const ExportEntry tight = MustParseEntry("/srv *(rw)#comment\n");
  ASSERT_EQ(tight.clients.size(), 1u);
  EXPECT_FALSE(tight.clients[0].options.read_only);
}

TEST_F(ExportsParserTest, ContinuationJoinsLines) {
  const ExportEntry entry = MustParseEntry("/srv/data \\\n    server1(rw) \\\n    *(ro)\n");
  EXPECT_EQ(entry.line, 1);
  ASSERT_EQ(entry.clients.size(), 2u);
  EXPECT_EQ(entry.clients[1].client.text, "*");
  // Within a word, too: the backslash and newline vanish.
  const ExportEntry split = MustParseEntry("/srv server1(rw,\\\nasync)\n");
  ASSERT_EQ(split.clients.size(), 1u);
  EXPECT_FALSE(split.clients[0].options.sync);
  EXPECT_FALSE(split.clients[0].options.read_only);
}

TEST_F(ExportsParserTest, ContinuationDoesNotExtendAComment) {
  const ParsedExports table = MustParse("# old line \\\n/srv *\n");
  ASSERT_EQ(table.entries.size(), 1u);
  EXPECT_EQ(table.entries[0].line, 2);
}

TEST_F(ExportsParserTest, CrlfLineEndings) {
  const ParsedExports table = MustParse("/a *(rw)\r\n/b \\\r\n *\r\n");
  ASSERT_EQ(table.entries.size(), 2u);
  EXPECT_FALSE(table.entries[0].clients[0].options.read_only);
  EXPECT_EQ(table.entries[1].path, "/b");
}

TEST_F(ExportsParserTest, QuotedPaths) {
  EXPECT_EQ(MustParseEntry("\"/srv/my share\" *\n").path, "/srv/my share");
  EXPECT_EQ(MustParseEntry("/srv/\"my share\"/x *\n").path, "/srv/my share/x");
  EXPECT_EQ(MustParseEntry("\"/srv/a#b\" *\n").path, "/srv/a#b");
  EXPECT_EQ(MustParseEntry("\"/srv/tab\there\" *(rw)\n").path, "/srv/tab\there");
}

TEST_F(ExportsParserTest, OctalEscapesInPaths) {
  EXPECT_EQ(MustParseEntry("/srv/my\\040share *\n").path, "/srv/my share");
  EXPECT_EQ(MustParseEntry("\"/srv/a\\042b\" *\n").path, "/srv/a\"b");
  EXPECT_EQ(MustParseEntry("/srv/back\\134slash *\n").path, "/srv/back\\slash");
  EXPECT_EQ(MustParseEntry("/srv/\\303\\251t\\303\\251 *\n").path, "/srv/\xc3\xa9t\xc3\xa9");
  // An escaped slash is a slash, and an escaped ".." is still "..".
  EXPECT_EQ(MustParseEntry("/srv\\057data *\n").path, "/srv/data");
  EXPECT_EQ(ErrorOf("/srv/\\056\\056/etc *\n"),
            "exports:1:1: export path \"/srv/../etc\" has a \"..\" component");
}

TEST_F(ExportsParserTest, PathsAreNormalisedLexically) {
  EXPECT_EQ(MustParseEntry("//srv//./data/ *\n").path, "/srv/data");
  EXPECT_EQ(MustParseEntry("/ *\n").path, "/");
  EXPECT_EQ(MustParseEntry("/./ *\n").path, "/");
}

TEST_F(ExportsParserTest, NormalizeExportPath) {
  EXPECT_EQ(*NormalizeExportPath("/a/b"), "/a/b");
  EXPECT_EQ(*NormalizeExportPath("///a///b///"), "/a/b");
  EXPECT_EQ(*NormalizeExportPath("/a/./b/."), "/a/b");
  EXPECT_EQ(*NormalizeExportPath("/..."), "/...");  // a name, not a parent reference
  EXPECT_EQ(NormalizeExportPath("").status().message(), "is empty");
  EXPECT_EQ(NormalizeExportPath("a/b").status().message(), "is not absolute");
  EXPECT_EQ(NormalizeExportPath("/a/..").status().message(), "has a \"..\" component");
  EXPECT_EQ(NormalizeExportPath(absl::string_view("/a\0b", 4)).status().message(),
            "contains a NUL byte");
  EXPECT_TRUE(NormalizeExportPath("/" + std::string(1023, 'x')).ok());
  EXPECT_EQ(NormalizeExportPath("/" + std::string(1024, 'x')).status().message(),
            "is longer than 1024 bytes (MNTPATHLEN)");
  // The limit applies to the normalised form.
  EXPECT_TRUE(NormalizeExportPath("/" + std::string(1023, 'x') + "/./").ok());
}

TEST_F(ExportsParserTest, DefaultOptionsApplyToEveryClientOfTheLine) {
  const ExportEntry entry =
      MustParseEntry("/srv -rw,async,anonuid=1000 server1 10.0.0.1(ro) *(sync,anonuid=7)\n");
  ASSERT_EQ(entry.clients.size(), 3u);
  ExportOptions expected;
  expected.read_only = false;
  expected.sync = false;
  expected.anon_uid = 1000;
  EXPECT_EQ(entry.clients[0].options, expected);
  expected.read_only = true;  // the client's own "ro" overrides the line's "rw"
  EXPECT_EQ(entry.clients[1].options, expected);
  expected.read_only = false;
  expected.sync = true;
  expected.anon_uid = 7;
  EXPECT_EQ(entry.clients[2].options, expected);
}

TEST_F(ExportsParserTest, BarePathExportsToEveryoneWithAWarning) {
  const ParsedExports table = MustParse("\n  /srv/open\n");
  ASSERT_EQ(table.entries.size(), 1u);
  ASSERT_EQ(table.entries[0].clients.size(), 1u);
  EXPECT_EQ(table.entries[0].clients[0], ClientRule());
  EXPECT_EQ(table.entries[0].clients[0].client.kind, ClientKind::kAnyone);
  EXPECT_EQ(table.entries[0].clients[0].client.text, "*");
  ASSERT_EQ(table.warnings.size(), 1u);
  EXPECT_EQ(table.warnings[0].ToString(),
            "exports:2:3: warning: no clients: exporting to everyone with default options (write "
            "\"*\" to say so)");
}

TEST_F(ExportsParserTest, EmptyParenthesesMeanDefaults) {
  EXPECT_EQ(OptionsOf("/srv server1()\n"), ExportOptions());
}

TEST_F(ExportsParserTest, RepeatedClientDrawsAWarning) {
  EXPECT_EQ(WarningsOf("/srv 10.0.0.1(rw) 10.0.0.2 10.0.0.1(ro)\n"),
            std::vector<std::string>{"exports:1:28: warning: client \"10.0.0.1\" is listed twice "
                                     "on this line; the first one applies"});
}

// --- Client forms -----------------------------------------------------------------------------

TEST_F(ExportsParserTest, AnyoneClient) {
  const ClientSpec spec = MustParseEntry("/srv *\n").clients[0].client;
  EXPECT_EQ(spec, ClientSpec());
  EXPECT_EQ(spec.kind, ClientKind::kAnyone);
}

TEST_F(ExportsParserTest, HostNameIsResolvedOnceAndNormalised) {
  const ParsedExports table = MustParse("/a server1(rw)\n/b server1 SERVER1\n");
  ASSERT_EQ(table.entries.size(), 2u);
  const ClientSpec& spec = table.entries[0].clients[0].client;
  EXPECT_EQ(spec.kind, ClientKind::kHostName);
  EXPECT_EQ(spec.text, "server1");
  // Sorted, IPv4 before IPv6, the mapped duplicate folded into its IPv4 form.
  EXPECT_EQ(spec.addresses, (std::vector<IpAddress>{Ip("192.0.2.10"), Ip("2001:db8::10")}));
  EXPECT_EQ(table.entries[1].clients[1].client.text, "SERVER1");
  EXPECT_EQ(table.entries[1].clients[1].client.addresses, spec.addresses);
  EXPECT_EQ(resolver_.calls, (std::map<std::string, int>{{"server1", 1}}));
}

TEST_F(ExportsParserTest, UnresolvableHostIsKeptMatchingNobodyWithAWarning) {
  const ParsedExports table = MustParse("/srv ghost.example.com(rw) server2.example.com\n");
  ASSERT_EQ(table.entries.size(), 1u);
  const ClientSpec& ghost = table.entries[0].clients[0].client;
  EXPECT_EQ(ghost.kind, ClientKind::kHostName);
  EXPECT_EQ(ghost.text, "ghost.example.com");
  EXPECT_TRUE(ghost.addresses.empty());
  EXPECT_EQ(table.entries[0].clients[1].client.addresses, std::vector<IpAddress>{Ip("192.0.2.20")});
  ASSERT_EQ(table.warnings.size(), 1u);
  EXPECT_EQ(table.warnings[0].ToString(),
            "exports:1:6: warning: host \"ghost.example.com\" does not resolve (no such host); it "
            "matches no client until the exports are loaded again");
}

TEST_F(ExportsParserTest, WithoutAResolverNoNameResolves) {
  ExportsParseOptions options;
  options.resolve_host = nullptr;
  ExportsParseResult result = ParseExports("/srv server1\n", "exports", options);
  ASSERT_TRUE(std::holds_alternative<ParsedExports>(result));
  const ParsedExports& table = std::get<ParsedExports>(result);
  EXPECT_TRUE(table.entries[0].clients[0].client.addresses.empty());
  EXPECT_EQ(table.warnings.size(), 1u);
}

TEST_F(ExportsParserTest, AddressClients) {
  const ExportEntry entry = MustParseEntry("/srv 192.0.2.7 2001:db8::7 ::ffff:192.0.2.8\n");
  ASSERT_EQ(entry.clients.size(), 3u);
  EXPECT_EQ(entry.clients[0].client.kind, ClientKind::kAddress);
  EXPECT_EQ(entry.clients[0].client.addresses, std::vector<IpAddress>{Ip("192.0.2.7")});
  EXPECT_EQ(entry.clients[1].client.kind, ClientKind::kAddress);
  EXPECT_EQ(entry.clients[1].client.addresses, std::vector<IpAddress>{Ip("2001:db8::7")});
  EXPECT_EQ(entry.clients[2].client.addresses, std::vector<IpAddress>{Ip("::ffff:192.0.2.8")});
  EXPECT_TRUE(resolver_.calls.empty());  // addresses are never looked up
}

TEST_F(ExportsParserTest, NetworkClients) {
  const ExportEntry entry = MustParseEntry(
      "/srv 10.0.0.0/8 10.1.0.0/255.255.0.0 fd00::/64 fd00:1::/ffff:ffff:: 0.0.0.0/0 "
      "192.0.2.1/32 ::/0\n");
  ASSERT_EQ(entry.clients.size(), 7u);
  const std::vector<std::pair<std::string, int>> expected = {
      {"10.0.0.0", 8}, {"10.1.0.0", 16},  {"fd00::", 64}, {"fd00:1::", 32},
      {"0.0.0.0", 0},  {"192.0.2.1", 32}, {"::", 0}};
  for (size_t i = 0; i < expected.size(); ++i) {
    const ClientSpec& spec = entry.clients[i].client;
    EXPECT_EQ(spec.kind, ClientKind::kNetwork) << spec.text;
    EXPECT_EQ(spec.network, Ip(expected[i].first)) << spec.text;
    EXPECT_EQ(spec.prefix_length, expected[i].second) << spec.text;
  }
  EXPECT_EQ(entry.clients[1].client.text, "10.1.0.0/255.255.0.0");
}

TEST_F(ExportsParserTest, NetworkWithHostBitsIsClearedWithAWarning) {
  const ParsedExports table = MustParse("/srv 10.1.2.3/8(rw)\n");
  ASSERT_EQ(table.entries.size(), 1u);
  const ClientSpec& spec = table.entries[0].clients[0].client;
  EXPECT_EQ(spec.network, Ip("10.0.0.0"));
  EXPECT_EQ(spec.prefix_length, 8);
  EXPECT_EQ(spec.text, "10.1.2.3/8");
  ASSERT_EQ(table.warnings.size(), 1u);
  EXPECT_EQ(table.warnings[0].ToString(),
            "exports:1:6: warning: \"10.1.2.3/8\" has host bits set; it means 10.0.0.0/8");
}

TEST_F(ExportsParserTest, RangeClients) {
  const ExportEntry entry =
      MustParseEntry("/srv 10.0.0.5-10.0.0.20 fd00::1-fd00::ff 10.0.0.9-10.0.0.9\n");
  ASSERT_EQ(entry.clients.size(), 3u);
  EXPECT_EQ(entry.clients[0].client.kind, ClientKind::kRange);
  EXPECT_EQ(entry.clients[0].client.first, Ip("10.0.0.5"));
  EXPECT_EQ(entry.clients[0].client.last, Ip("10.0.0.20"));
  EXPECT_EQ(entry.clients[1].client.first, Ip("fd00::1"));
  EXPECT_EQ(entry.clients[1].client.last, Ip("fd00::ff"));
  EXPECT_EQ(entry.clients[2].client.kind, ClientKind::kRange);
}

TEST_F(ExportsParserTest, HostNamesWithDashesAreNotRanges) {
  const ClientSpec spec = MustParseEntry("/srv build-01.lab\n").clients[0].client;
  EXPECT_EQ(spec.kind, ClientKind::kHostName);
  EXPECT_EQ(resolver_.calls, (std::map<std::string, int>{{"build-01.lab", 1}}));
}

TEST_F(ExportsParserTest, WildcardNameClients) {
  const ExportEntry entry = MustParseEntry("/srv *.Example.COM(rw) node?.lab *lab*\n");
  ASSERT_EQ(entry.clients.size(), 3u);
  EXPECT_EQ(entry.clients[0].client.kind, ClientKind::kWildcardName);
  EXPECT_EQ(entry.clients[0].client.text, "*.Example.COM");
  EXPECT_EQ(entry.clients[0].client.pattern, "*.example.com");
  EXPECT_EQ(entry.clients[1].client.pattern, "node?.lab");
  EXPECT_EQ(entry.clients[2].client.kind, ClientKind::kWildcardName);
  EXPECT_TRUE(resolver_.calls.empty());
}

TEST_F(ExportsParserTest, ClientFormErrors) {
  EXPECT_EQ(ErrorOf("/srv @trusted(rw)\n"),
            "exports:1:6: netgroups are not supported (\"@trusted\")");
  EXPECT_EQ(ErrorOf("/srv 10.0.0.256\n"),
            "exports:1:6: \"10.0.0.256\" is not a valid IPv4 address");
  EXPECT_EQ(ErrorOf("/srv 10.1\n"), "exports:1:6: \"10.1\" is not a valid IPv4 address");
  EXPECT_EQ(ErrorOf("/srv fe80::1%eth0\n"),
            "exports:1:6: \"fe80::1%eth0\" is not a valid IPv6 address");
  EXPECT_EQ(ErrorOf("/srv 10.0.0.0/33\n"),
            "exports:1:6: prefix length \"33\" in \"10.0.0.0/33\" is not from 0 to 32");
  EXPECT_EQ(ErrorOf("/srv fd00::/129\n"),
            "exports:1:6: prefix length \"129\" in \"fd00::/129\" is not from 0 to 128");
  EXPECT_EQ(ErrorOf("/srv 10.0.0.0/255.0.255.0\n"),
            "exports:1:6: netmask \"255.0.255.0\" in \"10.0.0.0/255.0.255.0\" is not contiguous");
  EXPECT_EQ(ErrorOf("/srv 10.0.0.0/ffff::\n"),
            "exports:1:6: \"ffff::\" in \"10.0.0.0/ffff::\" is neither a prefix length nor a "
            "netmask of the address's family");
  EXPECT_EQ(ErrorOf("/srv 10.0.0.0/\n"),
            "exports:1:6: \"\" in \"10.0.0.0/\" is neither a prefix length nor a netmask of the "
            "address's family");
  EXPECT_EQ(ErrorOf("/srv lab/24\n"),
            "exports:1:6: \"lab\" in \"lab/24\" is not an IP address (a network is "
            "ADDRESS/PREFIX or ADDRESS/NETMASK)");
  EXPECT_EQ(ErrorOf("/srv 10.0.0.9-10.0.0.1\n"),
            "exports:1:6: range \"10.0.0.9-10.0.0.1\" is empty: its first address is above its "
            "last");
  EXPECT_EQ(ErrorOf("/srv 10.0.0.1-fd00::1\n"),
            "exports:1:6: the ends of range \"10.0.0.1-fd00::1\" are of different address "
            "families");
  EXPECT_EQ(ErrorOf("/srv 10.0.0.1-host\n"),
            "exports:1:6: range end \"host\" in \"10.0.0.1-host\" is not an IP address (a range "
            "is FIRST-LAST)");
  EXPECT_EQ(ErrorOf("/srv *.exa!mple.com\n"),
            "exports:1:6: invalid wildcard name \"*.exa!mple.com\": only letters, digits, '-', "
            "'.', '_', '*' and '?' may appear");
  EXPECT_EQ(ErrorOf("/srv bad..name\n"),
            "exports:1:6: invalid client \"bad..name\": expected *, a host name, an IP address, "
            "ADDRESS/PREFIX, ADDRESS/NETMASK, FIRST-LAST or a wildcard name");
  EXPECT_EQ(ErrorOf("/srv gss/krb5(rw)\n"),
            "exports:1:6: \"gss\" in \"gss/krb5\" is not an IP address (a network is "
            "ADDRESS/PREFIX or ADDRESS/NETMASK)");
}

// --- Options ----------------------------------------------------------------------------------

TEST_F(ExportsParserTest, DefaultOptionsAreLinuxDefaults) {
  const ExportOptions options = OptionsOf("/srv server1\n");
  EXPECT_TRUE(options.read_only);
  EXPECT_TRUE(options.sync);
  EXPECT_EQ(options.squash, SquashMode::kRoot);
  EXPECT_EQ(options.anon_uid, 65534u);
  EXPECT_EQ(options.anon_gid, 65534u);
  EXPECT_TRUE(options.secure);
  EXPECT_TRUE(options.allow_subdirectory_mounts);
  EXPECT_EQ(options, ExportOptions());
}

TEST_F(ExportsParserTest, EveryOption) {
  auto with = [](auto change) {
    ExportOptions options;
    change(options);
    return options;
  };
  EXPECT_EQ(OptionsOf("/s *(ro)"), ExportOptions());
  EXPECT_EQ(OptionsOf("/s *(rw)"), with([](ExportOptions& o) { o.read_only = false; }));
  EXPECT_EQ(OptionsOf("/s *(sync)"), ExportOptions());
  EXPECT_EQ(OptionsOf("/s *(async)"), with([](ExportOptions& o) { o.sync = false; }));
  EXPECT_EQ(OptionsOf("/s *(root_squash)"), ExportOptions());
  EXPECT_EQ(OptionsOf("/s *(no_root_squash)"),
            with([](ExportOptions& o) { o.squash = SquashMode::kNone; }));
  EXPECT_EQ(OptionsOf("/s *(all_squash)"),
            with([](ExportOptions& o) { o.squash = SquashMode::kAll; }));
  EXPECT_EQ(OptionsOf("/s *(all_squash,root_squash)"),
            with([](ExportOptions& o) { o.squash = SquashMode::kAll; }));
  EXPECT_EQ(OptionsOf("/s *(no_all_squash)"), ExportOptions());
  EXPECT_EQ(OptionsOf("/s *(no_all_squash,no_root_squash)"),
            with([](ExportOptions& o) { o.squash = SquashMode::kNone; }));
  EXPECT_EQ(OptionsOf("/s *(anonuid=1000)"), with([](ExportOptions& o) { o.anon_uid = 1000; }));
  EXPECT_EQ(OptionsOf("/s *(anongid=0)"), with([](ExportOptions& o) { o.anon_gid = 0; }));
  EXPECT_EQ(OptionsOf("/s *(anonuid=4294967294)"),
            with([](ExportOptions& o) { o.anon_uid = 4294967294u; }));
  EXPECT_EQ(OptionsOf("/s *(secure)"), ExportOptions());
  EXPECT_EQ(OptionsOf("/s *(insecure)"), with([](ExportOptions& o) { o.secure = false; }));
  EXPECT_EQ(OptionsOf("/s *(alldirs)"), ExportOptions());
  EXPECT_EQ(OptionsOf("/s *(noalldirs)"),
            with([](ExportOptions& o) { o.allow_subdirectory_mounts = false; }));
  // Accepted so that Linux files load; no effect.
  EXPECT_EQ(OptionsOf("/s *(subtree_check)"), ExportOptions());
  EXPECT_EQ(OptionsOf("/s *(no_subtree_check)"), ExportOptions());
  // Repeating an option is not a conflict.
  EXPECT_EQ(OptionsOf("/s *(rw,rw)"), with([](ExportOptions& o) { o.read_only = false; }));
  EXPECT_EQ(OptionsOf("/s *(rw,async,no_root_squash,anonuid=1,anongid=2,insecure,noalldirs)"),
            (ExportOptions{false, false, SquashMode::kNone, 1, 2, false, false}));
}

TEST_F(ExportsParserTest, PerExportOptions) {
  ExportEntry entry = MustParseEntry("/srv/data server1(rw,name=/data,fsid=7) *(public)\n");
  EXPECT_EQ(entry.alias, "/data");
  EXPECT_EQ(entry.fsid, 7u);
  EXPECT_TRUE(entry.is_public);
  // Not client options: the clients' options are plain.
  EXPECT_EQ(entry.clients[1].options, ExportOptions());

  EXPECT_EQ(MustParseEntry("/srv *(name=share)\n").alias, "/share");  // made absolute
  EXPECT_EQ(MustParseEntry("/srv *(name=//a/./b/)\n").alias, "/a/b");
  EXPECT_EQ(MustParseEntry("/srv *(fsid=0)\n").fsid, 0u);
  EXPECT_EQ(MustParseEntry("/srv *(fsid=4294967295)\n").fsid, 4294967295u);
  // From the line's defaults, and repeated with the same value.
  entry = MustParseEntry("/srv -name=/s,fsid=3 a.lab(name=/s) b.lab(fsid=3)\n");
  EXPECT_EQ(entry.alias, "/s");
  EXPECT_EQ(entry.fsid, 3u);
  // An alias equal to the export's own path is harmless.
  EXPECT_EQ(MustParseEntry("/srv *(name=/srv)\n").alias, "/srv");
}

TEST_F(ExportsParserTest, OptionErrors) {
  EXPECT_EQ(ErrorOf("/etc/exports\n\n/srv  10.0.0.1(rw2)\n"),
            "exports:3:16: unknown option \"rw2\"");
  EXPECT_EQ(ErrorOf("/srv *(ro,sync,rw)\n"), "exports:1:16: option \"rw\" conflicts with \"ro\"");
  EXPECT_EQ(ErrorOf("/srv *(async,sync)\n"),
            "exports:1:14: option \"sync\" conflicts with \"async\"");
  EXPECT_EQ(ErrorOf("/srv *(no_root_squash,root_squash)\n"),
            "exports:1:23: option \"root_squash\" conflicts with \"no_root_squash\"");
  EXPECT_EQ(ErrorOf("/srv *(secure,insecure)\n"),
            "exports:1:15: option \"insecure\" conflicts with \"secure\"");
  EXPECT_EQ(ErrorOf("/srv *(alldirs,noalldirs)\n"),
            "exports:1:16: option \"noalldirs\" conflicts with \"alldirs\"");
  EXPECT_EQ(ErrorOf("/srv *(subtree_check,no_subtree_check)\n"),
            "exports:1:22: option \"no_subtree_check\" conflicts with \"subtree_check\"");
  EXPECT_EQ(ErrorOf("/srv *(all_squash,no_all_squash)\n"),
            "exports:1:19: option \"no_all_squash\" conflicts with \"all_squash\"");
  EXPECT_EQ(ErrorOf("/srv *(anonuid=1,anonuid=2)\n"),
            "exports:1:18: option \"anonuid=2\" conflicts with \"anonuid=1\"");
  EXPECT_EQ(ErrorOf("/srv *(all_squash,no_root_squash)\n"),
            "exports:1:19: option \"no_root_squash\" conflicts with \"all_squash\": all_squash "
            "squashes root too");
  EXPECT_EQ(ErrorOf("/srv *(no_root_squash,all_squash)\n"),
            "exports:1:23: option \"all_squash\" conflicts with \"no_root_squash\": all_squash "
            "squashes root too");
  EXPECT_EQ(ErrorOf("/srv -all_squash server1(no_root_squash)\n"),
            "exports:1:26: option \"no_root_squash\" conflicts with \"all_squash\": all_squash "
            "squashes root too");
  EXPECT_EQ(ErrorOf("/srv *(ro=1)\n"), "exports:1:8: option \"ro\" takes no value");
  EXPECT_EQ(ErrorOf("/srv *(public=yes)\n"), "exports:1:8: option \"public\" takes no value");
  EXPECT_EQ(ErrorOf("/srv *(anonuid)\n"),
            "exports:1:8: option \"anonuid\" needs a decimal id from 0 to 4294967294 "
            "(anonuid=N)");
  EXPECT_EQ(ErrorOf("/srv *(anongid=-2)\n"),
            "exports:1:8: option \"anongid\" needs a decimal id from 0 to 4294967294 "
            "(anongid=N)");
  EXPECT_EQ(ErrorOf("/srv *(anonuid=4294967295)\n"),
            "exports:1:8: option \"anonuid\" needs a decimal id from 0 to 4294967294 "
            "(anonuid=N)");
  EXPECT_EQ(ErrorOf("/srv *(anonuid=+5)\n"),
            "exports:1:8: option \"anonuid\" needs a decimal id from 0 to 4294967294 "
            "(anonuid=N)");
  EXPECT_EQ(ErrorOf("/srv *(fsid=root)\n"),
            "exports:1:8: fsid=root is not supported: give the export id as a decimal number");
  EXPECT_EQ(ErrorOf("/srv *(fsid=4294967296)\n"),
            "exports:1:8: option \"fsid\" needs a decimal number from 0 to 4294967295 (UUIDs are "
            "not supported)");
  EXPECT_EQ(ErrorOf("/srv *(fsid=6f1c8e4a-0000-0000-0000-000000000000)\n"),
            "exports:1:8: option \"fsid\" needs a decimal number from 0 to 4294967295 (UUIDs are "
            "not supported)");
  EXPECT_EQ(ErrorOf("/srv *(name=)\n"),
            "exports:1:8: option \"name\" needs an alias (name=/ALIAS)");
  EXPECT_EQ(ErrorOf("/srv *(name=/a/../b)\n"),
            "exports:1:8: alias \"/a/../b\" has a \"..\" component");
  EXPECT_EQ(ErrorOf("/srv *(mp)\n"),
            "exports:1:8: option \"mp\" is not supported: nfsuite does not check that an export "
            "is a mount point");
  EXPECT_EQ(ErrorOf("/srv *(crossmnt)\n"),
            "exports:1:8: option \"crossmnt\" is not supported: lookups never cross into a file "
            "system mounted below an export; export that file system on its own line");
  EXPECT_EQ(ErrorOf("/srv *(rw,nohide)\n"),
            "exports:1:11: option \"nohide\" is not supported: lookups never cross into a file "
            "system mounted below an export; export that file system on its own line");
  EXPECT_EQ(ErrorOf("/srv *(rw,,sync)\n"), "exports:1:11: empty option");
  EXPECT_EQ(ErrorOf("/srv *(rw,)\n"), "exports:1:11: empty option");
  EXPECT_EQ(ErrorOf("/srv *(,rw)\n"), "exports:1:8: empty option");
  // Per-export options: one value per line, whichever list gives it.
  EXPECT_EQ(ErrorOf("/srv a.lab(name=/a) b.lab(name=/b)\n"),
            "exports:1:27: option \"name=/b\" conflicts with \"name=/a\"");
  EXPECT_EQ(ErrorOf("/srv -fsid=1 a.lab(fsid=2)\n"),
            "exports:1:20: option \"fsid=2\" conflicts with \"fsid=1\"");
}

// --- Structure errors -------------------------------------------------------------------------

TEST_F(ExportsParserTest, PathErrors) {
  EXPECT_EQ(ErrorOf("srv/data *\n"), "exports:1:1: export path \"srv/data\" is not absolute");
  EXPECT_EQ(ErrorOf("\n   ./srv *\n"), "exports:2:4: export path \"./srv\" is not absolute");
  EXPECT_EQ(ErrorOf("/srv/../etc *\n"),
            "exports:1:1: export path \"/srv/../etc\" has a \"..\" component");
  EXPECT_EQ(ErrorOf("\"\" *\n"), "exports:1:1: export path \"\" is empty");
  EXPECT_EQ(ErrorOf("/srv/\\x41 *\n"),
            "exports:1:6: invalid escape: a backslash in a path starts \\ooo, three octal digits "
            "(\\040 is a space)");
  EXPECT_EQ(ErrorOf("/srv/\\04 *\n"),
            "exports:1:6: invalid escape: a backslash in a path starts \\ooo, three octal digits "
            "(\\040 is a space)");
  EXPECT_EQ(ErrorOf("/srv/a\\000 *\n"), "exports:1:7: escape \\000 (a NUL byte) in the path");
  EXPECT_EQ(ErrorOf("/srv/a\\400 *\n"), "exports:1:7: escape above \\377");
  EXPECT_EQ(ErrorOf(absl::StrCat("/", std::string(1024, 'x'), " *\n")),
            absl::StrCat("exports:1:1: export path \"/", std::string(1024, 'x'),
                         "\" is longer than 1024 bytes (MNTPATHLEN)"));
}

TEST_F(ExportsParserTest, DuplicatePaths) {
  EXPECT_EQ(ErrorOf("/srv *\n# gap\n//srv/ server1\n"),
            "exports:3:1: \"/srv\" is already exported on line 1");
  // Nested exports are fine.
  EXPECT_EQ(MustParse("/srv *\n/srv/a *\n").entries.size(), 2u);
}

TEST_F(ExportsParserTest, AliasConflicts) {
  EXPECT_EQ(ErrorOf("/a *(name=/x)\n/b *(rw,name=/x)\n"),
            "exports:2:9: alias \"/x\" is already used by the export on line 1");
  EXPECT_EQ(ErrorOf("/a *\n/b *(name=/a)\n"),
            "exports:2:6: alias \"/a\" is the path of the export on line 1");
  EXPECT_EQ(ErrorOf("/b *(name=/a)\n/a *\n"),
            "exports:2:1: export path \"/a\" is already the alias (name=) of the export on line 1");
}

TEST_F(ExportsParserTest, FsidAndPublicAreUnique) {
  EXPECT_EQ(ErrorOf("/a *(fsid=5)\n/b -fsid=5 *\n"),
            "exports:2:5: fsid=5 is already used by the export on line 1");
  EXPECT_EQ(ErrorOf("/a *(public)\n/b *(public)\n"),
            "exports:2:6: the export on line 1 is already public; there can be only one public "
            "export");
  // Different fsids, and one public export, are fine.
  const ParsedExports table = MustParse("/a *(fsid=0)\n/b *(fsid=1,public)\n/c *\n");
  ASSERT_EQ(table.entries.size(), 3u);
  EXPECT_EQ(table.FindPublic(), &table.entries[1]);
}

TEST_F(ExportsParserTest, DefaultOptionsErrors) {
  EXPECT_EQ(ErrorOf("/srv -rw\n"),
            "exports:1:6: no clients after the default options (write \"*\" for everyone)");
  EXPECT_EQ(ErrorOf("/srv - *\n"), "exports:1:6: no options after \"-\"");
  EXPECT_EQ(ErrorOf("/srv server1 -rw\n"),
            "exports:1:14: default options (-OPTIONS) must come right after the path");
  EXPECT_EQ(ErrorOf("/srv -rw(async) *\n"),
            "exports:1:9: default options (-OPTIONS) take no parentheses");
  EXPECT_EQ(ErrorOf("/srv -rw,bogus *\n"), "exports:1:10: unknown option \"bogus\"");
}

TEST_F(ExportsParserTest, ClientSyntaxErrors) {
  // The classic mistake: "host (rw)" would give everyone rw on Linux.
  EXPECT_EQ(ErrorOf("/srv server1 (rw)\n"),
            "exports:1:14: options \"(rw)\" have no client: no space may separate a client from "
            "its options (write \"*(rw)\" to mean everyone)");
  EXPECT_EQ(ErrorOf("/srv server1(rw, async)\n"),
            "exports:1:13: option list without \")\" (no spaces may appear inside the "
            "parentheses)");
  EXPECT_EQ(ErrorOf("/srv server1(rw)x\n"), "exports:1:17: unexpected text after the option list");
  EXPECT_EQ(ErrorOf("/srv server1)\n"), "exports:1:13: \")\" without \"(\"");
  EXPECT_EQ(ErrorOf("/srv server1(r(w)\n"), "exports:1:15: \"(\" inside an option list");
  EXPECT_EQ(ErrorOf("/srv \"server1\"\n"), "exports:1:6: quotes may only surround the export path");
  EXPECT_EQ(ErrorOf("/srv server\\0401\n"),
            "exports:1:12: backslash escapes may only appear in the export path");
}

TEST_F(ExportsParserTest, ScannerErrors) {
  EXPECT_EQ(ErrorOf("/a *\n/b \"/c *\n"), "exports:2:4: unterminated quote");
  EXPECT_EQ(ErrorOf("\"/srv *"), "exports:1:1: unterminated quote");
  EXPECT_EQ(ErrorOf("/srv *(rw) \\\n"),
            "exports:1:12: line continuation (\\ at the end of a line) at the end of the file");
  EXPECT_EQ(ErrorOf("/srv *(rw) \\"),
            "exports:1:12: line continuation (\\ at the end of a line) at the end of the file");
  EXPECT_EQ(ErrorOf(absl::string_view("/srv *\n/a\0 *\n", 13)),
            "exports:2:3: NUL byte (is this a text file?)");
}

TEST_F(ExportsParserTest, LocationsAfterAContinuationAreOnTheirPhysicalLine) {
  EXPECT_EQ(ErrorOf("/srv \\\n  server1(rw) \\\n    *(sink)\n"),
            "exports:3:7: unknown option \"sink\"");
  // A word split by a continuation: the option's bytes are on line 2.
  EXPECT_EQ(ErrorOf("/srv server1(rw,\\\nbogus)\n"), "exports:2:1: unknown option \"bogus\"");
}

TEST_F(ExportsParserTest, LineAndFileSizeLimits) {
  ExportsParseOptions options = Options();
  options.max_line_bytes = 16;
  EXPECT_EQ(ErrorOf("/srv *(rw,async)\n", options), "(no error)");  // exactly 16
  EXPECT_EQ(ErrorOf("/a *\n/srv *(rw,async) \n", options),
            "exports:2:17: line longer than 16 bytes");
  // The limit is on the joined line, counted in source bytes (the backslash too).
  EXPECT_EQ(ErrorOf("/srv \\\n*(rw,async)\n", options), "exports:2:11: line longer than 16 bytes");
  // Comments count: a huge line is refused whatever it holds.
  EXPECT_EQ(ErrorOf("# 345678901234567\n", options), "exports:1:17: line longer than 16 bytes");

  options = Options();
  options.max_file_bytes = 10;
  EXPECT_EQ(ErrorOf("/srv *(rw)", options), "(no error)");
  EXPECT_EQ(ErrorOf("/srv *(rw)\n", options), "exports: the file is larger than 10 bytes");

  // The defaults: 64 KiB lines, 16 MiB files.
  EXPECT_EQ(kDefaultMaxLineBytes, 65536u);
  EXPECT_EQ(kDefaultMaxFileBytes, 16777216u);
  EXPECT_EQ(ErrorOf(absl::StrCat("/srv ", std::string(70000, ' '), "*\n")),
            "exports:1:65537: line longer than 65536 bytes");
}

TEST_F(ExportsParserTest, ErrorStatus) {
  ExportsParseResult result = ParseExports("/srv *(rw2)\n", "/etc/exports", Options());
  ASSERT_TRUE(std::holds_alternative<ExportsError>(result));
  const ExportsError& error = std::get<ExportsError>(result);
  EXPECT_EQ(error.location, (SourceLocation{"/etc/exports", 1, 8}));
  EXPECT_EQ(error.reason, "unknown option \"rw2\"");
  EXPECT_EQ(error.ToStatus(),
            absl::InvalidArgumentError("/etc/exports:1:8: unknown option \"rw2\""));
}

TEST_F(ExportsParserTest, FirstErrorWinsAndNoTableIsReturned) {
  ExportsParseResult result =
      ParseExports("/good *\n/bad *(rw2)\n/worse *(rw3)\n", "exports", Options());
  ASSERT_TRUE(std::holds_alternative<ExportsError>(result));
  EXPECT_EQ(std::get<ExportsError>(result).location.line, 2);
}

TEST_F(ExportsParserTest, FindByName) {
  const ParsedExports table = MustParse("/srv/a *(name=/a)\n/srv/b *\n");
  EXPECT_EQ(table.FindByName("/srv/a"), &table.entries[0]);
  EXPECT_EQ(table.FindByName("/a"), &table.entries[0]);
  EXPECT_EQ(table.FindByName("/srv/b"), &table.entries[1]);
  EXPECT_EQ(table.FindByName("/b"), nullptr);
  EXPECT_EQ(table.FindPublic(), nullptr);
}

TEST_F(ExportsParserTest, EveryPrefixOfAFileParsesOrFailsWithALocation) {
  const std::string text =
      "# exports\n"
      "/srv/data -rw server1(async,name=/d) 10.0.0.0/8 \\\n"
      "    fd00::1-fd00::9(fsid=3) *.lab(public)\n"
      "\"/srv/my share\"\\041 *(ro) # tail\n";
  for (size_t length = 0; length <= text.size(); ++length) {
    const absl::string_view prefix = absl::string_view(text).substr(0, length);
    ExportsParseResult result = ParseExports(prefix, "exports", Options());
    if (const auto* error = std::get_if<ExportsError>(&result)) {
      EXPECT_GE(error->location.line, 1) << length << ": " << error->ToString();
      EXPECT_GE(error->location.column, 1) << length << ": " << error->ToString();
    }
  }
  // The whole text, and every cut at a line end, parse.
  EXPECT_EQ(MustParse(text).entries.size(), 2u);
  EXPECT_EQ(MustParse(text.substr(0, text.find("\"/srv"))).entries.size(), 1u);
}

// --- Files ------------------------------------------------------------------------------------

class ExportsFileTest : public ExportsParserTest {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/exports_parser_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    directory_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::string directory_;
};

TEST_F(ExportsFileTest, ReadsAndParsesAFile) {
  const std::string path = directory_ + "/exports";
  std::ofstream(path) << "# test\n/srv server1(rw)\n/bad *(rw2)\n";
  ExportsParseResult result = ParseExportsFile(path, Options());
  ASSERT_TRUE(std::holds_alternative<ExportsError>(result));
  EXPECT_EQ(std::get<ExportsError>(result).ToString(), path + ":3:8: unknown option \"rw2\"");

  std::ofstream(path, std::ios::trunc) << "/srv server1(rw)\n";
  result = ParseExportsFile(path, Options());
  ASSERT_TRUE(std::holds_alternative<ParsedExports>(result));
  EXPECT_EQ(std::get<ParsedExports>(result).entries.at(0).path, "/srv");
}

TEST_F(ExportsFileTest, UnreadableFiles) {
  ExportsParseResult result = ParseExportsFile(directory_ + "/missing", Options());
  ASSERT_TRUE(std::holds_alternative<ExportsError>(result));
  const ExportsError& missing = std::get<ExportsError>(result);
  EXPECT_EQ(missing.code, absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.ToString(),
            directory_ + "/missing: cannot read the exports file: No such file or directory");
  EXPECT_TRUE(absl::IsNotFound(missing.ToStatus()));

  result = ParseExportsFile(directory_, Options());  // a directory: read fails with EISDIR
  ASSERT_TRUE(std::holds_alternative<ExportsError>(result));
  EXPECT_EQ(std::get<ExportsError>(result).location, (SourceLocation{directory_, 0, 0}));
}

TEST_F(ExportsFileTest, OversizedFileIsRefusedWithoutReadingItAll) {
  const std::string path = directory_ + "/exports";
  std::ofstream(path) << std::string(1 << 20, '#');
  ExportsParseOptions options = Options();
  options.max_file_bytes = 1000;
  ExportsParseResult result = ParseExportsFile(path, options);
  ASSERT_TRUE(std::holds_alternative<ExportsError>(result));
  EXPECT_EQ(std::get<ExportsError>(result).ToString(),
            path + ": the file is larger than 1000 bytes");
}

// --- Command-line forms -----------------------------------------------------------------------

TEST_F(ExportsParserTest, ExportArgumentsAreOneLiteralLine) {
  const std::vector<std::string> arguments = {"/srv/my share/", "-rw,fsid=9", "server1(async)",
                                              "10.0.0.0/8"};
  ExportsParseResult result = ParseExportArguments(arguments, "nfsctl", Options());
  ASSERT_TRUE(std::holds_alternative<ParsedExports>(result));
  const ParsedExports& table = std::get<ParsedExports>(result);
  ASSERT_EQ(table.entries.size(), 1u);
  const ExportEntry& entry = table.entries[0];
  EXPECT_EQ(entry.path, "/srv/my share");
  EXPECT_EQ(entry.fsid, 9u);
  ASSERT_EQ(entry.clients.size(), 2u);
  EXPECT_FALSE(entry.clients[0].options.read_only);
  EXPECT_FALSE(entry.clients[0].options.sync);
  EXPECT_FALSE(entry.clients[1].options.read_only);

  // No quotes or escapes in arguments: the shell has already dealt with them.
  result = ParseExportArguments(std::vector<std::string>{"/srv/a\\040b", "*"}, "nfsctl", Options());
  ASSERT_TRUE(std::holds_alternative<ParsedExports>(result));
  EXPECT_EQ(std::get<ParsedExports>(result).entries[0].path, "/srv/a\\040b");
}

TEST_F(ExportsParserTest, ExportArgumentErrorsNameTheArgument) {
  auto error_of = [this](std::vector<std::string> arguments) {
    ExportsParseResult result = ParseExportArguments(arguments, "nfsctl", Options());
    if (!std::holds_alternative<ExportsError>(result)) return std::string("(no error)");
    return std::get<ExportsError>(result).ToString();
  };
  EXPECT_EQ(error_of({"/srv", "server1(rw)", "*(rw,bogus)"}),
            "nfsctl:3:6: unknown option \"bogus\"");
  EXPECT_EQ(error_of({"srv", "*"}), "nfsctl:1:1: export path \"srv\" is not absolute");
  EXPECT_EQ(error_of({"/srv", ""}), "nfsctl:2:1: empty client");
  EXPECT_EQ(error_of({}), "nfsctl: no export path");
  EXPECT_EQ(error_of({"/srv", "-rw"}),
            "nfsctl:2:1: no clients after the default options (write \"*\" for everyone)");
}

TEST_F(ExportsParserTest, SingleClientArgument) {
  auto result = ParseClientArgument("server1(rw,name=data,fsid=7,public)", "client", Options());
  ASSERT_TRUE(std::holds_alternative<ParsedClientArgument>(result));
  const ParsedClientArgument& parsed = std::get<ParsedClientArgument>(result);
  EXPECT_EQ(parsed.rule.client.kind, ClientKind::kHostName);
  EXPECT_EQ(parsed.rule.client.text, "server1");
  EXPECT_FALSE(parsed.rule.options.read_only);
  EXPECT_EQ(parsed.alias, "/data");
  EXPECT_EQ(parsed.fsid, 7u);
  EXPECT_TRUE(parsed.is_public);
  EXPECT_TRUE(parsed.warnings.empty());

  result = ParseClientArgument("10.0.0.0/8", "client", Options());
  ASSERT_TRUE(std::holds_alternative<ParsedClientArgument>(result));
  EXPECT_EQ(std::get<ParsedClientArgument>(result).rule.options, ExportOptions());
  EXPECT_FALSE(std::get<ParsedClientArgument>(result).alias.has_value());

  result = ParseClientArgument("nowhere(rw)", "client", Options());
  ASSERT_TRUE(std::holds_alternative<ParsedClientArgument>(result));
  ASSERT_EQ(std::get<ParsedClientArgument>(result).warnings.size(), 1u);
  EXPECT_EQ(std::get<ParsedClientArgument>(result).warnings[0].location,
            (SourceLocation{"client", 1, 1}));

  result = ParseClientArgument("*(rw,ro)", "client", Options());
  ASSERT_TRUE(std::holds_alternative<ExportsError>(result));
  EXPECT_EQ(std::get<ExportsError>(result).ToString(),
            "client:1:6: option \"ro\" conflicts with \"rw\"");
}

}  // namespace
}  // namespace nfsuite::exports
