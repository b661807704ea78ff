#include "service/lock/reboot_notifier.h"

#include <algorithm>

#include "common/util/logging.h"
#include "service/lock/client_calls.h"
#include "service/lock/nsm_xdr.h"

namespace nfsuite::lock {
namespace {

constexpr absl::Duration kCallTimeout = absl::Seconds(3);
constexpr absl::Duration kLongestPause = absl::Seconds(60);
constexpr absl::Duration kIdleCheckInterval = absl::Seconds(60);

}  // namespace

RebootNotifier::RebootNotifier(Options options, StatusMonitor& monitor, const LockManager& locks)
    : options_(std::move(options)), monitor_(monitor), locks_(locks) {
  thread_ = std::thread([this] { Run(); });
}

RebootNotifier::~RebootNotifier() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool RebootNotifier::Stopping() {
  std::lock_guard<std::mutex> guard(mutex_);
  return stopping_;
}

void RebootNotifier::Wake() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

absl::Time RebootNotifier::NotifyDue(absl::Time now) {
  absl::Time next_due = absl::InfiniteFuture();
  const StatChange change{options_.my_name, monitor_.state()};
  for (const ClientHost& host : monitor_.to_notify()) {
    if (Stopping()) break;  // a stop waits for one call at most
    Attempts& attempts =
        attempts_
            .try_emplace({host.caller_name, host.address}, Attempts{now, now, absl::Seconds(1)})
            .first->second;
    if (attempts.next > now) {
      next_due = std::min(next_due, attempts.next);
      continue;
    }
    absl::StatusOr<rpc::RpcReply> reply = CallClientService(
        ClientService{host.address, rpc::Transport::kUdp, kNsmProgram, kNsmVersion},
        static_cast<uint32_t>(NsmProcedure::kNotify),
        [&change](xdr::XdrEncoder& encoder) { EncodeStatChange(encoder, change); }, kCallTimeout,
        options_.portmapper_port);
    if (reply.ok() && reply->header.Succeeded()) {
      Logf(LogLevel::kInfo, "NSM: told %s (%s) of this server's restart (state %d)",
           host.caller_name, host.address, change.state);
      monitor_.Notified(host);
      attempts_.erase({host.caller_name, host.address});
      continue;
    }
    const std::string why =
        reply.ok() ? reply->header.Describe() : std::string(reply.status().message());
    if (now - attempts.first >= options_.give_up_after) {
      Logf(LogLevel::kWarning, "NSM: giving up telling %s (%s) of this server's restart: %s",
           host.caller_name, host.address, why);
      monitor_.Notified(host);
      attempts_.erase({host.caller_name, host.address});
      continue;
    }
    Logf(LogLevel::kDebug, "NSM: cannot reach %s (%s) yet: %s", host.caller_name, host.address,
         why);
    attempts.next = absl::Now() + attempts.pause;
    attempts.pause = std::min(attempts.pause * 2, kLongestPause);
    next_due = std::min(next_due, attempts.next);
  }
  return next_due;
}

void RebootNotifier::Run() {
  absl::Time next_idle_check = absl::Now() + kIdleCheckInterval;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    const absl::Time now = absl::Now();
    const absl::Time next_due = NotifyDue(now);
    if (now >= next_idle_check) {
      monitor_.ForgetIdle(locks_.ActiveHosts(), now - options_.idle_after);
      next_idle_check = now + kIdleCheckInterval;
    }
    lock.lock();
    const absl::Duration wait =
        std::max(std::min(next_due, next_idle_check) - absl::Now(), absl::ZeroDuration());
    wake_.wait_for(lock, absl::ToChronoNanoseconds(wait), [this] { return stopping_ || woken_; });
  }
}

}  // namespace nfsuite::lock
