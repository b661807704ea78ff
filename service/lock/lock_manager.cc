#include "service/lock/lock_manager.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/util/logging.h"

namespace nfsuite::lock {
namespace {

struct flock ToFlock(const ByteRange& range, short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = static_cast<off_t>(range.start);
  lock.l_len = range.end == kToEnd ? 0 : static_cast<off_t>(range.end - range.start);
  return lock;
}

NlmStatus FromOpenError(int error) {
  switch (error) {
    case ESTALE:
    case ENOENT:
      return NlmStatus::kStaleHandle;
    case EROFS:
      return NlmStatus::kReadOnlyFs;
    case EACCES:
    case EPERM:
    case EISDIR:
    case EINVAL:
      return NlmStatus::kFailed;
    default:
      return NlmStatus::kDeniedNoLocks;
  }
}

}  // namespace

std::string LockedFileId::Key() const {
  return absl::StrCat(
      export_id, ":", object.kind, ":",
      absl::string_view(reinterpret_cast<const char*>(object.bytes.data()), object.bytes.size()));
}

LockManager::LockManager(Options options, GrantSender send_grant)
    : options_(options), send_grant_(std::move(send_grant)) {
  retry_thread_ = std::thread([this] { RetryLoop(); });
}

LockManager::~LockManager() { Stop(); }

void LockManager::Stop() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (retry_thread_.joinable()) retry_thread_.join();
}

LockManager::OwnerFile* LockManager::FindOwnerFile(const std::string& file_key,
                                                   const std::string& owner_key) {
  auto file = files_.find(file_key);
  if (file == files_.end()) return nullptr;
  auto owner = file->second.owners.find(owner_key);
  return owner == file->second.owners.end() ? nullptr : &owner->second;
}

NlmStatus LockManager::EnsureOwnerFile(const LockRequest& request, const FileOpener& open) {
  const std::string file_key = request.file.Key();
  const std::string owner_key = request.owner.Key();
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (FindOwnerFile(file_key, owner_key) != nullptr) return NlmStatus::kGranted;
  }
  // Opening may touch the disk: not under the mutex every request needs.
  storage::StorageResult<storage::StorageBackend::LockableFile> opened = open();
  if (!opened.ok()) return FromOpenError(opened.error());
  std::lock_guard<std::mutex> guard(mutex_);
  OwnerFile& owner = files_[file_key].owners[owner_key];
  if (!owner.fd.valid()) {  // another request of the same owner may have been quicker
    owner.owner = request.owner;
    owner.fd = std::move(opened->fd);
    owner.writable = opened->writable;
  }
  return NlmStatus::kGranted;
}

