#include "common/rpc/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace nfsuite::rpc {
namespace {

SocketAddress MustParse(const std::string& host, uint16_t port) {
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse(host, port);
  EXPECT_TRUE(address.ok()) << host << ": " << address.status();
  return address.ok() ? *address : SocketAddress();
}

TEST(SocketAddressParse, Ipv4) {
  const SocketAddress address = MustParse("192.0.2.7", 2049);
  ASSERT_EQ(address.family(), AF_INET);
  EXPECT_TRUE(address.valid());
  EXPECT_EQ(address.port(), 2049);
  EXPECT_EQ(address.length(), sizeof(sockaddr_in));
  const auto* raw = reinterpret_cast<const sockaddr_in*>(address.sockaddr_ptr());
  EXPECT_EQ(ntohs(raw->sin_port), 2049);
  EXPECT_EQ(ntohl(raw->sin_addr.s_addr), 0xC0000207u);
  EXPECT_EQ(address.HostString(), "192.0.2.7");
}

TEST(SocketAddressParse, Ipv6) {
  const SocketAddress address = MustParse("2001:db8::1", 111);
  ASSERT_EQ(address.family(), AF_INET6);
  EXPECT_TRUE(address.valid());
  EXPECT_EQ(address.port(), 111);
  EXPECT_EQ(address.length(), sizeof(sockaddr_in6));
  const auto* raw = reinterpret_cast<const sockaddr_in6*>(address.sockaddr_ptr());
  EXPECT_EQ(ntohs(raw->sin6_port), 111);
  EXPECT_EQ(raw->sin6_addr.s6_addr[0], 0x20);
  EXPECT_EQ(raw->sin6_addr.s6_addr[1], 0x01);
  EXPECT_EQ(raw->sin6_addr.s6_addr[15], 0x01);
  EXPECT_EQ(address.HostString(), "2001:db8::1");
}

TEST(SocketAddressParse, InvalidHosts) {
  for (const char* host : {"", "localhost", "1.2.3", "256.1.1.1", "1.2.3.4.5", "::1::2", "[::1]",
                           "1.2.3.4:80", "gggg::1"}) {
    SCOPED_TRACE(host);
    absl::StatusOr<SocketAddress> address = SocketAddress::Parse(host, 1);
    EXPECT_FALSE(address.ok());
    EXPECT_EQ(address.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(SocketAddressDefault, IsInvalid) {
  SocketAddress address;
  EXPECT_FALSE(address.valid());
  EXPECT_EQ(address.port(), 0);
  EXPECT_FALSE(address.IsLoopback());
  EXPECT_FALSE(address.IsWildcard());
  EXPECT_EQ(address.HostString(), "?");
}

TEST(SocketAddressUniversal, Ipv4Wildcard) {
  absl::StatusOr<SocketAddress> address = SocketAddress::FromUniversalAddress("0.0.0.0.0.111");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(address->family(), AF_INET);
  EXPECT_EQ(address->port(), 111);
  EXPECT_TRUE(address->IsWildcard());
  EXPECT_EQ(address->HostString(), "0.0.0.0");
}

TEST(SocketAddressUniversal, PortUsesBothOctets) {
  absl::StatusOr<SocketAddress> address = SocketAddress::FromUniversalAddress("10.1.2.3.8.1");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(address->port(), 2049);  // 8 * 256 + 1
  EXPECT_EQ(address->HostString(), "10.1.2.3");
  address = SocketAddress::FromUniversalAddress("10.1.2.3.255.255");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(address->port(), 65535);
}

TEST(SocketAddressUniversal, Ipv6Loopback) {
  absl::StatusOr<SocketAddress> address = SocketAddress::FromUniversalAddress("::1.0.111");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(address->family(), AF_INET6);
  EXPECT_EQ(address->port(), 111);
  EXPECT_TRUE(address->IsLoopback());
  EXPECT_EQ(address->HostString(), "::1");
}

TEST(SocketAddressUniversal, Ipv6LinkLocal) {
  absl::StatusOr<SocketAddress> address = SocketAddress::FromUniversalAddress("fe80::1.8.1");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(address->family(), AF_INET6);
  EXPECT_EQ(address->port(), 2049);
  EXPECT_EQ(address->HostString(), "fe80::1");
  EXPECT_FALSE(address->IsLoopback());
}

TEST(SocketAddressUniversal, BadInputs) {
  for (const char* uaddr : {"1.2.3",
                            "1.2.3.4.256.1",
                            "1.2.3.4.1.256",
                            "x",
                            "",
                            ".",
                            "..",
                            "1.2.3.4",
                            "1.2.3.4.5",
                            "1.2.3.4..1",
                            "1.2.3.4.1.",
                            "1.2.3.4.a.1",
                            "::1",
                            "::1.1",
                            "host.example.0.111",
                            ".0.111",
                            "1.2.3.4.+1.1",
                            "1.2.3.4. 1.1",
                            "1.2.3.4.1.1 ",
                            "1.2.3.4.0001.1"}) {
    SCOPED_TRACE(uaddr);
    EXPECT_FALSE(SocketAddress::FromUniversalAddress(uaddr).ok());
  }
}

TEST(SocketAddressUniversal, FormatAndRoundTrip) {
  EXPECT_EQ(SocketAddress::Loopback4(111).UniversalAddress(), "127.0.0.1.0.111");
  EXPECT_EQ(MustParse("::1", 2049).UniversalAddress(), "::1.8.1");
  EXPECT_EQ(MustParse("0.0.0.0", 0).UniversalAddress(), "0.0.0.0.0.0");
  EXPECT_EQ(MustParse("10.0.0.1", 65535).UniversalAddress(), "10.0.0.1.255.255");
  for (const char* uaddr : {"127.0.0.1.0.111", "::1.8.1", "fe80::1.8.1", "192.168.1.20.3.232",
                            "::.0.0", "2001:db8::5.255.0"}) {
    SCOPED_TRACE(uaddr);
    absl::StatusOr<SocketAddress> address = SocketAddress::FromUniversalAddress(uaddr);
    ASSERT_TRUE(address.ok()) << address.status();
    EXPECT_EQ(address->UniversalAddress(), uaddr);
  }
}

TEST(SocketAddressFormat, ToString) {
  EXPECT_EQ(SocketAddress::Loopback4(111).ToString(), "127.0.0.1:111");
  EXPECT_EQ(MustParse("::1", 2049).ToString(), "[::1]:2049");
  EXPECT_EQ(MustParse("fe80::abcd", 0).ToString(), "[fe80::abcd]:0");
}

TEST(SocketAddressPredicates, IsLoopback) {
  EXPECT_TRUE(MustParse("127.0.0.1", 1).IsLoopback());
  EXPECT_TRUE(MustParse("127.5.5.5", 1).IsLoopback());
  EXPECT_TRUE(MustParse("127.255.255.255", 1).IsLoopback());
  EXPECT_TRUE(MustParse("::1", 1).IsLoopback());
  EXPECT_TRUE(MustParse("::ffff:127.0.0.1", 1).IsLoopback());
  EXPECT_TRUE(MustParse("::ffff:127.9.8.7", 1).IsLoopback());
  EXPECT_FALSE(MustParse("10.0.0.1", 1).IsLoopback());
  EXPECT_FALSE(MustParse("128.0.0.1", 1).IsLoopback());
  EXPECT_FALSE(MustParse("1.0.0.127", 1).IsLoopback());
  EXPECT_FALSE(MustParse("0.0.0.0", 1).IsLoopback());
  EXPECT_FALSE(MustParse("::", 1).IsLoopback());
  EXPECT_FALSE(MustParse("::2", 1).IsLoopback());
  EXPECT_FALSE(MustParse("::ffff:10.0.0.1", 1).IsLoopback());
  // 127.0.0.1 embedded in a non-mapped IPv6 address is not loopback.
  EXPECT_FALSE(MustParse("64:ff9b::127.0.0.1", 1).IsLoopback());
  EXPECT_TRUE(SocketAddress::Loopback4(5).IsLoopback());
}

TEST(SocketAddressPredicates, IsWildcard) {
  EXPECT_TRUE(MustParse("0.0.0.0", 111).IsWildcard());
  EXPECT_TRUE(MustParse("::", 111).IsWildcard());
  EXPECT_FALSE(MustParse("127.0.0.1", 111).IsWildcard());
  EXPECT_FALSE(MustParse("::1", 111).IsWildcard());
  EXPECT_FALSE(MustParse("0.0.0.1", 111).IsWildcard());
  EXPECT_FALSE(MustParse("::ffff:0.0.0.0", 111).IsWildcard());
}

TEST(SocketAddressNetId, ByFamilyAndTransport) {
  EXPECT_EQ(MustParse("127.0.0.1", 1).NetId(Transport::kTcp), "tcp");
  EXPECT_EQ(MustParse("127.0.0.1", 1).NetId(Transport::kUdp), "udp");
  EXPECT_EQ(MustParse("::1", 1).NetId(Transport::kTcp), "tcp6");
  EXPECT_EQ(MustParse("::1", 1).NetId(Transport::kUdp), "udp6");
}

TEST(SocketAddressPort, SetPort) {
  SocketAddress v4 = MustParse("127.0.0.1", 1);
  v4.set_port(0xABCD);
  EXPECT_EQ(v4.port(), 0xABCD);
  EXPECT_EQ(v4.HostString(), "127.0.0.1");
  SocketAddress v6 = MustParse("::1", 1);
  v6.set_port(443);
  EXPECT_EQ(v6.port(), 443);
  EXPECT_EQ(v6.ToString(), "[::1]:443");
}

TEST(SocketAddressSockaddr, FromSockaddrRoundTrip) {
  sockaddr_in6 raw;
  std::memset(&raw, 0, sizeof(raw));
  raw.sin6_family = AF_INET6;
  raw.sin6_port = htons(2049);
  ASSERT_EQ(inet_pton(AF_INET6, "fd00::42", &raw.sin6_addr), 1);
  const SocketAddress address =
      SocketAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(&raw), sizeof(raw));
  EXPECT_EQ(address.ToString(), "[fd00::42]:2049");
  EXPECT_EQ(address.length(), sizeof(sockaddr_in6));
  EXPECT_EQ(std::memcmp(address.sockaddr_ptr(), &raw, sizeof(raw)), 0);
}

TEST(SocketAddressEquality, HostAndPort) {
  EXPECT_EQ(MustParse("127.0.0.1", 5), SocketAddress::Loopback4(5));
  EXPECT_FALSE(MustParse("127.0.0.1", 5) == SocketAddress::Loopback4(6));
  EXPECT_FALSE(MustParse("127.0.0.2", 5) == SocketAddress::Loopback4(5));
  EXPECT_FALSE(MustParse("::ffff:127.0.0.1", 5) == SocketAddress::Loopback4(5));
  EXPECT_EQ(MustParse("::1", 7), MustParse("0:0::1", 7));

  absl::flat_hash_set<SocketAddress> set;
  set.insert(SocketAddress::Loopback4(5));
  set.insert(MustParse("127.0.0.1", 5));
  set.insert(MustParse("127.0.0.1", 6));
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace nfsuite::rpc
