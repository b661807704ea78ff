// The export follower against an in-process ExportTableControl server on a Unix socket, standing
// in for mountd: first table, changes, mountd absent, restarted, hanging.
#include "service/nfs/export_follower.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "proto/control.grpc.pb.h"

namespace nfsuite::nfs {
namespace {

control::v1::ExportTable TableOf(const std::string& instance, uint64_t generation,
                                 const std::string& line) {
  control::v1::ExportTable table;
  table.set_mountd_instance(instance);
  table.set_generation(generation);
  control::v1::ExportedDirectory* directory = table.add_exports();
  directory->set_line(line);
  directory->set_export_id(static_cast<uint32_t>(generation));
  return table;
}

// mountd's side, as the proto describes it: the table at once, then after every change.
class FakeMountd final : public control::v1::ExportTableControl::Service {
 public:
  explicit FakeMountd(control::v1::ExportTable table) : table_(std::move(table)) {}

  void Change(control::v1::ExportTable table) {
    absl::MutexLock lock(&mutex_);
    table_ = std::move(table);
    ++version_;
  }
  // Watches send nothing more and end; with `hang`, they never end by themselves.
  void set_hang(bool hang) {
    absl::MutexLock lock(&mutex_);
    hang_ = hang;
  }
  void Close() {
    absl::MutexLock lock(&mutex_);
    closed_ = true;
  }

  grpc::Status GetExports(grpc::ServerContext*, const control::v1::GetExportsRequest*,
                          control::v1::ExportTable* response) override {
    absl::MutexLock lock(&mutex_);
    *response = table_;
    return grpc::Status::OK;
  }

  grpc::Status WatchExports(grpc::ServerContext* context, const control::v1::WatchExportsRequest*,
                            grpc::ServerWriter<control::v1::ExportTable>* writer) override {
    control::v1::ExportTable table;
    int sent = -1;
    for (;;) {
      {
        absl::MutexLock lock(&mutex_);
        auto changed = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
          return version_ != sent || closed_;
        };
        mutex_.AwaitWithTimeout(absl::Condition(&changed), absl::Milliseconds(20));
        if (context->IsCancelled()) return grpc::Status::CANCELLED;
        if (closed_ && !hang_) return grpc::Status::OK;
        if (version_ == sent || (hang_ && sent >= 0)) continue;
        table = table_;
        sent = version_;
      }
      if (!writer->Write(table)) return grpc::Status::OK;
    }
  }

 private:
  absl::Mutex mutex_;
  control::v1::ExportTable table_ ABSL_GUARDED_BY(mutex_);
  int version_ ABSL_GUARDED_BY(mutex_) = 0;
  bool hang_ ABSL_GUARDED_BY(mutex_) = false;
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
};

class ExportFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = "/tmp/export-follower-XXXXXX";
    ASSERT_NE(mkdtemp(name.data()), nullptr) << std::strerror(errno);
    directory_ = name;
    socket_path_ = directory_ + "/mountd.sock";
  }
  void TearDown() override {
    follower_.reset();
    StopMountd();
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  void StartMountd(control::v1::ExportTable table) {
    mountd_ = std::make_unique<FakeMountd>(std::move(table));
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket_path_, grpc::InsecureServerCredentials());
    builder.RegisterService(mountd_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void StopMountd() {
    if (server_ == nullptr) return;
    mountd_->Close();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_.reset();
    mountd_.reset();
  }

  void StartFollower(absl::Duration max_backoff = absl::Seconds(2)) {
    ExportFollower::Options options;
    options.socket_path = socket_path_;
    options.min_backoff = std::min(options.min_backoff, max_backoff);
    options.max_backoff = max_backoff;
    follower_ =
        std::make_unique<ExportFollower>(options, [this](const control::v1::ExportTable& table) {
          absl::MutexLock lock(&mutex_);
          received_.push_back(table);
        });
    follower_->Start();
  }

  // Waits (bounded) until a table of `instance` and `generation` has been handed over.
  bool Received(const std::string& instance, uint64_t generation,
                absl::Duration within = absl::Seconds(10)) {
    absl::MutexLock lock(&mutex_);
    auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
      for (const control::v1::ExportTable& table : received_) {
        if (table.mountd_instance() == instance && table.generation() == generation) return true;
      }
      return false;
    };
    return mutex_.AwaitWithTimeout(absl::Condition(&seen), within);
  }
  size_t ReceivedCount() {
    absl::MutexLock lock(&mutex_);
    return received_.size();
  }

  std::string directory_;
  std::string socket_path_;
  std::unique_ptr<FakeMountd> mountd_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<ExportFollower> follower_;
  absl::Mutex mutex_;
  std::vector<control::v1::ExportTable> received_ ABSL_GUARDED_BY(mutex_);
};

