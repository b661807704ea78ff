#include "common/exports/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace nfsuite::exports {
namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

std::optional<IpAddress> IpAddress::Parse(absl::string_view text) {
  // inet_pton stops at a NUL; "10.0.0.1\0junk" is not an address.
  if (text.find('\0') != absl::string_view::npos) return std::nullopt;
  const std::string copy(text);
  IpAddress address;
  if (inet_pton(AF_INET, copy.c_str(), address.bytes_.data()) == 1) {
    address.family_ = AF_INET;
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes_.data()) == 1) {
    address.family_ = AF_INET6;
    return address;
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::FromSockaddr(const sockaddr* address, socklen_t length) {
  if (address == nullptr || length < static_cast<socklen_t>(sizeof(sa_family_t))) {
    return std::nullopt;
  }
  IpAddress result;
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof(v4));
    result.family_ = AF_INET;
    std::memcpy(result.bytes_.data(), &v4.sin_addr, 4);
    return result;
  }
  if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof(v6));
    result.family_ = AF_INET6;
    std::memcpy(result.bytes_.data(), &v6.sin6_addr, 16);
    return result;
  }
  return std::nullopt;
}

IpAddress IpAddress::V4(const std::array<uint8_t, 4>& bytes) {
  IpAddress result;
  result.family_ = AF_INET;
  std::copy(bytes.begin(), bytes.end(), result.bytes_.begin());
  return result;
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress result;
  result.family_ = AF_INET6;
  result.bytes_ = bytes;
  return result;
}

absl::Span<const uint8_t> IpAddress::bytes() const {
  switch (family_) {
    case AF_INET:
      return absl::MakeConstSpan(bytes_.data(), 4);
    case AF_INET6:
      return absl::MakeConstSpan(bytes_.data(), 16);
    default:
      return {};
  }
}

bool IpAddress::IsV4Mapped() const {
  return family_ == AF_INET6 &&
         std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes_.begin());
}

IpAddress IpAddress::Unmapped() const {
  if (!IsV4Mapped()) return *this;
  return V4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

IpAddress IpAddress::Mapped() const {
  if (family_ != AF_INET) return *this;
  std::array<uint8_t, 16> bytes{};
  std::copy(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes.begin());
  std::copy(bytes_.begin(), bytes_.begin() + 4, bytes.begin() + 12);
  return V6(bytes);
}

IpAddress IpAddress::Masked(int prefix_length) const {
  IpAddress result = *this;
  const int bits = bit_length();
  prefix_length = std::clamp(prefix_length, 0, bits);
  for (int byte = 0; byte < bits / 8; ++byte) {
    const int kept = std::clamp(prefix_length - byte * 8, 0, 8);
    result.bytes_[byte] &= static_cast<uint8_t>(0xff00 >> kept);
  }
  return result;
}

std::string IpAddress::ToString() const {
  if (!valid()) return "";
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(family_, bytes_.data(), text, sizeof(text)) == nullptr) return "";
  return text;
}

void IpAddress::ToSockaddr(sockaddr_storage* storage, socklen_t* length) const {
  std::memset(storage, 0, sizeof(*storage));
  *length = 0;
  if (family_ == AF_INET) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    std::memcpy(&v4.sin_addr, bytes_.data(), 4);
    std::memcpy(storage, &v4, sizeof(v4));
    *length = sizeof(v4);
  } else if (family_ == AF_INET6) {
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    std::memcpy(&v6.sin6_addr, bytes_.data(), 16);
    std::memcpy(storage, &v6, sizeof(v6));
    *length = sizeof(v6);
  }
}

}  // namespace nfsuite::exports
