#include "common/control/daemon_runtime.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/control/control_server.h"
#include "common/control/daemon_status.h"
#include "common/control/service_manager.h"
#include "common/rpc/program_names.h"
#include "common/rpc/socket_io.h"
#include "common/util/atomic_file.h"
#include "common/util/logging.h"
#include "common/util/signals.h"

namespace nfsuite::control {

absl::Status PrepareDaemon(absl::string_view name, absl::string_view log_level,
                           const std::string& state_dir) {
  BlockDaemonSignals();
  // Everything a daemon creates for itself is private from its first instant (the control
  // socket before its chmod, state files); client files get their modes set exactly by the
  // storage backend, whatever the umask.
  umask(077);
  SetLogIdentity(name);
  LogLevel level;
  if (!ParseLogLevel(log_level, &level)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown log level '", log_level, "'; use debug, info, warning or error"));
  }
  SetLogLevel(level);
  rpc::RaiseOpenFileLimit();
  return MakeDirectories(state_dir, 0700);
}

absl::StatusOr<std::vector<rpc::ListenerSpec>> ListenersFor(
    const std::vector<std::string>& addresses, uint16_t port) {
  std::vector<rpc::ListenerSpec> listeners;
  for (const std::string& host : addresses) {
    absl::StatusOr<rpc::SocketAddress> address = rpc::SocketAddress::Parse(host, port);
    if (!address.ok()) return address.status();
    listeners.push_back({rpc::Transport::kTcp, *address});
    listeners.push_back({rpc::Transport::kUdp, *address});
  }
  return listeners;
}

void DescribeTransport(const rpc::RpcServer& server, v1::DaemonStatus& status) {
  for (const rpc::RpcServer::BoundListener& listener : server.listeners()) {
    v1::ListenAddress* out = status.add_listeners();
    out->set_netid(listener.address.NetId(listener.transport));
    out->set_address(listener.address.HostString());
    out->set_port(listener.address.port());
  }
  const rpc::ServerCounters counters = server.counters();
  v1::TransportCounters* transport = status.mutable_transport();
  transport->set_connections_open(counters.connections_open);
  transport->set_connections_accepted(counters.connections_accepted);
  transport->set_connections_refused(counters.connections_refused);
  transport->set_closed_idle(counters.closed_idle);
  transport->set_closed_evicted(counters.closed_evicted);
  transport->set_closed_oversized(counters.closed_oversized);
  transport->set_udp_dropped(counters.udp_dropped);
}

std::vector<rpc::ServiceRegistration> RegistrationsOf(const rpc::RpcServer& server,
                                                      const rpc::Dispatcher& dispatcher) {
  std::vector<rpc::ServiceRegistration> registrations;
  for (const rpc::Dispatcher::Registered& program : dispatcher.Programs()) {
    // A portmapper keeps one address per program, version and netid (SET of a second one is
    // refused), so of several listeners of one netid (--listen 127.0.0.1,10.0.0.1) the first is
    // registered: clients use its port, which --port makes every listener's.
    std::set<std::string> netids;
    for (const rpc::RpcServer::BoundListener& listener : server.listeners()) {
      if (!netids.insert(listener.address.NetId(listener.transport)).second) continue;
      registrations.push_back(
          {program.program, program.version, listener.transport, listener.address});
    }
  }
  return registrations;
}

bool EnsureRegistered(const rpc::PortmapClient& portmapper,
                      const std::vector<rpc::ServiceRegistration>& registrations) {
  absl::StatusOr<bool> listed = portmapper.AllRegistered(registrations);
  if (listed.ok() && *listed) return true;
  if (absl::Status again = portmapper.Register(registrations); again.ok()) {
    Logf(LogLevel::kInfo, "registered again with the portmapper");
    return true;
  } else {
    Logf(LogLevel::kWarning, "portmapper registration lost and not restored: %s", again.message());
    return false;
  }
}

void DescribeRegistrations(const std::vector<rpc::ServiceRegistration>& registrations,
                           v1::DaemonStatus& status) {
  for (const rpc::ServiceRegistration& registration : registrations) {
    v1::Registration* out = status.add_registrations();
    out->set_program(registration.program);
    out->set_version(registration.version);
    out->set_netid(registration.address.NetId(registration.transport));
    out->set_address(registration.address.UniversalAddress());
    out->set_owner("superuser");
    out->set_program_name(std::string(rpc::ProgramName(registration.program)));
  }
}

namespace {

// How often an unregistered daemon tries the portmapper again: soon after it starts, so that
// the start order of the daemons does not matter.
constexpr absl::Duration kRegistrationRetry = absl::Milliseconds(500);

// The daemon's registrations over its life: made as soon as a portmapper answers, then checked
// every `check_interval` and made again when the portmapper lost them.
class RegistrationKeeper {
 public:
  RegistrationKeeper(const rpc::PortmapClient& portmapper,
                     std::vector<rpc::ServiceRegistration> registrations,
                     absl::Duration check_interval)
      : portmapper_(portmapper),
        registrations_(std::move(registrations)),
        check_interval_(check_interval) {}

