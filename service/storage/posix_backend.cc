#include "service/storage/posix_backend.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hmac_sha256.h"
#include "common/util/logging.h"
#include "service/storage/beneath.h"
#include "service/storage/unique_fd.h"

namespace nfsuite::storage {
namespace {

constexpr size_t kMaxNameSize = 255;
constexpr size_t kMaxSymlinkTarget = 4095;  // PATH_MAX without the NUL
constexpr mode_t kDefaultFileMode = 0644;
constexpr mode_t kDefaultDirectoryMode = 0755;
// How many ".." steps a directory may be below the export root. Deeper directories cannot be
// reached by paths within PATH_MAX anyway; the bound keeps a resolution's cost finite.
constexpr int kMaxDirectoryDepth = 2048;
constexpr size_t kDirentBufferSize = 32 * 1024;
constexpr int64_t kMaxOffset = std::numeric_limits<int64_t>::max();

// The calling thread's filesystem identity is the NFS caller's while this lives (when the
// process runs as root; otherwise there is nothing to switch).
class AsCaller {
 public:
  AsCaller(const Identity& who, bool switch_identity) {
    if (!switch_identity) return;
    absl::StatusOr<ScopedThreadIdentity> entered = ScopedThreadIdentity::Enter(who);
    if (!entered.ok()) {
      Logf(LogLevel::kError, "storage: %s", entered.status().ToString());
      return;
    }
    scope_.emplace(std::move(*entered));
  }
  // False when the identity could not be taken: the operation must not run as the server.
  bool ok(bool switch_identity) const { return !switch_identity || scope_.has_value(); }

 private:
  std::optional<ScopedThreadIdentity> scope_;
};

// This process's /proc/self/fd, opened once (by Open, as root) and kept. Names below it are
// resolved from this descriptor, so a caller's identity needs no search permission on "/" or
// "/proc": a root directory of mode 0700 (a chroot made with mktemp -d, say) must not make
// every reopen fail with EACCES. Kept per process: a child made by fork opens its own, rather
// than reaching into its parent's descriptor table.
int ProcFdDirectory() {
  static std::atomic<uint64_t> opened{0};  // pid << 32 | (descriptor + 1)
  const auto pid = static_cast<uint64_t>(getpid());
  const uint64_t current = opened.load(std::memory_order_acquire);
  if (current >> 32 == pid) return static_cast<int>(current & 0xffffffffu) - 1;
  // Two threads may both get here once: one descriptor is then left open, harmlessly.
  const int directory = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
  opened.store(pid << 32 | static_cast<uint32_t>(directory + 1), std::memory_order_release);
  return directory;
}

// "/proc/self/fd/N" as (directory, "N"): reopens the object behind a descriptor (O_PATH ones
// included) with the permission checks of a fresh open, and names it for calls that take no
// descriptor.
struct ProcPath {
  explicit ProcPath(int fd) : directory(ProcFdDirectory()) {
    std::snprintf(name, sizeof(name), "%d", fd);
  }
  int directory;
  char name[16];
};

// 0 when `name` is a usable single component, else the errno for it. The NFS layer refuses bad
// names already; this keeps the backend safe on its own.
int CheckName(absl::string_view name) {
  if (name.empty()) return EINVAL;
  if (name.size() > kMaxNameSize) return ENAMETOOLONG;
  if (name.find('/') != absl::string_view::npos || name.find('\0') != absl::string_view::npos) {
    return EINVAL;
  }
  return 0;
}

bool IsDotName(absl::string_view name) { return name == "." || name == ".."; }

// For names that are about to be created: "." and ".." always exist.
int CheckNewName(absl::string_view name) {
  if (IsDotName(name)) return EEXIST;
  return CheckName(name);
}

// Creates a new regular file (O_EXCL) in `dir_fd` and opens it for writing.
UniqueFd CreateChild(int dir_fd, const std::string& name, mode_t mode) {
  struct open_how how {};
  how.flags = O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC;
  how.mode = mode;
  return OpenBeneath(dir_fd, name, how);
}

FileType TypeOf(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return FileType::kDirectory;
    case S_IFBLK:
      return FileType::kBlockDevice;
    case S_IFCHR:
      return FileType::kCharDevice;
    case S_IFLNK:
      return FileType::kSymlink;
    case S_IFSOCK:
      return FileType::kSocket;
    case S_IFIFO:
      return FileType::kFifo;
    default:
      return FileType::kRegular;
  }
}

Timestamp ToTimestamp(const struct timespec& time) {
  return Timestamp{static_cast<int64_t>(time.tv_sec), static_cast<uint32_t>(time.tv_nsec)};
}

// The errno for using a non-regular object as a file's data.
int NotRegularError(const struct stat& info) { return S_ISDIR(info.st_mode) ? EISDIR : EINVAL; }

// EXCLUSIVE create's verifier as (mtime, atime) seconds, as Linux nfsd keeps it: 31 bits each so
// the times stay positive on every filesystem.
std::pair<time_t, time_t> VerifierTimes(const std::array<uint8_t, 8>& verifier) {
  uint32_t high = 0;
  uint32_t low = 0;
  for (int i = 0; i < 4; ++i) {
    high = (high << 8) | verifier[i];
    low = (low << 8) | verifier[4 + i];
  }
  return {static_cast<time_t>(high & 0x7fffffff), static_cast<time_t>(low & 0x7fffffff)};
}

}  // namespace

class PosixBackend::Object {
 public:
  UniqueFd fd;
  struct stat info {};
};

