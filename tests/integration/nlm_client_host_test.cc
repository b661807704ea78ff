// The client host the lock tests call back into: a network namespace with its own portmapper,
// reachable from this host at the client's address (where nfsd looks for a client's lock
// services), and distinct from this host's portmapper on 127.0.0.1.
#include <memory>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/client_host.h"
#include "tests/integration/portmapd_fixture.h"

namespace nfsuite::testing {
namespace {

constexpr uint32_t kProgram = 0x20000999;  // a user-defined program number

class ClientHostTest : public PortmapdTest {
 protected:
  void SetUp() override {
    if (const std::string why = ClientHost::WhyUnavailable(); !why.empty()) GTEST_SKIP() << why;
    PortmapdTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    absl::StatusOr<std::unique_ptr<ClientHost>> host = ClientHost::Create();
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
  }
  void TearDown() override {
    host_.reset();
    PortmapdTest::TearDown();
  }
  std::unique_ptr<ClientHost> host_;
};

TEST_F(ClientHostTest, ServiceRegisteredInsideIsFoundAtTheClientsAddressOnly) {
  // A service of the client host, registered with the client's portmapper from inside.
  std::unique_ptr<FakeService> service;
  absl::StatusOr<bool> set = absl::InternalError("not run");
  ASSERT_TRUE(host_
                  ->RunInside([&] {
                    service = std::make_unique<FakeService>();
                    set = rpc::PortmapClient().PmapSet(
                        {kProgram, 1, rpc::portmap::kIpProtoUdp, service->port()});
                  })
                  .ok());
  ASSERT_TRUE(set.ok()) << set.status() << "\n" << host_->portmapd().Log();
  ASSERT_TRUE(*set);

  // From this host, the client's portmapper at the client's address lists it...
  const rpc::PortmapClient client_portmapper(
      *rpc::SocketAddress::Parse(host_->client_address(), 111));
  absl::StatusOr<uint32_t> port = client_portmapper.PmapGetPort(kProgram, 1, 17);
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_EQ(*port, service->port());
  // ...and this host's own portmapper does not.
  absl::StatusOr<uint32_t> here = portmap_client_.PmapGetPort(kProgram, 1, 17);
  ASSERT_TRUE(here.ok()) << here.status();
  EXPECT_EQ(*here, 0u);

  // The namespace's loopback is its own: this host's portmapper is not reachable from inside
  // at 127.0.0.1 as the same table (the inside one lacks what this host registered).
  ASSERT_TRUE(portmap_client_.PmapSet({kProgram, 2, rpc::portmap::kIpProtoTcp, 999}).ok());
  absl::StatusOr<uint32_t> inside = absl::InternalError("not run");
  ASSERT_TRUE(host_
                  ->RunInside([&] {
                    inside =
                        rpc::PortmapClient().PmapGetPort(kProgram, 2, rpc::portmap::kIpProtoTcp);
                  })
                  .ok());
  ASSERT_TRUE(inside.ok()) << inside.status();
  EXPECT_EQ(*inside, 0u);
  (void)portmap_client_.PmapUnset(kProgram, 2);
  host_->RunInside([&] { service.reset(); }).IgnoreError();
}

TEST_F(ClientHostTest, LinkAddressesDifferPerHost) {
  absl::StatusOr<std::unique_ptr<ClientHost>> second = ClientHost::Create();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE((*second)->client_address(), host_->client_address());
  EXPECT_NE((*second)->namespace_name(), host_->namespace_name());
  const std::string name = (*second)->namespace_name();
  second->reset();
  const CommandResult list = RunCommand({"ip", "netns", "list"}, absl::Seconds(10));
  EXPECT_EQ(list.output.find(name + " "), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find(name + "\n"), std::string::npos) << list.output;
}

}  // namespace
}  // namespace nfsuite::testing
