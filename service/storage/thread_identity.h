#ifndef NFSUITE_SERVICE_STORAGE_THREAD_IDENTITY_H_
#define NFSUITE_SERVICE_STORAGE_THREAD_IDENTITY_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"

namespace nfsuite::storage {

// Who a storage operation runs as: the NFS caller, after the export's squashing rules.
struct Identity {
  uint32_t uid = 0;
  uint32_t gid = 0;
  absl::InlinedVector<uint32_t, 16> groups;  // supplementary groups
};

// Makes the calling thread's filesystem identity (fsuid, fsgid, supplementary groups) `identity`
// for this object's lifetime, so the kernel checks permissions as the caller and new files get
// the caller's owner. Only this thread changes: the raw system calls are used because glibc's
// wrappers apply a credential change to every thread of the process, as POSIX demands.
// For a caller other than root, CAP_SYS_RESOURCE also leaves the thread's effective set, as in
// Linux's nfsd: otherwise clients would write into root-reserved blocks and past quota limits.
// Needs root (CAP_SETUID and CAP_SETGID).
class ScopedThreadIdentity {
 public:
  static absl::StatusOr<ScopedThreadIdentity> Enter(const Identity& identity);
  ~ScopedThreadIdentity();
  ScopedThreadIdentity(ScopedThreadIdentity&& other) noexcept;
  ScopedThreadIdentity(const ScopedThreadIdentity&) = delete;
  ScopedThreadIdentity& operator=(const ScopedThreadIdentity&) = delete;
  ScopedThreadIdentity& operator=(ScopedThreadIdentity&&) = delete;

 private:
  // The capget/capset data of _LINUX_CAPABILITY_VERSION_3: two words per set.
  struct Capabilities {
    uint32_t effective[2];
    uint32_t permitted[2];
    uint32_t inheritable[2];
  };

  ScopedThreadIdentity(uid_t previous_uid, gid_t previous_gid, std::vector<gid_t> previous_groups,
                       std::optional<Capabilities> previous_capabilities)
      : previous_uid_(previous_uid),
        previous_gid_(previous_gid),
        previous_groups_(std::move(previous_groups)),
        previous_capabilities_(previous_capabilities) {}

  static std::optional<Capabilities> ReadCapabilities();
  static bool WriteCapabilities(const Capabilities& capabilities);

  uid_t previous_uid_;
  gid_t previous_gid_;
  std::vector<gid_t> previous_groups_;
  // Set when CAP_SYS_RESOURCE was dropped and must come back.
  std::optional<Capabilities> previous_capabilities_;
  bool active_ = true;
};

}  // namespace nfsuite::storage

#endif  // NFSUITE_SERVICE_STORAGE_THREAD_IDENTITY_H_
