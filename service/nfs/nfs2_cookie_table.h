#ifndef NFSUITE_SERVICE_NFS_NFS2_COOKIE_TABLE_H_
#define NFSUITE_SERVICE_NFS_NFS2_COOKIE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace nfsuite::nfs::v2 {

// NFSv2 directory cookies are 4 bytes; the backend's are the filesystem's own 64-bit offsets
// (ext4's are hashes that use all 63 bits). A cookie below 2^31 travels as it is (tmpfs, and
// most small offsets); a larger one is replaced by a token with the top bit set, remembered
// here, and translated back when the client continues the listing. The same cookie always gets
// the same token while it is held, so listing a directory twice does not use the table up.
//
// Bounded: `slots` tokens (2^18 by default, a few MB) are reused oldest first, with a
// generation in the token so that a token whose slot was reused is recognised as stale rather
// than answered from another position. A listing of a 100 000-entry directory takes one token
// per entry; several such listings at once stay within the bound.
class CookieTable {
 public:
  static constexpr int kDefaultSlotBits = 18;

  explicit CookieTable(int slot_bits = kDefaultSlotBits);

  // The wire cookie for a backend cookie (0 stays 0: the start of a listing).
  uint32_t ToWire(uint64_t cookie);
  // The backend cookie for a wire cookie, or nullopt for a token no longer held.
  std::optional<uint64_t> FromWire(uint32_t cookie) const;

 private:
  static constexpr uint32_t kTokenBit = 0x80000000u;
  struct Slot {
    uint64_t cookie = 0;
    uint32_t generation = 0;
    bool used = false;
  };

  const int slot_bits_;
  const uint32_t generation_mask_;
  mutable absl::Mutex mu_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, uint32_t> tokens_ ABSL_GUARDED_BY(mu_);  // cookie → token
  size_t next_slot_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace nfsuite::nfs::v2

#endif  // NFSUITE_SERVICE_NFS_NFS2_COOKIE_TABLE_H_
