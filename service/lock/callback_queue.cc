#include "service/lock/callback_queue.h"

#include "common/util/logging.h"

namespace nfsuite::lock {

CallbackQueue::CallbackQueue(size_t threads, size_t max_queued) : max_queued_(max_queued) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

CallbackQueue::~CallbackQueue() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
    queued_.clear();
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void CallbackQueue::Post(std::function<void()> call) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (stopping_) return;
    if (queued_.size() >= max_queued_) {
      Logf(LogLevel::kWarning, "NLM: %zu callbacks to clients queued; dropping one",
           queued_.size());
      return;
    }
    queued_.push_back(std::move(call));
  }
  ready_.notify_one();
}

void CallbackQueue::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    ready_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
    if (stopping_) return;
    std::function<void()> call = std::move(queued_.front());
    queued_.pop_front();
    lock.unlock();
    call();
    lock.lock();
  }
}

}  // namespace nfsuite::lock
