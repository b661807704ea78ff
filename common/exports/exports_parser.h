#ifndef NFSUITE_COMMON_EXPORTS_EXPORTS_PARSER_H_
#define NFSUITE_COMMON_EXPORTS_EXPORTS_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/exports/export_entry.h"
#include "common/exports/host_resolution.h"

namespace nfsuite::exports {

// The exports file, exports(5) syntax with a few BSD extras:
//
//   # comment                        (also after an entry; '#' inside quotes is literal)
//   /srv/data   client1(rw,no_root_squash) 10.0.0.0/8(ro) *.lab.example.com
//   "/srv/my share"  -rw,async  host1 host2(ro)
//   /srv/long/path\040name  fd00::/64(rw) 10.1.0.1-10.1.0.9(ro,name=/long)
//
// Lines: the export path, then optionally "-OPTIONS" (defaults for every client on the line, which
// a client's own options override one by one), then clients, each optionally followed, without a
// space, by "(OPTIONS)". A bare path exports to "*" with default options and draws a warning.
// A backslash at the end of a line joins the next line to it (not inside a comment); a '#' outside
// quotes starts a comment that ends with the physical line.
//
// Paths: absolute, normalised lexically (see export_path.h). Double quotes may surround all or
// part of the path to keep spaces and '#' in it; "\ooo" (three octal digits, as Linux's \040) is
// a byte, in or out of quotes. Quotes and backslashes appear nowhere else.
//
// Clients: "*"; a host name (resolved when the file is loaded); an IPv4 or IPv6 address;
// ADDRESS/PREFIX or ADDRESS/NETMASK (host bits set draw a warning and are cleared); an inclusive
// range FIRST-LAST of one family; a wildcard name with '*' and '?' matched against the client's
// reverse-resolved name. "@netgroup" is refused: netgroups are not supported.
//
// Options (comma-separated, no spaces):
//   ro (default) | rw; sync (default) | async; root_squash (default) | no_root_squash;
//   all_squash | no_all_squash (default); anonuid=N, anongid=N (default 65534);
//   secure (default) | insecure; alldirs (default) | noalldirs;
//   subtree_check | no_subtree_check: accepted so Linux files load, no effect (the storage
//     backend decides what a handle may reach; posix_backend.h behaves like no_subtree_check);
//   per export, though written in a client's list or the "-" defaults: name=ALIAS, public, fsid=N
//     (0 to 4294967295). A line giving two different values for one of them is an error.
//   Refused with a reason rather than ignored, since ignoring them would change what clients see:
//     mp/mountpoint; crossmnt and nohide (lookups never cross into a file system mounted below an
//     export: export each one on its own line); fsid=root and fsid=UUID.
//   Opposite options in one list (ro,rw) are an error, and so is all_squash with no_root_squash;
//   a repeated option is not.
//
// Errors name the first problem as FILE:LINE:COLUMN (the offending token or option); the parser
// returns a complete table or that error, never part of a table. Across the file it also refuses
// duplicate paths, duplicate aliases, an alias equal to another export's path, two exports with
// one fsid, and more than one public export.

inline constexpr size_t kDefaultMaxLineBytes = 64 * 1024;         // a logical line, joined
inline constexpr size_t kDefaultMaxFileBytes = 16 * 1024 * 1024;  // the whole text

struct ExportsParseOptions {
  // Host-name clients are looked up once per name and parse. Null: no name resolves.
  HostResolver resolve_host = ResolveHostAddresses;
  size_t max_line_bytes = kDefaultMaxLineBytes;
  size_t max_file_bytes = kDefaultMaxFileBytes;
};

// Why a text was refused.
struct ExportsError {
  // kInvalidArgument for anything about the text; for ParseExportsFile, the errno's code when the
  // file could not be read (kNotFound, kPermissionDenied, ...).
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  SourceLocation location;
  std::string reason;

  // "FILE:LINE:COLUMN: REASON", e.g. /etc/exports:3:14: unknown option "rw2".
  std::string ToString() const;
  absl::Status ToStatus() const;
};

using ExportsParseResult = std::variant<ParsedExports, ExportsError>;

// Pure: no filesystem access; host names go through options.resolve_host. `file_name` is only
// for locations.
ExportsParseResult ParseExports(absl::string_view text, absl::string_view file_name,
                                const ExportsParseOptions& options = {});

// Reads the file (at most options.max_file_bytes + 1 bytes of it) and parses it.
ExportsParseResult ParseExportsFile(const std::string& path,
                                    const ExportsParseOptions& options = {});

// The command-line form of one line, e.g. for `nfsctl export add PATH [-OPTIONS] CLIENT(OPTIONS)`:
// arguments are the line's tokens, already split by the shell, so the path is taken literally
// (no quotes or \ooo escapes). Locations use `source_name` as the file, the 1-based argument
// number as the line and the byte in it as the column. The result has exactly one entry; checks
// against other entries (duplicates) are the caller's: parse the file with the line added.
ExportsParseResult ParseExportArguments(absl::Span<const std::string> arguments,
                                        absl::string_view source_name,
                                        const ExportsParseOptions& options = {});

// One "CLIENT" or "CLIENT(OPTIONS)" argument on its own, with default options underneath.
struct ParsedClientArgument {
  ClientRule rule;
  // Per-export options the argument carried.
  std::optional<std::string> alias;
  bool is_public = false;
  std::optional<uint32_t> fsid;
  std::vector<ExportsWarning> warnings;
};
// Locations: `source_name`, line 1, the column in `argument`.
std::variant<ParsedClientArgument, ExportsError> ParseClientArgument(
    absl::string_view argument, absl::string_view source_name,
    const ExportsParseOptions& options = {});

}  // namespace nfsuite::exports

#endif  // NFSUITE_COMMON_EXPORTS_EXPORTS_PARSER_H_
