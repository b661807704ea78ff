#ifndef NFSUITE_SERVICE_PORTMAP_PORTMAP_DAEMON_H_
#define NFSUITE_SERVICE_PORTMAP_PORTMAP_DAEMON_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace nfsuite::portmap {

struct PortmapdConfig {
  uint16_t port = 111;
  std::vector<std::string> listen_addresses = {"0.0.0.0", "::"};
  std::string state_dir = "/var/lib/nfsuite";
  std::string run_dir = "/run/nfsuite";
  size_t max_record_size = 128 * 1024;
  size_t max_connections = 1024;
  size_t max_connections_per_client = 256;
  size_t max_in_flight_per_connection = 32;
  size_t max_pending_output = 8 * 1024 * 1024;
  absl::Duration idle_timeout = absl::Minutes(5);
  size_t worker_threads = 2;
  // How often registrations of dead daemons are looked for and removed.
  absl::Duration prune_interval = absl::Seconds(2);
  bool warm_start = true;
  std::string log_level = "info";
};

// Runs portmapd until SIGTERM or SIGINT; an error when it cannot start.
absl::Status RunPortmapd(const PortmapdConfig& config);

}  // namespace nfsuite::portmap

#endif  // NFSUITE_SERVICE_PORTMAP_PORTMAP_DAEMON_H_
