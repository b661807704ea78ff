#include "service/nfs/export_follower.h"

#include <algorithm>
#include <memory>
#include <string>

#include "common/util/logging.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "proto/control.grpc.pb.h"

namespace nfsuite::nfs {
namespace {

// A channel of our own for each attempt, with gRPC's reconnection pauses no longer than ours:
// gRPC's defaults (1 s growing to 120 s, in a subchannel shared across channels) would keep
// nfsd on an old table for minutes after mountd came back.
std::shared_ptr<grpc::Channel> ChannelTo(const std::string& socket_path,
                                         absl::Duration max_backoff) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  const int max_ms = static_cast<int>(absl::ToInt64Milliseconds(max_backoff));
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::min(max_ms, 200));
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, std::min(max_ms, 200));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, max_ms);
  return grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(),
                                   arguments);
}

}  // namespace

ExportFollower::ExportFollower(Options options, TableHandler on_table)
    : options_(std::move(options)), on_table_(std::move(on_table)) {}

ExportFollower::~ExportFollower() { Stop(); }

void ExportFollower::Start() {
  thread_ = std::thread([this] { Run(); });
}

bool ExportFollower::WaitForFirstTable(absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  auto received = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return tables_received_ > 0 || stopping_;
  };
  mutex_.AwaitWithTimeout(absl::Condition(&received), timeout);
  return tables_received_ > 0;
}

void ExportFollower::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    if (call_ != nullptr) call_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

uint64_t ExportFollower::tables_received() const {
  absl::MutexLock lock(&mutex_);
  return tables_received_;
}

void ExportFollower::Run() {
  absl::Duration pause = options_.min_backoff;
  int failures = 0;  // in a row
  for (;;) {
    const Watch watch = WatchOnce();
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) return;
    }
    const std::string why =
        watch.status.ok() ? "mountd ended the watch" : watch.status.error_message();
    if (watch.tables > 0) {
      failures = 0;
      pause = options_.min_backoff;
      Logf(LogLevel::kWarning,
           "mountd's export table is out of reach (%s); serving the last table until mountd is "
           "back",
           why);
    } else if (++failures == 1) {
      Logf(LogLevel::kWarning, "mountd's export table is out of reach (%s); trying again", why);
    } else {
      Logf(LogLevel::kDebug, "mountd's export table, attempt %d: %s", failures, why);
    }
    absl::MutexLock lock(&mutex_);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopping_; };
    if (mutex_.AwaitWithTimeout(absl::Condition(&stopping), pause)) return;
    pause = NextPause(pause, options_);
  }
}

absl::Duration ExportFollower::NextPause(absl::Duration pause, const Options& options) {
  return std::clamp(pause * 2, options.min_backoff, options.max_backoff);
}

ExportFollower::Watch ExportFollower::WatchOnce() {
  std::unique_ptr<control::v1::ExportTableControl::Stub> stub =
      control::v1::ExportTableControl::NewStub(
          ChannelTo(options_.socket_path, options_.max_backoff));
  grpc::ClientContext call;
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return {};
    call_ = &call;
  }
  std::unique_ptr<grpc::ClientReader<control::v1::ExportTable>> reader =
      stub->WatchExports(&call, control::v1::WatchExportsRequest());
  Watch watch;
  control::v1::ExportTable table;
  while (reader->Read(&table)) {
    if (watch.tables == 0) {
      Logf(LogLevel::kInfo, "following mountd's export table (mountd %s, generation %d)",
           table.mountd_instance(), table.generation());
    }
    ++watch.tables;
    on_table_(table);
    absl::MutexLock lock(&mutex_);
    ++tables_received_;
  }
  watch.status = reader->Finish();
  absl::MutexLock lock(&mutex_);
  call_ = nullptr;
  return watch;
}

}  // namespace nfsuite::nfs
