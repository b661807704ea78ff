#ifndef NFSUITE_TESTS_INTEGRATION_MOUNTD_FIXTURE_H_
#define NFSUITE_TESTS_INTEGRATION_MOUNTD_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/rpc/rpc_client.h"
#include "service/mount/mount_protocol.h"
#include "tests/integration/portmapd_fixture.h"

namespace nfsuite::testing {

// mountd beside a real portmapd, exporting a fresh directory (`export_dir_`, canonical) with
// `--export` unless a test starts it otherwise. Stopped after the test, even when it fails.
class MountdTest : public PortmapdTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // `exports` replaces the default "--export DIR"; the common flags are always given.
  void StartMountd(std::vector<std::string> exports = {});
  void StopMountd();
  // Writes an exports file in the test's directory and returns its path.
  std::string WriteExportsFile(const std::string& contents);

  // A client of mountd over `transport`, found through the portmapper like any client.
  std::unique_ptr<rpc::RpcClient> ConnectMountd(rpc::Transport transport,
                                                uint32_t version = mount::kVersion3);
  mount::MountResult3 Mnt(rpc::RpcClient& client, const std::string& path);
  std::vector<mount::MountEntry> Dump(rpc::RpcClient& client);
  void Call(rpc::RpcClient& client, uint32_t procedure, const rpc::ArgumentEncoder& arguments);

  std::string export_dir_;
  std::unique_ptr<DaemonProcess> mountd_;
};

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_MOUNTD_FIXTURE_H_
