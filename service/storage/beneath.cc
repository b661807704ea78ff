#include "service/storage/beneath.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace nfsuite::storage {

UniqueFd OpenBeneath(int dir_fd, const std::string& name, struct open_how how) {
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  for (int attempt = 0;; ++attempt) {
    const long fd = syscall(SYS_openat2, dir_fd, name.c_str(), &how, sizeof(how));
    // EAGAIN: the kernel saw a concurrent rename and could not vouch for the walk; retry.
    if (fd < 0 && (errno == EINTR || errno == EAGAIN) && attempt < 8) continue;
    return UniqueFd(static_cast<int>(fd));
  }
}

UniqueFd OpenChild(int dir_fd, const std::string& name, uint64_t extra_flags) {
  struct open_how how {};
  how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC | extra_flags;
  return OpenBeneath(dir_fd, name, how);
}

}  // namespace nfsuite::storage
