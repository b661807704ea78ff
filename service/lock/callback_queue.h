#ifndef NFSUITE_SERVICE_LOCK_CALLBACK_QUEUE_H_
#define NFSUITE_SERVICE_LOCK_CALLBACK_QUEUE_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

// Where the lock manager's calls to clients run (GRANTED, *_RES, status callbacks): a few threads
// of their own, so that a client that never answers delays other callbacks by at most one call's
// timeout, and never a request. Bounded: a call beyond `max_queued` is dropped and logged (every
// such call is retried or is an answer the client will ask for again).
namespace nfsuite::lock {

class CallbackQueue {
 public:
  CallbackQueue(size_t threads, size_t max_queued);
  ~CallbackQueue();  // runs nothing more; waits for calls in progress
  CallbackQueue(const CallbackQueue&) = delete;
  CallbackQueue& operator=(const CallbackQueue&) = delete;

  void Post(std::function<void()> call);

 private:
  void Run();

  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  bool stopping_ = false;
  std::deque<std::function<void()>> queued_;
  std::vector<std::thread> threads_;
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_CALLBACK_QUEUE_H_
