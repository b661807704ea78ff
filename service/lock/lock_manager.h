#ifndef NFSUITE_SERVICE_LOCK_LOCK_MANAGER_H_
#define NFSUITE_SERVICE_LOCK_LOCK_MANAGER_H_

#include <fcntl.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "service/lock/byte_range.h"
#include "service/lock/lock_owner.h"
#include "service/lock/nlm_types.h"
#include "service/lock/share_reservations.h"
#include "service/storage/storage_backend.h"

// The lock manager's state, independent of the protocol: which owner holds which byte ranges of
// which file, the blocked requests waiting for a conflict to go, and share reservations.
//
// Locks are the kernel's open-file-description (OFD) locks: each owner gets its own descriptor
// of each file it locks, so owners exclude one another exactly as the kernel decides, and local
// processes' fcntl and lockf locks on the server's files exclude NFS clients and the other way
// round. The manager mirrors what each owner holds (to count locks and to name a conflicting
// holder) and closes an owner's descriptor when it holds nothing on the file any more.
//
// Blocked requests are retried by one thread: at once when this manager releases something, and
// every `retry_interval` while any wait (a local process's unlock is not announced). A request
// that gets its lock becomes a grant: the client is told through `send_grant` and must accept
// (Granted) within `grant_timeout`, or the lock is released again.
namespace nfsuite::lock {

// A file as the lock manager knows it: its export and the object's id.
struct LockedFileId {
  uint32_t export_id = 0;
  storage::ObjectId object;
  std::string Key() const;
};

// How to get an owner its own descriptor of the file, called only when it has none yet.
using FileOpener = std::function<storage::StorageResult<storage::StorageBackend::LockableFile>()>;

// What the protocol layer needs to tell a client that its blocked request is granted; opaque
// to the manager.
class GrantNotice {
 public:
  virtual ~GrantNotice() = default;
};

enum class GrantAnswer { kAccepted, kRefused, kNoAnswer };

struct LockRequest {
  LockedFileId file;
  LockOwner owner;
  ByteRange range;
  bool exclusive = false;
};

struct TestOutcome {
  NlmStatus status = NlmStatus::kGranted;
  NlmHolder holder;  // when kDenied
};

struct LockCounts {
  uint64_t locks = 0;
  uint64_t blocked = 0;
  uint64_t shares = 0;
};

class LockManager {
 public:
  struct Options {
    absl::Duration grant_timeout = absl::Seconds(30);
    absl::Duration grant_resend_interval = absl::Seconds(2);
    absl::Duration retry_interval = absl::Milliseconds(100);
    size_t max_blocked = 4096;  // more waiting requests are refused (no locks), not queued
  };
  using GrantSender = std::function<void(uint64_t grant, std::shared_ptr<const GrantNotice>)>;

  LockManager(Options options, GrantSender send_grant);
  ~LockManager();  // Stop()s
  LockManager(const LockManager&) = delete;
  LockManager& operator=(const LockManager&) = delete;

  TestOutcome Test(const LockRequest& request, const FileOpener& open);
  // kGranted, kDenied, kBlocked (when `notice` is set: a blocking request), or the reason no lock
  // can be had (kDeniedNoLocks, kReadOnlyFs, kStaleHandle, kFailed).
  NlmStatus Lock(const LockRequest& request, const FileOpener& open,
                 std::shared_ptr<const GrantNotice> notice);
  // Withdraws a blocked request (or a grant the client has not accepted yet): kGranted when there
  // was one, kDenied otherwise.
  NlmStatus Cancel(const LockRequest& request);
  NlmStatus Unlock(const LockedFileId& file, const LockOwner& owner, const ByteRange& range);

  NlmStatus Share(const LockedFileId& file, const ShareReservation& share);
  NlmStatus Unshare(const LockedFileId& file, const ShareReservation& share);

  // Stops retrying blocked requests and sending grants (waits for the retry thread).
  void Stop();

  // The client's answer to a GRANTED callback.
  void GrantAnswered(uint64_t grant, GrantAnswer answer);

  // Drops every lock, blocked request, grant and share of the hosts `matches` selects (a client
  // rebooted, or asked with FREE_ALL); returns how many locks and shares went.
  size_t ReleaseHosts(const std::function<bool(const ClientHost&)>& matches);

  LockCounts Counts() const;
  // Hosts holding anything: locks, blocked requests or shares.
  std::vector<ClientHost> ActiveHosts() const;

 private:
  struct OwnerFile {
    LockOwner owner;
    storage::UniqueFd fd;
    bool writable = false;
    HeldRanges held;
  };
  struct LockedFile {
    std::map<std::string, OwnerFile> owners;  // by LockOwner::Key
    ShareReservations shares;
  };
  struct Waiting {  // a blocked request, or a grant not yet accepted
    uint64_t id = 0;
    std::string file_key;
    std::string owner_key;
    ByteRange range;
    bool exclusive = false;
    std::shared_ptr<const GrantNotice> notice;
    absl::Time deadline;   // grants: released after this
    absl::Time next_send;  // grants: when to tell the client again
  };
  using Sends = std::vector<std::pair<uint64_t, std::shared_ptr<const GrantNotice>>>;

  // An owner's descriptor of the file, opened outside the mutex when it has none.
  NlmStatus EnsureOwnerFile(const LockRequest& request, const FileOpener& open);
  OwnerFile* FindOwnerFile(const std::string& file_key, const std::string& owner_key);
  // fcntl(F_OFD_SETLK) for the owner: 0, or the errno.
  static int SetKernelLock(const OwnerFile& owner, const ByteRange& range, short type);
  // Erases the owner's entry when it holds and waits for nothing, then the file's.
  void Tidy(const std::string& file_key, const std::string& owner_key);
  bool IsWaiting(const std::string& owner_key, const std::string& file_key) const;
  NlmHolder HolderOf(const LockedFile& file, const std::string& except_owner,
                     const ByteRange& range, bool exclusive, const struct flock& kernel) const;
  void Wake();
  void RetryLoop();
  // Under the mutex: blocked requests that can have their lock now become grants; grants due are
  // collected for sending; expired grants are released.
  Sends RetryBlocked(absl::Time now);
  Sends DueGrants(absl::Time now);

  const Options options_;
  const GrantSender send_grant_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  uint64_t next_id_ = 1;
  absl::flat_hash_map<std::string, LockedFile> files_;
  std::list<Waiting> blocked_;  // first come, first retried
  std::map<uint64_t, Waiting> grants_;
  std::thread retry_thread_;
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_LOCK_MANAGER_H_
