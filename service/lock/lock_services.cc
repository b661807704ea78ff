#include "service/lock/lock_services.h"

#include <unistd.h>

#include <climits>

#include "common/util/logging.h"

namespace nfsuite::lock {
namespace {

constexpr size_t kCallbackThreads = 4;
constexpr size_t kMaxQueuedCallbacks = 4096;

std::string HostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LockServices>> LockServices::Start(
    const LockServiceOptions& options, const nfs::CurrentExports& exports,
    const nfs::FileHandleCodec& handles) {
  std::unique_ptr<LockServices> services(new LockServices(options));
  LockServices& self = *services;
  absl::StatusOr<std::unique_ptr<StatusMonitor>> monitor =
      StatusMonitor::Start(options.state_dir + "/nsm-state");
  if (!monitor.ok()) return monitor.status();
  self.monitor_ = *std::move(monitor);
  if (self.monitor_->restarted_with_hosts()) {
    // Clients that held locks before the restart reclaim them before anyone else may lock.
    self.grace_.Begin(options.grace_period);
    Logf(LogLevel::kInfo, "NLM: grace period of %s for %zu host(s) to reclaim their locks",
         absl::FormatDuration(options.grace_period), self.monitor_->to_notify().size());
  }
  self.callbacks_ = std::make_unique<CallbackQueue>(kCallbackThreads, kMaxQueuedCallbacks);
  LockManager::Options lock_options;
  lock_options.grant_timeout = options.grant_timeout;
  self.locks_ = std::make_unique<LockManager>(
      lock_options, [&self](uint64_t grant, std::shared_ptr<const GrantNotice> notice) {
        self.nlm_->SendGrant(grant, notice);
      });
  self.nlm_ = std::make_unique<NlmService>(exports, handles, *self.locks_, *self.monitor_,
                                           self.grace_, *self.callbacks_);
  self.nsm_ = std::make_unique<NsmService>(*self.monitor_, *self.locks_, *self.callbacks_,
                                           [&self] { self.SimulateCrash(); });
  RebootNotifier::Options notifier;
  notifier.my_name = options.nsm_name.empty() ? HostName() : options.nsm_name;
  notifier.portmapper_port = options.client_portmapper_port;
  self.notifier_ = std::make_unique<RebootNotifier>(notifier, *self.monitor_, *self.locks_);
  Logf(LogLevel::kInfo, "NSM: state %d, known to clients as %s", self.monitor_->state(),
       notifier.my_name);
  return services;
}

LockServices::~LockServices() {
  notifier_.reset();
  if (locks_ != nullptr) locks_->Stop();
  callbacks_.reset();
}

void LockServices::RegisterWith(rpc::Dispatcher& dispatcher) {
  for (const uint32_t version : {kNlmVersion1, kNlmVersion3, kNlmVersion4}) {
    dispatcher.Register(nlm_->Version(version));
  }
  dispatcher.Register(nsm_->Version1());
}

void LockServices::SimulateCrash() {
  // What a restart does to the lock manager: every lock goes, clients are told and reclaim.
  const size_t released = locks_->ReleaseHosts([](const ClientHost&) { return true; });
  const int32_t state = monitor_->SimulateCrash();
  grace_.Begin(options_.grace_period);
  Logf(LogLevel::kWarning,
       "NSM: simulated crash: %zu locks and shares dropped, state %d, grace period of %s", released,
       state, absl::FormatDuration(options_.grace_period));
  notifier_->Wake();
}

LockServiceStatus LockServices::Status() const {
  LockServiceStatus status;
  status.counts = locks_->Counts();
  status.grace_seconds_left = grace_.SecondsLeft();
  status.nsm_state = monitor_->state();
  status.monitored = monitor_->monitored();
  status.to_notify = monitor_->to_notify();
  return status;
}

}  // namespace nfsuite::lock
