// The client end of nfs_load: where the server is (from an nfs:// URL), one NFSv3 connection to it
// made with libnfs's raw RPC layer, and the root handle of the export from MOUNT v3's MNT.
#ifndef NFSUITE_TESTS_BENCH_NFS_LOAD_CONNECTION_H_
#define NFSUITE_TESTS_BENCH_NFS_LOAD_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct rpc_context;

namespace nfsuite::bench {

int64_t NowNanos();

// nfs://HOST/EXPORT[?nfsport=P&mountport=M], the query keys libnfs's own URLs use. A port left out
// is asked of the portmapper on HOST.
struct ServerUrl {
  std::string host;
  std::string export_path;
  int nfs_port = 0;
  int mount_port = 0;
};
absl::StatusOr<ServerUrl> ParseServerUrl(absl::string_view url);

// One TCP connection to nfsd. The raw layer is used rather than libnfs's file API because the
// benchmark needs calls that API does not make (NULL, READDIRPLUS, FILE_SYNC writes) and must
// put exactly one RPC on the wire per operation.
class Connection {
 public:
  // Mounts `url`'s export (one MNT on a connection of its own) and connects to nfsd. `index`
  // spreads the connections' transaction ids apart, so that no two connections send the same xid
  // (a server's duplicate request cache must not take one for the other).
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const ServerUrl& url, int index,
                                                          double timeout_seconds);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  rpc_context* rpc() const { return rpc_; }
  const std::string& root_handle() const { return root_handle_; }

  // One call, waited for: `send` queues it with the callback and private data it is given, and
  // `on_reply` sees the RPC status and the decoded reply. For set-up and clean-up, not for load.
  using Send = std::function<int(void (*)(rpc_context*, int, void*, void*), void*)>;
  using OnReply = std::function<absl::Status(int status, void* reply)>;
  absl::Status Call(const Send& send, const OnReply& on_reply, double timeout_seconds);

 private:
  explicit Connection(rpc_context* rpc, std::string root_handle)
      : rpc_(rpc), root_handle_(std::move(root_handle)) {}

  rpc_context* rpc_;
  std::string root_handle_;
};

// Services `rpc` until `*done` or the deadline (NowNanos() clock).
absl::Status ServiceUntil(rpc_context* rpc, const bool* done, int64_t deadline_ns);

}  // namespace nfsuite::bench

#endif  // NFSUITE_TESTS_BENCH_NFS_LOAD_CONNECTION_H_
