#include "common/util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace nfsuite {
namespace {

absl::Status FileError(absl::string_view what, const std::string& path) {
  const int error = errno;
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(error));
  if (error == ENOENT) return absl::NotFoundError(message);
  if (error == EACCES || error == EPERM) return absl::PermissionDeniedError(message);
  if (error == ENOSPC || error == EDQUOT) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents, int mode) {
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return FileError("creating", temporary);
  // Exactly `mode`, whatever the umask (daemons run with 077; an exports file stays 0644).
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    absl::Status status = FileError("setting the mode of", temporary);
    close(fd);
    unlink(temporary.c_str());
    return status;
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t count = write(fd, contents.data() + written, contents.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      absl::Status status = FileError("writing", temporary);
      close(fd);
      unlink(temporary.c_str());
      return status;
    }
    written += count;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    absl::Status status = FileError("syncing", temporary);
    unlink(temporary.c_str());
    return status;
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    absl::Status status = FileError("renaming over", path);
    unlink(temporary.c_str());
    return status;
  }
  const std::string directory = std::filesystem::path(path).parent_path().string();
  const int directory_fd =
      open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    fsync(directory_fd);
    close(directory_fd);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError("opening", path);
  std::string contents;
  char buffer[16384];
  for (;;) {
    const ssize_t count = read(fd, buffer, sizeof(buffer));
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      absl::Status status = FileError("reading", path);
      close(fd);
      return status;
    }
    if (count == 0) break;
    contents.append(buffer, count);
  }
  close(fd);
  return contents;
}

absl::Status MakeDirectories(const std::string& path, int mode) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return absl::InternalError(absl::StrCat("creating ", path, ": ", error.message()));
  if (chmod(path.c_str(), mode) != 0) return FileError("setting the mode of", path);
  return absl::OkStatus();
}

}  // namespace nfsuite
