#include "service/lock/nsm_service.h"

#include <utility>

#include "common/rpc/socket_address.h"
#include "common/util/logging.h"
#include "service/lock/client_calls.h"
#include "service/lock/nsm_xdr.h"

namespace nfsuite::lock {
namespace {

constexpr rpc::ProcedurePolicies kMonitoring{rpc::ReplyCachePolicy::kNone, rpc::Execution::kWorker};
constexpr absl::Duration kCallbackTimeout = absl::Seconds(5);

// Where a registration's my_name points: a numeric address as given; a name (conventionally
// "localhost" or this host's own) is a local program.
std::string CallbackAddress(const std::string& my_name) {
  if (rpc::SocketAddress::Parse(my_name, 0).ok()) return my_name;
  return "127.0.0.1";
}

}  // namespace

NsmService::NsmService(StatusMonitor& monitor, LockManager& locks, CallbackQueue& callbacks,
                       std::function<void()> simulate_crash)
    : monitor_(monitor),
      locks_(locks),
      callbacks_(callbacks),
      simulate_crash_(std::move(simulate_crash)) {}

SmStatResult NsmService::Stat(const rpc::CallContext&, const SmName&) {
  return SmStatResult{NsmResult::kSuccess, monitor_.state()};
}

SmStatResult NsmService::Mon(const rpc::CallContext& context, const lock::Mon& args) {
  if (!context.origin.peer.IsLoopback()) {
    Logf(LogLevel::kWarning, "NSM: SM_MON from %s refused: only local programs may monitor",
         context.origin.peer.ToString());
    return SmStatResult{NsmResult::kFailure, monitor_.state()};
  }
  absl::Status registered =
      monitor_.Register(MonitorRegistration{args.mon_id.mon_name, args.mon_id.my_id, args.priv});
  return SmStatResult{registered.ok() ? NsmResult::kSuccess : NsmResult::kFailure,
                      monitor_.state()};
}

SmStat NsmService::Unmon(const rpc::CallContext& context, const MonId& args) {
  if (context.origin.peer.IsLoopback()) monitor_.Unregister(args.mon_name, args.my_id);
  return SmStat{monitor_.state()};
}

SmStat NsmService::UnmonAll(const rpc::CallContext& context, const MyId& args) {
  if (context.origin.peer.IsLoopback()) monitor_.UnregisterAll(args);
  return SmStat{monitor_.state()};
}

rpc::Void NsmService::SimuCrash(const rpc::CallContext& context, const rpc::Void&) {
  if (!context.origin.peer.IsLoopback()) {
    Logf(LogLevel::kWarning, "NSM: SM_SIMU_CRASH from %s ignored: not a local program",
         context.origin.peer.ToString());
    return {};
  }
  simulate_crash_();
  return {};
}

rpc::Void NsmService::Notify(const rpc::CallContext& context, const StatChange& args) {
  const size_t released =
      locks_.ReleaseHosts([&](const ClientHost& host) { return host.Matches(args.mon_name); });
  const std::vector<MonitorRegistration> interested = monitor_.HostRebooted(args.mon_name);
  Logf(LogLevel::kInfo, "NSM: %s (from %s) rebooted, now state %d: %zu locks and shares released",
       args.mon_name, context.origin.peer.ToString(), args.state, released);
  for (const MonitorRegistration& registration : interested) {
    const ClientService target{CallbackAddress(registration.my_id.my_name), rpc::Transport::kUdp,
                               static_cast<uint32_t>(registration.my_id.my_prog),
                               static_cast<uint32_t>(registration.my_id.my_vers)};
    const StatusCallback status{args.mon_name, args.state, registration.priv};
    const uint32_t procedure = static_cast<uint32_t>(registration.my_id.my_proc);
    callbacks_.Post([target, status, procedure] {
      absl::StatusOr<rpc::RpcReply> reply = CallClientService(
          target, procedure,
          [&status](xdr::XdrEncoder& encoder) { EncodeStatusCallback(encoder, status); },
          kCallbackTimeout);
      if (!reply.ok()) {
        Logf(LogLevel::kWarning, "NSM: cannot tell program %u at %s of %s's reboot: %s",
             target.program, target.address, status.mon_name, reply.status().message());
      }
    });
  }
  return {};
}

rpc::ProgramVersion NsmService::Version1() {
  rpc::ProgramVersion table{kNsmProgram, kNsmVersion, "status", {}};
  table.procedures.resize(7);
  const auto row = [this](const char* name, auto decode, auto method, auto encode) {
    return rpc::MakeProcedure(
        name, decode,
        [this, method](const rpc::CallContext& context, const auto& args) {
          return (this->*method)(context, args);
        },
        encode, kMonitoring);
  };
  auto& p = table.procedures;
  using Self = NsmService;
  p[static_cast<size_t>(NsmProcedure::kNull)] = rpc::MakeProcedure(
      "NULL", &rpc::DecodeVoid,
      [](const rpc::CallContext&, const rpc::Void&) { return rpc::Void{}; }, &rpc::EncodeVoid,
      kMonitoring);
  p[static_cast<size_t>(NsmProcedure::kStat)] =
      row("SM_STAT", &DecodeSmName, &Self::Stat, &EncodeSmStatResult);
  p[static_cast<size_t>(NsmProcedure::kMon)] =
      row("SM_MON", &DecodeMon, &Self::Mon, &EncodeSmStatResult);
  p[static_cast<size_t>(NsmProcedure::kUnmon)] =
      row("SM_UNMON", &DecodeMonId, &Self::Unmon, &EncodeSmStat);
  p[static_cast<size_t>(NsmProcedure::kUnmonAll)] =
      row("SM_UNMON_ALL", &DecodeMyId, &Self::UnmonAll, &EncodeSmStat);
  p[static_cast<size_t>(NsmProcedure::kSimuCrash)] =
      row("SM_SIMU_CRASH", &rpc::DecodeVoid, &Self::SimuCrash, &rpc::EncodeVoid);
  p[static_cast<size_t>(NsmProcedure::kNotify)] =
      row("SM_NOTIFY", &DecodeStatChange, &Self::Notify, &rpc::EncodeVoid);
  return table;
}

}  // namespace nfsuite::lock