int LockManager::SetKernelLock(const OwnerFile& owner, const ByteRange& range, short type) {
  struct flock lock = ToFlock(range, type);
  while (fcntl(owner.fd.get(), F_OFD_SETLK, &lock) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

bool LockManager::IsWaiting(const std::string& owner_key, const std::string& file_key) const {
  const auto same = [&](const Waiting& waiting) {
    return waiting.owner_key == owner_key && waiting.file_key == file_key;
  };
  return std::any_of(blocked_.begin(), blocked_.end(), same) ||
         std::any_of(grants_.begin(), grants_.end(),
                     [&](const auto& grant) { return same(grant.second); });
}

void LockManager::Tidy(const std::string& file_key, const std::string& owner_key) {
  auto file = files_.find(file_key);
  if (file == files_.end()) return;
  auto owner = file->second.owners.find(owner_key);
  if (owner != file->second.owners.end() && owner->second.held.empty() &&
      !IsWaiting(owner_key, file_key)) {
    file->second.owners.erase(owner);  // closes its descriptor
  }
  if (file->second.owners.empty() && file->second.shares.empty()) files_.erase(file);
}

NlmHolder LockManager::HolderOf(const LockedFile& file, const std::string& except_owner,
                                const ByteRange& range, bool exclusive,
                                const struct flock& kernel) const {
  for (const auto& [key, owner] : file.owners) {
    if (key == except_owner) continue;
    if (const HeldRanges::Held* held = owner.held.Conflicting(range, exclusive)) {
      return NlmHolder{held->exclusive, owner.owner.svid, owner.owner.oh, held->range.start,
                       NlmLength(held->range)};
    }
  }
  // A local process's lock (l_pid is its pid; -1 for another program's OFD lock).
  NlmHolder holder;
  holder.exclusive = kernel.l_type == F_WRLCK;
  holder.svid = kernel.l_pid > 0 ? kernel.l_pid : 0;
  holder.offset = static_cast<uint64_t>(kernel.l_start);
  holder.length = static_cast<uint64_t>(kernel.l_len);
  return holder;
}

TestOutcome LockManager::Test(const LockRequest& request, const FileOpener& open) {
  const std::string file_key = request.file.Key();
  const std::string owner_key = request.owner.Key();
  // The owner's own descriptor when it has one (its own locks never conflict), else a fresh one.
  storage::UniqueFd probe;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (const OwnerFile* owner = FindOwnerFile(file_key, owner_key)) {
      probe = storage::UniqueFd(fcntl(owner->fd.get(), F_DUPFD_CLOEXEC, 0));
      if (!probe.valid()) return {NlmStatus::kDeniedNoLocks, {}};
    }
  }
  if (!probe.valid()) {
    storage::StorageResult<storage::StorageBackend::LockableFile> opened = open();
    if (!opened.ok()) return {FromOpenError(opened.error()), {}};
    probe = std::move(opened->fd);
  }
  struct flock kernel = ToFlock(request.range, request.exclusive ? F_WRLCK : F_RDLCK);
  if (fcntl(probe.get(), F_OFD_GETLK, &kernel) != 0) return {NlmStatus::kDeniedNoLocks, {}};
  if (kernel.l_type == F_UNLCK) return {NlmStatus::kGranted, {}};
  std::lock_guard<std::mutex> guard(mutex_);
  auto file = files_.find(file_key);
  if (file == files_.end()) return {NlmStatus::kDenied, HolderOf({}, "", {}, false, kernel)};
  return {NlmStatus::kDenied,
          HolderOf(file->second, owner_key, request.range, request.exclusive, kernel)};
}

NlmStatus LockManager::Lock(const LockRequest& request, const FileOpener& open,
                            std::shared_ptr<const GrantNotice> notice) {
  if (const NlmStatus opened = EnsureOwnerFile(request, open); opened != NlmStatus::kGranted) {
    return opened;
  }
  const std::string file_key = request.file.Key();
  const std::string owner_key = request.owner.Key();
  std::lock_guard<std::mutex> guard(mutex_);
  OwnerFile* owner = FindOwnerFile(file_key, owner_key);
  if (owner == nullptr) return NlmStatus::kDeniedNoLocks;  // released meanwhile (FREE_ALL)
  const auto same_request = [&](const Waiting& waiting) {
    return waiting.file_key == file_key && waiting.owner_key == owner_key &&
           waiting.range == request.range && waiting.exclusive == request.exclusive;
  };
  // A retransmission: of a request granted since (the client missed or ignored the callback; it
  // now has its answer), or of one still waiting.
  for (auto grant = grants_.begin(); grant != grants_.end(); ++grant) {
    if (same_request(grant->second)) {
      grants_.erase(grant);
      return NlmStatus::kGranted;
    }
  }
  if (std::any_of(blocked_.begin(), blocked_.end(), same_request)) return NlmStatus::kBlocked;

  if (request.exclusive && !owner->writable) {
    Tidy(file_key, owner_key);
    return NlmStatus::kReadOnlyFs;
  }
  const int error = SetKernelLock(*owner, request.range, request.exclusive ? F_WRLCK : F_RDLCK);
  if (error == 0) {
    owner->held.Lock(request.range, request.exclusive);
    // A shared lock replacing an exclusive one may let others in.
    if (!request.exclusive) Wake();
    return NlmStatus::kGranted;
  }
  NlmStatus status = NlmStatus::kDeniedNoLocks;
  if (error == EAGAIN || error == EACCES) {
    status = NlmStatus::kDenied;
    if (notice != nullptr) {
      if (blocked_.size() >= options_.max_blocked) {
        Logf(LogLevel::kWarning, "NLM: %zu blocked lock requests already wait; refusing another",
             blocked_.size());
      } else {
        blocked_.push_back(Waiting{next_id_++,
                                   file_key,
                                   owner_key,
                                   request.range,
                                   request.exclusive,
                                   std::move(notice),
                                   {},
                                   {}});
        Wake();
        return NlmStatus::kBlocked;
      }
    }
  } else if (error == EDEADLK) {
    status = NlmStatus::kDeadlock;
  }
  Tidy(file_key, owner_key);
  return status;
}

NlmStatus LockManager::Cancel(const LockRequest& request) {
  const std::string file_key = request.file.Key();
  const std::string owner_key = request.owner.Key();
  std::lock_guard<std::mutex> guard(mutex_);
  const auto same_request = [&](const Waiting& waiting) {
    return waiting.file_key == file_key && waiting.owner_key == owner_key &&
           waiting.range == request.range && waiting.exclusive == request.exclusive;
  };
  NlmStatus status = NlmStatus::kDenied;
  const size_t before = blocked_.size();
  blocked_.remove_if(same_request);
  if (blocked_.size() != before) status = NlmStatus::kGranted;
  // Granted but not yet accepted: the client no longer wants it.
  for (auto grant = grants_.begin(); grant != grants_.end();) {
    if (!same_request(grant->second)) {
      ++grant;
      continue;
    }
    if (OwnerFile* owner = FindOwnerFile(file_key, owner_key)) {
      SetKernelLock(*owner, request.range, F_UNLCK);
      owner->held.Unlock(request.range);
    }
    grant = grants_.erase(grant);
    status = NlmStatus::kGranted;
    Wake();
  }
  Tidy(file_key, owner_key);
  return status;
}

NlmStatus LockManager::Unlock(const LockedFileId& file, const LockOwner& owner,
                              const ByteRange& range) {
  const std::string file_key = file.Key();
  const std::string owner_key = owner.Key();
  std::lock_guard<std::mutex> guard(mutex_);
  // The owner's requests waiting in the range go too: the client unlocks what it gave up on.
  const auto waiting_in_range = [&](const Waiting& waiting) {
    return waiting.file_key == file_key && waiting.owner_key == owner_key &&
           waiting.range.Overlaps(range);
  };
  blocked_.remove_if(waiting_in_range);
  for (auto grant = grants_.begin(); grant != grants_.end();) {
    grant = waiting_in_range(grant->second) ? grants_.erase(grant) : std::next(grant);
  }
  if (OwnerFile* held = FindOwnerFile(file_key, owner_key)) {
    if (SetKernelLock(*held, range, F_UNLCK) != 0) return NlmStatus::kDeniedNoLocks;
    held->held.Unlock(range);
  }
  Tidy(file_key, owner_key);
  Wake();
  // Unlocking what one does not hold succeeds, as fcntl's does.
  return NlmStatus::kGranted;
}

NlmStatus LockManager::Share(const LockedFileId& file, const ShareReservation& share) {
  std::lock_guard<std::mutex> guard(mutex_);
  return files_[file.Key()].shares.Add(share);
}

NlmStatus LockManager::Unshare(const LockedFileId& file, const ShareReservation& share) {
  const std::string file_key = file.Key();
  std::lock_guard<std::mutex> guard(mutex_);
  auto found = files_.find(file_key);
  if (found == files_.end()) return NlmStatus::kGranted;
  found->second.shares.Remove(share);
  if (found->second.owners.empty() && found->second.shares.empty()) files_.erase(found);
  return NlmStatus::kGranted;
}

void LockManager::GrantAnswered(uint64_t grant, GrantAnswer answer) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto found = grants_.find(grant);
  if (found == grants_.end()) return;
  if (answer == GrantAnswer::kNoAnswer) return;  // sent again when due, until the deadline
  const Waiting waiting = found->second;
  grants_.erase(found);
  if (answer == GrantAnswer::kRefused) {
    // The client has no request waiting for this lock any more (its process gave up).
    if (OwnerFile* owner = FindOwnerFile(waiting.file_key, waiting.owner_key)) {
      SetKernelLock(*owner, waiting.range, F_UNLCK);
      owner->held.Unlock(waiting.range);
    }
    Wake();
  }
  Tidy(waiting.file_key, waiting.owner_key);
}

