#include "common/rpc/rpc_server.h"

#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/rpc/record_marking.h"
#include "common/rpc/socket_io.h"
#include "common/util/logging.h"

namespace nfsuite::rpc {
namespace {

constexpr uint64_t kWakeTag = 0;
constexpr uint64_t kListenerTag = uint64_t{1} << 63;
constexpr size_t kStagingSize = 64 * 1024;
// Reads per readiness event on one connection, so one busy client cannot starve the others.
constexpr int kReadsPerEvent = 16;
constexpr int kDatagramsPerEvent = 64;

int64_t NowNanos() { return absl::GetCurrentTimeNanos(); }

}  // namespace

class RpcServer::Connection {
 public:
  Connection(uint64_t id, int fd, SocketAddress peer, SocketAddress local, size_t max_record)
      : id(id),
        fd(fd),
        peer(peer),
        local(local),
        assembler(max_record),
        last_activity(NowNanos()) {}
  ~Connection() { close(fd); }  // only when no worker holds it any more: no fd reuse races

  const uint64_t id;
  const int fd;
  const SocketAddress peer;
  const SocketAddress local;
  RecordAssembler assembler;  // loop thread only
  std::atomic<int64_t> last_activity;

  absl::Mutex mu;
  std::vector<uint8_t> pending ABSL_GUARDED_BY(mu);  // reply bytes the socket did not take yet
  size_t pending_sent ABSL_GUARDED_BY(mu) = 0;
  size_t in_flight ABSL_GUARDED_BY(mu) = 0;
  bool closed ABSL_GUARDED_BY(mu) = false;
  uint32_t registered_events ABSL_GUARDED_BY(mu) = EPOLLIN;

  bool Idle() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return in_flight == 0 && pending_sent == pending.size();
  }
  size_t Unsent() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return pending.size() - pending_sent; }
};

RpcServer::RpcServer(ServerOptions options, const Dispatcher& dispatcher)
    : options_(std::move(options)), dispatcher_(dispatcher) {}

RpcServer::~RpcServer() {
  Stop();
  for (Listener& listener : listeners_) {
    if (listener.fd >= 0) close(listener.fd);
  }
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

absl::Status RpcServer::Start() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return ErrnoStatus("creating the event loop");
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.u64 = kWakeTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake);

  for (const ListenerSpec& spec : options_.listeners) {
    absl::StatusOr<BoundSocket> bound = BindSocket(spec.transport, spec.address);
    if (!bound.ok()) {
      if (spec.address.family() == AF_INET6 && options_.tolerate_missing_ipv6 &&
          absl::IsUnavailable(bound.status())) {
        Logf(LogLevel::kWarning, "skipping %s listener: %s", spec.address.NetId(spec.transport),
             bound.status().message());
        continue;
      }
      return bound.status();
    }
    const size_t index = listeners_.size();
    listeners_.push_back({spec.transport, bound->address, bound->fd});
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kListenerTag | index;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, bound->fd, &event);
    Logf(LogLevel::kInfo, "listening on %s %s", spec.address.NetId(spec.transport),
         bound->address.ToString());
  }
  staging_.resize(std::max(kStagingSize, options_.max_udp_datagram));
  if (options_.worker_threads > 0) {
    workers_ = std::make_unique<WorkerPool>(options_.worker_threads);
  }
  loop_thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void RpcServer::Stop() {
  if (!loop_thread_.joinable()) return;
  stopping_ = true;
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
  loop_thread_.join();
  for (Listener& listener : listeners_) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listener.fd, nullptr);
  }
  // Calls already running finish and send their replies before the connections close.
  workers_.reset();
  std::vector<uint64_t> ids;
  for (const auto& [id, connection] : connections_) ids.push_back(id);
  for (uint64_t id : ids) CloseConnection(id);
}

std::vector<RpcServer::BoundListener> RpcServer::listeners() const {
  std::vector<BoundListener> result;
  for (const Listener& listener : listeners_) {
    result.push_back({listener.transport, listener.address});
  }
  return result;
}

