// mountd: the suite's MOUNT server. Parses flags, then runs.
#include <cstdio>

#include "CLI/CLI.hpp"
#include "service/mount/mountd_daemon.h"

int main(int argc, char** argv) {
  nfsuite::mount::MountdConfig config;
  CLI::App app{"mountd - MOUNT v1/v3 server of the nfsuite NFS server"};
  app.add_option("--exports-file", config.exports.exports_file,
                 "exports file in exports(5) syntax; SIGHUP reloads it");
  app.add_option("--export", config.exports.quick_exports,
                 "directory to export to every client, read-write, root squashed, any port: "
                 "DIR *(rw,insecure) (repeatable)");
  bool restrict_lists = false;
  bool refuse_lists = false;
  app.add_flag("--restrict-lists", restrict_lists,
               "EXPORT and DUMP answer each client only with what it may mount and its own mounts");
  app.add_flag("--refuse-lists", refuse_lists, "EXPORT and DUMP are refused (AUTH_TOOWEAK)")
      ->excludes("--restrict-lists");
  app.add_option("--port", config.port, "TCP and UDP port to serve on")->capture_default_str();
  app.add_option("--listen", config.listen_addresses, "numeric addresses to listen on")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--state-dir", config.state_dir, "directory for the handle key and the mount list")
      ->capture_default_str();
  app.add_option("--run-dir", config.run_dir, "directory for the control socket")
      ->capture_default_str();
  app.add_option("--portmapper-port", config.portmapper_port,
                 "port of the portmapper on 127.0.0.1 to register with")
      ->capture_default_str();
  app.add_option("--workers", config.worker_threads, "worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  int check_seconds = 5;
  app.add_option("--registration-check", check_seconds,
                 "seconds between checks that the portmapper still lists mountd")
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
  using Lists = nfsuite::mount::MountServiceOptions::Lists;
  config.lists = refuse_lists     ? Lists::kRefused
                 : restrict_lists ? Lists::kRestricted
                                  : Lists::kEveryone;
  config.handles = *nfsuite::storage::PosixBackend::ParseHandleScheme(handles);
  config.registration_check_interval = absl::Seconds(check_seconds);

  const absl::Status status = nfsuite::mount::RunMountd(config);
  if (!status.ok()) {
    std::fprintf(stderr, "mountd: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
