#ifndef NFSUITE_SERVICE_LOCK_NLM_TYPES_H_
#define NFSUITE_SERVICE_LOCK_NLM_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

// The Network Lock Manager protocol (Open Group XNFS, chapters 10-11: versions 1 and 3; RFC 1813
// appendix: version 4). One set of C++ types serves the three versions: offsets and lengths are
// 64-bit here, and the XDR layer (nlm_xdr.h) writes them as 32-bit unsigned values on versions 1
// and 3. Status values are v4's; versions 1 and 3 know only the first five (ToWireStatus).
namespace nfsuite::lock {

inline constexpr uint32_t kNlmProgram = 100021;
inline constexpr uint32_t kNlmVersion1 = 1;
inline constexpr uint32_t kNlmVersion3 = 3;
inline constexpr uint32_t kNlmVersion4 = 4;

inline constexpr size_t kMaxCallerName = 1024;  // LM_MAXSTRLEN
inline constexpr size_t kMaxNotifyName = 1025;  // LM_MAXNAMELEN (nlm_notify.name)
inline constexpr size_t kMaxNetobj = 1024;      // MAXNETOBJ_SZ

enum class NlmProcedure : uint32_t {
  kNull = 0,
  kTest = 1,
  kLock = 2,
  kCancel = 3,
  kUnlock = 4,
  kGranted = 5,
  kTestMsg = 6,
  kLockMsg = 7,
  kCancelMsg = 8,
  kUnlockMsg = 9,
  kGrantedMsg = 10,
  kTestRes = 11,
  kLockRes = 12,
  kCancelRes = 13,
  kUnlockRes = 14,
  kGrantedRes = 15,
  // Version 3 and 4 only.
  kShare = 20,
  kUnshare = 21,
  kNmLock = 22,
  kFreeAll = 23,
};

enum class NlmStatus : uint32_t {
  kGranted = 0,
  kDenied = 1,
  kDeniedNoLocks = 2,
  kBlocked = 3,
  kDeniedGracePeriod = 4,
  // Version 4 only.
  kDeadlock = 5,
  kReadOnlyFs = 6,
  kStaleHandle = 7,
  kFileTooBig = 8,
  kFailed = 9,
};

// The status a client of `version` can read: versions 1 and 3 have no words for v4's reasons, so
// those become "no locks" (the server cannot grant it; retrying will not help either).
inline NlmStatus ToWireStatus(NlmStatus status, uint32_t version) {
  if (version == kNlmVersion4 || static_cast<uint32_t>(status) <= 4) return status;
  return NlmStatus::kDeniedNoLocks;
}

using Netobj = std::vector<uint8_t>;

// A byte range: `length` 0 means "to the end of the file, whatever it grows to".
struct NlmLock {
  std::string caller_name;
  Netobj fh;
  Netobj oh;  // the owner handle: opaque to the server, with svid names the lock owner
  int32_t svid = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct NlmHolder {
  bool exclusive = false;
  int32_t svid = 0;
  Netobj oh;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct NlmTestArgs {  // TEST, TEST_MSG, GRANTED, GRANTED_MSG
  Netobj cookie;
  bool exclusive = false;
  NlmLock lock;
};

struct NlmLockArgs {  // LOCK, LOCK_MSG, NM_LOCK
  Netobj cookie;
  bool block = false;
  bool exclusive = false;
  NlmLock lock;
  bool reclaim = false;
  int32_t state = 0;  // the client's NSM state number
};

struct NlmCancelArgs {  // CANCEL, CANCEL_MSG
  Netobj cookie;
  bool block = false;
  bool exclusive = false;
  NlmLock lock;
};

struct NlmUnlockArgs {  // UNLOCK, UNLOCK_MSG
  Netobj cookie;
  NlmLock lock;
};

struct NlmTestResult {  // TEST's reply, TEST_RES's argument
  Netobj cookie;
  NlmStatus status = NlmStatus::kGranted;
  NlmHolder holder;  // when status is kDenied
};

struct NlmResult {  // LOCK, CANCEL, UNLOCK, GRANTED replies and *_RES arguments
  Netobj cookie;
  NlmStatus status = NlmStatus::kGranted;
};

// DOS-style share reservations (SHARE, UNSHARE): who opens with which access, denying what.
enum class ShareMode : uint32_t {
  kDenyNone = 0,
  kDenyRead = 1,
  kDenyWrite = 2,
  kDenyReadWrite = 3
};
enum class ShareAccess : uint32_t { kNone = 0, kRead = 1, kWrite = 2, kReadWrite = 3 };

struct NlmShare {
  std::string caller_name;
  Netobj fh;
  Netobj oh;
  ShareMode mode = ShareMode::kDenyNone;
  ShareAccess access = ShareAccess::kNone;
};

struct NlmShareArgs {
  Netobj cookie;
  NlmShare share;
  bool reclaim = false;
};

struct NlmShareResult {
  Netobj cookie;
  NlmStatus status = NlmStatus::kGranted;
  int32_t sequence = 0;
};

struct NlmNotify {  // FREE_ALL: the host `name` rebooted and is now in `state`
  std::string name;
  int32_t state = 0;
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_NLM_TYPES_H_
