#ifndef NFSUITE_COMMON_EXPORTS_EXPORT_PATH_H_
#define NFSUITE_COMMON_EXPORTS_EXPORT_PATH_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nfsuite::exports {

// MNTPATHLEN (RFC 1813 section 5.1): a longer export path or alias could never be mounted.
inline constexpr size_t kMaxExportPathLength = 1024;

// The lexical form of an export path or alias: "//srv/./a/" becomes "/srv/a". Touches no
// filesystem (the daemon canonicalises against the real tree later), so it can run on untrusted
// text. kInvalidArgument for an empty or relative path, a ".." component (it could name a place
// outside what the line seems to say), a NUL byte, or a path longer than kMaxExportPathLength;
// the message is a predicate for the caller to put after its own subject ("is not absolute").
absl::StatusOr<std::string> NormalizeExportPath(absl::string_view path);

}  // namespace nfsuite::exports

#endif  // NFSUITE_COMMON_EXPORTS_EXPORT_PATH_H_
