#ifndef NFSUITE_TESTS_INTEGRATION_NLM_SERVER_FIXTURE_H_
#define NFSUITE_TESTS_INTEGRATION_NLM_SERVER_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/rpc/socket_address.h"
#include "service/lock/nlm_types.h"
#include "tests/integration/client_host.h"
#include "tests/integration/nfs3_test_client.h"
#include "tests/integration/nfs_server_fixture.h"
#include "tests/integration/nlm_fake_client.h"
#include "tests/integration/nlm_test_client.h"

namespace nfsuite::testing {

// The whole server (portmapd, mountd, nfsd) plus one client host in its own network namespace
// with its own portmapper and lock services (FakeLockClient), so that nfsd's callbacks (GRANTED,
// *_RES, SM_NOTIFY) have somewhere to go. nfsd listens on the wildcard address, reached at
// 127.0.0.1 and at its end of the link to the client host, on a port kept across restarts.
class LockServerTest : public NfsServerTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Stops nfsd (if running) and starts it again with the same state directory and port, plus
  // `extra` flags (--grace-period, --grant-timeout, --nsm-name).
  void RestartNfsd(const std::vector<std::string>& extra = {});

  // nfsd's NLM and NSM port, on both of its addresses.
  uint16_t lock_port() const { return lock_port_; }
  rpc::SocketAddress ServerOnLink() const;  // nfsd as the client host reaches it
  rpc::SocketAddress ServerOnLoopback() const;

  // Lock clients on the client host, and on this host's loopback (a second client machine as
  // nfsd sees it, without callbacks).
  std::unique_ptr<NlmTestClient> NlmFromClientHost(uint32_t version,
                                                   rpc::Transport transport = rpc::Transport::kTcp);
  std::unique_ptr<NlmTestClient> NlmFromLoopback(uint32_t version,
                                                 rpc::Transport transport = rpc::Transport::kTcp);
  // From another client host of the test's own (nfsd listens on every address).
  std::unique_ptr<NlmTestClient> NlmFromHost(const ClientHost& host, uint32_t version,
                                             rpc::Transport transport = rpc::Transport::kTcp);
  std::unique_ptr<NsmTestClient> NsmFromClientHost(rpc::Transport transport = rpc::Transport::kUdp);
  std::unique_ptr<NsmTestClient> NsmFromLoopback(rpc::Transport transport = rpc::Transport::kUdp);

  // How most tests start: a new file, a lock client for it on the client host (whose callbacks
  // arrive at fake_) and one on loopback; the clients are null when they could not connect.
  struct FileAndClients {
    lock::Netobj fh;
    std::unique_ptr<NlmTestClient> on_client_host;
    std::unique_ptr<NlmTestClient> on_loopback;
  };
  FileAndClients FileAndTwoClients(const std::string& name,
                                   uint32_t client_host_version = lock::kNlmVersion4,
                                   uint32_t loopback_version = lock::kNlmVersion4,
                                   rpc::Transport client_host_transport = rpc::Transport::kTcp,
                                   rpc::Transport loopback_transport = rpc::Transport::kTcp);

  // A new file in the export, created over NFS, and its handle as NLM carries it.
  lock::Netobj CreateFile(const std::string& name);
  std::string ServerPath(const std::string& name) const { return export_dir() + "/" + name; }

  // `nfsctl` against the fixture's daemons.
  CommandResult Nfsctl(std::vector<std::string> args);
  // nfsd's log, for failure messages.
  std::string NfsdLog() const;

  std::unique_ptr<ClientHost> host_;
  std::unique_ptr<FakeLockClient> fake_;
  std::unique_ptr<Nfs3TestClient> nfs_;
  nfs::NfsFh3 root_;

 private:
  void StartNfsdForClientHost(const std::vector<std::string>& extra);
  void ConnectNfs();  // nfs_, as uid 1000

  uint16_t lock_port_ = 0;
};

// A POSIX lock of this (test) process on a file of the server, as a local program on the server
// takes one with fcntl(F_SETLK). Released with the object. (POSIX locks belong to the process
// and any close of the file by it drops them: the tests open server files no other way while
// one is held.)
class LocalLock {
 public:
  explicit LocalLock(const std::string& path);
  ~LocalLock();
  LocalLock(const LocalLock&) = delete;
  LocalLock& operator=(const LocalLock&) = delete;

  // fcntl(F_SETLK): true when granted, false when someone (nfsd) holds a conflicting lock.
  bool TryLock(bool exclusive, uint64_t offset, uint64_t length);
  void Unlock(uint64_t offset, uint64_t length);
  // fcntl(F_GETLK): whether a lock of another process (or an OFD lock) conflicts with `exclusive`
  // over the range.
  bool Conflicts(bool exclusive, uint64_t offset, uint64_t length);

 private:
  int fd_ = -1;
};

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_NLM_SERVER_FIXTURE_H_
