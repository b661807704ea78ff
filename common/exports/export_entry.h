#ifndef NFSUITE_COMMON_EXPORTS_EXPORT_ENTRY_H_
#define NFSUITE_COMMON_EXPORTS_EXPORT_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/exports/ip_address.h"

namespace nfsuite::exports {

// The exports file model (exports(5) syntax; see exports_parser.h for the grammar).

// "nobody"/"nogroup" on Linux: the identity squashed requests run as unless anonuid/anongid say.
inline constexpr uint32_t kDefaultAnonymousId = 65534;

// Which callers' identities are replaced by anon_uid/anon_gid.
enum class SquashMode {
  kRoot,  // root_squash (the default): uid 0 and gid 0 only
  kNone,  // no_root_squash
  kAll,   // all_squash: every caller, root included
};

// What one client spec of an export may do. The defaults are those of Linux exports(5), chosen
// so that a client with no options gets the safest behaviour.
struct ExportOptions {
  bool read_only = true;  // ro / rw
  bool sync = true;       // sync / async: async answers writes before they reach stable storage
  SquashMode squash = SquashMode::kRoot;
  uint32_t anon_uid = kDefaultAnonymousId;  // anonuid=N
  uint32_t anon_gid = kDefaultAnonymousId;  // anongid=N
  bool secure = true;                       // secure / insecure: source port below 1024 required
  bool allow_subdirectory_mounts = true;    // alldirs / noalldirs: MNT below the export's root

  bool operator==(const ExportOptions&) const = default;
};

enum class ClientKind {
  kAnyone,        // "*"
  kHostName,      // "server1.example.com": its addresses, looked up when the file is loaded
  kAddress,       // "192.0.2.7", "2001:db8::7"
  kNetwork,       // "10.0.0.0/8", "10.0.0.0/255.0.0.0", "fd00::/64"
  kRange,         // "10.0.0.5-10.0.0.20", inclusive
  kWildcardName,  // "*.example.com", "node?.lab": the client's reverse-resolved name
};

// One client specification as written on an exports line.
struct ClientSpec {
  ClientKind kind = ClientKind::kAnyone;
  // As written: EXPORT replies and showmount list clients this way, and the formatter writes it.
  std::string text = "*";
  // kAddress: the address. kHostName: what the name resolved to when the file was loaded; empty
  // when it did not resolve, and then the spec matches nobody.
  std::vector<IpAddress> addresses;
  // kNetwork: the network address with its host bits cleared, and the prefix length.
  IpAddress network;
  int prefix_length = 0;
  // kRange: the inclusive bounds, of one family, first <= last.
  IpAddress first;
  IpAddress last;
  // kWildcardName: the pattern in lower case; '*' matches any run of characters, dots included,
  // and '?' any one character.
  std::string pattern;

  bool operator==(const ClientSpec&) const = default;
};

struct ClientRule {
  ClientSpec client;
  ExportOptions options;

  bool operator==(const ClientRule&) const = default;
};

// One exported directory: one line of the file.
struct ExportEntry {
  std::string path;  // lexically normalised, absolute
  // name=ALIAS: clients may also mount the export as "server:ALIAS". Normalised like the path.
  std::optional<std::string> alias;
  bool is_public = false;        // public: the WebNFS public export (at most one per table)
  std::optional<uint32_t> fsid;  // fsid=N: pins the export id carried in file handles
  // In line order; never empty (a line without clients exports to "*").
  std::vector<ClientRule> clients;
  int line = 0;  // where it was written; 0 when it did not come from a file

  // Equal contents; where the entry was written (`line`) is not part of what it is, so that an
  // entry survives format-then-parse equal to itself.
  bool operator==(const ExportEntry& other) const;
};

// A position in an exports file (or, for command-line arguments, line = argument number).
// line 0 means the file as a whole.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;  // 1-based, in bytes

  // "FILE:LINE:COLUMN", or "FILE" for the file as a whole.
  std::string ToString() const;
  bool operator==(const SourceLocation&) const = default;
};

// Something accepted that probably is not what was meant, e.g. a host name that did not resolve.
struct ExportsWarning {
  SourceLocation location;
  std::string message;

  // "FILE:LINE:COLUMN: warning: MESSAGE".
  std::string ToString() const;
};

// A complete, checked exports table.
struct ParsedExports {
  std::vector<ExportEntry> entries;  // in file order
  std::vector<ExportsWarning> warnings;

  // The entry whose path or alias is exactly `name` (already normalised), or nullptr. Paths and
  // aliases share one namespace, so there is at most one.
  const ExportEntry* FindByName(absl::string_view name) const;
  // The public export, or nullptr.
  const ExportEntry* FindPublic() const;
};

}  // namespace nfsuite::exports

#endif  // NFSUITE_COMMON_EXPORTS_EXPORT_ENTRY_H_
