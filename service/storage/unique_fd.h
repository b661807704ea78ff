#ifndef NFSUITE_SERVICE_STORAGE_UNIQUE_FD_H_
#define NFSUITE_SERVICE_STORAGE_UNIQUE_FD_H_

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace nfsuite::storage {

// Owns a descriptor. Closing never changes errno, so an error can be read after a scope ends.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }

 private:
  void Reset() {
    if (fd_ < 0) return;
    const int saved = errno;
    close(fd_);
    errno = saved;
    fd_ = -1;
  }
  int fd_ = -1;
};

}  // namespace nfsuite::storage

#endif  // NFSUITE_SERVICE_STORAGE_UNIQUE_FD_H_
