#ifndef NFSUITE_COMMON_CONTROL_DAEMON_RUNTIME_H_
#define NFSUITE_COMMON_CONTROL_DAEMON_RUNTIME_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/portmap_client.h"
#include "common/rpc/rpc_server.h"
#include "grpcpp/impl/service_type.h"
#include "proto/control.pb.h"

// What every daemon of the suite does the same way: start-up, status, and waiting for signals.
namespace nfsuite::control {

// Start-up steps, in this order: block the daemon signals before any thread exists (so every
// thread inherits the mask), set umask 077, name the log and set its level, raise the
// descriptor limit, and create the state directory (0700).
absl::Status PrepareDaemon(absl::string_view name, absl::string_view log_level,
                           const std::string& state_dir);

// A TCP and a UDP listener on `port` of each numeric address.
absl::StatusOr<std::vector<rpc::ListenerSpec>> ListenersFor(
    const std::vector<std::string>& addresses, uint16_t port);

// The server's listeners and transport counters, for DaemonStatus.
void DescribeTransport(const rpc::RpcServer& server, v1::DaemonStatus& status);

// Every program version of `dispatcher` on every listener of `server`: what a daemon registers
// with the portmapper.
std::vector<rpc::ServiceRegistration> RegistrationsOf(const rpc::RpcServer& server,
                                                      const rpc::Dispatcher& dispatcher);
// Registers again when the portmapper no longer lists every registration (it was restarted
// without its warm-start file, or pruned us); run periodically. Whether they are listed now.
bool EnsureRegistered(const rpc::PortmapClient& portmapper,
                      const std::vector<rpc::ServiceRegistration>& registrations);
void DescribeRegistrations(const std::vector<rpc::ServiceRegistration>& registrations,
                           v1::DaemonStatus& status);

struct RegisteredServiceOptions {
  std::string daemon;  // "mountd", "nfsd"
  std::string state_dir;
  std::string run_dir;
  uint16_t portmapper_port = 111;
  absl::Duration registration_check_interval = absl::Seconds(5);
  // SIGHUP and DaemonControl.Reload: a summary, or why the new configuration was refused.
  std::function<absl::StatusOr<std::string>()> on_reload;
  // Adds the daemon's own facts to its DaemonStatus (listeners and registrations are added).
  std::function<void(v1::DaemonStatus&)> describe;
  // Served on the control socket beside DaemonControl (not owned).
  std::vector<grpc::Service*> extra_services;
  // Called on SIGTERM/SIGINT before the control server stops: ends long-lived calls (watches).
  std::function<void()> on_stopping;
};

// The life of an RPC daemon once its server has started: registers every program with the
// portmapper on 127.0.0.1 (when none answers yet, serves anyway and tries again every 0.5 s, so
// the daemons may start in any order), serves the control socket, keeps the registrations
// alive, and on SIGTERM/SIGINT unregisters and stops the server.
absl::Status ServeRegisteredDaemon(const RegisteredServiceOptions& options, rpc::RpcServer& server,
                                   const rpc::Dispatcher& dispatcher);

// Serves until SIGTERM or SIGINT, calling `on_tick` every `tick` and `on_reload` on SIGHUP, and
// telling a service manager (service_manager.h) it is ready, reloading and stopping.
void ServeUntilStopped(absl::Duration tick, const std::function<void()>& on_tick,
                       const std::function<void()>& on_reload);

}  // namespace nfsuite::control

#endif  // NFSUITE_COMMON_CONTROL_DAEMON_RUNTIME_H_
