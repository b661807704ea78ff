// Objects named by Linux file handles (name_to_handle_at / open_by_handle_at).

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "common/util/logging.h"
#include "service/storage/object_locator.h"

namespace nfsuite::storage {
namespace {

constexpr size_t kMaxObjectIdSize = 44;  // what a v3 file handle has room for

// A kernel file handle with room for the largest one the kernel makes.
struct KernelHandle {
  KernelHandle() { handle()->handle_bytes = MAX_HANDLE_SZ; }
  file_handle* handle() { return reinterpret_cast<file_handle*>(storage); }
  alignas(file_handle) unsigned char storage[sizeof(file_handle) + MAX_HANDLE_SZ];
};

class KernelHandleLocator final : public ObjectLocator {
 public:
  explicit KernelHandleLocator(int mount_fd) : mount_fd_(mount_fd) {}

  StorageResult<ObjectId> IdOf(int fd, const struct stat&, const ObjectPlace*) override {
    return KernelHandleOf(fd);
  }

  StorageResult<UniqueFd> Open(const ObjectId& id) override {
    if (id.bytes.empty() || id.bytes.size() > kMaxObjectIdSize || id.kind == kPathIndexIdKind) {
      return Errno{ESTALE};
    }
    KernelHandle buffer;
    file_handle* handle = buffer.handle();
    handle->handle_bytes = id.bytes.size();
    handle->handle_type = id.kind;
    std::copy(id.bytes.begin(), id.bytes.end(), handle->f_handle);
    // The kernel answers ENOMEM for a removed file's handle while its inode is still being torn
    // down (seen on ext4 while other processes create and remove files: milliseconds, and an
    // immediate retry sees it again). A few short pauses let the answer settle to ESTALE;
    // genuine memory shortage still comes back as ENOMEM after them. Only this rare path waits.
    constexpr int kDecodeAttempts = 4;
    UniqueFd fd;
    for (int attempt = 0; attempt < kDecodeAttempts; ++attempt) {
      if (attempt > 0) usleep(20 * 1000);
      fd = UniqueFd(open_by_handle_at(mount_fd_, handle, O_PATH | O_CLOEXEC));
      if (fd.valid() || errno != ENOMEM) break;
    }
    if (fd.valid()) {
      opened_any_.store(true, std::memory_order_relaxed);
      return fd;
    }
    const int error = errno;
    switch (error) {
      case EMFILE:
      case ENFILE:
      case ENOMEM:
        return Errno{error};  // the server's trouble, not the handle's
      case EPERM:
        // (A server that never had the privilege hears about it from PosixBackend::Open.)
        if (opened_any_.load(std::memory_order_relaxed)) {
          Logf(LogLevel::kError, "storage: open_by_handle_at refused: the server lost root");
        }
        return Errno{error};
      default:
        return Errno{ESTALE};  // removed, or bytes the filesystem does not recognize
    }
  }

  bool FindsFromRoot() const override { return false; }
  bool FollowsNames() const override { return false; }
  void ObjectRemoved(int, const struct stat&) override {}

 private:
  const int mount_fd_;
  std::atomic<bool> opened_any_{false};
};

}  // namespace

StorageResult<ObjectId> KernelHandleOf(int fd) {
  KernelHandle buffer;
  file_handle* handle = buffer.handle();
  int mount_id = 0;
  if (name_to_handle_at(fd, "", handle, &mount_id, AT_EMPTY_PATH) != 0) {
    const int error = errno;
    Logf(LogLevel::kWarning, "storage: name_to_handle_at failed: %s", std::strerror(error));
    return Errno{error};
  }
  if (handle->handle_bytes > kMaxObjectIdSize || handle->handle_type < 0 ||
      handle->handle_type > 255) {
    Logf(LogLevel::kError,
         "storage: the filesystem's file handle (type %d, %u bytes) does not fit in an NFS "
         "handle (type 0-255, at most %u bytes)",
         handle->handle_type, handle->handle_bytes, static_cast<unsigned>(kMaxObjectIdSize));
    return Errno{EOVERFLOW};
  }
  ObjectId id;
  id.kind = static_cast<uint8_t>(handle->handle_type);
  id.bytes.assign(handle->f_handle, handle->f_handle + handle->handle_bytes);
  return id;
}

std::unique_ptr<ObjectLocator> MakeKernelHandleLocator(int mount_fd) {
  return std::make_unique<KernelHandleLocator>(mount_fd);
}

}  // namespace nfsuite::storage
