#ifndef NFSUITE_SERVICE_NFS_WEBNFS_PATH_H_
#define NFSUITE_SERVICE_NFS_WEBNFS_PATH_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "service/nfs/nfs_status.h"

namespace nfsuite::nfs {

// The components of the name in a WebNFS multi-component LOOKUP, one made relative to the public
// file handle (RFC 2054 section 6, RFC 2055 section 6.1), each a single name for the backend:
// - a canonical path: '/'-separated components in which "%XX" (two hex digits) is the byte XX,
//   so "%2f" puts a '/' into a component (and is then refused: no file name holds one). A '%'
//   not followed by two hex digits is taken as it is, as browsers send such names;
// - a native path, marked by a first byte of 0x80: '/'-separated, without escapes.
// A leading '/' means the server's root directory in the RFC; here it is the root of the public
// export, since nothing outside an export is served. Empty components ("a//b", a trailing '/')
// are skipped, so "" and "/" name the public root itself. "." and ".." are kept: the backend
// resolves them, and ".." of the export root is the root.
// A component with NUL or '/', or an escaped empty one, is ACCES; one over 255 bytes NAMETOOLONG.
std::variant<std::vector<std::string>, Nfsstat3> PublicPathComponents(absl::string_view path);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_WEBNFS_PATH_H_
