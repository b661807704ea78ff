#include "common/exports/host_resolution.h"

#include <netdb.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace nfsuite::exports {

absl::StatusOr<std::vector<IpAddress>> ResolveHostAddresses(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one result per address instead of one per socket type
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &raw);
  if (rc != 0) {
    const std::string why = rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
    if (rc == EAI_AGAIN || rc == EAI_SYSTEM || rc == EAI_MEMORY) {
      return absl::UnavailableError(absl::StrCat("cannot look up \"", name, "\": ", why));
    }
    return absl::NotFoundError(absl::StrCat("\"", name, "\" does not resolve: ", why));
  }
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> results(raw, &freeaddrinfo);
  std::vector<IpAddress> addresses;
  for (const addrinfo* entry = results.get(); entry != nullptr; entry = entry->ai_next) {
    std::optional<IpAddress> address = IpAddress::FromSockaddr(entry->ai_addr, entry->ai_addrlen);
    if (address.has_value()) addresses.push_back(address->Unmapped());
  }
  if (addresses.empty()) {
    return absl::NotFoundError(absl::StrCat("\"", name, "\" has no IP address"));
  }
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

std::optional<std::string> ReverseResolveConfirmed(const IpAddress& address) {
  sockaddr_storage storage;
  socklen_t length = 0;
  address.Unmapped().ToSockaddr(&storage, &length);
  if (length == 0) return std::nullopt;
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&storage), length, host, sizeof(host), nullptr,
                  0, NI_NAMEREQD) != 0) {
    return std::nullopt;
  }
  std::string name = absl::AsciiStrToLower(host);
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty()) return std::nullopt;
  const absl::StatusOr<std::vector<IpAddress>> forward = ResolveHostAddresses(name);
  if (!forward.ok() ||
      std::find(forward->begin(), forward->end(), address.Unmapped()) == forward->end()) {
    return std::nullopt;
  }
  return name;
}

}  // namespace nfsuite::exports
