#ifndef NFSUITE_COMMON_EXPORTS_CLIENT_MATCH_H_
#define NFSUITE_COMMON_EXPORTS_CLIENT_MATCH_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/exports/export_entry.h"
#include "common/exports/host_resolution.h"
#include "common/exports/ip_address.h"

namespace nfsuite::exports {

// The client a request came from, as matching sees it. Its host name is looked up only when a
// wildcard spec needs it, and then once for all the exports it is matched against. Not
// thread-safe: make one per request.
class ClientIdentity {
 public:
  // IPv4-mapped addresses (::ffff:a.b.c.d, from dual-stack sockets) are taken as the IPv4
  // address they carry.
  explicit ClientIdentity(const IpAddress& address,
                          ReverseResolver reverse_resolver = ReverseResolveConfirmed);

  const IpAddress& address() const { return address_; }
  // Lower case, without a trailing dot; nullopt when the address has no (confirmed) name.
  const std::optional<std::string>& Name();

 private:
  IpAddress address_;
  ReverseResolver reverse_resolver_;
  bool name_looked_up_ = false;
  std::optional<std::string> name_;
};

// Precedence classes, highest first. This is Linux's order (exports(5), "Machine Name Formats"):
// single hosts, then IP networks, then wildcard names, then everyone. Ranges count as networks;
// netgroups, Linux's class between wildcards and everyone, are not supported.
enum class MatchClass {
  kHost,      // kAddress, kHostName
  kNetwork,   // kNetwork, kRange
  kWildcard,  // kWildcardName
  kAnyone,    // "*"
};
MatchClass MatchClassOf(ClientKind kind);

// Whether one spec covers the client. An IPv4 client also matches IPv6 specs that cover its
// IPv4-mapped form ("::ffff:10.0.0.0/104", "::/0").
bool ClientSpecMatches(const ClientSpec& spec, ClientIdentity& client);

// The rule that applies to the client: the first matching spec of the highest class, so
// "* host1(rw)" gives host1 rw whatever the order, and within a class the first in line order
// wins. nullptr when no spec matches (the client may not use the export). Reverse lookups happen
// only if no host or network spec matched and the entry has a wildcard spec.
const ClientRule* MatchClient(const ExportEntry& entry, ClientIdentity& client);

struct ExportMatch {
  const ExportEntry* entry;
  const ClientRule* rule;
};
// Every entry the client may mount, in table order, each with the rule that applies (e.g. to
// list only those in an EXPORT reply).
std::vector<ExportMatch> MatchingExports(absl::Span<const ExportEntry> entries,
                                         ClientIdentity& client);

// exports(5) wildcards: '*' any run of characters (dots included, so "*.example.com" also covers
// "a.b.example.com"), '?' any one character; ASCII case-insensitive.
bool WildcardMatches(absl::string_view pattern, absl::string_view name);

}  // namespace nfsuite::exports

#endif  // NFSUITE_COMMON_EXPORTS_CLIENT_MATCH_H_
