// Objects named by inode number and found again through a path index: file handles that
// survive restarts without the privilege open_by_handle_at needs.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/util/logging.h"
#include "service/storage/beneath.h"
#include "service/storage/object_locator.h"

namespace nfsuite::storage {
namespace {

constexpr size_t kIdSize = 12;  // inode number (8 bytes) and tag (4), big-endian
// How far below the root an object may be; also ends a walk over a damaged index with a loop.
constexpr size_t kMaxDepth = 2048;
// A search of the export stops after this many entries (and then forgets nothing).
constexpr size_t kMaxSearchEntries = 8 << 20;
// Searches are at least this far apart; a request that needs one sooner is asked to retry
// (EAGAIN, NFS3ERR_JUKEBOX), so a server-side process renaming files all the time cannot keep
// the server searching.
constexpr absl::Duration kSearchInterval = absl::Seconds(1);
constexpr size_t kDirentBufferSize = 32 * 1024;

// 32-bit FNV-1a of the object's kernel handle, which holds the inode's generation on the
// filesystems that have one: a reused inode number gets another tag. 0 where the filesystem
// has no handles (a reused inode number is then not told apart).
uint32_t TagOf(int fd) {
  StorageResult<ObjectId> handle = KernelHandleOf(fd);
  if (!handle.ok()) return 0;
  uint32_t hash = 2166136261u;
  auto mix = [&hash](uint8_t byte) { hash = (hash ^ byte) * 16777619u; };
  mix(handle->kind);
  for (uint8_t byte : handle->bytes) mix(byte);
  return hash;
}

ObjectId MakeId(uint64_t fileid, uint32_t tag) {
  ObjectId id;
  id.kind = kPathIndexIdKind;
  for (int shift = 56; shift >= 0; shift -= 8) id.bytes.push_back(uint8_t(fileid >> shift));
  for (int shift = 24; shift >= 0; shift -= 8) id.bytes.push_back(uint8_t(tag >> shift));
  return id;
}

bool ParseId(const ObjectId& id, uint64_t* fileid, uint32_t* tag) {
  if (id.kind != kPathIndexIdKind || id.bytes.size() != kIdSize) return false;
  *fileid = 0;
  *tag = 0;
  for (size_t i = 0; i < 8; ++i) *fileid = (*fileid << 8) | id.bytes[i];
  for (size_t i = 8; i < kIdSize; ++i) *tag = (*tag << 8) | id.bytes[i];
  return true;
}

bool IsServerTrouble(int error) { return error == EMFILE || error == ENFILE || error == ENOMEM; }

class PathIndexLocator final : public ObjectLocator {
 public:
  PathIndexLocator(int root_fd, const struct stat& root, std::unique_ptr<PathIndex> index)
      : root_fd_(root_fd),
        root_dev_(root.st_dev),
        root_fileid_(root.st_ino),
        root_tag_(TagOf(root_fd)),
        index_(std::move(index)) {}

  StorageResult<ObjectId> IdOf(int fd, const struct stat& info, const ObjectPlace* place) override {
    if (info.st_ino == root_fileid_) return MakeId(root_fileid_, root_tag_);
    if (place != nullptr) index_->Record(info.st_ino, place->directory, place->name);
    return MakeId(info.st_ino, TagOf(fd));
  }

