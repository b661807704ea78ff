#ifndef NFSUITE_COMMON_EXPORTS_HOST_RESOLUTION_H_
#define NFSUITE_COMMON_EXPORTS_HOST_RESOLUTION_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/exports/ip_address.h"

namespace nfsuite::exports {

// Name lookups are injected so that the parser and the matcher can be tested (and fuzzed) without
// a network, and so that a daemon can put a cache or a timeout in front of them.

// A host name's addresses (forward lookup). An error means the name does not resolve.
using HostResolver = std::function<absl::StatusOr<std::vector<IpAddress>>(const std::string&)>;
// A client address's host name (reverse lookup): lower case, without a trailing dot; nullopt when
// the address has no name.
using ReverseResolver = std::function<std::optional<std::string>(const IpAddress&)>;

// getaddrinfo (so /etc/hosts and nsswitch apply): every IPv4 and IPv6 address of the name,
// IPv4-mapped ones as IPv4, sorted, without duplicates. kNotFound when the name has no address,
// kUnavailable when the lookup could not be made (a DNS timeout).
absl::StatusOr<std::vector<IpAddress>> ResolveHostAddresses(const std::string& name);

// getnameinfo with NI_NAMEREQD, then confirmed by a forward lookup of that name, which must list
// the address. Whoever controls an address's reverse zone can make its PTR record say anything,
// such as "trusted.example.com"; only the forward zone is the name owner's word.
std::optional<std::string> ReverseResolveConfirmed(const IpAddress& address);

}  // namespace nfsuite::exports

#endif  // NFSUITE_COMMON_EXPORTS_HOST_RESOLUTION_H_
