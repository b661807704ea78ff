#ifndef NFSUITE_SERVICE_STORAGE_OBJECT_LOCATOR_H_
#define NFSUITE_SERVICE_STORAGE_OBJECT_LOCATOR_H_

#include <sys/stat.h>

#include <cstdint>
#include <memory>

#include "absl/strings/string_view.h"
#include "service/storage/path_index.h"
#include "service/storage/storage_backend.h"
#include "service/storage/unique_fd.h"

// How the POSIX backend names objects persistently and finds them again: the part of it that
// differs between a server with root's privileges and one without.
namespace nfsuite::storage {

// Where an object was met: the inode number of its directory and its name there.
struct ObjectPlace {
  uint64_t directory = 0;
  absl::string_view name;
};

class ObjectLocator {
 public:
  virtual ~ObjectLocator() = default;

  // The persistent id of the object open at `fd` (whose stat is `info`), met at `place` when
  // known (null for the root, ".", ".." and objects reached by id).
  virtual StorageResult<ObjectId> IdOf(int fd, const struct stat& info,
                                       const ObjectPlace* place) = 0;
  // An O_PATH descriptor of the object `id` names, as the server. ESTALE for an id that names
  // nothing (any more); the server's own trouble (EMFILE, ENOMEM, ...) as itself.
  virtual StorageResult<UniqueFd> Open(const ObjectId& id) = 0;
  // True when Open only finds objects by walking down from the export root, so that a directory
  // it finds is known to lie under the root.
  virtual bool FindsFromRoot() const = 0;
  // True when the backend must report names that go away (ObjectRemoved) and moves (by IdOf
  // with the new place).
  virtual bool FollowsNames() const = 0;
  // The object open at `fd` has lost its last name through this server.
  virtual void ObjectRemoved(int fd, const struct stat& info) = 0;
};

// Linux file handles: name_to_handle_at names, open_by_handle_at finds. Needs
// CAP_DAC_READ_SEARCH; `mount_fd` (not O_PATH) is any descriptor on the export's filesystem,
// borrowed for the locator's lifetime.
std::unique_ptr<ObjectLocator> MakeKernelHandleLocator(int mount_fd);

// The id name_to_handle_at gives `fd` (which needs no privilege); EOVERFLOW when it is longer
// than an NFS handle has room for.
StorageResult<ObjectId> KernelHandleOf(int fd);

// No privilege needed: an id is the inode number and a tag of the object's kernel handle (which
// tells a reused inode number from the object it used to be), found again through `index` by
// walking from the export root (`root_fd`, borrowed) name by name, or by searching the whole
// export when the index is out of date. Ids are 12 bytes of kind kPathIndexIdKind.
std::unique_ptr<ObjectLocator> MakePathIndexLocator(int root_fd, const struct stat& root,
                                                    std::unique_ptr<PathIndex> index);

// Not a kernel handle type (include/linux/exportfs.h leaves 0xf0 unused), so ids of the two
// locators are never confused.
inline constexpr uint8_t kPathIndexIdKind = 0xf0;

}  // namespace nfsuite::storage

#endif  // NFSUITE_SERVICE_STORAGE_OBJECT_LOCATOR_H_
