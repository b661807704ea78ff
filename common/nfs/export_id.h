#ifndef NFSUITE_COMMON_NFS_EXPORT_ID_H_
#define NFSUITE_COMMON_NFS_EXPORT_ID_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace nfsuite::nfs {

// The id an export gets when none is pinned: derived from its canonical path, so mountd and
// nfsd agree on it, and it stays the same across restarts and machines.
uint32_t ExportIdForPath(absl::string_view canonical_path);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_COMMON_NFS_EXPORT_ID_H_
