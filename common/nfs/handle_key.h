#ifndef NFSUITE_COMMON_NFS_HANDLE_KEY_H_
#define NFSUITE_COMMON_NFS_HANDLE_KEY_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace nfsuite::nfs {

// The server secret that file handles are MACed with, shared by mountd (which hands out root
// handles) and nfsd (which checks every handle). Kept in STATE_DIR/handle.key, mode 0600, so
// handles stay valid across restarts of either daemon and of the machine.
class HandleKey {
 public:
  static constexpr size_t kSize = 32;
  static constexpr const char* kFileName = "handle.key";

  // Reads the key, or creates it from the kernel's random source when absent. Two daemons
  // starting together agree on one key: the file is published with link(), which fails for the
  // loser, who then reads the winner's. A key file that others can read is refused.
  static absl::StatusOr<HandleKey> LoadOrCreate(const std::string& state_dir);
  static HandleKey FromBytes(const std::array<uint8_t, kSize>& bytes) { return HandleKey(bytes); }

  const std::array<uint8_t, kSize>& bytes() const { return bytes_; }

 private:
  explicit HandleKey(const std::array<uint8_t, kSize>& bytes) : bytes_(bytes) {}

  std::array<uint8_t, kSize> bytes_;
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_COMMON_NFS_HANDLE_KEY_H_