TEST_F(ExportFollowerTest, HandsOverTheTableAndEveryChange) {
  StartMountd(TableOf("one", 1, "/srv *(rw)"));
  StartFollower();
  EXPECT_TRUE(follower_->WaitForFirstTable(absl::Seconds(10)));
  ASSERT_TRUE(Received("one", 1));
  EXPECT_EQ(received_.front().exports(0).line(), "/srv *(rw)");
  mountd_->Change(TableOf("one", 2, "/srv *(ro)"));
  ASSERT_TRUE(Received("one", 2));
  mountd_->Change(TableOf("one", 3, "/other *(ro)"));
  ASSERT_TRUE(Received("one", 3));
  EXPECT_EQ(ReceivedCount(), 3u);
}

TEST_F(ExportFollowerTest, WaitsForMountdAndFollowsItWhenItComes) {
  StartFollower(/*max_backoff=*/absl::Milliseconds(300));
  const absl::Time start = absl::Now();
  EXPECT_FALSE(follower_->WaitForFirstTable(absl::Milliseconds(500)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(450));
  EXPECT_EQ(ReceivedCount(), 0u);
  absl::SleepFor(absl::Milliseconds(1500));
  StartMountd(TableOf("late", 1, "/srv *(rw)"));
  const absl::Time started = absl::Now();
  EXPECT_TRUE(follower_->WaitForFirstTable(absl::Seconds(10)));
  EXPECT_LT(absl::Now() - started, absl::Milliseconds(700))
      << "the pause between attempts grew too long";
  EXPECT_TRUE(Received("late", 1));
}

TEST(ExportFollowerPause, DoublesFromTheLeastToTheMost) {
  ExportFollower::Options options;  // 200 ms to 2 s
  std::vector<int64_t> pauses;
  absl::Duration pause = options.min_backoff;
  for (int i = 0; i < 7; ++i) {
    pauses.push_back(absl::ToInt64Milliseconds(pause));
    pause = ExportFollower::NextPause(pause, options);
  }
  EXPECT_EQ(pauses, (std::vector<int64_t>{200, 400, 800, 1600, 2000, 2000, 2000}));
}

TEST_F(ExportFollowerTest, FollowsARestartedMountd) {
  StartMountd(TableOf("first", 1, "/srv *(rw)"));
  StartFollower();
  ASSERT_TRUE(Received("first", 1));
  StopMountd();
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(ReceivedCount(), 1u) << "nothing is handed over while mountd is away";
  StartMountd(TableOf("second", 1, "/srv *(ro)"));
  EXPECT_TRUE(Received("second", 1, absl::Seconds(5)));
}

TEST_F(ExportFollowerTest, StopEndsAWatchThatNeverEnds) {
  StartMountd(TableOf("hanging", 1, "/srv *(rw)"));
  mountd_->set_hang(true);
  StartFollower();
  ASSERT_TRUE(Received("hanging", 1));
  const absl::Time start = absl::Now();
  follower_->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  const size_t count = ReceivedCount();
  mountd_->set_hang(false);
  mountd_->Change(TableOf("hanging", 2, "/srv *(ro)"));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(ReceivedCount(), count) << "a table was handed over after Stop";
}

TEST_F(ExportFollowerTest, StopWhileMountdIsAbsentIsPrompt) {
  StartFollower();
  absl::SleepFor(absl::Milliseconds(700));
  const absl::Time start = absl::Now();
  follower_->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  EXPECT_FALSE(follower_->WaitForFirstTable(absl::ZeroDuration()));
}

}  // namespace
}  // namespace nfsuite::nfs
