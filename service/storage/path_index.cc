#include "service/storage/path_index.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/escaped_fields.h"
#include "common/util/logging.h"

namespace nfsuite::storage {
namespace {

constexpr size_t kReadChunk = 1 << 20;
// A line longer than this is damage, not a record (a name has at most 255 bytes, escaped ×4).
constexpr size_t kMaxLineLength = 4096;
// The log is rewritten at start-up once it holds this many more records than objects.
constexpr size_t kCompactionSlack = 4096;

std::string PlaceRecord(uint64_t fileid, uint64_t directory, absl::string_view name) {
  return JoinEscapedFields(
             {"+", absl::StrCat(fileid), absl::StrCat(directory), std::string(name)}) +
         "\n";
}

std::string ForgetRecord(uint64_t fileid) {
  return JoinEscapedFields({"-", absl::StrCat(fileid), "", ""}) + "\n";
}

bool WriteAll(int fd, const std::string& bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PathIndex>> PathIndex::Open(const std::string& log_path) {
  if (log_path.empty()) return std::unique_ptr<PathIndex>(new PathIndex("", -1));
  const int fd = open(log_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the path index ", log_path, ": ", std::strerror(errno)));
  }
  std::unique_ptr<PathIndex> index(new PathIndex(log_path, fd));
  absl::MutexLock lock(&index->mutex_);
  if (!index->ReadNewRecords()) {
    Logf(LogLevel::kWarning, "path index %s: skipped damaged records", log_path);
  }
  if (index->records_in_log_ > 2 * index->places_.size() + kCompactionSlack) index->Compact();
  return index;
}

PathIndex::PathIndex(std::string log_path, int log_fd)
    : log_path_(std::move(log_path)), log_fd_(log_fd) {}

PathIndex::~PathIndex() {
  absl::MutexLock lock(&mutex_);
  if (log_fd_ >= 0) close(log_fd_);
}

std::optional<PathIndex::Place> PathIndex::Find(uint64_t fileid) const {
  absl::ReaderMutexLock lock(&mutex_);
  auto found = places_.find(fileid);
  if (found == places_.end()) return std::nullopt;
  return found->second;
}

void PathIndex::Record(uint64_t fileid, uint64_t directory, absl::string_view name) {
  absl::MutexLock lock(&mutex_);
  Place& place = places_[fileid];
  if (place.directory == directory && place.name == name) return;
  place.directory = directory;
  place.name = std::string(name);
  Append(PlaceRecord(fileid, directory, name));
}

void PathIndex::Forget(uint64_t fileid) {
  absl::MutexLock lock(&mutex_);
  if (places_.erase(fileid) == 0) return;
  Append(ForgetRecord(fileid));
}

void PathIndex::RetainOnly(const absl::flat_hash_set<uint64_t>& present) {
  absl::MutexLock lock(&mutex_);
  std::vector<uint64_t> gone;
  for (const auto& [fileid, place] : places_) {
    if (!present.contains(fileid)) gone.push_back(fileid);
  }
  for (uint64_t fileid : gone) {
    places_.erase(fileid);
    Append(ForgetRecord(fileid));
  }
}

size_t PathIndex::size() const {
  absl::ReaderMutexLock lock(&mutex_);
  return places_.size();
}

bool PathIndex::CatchUp() {
  absl::MutexLock lock(&mutex_);
  if (log_fd_ < 0) return false;
  struct stat on_disk {};
  struct stat ours {};
  if (stat(log_path_.c_str(), &on_disk) == 0 && fstat(log_fd_, &ours) == 0 &&
      on_disk.st_ino != ours.st_ino) {
    // Another process compacted the log: read the new one from its start.
    const int fd = open(log_path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd >= 0) {
      close(log_fd_);
      log_fd_ = fd;
      read_offset_ = 0;
      records_in_log_ = 0;
    }
  }
  const uint64_t before = read_offset_;
  ReadNewRecords();
  return read_offset_ != before;
}

void PathIndex::Append(const std::string& record) {
  if (log_fd_ < 0) return;
  if (!WriteAll(log_fd_, record)) {
    // The index still works from memory; after a restart a search finds what was lost.
    Logf(LogLevel::kWarning, "path index %s: cannot append: %s", log_path_, std::strerror(errno));
    return;
  }
  ++records_in_log_;
}

bool PathIndex::ApplyLine(absl::string_view line) {
  std::vector<std::string> fields;
  uint64_t fileid = 0;
  if (!SplitEscapedFields(line, 4, &fields) || !absl::SimpleAtoi(fields[1], &fileid)) return false;
  ++records_in_log_;
  if (fields[0] == "-") {
    places_.erase(fileid);
    return true;
  }
  uint64_t directory = 0;
  if (fields[0] != "+" || !absl::SimpleAtoi(fields[2], &directory) || fields[3].empty()) {
    return false;
  }
  places_[fileid] = Place{directory, std::move(fields[3])};
  return true;
}

bool PathIndex::ReadNewRecords() {
  bool clean = true;
  std::string buffer;
  std::vector<char> chunk(kReadChunk);
  uint64_t offset = read_offset_;
  for (;;) {
    const ssize_t n = pread(log_fd_, chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    offset += static_cast<uint64_t>(n);
    buffer.append(chunk.data(), static_cast<size_t>(n));
    size_t start = 0;
    for (size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
      if (!ApplyLine(absl::string_view(buffer).substr(start, end - start))) clean = false;
    }
    read_offset_ += start;
    buffer.erase(0, start);
    // A line still unfinished is another process's record being written: read it next time.
    if (buffer.size() > kMaxLineLength) {
      read_offset_ += buffer.size();
      buffer.clear();
      clean = false;
    }
  }
  return clean;
}

void PathIndex::Compact() {
  if (flock(log_fd_, LOCK_EX | LOCK_NB) != 0) return;
  const std::string temporary = log_path_ + ".new";
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  bool written = fd >= 0;
  std::string records;
  for (const auto& [fileid, place] : places_) {
    records += PlaceRecord(fileid, place.directory, place.name);
    if (records.size() >= kReadChunk) {
      written = written && WriteAll(fd, records);
      records.clear();
    }
  }
  written = written && WriteAll(fd, records);
  if (!written || rename(temporary.c_str(), log_path_.c_str()) != 0) {
    Logf(LogLevel::kWarning, "path index %s: cannot compact: %s", log_path_, std::strerror(errno));
    if (fd >= 0) close(fd);
    unlink(temporary.c_str());
    flock(log_fd_, LOCK_UN);
    return;
  }
  close(log_fd_);  // releases the lock on the old log
  log_fd_ = open(log_path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd >= 0) close(fd);
  struct stat info {};
  read_offset_ = (log_fd_ >= 0 && fstat(log_fd_, &info) == 0) ? info.st_size : 0;
  records_in_log_ = places_.size();
}

}  // namespace nfsuite::storage
