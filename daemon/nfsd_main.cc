// nfsd: the suite's NFS server. Parses flags, then runs. The exports come from mountd.
#include <cstdio>

#include "CLI/CLI.hpp"
#include "service/nfs/nfsd_daemon.h"

int main(int argc, char** argv) {
  nfsuite::nfs::NfsdConfig config;
  CLI::App app{"nfsd - NFS version 3 server of the nfsuite NFS server"};
  app.add_option("--port", config.port, "TCP port to serve on")->capture_default_str();
  app.add_option("--listen", config.listen_addresses, "numeric addresses to listen on")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--state-dir", config.state_dir, "directory holding the handle key")
      ->capture_default_str();
  app.add_option("--run-dir", config.run_dir, "directory for the control socket")
      ->capture_default_str();
  app.add_option("--portmapper-port", config.portmapper_port,
                 "port of the portmapper on 127.0.0.1 to register with")
      ->capture_default_str();
  app.add_option("--workers", config.worker_threads, "worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  double mountd_wait_seconds = 10;
  app.add_option("--mountd-wait", mountd_wait_seconds,
                 "seconds to wait at start for mountd's export table before serving without it")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  int check_seconds = 5;
  app.add_option("--registration-check", check_seconds,
                 "seconds between checks that the portmapper still lists nfsd")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--log-level", config.log_level, "debug, info, warning or error")
      ->capture_default_str();
  std::string handles = "auto";
  app.add_option("--handles", handles,
                 "how file handles name files: kernel (needs root), path-index (needs no "
                 "privilege) or auto; mountd and nfsd must agree")
      ->check(CLI::IsMember({"auto", "kernel", "path-index"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  config.handles = *nfsuite::storage::PosixBackend::ParseHandleScheme(handles);
  config.mountd_wait = absl::Seconds(mountd_wait_seconds);
  config.registration_check_interval = absl::Seconds(check_seconds);

  const absl::Status status = nfsuite::nfs::RunNfsd(config);
  if (!status.ok()) {
    std::fprintf(stderr, "nfsd: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
