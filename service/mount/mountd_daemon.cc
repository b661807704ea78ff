#include "service/mount/mountd_daemon.h"

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/control/daemon_runtime.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/rpc_server.h"
#include "common/util/logging.h"
#include "service/mount/export_table.h"
#include "service/mount/mount_list.h"
#include "service/mount/mount_service.h"
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

}  // namespace

absl::Status RunMountd(const MountdConfig& config) {
  if (absl::Status prepared = control::PrepareDaemon("mountd", config.log_level, config.state_dir);
      !prepared.ok()) {
    return prepared;
  }
  if (config.exports.empty()) {
    return absl::InvalidArgumentError("no exports: give at least one --export DIRECTORY");
  }
  absl::StatusOr<ExportTable> exports = ExportTable::Build(
      config.exports, [&config](const std::string& path) { return OpenBackend(config, path); });
  if (!exports.ok()) return exports.status();
  absl::StatusOr<nfs::HandleKey> key = nfs::HandleKey::LoadOrCreate(config.state_dir);
  if (!key.ok()) return key.status();
  const nfs::FileHandleCodec handles(*key);
  const std::string mount_list_path = absl::StrCat(config.state_dir, "/", kMountListFile);
  MountList mounts(mount_list_path);
  LoadMountList(mounts, mount_list_path);

  rpc::Dispatcher dispatcher;
  MountService service(*exports, mounts, handles);
  dispatcher.Register(service.Version3());

  absl::StatusOr<std::vector<rpc::ListenerSpec>> listeners =
      control::ListenersFor(config.listen_addresses, config.port);
  if (!listeners.ok()) return listeners.status();
  rpc::ServerOptions options;
  options.listeners = *std::move(listeners);
  options.max_record_size = 64 * 1024;  // MOUNT calls carry at most a 1024-byte path
  options.max_connections = config.max_connections;
  options.idle_timeout = config.idle_timeout;
  options.worker_threads = config.worker_threads;
  rpc::RpcServer server(options, dispatcher);
  if (absl::Status started = server.Start(); !started.ok()) return started;

  for (const Export& exported : exports->exports()) {
    Logf(LogLevel::kInfo, "exporting %s (id %08x)", exported.path, exported.id);
  }
  control::RegisteredServiceOptions daemon;
  daemon.daemon = "mountd";
  daemon.state_dir = config.state_dir;
  daemon.run_dir = config.run_dir;
  daemon.portmapper_port = config.portmapper_port;
  daemon.registration_check_interval = config.registration_check_interval;
  daemon.on_reload = [] {
    Logf(LogLevel::kInfo, "SIGHUP: the exports file arrives with the exports issue");
  };
  return control::ServeRegisteredDaemon(daemon, server, dispatcher);
}

}  // namespace nfsuite::mount
