#ifndef NFSUITE_SERVICE_STORAGE_POSIX_BACKEND_H_
#define NFSUITE_SERVICE_STORAGE_POSIX_BACKEND_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "service/storage/object_locator.h"
#include "service/storage/storage_backend.h"

namespace nfsuite::storage {

// Serves one directory tree of the local (Linux) filesystem.
//
// Objects get ids that survive restarts of the server and of the machine (object_locator.h):
// - as root, kernel file handles (name_to_handle_at), opened again with open_by_handle_at. A
//   directory must still lie under the export root (one moved out of the export on the server is
//   ESTALE); a regular file moved out keeps working, as with Linux nfsd's no_subtree_check.
// - without root, the inode number, found again through a path index kept in the state
//   directory (path_index.h): every name the server meets is recorded, and an object moved on
//   the server is found by searching the export. Anything moved out of the export is ESTALE.
// A resolved object must be on the export's filesystem.
//
// Every filesystem call runs with the caller's identity (ScopedThreadIdentity) and works from
// directory descriptors with single-component names, resolved with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV): no name, symlink or ".." leads outside the export,
// and no lookup crosses into a filesystem mounted inside it (EXDEV), whose objects the export's
// handles could not name. Reopening an object for I/O, chmod and link goes through
// /proc/self/fd, so /proc must be mounted.
//
// Semantics that follow Linux nfsd:
// - The owner of a file may read, write and truncate it whatever its mode (a client creates a
//   0444 file and then writes it; the owner could chmod it anyway).
// - Mode changes of symlinks are ignored (Linux has no symlink modes).
// - Modes are applied exactly as asked, without the server's umask; a new object without a
//   requested mode gets 0644 (directories 0755).
// - EXCLUSIVE create keeps the verifier in the new file's mtime and atime seconds.
// - CREATE UNCHECKED of an existing name returns the existing object and applies only the size.
//
// Without root there is no identity to switch to: every caller acts as the server's user.
//
// Thread-safe.
class PosixBackend final : public StorageBackend {
 public:
  enum class HandleScheme {
    kAutomatic,      // kernel handles when the server may open them, else the path index
    kKernelHandles,  // fails to open without CAP_DAC_READ_SEARCH
    kPathIndex,
  };
  struct Options {
    HandleScheme handles = HandleScheme::kAutomatic;
    // The path index's log (PathIndexFile); empty: kept in memory only, so ids do not survive
    // a restart.
    std::string path_index_file;
  };

  // `export_path` must be an existing directory on a filesystem with file handle support.
  static absl::StatusOr<std::unique_ptr<PosixBackend>> Open(const std::string& export_path,
                                                            const Options& options);
  static absl::StatusOr<std::unique_ptr<PosixBackend>> Open(const std::string& export_path) {
    return Open(export_path, Options{});
  }

  // "auto", "kernel" or "path-index", as the daemons' --handles flag takes it.
  static std::optional<HandleScheme> ParseHandleScheme(absl::string_view name);
  // Options for a daemon serving `export_path` with `scheme`, its index in `state_directory`.
  static Options OptionsFor(HandleScheme scheme, const std::string& state_directory,
                            const std::string& export_path);

  // Where the path index of the export at `export_path` lives in `state_directory`: the same
  // file for every daemon serving the export.
  static std::string PathIndexFile(const std::string& state_directory,
                                   const std::string& export_path);

  HandleScheme handle_scheme() const { return scheme_; }
  ~PosixBackend() override;
  PosixBackend(const PosixBackend&) = delete;
  PosixBackend& operator=(const PosixBackend&) = delete;

  ObjectId Root() const override { return root_id_; }
  uint64_t FilesystemId() const override { return filesystem_id_; }

  StorageResult<Attributes> GetAttributes(const Identity& who, const ObjectId& object) override;
  StorageResult<Attributes> SetAttributes(const Identity& who, const ObjectId& object,
                                          const AttributeChanges& changes) override;
  StorageResult<NamedObject> Lookup(const Identity& who, const ObjectId& directory,
                                    absl::string_view name) override;
  StorageResult<std::string> ReadLink(const Identity& who, const ObjectId& link) override;
  StorageResult<ReadData> Read(const Identity& who, const ObjectId& file, uint64_t offset,
                               uint32_t count) override;
  StorageResult<WriteOutcome> Write(const Identity& who, const ObjectId& file, uint64_t offset,
                                    absl::Span<const uint8_t> data, Stability stability) override;
  StorageStatus Commit(const Identity& who, const ObjectId& file, uint64_t offset,
                       uint32_t count) override;