size_t LockManager::ReleaseHosts(const std::function<bool(const ClientHost&)>& matches) {
  std::lock_guard<std::mutex> guard(mutex_);
  std::set<std::string> released_owners;
  size_t released = 0;
  for (auto file = files_.begin(); file != files_.end();) {
    auto& owners = file->second.owners;
    for (auto owner = owners.begin(); owner != owners.end();) {
      if (!matches(owner->second.owner.host)) {
        ++owner;
        continue;
      }
      released += owner->second.held.size();
      released_owners.insert(owner->first);
      owner = owners.erase(owner);  // closing the descriptor drops its kernel locks
    }
    released += file->second.shares.RemoveHosts(matches);
    if (owners.empty() && file->second.shares.empty()) {
      files_.erase(file++);
    } else {
      ++file;
    }
  }
  const auto of_released = [&](const Waiting& waiting) {
    return released_owners.count(waiting.owner_key) != 0;
  };
  blocked_.remove_if(of_released);
  for (auto grant = grants_.begin(); grant != grants_.end();) {
    grant = of_released(grant->second) ? grants_.erase(grant) : std::next(grant);
  }
  Wake();
  return released;
}

LockCounts LockManager::Counts() const {
  std::lock_guard<std::mutex> guard(mutex_);
  LockCounts counts;
  for (const auto& [key, file] : files_) {
    for (const auto& [owner_key, owner] : file.owners) counts.locks += owner.held.size();
    counts.shares += file.shares.size();
  }
  counts.blocked = blocked_.size();
  return counts;
}

