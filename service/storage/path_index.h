#ifndef NFSUITE_SERVICE_STORAGE_PATH_INDEX_H_
#define NFSUITE_SERVICE_STORAGE_PATH_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace nfsuite::storage {

// Where each object of an export was last seen: inode number → (directory's inode number, name).
// It lets a server without the privilege to open kernel file handles find an object again from
// the export root, after restarts too.
//
// The index is a cache, never the truth: a lost or outdated record only costs a search of the
// export (done by its user). So the log it keeps in a file is appended without fsync, and may be
// shared by several processes serving the same export (mountd and nfsd): each appends whole
// records and reads the others' records with CatchUp. Records are written as they are made, so
// the other process sees them as soon as it looks.
//
// Log format: one record per line, tab-separated C-escaped fields (common/util/escaped_fields.h):
// "+", fileid, directory fileid, name — or "-", fileid, "", "" when the object is gone.
//
// Thread-safe.
class PathIndex {
 public:
  struct Place {
    uint64_t directory = 0;
    std::string name;
  };

  // Loads the log at `log_path` (created if missing) and rewrites it compactly when most of it
  // is outdated. An empty path keeps the index in memory only.
  static absl::StatusOr<std::unique_ptr<PathIndex>> Open(const std::string& log_path);
  ~PathIndex();
  PathIndex(const PathIndex&) = delete;
  PathIndex& operator=(const PathIndex&) = delete;

  std::optional<Place> Find(uint64_t fileid) const;
  // Notes that `fileid` is `name` in `directory` (nothing is written when that is known).
  void Record(uint64_t fileid, uint64_t directory, absl::string_view name);
  void Forget(uint64_t fileid);
  // Forgets every object but those in `present` (what a complete search of the export met).
  void RetainOnly(const absl::flat_hash_set<uint64_t>& present);
  // Reads what other processes appended to the log since the last read (all of it again when
  // another process compacted the log meanwhile); true if anything was read.
  bool CatchUp();
  size_t size() const;

 private:
  PathIndex(std::string log_path, int log_fd);
  // Applies one log line; false when it is malformed.
  bool ApplyLine(absl::string_view line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Reads the log from `read_offset_` to its end.
  bool ReadNewRecords() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Each record is one write(2) with O_APPEND, so records of several processes never mix.
  void Append(const std::string& record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Replaces the log by one record per known object, unless another process holds it.
  void Compact() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const std::string log_path_;
  mutable absl::Mutex mutex_;
  int log_fd_ ABSL_GUARDED_BY(mutex_);
  absl::flat_hash_map<uint64_t, Place> places_ ABSL_GUARDED_BY(mutex_);
  uint64_t read_offset_ ABSL_GUARDED_BY(mutex_) = 0;
  size_t records_in_log_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace nfsuite::storage

#endif  // NFSUITE_SERVICE_STORAGE_PATH_INDEX_H_
