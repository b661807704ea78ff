#include "service/nfs/nfsd_daemon.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/control/control_server.h"
#include "common/control/daemon_runtime.h"
#include "common/control/statistics_control.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/duplicate_request_cache.h"
#include "common/rpc/rpc_server.h"
#include "common/stats/call_statistics.h"
#include "common/util/logging.h"
#include "service/lock/lock_services.h"
#include "service/nfs/export_follower.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/export_table_store.h"
#include "service/nfs/export_table_updater.h"
#include "service/nfs/nfs2_service.h"
#include "service/nfs/nfs3_service.h"
#include "service/storage/posix_backend.h"

namespace nfsuite::nfs {
namespace {

BackendOpener PosixBackendOpener(const NfsdConfig& config) {
  return [&config](
             const std::string& path) -> absl::StatusOr<std::shared_ptr<storage::StorageBackend>> {
    absl::StatusOr<std::unique_ptr<storage::PosixBackend>> backend = storage::PosixBackend::Open(
        path, storage::PosixBackend::OptionsFor(config.handles, config.state_dir, path));
    if (!backend.ok()) return backend.status();
    return std::shared_ptr<storage::StorageBackend>(*std::move(backend));
  };
}

void DescribeLocks(const lock::LockServices& locks, control::v1::LockManagerStatus& out) {
  const lock::LockServiceStatus status = locks.Status();
  out.set_locks(status.counts.locks);
  out.set_blocked(status.counts.blocked);
  out.set_shares(status.counts.shares);
  out.set_grace_seconds_left(status.grace_seconds_left);
  out.set_nsm_state(status.nsm_state);
  for (const lock::ClientHost& host : status.monitored) {
    control::v1::MonitoredHost* shown = out.add_monitored_hosts();
    shown->set_name(host.caller_name);
    shown->set_address(host.address);
  }
  for (const lock::ClientHost& host : status.to_notify) {
    control::v1::MonitoredHost* shown = out.add_hosts_to_notify();
    shown->set_name(host.caller_name);
    shown->set_address(host.address);
  }
}

// Until mountd answers, the table kept from the last run (if any) is served.
void ServeKeptTable(ExportTableUpdater& updater, const std::string& kept_file) {
  absl::StatusOr<bool> kept = updater.ServeKeptTable();
  if (!kept.ok()) {
    Logf(LogLevel::kWarning, "ignoring the kept export table %s: %s", kept_file,
         kept.status().message());
  } else if (*kept) {
    Logf(LogLevel::kInfo, "serving the export table kept from the last run until mountd answers");
  }
}

}  // namespace

absl::Status RunNfsd(const NfsdConfig& config) {
  if (absl::Status prepared = control::PrepareDaemon("nfsd", config.log_level, config.state_dir);
      !prepared.ok()) {
    return prepared;
  }
  absl::StatusOr<HandleKey> key = HandleKey::LoadOrCreate(config.state_dir);
  if (!key.ok()) return key.status();
  const FileHandleCodec handles(*key);

  // The export table: mountd's, followed over its control socket (the one source of truth).
  CurrentExports exports;
  const ExportTableStore store = ExportTableStore::InStateDirectory(config.state_dir);
  ExportTableUpdater updater(exports, PosixBackendOpener(config), store);
  ServeKeptTable(updater, store.path());
  ExportFollower follower(
      {control::ControlSocketPath(config.run_dir, "mountd")},
      [&updater](const control::v1::ExportTable& table) { updater.Apply(table); });
  follower.Start();
  if (!follower.WaitForFirstTable(config.mountd_wait)) {
    const size_t kept = exports.Get()->exports().size();
    Logf(LogLevel::kWarning, "no export table from mountd within %s; serving %s until it sends one",
         absl::FormatDuration(config.mountd_wait),
         kept == 0 ? "nothing" : absl::StrCat("the ", kept, " kept export(s)"));
  }

  rpc::DuplicateRequestCache::Options cache_options;
  cache_options.max_entries = config.reply_cache_entries;
  rpc::DuplicateRequestCache reply_cache(cache_options);
  rpc::Dispatcher dispatcher(&reply_cache);
  Nfs3Service service(exports, handles, config.udp_transfer_size);
  dispatcher.Register(service.Version3());
  Nfs2Service service_v2(exports, handles);
  dispatcher.Register(service_v2.Version2());
  lock::LockServiceOptions lock_options;
  lock_options.state_dir = config.state_dir;
  lock_options.grace_period = config.grace_period;
  lock_options.grant_timeout = config.grant_timeout;
  lock_options.nsm_name = config.nsm_name;
  absl::StatusOr<std::unique_ptr<lock::LockServices>> locks =
      lock::LockServices::Start(lock_options, exports, handles);
  if (!locks.ok()) return locks.status();
  (*locks)->RegisterWith(dispatcher);

  absl::StatusOr<std::vector<rpc::ListenerSpec>> listeners =
      control::ListenersFor(config.listen_addresses, config.port);
  if (!listeners.ok()) return listeners.status();
  rpc::ServerOptions options;
  // TCP and UDP: on UDP, READ, READDIR(PLUS) and FSINFO keep replies within
  // config.udp_transfer_size of data, so every reply fits in one datagram.
  options.listeners = *std::move(listeners);
  options.max_record_size = Nfs3Service::kMaxTransfer + 64 * 1024;
  options.max_connections = config.max_connections;
  options.max_connections_per_client = config.max_connections_per_client;
  options.max_in_flight_per_connection = config.max_in_flight_per_connection;
  options.max_pending_output = config.max_pending_output;
  options.idle_timeout = config.idle_timeout;
  options.worker_threads = config.worker_threads;
  // After the last Register: every program version served gets its statistics slots.
  stats::CallStatistics statistics(dispatcher.Procedures());
  dispatcher.set_observer(&statistics);
  control::StatisticsControlService statistics_control("nfsd", statistics);
  rpc::RpcServer server(options, dispatcher);
  if (absl::Status started = server.Start(); !started.ok()) return started;

  control::RegisteredServiceOptions daemon;
  daemon.daemon = "nfsd";
  daemon.state_dir = config.state_dir;
  daemon.run_dir = config.run_dir;
  daemon.portmapper_port = config.portmapper_port;
  daemon.registration_check_interval = config.registration_check_interval;
  daemon.describe = [&updater, &locks](control::v1::DaemonStatus& status) {
    *status.mutable_export_table() = updater.followed();
    DescribeLocks(**locks, *status.mutable_lock_manager());
  };
  daemon.on_reload = []() -> absl::StatusOr<std::string> {
    return "nfsd has nothing to reload: it follows mountd's export table (reload mountd)";
  };
  daemon.extra_services = {&statistics_control};
  absl::Status served = control::ServeRegisteredDaemon(daemon, server, dispatcher);
  follower.Stop();
  return served;
}

}  // namespace nfsuite::nfs
