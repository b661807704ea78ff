#ifndef NFSUITE_SERVICE_STORAGE_STORAGE_BACKEND_H_
#define NFSUITE_SERVICE_STORAGE_STORAGE_BACKEND_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "service/storage/thread_identity.h"
#include "service/storage/unique_fd.h"

// The storage backend interface: everything the NFS procedures may ask of a filesystem. One
// backend instance serves one export. Procedures never make system calls; a second backend (an
// in-memory one for fast procedure tests, another filesystem API) arrives without touching them.
namespace nfsuite::storage {

// A failure as an errno value; the NFS layer maps it with its one errno → nfsstat table.
struct Errno {
  int value;
};

// A value or the errno that prevented it.
template <typename T>
class StorageResult {
 public:
  StorageResult(T value) : outcome_(std::move(value)) {}  // NOLINT: implicit by design
  StorageResult(Errno error) : outcome_(error) {}         // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(outcome_); }
  // The errno of a failed result; 0 when it succeeded.
  int error() const { return ok() ? 0 : std::get<Errno>(outcome_).value; }
  T& value() { return std::get<T>(outcome_); }
  const T& value() const { return std::get<T>(outcome_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Errno> outcome_;
};

struct Done {};  // the value of operations that return nothing but success
using StorageStatus = StorageResult<Done>;

// How the backend names an object persistently: what goes into a file handle (with the export
// id and the MAC added by the handle codec). Stable across restarts of the server and of the
// machine for as long as the object exists; at most 44 bytes (12 for NFSv2 handles).
struct ObjectId {
  uint8_t kind = 0;
  absl::InlinedVector<uint8_t, 44> bytes;

  bool operator==(const ObjectId& other) const = default;
};

enum class FileType : uint32_t {  // values of ftype3 (RFC 1813)
  kRegular = 1,
  kDirectory = 2,
  kBlockDevice = 3,
  kCharDevice = 4,
  kSymlink = 5,
  kSocket = 6,
  kFifo = 7,
};

struct Timestamp {
  int64_t seconds = 0;
  uint32_t nanoseconds = 0;

  bool operator==(const Timestamp& other) const = default;
};

struct Attributes {
  FileType type = FileType::kRegular;
  uint32_t mode = 0;  // permission bits and setuid/setgid/sticky (07777), without the type
  uint32_t nlink = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  uint64_t used = 0;  // bytes of storage in use
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
  uint64_t fsid = 0;
  uint64_t fileid = 0;  // inode number
  Timestamp atime;
  Timestamp mtime;
  Timestamp ctime;
};

// What SETATTR (and CREATE/MKDIR's initial attributes) ask to change; unset fields stay.
struct AttributeChanges {
  enum class TimeChange { kKeep, kSetToServerTime, kSetToClientTime };
  std::optional<uint32_t> mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  std::optional<uint64_t> size;
  TimeChange atime_change = TimeChange::kKeep;
  Timestamp atime;  // when kSetToClientTime
  TimeChange mtime_change = TimeChange::kKeep;
  Timestamp mtime;
};

// The attributes wcc_data's pre-operation part carries.
struct PreOperationAttributes {
  uint64_t size = 0;
  Timestamp mtime;
  Timestamp ctime;
};

// An object created or found in a directory, with its attributes after the operation.
struct NamedObject {
  ObjectId id;
  Attributes attributes;
};

// The shared, immutable bytes of a READ: handed to the reply encoder by reference, no copy.
struct ReadData {
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  bool eof = false;
};

enum class Stability { kUnstable = 0, kDataSync = 1, kFileSync = 2 };  // stable_how (RFC 1813)

struct WriteOutcome {
  uint32_t count = 0;
  Stability committed = Stability::kUnstable;  // how durable the data is now
};

// How CREATE treats an existing name (createmode3).
struct CreateHow {
  enum class Mode { kUnchecked = 0, kGuarded = 1, kExclusive = 2 };
  Mode mode = Mode::kUnchecked;
  AttributeChanges initial;           // UNCHECKED and GUARDED
  std::array<uint8_t, 8> verifier{};  // EXCLUSIVE: stored with the file so a retransmission
                                      // of the same create succeeds and another gets EEXIST
};

struct DirectoryEntry {
  uint64_t fileid = 0;
  std::string name;
  uint64_t cookie = 0;  // where a listing continues after this entry
  // With ReadDirectory's `with_attributes` (READDIRPLUS); empty when the entry vanished meanwhile.
  std::optional<NamedObject> object;
};

struct DirectoryPage {
  std::vector<DirectoryEntry> entries;
  bool eof = false;
  // Changes when cookies of this directory stop being valid; clients send it back.
  uint64_t cookie_verifier = 0;
};

struct FilesystemStatistics {
  uint64_t total_bytes = 0;
  uint64_t free_bytes = 0;
  uint64_t available_bytes = 0;  // to unprivileged users
  uint64_t total_files = 0;
  uint64_t free_files = 0;
  uint64_t available_files = 0;
};

// Every call runs with the filesystem identity `who` (the NFS caller after squashing), so the
// kernel (or the backend's own checks) decides permissions. Names are single components: the
// NFS layer has already refused empty names, names over 255 bytes and names with '/' or NUL.
// No name, symlink or ".." may lead outside the export: ".." of the export root is the root.
class StorageBackend {
 public:
  virtual ~StorageBackend() = default;

  virtual ObjectId Root() const = 0;
  // fsid of the export, for fattr3 and FSINFO.
  virtual uint64_t FilesystemId() const = 0;

  virtual StorageResult<Attributes> GetAttributes(const Identity& who, const ObjectId& object) = 0;
  // Applies `changes` and returns the attributes after them. (SETATTR's ctime guard is checked
  // by the NFS layer against GetAttributes, which answers NOT_SYNC itself.) A size change of a
  // non-regular file fails with EINVAL.
  virtual StorageResult<Attributes> SetAttributes(const Identity& who, const ObjectId& object,
                                                  const AttributeChanges& changes) = 0;
  // "." is `directory`, ".." its parent (the root's is the root).
  virtual StorageResult<NamedObject> Lookup(const Identity& who, const ObjectId& directory,
                                            absl::string_view name) = 0;
  virtual StorageResult<std::string> ReadLink(const Identity& who, const ObjectId& link) = 0;
  virtual StorageResult<ReadData> Read(const Identity& who, const ObjectId& file, uint64_t offset,
                                       uint32_t count) = 0;
  virtual StorageResult<WriteOutcome> Write(const Identity& who, const ObjectId& file,
                                            uint64_t offset, absl::Span<const uint8_t> data,
                                            Stability stability) = 0;
  // Makes data written UNSTABLE in [offset, offset + count) durable (count 0: to the end).
  virtual StorageStatus Commit(const Identity& who, const ObjectId& file, uint64_t offset,
                               uint32_t count) = 0;

  virtual StorageResult<NamedObject> Create(const Identity& who, const ObjectId& directory,
                                            absl::string_view name, const CreateHow& how) = 0;
  virtual StorageResult<NamedObject> MakeDirectory(const Identity& who, const ObjectId& directory,
                                                   absl::string_view name,
                                                   const AttributeChanges& initial) = 0;
  virtual StorageResult<NamedObject> MakeSymlink(const Identity& who, const ObjectId& directory,
                                                 absl::string_view name, absl::string_view target,
                                                 const AttributeChanges& initial) = 0;
  // Fifos, sockets, character and block devices.
  virtual StorageResult<NamedObject> MakeNode(const Identity& who, const ObjectId& directory,
                                              absl::string_view name, FileType type,
                                              uint32_t rdev_major, uint32_t rdev_minor,
                                              const AttributeChanges& initial) = 0;
  virtual StorageStatus Remove(const Identity& who, const ObjectId& directory,
                               absl::string_view name) = 0;
  virtual StorageStatus RemoveDirectory(const Identity& who, const ObjectId& directory,
                                        absl::string_view name) = 0;
  // Atomic; replaces an existing target as rename(2) does.
  virtual StorageStatus Rename(const Identity& who, const ObjectId& from_directory,
                               absl::string_view from_name, const ObjectId& to_directory,
                               absl::string_view to_name) = 0;
  virtual StorageStatus Link(const Identity& who, const ObjectId& file, const ObjectId& directory,
                             absl::string_view name) = 0;

  // Entries after `cookie` (0: from the start), at most `max_entries`, without "." and ".."
  // (NFS clients do not need them, and they would need cookies of their own). `cookie_verifier` is
  // the one the client got with its cookie (0 at the start); a stale one fails with EINVAL, which
  // the NFS layer answers BAD_COOKIE. Cookies stay valid while other entries are added or removed
  // during a listing.
  virtual StorageResult<DirectoryPage> ReadDirectory(const Identity& who, const ObjectId& directory,
                                                     uint64_t cookie, uint64_t cookie_verifier,
                                                     size_t max_entries, bool with_attributes) = 0;

  virtual StorageResult<FilesystemStatistics> Statistics(const Identity& who,
                                                         const ObjectId& object) = 0;

  // A descriptor of the regular file `file` of its own (a new open file description), for the
  // lock manager's byte-range locks: `who` needs read permission (or to own the file), as for
  // Linux's lockd; the descriptor is opened by the server read-write when it can (an exclusive
  // lock needs that), read-only otherwise (`writable` says which).
  struct LockableFile {
    UniqueFd fd;
    bool writable = false;
  };
  virtual StorageResult<LockableFile> OpenForLocking(const Identity& who, const ObjectId& file) = 0;
};

}  // namespace nfsuite::storage

#endif  // NFSUITE_SERVICE_STORAGE_STORAGE_BACKEND_H_