  StorageResult<UniqueFd> Open(const ObjectId& id) override {
    uint64_t fileid = 0;
    uint32_t tag = 0;
    if (!ParseId(id, &fileid, &tag)) return Errno{ESTALE};
    if (fileid == root_fileid_) {
      if (tag != root_tag_) return Errno{ESTALE};
      UniqueFd root(openat(root_fd_, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (!root.valid()) return Errno{errno};
      return root;
    }
    const uint64_t searches_before = SearchesCompleted();
    Found found = Walk(fileid, tag);
    // Another process serving the export (mountd) may have recorded it.
    if (NotLocated(found) && index_->CatchUp()) found = Walk(fileid, tag);
    if (NotLocated(found)) found = SearchThenWalk(fileid, tag, searches_before);
    switch (found.outcome) {
      case Outcome::kFound:
        return std::move(found.fd);
      case Outcome::kServerTrouble:
        return Errno{found.error};
      default:
        return Errno{ESTALE};
    }
  }

  bool FindsFromRoot() const override { return true; }
  bool FollowsNames() const override { return true; }

  void ObjectRemoved(int, const struct stat& info) override {
    if (info.st_nlink == 0) index_->Forget(info.st_ino);
  }

 private:
  enum class Outcome {
    kFound,
    kNotThere,       // the index does not lead to it (any more)
    kReusedInode,    // its inode number now belongs to another object: it is gone
    kNotInIndex,     // not even recorded
    kServerTrouble,  // `error` says what
  };
  struct Found {
    Outcome outcome = Outcome::kNotThere;
    UniqueFd fd;
    int error = 0;
  };

  static bool NotLocated(const Found& found) {
    return found.outcome == Outcome::kNotThere || found.outcome == Outcome::kNotInIndex;
  }

  uint64_t SearchesCompleted() const {
    absl::MutexLock lock(&search_mutex_);
    return searches_completed_;
  }

  // Follows the index from the root, checking every step's inode number.
  Found Walk(uint64_t fileid, uint32_t tag) const {
    // The chain of places from the object up to a child of the root.
    std::vector<std::pair<uint64_t, PathIndex::Place>> chain;
    for (uint64_t current = fileid; current != root_fileid_;) {
      std::optional<PathIndex::Place> place = index_->Find(current);
      if (!place.has_value()) {
        return {chain.empty() ? Outcome::kNotInIndex : Outcome::kNotThere, {}, 0};
      }
      if (chain.size() >= kMaxDepth) return {Outcome::kNotThere, {}, 0};
      const uint64_t directory = place->directory;
      chain.emplace_back(current, std::move(*place));
      current = directory;
    }
    UniqueFd current;
    for (auto step = chain.rbegin(); step != chain.rend(); ++step) {
      const bool last = step + 1 == chain.rend();
      UniqueFd next = OpenChild(current.valid() ? current.get() : root_fd_, step->second.name,
                                last ? 0 : O_DIRECTORY);
      if (!next.valid()) {
        if (IsServerTrouble(errno)) return {Outcome::kServerTrouble, {}, errno};
        return {Outcome::kNotThere, {}, 0};
      }
      struct stat info {};
      if (fstat(next.get(), &info) != 0 || info.st_dev != root_dev_ || info.st_ino != step->first) {
        return {Outcome::kNotThere, {}, 0};
      }
      current = std::move(next);
    }
    if (TagOf(current.get()) != tag) return {Outcome::kReusedInode, {}, 0};
    return {Outcome::kFound, std::move(current), 0};
  }

  // The index did not lead to the object: search the export once, unless a search since this
  // request began (or a complete one, for an object never recorded) already settled it.
  Found SearchThenWalk(uint64_t fileid, uint32_t tag, uint64_t searches_before) {
    {
      absl::MutexLock lock(&search_mutex_);
      if (searches_completed_ == searches_before) {
        Found found = Walk(fileid, tag);  // another thread may have just recorded it
        if (!NotLocated(found)) return found;
        // A complete search recorded every object there was: one we have not met since is gone.
        if (found.outcome == Outcome::kNotInIndex && complete_search_done_) return found;
        if (absl::Now() - last_search_end_ < kSearchInterval) {
          return {Outcome::kServerTrouble, {}, EAGAIN};
        }
        SearchExport();
      }
    }
    return Walk(fileid, tag);
  }

  // Records every object of the export where it is now, and forgets the ones not met (when the
  // search saw everything).
  void SearchExport() ABSL_EXCLUSIVE_LOCKS_REQUIRED(search_mutex_) {
    const absl::Time start = absl::Now();
    absl::flat_hash_set<uint64_t> seen;
    std::deque<std::pair<uint64_t, std::string>> directories;  // fileid, path below the root
    directories.emplace_back(root_fileid_, ".");
    std::vector<char> buffer(kDirentBufferSize);
    bool complete = true;
    while (!directories.empty() && complete) {
      auto [directory, path] = std::move(directories.front());
      directories.pop_front();
      struct open_how how {};
      how.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
      UniqueFd listing = OpenBeneath(root_fd_, path, how);
      struct stat info {};
      if (!listing.valid() || fstat(listing.get(), &info) != 0 || info.st_ino != directory) {
        continue;  // gone meanwhile, a mount point, or not readable by the server
      }
      for (;;) {
        const long length = syscall(SYS_getdents64, listing.get(), buffer.data(), buffer.size());
        if (length < 0 && errno == EINTR) continue;
        if (length <= 0) break;
        for (long position = 0; position < length;) {
          const auto* entry = reinterpret_cast<const struct dirent64*>(buffer.data() + position);
          position += entry->d_reclen;
          const absl::string_view name(entry->d_name);
          if (name == "." || name == "..") continue;
          index_->Record(entry->d_ino, directory, name);
          seen.insert(entry->d_ino);
          if (seen.size() > kMaxSearchEntries) complete = false;
          bool is_directory = entry->d_type == DT_DIR;
          struct stat child {};
          if (entry->d_type == DT_UNKNOWN &&
              fstatat(listing.get(), entry->d_name, &child, AT_SYMLINK_NOFOLLOW) == 0) {
            is_directory = S_ISDIR(child.st_mode);
          }
          if (is_directory) directories.emplace_back(entry->d_ino, path + "/" + std::string(name));
        }
      }
    }
    if (complete) {
      index_->RetainOnly(seen);
      complete_search_done_ = true;
    } else {
      Logf(LogLevel::kWarning, "storage: searching the export stopped after %zu objects",
           kMaxSearchEntries);
    }
    ++searches_completed_;
    last_search_end_ = absl::Now();
    Logf(LogLevel::kInfo, "storage: searched the export for moved objects: %zu in %s", seen.size(),
         absl::FormatDuration(last_search_end_ - start));
  }

  const int root_fd_;
  const dev_t root_dev_;
  const uint64_t root_fileid_;
  const uint32_t root_tag_;
  const std::unique_ptr<PathIndex> index_;
  mutable absl::Mutex search_mutex_;
  uint64_t searches_completed_ ABSL_GUARDED_BY(search_mutex_) = 0;
  bool complete_search_done_ ABSL_GUARDED_BY(search_mutex_) = false;
  absl::Time last_search_end_ ABSL_GUARDED_BY(search_mutex_) = absl::InfinitePast();
};

}  // namespace

std::unique_ptr<ObjectLocator> MakePathIndexLocator(int root_fd, const struct stat& root,
                                                    std::unique_ptr<PathIndex> index) {
  return std::make_unique<PathIndexLocator>(root_fd, root, std::move(index));
}

}  // namespace nfsuite::storage
