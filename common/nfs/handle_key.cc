#include "common/nfs/handle_key.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/util/atomic_file.h"

namespace nfsuite::nfs {
namespace {

absl::StatusOr<HandleKey> ReadKey(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "handle key ", path, " is accessible to others (mode ", absl::Hex(info.st_mode & 0777),
        "); anyone who reads it can forge file handles: chmod 600 ", path));
  }
  absl::StatusOr<std::string> contents = ReadWholeFile(path);
  if (!contents.ok()) return contents.status();
  if (contents->size() != HandleKey::kSize) {
    return absl::DataLossError(absl::StrCat("handle key ", path, " holds ", contents->size(),
                                            " bytes instead of ", HandleKey::kSize));
  }
  std::array<uint8_t, HandleKey::kSize> bytes;
  std::memcpy(bytes.data(), contents->data(), bytes.size());
  return HandleKey::FromBytes(bytes);
}

absl::Status FillRandom(std::array<uint8_t, HandleKey::kSize>& bytes) {
  size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t count = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return absl::InternalError(absl::StrCat("getrandom: ", std::strerror(errno)));
    filled += count;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<HandleKey> HandleKey::LoadOrCreate(const std::string& state_dir) {
  const std::string path = absl::StrCat(state_dir, "/", kFileName);
  absl::StatusOr<HandleKey> existing = ReadKey(path);
  if (!absl::IsNotFound(existing.status())) return existing;

  if (absl::Status made = MakeDirectories(state_dir, 0700); !made.ok()) return made;
  std::array<uint8_t, kSize> bytes;
  if (absl::Status random = FillRandom(bytes); !random.ok()) return random;
  const std::string temporary = absl::StrCat(path, ".new.", getpid(), ".", gettid());
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat(temporary, ": ", std::strerror(errno)));
  const bool written =
      write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(kSize) && fsync(fd) == 0;
  close(fd);
  // link() publishes the complete file or fails with EEXIST when another daemon won the race.
  const bool published = written && link(temporary.c_str(), path.c_str()) == 0;
  const int link_error = errno;
  unlink(temporary.c_str());
  if (published) return HandleKey(bytes);
  if (written && link_error == EEXIST) return ReadKey(path);
  return absl::InternalError(absl::StrCat("cannot create the handle key ", path, ": ",
                                          std::strerror(written ? link_error : errno)));
}

}  // namespace nfsuite::nfs
