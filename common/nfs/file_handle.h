#ifndef NFSUITE_COMMON_NFS_FILE_HANDLE_H_
#define NFSUITE_COMMON_NFS_FILE_HANDLE_H_

#include <cstdint>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/crypto/hmac_sha256.h"
#include "common/nfs/handle_key.h"

namespace nfsuite::nfs {

inline constexpr size_t kNfs3MaxHandleSize = 64;  // NFS3_FHSIZE (RFC 1813)
inline constexpr size_t kNfs2HandleSize = 32;     // NFS_FHSIZE (RFC 1094), fixed length

// What a handle names: an export, and an object inside it as the storage backend identifies it
// (a kernel file handle from name_to_handle_at, or the unprivileged fallback's identifier).
struct HandleContents {
  uint32_t export_id = 0;
  uint8_t object_kind = 0;  // backend-defined, e.g. the kernel's handle type
  std::vector<uint8_t> object;

  bool operator==(const HandleContents& other) const = default;
};

// Why a handle was refused. Malformed bytes are BADHANDLE (v3; STALE in v2); a well-formed handle
// whose MAC does not verify is STALE: it may be genuine but from before the key changed, and
// clients answer STALE by looking the name up again.
enum class HandleError { kBadHandle, kStale };

// Handle layout (all handles, v2 and v3):
//   byte 0      format version (1)
//   byte 1      object kind
//   byte 2      object length N
//   byte 3      reserved, 0
//   bytes 4-7   export id, big-endian
//   bytes 8..   object (N bytes)
//   then        MAC: HMAC-SHA-256 of everything before it, truncated to 12 bytes
// NFSv2 handles are zero-padded to 32 bytes. Objects of up to 44 bytes fit in v3, 12 in v2.
class FileHandleCodec {
 public:
  static constexpr size_t kHeaderSize = 8;
  static constexpr size_t kMacSize = 12;  // 96 bits; RFC 2104 allows truncation to >= 80
  static constexpr size_t MaxObjectSize(size_t handle_size) {
    return handle_size - kHeaderSize - kMacSize;
  }

  explicit FileHandleCodec(HandleKey key) : key_(key), mac_key_(key_.bytes()) {}

  // The handle for `contents` in at most `max_size` bytes (kNfs3MaxHandleSize, or
  // kNfs2HandleSize for the fixed v2 form, which is padded to exactly 32 bytes).
  // kOutOfRange when the object does not fit.
  absl::StatusOr<std::vector<uint8_t>> Encode(const HandleContents& contents,
                                              size_t max_size) const;
  // Checks the layout and the MAC before trusting a single field.
  std::variant<HandleContents, HandleError> Decode(absl::Span<const uint8_t> handle) const;

 private:
  HandleKey key_;
  crypto::HmacSha256Key mac_key_;  // key_, ready to MAC (every request checks a handle)
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_COMMON_NFS_FILE_HANDLE_H_