  StorageResult<NamedObject> Create(const Identity& who, const ObjectId& directory,
                                    absl::string_view name, const CreateHow& how) override;
  StorageResult<NamedObject> MakeDirectory(const Identity& who, const ObjectId& directory,
                                           absl::string_view name,
                                           const AttributeChanges& initial) override;
  StorageResult<NamedObject> MakeSymlink(const Identity& who, const ObjectId& directory,
                                         absl::string_view name, absl::string_view target,
                                         const AttributeChanges& initial) override;
  StorageResult<NamedObject> MakeNode(const Identity& who, const ObjectId& directory,
                                      absl::string_view name, FileType type, uint32_t rdev_major,
                                      uint32_t rdev_minor,
                                      const AttributeChanges& initial) override;
  StorageStatus Remove(const Identity& who, const ObjectId& directory,
                       absl::string_view name) override;
  StorageStatus RemoveDirectory(const Identity& who, const ObjectId& directory,
                                absl::string_view name) override;
  StorageStatus Rename(const Identity& who, const ObjectId& from_directory,
                       absl::string_view from_name, const ObjectId& to_directory,
                       absl::string_view to_name) override;
  StorageStatus Link(const Identity& who, const ObjectId& file, const ObjectId& directory,
                     absl::string_view name) override;

  // Cookies are the filesystem's own directory offsets (getdents64 d_off), continued with lseek:
  // a page costs O(page). ext4 (hash order), xfs, btrfs and tmpfs (since Linux 6.6) keep those
  // offsets valid while other entries come and go, so the cookie verifier is always 0 (and a
  // cookie sent with another verifier, or one lseek refuses, is EINVAL). On ext4 cookies use 63
  // bits: NFSv2's 32-bit cookies cannot carry them as they are.
  StorageResult<DirectoryPage> ReadDirectory(const Identity& who, const ObjectId& directory,
                                             uint64_t cookie, uint64_t cookie_verifier,
                                             size_t max_entries, bool with_attributes) override;

  StorageResult<FilesystemStatistics> Statistics(const Identity& who,
                                                 const ObjectId& object) override;
  StorageResult<LockableFile> OpenForLocking(const Identity& who, const ObjectId& file) override;

  // The most a single Read returns: a larger count gets a short read (not eof), never a huge
  // allocation.
  static constexpr uint32_t kMaxReadSize = 4 << 20;

 private:
  class Object;  // a resolved object: a descriptor and its stat

  PosixBackend(int root_fd, const struct stat& root_stat, HandleScheme scheme,
               std::unique_ptr<ObjectLocator> locator, ObjectId root_id, bool switch_identity);

  // The locator's Open + the export checks, as the server (before the identity switch).
  StorageResult<Object> Resolve(const ObjectId& id) const;
  StorageResult<Object> ResolveDirectory(const ObjectId& id) const;
  // ESTALE unless walking ".." from `fd` reaches the export root.
  int CheckUnderRoot(int fd) const;
  bool IsRoot(const struct stat& info) const;
  // The id, stat and attributes of an open descriptor, met at `place` when known.
  StorageResult<NamedObject> Describe(int fd, const ObjectPlace* place) const;
  // The end of every make: `initial`'s attributes but the mode (already applied exactly) are
  // set as the caller, and the new object is described.
  StorageResult<NamedObject> FinishNewObject(const Identity& who, int fd,
                                             const AttributeChanges& initial,
                                             const ObjectPlace& place) const;
  // Unlinks `name` in `directory` (flags as unlinkat), telling the locator when the object goes.
  int Unlink(int directory, const std::string& name, int flags) const;
  // Tells the locator when the object open at `fd` (if any) has lost its last name.
  void NoteRemoval(int fd) const;
  Attributes ToAttributes(const struct stat& info) const;

  const int root_fd_;
  const dev_t root_dev_;
  const ino_t root_ino_;
  const HandleScheme scheme_;
  const std::unique_ptr<ObjectLocator> locator_;
  const ObjectId root_id_;
  const uint64_t filesystem_id_;
  const bool switch_identity_;
};

}  // namespace nfsuite::storage

#endif  // NFSUITE_SERVICE_STORAGE_POSIX_BACKEND_H_
