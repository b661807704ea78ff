#include "common/exports/client_match.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"

namespace nfsuite::exports {
namespace {

// The client's address in `family`, or an invalid address when it has no such form. Clients are
// unmapped already, so an IPv6 client never has an IPv4 form.
IpAddress InFamily(const IpAddress& client, int family) {
  if (client.family() == family) return client;
  if (family == AF_INET6 && client.family() == AF_INET) return client.Mapped();
  return IpAddress();
}

bool SameHost(const IpAddress& spec_address, const IpAddress& client) {
  const IpAddress address = InFamily(client, spec_address.family());
  return address.valid() && address == spec_address;
}

}  // namespace

ClientIdentity::ClientIdentity(const IpAddress& address, ReverseResolver reverse_resolver)
    : address_(address.Unmapped()), reverse_resolver_(std::move(reverse_resolver)) {}

const std::optional<std::string>& ClientIdentity::Name() {
  if (!name_looked_up_) {
    name_looked_up_ = true;
    if (reverse_resolver_ && address_.valid()) name_ = reverse_resolver_(address_);
    if (name_.has_value()) {
      absl::AsciiStrToLower(&*name_);
      if (!name_->empty() && name_->back() == '.') name_->pop_back();
      if (name_->empty()) name_.reset();
    }
  }
  return name_;
}

MatchClass MatchClassOf(ClientKind kind) {
  switch (kind) {
    case ClientKind::kAddress:
    case ClientKind::kHostName:
      return MatchClass::kHost;
    case ClientKind::kNetwork:
    case ClientKind::kRange:
      return MatchClass::kNetwork;
    case ClientKind::kWildcardName:
      return MatchClass::kWildcard;
    case ClientKind::kAnyone:
      return MatchClass::kAnyone;
  }
  return MatchClass::kAnyone;
}

bool ClientSpecMatches(const ClientSpec& spec, ClientIdentity& client) {
  switch (spec.kind) {
    case ClientKind::kAnyone:
      return true;
    case ClientKind::kAddress:
    case ClientKind::kHostName:
      return std::any_of(
          spec.addresses.begin(), spec.addresses.end(),
          [&](const IpAddress& address) { return SameHost(address, client.address()); });
    case ClientKind::kNetwork: {
      const IpAddress address = InFamily(client.address(), spec.network.family());
      return address.valid() && address.Masked(spec.prefix_length) == spec.network;
    }
    case ClientKind::kRange: {
      const IpAddress address = InFamily(client.address(), spec.first.family());
      return address.valid() && spec.first <= address && address <= spec.last;
    }
    case ClientKind::kWildcardName: {
      const std::optional<std::string>& name = client.Name();
      return name.has_value() && WildcardMatches(spec.pattern, *name);
    }
  }
  return false;
}

const ClientRule* MatchClient(const ExportEntry& entry, ClientIdentity& client) {
  for (MatchClass match_class :
       {MatchClass::kHost, MatchClass::kNetwork, MatchClass::kWildcard, MatchClass::kAnyone}) {
    for (const ClientRule& rule : entry.clients) {
      if (MatchClassOf(rule.client.kind) == match_class && ClientSpecMatches(rule.client, client)) {
        return &rule;
      }
    }
  }
  return nullptr;
}

std::vector<ExportMatch> MatchingExports(absl::Span<const ExportEntry> entries,
                                         ClientIdentity& client) {
  std::vector<ExportMatch> matches;
  for (const ExportEntry& entry : entries) {
    if (const ClientRule* rule = MatchClient(entry, client); rule != nullptr) {
      matches.push_back(ExportMatch{&entry, rule});
    }
  }
  return matches;
}

bool WildcardMatches(absl::string_view pattern, absl::string_view name) {
  // Greedy with one backtrack point: on a mismatch, let the last '*' swallow one more character.
  // Linear in practice, O(pattern * name) at worst, never exponential.
  size_t p = 0;
  size_t n = 0;
  size_t star = absl::string_view::npos;
  size_t star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_n = n;
    } else if (p < pattern.size() && (pattern[p] == '?' || absl::ascii_tolower(pattern[p]) ==
                                                               absl::ascii_tolower(name[n]))) {
      ++p;
      ++n;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace nfsuite::exports