namespace {

// OK when kernel file handles name and find the export's objects: the filesystem makes handles
// that fit in an NFS handle, and the server may open them (CAP_DAC_READ_SEARCH).
absl::Status CheckKernelHandles(int root_fd, const std::string& export_path) {
  StorageResult<ObjectId> root_id = KernelHandleOf(root_fd);
  if (!root_id.ok()) {
    if (root_id.error() == EOVERFLOW) {
      return absl::FailedPreconditionError(
          absl::StrCat("the filesystem of ", export_path,
                       " makes file handles too long for NFS (over 44 bytes)"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("the filesystem of ", export_path,
                     " does not support file handles: ", std::strerror(root_id.error())));
  }
  StorageResult<UniqueFd> reopened = MakeKernelHandleLocator(root_fd)->Open(*root_id);
  if (!reopened.ok()) {
    if (reopened.error() == EPERM) {
      return absl::FailedPreconditionError(absl::StrCat(
          "kernel file handles need root (CAP_DAC_READ_SEARCH): open_by_handle_at refused on ",
          export_path));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "file handles of ", export_path, " do not open again: ", std::strerror(reopened.error())));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PosixBackend>> PosixBackend::Open(const std::string& export_path,
                                                                 const Options& options) {
  if (export_path.empty()) return absl::InvalidArgumentError("the export path is empty");
  // Not O_PATH: open_by_handle_at refuses an O_PATH descriptor as its mount_fd.
  UniqueFd root(open(export_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) {
    const int error = errno;
    if (error == ENOENT) {
      return absl::NotFoundError(absl::StrCat("export path ", export_path, " does not exist"));
    }
    if (error == ENOTDIR) {
      return absl::FailedPreconditionError(
          absl::StrCat("export path ", export_path, " is not a directory"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open export path ", export_path, ": ", std::strerror(error)));
  }
  struct stat root_stat {};
  if (fstat(root.get(), &root_stat) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot stat export path ", export_path, ": ", std::strerror(errno)));
  }
  // Every reopen for I/O relies on /proc.
  const ProcPath root_path(root.get());
  UniqueFd via_proc(
      openat(root_path.directory, root_path.name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  struct stat via_proc_stat {};
  if (!via_proc.valid() || fstat(via_proc.get(), &via_proc_stat) != 0 ||
      via_proc_stat.st_ino != root_stat.st_ino || via_proc_stat.st_dev != root_stat.st_dev) {
    return absl::FailedPreconditionError(
        "the POSIX storage backend needs /proc mounted (it reopens descriptors through "
        "/proc/self/fd)");
  }

  HandleScheme scheme = options.handles;
  if (scheme != HandleScheme::kPathIndex) {
    const absl::Status kernel = CheckKernelHandles(root.get(), export_path);
    if (!kernel.ok() && scheme == HandleScheme::kKernelHandles) return kernel;
    if (!kernel.ok()) {
      Logf(LogLevel::kInfo, "%s: using a path index for file handles (%s)", export_path,
           kernel.message());
    }
    scheme = kernel.ok() ? HandleScheme::kKernelHandles : HandleScheme::kPathIndex;
  }
  std::unique_ptr<ObjectLocator> locator;
  if (scheme == HandleScheme::kKernelHandles) {
    locator = MakeKernelHandleLocator(root.get());
  } else {
    if (options.path_index_file.empty()) {
      Logf(LogLevel::kWarning,
           "%s: the path index is kept in memory only: file handles will not survive a restart",
           export_path);
    }
    absl::StatusOr<std::unique_ptr<PathIndex>> index = PathIndex::Open(options.path_index_file);
    if (!index.ok()) return index.status();
    locator = MakePathIndexLocator(root.get(), root_stat, *std::move(index));
  }
  StorageResult<ObjectId> root_id = locator->IdOf(root.get(), root_stat, nullptr);
  if (!root_id.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("cannot name the root of ", export_path, ": ",
                                                      std::strerror(root_id.error())));
  }
  // Only root can act as another user; an unprivileged server acts as itself for everyone.
  const bool switch_identity = geteuid() == 0;
  return std::unique_ptr<PosixBackend>(new PosixBackend(
      root.release(), root_stat, scheme, std::move(locator), std::move(*root_id), switch_identity));
}

std::optional<PosixBackend::HandleScheme> PosixBackend::ParseHandleScheme(absl::string_view name) {
  if (name == "auto") return HandleScheme::kAutomatic;
  if (name == "kernel") return HandleScheme::kKernelHandles;
  if (name == "path-index") return HandleScheme::kPathIndex;
  return std::nullopt;
}

PosixBackend::Options PosixBackend::OptionsFor(HandleScheme scheme,
                                               const std::string& state_directory,
                                               const std::string& export_path) {
  Options options;
  options.handles = scheme;
  options.path_index_file = PathIndexFile(state_directory, export_path);
  return options;
}

std::string PosixBackend::PathIndexFile(const std::string& state_directory,
                                        const std::string& export_path) {
  crypto::Sha256 hash;
  hash.Update(absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(export_path.data()),
                                        export_path.size()));
  const crypto::Sha256Digest digest = hash.Finish();
  return absl::StrCat(
      state_directory, "/paths-",
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest.data()), 8)),
      ".index");
}

PosixBackend::PosixBackend(int root_fd, const struct stat& root_stat, HandleScheme scheme,
                           std::unique_ptr<ObjectLocator> locator, ObjectId root_id,
                           bool switch_identity)
    : root_fd_(root_fd),
      root_dev_(root_stat.st_dev),
      root_ino_(root_stat.st_ino),
      scheme_(scheme),
      locator_(std::move(locator)),
      root_id_(std::move(root_id)),
      // major and minor in one number: the same for as long as the device keeps its number.
      filesystem_id_((static_cast<uint64_t>(major(root_stat.st_dev)) << 32) |
                     minor(root_stat.st_dev)),
      switch_identity_(switch_identity) {}

PosixBackend::~PosixBackend() { close(root_fd_); }

bool PosixBackend::IsRoot(const struct stat& info) const {
  return info.st_dev == root_dev_ && info.st_ino == root_ino_;
}

StorageResult<PosixBackend::Object> PosixBackend::Resolve(const ObjectId& id) const {
  StorageResult<UniqueFd> opened = locator_->Open(id);
  if (!opened.ok()) return Errno{opened.error()};
  Object object;
  object.fd = std::move(*opened);
  if (fstat(object.fd.get(), &object.info) != 0) return Errno{ESTALE};
  // nlink 0: removed but still open somewhere, which would keep the handle working.
  if (object.info.st_dev != root_dev_ || object.info.st_nlink == 0) return Errno{ESTALE};
  if (S_ISDIR(object.info.st_mode) && !IsRoot(object.info) && !locator_->FindsFromRoot()) {
    if (const int error = CheckUnderRoot(object.fd.get()); error != 0) return Errno{error};
  }
  return object;
}

StorageResult<PosixBackend::Object> PosixBackend::ResolveDirectory(const ObjectId& id) const {
  StorageResult<Object> object = Resolve(id);
  if (object.ok() && !S_ISDIR(object->info.st_mode)) return Errno{ENOTDIR};
  return object;
}

int PosixBackend::CheckUnderRoot(int fd) const {
  UniqueFd current(fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!current.valid()) return errno;
  struct stat info {};
  if (fstat(current.get(), &info) != 0) return ESTALE;
  for (int depth = 0; depth < kMaxDirectoryDepth; ++depth) {
    if (IsRoot(info)) return 0;
    UniqueFd parent(openat(current.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!parent.valid()) {
      const int error = errno;
      return (error == EMFILE || error == ENFILE || error == ENOMEM) ? error : ESTALE;
    }
    struct stat parent_info {};
    if (fstat(parent.get(), &parent_info) != 0) return ESTALE;
    // Another filesystem, or the top of the namespace: the directory left the export.
    if (parent_info.st_dev != root_dev_ ||
        (parent_info.st_ino == info.st_ino && parent_info.st_dev == info.st_dev)) {
      return ESTALE;
    }
    current = std::move(parent);
    info = parent_info;
  }
  Logf(LogLevel::kWarning, "storage: a directory more than %d levels deep answered as stale",
       kMaxDirectoryDepth);
  return ESTALE;
}

Attributes PosixBackend::ToAttributes(const struct stat& info) const {
  Attributes attributes;
  attributes.type = TypeOf(info.st_mode);
  attributes.mode = info.st_mode & 07777;
  attributes.nlink = static_cast<uint32_t>(
      std::min<uint64_t>(info.st_nlink, std::numeric_limits<uint32_t>::max()));
  attributes.uid = info.st_uid;
  attributes.gid = info.st_gid;
  attributes.size = static_cast<uint64_t>(info.st_size);
  attributes.used = static_cast<uint64_t>(info.st_blocks) * 512;
  attributes.rdev_major = major(info.st_rdev);
  attributes.rdev_minor = minor(info.st_rdev);
  attributes.fsid = filesystem_id_;
  attributes.fileid = info.st_ino;
  attributes.atime = ToTimestamp(info.st_atim);
  attributes.mtime = ToTimestamp(info.st_mtim);
  attributes.ctime = ToTimestamp(info.st_ctim);
  return attributes;
}

StorageResult<NamedObject> PosixBackend::Describe(int fd, const ObjectPlace* place) const {
  struct stat info {};
  if (fstat(fd, &info) != 0) return Errno{errno};
  StorageResult<ObjectId> id = locator_->IdOf(fd, info, place);
  if (!id.ok()) return Errno{id.error()};
  return NamedObject{std::move(*id), ToAttributes(info)};
}

namespace {

// Reopens `object` for I/O as the caller. The owner may do so whatever the mode, as with Linux
// nfsd: an NFS client checks the mode at open(2) and then writes through a file it created 0444.
UniqueFd Reopen(const Identity& who, bool switch_identity, int fd, const struct stat& info,
                int flags, bool owner_override, int* error) {
  const ProcPath path(fd);
  {
    AsCaller as(who, switch_identity);
    if (!as.ok(switch_identity)) {
      *error = EPERM;
      return UniqueFd();
    }
    UniqueFd opened(openat(path.directory, path.name, flags | O_CLOEXEC | O_NOCTTY));
    if (opened.valid()) return opened;
    *error = errno;
  }
  if (*error != EACCES || !owner_override || who.uid != info.st_uid) return UniqueFd();
  UniqueFd opened(openat(path.directory, path.name, flags | O_CLOEXEC | O_NOCTTY));
  if (!opened.valid()) *error = errno;
  return opened;
}

// The mode a new object gets exactly as asked: the kernel applied the server's umask. A
// directory keeps the set-group-ID bit it inherited from a set-group-ID parent.
int ApplyExactMode(int fd, mode_t wanted) {
  struct stat info {};
  if (fstat(fd, &info) != 0) return errno;
  if (S_ISLNK(info.st_mode)) return 0;
  const mode_t current = info.st_mode & 07777;
  if (S_ISDIR(info.st_mode)) wanted |= current & S_ISGID;
  if (wanted == current) return 0;
  const ProcPath path(fd);
  return fchmodat(path.directory, path.name, wanted, 0) == 0 ? 0 : errno;
}

// utimensat's form of one time change; false for an impossible client time.
bool ToTimespec(AttributeChanges::TimeChange change, const Timestamp& time, struct timespec* out) {
  switch (change) {
    case AttributeChanges::TimeChange::kKeep:
      *out = {0, UTIME_OMIT};
      return true;
    case AttributeChanges::TimeChange::kSetToServerTime:
      *out = {0, UTIME_NOW};
      return true;
    case AttributeChanges::TimeChange::kSetToClientTime:
      if (time.nanoseconds >= 1000000000u) return false;
      out->tv_sec = static_cast<time_t>(time.seconds);
      out->tv_nsec = static_cast<long>(time.nanoseconds);
      return true;
  }
  return false;
}

// Applies `changes` to the object behind `fd` as the caller: size first (it moves mtime), then
// owner (which clears set-ID bits), mode and times. `writable_fd`, when given, is an open
// descriptor of the same file to truncate through.
int ApplyChanges(const Identity& who, bool switch_identity, int fd, const AttributeChanges& changes,
                 int writable_fd = -1) {
  struct stat info {};
  if (fstat(fd, &info) != 0) return errno;
  struct timespec times[2];
  if (!ToTimespec(changes.atime_change, changes.atime, &times[0]) ||
      !ToTimespec(changes.mtime_change, changes.mtime, &times[1])) {
    return EINVAL;
  }
  if (changes.size.has_value()) {
    if (!S_ISREG(info.st_mode)) return EINVAL;
    if (*changes.size > static_cast<uint64_t>(kMaxOffset)) return EFBIG;
    UniqueFd reopened;
    if (writable_fd < 0) {
      int error = 0;
      reopened = Reopen(who, switch_identity, fd, info, O_WRONLY, /*owner_override=*/true, &error);
      if (!reopened.valid()) return error;
      writable_fd = reopened.get();
    }
    AsCaller as(who, switch_identity);
    if (!as.ok(switch_identity)) return EPERM;
    if (ftruncate(writable_fd, static_cast<off_t>(*changes.size)) != 0) return errno;
  }
  AsCaller as(who, switch_identity);
  if (!as.ok(switch_identity)) return EPERM;
  if (changes.uid.has_value() || changes.gid.has_value()) {
    const uid_t uid = changes.uid.has_value() ? *changes.uid : static_cast<uid_t>(-1);
    const gid_t gid = changes.gid.has_value() ? *changes.gid : static_cast<gid_t>(-1);
    if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) return errno;
  }
  // Linux has no modes for symlinks; Linux nfsd ignores the change too.
  if (changes.mode.has_value() && !S_ISLNK(info.st_mode)) {
    const ProcPath path(fd);
    if (fchmodat(path.directory, path.name, *changes.mode & 07777, 0) != 0) return errno;
  }
  if (changes.atime_change != AttributeChanges::TimeChange::kKeep ||
      changes.mtime_change != AttributeChanges::TimeChange::kKeep) {
    if (utimensat(fd, "", times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) return errno;
  }
  return 0;
}

}  // namespace

StorageResult<NamedObject> PosixBackend::FinishNewObject(const Identity& who, int fd,
                                                         const AttributeChanges& initial,
                                                         const ObjectPlace& place) const {
  AttributeChanges rest = initial;
  rest.mode.reset();
  if (const int error = ApplyChanges(who, switch_identity_, fd, rest); error != 0) {
    return Errno{error};
  }
  return Describe(fd, &place);
}

// Reading attributes needs no permission on the object (nor does GETATTR in Linux's nfsd): the
// stat Resolve made is the answer, with no identity switch on this most frequent call.
StorageResult<Attributes> PosixBackend::GetAttributes(const Identity&, const ObjectId& object) {
  StorageResult<Object> resolved = Resolve(object);
  if (!resolved.ok()) return Errno{resolved.error()};
  return ToAttributes(resolved->info);
}

StorageResult<Attributes> PosixBackend::SetAttributes(const Identity& who, const ObjectId& object,
                                                      const AttributeChanges& changes) {
  StorageResult<Object> resolved = Resolve(object);
  if (!resolved.ok()) return Errno{resolved.error()};
  if (const int error = ApplyChanges(who, switch_identity_, resolved->fd.get(), changes);
      error != 0) {
    return Errno{error};
  }
  struct stat info {};
  if (fstat(resolved->fd.get(), &info) != 0) return Errno{errno};
  return ToAttributes(info);
}

StorageResult<NamedObject> PosixBackend::Lookup(const Identity& who, const ObjectId& directory,
                                                absl::string_view name) {
  if (const int error = CheckName(name); error != 0) return Errno{error};
  StorageResult<Object> parent = ResolveDirectory(directory);
  if (!parent.ok()) return Errno{parent.error()};
  UniqueFd child;
  {
    AsCaller as(who, switch_identity_);
    if (!as.ok(switch_identity_)) return Errno{EPERM};
    if (name == ".." && !IsRoot(parent->info)) {
      child = UniqueFd(openat(parent->fd.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    } else {
      // "." and the root's ".." are the directory itself, opened as "." so that the caller's
      // search permission is checked as for any other name.
      child = OpenChild(parent->fd.get(), IsDotName(name) ? "." : std::string(name));
    }
    if (!child.valid()) return Errno{errno};
  }
  // The parent of a directory moved out of the export meanwhile is not the client's to see.
  if (name == "..") {
    if (const int error = CheckUnderRoot(child.get()); error != 0) return Errno{error};
  }
  const ObjectPlace place{parent->info.st_ino, name};
  return Describe(child.get(), IsDotName(name) ? nullptr : &place);
}

StorageResult<std::string> PosixBackend::ReadLink(const Identity& who, const ObjectId& link) {
  StorageResult<Object> resolved = Resolve(link);
  if (!resolved.ok()) return Errno{resolved.error()};
  if (!S_ISLNK(resolved->info.st_mode)) return Errno{EINVAL};
  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  // st_size is the target's length on most filesystems; grow in case it is not.
  size_t size = std::max<size_t>(static_cast<size_t>(resolved->info.st_size) + 1, 256);
  for (;;) {
    std::string target(size, '\0');
    const ssize_t length = readlinkat(resolved->fd.get(), "", target.data(), target.size());
    if (length < 0) return Errno{errno};
    if (static_cast<size_t>(length) < target.size()) {
      target.resize(static_cast<size_t>(length));
      return target;
    }
    if (size > kMaxSymlinkTarget * 16) return Errno{ENAMETOOLONG};
    size *= 2;
  }
}

StorageResult<ReadData> PosixBackend::Read(const Identity& who, const ObjectId& file,
                                           uint64_t offset, uint32_t count) {
  StorageResult<Object> resolved = Resolve(file);
  if (!resolved.ok()) return Errno{resolved.error()};
  const struct stat& info = resolved->info;
  if (!S_ISREG(info.st_mode)) return Errno{NotRegularError(info)};
  int error = 0;
  UniqueFd io = Reopen(who, switch_identity_, resolved->fd.get(), info, O_RDONLY,
                       /*owner_override=*/true, &error);
  if (!io.valid()) return Errno{error};

  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  struct stat before {};
  if (fstat(io.get(), &before) != 0) return Errno{errno};
  const uint64_t size = static_cast<uint64_t>(before.st_size);
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  if (offset < size) {
    // Sized by the file, not by the request: a client's count never decides an allocation.
    const uint64_t want = std::min<uint64_t>({count, kMaxReadSize, size - offset});
    bytes->resize(want);
    size_t done = 0;
    while (done < want) {
      const ssize_t n =
          pread(io.get(), bytes->data() + done, want - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno{errno};
      }
      if (n == 0) break;  // the file shrank meanwhile
      done += static_cast<size_t>(n);
    }
    bytes->resize(done);
  }
  struct stat after {};
  if (fstat(io.get(), &after) != 0) return Errno{errno};
  ReadData data;
  data.eof = offset + bytes->size() >= static_cast<uint64_t>(after.st_size);
  data.bytes = std::move(bytes);
  return data;
}

StorageResult<WriteOutcome> PosixBackend::Write(const Identity& who, const ObjectId& file,
                                                uint64_t offset, absl::Span<const uint8_t> data,
                                                Stability stability) {
  StorageResult<Object> resolved = Resolve(file);
  if (!resolved.ok()) return Errno{resolved.error()};
  const struct stat& info = resolved->info;
  if (!S_ISREG(info.st_mode)) return Errno{NotRegularError(info)};
  if (data.size() > std::numeric_limits<uint32_t>::max()) return Errno{EINVAL};
  if (offset > static_cast<uint64_t>(kMaxOffset) - data.size()) return Errno{EFBIG};
  int error = 0;
  UniqueFd io = Reopen(who, switch_identity_, resolved->fd.get(), info, O_WRONLY,
                       /*owner_override=*/true, &error);
  if (!io.valid()) return Errno{error};

  // The write itself as the caller too: quotas, and the kernel clears set-ID bits on a write by
  // anyone without CAP_FSETID.
  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        pwrite(io.get(), data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (done > 0) break;  // a short write; the client sends the rest and learns why then
      return Errno{errno};
    }
    done += static_cast<size_t>(n);
  }
  if (stability == Stability::kFileSync && fsync(io.get()) != 0) return Errno{errno};
  if (stability == Stability::kDataSync && fdatasync(io.get()) != 0) return Errno{errno};
  return WriteOutcome{static_cast<uint32_t>(done), stability};
}

StorageStatus PosixBackend::Commit(const Identity& who, const ObjectId& file, uint64_t, uint32_t) {
  StorageResult<Object> resolved = Resolve(file);
  if (!resolved.ok()) return Errno{resolved.error()};
  const struct stat& info = resolved->info;
  if (!S_ISREG(info.st_mode)) return Errno{NotRegularError(info)};
  // Anyone who could have written may commit; someone who can only read may too: a flush shows
  // and changes nothing.
  int error = 0;
  UniqueFd io = Reopen(who, switch_identity_, resolved->fd.get(), info, O_WRONLY,
                       /*owner_override=*/true, &error);
  if (!io.valid() && error == EACCES) {
    io = Reopen(who, switch_identity_, resolved->fd.get(), info, O_RDONLY,
                /*owner_override=*/true, &error);
  }
  if (!io.valid()) return Errno{error};
  // The whole file, metadata included: the size a write extended is part of the data.
  if (fsync(io.get()) != 0) return Errno{errno};
  return Done{};
}

StorageResult<NamedObject> PosixBackend::Create(const Identity& who, const ObjectId& directory,
                                                absl::string_view name, const CreateHow& how) {
  if (const int error = CheckNewName(name); error != 0) return Errno{error};
  StorageResult<Object> parent = ResolveDirectory(directory);
  if (!parent.ok()) return Errno{parent.error()};
  const std::string child_name(name);
  const bool exclusive = how.mode == CreateHow::Mode::kExclusive;
  const mode_t mode =
      exclusive ? kDefaultFileMode : how.initial.mode.value_or(kDefaultFileMode) & 07777;
  const auto [verifier_mtime, verifier_atime] = VerifierTimes(how.verifier);

  UniqueFd created;
  UniqueFd existing;
  {
    AsCaller as(who, switch_identity_);
    if (!as.ok(switch_identity_)) return Errno{EPERM};
    // O_EXCL never follows a symlink and hands over a descriptor of exactly the new file.
    created = CreateChild(parent->fd.get(), child_name, mode);
    if (!created.valid()) {
      if (errno != EEXIST) return Errno{errno};
      if (how.mode == CreateHow::Mode::kGuarded) return Errno{EEXIST};
      existing = OpenChild(parent->fd.get(), child_name);
      if (!existing.valid()) return Errno{errno};
    }
  }

  if (existing.valid()) {
    struct stat info {};
    if (fstat(existing.get(), &info) != 0) return Errno{errno};
    if (exclusive) {
      // The retransmission of our own create: same verifier, and nothing written since.
      const bool same = S_ISREG(info.st_mode) && info.st_mtim.tv_sec == verifier_mtime &&
                        info.st_atim.tv_sec == verifier_atime && info.st_size == 0;
      if (!same) return Errno{EEXIST};
    } else if (S_ISREG(info.st_mode) && how.initial.size.has_value()) {
      // UNCHECKED: an existing file stays as it is but for the size (Linux nfsd does the same).
      AttributeChanges size_only;
      size_only.size = how.initial.size;
      if (const int error = ApplyChanges(who, switch_identity_, existing.get(), size_only);
          error != 0) {
        return Errno{error};
      }
    }
    const ObjectPlace place{parent->info.st_ino, name};
    return Describe(existing.get(), &place);
  }

  int error = 0;
  {
    AsCaller as(who, switch_identity_);
    if (!as.ok(switch_identity_)) return Errno{EPERM};
    error = ApplyExactMode(created.get(), mode);
    if (error == 0 && exclusive) {
      struct timespec times[2] = {{verifier_atime, 0}, {verifier_mtime, 0}};
      if (futimens(created.get(), times) != 0) error = errno;
    }
  }
  if (error == 0 && !exclusive) {
    AttributeChanges rest = how.initial;
    rest.mode.reset();  // applied exactly above
    error = ApplyChanges(who, switch_identity_, created.get(), rest, created.get());
  }
  if (error != 0) return Errno{error};
  const ObjectPlace place{parent->info.st_ino, name};
  return Describe(created.get(), &place);
}

StorageResult<NamedObject> PosixBackend::MakeDirectory(const Identity& who,
                                                       const ObjectId& directory,
                                                       absl::string_view name,
                                                       const AttributeChanges& initial) {
  if (const int error = CheckNewName(name); error != 0) return Errno{error};
  if (initial.size.has_value()) return Errno{EINVAL};
  StorageResult<Object> parent = ResolveDirectory(directory);
  if (!parent.ok()) return Errno{parent.error()};
  const std::string child_name(name);
  const mode_t mode = initial.mode.value_or(kDefaultDirectoryMode) & 07777;
  UniqueFd child;
  {
    AsCaller as(who, switch_identity_);
    if (!as.ok(switch_identity_)) return Errno{EPERM};
    if (mkdirat(parent->fd.get(), child_name.c_str(), mode) != 0) return Errno{errno};
    child = OpenChild(parent->fd.get(), child_name, O_DIRECTORY);
    if (!child.valid()) return Errno{errno};
    if (const int error = ApplyExactMode(child.get(), mode); error != 0) return Errno{error};
  }
  return FinishNewObject(who, child.get(), initial, ObjectPlace{parent->info.st_ino, name});
}

StorageResult<NamedObject> PosixBackend::MakeSymlink(const Identity& who, const ObjectId& directory,
                                                     absl::string_view name,
                                                     absl::string_view target,
                                                     const AttributeChanges& initial) {
  if (const int error = CheckNewName(name); error != 0) return Errno{error};
  if (target.empty()) return Errno{ENOENT};
  if (target.find('\0') != absl::string_view::npos) return Errno{EINVAL};
  if (target.size() > kMaxSymlinkTarget) return Errno{ENAMETOOLONG};
  if (initial.size.has_value()) return Errno{EINVAL};
  StorageResult<Object> parent = ResolveDirectory(directory);
  if (!parent.ok()) return Errno{parent.error()};
  const std::string child_name(name);
  UniqueFd child;
  {
    AsCaller as(who, switch_identity_);
    if (!as.ok(switch_identity_)) return Errno{EPERM};
    // The target is stored, never resolved here: it is the client's text.
    if (symlinkat(std::string(target).c_str(), parent->fd.get(), child_name.c_str()) != 0) {
      return Errno{errno};
    }
    child = OpenChild(parent->fd.get(), child_name);
    if (!child.valid()) return Errno{errno};
  }
  return FinishNewObject(who, child.get(), initial, ObjectPlace{parent->info.st_ino, name});
}

StorageResult<NamedObject> PosixBackend::MakeNode(const Identity& who, const ObjectId& directory,
                                                  absl::string_view name, FileType type,
                                                  uint32_t rdev_major, uint32_t rdev_minor,
                                                  const AttributeChanges& initial) {
  if (const int error = CheckNewName(name); error != 0) return Errno{error};
  mode_t format = 0;
  dev_t device = 0;
  switch (type) {
    case FileType::kFifo:
      format = S_IFIFO;
      break;
    case FileType::kSocket:
      format = S_IFSOCK;
      break;
    case FileType::kCharDevice:
      format = S_IFCHR;
      device = makedev(rdev_major, rdev_minor);
      break;
    case FileType::kBlockDevice:
      format = S_IFBLK;
      device = makedev(rdev_major, rdev_minor);
      break;
    default:
      return Errno{EINVAL};  // regular files, directories and symlinks have their own calls
  }
  if (initial.size.has_value()) return Errno{EINVAL};
  StorageResult<Object> parent = ResolveDirectory(directory);
  if (!parent.ok()) return Errno{parent.error()};
  const std::string child_name(name);
  const mode_t mode = initial.mode.value_or(kDefaultFileMode) & 07777;
  UniqueFd child;
  {
    // Devices need CAP_MKNOD, which a caller other than root does not have: the fsuid switch
    // drops it with the other filesystem capabilities.
    AsCaller as(who, switch_identity_);
    if (!as.ok(switch_identity_)) return Errno{EPERM};
    if (mknodat(parent->fd.get(), child_name.c_str(), format | mode, device) != 0) {
      return Errno{errno};
    }
    child = OpenChild(parent->fd.get(), child_name);
    if (!child.valid()) return Errno{errno};
    if (const int error = ApplyExactMode(child.get(), mode); error != 0) return Errno{error};
  }
  return FinishNewObject(who, child.get(), initial, ObjectPlace{parent->info.st_ino, name});
}

StorageStatus PosixBackend::Remove(const Identity& who, const ObjectId& directory,
                                   absl::string_view name) {
  if (const int error = CheckName(name); error != 0) return Errno{error};
  StorageResult<Object> parent = ResolveDirectory(directory);
  if (!parent.ok()) return Errno{parent.error()};
  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  // A directory fails with EISDIR, "." and ".." too.
  if (const int error = Unlink(parent->fd.get(), std::string(name), 0); error != 0) {
    return Errno{error};
  }
  return Done{};
}

int PosixBackend::Unlink(int directory, const std::string& name, int flags) const {
  UniqueFd victim;
  if (locator_->FollowsNames()) victim = OpenChild(directory, name);
  if (unlinkat(directory, name.c_str(), flags) != 0) return errno;
  NoteRemoval(victim.get());
  return 0;
}

void PosixBackend::NoteRemoval(int fd) const {
  struct stat info {};
  // A link count of 0 now: that was the last name (a directory's count drops to 0 at rmdir).
  if (fd >= 0 && fstat(fd, &info) == 0 && info.st_nlink == 0) locator_->ObjectRemoved(fd, info);
}

StorageStatus PosixBackend::RemoveDirectory(const Identity& who, const ObjectId& directory,
                                            absl::string_view name) {
  if (const int error = CheckName(name); error != 0) return Errno{error};
  StorageResult<Object> parent = ResolveDirectory(directory);
  if (!parent.ok()) return Errno{parent.error()};
  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  // "." fails with EINVAL and ".." with ENOTEMPTY.
  if (const int error = Unlink(parent->fd.get(), std::string(name), AT_REMOVEDIR); error != 0) {
    return Errno{error};
  }
  return Done{};
}

StorageStatus PosixBackend::Rename(const Identity& who, const ObjectId& from_directory,
                                   absl::string_view from_name, const ObjectId& to_directory,
                                   absl::string_view to_name) {
  if (const int error = CheckName(from_name); error != 0) return Errno{error};
  if (const int error = CheckName(to_name); error != 0) return Errno{error};
  // The kernel answers EBUSY, which reads as an I/O error; the request is simply invalid.
  if (IsDotName(from_name) || IsDotName(to_name)) return Errno{EINVAL};
  StorageResult<Object> from = ResolveDirectory(from_directory);
  if (!from.ok()) return Errno{from.error()};
  StorageResult<Object> to = ResolveDirectory(to_directory);
  if (!to.ok()) return Errno{to.error()};
  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  const std::string target_name(to_name);
  // What the rename replaces, if anything, so the locator can learn that it is gone.
  UniqueFd replaced;
  if (locator_->FollowsNames()) replaced = OpenChild(to->fd.get(), target_name);
  if (renameat(from->fd.get(), std::string(from_name).c_str(), to->fd.get(), target_name.c_str()) !=
      0) {
    return Errno{errno};
  }
  if (locator_->FollowsNames()) {
    NoteRemoval(replaced.get());
    UniqueFd moved = OpenChild(to->fd.get(), target_name);
    const ObjectPlace place{to->info.st_ino, to_name};
    if (moved.valid()) Describe(moved.get(), &place);  // records the new place
  }
  return Done{};
}

StorageStatus PosixBackend::Link(const Identity& who, const ObjectId& file,
                                 const ObjectId& directory, absl::string_view name) {
  if (const int error = CheckNewName(name); error != 0) return Errno{error};
  StorageResult<Object> target = Resolve(file);
  if (!target.ok()) return Errno{target.error()};
  if (S_ISDIR(target->info.st_mode)) return Errno{EISDIR};
  StorageResult<Object> parent = ResolveDirectory(directory);
  if (!parent.ok()) return Errno{parent.error()};
  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  // linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH, which the caller's identity lacks; the
  // /proc link names the same object with the ordinary permission checks.
  const ProcPath path(target->fd.get());
  if (linkat(path.directory, path.name, parent->fd.get(), std::string(name).c_str(),
             AT_SYMLINK_FOLLOW) != 0) {
    return Errno{errno};
  }
  return Done{};
}

StorageResult<DirectoryPage> PosixBackend::ReadDirectory(const Identity& who,
                                                         const ObjectId& directory, uint64_t cookie,
                                                         uint64_t cookie_verifier,
                                                         size_t max_entries, bool with_attributes) {
  // We only ever hand out 0; anything else did not come from us.
  if (cookie != 0 && cookie_verifier != 0) return Errno{EINVAL};
  StorageResult<Object> resolved = ResolveDirectory(directory);
  if (!resolved.ok()) return Errno{resolved.error()};
  int error = 0;
  UniqueFd listing = Reopen(who, switch_identity_, resolved->fd.get(), resolved->info,
                            O_RDONLY | O_DIRECTORY, /*owner_override=*/false, &error);
  if (!listing.valid()) return Errno{error};

  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  // The cookie is the filesystem's own offset, whatever its range; one it refuses is BAD_COOKIE.
  if (cookie != 0 && lseek(listing.get(), static_cast<off_t>(cookie), SEEK_SET) < 0) {
    return Errno{EINVAL};
  }
  DirectoryPage page;
  page.cookie_verifier = 0;
  std::vector<char> buffer(kDirentBufferSize);
  // Read on past a full page until one more entry is seen, so that eof is exact.
  bool more = false;
  while (!more) {
    const long length = syscall(SYS_getdents64, listing.get(), buffer.data(), buffer.size());
    if (length < 0) {
      if (errno == EINTR) continue;
      return Errno{errno};
    }
    if (length == 0) break;
    for (long position = 0; position < length;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer.data() + position);
      position += entry->d_reclen;
      const absl::string_view entry_name(entry->d_name);
      if (IsDotName(entry_name)) continue;
      if (page.entries.size() >= max_entries) {
        more = true;
        break;
      }
      DirectoryEntry& out = page.entries.emplace_back();
      out.fileid = entry->d_ino;
      out.name = std::string(entry_name);
      out.cookie = static_cast<uint64_t>(entry->d_off);
    }
  }
  page.eof = !more;

  if (with_attributes) {
    for (DirectoryEntry& entry : page.entries) {
      UniqueFd child = OpenChild(resolved->fd.get(), entry.name);
      if (!child.valid()) continue;  // removed meanwhile, a mount point, or not searchable
      const ObjectPlace place{resolved->info.st_ino, entry.name};
      StorageResult<NamedObject> object = Describe(child.get(), &place);
      if (object.ok()) entry.object = std::move(*object);
    }
  }
  return page;
}

StorageResult<FilesystemStatistics> PosixBackend::Statistics(const Identity& who,
                                                             const ObjectId& object) {
  StorageResult<Object> resolved = Resolve(object);
  if (!resolved.ok()) return Errno{resolved.error()};
  AsCaller as(who, switch_identity_);
  if (!as.ok(switch_identity_)) return Errno{EPERM};
  struct statvfs info {};
  if (fstatvfs(resolved->fd.get(), &info) != 0) return Errno{errno};
  const uint64_t unit = info.f_frsize != 0 ? info.f_frsize : info.f_bsize;
  FilesystemStatistics statistics;
  statistics.total_bytes = static_cast<uint64_t>(info.f_blocks) * unit;
  statistics.free_bytes = static_cast<uint64_t>(info.f_bfree) * unit;
  statistics.available_bytes = static_cast<uint64_t>(info.f_bavail) * unit;
  statistics.total_files = info.f_files;
  statistics.free_files = info.f_ffree;
  statistics.available_files = info.f_favail;
  return statistics;
}

StorageResult<StorageBackend::LockableFile> PosixBackend::OpenForLocking(const Identity& who,
                                                                         const ObjectId& file) {
  StorageResult<Object> resolved = Resolve(file);
  if (!resolved.ok()) return Errno{resolved.error()};
  const struct stat& info = resolved->info;
  if (!S_ISREG(info.st_mode)) return Errno{NotRegularError(info)};
  // Reading is what the caller must be allowed (the owner always may): a lock changes no data.
  int error = 0;
  UniqueFd readable = Reopen(who, switch_identity_, resolved->fd.get(), info, O_RDONLY,
                             /*owner_override=*/true, &error);
  if (!readable.valid()) return Errno{error};
  // The server's own read-write descriptor, so that an owner's shared and exclusive locks live on
  // one open file description; read-only (shared locks only) where the server cannot write.
  const ProcPath path(resolved->fd.get());
  UniqueFd writable(openat(path.directory, path.name, O_RDWR | O_CLOEXEC | O_NOCTTY));
  if (writable.valid()) return LockableFile{std::move(writable), true};
  return LockableFile{std::move(readable), false};
}

}  // namespace nfsuite::storage
