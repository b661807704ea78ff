#ifndef NFSUITE_COMMON_UTIL_ATOMIC_FILE_H_
#define NFSUITE_COMMON_UTIL_ATOMIC_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nfsuite {

// Replaces `path` with `contents` so that a crash at any moment leaves either the old file or the
// new one, never a mix: write a temporary file beside it, fsync it, rename it over, fsync the
// directory. The file gets exactly `mode`, whatever the umask.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents, int mode);

// The whole file; kNotFound when it does not exist.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// Creates `path` (and missing parents) with `mode` when absent.
absl::Status MakeDirectories(const std::string& path, int mode);

}  // namespace nfsuite

#endif  // NFSUITE_COMMON_UTIL_ATOMIC_FILE_H_
