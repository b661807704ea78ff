#ifndef NFSUITE_COMMON_RPC_RPC_SERVER_H_
#define NFSUITE_COMMON_RPC_RPC_SERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/socket_address.h"
#include "common/rpc/worker_pool.h"

namespace nfsuite::rpc {

struct ListenerSpec {
  Transport transport = Transport::kTcp;
  SocketAddress address;  // port 0 picks an ephemeral port
};

struct ServerOptions {
  std::vector<ListenerSpec> listeners;
  // A TCP record larger than this closes its connection (and only that one).
  size_t max_record_size = 1024 * 1024 + 64 * 1024;
  // At the limit, the least recently active idle connection is closed to admit a new one, so
  // idle connections cannot lock new clients out; with none idle the new one is refused.
  size_t max_connections = 1024;
  // Connections one client address may hold at once; more are refused, so that one client
  // cannot take the whole of max_connections from the others.
  size_t max_connections_per_client = 256;
  absl::Duration idle_timeout = absl::Minutes(6);
  // Calls of one connection being processed at once; past it the connection is not read.
  size_t max_in_flight_per_connection = 32;
  // Unsent reply bytes past which a connection is not read until they drain (a client that sends
  // faster than it reads); past this plus max_in_flight_per_connection records, which a client
  // that reads at all never reaches, the connection is closed.
  size_t max_pending_output = 8 * 1024 * 1024;
  size_t worker_threads = 4;
  // UDP calls queued for workers; more are dropped (UDP clients retransmit).
  size_t max_udp_queue = 1024;
  size_t max_udp_datagram = 65535;
  // Skip IPv6 listeners when the host has no IPv6 instead of failing.
  bool tolerate_missing_ipv6 = true;
};

// Counters for status displays and tests.
struct ServerCounters {
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;
  uint64_t closed_idle = 0;
  uint64_t closed_evicted = 0;
  uint64_t closed_oversized = 0;
  uint64_t udp_dropped = 0;
};

// Serves a Dispatcher over TCP (record marking) and UDP, IPv4 and IPv6, from one event-loop
// thread plus a worker pool. Calls marked Execution::kInline run on the loop; others on workers,
// several of one connection at a time, each reply written whole.
class RpcServer final {
 public:
  RpcServer(ServerOptions options, const Dispatcher& dispatcher);
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Binds every listener and starts serving.
  absl::Status Start();
  // Stops accepting and reading, lets running calls finish, closes everything.
  void Stop();

  struct BoundListener {
    Transport transport;
    SocketAddress address;  // with the real port
  };
  std::vector<BoundListener> listeners() const;
  ServerCounters counters() const;

 private:
  class Connection;
  struct Listener {
    Transport transport;
    SocketAddress address;
    int fd = -1;
  };

  void Loop();
  void Accept(const Listener& listener);
  void ReadConnection(const std::shared_ptr<Connection>& connection);
  void HandleRecord(const std::shared_ptr<Connection>& connection, std::vector<uint8_t> record);
  void SendTcpReply(const std::shared_ptr<Connection>& connection, const xdr::XdrEncoder& reply);
  void FinishCall(const std::shared_ptr<Connection>& connection);
  void FlushOutput(const std::shared_ptr<Connection>& connection);
  void CloseConnection(uint64_t id);
  bool EvictOldestIdle();
  void SweepIdle();
  void ReadUdp(const Listener& listener);
  void UpdateInterest(Connection& connection);
  // Whether the connection may be read for more calls now.
  bool WantsCalls(Connection& connection) const;

  const ServerOptions options_;
  const Dispatcher& dispatcher_;
  std::vector<Listener> listeners_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread loop_thread_;
  std::unique_ptr<WorkerPool> workers_;
  std::vector<uint8_t> staging_;  // loop thread only

  // Connections are owned by the loop thread's table; workers hold references while they run.
  absl::flat_hash_map<uint64_t, std::shared_ptr<Connection>> connections_;  // loop thread only
  absl::flat_hash_map<std::string, size_t> connections_per_client_;         // loop thread only
  uint64_t next_connection_id_ = 1;                                         // loop thread only
  std::atomic<size_t> udp_queued_{0};

  mutable absl::Mutex counters_mu_;
  ServerCounters counters_ ABSL_GUARDED_BY(counters_mu_);
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_RPC_SERVER_H_
