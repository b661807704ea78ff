#include "service/mount/live_exports.h"

#include <sys/random.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace nfsuite::mount {
namespace {

std::string NewInstanceId() {
  unsigned char bytes[8] = {};
  if (getrandom(bytes, sizeof(bytes), 0) != sizeof(bytes)) {
    return absl::StrCat(getpid(), "-", absl::ToUnixNanos(absl::Now()));
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), 8));
}

}  // namespace

LiveExports::LiveExports(ExportTable initial)
    : instance_(NewInstanceId()), table_(std::make_shared<const ExportTable>(std::move(initial))) {}

LiveExports::Snapshot LiveExports::Current() const {
  absl::MutexLock lock(&mutex_);
  return {table_, generation_};
}

void LiveExports::Replace(ExportTable next) {
  auto table = std::make_shared<const ExportTable>(std::move(next));
  absl::MutexLock lock(&mutex_);
  table_ = std::move(table);
  ++generation_;
}

LiveExports::Snapshot LiveExports::WaitForChange(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&mutex_);
  auto changed = [this, seen]()
                     ABSL_SHARED_LOCKS_REQUIRED(mutex_) { return generation_ > seen || closed_; };
  mutex_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return {table_, generation_};
}

void LiveExports::Close() {
  absl::MutexLock lock(&mutex_);
  closed_ = true;
}

bool LiveExports::closed() const {
  absl::MutexLock lock(&mutex_);
  return closed_;
}

}  // namespace nfsuite::mount
