#ifndef NFSUITE_SERVICE_NFS_NFSD_DAEMON_H_
#define NFSUITE_SERVICE_NFS_NFSD_DAEMON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "service/storage/posix_backend.h"

namespace nfsuite::nfs {

struct NfsdConfig {
  uint16_t port = 2049;
  std::vector<std::string> listen_addresses = {"0.0.0.0", "::"};
  std::string state_dir = "/var/lib/nfsuite";
  std::string run_dir = "/run/nfsuite";
  uint16_t portmapper_port = 111;
  size_t worker_threads = 8;
  size_t max_connections = 1024;
  size_t max_connections_per_client = 256;
  size_t max_in_flight_per_connection = 32;
  size_t max_pending_output = 8 * 1024 * 1024;
  size_t reply_cache_entries = 4096;  // replies kept for retransmissions (4 KiB at most each)
  absl::Duration idle_timeout = absl::Minutes(6);
  // How long nfsd waits at start for mountd's export table before it serves anyway (with the
  // table kept from its last run, or none), so that clients do not see STALE just after a start.
  absl::Duration mountd_wait = absl::Seconds(10);
  absl::Duration registration_check_interval = absl::Seconds(5);
  std::string log_level = "info";
  // The most data one READ (and a READDIR(PLUS) reply, and FSINFO's rtmax/wtmax) carries on UDP,
  // where a reply must fit in one datagram: kMinUdpTransferSize..kMaxUdpTransferSize.
  uint32_t udp_transfer_size = 32 * 1024;
  // How file handles name objects (storage::PosixBackend::HandleScheme); mountd and nfsd must
  // agree, and "auto" makes the same choice in both when they run as the same user.
  storage::PosixBackend::HandleScheme handles = storage::PosixBackend::HandleScheme::kAutomatic;
  // Locking (NLM and NSM): see lock::LockServiceOptions.
  absl::Duration grace_period = absl::Seconds(90);
  absl::Duration grant_timeout = absl::Seconds(30);
  std::string nsm_name;
};

// Runs nfsd until SIGTERM or SIGINT; an error when it cannot start.
absl::Status RunNfsd(const NfsdConfig& config);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFSD_DAEMON_H_
