#ifndef NFSUITE_TESTS_INTEGRATION_CLIENT_HOST_H_
#define NFSUITE_TESTS_INTEGRATION_CLIENT_HOST_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/integration/test_support.h"

namespace nfsuite::testing {

// Another machine for the server to talk to: a network namespace joined to this host by a veth
// pair (server end 10.X.Y.1/24 here, client end 10.X.Y.2/24 inside, and `lo` up inside), running
// its own portmapd on port 111. Servers call clients back through the client's portmapper (NLM
// GRANTED, NSM SM_NOTIFY), which cannot be this host's port 111, where the server registers.
// Names and subnet come from the test process's id and a counter, so that test binaries running
// at once never collide. The destructor stops the portmapd and deletes the pair and the
// namespace, also when a test failed half-way.
class ClientHost {
 public:
  // Why client hosts cannot be made here (not root, no `ip`), or "" when they can.
  static std::string WhyUnavailable();

  // Creates the namespace and the link and starts portmapd inside.
  static absl::StatusOr<std::unique_ptr<ClientHost>> Create();
  ~ClientHost();
  ClientHost(const ClientHost&) = delete;
  ClientHost& operator=(const ClientHost&) = delete;

  const std::string& namespace_name() const { return namespace_; }
  // The server's address on the link (in this namespace) and the client's (inside).
  const std::string& server_address() const { return server_address_; }
  const std::string& client_address() const { return client_address_; }

  // Runs `fn` on a thread that joined the client's network namespace, and waits for it. Sockets
  // made there (RpcClient::Connect, RpcServer::Start, a PortmapClient's calls) are the client
  // host's, and keep being so when used from other threads afterwards.
  absl::Status RunInside(const std::function<void()>& fn) const;

  // The client's portmapd (for its log in failure messages).
  DaemonProcess& portmapd() { return *portmapd_; }

 private:
  ClientHost() = default;
  absl::Status SetUpLink();
  absl::Status StartPortmapd();

  std::string namespace_;
  std::string server_link_;  // the veth end in this namespace
  std::string client_link_;  // its peer, moved inside
  std::string server_address_;
  std::string client_address_;
  bool namespace_created_ = false;
  bool link_created_ = false;
  TemporaryDirectory directory_;  // the client portmapd's state and run directories
  std::unique_ptr<DaemonProcess> portmapd_;
};

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_CLIENT_HOST_H_
