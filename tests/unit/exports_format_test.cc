#include "common/exports/exports_format.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/exports/exports_parser.h"
#include "gtest/gtest.h"

namespace nfsuite::exports {

// Failure messages show entries as the line they would be written as.
void PrintTo(const ExportEntry& entry, std::ostream* out) {
  *out << FormatExportEntry(entry) << " (line " << entry.line << ")";
}

namespace {

absl::StatusOr<std::vector<IpAddress>> FakeResolve(const std::string& name) {
  if (name == "server1") return std::vector<IpAddress>{*IpAddress::Parse("192.0.2.10")};
  return absl::NotFoundError("no such host");
}

ExportsParseOptions Options() {
  ExportsParseOptions options;
  options.resolve_host = FakeResolve;
  return options;
}

std::vector<ExportEntry> MustParse(absl::string_view text) {
  ExportsParseResult result = ParseExports(text, "exports", Options());
  if (const auto* error = std::get_if<ExportsError>(&result)) {
    ADD_FAILURE() << error->ToString() << "\nin:\n" << text;
    return {};
  }
  return std::get<ParsedExports>(result).entries;
}

TEST(FormatExportPath, QuotesAndEscapesOnlyWhatNeedsIt) {
  EXPECT_EQ(FormatExportPath("/srv/data"), "/srv/data");
  EXPECT_EQ(FormatExportPath("/srv/my share"), "\"/srv/my share\"");
  EXPECT_EQ(FormatExportPath("/srv/a#b"), "\"/srv/a#b\"");
  EXPECT_EQ(FormatExportPath("/srv/tab\there"), "/srv/tab\\011here");
  EXPECT_EQ(FormatExportPath("/srv/new\nline"), "/srv/new\\012line");
  EXPECT_EQ(FormatExportPath("/srv/q\"uote"), "/srv/q\\042uote");
  EXPECT_EQ(FormatExportPath("/srv/back\\slash"), "/srv/back\\134slash");
  EXPECT_EQ(FormatExportPath("/srv/\x7f"), "/srv/\\177");
  EXPECT_EQ(FormatExportPath("/srv/\xc3\xa9t\xc3\xa9"), "/srv/\xc3\xa9t\xc3\xa9");  // UTF-8 as is
  EXPECT_EQ(FormatExportPath("/srv/(x),y"), "/srv/(x),y");
}

TEST(FormatExportOptions, AccessModeAlwaysThenNonDefaults) {
  EXPECT_EQ(FormatExportOptions(ExportOptions()), "ro");
  ExportOptions options;
  options.read_only = false;
  EXPECT_EQ(FormatExportOptions(options), "rw");
  options = ExportOptions{false, false, SquashMode::kAll, 1000, 100, false, false};
  EXPECT_EQ(FormatExportOptions(options),
            "rw,async,all_squash,anonuid=1000,anongid=100,insecure,noalldirs");
  options = ExportOptions();
  options.squash = SquashMode::kNone;
  EXPECT_EQ(FormatExportOptions(options), "ro,no_root_squash");
}

TEST(FormatExportEntry, Golden) {
  ExportEntry entry;
  entry.path = "/srv/my data";
  entry.alias = "/data";
  entry.is_public = true;
  entry.fsid = 7;
  ClientRule host;
  host.client.kind = ClientKind::kHostName;
  host.client.text = "server1";
  host.options.read_only = false;
  host.options.squash = SquashMode::kNone;
  ClientRule everyone;
  entry.clients = {host, everyone};
  EXPECT_EQ(FormatExportEntry(entry),
            "\"/srv/my data\" -name=/data,public,fsid=7 server1(rw,no_root_squash) *(ro)");

  entry.alias.reset();
  entry.is_public = false;
  entry.fsid.reset();
  entry.clients = {everyone};
  EXPECT_EQ(FormatExports({entry, entry}), "\"/srv/my data\" *(ro)\n\"/srv/my data\" *(ro)\n");
}

TEST(ExportsRoundTrip, ParseFormatParseGivesEqualEntries) {
  const std::string text =
      "# every client form and option\n"
      "/srv/data -rw,async server1(no_root_squash) 10.0.0.0/8(ro) 10.1.0.0/255.255.0.0 \\\n"
      "    fd00::/64(insecure,anonuid=1000,anongid=1000) 10.2.0.1-10.2.0.9(noalldirs) \\\n"
      "    *.Example.COM(all_squash) node?.lab 192.0.2.7 2001:db8::7 ghost(rw) *(sync)\n"
      "\"/srv/my share\" *(name=share,fsid=0)\n"
      "/srv/odd\\011name\\042\\134\\043 -public 10.9.8.7/8\n"
      "/ *\n";
  const std::vector<ExportEntry> entries = MustParse(text);
  ASSERT_EQ(entries.size(), 4u);
  const std::string formatted = FormatExports(entries);
  const std::vector<ExportEntry> again = MustParse(formatted);
  EXPECT_EQ(again, entries) << formatted;
  // And formatting is stable.
  EXPECT_EQ(FormatExports(again), formatted);
  EXPECT_EQ(formatted,
            "/srv/data server1(rw,async,no_root_squash) 10.0.0.0/8(ro,async) "
            "10.1.0.0/255.255.0.0(rw,async) fd00::/64(rw,async,anonuid=1000,anongid=1000,insecure) "
            "10.2.0.1-10.2.0.9(rw,async,noalldirs) *.Example.COM(rw,async,all_squash) "
            "node?.lab(rw,async) 192.0.2.7(rw,async) 2001:db8::7(rw,async) ghost(rw,async) *(rw)\n"
            "\"/srv/my share\" -name=/share,fsid=0 *(ro)\n"
            "\"/srv/odd\\011name\\042\\134#\" -public 10.9.8.7/8(ro)\n"
            "/ *(ro)\n");
}

TEST(ExportsRoundTrip, EveryOptionCombination) {
  // 2 * 2 * 3 * 2 * 2 * 2 * 2 = 192 combinations of the option values.
  int checked = 0;
  for (bool read_only : {true, false}) {
    for (bool sync : {true, false}) {
      for (SquashMode squash : {SquashMode::kRoot, SquashMode::kNone, SquashMode::kAll}) {
        for (uint32_t anon_uid : {kDefaultAnonymousId, 0u}) {
          for (uint32_t anon_gid : {kDefaultAnonymousId, 4294967294u}) {
            for (bool secure : {true, false}) {
              for (bool subdirectories : {true, false}) {
                ExportEntry entry;
                entry.path = "/srv";
                entry.clients.push_back(
                    ClientRule{ClientSpec(), ExportOptions{read_only, sync, squash, anon_uid,
                                                           anon_gid, secure, subdirectories}});
                const std::string line = FormatExportEntry(entry);
                const std::vector<ExportEntry> parsed = MustParse(line);
                ASSERT_EQ(parsed.size(), 1u) << line;
                EXPECT_EQ(parsed[0], entry) << line;
                ++checked;
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 192);
}

TEST(ExportsRoundTrip, EveryPathByte) {
  // Each byte but NUL and '/' inside a path component survives formatting and parsing.
  for (int byte = 1; byte < 256; ++byte) {
    if (byte == '/') continue;
    ExportEntry entry;
    entry.path = absl::StrCat("/srv/a", std::string(1, static_cast<char>(byte)), "b");
    entry.clients.push_back(ClientRule());
    const std::string line = FormatExportEntry(entry);
    const std::vector<ExportEntry> parsed = MustParse(line);
    ASSERT_EQ(parsed.size(), 1u) << "byte " << byte << ": " << line;
    EXPECT_EQ(parsed[0], entry) << "byte " << byte << ": " << line;
  }
}

TEST(ExportsRoundTrip, CommandLineArgumentsFormatToAFileLine) {
  // What `nfsctl export add` will do: arguments in, a file line out, the same entry back.
  const std::vector<std::string> arguments = {"/srv/my share", "-fsid=3", "server1(rw)",
                                              "10.0.0.0/8(ro,insecure)"};
  ExportsParseResult from_arguments = ParseExportArguments(arguments, "nfsctl", Options());
  ASSERT_TRUE(std::holds_alternative<ParsedExports>(from_arguments));
  const ExportEntry& entry = std::get<ParsedExports>(from_arguments).entries.at(0);
  const std::string line = FormatExportEntry(entry);
  EXPECT_EQ(line, "\"/srv/my share\" -fsid=3 server1(rw) 10.0.0.0/8(ro,insecure)");
  EXPECT_EQ(MustParse(line), std::vector<ExportEntry>{entry});
}

TEST(ExportsRoundTrip, AnythingThatParsesRoundTripsAndAnythingElseFailsCleanly) {
  // A deterministic stand-in for fuzzing: mutate a file that exercises the whole grammar, and
  // hold every outcome to the parser's contract.
  const std::string seed =
      "# comment\n"
      "/srv/data -rw,async server1(no_root_squash,name=/d) 10.0.0.0/8(ro) \\\n"
      "  fd00::/64(insecure,anonuid=1000) 10.2.0.1-10.2.0.9(noalldirs,fsid=4) *.ex.com(public)\n"
      "\"/srv/my share\"\\040x *(all_squash) node?.lab 192.0.2.7/255.255.255.0 # tail\n";
  const std::string alphabet = "/*?-.,:()=\"\\#@ \t\n\r0123456789abfrsw_x";
  std::mt19937 random(20220623);
  int parsed = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text = seed;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int edit = 0; edit < edits && !text.empty(); ++edit) {
      const size_t at = random() % text.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          text[at] = c;
          break;
        case 1:
          text.insert(at, 1, c);
          break;
        default:
          text.erase(at, 1);
          break;
      }
    }
    ExportsParseResult result = ParseExports(text, "exports", Options());
    if (const auto* error = std::get_if<ExportsError>(&result)) {
      const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
      EXPECT_GE(error->location.line, 1) << error->ToString() << "\n" << text;
      EXPECT_LE(error->location.line, lines) << error->ToString() << "\n" << text;
      EXPECT_GE(error->location.column, 1) << error->ToString() << "\n" << text;
      EXPECT_FALSE(error->reason.empty());
      continue;
    }
    ++parsed;
    const std::vector<ExportEntry>& entries = std::get<ParsedExports>(result).entries;
    const std::string formatted = FormatExports(entries);
    EXPECT_EQ(MustParse(formatted), entries) << "from:\n" << text << "\nformatted:\n" << formatted;
  }
  // Both outcomes were exercised.
  EXPECT_GT(parsed, 100);
  EXPECT_LT(parsed, 3900);
}

}  // namespace
}  // namespace nfsuite::exports