std::vector<ClientHost> LockManager::ActiveHosts() const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::set<ClientHost> hosts;
  for (const auto& [key, file] : files_) {
    for (const auto& [owner_key, owner] : file.owners) hosts.insert(owner.owner.host);
    file.shares.ForEachHost([&hosts](const ClientHost& host) { hosts.insert(host); });
  }
  return std::vector<ClientHost>(hosts.begin(), hosts.end());
}

void LockManager::Wake() {
  woken_ = true;
  wake_.notify_all();
}

LockManager::Sends LockManager::RetryBlocked(absl::Time now) {
  Sends sends;
  for (auto waiting = blocked_.begin(); waiting != blocked_.end();) {
    OwnerFile* owner = FindOwnerFile(waiting->file_key, waiting->owner_key);
    if (owner == nullptr) {  // released meanwhile
      waiting = blocked_.erase(waiting);
      continue;
    }
    const short type = waiting->exclusive ? F_WRLCK : F_RDLCK;
    if (SetKernelLock(*owner, waiting->range, type) != 0) {
      ++waiting;
      continue;
    }
    owner->held.Lock(waiting->range, waiting->exclusive);
    Waiting grant = std::move(*waiting);
    waiting = blocked_.erase(waiting);
    grant.deadline = now + options_.grant_timeout;
    grant.next_send = now + options_.grant_resend_interval;
    sends.emplace_back(grant.id, grant.notice);
    grants_.emplace(grant.id, std::move(grant));
  }
  return sends;
}

LockManager::Sends LockManager::DueGrants(absl::Time now) {
  Sends sends;
  for (auto grant = grants_.begin(); grant != grants_.end();) {
    Waiting& waiting = grant->second;
    if (now >= waiting.deadline) {
      Logf(LogLevel::kWarning,
           "NLM: a client did not accept a granted lock within %s; releasing it",
           absl::FormatDuration(options_.grant_timeout));
      if (OwnerFile* owner = FindOwnerFile(waiting.file_key, waiting.owner_key)) {
        SetKernelLock(*owner, waiting.range, F_UNLCK);
        owner->held.Unlock(waiting.range);
      }
      const std::string file_key = waiting.file_key;
      const std::string owner_key = waiting.owner_key;
      grant = grants_.erase(grant);
      Tidy(file_key, owner_key);
      woken_ = true;  // others may have their locks now
      continue;
    }
    if (now >= waiting.next_send) {
      waiting.next_send = now + options_.grant_resend_interval;
      sends.emplace_back(waiting.id, waiting.notice);
    }
    ++grant;
  }
  return sends;
}

void LockManager::RetryLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    absl::Time wake_at = absl::InfiniteFuture();
    const absl::Time now = absl::Now();
    if (!blocked_.empty()) wake_at = now + options_.retry_interval;
    for (const auto& [id, grant] : grants_) {
      wake_at = std::min({wake_at, grant.next_send, grant.deadline});
    }
    if (!woken_) {
      if (wake_at == absl::InfiniteFuture()) {
        wake_.wait(lock, [this] { return stopping_ || woken_; });
      } else {
        wake_.wait_for(lock,
                       absl::ToChronoNanoseconds(std::max(wake_at - now, absl::ZeroDuration())),
                       [this] { return stopping_ || woken_; });
      }
    }
    if (stopping_) break;
    woken_ = false;
    const absl::Time at = absl::Now();
    Sends sends = RetryBlocked(at);
    Sends due = DueGrants(at);
    sends.insert(sends.end(), due.begin(), due.end());
    if (sends.empty()) continue;
    lock.unlock();
    for (auto& [id, notice] : sends) send_grant_(id, notice);
    lock.lock();
  }
}

}  // namespace nfsuite::lock
