// nfsd: the suite's NFS server (NFS versions 2 and 3, the NLM lock manager and the NSM status
// monitor). Parses flags, then runs. The exports come from mountd.
#include <cstdio>

#include "CLI/CLI.hpp"
#include "daemon/registered_daemon_flags.h"
#include "service/nfs/nfsd_daemon.h"
#include "service/nfs/transfer_limits.h"

int main(int argc, char** argv) {
  nfsuite::nfs::NfsdConfig config;
  CLI::App app{"nfsd - NFS version 2 and 3 server of the nfsuite NFS server"};
  nfsuite::RegisteredDaemonFlags flags(app, config, "nfsd", "TCP port to serve on",
                                       "directory holding the handle key");
  double mountd_wait_seconds = 10;
  app.add_option("--mountd-wait", mountd_wait_seconds,
                 "seconds to wait at start for mountd's export table before serving without it")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--udp-transfer-size", config.udp_transfer_size,
                 "the most bytes one READ or READDIR reply carries over UDP (a reply must fit "
                 "in one datagram)")
      ->check(CLI::Range(nfsuite::nfs::kMinUdpTransferSize, nfsuite::nfs::kMaxUdpTransferSize))
      ->capture_default_str();
  double grace_seconds = 90;
  app.add_option("--grace-period", grace_seconds,
                 "seconds after a restart during which only lock reclaims are granted (when the "
                 "last run had clients holding locks)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  double grant_timeout_seconds = 30;
  app.add_option("--grant-timeout", grant_timeout_seconds,
                 "seconds a lock granted to a blocked request waits for the client to accept "
                 "the GRANTED callback before it is released")
      ->check(CLI::Range(1.0, 3600.0))
      ->capture_default_str();
  app.add_option("--reply-cache-entries", config.reply_cache_entries,
                 "replies kept to answer retransmitted non-idempotent calls")
      ->check(CLI::Range(16, 1000000))
      ->capture_default_str();
  app.add_option("--nsm-name", config.nsm_name,
                 "the name this server gives in its reboot notifications (default: host name)");
  CLI11_PARSE(app, argc, argv);
  flags.Apply(config);
  config.mountd_wait = absl::Seconds(mountd_wait_seconds);
  config.grace_period = absl::Seconds(grace_seconds);
  config.grant_timeout = absl::Seconds(grant_timeout_seconds);

  const absl::Status status = nfsuite::nfs::RunNfsd(config);
  if (!status.ok()) {
    std::fprintf(stderr, "nfsd: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
