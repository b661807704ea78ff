#ifndef NFSUITE_COMMON_RPC_WORKER_POOL_H_
#define NFSUITE_COMMON_RPC_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace nfsuite::rpc {

// A fixed set of threads running submitted tasks in order of submission. The queue itself is not
// bounded: callers bound what they submit (per-connection in-flight limits, a UDP queue limit).
class WorkerPool final {
 public:
  explicit WorkerPool(size_t threads);
  ~WorkerPool();  // runs every task already submitted, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Work();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_WORKER_POOL_H_
