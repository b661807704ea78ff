#include "service/storage/thread_identity.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/util/logging.h"

namespace nfsuite::storage {
namespace {

// setfsuid/setfsgid report no error; the identity actually in force is read back with -1,
// which changes nothing.
uid_t SetFsUid(uid_t uid) {
  syscall(SYS_setfsuid, uid);
  return static_cast<uid_t>(syscall(SYS_setfsuid, static_cast<uid_t>(-1)));
}
gid_t SetFsGid(gid_t gid) {
  syscall(SYS_setfsgid, gid);
  return static_cast<gid_t>(syscall(SYS_setfsgid, static_cast<gid_t>(-1)));
}
uid_t CurrentFsUid() { return static_cast<uid_t>(syscall(SYS_setfsuid, static_cast<uid_t>(-1))); }
gid_t CurrentFsGid() { return static_cast<gid_t>(syscall(SYS_setfsgid, static_cast<gid_t>(-1))); }

bool SetGroups(const std::vector<gid_t>& groups) {
  return syscall(SYS_setgroups, groups.size(), groups.data()) == 0;
}

std::vector<gid_t> CurrentGroups() {
  const long count = syscall(SYS_getgroups, 0, nullptr);
  std::vector<gid_t> groups(count > 0 ? count : 0);
  if (!groups.empty()) syscall(SYS_getgroups, groups.size(), groups.data());
  return groups;
}

// The filesystem identity in force on this thread, as this file last set or read it. Nothing else
// in the process changes a thread's fsuid, fsgid or groups, so once read it is known without
// asking the kernel, and a change that would change nothing is skipped: each of those system
// calls, even one that only reads (setfsuid(-1)) or sets what is already there, makes the kernel
// allocate and free a whole credential set, and setgroups also frees the old one through RCU.
// With root callers on a root server, that was a dozen system calls per storage operation.
struct KnownIdentity {
  bool known = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};
thread_local KnownIdentity current;

KnownIdentity& Current() {
  if (!current.known) {
    current.uid = CurrentFsUid();
    current.gid = CurrentFsGid();
    current.groups = CurrentGroups();
    current.known = true;
  }
  return current;
}

// Each of these changes one part of the thread's identity if it differs, and keeps `current`
// true: false when the kernel did not take the change.
bool ChangeGroups(const std::vector<gid_t>& groups) {
  if (Current().groups == groups) return true;
  if (!SetGroups(groups)) {
    current.known = false;  // read afresh next time
    return false;
  }
  current.groups = groups;
  return true;
}
bool ChangeFsGid(gid_t gid) {
  if (Current().gid == gid) return true;
  const gid_t now = SetFsGid(gid);
  current.gid = now;
  return now == gid;
}
bool ChangeFsUid(uid_t uid) {
  if (Current().uid == uid) return true;
  const uid_t now = SetFsUid(uid);
  current.uid = now;
  return now == uid;
}

constexpr int kCapSysResource = 24;  // CAP_SYS_RESOURCE in <linux/capability.h>
constexpr uint32_t kCapabilityVersion3 = 0x20080522;

struct CapabilityHeader {
  uint32_t version;
  int pid;  // 0: the calling thread
};

}  // namespace

std::optional<ScopedThreadIdentity::Capabilities> ScopedThreadIdentity::ReadCapabilities() {
  CapabilityHeader header{kCapabilityVersion3, 0};
  uint32_t data[6];  // {effective, permitted, inheritable} for each of the two words
  if (syscall(SYS_capget, &header, data) != 0) return std::nullopt;
  return Capabilities{{data[0], data[3]}, {data[1], data[4]}, {data[2], data[5]}};
}

bool ScopedThreadIdentity::WriteCapabilities(const Capabilities& capabilities) {
  CapabilityHeader header{kCapabilityVersion3, 0};
  uint32_t data[6] = {capabilities.effective[0],   capabilities.permitted[0],
                      capabilities.inheritable[0], capabilities.effective[1],
                      capabilities.permitted[1],   capabilities.inheritable[1]};
  return syscall(SYS_capset, &header, data) == 0;
}

absl::StatusOr<ScopedThreadIdentity> ScopedThreadIdentity::Enter(const Identity& identity) {
  const KnownIdentity& before = Current();
  const uid_t previous_uid = before.uid;
  const gid_t previous_gid = before.gid;
  std::vector<gid_t> previous_groups = before.groups;

  // Groups and gid first: changing fsuid away from 0 drops the filesystem capabilities, though
  // not CAP_SETGID, but the order keeps every step valid on its own.
  const std::vector<gid_t> groups(identity.groups.begin(), identity.groups.end());
  if (!ChangeGroups(groups)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot take the caller's groups (", std::strerror(errno), "): nfsd needs root for this"));
  }
  if (!ChangeFsGid(identity.gid) || !ChangeFsUid(identity.uid)) {
    // Undo whatever part took effect before reporting.
    ChangeFsUid(previous_uid);
    ChangeFsGid(previous_gid);
    ChangeGroups(previous_groups);
    return absl::PermissionDeniedError(absl::StrCat("cannot act as uid ", identity.uid, " gid ",
                                                    identity.gid, ": nfsd needs root for this"));
  }
  std::optional<Capabilities> previous_capabilities;
  if (identity.uid != 0) {
    std::optional<Capabilities> now = ReadCapabilities();
    if (now.has_value() && (now->effective[0] & (1u << kCapSysResource)) != 0) {
      previous_capabilities = now;
      now->effective[0] &= ~(1u << kCapSysResource);
      if (!WriteCapabilities(*now)) previous_capabilities.reset();
    }
  }
  return ScopedThreadIdentity(previous_uid, previous_gid, std::move(previous_groups),
                              previous_capabilities);
}

ScopedThreadIdentity::ScopedThreadIdentity(ScopedThreadIdentity&& other) noexcept
    : previous_uid_(other.previous_uid_),
      previous_gid_(other.previous_gid_),
      previous_groups_(std::move(other.previous_groups_)),
      previous_capabilities_(other.previous_capabilities_) {
  other.active_ = false;
}

ScopedThreadIdentity::~ScopedThreadIdentity() {
  if (!active_) return;
  // fsuid first: going back to root restores the capabilities the other two need.
  // The saved capabilities go back after fsuid 0, whose return restores the filesystem ones.
  const bool restored =
      ChangeFsUid(previous_uid_) && ChangeFsGid(previous_gid_) && ChangeGroups(previous_groups_) &&
      (!previous_capabilities_.has_value() || WriteCapabilities(*previous_capabilities_));
  // A worker thread left with a client's identity would serve the next client as that one.
  NFSUITE_CHECK(restored, "could not restore the thread's filesystem identity");
}

}  // namespace nfsuite::storage
