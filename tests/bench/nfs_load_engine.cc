#include "tests/bench/nfs_load_engine.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

// libnfs's headers use these types without including what declares them, and libnfs.h defines
// the EXTERN the raw headers use: the order matters.
// clang-format off
#include <sys/time.h>
#include <sys/types.h>
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
// clang-format on

namespace nfsuite::bench {
namespace {

int64_t Percentile(std::vector<int64_t>& values, double fraction) {
  if (values.empty()) return 0;
  const auto rank = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(rank), values.end());
  return values[rank];
}

}  // namespace

Engine::Engine(std::vector<Connection*> connections, int outstanding)
    : connections_(std::move(connections)), slots_(static_cast<size_t>(outstanding)) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].engine = this;
    slots_[i].connection = connections_[i % connections_.size()];
  }
}

PhaseResult Engine::Run(Workload& workload, double seconds, double grace_seconds) {
  PhaseResult result;
  workload_ = &workload;
  result_ = &result;
  latencies_ns_.clear();
  const int64_t start_ns = NowNanos();
  stop_claiming_ns_ = start_ns + static_cast<int64_t>(seconds * 1e9);
  const int64_t give_up_ns = stop_claiming_ns_ + static_cast<int64_t>(grace_seconds * 1e9);
  active_ = static_cast<int>(slots_.size());
  for (Slot& slot : slots_) StartNext(slot);

  std::vector<pollfd> fds(connections_.size());
  while (active_ > 0 && !result.broken) {
    if (NowNanos() > give_up_ns) {
      result.broken = true;
      result.error = "calls still unanswered after the grace period";
      break;
    }
    for (size_t i = 0; i < connections_.size(); ++i) {
      fds[i] = {rpc_get_fd(connections_[i]->rpc()),
                static_cast<short>(rpc_which_events(connections_[i]->rpc())), 0};
    }
    const int ready = poll(fds.data(), fds.size(), 100);
    if (ready < 0) {
      if (errno == EINTR) continue;
      result.broken = true;
      result.error = absl::StrCat("poll: ", std::strerror(errno));
      break;
    }
    for (size_t i = 0; i < connections_.size() && !result.broken; ++i) {
      if (fds[i].revents == 0) continue;
      if (rpc_service(connections_[i]->rpc(), fds[i].revents) < 0) {
        result.broken = true;
        result.error = absl::StrCat("connection ", i, ": ", rpc_get_error(connections_[i]->rpc()));
      }
    }
  }
  result.seconds = static_cast<double>(NowNanos() - start_ns) / 1e9;
  result.p50_ns = Percentile(latencies_ns_, 0.50);
  result.p99_ns = Percentile(latencies_ns_, 0.99);
  workload_ = nullptr;
  result_ = nullptr;
  return result;
}

void Engine::OnReply(rpc_context* /*rpc*/, int status, void* reply, void* private_data) {
  auto& slot = *static_cast<Slot*>(private_data);
  slot.engine->Handle(slot, status, reply);
}

void Engine::Handle(Slot& slot, int status, void* reply) {
  if (workload_ == nullptr) return;  // a late callback: no phase is running
  ++result_->calls;
  if (status != RPC_STATUS_SUCCESS) {
    result_->broken = true;
    Fail(slot, absl::StrCat("RPC failed: ", rpc_get_error(slot.connection->rpc())));
    --active_;
    return;
  }
  std::string error;
  const int64_t now = NowNanos();
  switch (workload_->Receive(slot, reply, error)) {
    case Outcome::kAgain:
      if (workload_->TimesEachCall()) {
        latencies_ns_.push_back(now - slot.started_ns);
        slot.started_ns = now;
      }
      ++slot.step;
      if (workload_->Send(slot, &OnReply) != 0) {
        result_->broken = true;
        Fail(slot, "queueing a call failed");
        --active_;
      }
      return;
    case Outcome::kDone:
      latencies_ns_.push_back(now - slot.started_ns);
      ++result_->operations;
      result_->units += slot.units;
      break;
    case Outcome::kFailed:
      Fail(slot, std::move(error));
      break;
  }
  StartNext(slot);
}

void Engine::StartNext(Slot& slot) {
  if (result_->broken) {
    --active_;
    return;
  }
  const int64_t now = NowNanos();
  if (now >= stop_claiming_ns_) {
    // Bounded in time: whatever is left unclaimed is reported, not waited for.
    Slot probe;
    if (workload_->Claim(probe)) result_->cut_short = true;
    --active_;
    return;
  }
  if (!workload_->Claim(slot)) {
    --active_;
    return;
  }
  slot.step = 0;
  slot.units = 0;
  slot.started_ns = now;
  if (workload_->Send(slot, &OnReply) != 0) {
    result_->broken = true;
    Fail(slot, "queueing a call failed");
    --active_;
  }
}

void Engine::Fail(Slot& slot, std::string error) {
  ++result_->failures;
  if (result_->error.empty()) {
    result_->error = absl::StrCat("item ", slot.item, " step ", slot.step, ": ", error);
  }
}

}  // namespace nfsuite::bench
