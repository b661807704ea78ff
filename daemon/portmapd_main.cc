// portmapd: the suite's portmapper (PMAP v2, RPCBIND v3/v4). Parses flags, then runs.
#include <cstdio>

#include "CLI/CLI.hpp"
#include "daemon/connection_limit_flags.h"
#include "service/portmap/portmap_daemon.h"

int main(int argc, char** argv) {
  nfsuite::portmap::PortmapdConfig config;
  CLI::App app{"portmapd - ONC RPC portmapper (PMAP v2, RPCBIND v3/v4) of the nfsuite NFS server"};
  app.add_option("--port", config.port, "TCP and UDP port to serve on")->capture_default_str();
  app.add_option("--listen", config.listen_addresses,
                 "numeric addresses to listen on (IPv4 and IPv6)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--state-dir", config.state_dir, "directory for the warm-start file")
      ->capture_default_str();
  app.add_option("--run-dir", config.run_dir, "directory for the control socket")
      ->capture_default_str();
  app.add_option("--max-record-size", config.max_record_size,
                 "largest TCP record accepted; a larger one closes its connection")
      ->check(CLI::Range(1024, 16 * 1024 * 1024))
      ->capture_default_str();
  nfsuite::AddConnectionLimitFlags(app, config);
  int idle_seconds = 300;
  app.add_option("--idle-timeout", idle_seconds, "seconds before an idle connection is closed")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_option("--workers", config.worker_threads, "worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  int prune_seconds = 2;
  app.add_option("--prune-interval", prune_seconds,
                 "seconds between checks for registrations of daemons that died")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  bool no_warm_start = false;
  app.add_flag("--no-warm-start", no_warm_start, "forget registrations from the last run");
  app.add_option("--log-level", config.log_level, "debug, info, warning or error")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  config.idle_timeout = absl::Seconds(idle_seconds);
  config.prune_interval = absl::Seconds(prune_seconds);
  config.warm_start = !no_warm_start;

  const absl::Status status = nfsuite::portmap::RunPortmapd(config);
  if (!status.ok()) {
    std::fprintf(stderr, "portmapd: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
