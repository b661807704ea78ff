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
  const uid_t previous_uid = CurrentFsUid();
  const gid_t previous_gid = CurrentFsGid();
  std::vector<gid_t> previous_groups = CurrentGroups();

  // Groups and gid first: changing fsuid away from 0 drops the filesystem capabilities, though
  // not CAP_SETGID, but the order keeps every step valid on its own.
  const std::vector<gid_t> groups(identity.groups.begin(), identity.groups.end());
  if (!SetGroups(groups)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot take the caller's groups (", std::strerror(errno), "): nfsd needs root for this"));
  }
  if (SetFsGid(identity.gid) != identity.gid || SetFsUid(identity.uid) != identity.uid) {
    // Undo whatever part took effect before reporting.
    SetFsUid(previous_uid);
    SetFsGid(previous_gid);
    SetGroups(previous_groups);
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
      SetFsUid(previous_uid_) == previous_uid_ && SetFsGid(previous_gid_) == previous_gid_ &&
      SetGroups(previous_groups_) &&
      (!previous_capabilities_.has_value() || WriteCapabilities(*previous_capabilities_));
  // A worker thread left with a client's identity would serve the next client as that one.
  NFSUITE_CHECK(restored, "could not restore the thread's filesystem identity");
}

}  // namespace nfsuite::storage
