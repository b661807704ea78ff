// mountd: the suite's MOUNT server. Parses flags, then runs.
#include <cstdio>

#include "CLI/CLI.hpp"
#include "daemon/registered_daemon_flags.h"
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
  nfsuite::RegisteredDaemonFlags flags(app, config, "mountd", "TCP and UDP port to serve on",
                                       "directory for the handle key and the mount list");
  CLI11_PARSE(app, argc, argv);
  using Lists = nfsuite::mount::MountServiceOptions::Lists;
  config.lists = refuse_lists     ? Lists::kRefused
                 : restrict_lists ? Lists::kRestricted
                                  : Lists::kEveryone;
  flags.Apply(config);

  const absl::Status status = nfsuite::mount::RunMountd(config);
  if (!status.ok()) {
    std::fprintf(stderr, "mountd: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
