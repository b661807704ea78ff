#ifndef NFSUITE_TESTS_INTEGRATION_PORTMAPD_FIXTURE_H_
#define NFSUITE_TESTS_INTEGRATION_PORTMAPD_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/rpc/portmap_client.h"
#include "common/rpc/rpc_client.h"
#include "gtest/gtest.h"
#include "tests/integration/test_support.h"

namespace nfsuite::testing {

// Runs a real portmapd on port 111 of the loopback addresses for each test, and stops it after.
// Port 111 because Debian's `rpcinfo -p` asks nowhere else.
class PortmapdTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // (Re)starts portmapd with the fixture's directories plus `extra` flags.
  void StartPortmapd(const std::vector<std::string>& extra = {});
  void StopPortmapd();

  std::unique_ptr<rpc::RpcClient> Connect(rpc::Transport transport);
  CommandResult Rpcinfo(const std::vector<std::string>& args);
  std::string state_dir() const { return directory_.path() + "/state"; }
  std::string run_dir() const { return directory_.path() + "/run"; }

  TemporaryDirectory directory_;
  std::unique_ptr<DaemonProcess> portmapd_;
  rpc::PortmapClient portmap_client_;
};

// A TCP listening socket and a UDP socket on the same loopback port: what a live RPC daemon
// holds, so portmapd's liveness check keeps its registrations.
class FakeService {
 public:
  FakeService();
  ~FakeService();
  uint16_t port() const { return port_; }
  void Close();

 private:
  int tcp_fd_ = -1;
  int udp_fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_PORTMAPD_FIXTURE_H_
