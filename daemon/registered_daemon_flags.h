#ifndef NFSUITE_DAEMON_REGISTERED_DAEMON_FLAGS_H_
#define NFSUITE_DAEMON_REGISTERED_DAEMON_FLAGS_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/time/time.h"
#include "daemon/connection_limit_flags.h"
#include "service/storage/posix_backend.h"

namespace nfsuite {

// The flags mountd and nfsd share: where they listen and keep state, how they stay registered
// with the portmapper, and how file handles name files (which the two must agree on). `Config`
// is MountdConfig or NfsdConfig, whose fields of these names mean the same.
template <typename Config>
class RegisteredDaemonFlags {
  // (The parser writes into the members: keep the object alive and in place until Apply.)
 public:
  RegisteredDaemonFlags(CLI::App& app, Config& config, const std::string& daemon,
                        const std::string& port_help, const std::string& state_dir_help) {
    app.add_option("--port", config.port, port_help)->capture_default_str();
    app.add_option("--listen", config.listen_addresses, "numeric addresses to listen on")
        ->delimiter(',')
        ->capture_default_str();
    app.add_option("--state-dir", config.state_dir, state_dir_help)->capture_default_str();
    app.add_option("--run-dir", config.run_dir, "directory for the control socket")
        ->capture_default_str();
    app.add_option("--portmapper-port", config.portmapper_port,
                   "port of the portmapper on 127.0.0.1 to register with")
        ->capture_default_str();
    AddConnectionLimitFlags(app, config);
    app.add_option("--workers", config.worker_threads, "worker threads")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    app.add_option("--registration-check", check_seconds_,
                   "seconds between checks that the portmapper still lists " + daemon)
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    app.add_option("--log-level", config.log_level, "debug, info, warning or error")
        ->capture_default_str();
    app.add_option("--handles", handles_,
                   "how file handles name files: kernel (needs root), path-index (needs no "
                   "privilege) or auto; mountd and nfsd must agree")
        ->check(CLI::IsMember({"auto", "kernel", "path-index"}))
        ->capture_default_str();
  }

  // After parsing: the values that need converting.
  void Apply(Config& config) const {
    config.handles = *storage::PosixBackend::ParseHandleScheme(handles_);
    config.registration_check_interval = absl::Seconds(check_seconds_);
  }

 private:
  int check_seconds_ = 5;
  std::string handles_ = "auto";
};

}  // namespace nfsuite

#endif  // NFSUITE_DAEMON_REGISTERED_DAEMON_FLAGS_H_
