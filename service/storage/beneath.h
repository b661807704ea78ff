#ifndef NFSUITE_SERVICE_STORAGE_BENEATH_H_
#define NFSUITE_SERVICE_STORAGE_BENEATH_H_

#include <linux/openat2.h>

#include <cstdint>
#include <string>

#include "service/storage/unique_fd.h"

// Opening names below a directory without ever leaving it: the one way the storage code turns a
// name into a descriptor.
namespace nfsuite::storage {

// openat2 below `dir_fd`: never leaving the directory, following magic links or crossing into
// another mount.
UniqueFd OpenBeneath(int dir_fd, const std::string& name, struct open_how how);

// Opens `name` in `dir_fd` as an O_PATH descriptor, without following a final symlink.
UniqueFd OpenChild(int dir_fd, const std::string& name, uint64_t extra_flags = 0);

}  // namespace nfsuite::storage

#endif  // NFSUITE_SERVICE_STORAGE_BENEATH_H_
