#include "common/nfs/file_handle.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/crypto/hmac_sha256.h"

namespace nfsuite::nfs {
namespace {

constexpr uint8_t kFormatVersion = 1;

}  // namespace

absl::StatusOr<std::vector<uint8_t>> FileHandleCodec::Encode(const HandleContents& contents,
                                                             size_t max_size) const {
  if (max_size < kHeaderSize + kMacSize || contents.object.size() > MaxObjectSize(max_size)) {
    return absl::OutOfRangeError(absl::StrCat("an object id of ", contents.object.size(),
                                              " bytes does not fit in a ", max_size,
                                              "-byte file handle"));
  }
  std::vector<uint8_t> handle = {kFormatVersion,
                                 contents.object_kind,
                                 static_cast<uint8_t>(contents.object.size()),
                                 0,
                                 static_cast<uint8_t>(contents.export_id >> 24),
                                 static_cast<uint8_t>(contents.export_id >> 16),
                                 static_cast<uint8_t>(contents.export_id >> 8),
                                 static_cast<uint8_t>(contents.export_id)};
  handle.insert(handle.end(), contents.object.begin(), contents.object.end());
  const crypto::Sha256Digest mac = mac_key_.Mac(handle);
  handle.insert(handle.end(), mac.begin(), mac.begin() + kMacSize);
  if (max_size == kNfs2HandleSize) handle.resize(kNfs2HandleSize, 0);
  return handle;
}

std::variant<HandleContents, HandleError> FileHandleCodec::Decode(
    absl::Span<const uint8_t> handle) const {
  if (handle.size() < kHeaderSize + kMacSize || handle.size() > kNfs3MaxHandleSize ||
      handle[0] != kFormatVersion || handle[3] != 0) {
    return HandleError::kBadHandle;
  }
  const size_t object_size = handle[2];
  const size_t used = kHeaderSize + object_size + kMacSize;
  if (used > handle.size()) return HandleError::kBadHandle;
  // Only the fixed-size v2 form has padding, and it is all zeros.
  if (used < handle.size() &&
      (handle.size() != kNfs2HandleSize ||
       std::any_of(handle.begin() + used, handle.end(), [](uint8_t b) { return b != 0; }))) {
    return HandleError::kBadHandle;
  }
  const absl::Span<const uint8_t> signed_part = handle.subspan(0, kHeaderSize + object_size);
  const crypto::Sha256Digest expected = mac_key_.Mac(signed_part);
  if (!crypto::ConstantTimeEqual(absl::MakeConstSpan(expected.data(), kMacSize),
                                 handle.subspan(kHeaderSize + object_size, kMacSize))) {
    return HandleError::kStale;
  }
  HandleContents contents;
  contents.object_kind = handle[1];
  contents.export_id = (uint32_t{handle[4]} << 24) | (uint32_t{handle[5]} << 16) |
                       (uint32_t{handle[6]} << 8) | uint32_t{handle[7]};
  contents.object.assign(handle.begin() + kHeaderSize, handle.begin() + kHeaderSize + object_size);
  return contents;
}

}  // namespace nfsuite::nfs