ServerCounters RpcServer::counters() const {
  absl::MutexLock lock(&counters_mu_);
  return counters_;
}

void RpcServer::Loop() {
  epoll_event events[256];
  int64_t last_sweep = NowNanos();
  const int timeout_ms = static_cast<int>(
      std::clamp<int64_t>(absl::ToInt64Milliseconds(options_.idle_timeout / 4), 50, 1000));
  while (!stopping_) {
    const int count = epoll_wait(epoll_fd_, events, 256, timeout_ms);
    for (int i = 0; i < count && !stopping_; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kWakeTag) continue;
      if (tag & kListenerTag) {
        const Listener& listener = listeners_[tag & ~kListenerTag];
        if (listener.transport == Transport::kTcp) {
          Accept(listener);
        } else {
          ReadUdp(listener);
        }
        continue;
      }
      auto it = connections_.find(tag);
      if (it == connections_.end()) continue;
      std::shared_ptr<Connection> connection = it->second;
      // A full hang-up or an error: nothing more can be read or delivered. Closing at once also
      // keeps a paused connection (no EPOLLIN wanted) from reporting EPOLLHUP in a busy loop.
      if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        CloseConnection(tag);
        continue;
      }
      if (events[i].events & EPOLLIN) ReadConnection(connection);
      if ((events[i].events & EPOLLOUT) && connections_.contains(tag)) FlushOutput(connection);
    }
    if (NowNanos() - last_sweep >= 1'000'000'000 / 4) {
      SweepIdle();
      last_sweep = NowNanos();
    }
  }
}

void RpcServer::Accept(const Listener& listener) {
  for (;;) {
    sockaddr_storage peer_storage{};
    socklen_t peer_length = sizeof(peer_storage);
    const int fd = accept4(listener.fd, reinterpret_cast<sockaddr*>(&peer_storage), &peer_length,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && EvictOldestIdle()) continue;
      if (errno != EAGAIN) Logf(LogLevel::kWarning, "accept: %s", std::strerror(errno));
      return;
    }
    const SocketAddress peer =
        SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&peer_storage), peer_length);
    const std::string client = peer.HostString();
    const auto held = connections_per_client_.find(client);
    const bool client_full = held != connections_per_client_.end() &&
                             held->second >= options_.max_connections_per_client;
    if (client_full) {
      Logf(LogLevel::kDebug, "refusing a connection from %s: it already holds %zu", client,
           held->second);
    }
    if (client_full || (connections_.size() >= options_.max_connections && !EvictOldestIdle())) {
      close(fd);
      absl::MutexLock lock(&counters_mu_);
      ++counters_.connections_refused;
      continue;
    }
    ++connections_per_client_[client];
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    const uint64_t id = next_connection_id_++;
    auto connection =
        std::make_shared<Connection>(id, fd, peer, LocalAddressOf(fd), options_.max_record_size);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = id;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    connections_.emplace(id, std::move(connection));
    absl::MutexLock lock(&counters_mu_);
    ++counters_.connections_accepted;
    counters_.connections_open = connections_.size();
  }
}

void RpcServer::ReadConnection(const std::shared_ptr<Connection>& connection) {
  const RecordSink sink = [this, &connection](std::vector<uint8_t> record) {
    HandleRecord(connection, std::move(record));
  };
  for (int i = 0; i < kReadsPerEvent; ++i) {
    {
      absl::MutexLock lock(&connection->mu);
      if (connection->closed || !WantsCalls(*connection)) return;
    }
    ssize_t count;
    absl::Span<uint8_t> direct = connection->assembler.DirectReadSpace();
    if (!direct.empty()) {
      count = recv(connection->fd, direct.data(), direct.size(), 0);
      connection->assembler.CommitDirectRead(count > 0 ? count : 0, sink);
    } else {
      count = recv(connection->fd, staging_.data(), kStagingSize, 0);
      if (count > 0) {
        absl::Status fed =
            connection->assembler.Feed(absl::Span<const uint8_t>(staging_.data(), count), sink);
        if (!fed.ok()) {
          Logf(LogLevel::kWarning, "closing connection from %s: %s", connection->peer.ToString(),
               fed.message());
          {
            absl::MutexLock lock(&counters_mu_);
            ++counters_.closed_oversized;
          }
          CloseConnection(connection->id);
          return;
        }
      }
    }
    if (count > 0) {
      connection->last_activity = NowNanos();
      continue;
    }
    if (count < 0 && errno == EINTR) continue;
    if (count < 0 && errno == EAGAIN) return;
    CloseConnection(connection->id);  // orderly shutdown by the peer, or a socket error
    return;
  }
}

