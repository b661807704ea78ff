#include "service/nfs/nfsd_daemon.h"

#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/control/daemon_runtime.h"
#include "common/nfs/export_id.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/duplicate_request_cache.h"
#include "common/rpc/rpc_server.h"
#include "common/util/logging.h"
#include "service/nfs/nfs3_service.h"
#include "service/storage/posix_backend.h"

namespace nfsuite::nfs {
namespace {

absl::StatusOr<std::vector<NfsExport>> OpenExports(const NfsdConfig& config) {
  std::vector<NfsExport> exports;
  for (const std::string& path : config.exports) {
    char canonical[PATH_MAX];
    if (realpath(path.c_str(), canonical) == nullptr) {
      return absl::NotFoundError(absl::StrCat("export ", path, ": ", std::strerror(errno)));
    }
    absl::StatusOr<std::unique_ptr<storage::PosixBackend>> backend = storage::PosixBackend::Open(
        canonical, storage::PosixBackend::OptionsFor(config.handles, config.state_dir, canonical));
    if (!backend.ok()) return backend.status();
    NfsExport exported;
    exported.path = canonical;
    exported.id = ExportIdForPath(exported.path);
    exported.backend = *std::move(backend);
    exported.squash = {config.root_squash, config.anonymous_uid, config.anonymous_gid};
    exports.push_back(std::move(exported));
  }
  return exports;
}

}  // namespace

absl::Status RunNfsd(const NfsdConfig& config) {
  if (absl::Status prepared = control::PrepareDaemon("nfsd", config.log_level, config.state_dir);
      !prepared.ok()) {
    return prepared;
  }
  if (config.exports.empty()) {
    return absl::InvalidArgumentError("no exports: give at least one --export DIRECTORY");
  }
  absl::StatusOr<HandleKey> key = HandleKey::LoadOrCreate(config.state_dir);
  if (!key.ok()) return key.status();
  const FileHandleCodec handles(*key);
  absl::StatusOr<std::vector<NfsExport>> exports = OpenExports(config);
  if (!exports.ok()) return exports.status();
  std::vector<std::string> exported_paths;
  for (const NfsExport& exported : *exports) exported_paths.push_back(exported.path);

  rpc::DuplicateRequestCache reply_cache({});
  rpc::Dispatcher dispatcher(&reply_cache);
  Nfs3Service service(*std::move(exports), handles);
  dispatcher.Register(service.Version3());

  absl::StatusOr<std::vector<rpc::ListenerSpec>> listeners =
      control::ListenersFor(config.listen_addresses, config.port);
  if (!listeners.ok()) return listeners.status();
  rpc::ServerOptions options;
  // TCP only until the UDP issue: a 1 MiB READ reply cannot travel in a datagram.
  for (const rpc::ListenerSpec& listener : *listeners) {
    if (listener.transport == rpc::Transport::kTcp) options.listeners.push_back(listener);
  }
  options.max_record_size = Nfs3Service::kMaxTransfer + 64 * 1024;
  options.max_connections = config.max_connections;
  options.idle_timeout = config.idle_timeout;
  options.worker_threads = config.worker_threads;
  rpc::RpcServer server(options, dispatcher);
  if (absl::Status started = server.Start(); !started.ok()) return started;

  for (const std::string& path : exported_paths) Logf(LogLevel::kInfo, "serving %s", path);
  control::RegisteredServiceOptions daemon;
  daemon.daemon = "nfsd";
  daemon.state_dir = config.state_dir;
  daemon.run_dir = config.run_dir;
  daemon.portmapper_port = config.portmapper_port;
  daemon.registration_check_interval = config.registration_check_interval;
  daemon.on_reload = [] {
    Logf(LogLevel::kInfo, "SIGHUP: the exports follow mountd with the exports issue");
  };
  return control::ServeRegisteredDaemon(daemon, server, dispatcher);
}

}  // namespace nfsuite::nfs
