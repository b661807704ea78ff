#include "common/nfs/export_id.h"

#include "common/crypto/hmac_sha256.h"

namespace nfsuite::nfs {

uint32_t ExportIdForPath(absl::string_view canonical_path) {
  crypto::Sha256 hash;
  hash.Update(absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(canonical_path.data()),
                                        canonical_path.size()));
  const crypto::Sha256Digest digest = hash.Finish();
  return (uint32_t{digest[0]} << 24) | (uint32_t{digest[1]} << 16) | (uint32_t{digest[2]} << 8) |
         uint32_t{digest[3]};
}

}  // namespace nfsuite::nfs
