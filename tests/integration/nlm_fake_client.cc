#include "tests/integration/nlm_fake_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/portmap_client.h"
#include "common/rpc/procedure.h"
#include "common/util/logging.h"
#include "service/lock/nlm_xdr.h"
#include "service/lock/nsm_xdr.h"

namespace nfsuite::testing {
namespace {

using lock::NlmProcedure;

constexpr uint32_t Number(NlmProcedure procedure) { return static_cast<uint32_t>(procedure); }

rpc::Procedure NullProcedure() {
  return rpc::MakeProcedure(
      "NULL", &rpc::DecodeVoid,
      [](const rpc::CallContext&, const rpc::Void&) { return rpc::Void{}; }, &rpc::EncodeVoid);
}

}  // namespace

FakeLockClient::FakeLockClient(const ClientHost& host) : host_(host) {}

absl::StatusOr<std::unique_ptr<FakeLockClient>> FakeLockClient::Start(const ClientHost& host) {
  // The RPC runtime logs every listener at info level: noise among the test's output.
  SetLogLevel(LogLevel::kWarning);
  std::unique_ptr<FakeLockClient> client(new FakeLockClient(host));
  client->RegisterPrograms();
  absl::Status started;
  absl::Status inside = host.RunInside([&] { started = client->StartInside(); });
  if (!inside.ok()) return inside;
  if (!started.ok()) return started;
  return client;
}

FakeLockClient::~FakeLockClient() {
  if (server_ == nullptr) return;
  const std::vector<rpc::ServiceRegistration> registrations = Registrations();
  (void)host_.RunInside([&] {
    const rpc::PortmapClient portmapper;
    (void)portmapper.Unregister(registrations);
  });
  server_->Stop();
}

absl::Status FakeLockClient::StartInside() {
  absl::StatusOr<rpc::SocketAddress> address = rpc::SocketAddress::Parse(host_.client_address(), 0);
  if (!address.ok()) return address.status();
  rpc::ServerOptions options;
  // The host's own address, not the wildcard: a portmapper hands out what was registered, and a
  // server calling back must not be sent to 0.0.0.0 (itself).
  options.listeners = {{rpc::Transport::kTcp, *address}, {rpc::Transport::kUdp, *address}};
  options.worker_threads = 2;
  server_ = std::make_unique<rpc::RpcServer>(options, dispatcher_);
  if (absl::Status status = server_->Start(); !status.ok()) {
    server_.reset();
    return status;
  }
  const rpc::PortmapClient portmapper;  // the host's own, on its loopback
  return portmapper.Register(Registrations());
}

std::vector<rpc::ServiceRegistration> FakeLockClient::Registrations() const {
  std::vector<rpc::ServiceRegistration> registrations;
  for (const rpc::Dispatcher::Registered& program : dispatcher_.Programs()) {
    for (const rpc::RpcServer::BoundListener& listener : server_->listeners()) {
      registrations.push_back(
          {program.program, program.version, listener.transport, listener.address});
    }
  }
  return registrations;
}

namespace {

// A GRANTED or GRANTED_MSG procedure of NLM `version` (argument width W).
template <lock::Width W>
rpc::Procedure GrantedProcedure(const std::function<std::optional<lock::NlmResult>(
                                    const rpc::CallContext&, const lock::NlmTestArgs&)>& record) {
  return rpc::MakeProcedure(
      "GRANTED", &lock::DecodeTestArgs<W>,
      [record](const rpc::CallContext& context,
               const lock::NlmTestArgs& args) -> rpc::HandlerResult<lock::NlmResult> {
        std::optional<lock::NlmResult> answer = record(context, args);
        if (!answer.has_value()) return rpc::NoReply{};
        return *std::move(answer);
      },
      &lock::EncodeResult);
}

template <lock::Width W>
void DecodeTestResultOf(xdr::XdrDecoder& decoder, lock::NlmTestResult& result) {
  lock::DecodeTestResult<W>(decoder, result);
}

}  // namespace

void FakeLockClient::RegisterPrograms() {
  auto granted = [this](const rpc::CallContext& context,
                        const lock::NlmTestArgs& args) -> std::optional<lock::NlmResult> {
    absl::MutexLock hold(&mu_);
    granted_.push_back({context.version, context.procedure, context.origin.transport, args});
    // GRANTED_MSG is answered (if at all) by a GRANTED_RES call, never by a reply.
    if (context.procedure == Number(NlmProcedure::kGrantedMsg)) return std::nullopt;
    switch (granted_answer_) {
      case GrantedAnswer::kGranted:
        return lock::NlmResult{args.cookie, lock::NlmStatus::kGranted};
      case GrantedAnswer::kDenied:
        return lock::NlmResult{args.cookie, lock::NlmStatus::kDenied};
      case GrantedAnswer::kSilent:
        break;
    }
    return std::nullopt;
  };
  auto record_result = [this](const rpc::CallContext& context, const lock::NlmResult& result) {
    RecordResult(context, ReceivedResult{.result = result, .test_result = {}});
    return rpc::Void{};
  };
  auto record_test_result = [this](const rpc::CallContext& context,
                                   const lock::NlmTestResult& result) {
    RecordResult(context, ReceivedResult{.result = {}, .test_result = result});
    return rpc::Void{};
  };

  for (const uint32_t version : {lock::kNlmVersion1, lock::kNlmVersion3, lock::kNlmVersion4}) {
    const bool wide = version == lock::kNlmVersion4;
    rpc::ProgramVersion nlm;
    nlm.program = lock::kNlmProgram;
    nlm.version = version;
    nlm.program_name = "nlockmgr";
    nlm.procedures.resize(Number(NlmProcedure::kGrantedRes) + 1);
    nlm.procedures[Number(NlmProcedure::kNull)] = NullProcedure();
    for (const NlmProcedure procedure : {NlmProcedure::kGranted, NlmProcedure::kGrantedMsg}) {
      nlm.procedures[Number(procedure)] = wide ? GrantedProcedure<lock::Width::kWide>(granted)
                                               : GrantedProcedure<lock::Width::kNarrow>(granted);
    }
    nlm.procedures[Number(NlmProcedure::kTestRes)] = rpc::MakeProcedure(
        "TEST_RES",
        wide ? &DecodeTestResultOf<lock::Width::kWide> : &DecodeTestResultOf<lock::Width::kNarrow>,
        record_test_result, &rpc::EncodeVoid);
    for (const NlmProcedure procedure : {NlmProcedure::kLockRes, NlmProcedure::kCancelRes,
                                         NlmProcedure::kUnlockRes, NlmProcedure::kGrantedRes}) {
      nlm.procedures[Number(procedure)] =
          rpc::MakeProcedure("RES", &lock::DecodeResult, record_result, &rpc::EncodeVoid);
    }
    dispatcher_.Register(std::move(nlm));
  }

  rpc::ProgramVersion nsm;
  nsm.program = lock::kNsmProgram;
  nsm.version = lock::kNsmVersion;
  nsm.program_name = "status";
  nsm.procedures.resize(static_cast<uint32_t>(lock::NsmProcedure::kNotify) + 1);
  nsm.procedures[0] = NullProcedure();
  nsm.procedures[static_cast<uint32_t>(lock::NsmProcedure::kNotify)] = rpc::MakeProcedure(
      "SM_NOTIFY", &lock::DecodeStatChange,
      [this](const rpc::CallContext& context, const lock::StatChange& change) {
        absl::MutexLock hold(&mu_);
        notifies_.push_back({change, context.origin.transport, context.origin.peer.HostString()});
        return rpc::Void{};
      },
      &rpc::EncodeVoid);
  dispatcher_.Register(std::move(nsm));
}

void FakeLockClient::RecordResult(const rpc::CallContext& context, ReceivedResult received) {
  received.version = context.version;
  received.procedure = context.procedure;
  absl::MutexLock hold(&mu_);
  results_.push_back(std::move(received));
}

void FakeLockClient::set_granted_answer(GrantedAnswer answer) {
  absl::MutexLock hold(&mu_);
  granted_answer_ = answer;
}

template <typename Call>
std::optional<Call> FakeLockClient::WaitFor(const std::vector<Call>& calls, absl::Duration timeout,
                                            const std::function<bool(const Call&)>& match) {
  std::optional<Call> found;
  auto arrived = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const Call& call : calls) {
      if (match == nullptr || match(call)) {
        found = call;
        return true;
      }
    }
    return false;
  };
  absl::MutexLock hold(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&arrived), timeout);
  return found;
}

std::optional<ReceivedGranted> FakeLockClient::WaitForGranted(
    absl::Duration timeout, const std::function<bool(const ReceivedGranted&)>& match) {
  return WaitFor(granted_, timeout, match);
}

std::optional<ReceivedResult> FakeLockClient::WaitForResult(uint32_t procedure,
                                                            absl::Duration timeout) {
  return WaitFor<ReceivedResult>(results_, timeout, [procedure](const ReceivedResult& call) {
    return call.procedure == procedure;
  });
}

std::optional<ReceivedNotify> FakeLockClient::WaitForNotify(absl::Duration timeout) {
  return WaitFor<ReceivedNotify>(notifies_, timeout, nullptr);
}

std::vector<ReceivedGranted> FakeLockClient::granted() const {
  absl::MutexLock hold(&mu_);
  return granted_;
}

std::vector<ReceivedNotify> FakeLockClient::notifies() const {
  absl::MutexLock hold(&mu_);
  return notifies_;
}

size_t FakeLockClient::granted_count() const {
  absl::MutexLock hold(&mu_);
  return granted_.size();
}

}  // namespace nfsuite::testing
