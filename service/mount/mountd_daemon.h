#ifndef NFSUITE_SERVICE_MOUNT_MOUNTD_DAEMON_H_
#define NFSUITE_SERVICE_MOUNT_MOUNTD_DAEMON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "service/mount/exports_loading.h"
#include "service/mount/mount_service.h"
#include "service/storage/posix_backend.h"

namespace nfsuite::mount {

struct MountdConfig {
  ExportSources exports;  // the exports file and --export directories
  MountServiceOptions::Lists lists = MountServiceOptions::Lists::kEveryone;
  uint16_t port = 20048;  // the port Linux distributions give mountd
  std::vector<std::string> listen_addresses = {"0.0.0.0", "::"};
  std::string state_dir = "/var/lib/nfsuite";
  std::string run_dir = "/run/nfsuite";
  uint16_t portmapper_port = 111;  // on 127.0.0.1
  size_t worker_threads = 2;
  size_t max_connections = 1024;
  size_t max_connections_per_client = 256;
  size_t max_in_flight_per_connection = 32;
  size_t max_pending_output = 8 * 1024 * 1024;
  absl::Duration idle_timeout = absl::Minutes(5);
  // How often mountd checks that the portmapper still lists it, and registers again if not.
  absl::Duration registration_check_interval = absl::Seconds(5);
  std::string log_level = "info";
  // How file handles name objects (storage::PosixBackend::HandleScheme); mountd and nfsd must
  // agree, and "auto" makes the same choice in both when they run as the same user.
  storage::PosixBackend::HandleScheme handles = storage::PosixBackend::HandleScheme::kAutomatic;
};

// Runs mountd until SIGTERM or SIGINT; an error when it cannot start.
absl::Status RunMountd(const MountdConfig& config);

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_MOUNTD_DAEMON_H_
