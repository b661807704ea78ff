// nfsd: the suite's NFS server. Parses flags, then runs. The exports come from mountd.
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
  CLI11_PARSE(app, argc, argv);
  flags.Apply(config);
  config.mountd_wait = absl::Seconds(mountd_wait_seconds);

  const absl::Status status = nfsuite::nfs::RunNfsd(config);
  if (!status.ok()) {
    std::fprintf(stderr, "nfsd: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