void RpcServer::HandleRecord(const std::shared_ptr<Connection>& connection,
                             std::vector<uint8_t> record) {
  const CallOrigin origin{connection->peer, connection->local, Transport::kTcp};
  if (workers_ == nullptr || dispatcher_.ExecutionFor(record) == Execution::kInline) {
    std::optional<xdr::XdrEncoder> reply = dispatcher_.Dispatch(record, origin);
    if (reply.has_value()) SendTcpReply(connection, *reply);
    return;
  }
  {
    absl::MutexLock lock(&connection->mu);
    ++connection->in_flight;
    UpdateInterest(*connection);
  }
  workers_->Submit([this, connection, origin, record = std::move(record)] {
    std::optional<xdr::XdrEncoder> reply = dispatcher_.Dispatch(record, origin);
    if (reply.has_value()) SendTcpReply(connection, *reply);
    FinishCall(connection);
  });
}

void RpcServer::SendTcpReply(const std::shared_ptr<Connection>& connection,
                             const xdr::XdrEncoder& reply) {
  uint8_t mark[4];
  StoreBigEndian32(mark, SingleFragmentHeader(reply.size()));
  std::vector<iovec> pieces = {{mark, sizeof(mark)}};
  reply.Gather(pieces);

  absl::MutexLock lock(&connection->mu);
  if (connection->closed) return;
  size_t sent = 0;
  if (connection->pending_sent == connection->pending.size()) {
    absl::StatusOr<size_t> written = WriteGather(connection->fd, pieces);
    if (!written.ok()) {
      connection->closed = true;
      shutdown(connection->fd, SHUT_RDWR);  // the loop sees the hang-up and drops it
      return;
    }
    sent = *written;
  }
  AppendUnsent(pieces, sent, connection->pending);
  // A client that reads its replies, however slowly, does not get here: its connection stops being
  // read at max_pending_output, and only the calls already in flight can add a reply after that.
  const size_t limit = options_.max_pending_output +
                       options_.max_in_flight_per_connection * options_.max_record_size;
  if (connection->Unsent() > limit) {
    Logf(LogLevel::kWarning, "closing connection from %s: it does not read its replies",
         connection->peer.ToString());
    connection->closed = true;
    shutdown(connection->fd, SHUT_RDWR);
    return;
  }
  UpdateInterest(*connection);
}

void RpcServer::FlushOutput(const std::shared_ptr<Connection>& connection) {
  absl::MutexLock lock(&connection->mu);
  if (connection->closed) return;
  std::vector<iovec> piece = {{connection->pending.data() + connection->pending_sent,
                               connection->pending.size() - connection->pending_sent}};
  absl::StatusOr<size_t> written = WriteGather(connection->fd, piece);
  if (!written.ok()) {
    connection->closed = true;
    shutdown(connection->fd, SHUT_RDWR);
    return;
  }
  connection->pending_sent += *written;
  if (connection->pending_sent == connection->pending.size()) {
    connection->pending.clear();
    connection->pending_sent = 0;
  }
  UpdateInterest(*connection);
}

void RpcServer::FinishCall(const std::shared_ptr<Connection>& connection) {
  connection->last_activity = NowNanos();
  absl::MutexLock lock(&connection->mu);
  --connection->in_flight;
  UpdateInterest(*connection);
}