  void Tick() {
    const absl::Time now = absl::Now();
    if (!registered_) {
      absl::Status status = portmapper_.Register(registrations_);
      if (status.ok()) {
        registered_ = true;
        listed_.store(true);
        last_check_ = now;
        Logf(LogLevel::kInfo, "registered with the portmapper");
      } else if (!warned_) {
        warned_ = true;
        Logf(LogLevel::kWarning,
             "no portmapper to register with (%s); serving anyway, registering as soon as "
             "portmapd answers",
             status.message());
      }
      return;
    }
    if (now - last_check_ < check_interval_) return;
    last_check_ = now;
    listed_.store(EnsureRegistered(portmapper_, registrations_));
  }

  // Whether the portmapper listed every registration at the last look: clients can find us.
  bool listed() const { return listed_.load(); }

  void Unregister() {
    if (!registered_) return;
    if (absl::Status removed = portmapper_.Unregister(registrations_); !removed.ok()) {
      Logf(LogLevel::kWarning, "registrations not removed: %s", removed.message());
    }
  }

  const std::vector<rpc::ServiceRegistration>& registrations() const { return registrations_; }

 private:
  const rpc::PortmapClient& portmapper_;
  const std::vector<rpc::ServiceRegistration> registrations_;
  const absl::Duration check_interval_;
  bool registered_ = false;  // registered once: from then on, checked and restored
  std::atomic<bool> listed_{false};
  bool warned_ = false;
  absl::Time last_check_;
};

}  // namespace

absl::Status ServeRegisteredDaemon(const RegisteredServiceOptions& options, rpc::RpcServer& server,
                                   const rpc::Dispatcher& dispatcher) {
  const rpc::PortmapClient portmapper(rpc::SocketAddress::Loopback4(options.portmapper_port));
  RegistrationKeeper keeper(portmapper, RegistrationsOf(server, dispatcher),
                            options.registration_check_interval);
  keeper.Tick();
  DaemonControlService control_service(
      options.daemon, options.state_dir,
      [&](v1::DaemonStatus& status) {
        DescribeTransport(server, status);
        DescribeRegistrations(keeper.registrations(), status);
        status.set_unregistered(!keeper.listed());
        if (options.describe) options.describe(status);
      },
      options.on_reload);
  std::vector<grpc::Service*> services = {&control_service};
  services.insert(services.end(), options.extra_services.begin(), options.extra_services.end());
  absl::StatusOr<std::unique_ptr<ControlServer>> control_server =
      ControlServer::Start(ControlSocketPath(options.run_dir, options.daemon), services);
  if (!control_server.ok()) {
    keeper.Unregister();
    server.Stop();
    return control_server.status();
  }
  Logf(LogLevel::kInfo, "%s %s ready", options.daemon, NFSUITE_VERSION);

  ServeUntilStopped(
      std::min(kRegistrationRetry, options.registration_check_interval), [&] { keeper.Tick(); },
      [&] { (void)RunReload(options.daemon, options.on_reload); });
  if (options.on_stopping) options.on_stopping();
  control_server->reset();
  keeper.Unregister();
  server.Stop();
  return absl::OkStatus();
}

void ServeUntilStopped(absl::Duration tick, const std::function<void()>& on_tick,
                       const std::function<void()>& on_reload) {
  // Ready: serving RPC and the control socket (registration may still be on its way).
  (void)NotifyServiceManager(absl::StrCat("READY=1\nMAINPID=", getpid()));
  for (;;) {
    std::optional<int> signal_number = WaitForDaemonSignal(tick);
    if (!signal_number.has_value()) {
      if (on_tick) on_tick();
      continue;
    }
    if (*signal_number == SIGHUP) {
      (void)NotifyServiceManager("RELOADING=1");
      if (on_reload) on_reload();
      (void)NotifyServiceManager("READY=1");
      continue;
    }
    (void)NotifyServiceManager("STOPPING=1");
    Logf(LogLevel::kInfo, "stopping on signal %d", *signal_number);
    return;
  }
}

}  // namespace nfsuite::control
