#include "service/portmap/portmap_daemon.h"

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/control/control_server.h"
#include "common/control/daemon_runtime.h"
#include "common/control/daemon_status.h"
#include "common/control/statistics_control.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/program_names.h"
#include "common/rpc/rpc_server.h"
#include "common/stats/call_statistics.h"
#include "common/util/logging.h"
#include "service/portmap/local_port_probe.h"
#include "service/portmap/portmap_service.h"
#include "service/portmap/registration_store.h"

namespace nfsuite::portmap {
namespace {

constexpr char kWarmStartFile[] = "portmapd.registrations";

absl::StatusOr<rpc::ServerOptions> ServerOptionsFor(const PortmapdConfig& config) {
  absl::StatusOr<std::vector<rpc::ListenerSpec>> listeners =
      control::ListenersFor(config.listen_addresses, config.port);
  if (!listeners.ok()) return listeners.status();
  rpc::ServerOptions options;
  options.listeners = *std::move(listeners);
  options.max_record_size = config.max_record_size;
  options.max_connections = config.max_connections;
  options.max_connections_per_client = config.max_connections_per_client;
  options.max_in_flight_per_connection = config.max_in_flight_per_connection;
  options.max_pending_output = config.max_pending_output;
  options.idle_timeout = config.idle_timeout;
  options.worker_threads = config.worker_threads;
  return options;
}

// Registrations from the last run; a damaged file is set aside, never fatal.
std::vector<Registration> LoadWarmStart(const std::string& path) {
  absl::StatusOr<std::vector<Registration>> loaded = LoadRegistrations(path);
  if (loaded.ok()) return *loaded;
  const std::string aside = path + ".damaged";
  std::error_code ignored;
  std::filesystem::rename(path, aside, ignored);
  Logf(LogLevel::kWarning, "ignoring warm-start file (%s); moved it to %s",
       loaded.status().message(), aside);
  return {};
}

void DescribeStatus(const rpc::RpcServer& server, const RegistrationTable& table,
                    control::v1::DaemonStatus& status) {
  control::DescribeTransport(server, status);
  for (const Registration& entry : table.Snapshot()) {
    control::v1::Registration* out = status.add_registrations();
    out->set_program(entry.program);
    out->set_version(entry.version);
    out->set_netid(entry.netid);
    out->set_address(entry.address);
    out->set_owner(entry.owner);
    out->set_program_name(std::string(rpc::ProgramName(entry.program)));
  }
}

}  // namespace

absl::Status RunPortmapd(const PortmapdConfig& config) {
  if (absl::Status prepared =
          control::PrepareDaemon("portmapd", config.log_level, config.state_dir);
      !prepared.ok()) {
    return prepared;
  }

  const std::string warm_start_path = absl::StrCat(config.state_dir, "/", kWarmStartFile);
  RegistrationTable table([&warm_start_path](const std::vector<Registration>& snapshot) {
    if (absl::Status saved = SaveRegistrations(warm_start_path, snapshot); !saved.ok()) {
      Logf(LogLevel::kError, "registrations not saved: %s", saved.message());
    }
  });
  if (config.warm_start) {
    for (const Registration& entry : LoadWarmStart(warm_start_path)) table.Set(entry);
  }

  rpc::DuplicateRequestCache reply_cache({});
  rpc::Dispatcher dispatcher(&reply_cache);
  PortmapService service(table, {});
  for (rpc::ProgramVersion& program : service.Programs()) dispatcher.Register(std::move(program));

  stats::CallStatistics statistics(dispatcher.Procedures());
  dispatcher.set_observer(&statistics);
  control::StatisticsControlService statistics_control("portmapd", statistics);

  absl::StatusOr<rpc::ServerOptions> options = ServerOptionsFor(config);
  if (!options.ok()) return options.status();
  rpc::RpcServer server(*options, dispatcher);
  if (absl::Status started = server.Start(); !started.ok()) {
    if (absl::IsAlreadyExists(started)) {
      return absl::AlreadyExistsError(
          absl::StrCat(started.message(),
                       " — another portmapper (Debian's rpcbind?) holds the port; stop it "
                       "(systemctl stop rpcbind.socket rpcbind) or choose --port"));
    }
    return started;
  }

  // portmapd lists itself, as rpcbind does, so `rpcinfo -p` and GETADDR find versions 2 to 4.
  for (const rpc::RpcServer::BoundListener& listener : server.listeners()) {
    for (uint32_t version :
         {rpc::portmap::kRpcbVersion4, rpc::portmap::kRpcbVersion3, rpc::portmap::kPmapVersion}) {
      Registration own{rpc::portmap::kProgram,
                       version,
                       listener.address.NetId(listener.transport),
                       listener.address.UniversalAddress(),
                       "superuser",
                       true};
      table.Set(own);
    }
  }

  LocalPortProbe probe;
  auto prune = [&] {
    probe.Refresh();
    if (size_t removed = table.Prune([&](const Registration& r) { return probe.IsAlive(r); })) {
      Logf(LogLevel::kInfo, "removed %zu registration(s) of services that are gone", removed);
    }
  };
  prune();  // daemons that died while portmapd was down

  control::DaemonControlService control_service(
      "portmapd", config.state_dir,
      [&](control::v1::DaemonStatus& status) { DescribeStatus(server, table, status); },
      /*reload=*/nullptr);
  absl::StatusOr<std::unique_ptr<control::ControlServer>> control_server =
      control::ControlServer::Start(control::ControlSocketPath(config.run_dir, "portmapd"),
                                    {&control_service, &statistics_control});
  if (!control_server.ok()) {
    server.Stop();
    return control_server.status();
  }
  Logf(LogLevel::kInfo, "portmapd %s ready", NFSUITE_VERSION);

  control::ServeUntilStopped(config.prune_interval, prune,
                             [] { (void)control::RunReload("portmapd", nullptr); });
  control_server->reset();
  server.Stop();
  return absl::OkStatus();
}

}  // namespace nfsuite::portmap