void RpcServer::UpdateInterest(Connection& connection) {
  connection.mu.AssertHeld();
  if (connection.closed) return;
  uint32_t wanted = 0;
  if (WantsCalls(connection)) wanted |= EPOLLIN;
  if (connection.pending_sent < connection.pending.size()) wanted |= EPOLLOUT;
  if (wanted == connection.registered_events) return;
  epoll_event event{};
  event.events = wanted;
  event.data.u64 = connection.id;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event);
  connection.registered_events = wanted;
}

bool RpcServer::WantsCalls(Connection& connection) const {
  connection.mu.AssertHeld();
  // Backpressure: a client whose replies pile up unsent (it sends faster than it reads, as one
  // pipelining large READs does) is not read until they drain, instead of being cut off.
  return connection.in_flight < options_.max_in_flight_per_connection &&
         connection.Unsent() <= options_.max_pending_output;
}

void RpcServer::CloseConnection(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  {
    Connection& connection = *it->second;
    absl::MutexLock lock(&connection.mu);
    connection.closed = true;
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection.fd, nullptr);
    shutdown(connection.fd, SHUT_RDWR);
  }
  const auto of_client = connections_per_client_.find(it->second->peer.HostString());
  if (of_client != connections_per_client_.end() && --of_client->second == 0) {
    connections_per_client_.erase(of_client);
  }
  connections_.erase(it);
  absl::MutexLock lock(&counters_mu_);
  counters_.connections_open = connections_.size();
}

bool RpcServer::EvictOldestIdle() {
  uint64_t oldest_id = 0;
  int64_t oldest_time = INT64_MAX;
  for (const auto& [id, connection] : connections_) {
    absl::MutexLock lock(&connection->mu);
    if (connection->Idle() && connection->last_activity < oldest_time) {
      oldest_time = connection->last_activity;
      oldest_id = id;
    }
  }
  if (oldest_id == 0) return false;
  CloseConnection(oldest_id);
  absl::MutexLock lock(&counters_mu_);
  ++counters_.closed_evicted;
  return true;
}

void RpcServer::SweepIdle() {
  const int64_t deadline = NowNanos() - absl::ToInt64Nanoseconds(options_.idle_timeout);
  std::vector<uint64_t> expired;
  for (const auto& [id, connection] : connections_) {
    absl::MutexLock lock(&connection->mu);
    if (connection->Idle() && connection->last_activity < deadline) expired.push_back(id);
  }
  for (uint64_t id : expired) CloseConnection(id);
  if (!expired.empty()) {
    absl::MutexLock lock(&counters_mu_);
    counters_.closed_idle += expired.size();
  }
}

void RpcServer::ReadUdp(const Listener& listener) {
  for (int i = 0; i < kDatagramsPerEvent; ++i) {
    absl::StatusOr<ReceivedDatagram> datagram =
        ReceiveDatagram(listener.fd, listener.address, absl::MakeSpan(staging_));
    if (!datagram.ok()) return;  // EAGAIN, or an error already logged
    const int fd = listener.fd;
    const CallOrigin origin{datagram->peer, datagram->local, Transport::kUdp};
    std::vector<uint8_t> call(staging_.begin(), staging_.begin() + datagram->size);
    auto run = [this, fd, origin, call = std::move(call)] {
      std::optional<xdr::XdrEncoder> reply = dispatcher_.Dispatch(call, origin);
      if (reply.has_value()) SendDatagram(fd, origin.local, origin.peer, *reply);
    };
    if (workers_ == nullptr || dispatcher_.ExecutionFor(absl::Span<const uint8_t>(
                                   staging_.data(), datagram->size)) == Execution::kInline) {
      run();
      continue;
    }
    if (udp_queued_ >= options_.max_udp_queue) {
      absl::MutexLock lock(&counters_mu_);
      ++counters_.udp_dropped;
      continue;
    }
    ++udp_queued_;
    workers_->Submit([this, run = std::move(run)] {
      run();
      --udp_queued_;
    });
  }
}

}  // namespace nfsuite::rpc
