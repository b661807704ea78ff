#include "service/mount/mountd_daemon.h"

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/control/daemon_runtime.h"
#include "common/control/statistics_control.h"
#include "common/exports/exports_format.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/rpc_server.h"
#include "common/stats/call_statistics.h"
#include "common/util/logging.h"
#include "service/mount/export_table.h"
#include "service/mount/export_table_control.h"
#include "service/mount/exports_administration.h"
#include "service/mount/live_exports.h"
#include "service/mount/mount_list.h"
#include "service/mount/mount_service.h"
#include "service/mount/mount_statistics.h"
#include "service/storage/posix_backend.h"

namespace nfsuite::mount {
namespace {

constexpr char kMountListFile[] = "mountd.mounts";

absl::StatusOr<std::unique_ptr<storage::StorageBackend>> OpenBackend(const MountdConfig& config,
                                                                     const std::string& path) {
  absl::StatusOr<std::unique_ptr<storage::PosixBackend>> backend = storage::PosixBackend::Open(
      path, storage::PosixBackend::OptionsFor(config.handles, config.state_dir, path));
  if (!backend.ok()) return backend.status();
  return std::unique_ptr<storage::StorageBackend>(*std::move(backend));
}

// Loads the mount list; a damaged file is set aside, never fatal: the list is advisory.
void LoadMountList(MountList& mounts, const std::string& path) {
  absl::Status loaded = mounts.Load();
  if (loaded.ok()) return;
  std::error_code ignored;
  std::filesystem::rename(path, path + ".damaged", ignored);
  Logf(LogLevel::kWarning, "ignoring the mount list (%s); moved it to %s.damaged", loaded.message(),
       path);
}

void LogExports(const ExportTable& table) {
  for (const Export& exported : table.exports()) {
    Logf(LogLevel::kInfo, "exporting %s (id %08x)", exports::FormatExportEntry(exported.entry),
         exported.id);
  }
}

}  // namespace

absl::Status RunMountd(const MountdConfig& config) {
  if (absl::Status prepared = control::PrepareDaemon("mountd", config.log_level, config.state_dir);
      !prepared.ok()) {
    return prepared;
  }
  if (config.exports.exports_file.empty() && config.exports.quick_exports.empty()) {
    return absl::InvalidArgumentError(
        "no exports: give --exports-file FILE or at least one --export DIRECTORY");
  }
  const ExportTable::BackendOpener open_backend = [&config](const std::string& path) {
    return OpenBackend(config, path);
  };
  absl::StatusOr<ExportTable> initial = LoadExportTable(config.exports, open_backend, nullptr);
  if (!initial.ok()) return initial.status();
  LiveExports exports(*std::move(initial));
  absl::StatusOr<nfs::HandleKey> key = nfs::HandleKey::LoadOrCreate(config.state_dir);
  if (!key.ok()) return key.status();
  const nfs::FileHandleCodec handles(*key);
  const std::string mount_list_path = absl::StrCat(config.state_dir, "/", kMountListFile);
  MountList mounts(mount_list_path);
  LoadMountList(mounts, mount_list_path);

  rpc::Dispatcher dispatcher;
  MountServiceOptions service_options;
  service_options.lists = config.lists;
  MountService service(exports, mounts, handles, service_options);
  dispatcher.Register(service.Version1());
  dispatcher.Register(service.Version3());
  ExportsAdministration administration(config.exports, open_backend, exports);
  ExportTableControlService export_control(exports, administration, mounts);

  absl::StatusOr<std::vector<rpc::ListenerSpec>> listeners =
      control::ListenersFor(config.listen_addresses, config.port);
  if (!listeners.ok()) return listeners.status();
  rpc::ServerOptions options;
  options.listeners = *std::move(listeners);
  options.max_record_size = 64 * 1024;  // MOUNT calls carry at most a 1024-byte path
  options.max_connections = config.max_connections;
  options.max_connections_per_client = config.max_connections_per_client;
  options.max_in_flight_per_connection = config.max_in_flight_per_connection;
  options.max_pending_output = config.max_pending_output;
  options.idle_timeout = config.idle_timeout;
  options.worker_threads = config.worker_threads;
  // After the last Register: MNT, UMNT and EXPORT calls and refusals of every version.
  stats::CallStatistics statistics(dispatcher.Procedures());
  dispatcher.set_observer(&statistics);
  control::StatisticsControlService statistics_control(
      "mountd", statistics, [&](control::v1::DaemonStatistics& out) {
        DescribeMounts(*exports.Current().table, mounts.Snapshot(), out);
      });
  rpc::RpcServer server(options, dispatcher);
  if (absl::Status started = server.Start(); !started.ok()) return started;

  LogExports(*exports.Current().table);
  control::RegisteredServiceOptions daemon;
  daemon.daemon = "mountd";
  daemon.state_dir = config.state_dir;
  daemon.run_dir = config.run_dir;
  daemon.portmapper_port = config.portmapper_port;
  daemon.registration_check_interval = config.registration_check_interval;
  daemon.on_reload = [&]() -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> summary = administration.Reload();
    if (summary.ok()) LogExports(*exports.Current().table);
    return summary;
  };
  daemon.extra_services = {&export_control, &statistics_control};
  daemon.on_stopping = [&exports] { exports.Close(); };
  return control::ServeRegisteredDaemon(daemon, server, dispatcher);
}

}  // namespace nfsuite::mount
