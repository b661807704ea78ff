#ifndef NFSUITE_TESTS_INTEGRATION_NFS_SERVER_FIXTURE_H_
#define NFSUITE_TESTS_INTEGRATION_NFS_SERVER_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/portmapd_fixture.h"

namespace nfsuite::testing {

// The whole server for one test: portmapd on port 111, then mountd and nfsd on ephemeral ports
// of 127.0.0.1, mountd exporting a fresh directory (and nfsd following mountd's table). Clients
// find mountd and nfsd through the portmapper, as real clients do. Everything is stopped after
// the test, even when it fails.
class NfsServerTest : public PortmapdTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // mountd exports the fixture's directory (--export DIR: "DIR *(rw,insecure)") unless `extra`
  // gives --exports-file.
  void StartMountd(const std::vector<std::string>& extra = {});
  void StartNfsd(const std::vector<std::string>& extra = {});
  void StopMountd();
  void StopNfsd();

  // Writes `contents` as the test's exports file (replacing it) and returns its path.
  std::string WriteExportsFile(const std::string& contents);

  // The exported directory (canonical path) and an nfs:// URL for a path inside it.
  const std::string& export_dir() const { return export_dir_; }
  std::string Url(const std::string& relative_path = "") const;

  std::unique_ptr<DaemonProcess> mountd_;
  std::unique_ptr<DaemonProcess> nfsd_;

 private:
  std::string export_dir_;
};

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_NFS_SERVER_FIXTURE_H_
