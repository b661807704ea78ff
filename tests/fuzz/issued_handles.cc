#include "tests/fuzz/issued_handles.h"

#include <algorithm>
#include <variant>

namespace nfsuite::fuzz {
namespace {

// Replies longer than this are not scanned: READ data holds no handles, and the scan costs a
// MAC per position.
constexpr size_t kMaxScannedReply = 4096;

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void AppendBigEndian32(std::vector<uint8_t>& out, uint32_t value) {
  out.insert(out.end(), {static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
                         static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)});
}

bool MarkerAt(absl::Span<const uint8_t> bytes, size_t at) {
  return at + IssuedHandles::kMarker.size() < bytes.size() &&
         std::equal(IssuedHandles::kMarker.begin(), IssuedHandles::kMarker.end(),
                    bytes.begin() + at);
}

}  // namespace

bool IssuedHandles::IsHandle(absl::Span<const uint8_t> bytes) const {
  return std::holds_alternative<nfs::HandleContents>(codec_.Decode(bytes));
}

void IssuedHandles::Keep(std::vector<std::vector<uint8_t>>& kept, size_t& next,
                         absl::Span<const uint8_t> handle) {
  const std::vector<uint8_t> copy(handle.begin(), handle.end());
  if (std::find(kept.begin(), kept.end(), copy) != kept.end()) return;
  if (kept.size() < kKept) {
    kept.push_back(copy);
  } else {
    kept[next] = copy;
    next = (next + 1) % kKept;
  }
}

void IssuedHandles::Learn(absl::Span<const uint8_t> reply) {
  reply = reply.subspan(0, std::min(reply.size(), kMaxScannedReply));
  constexpr size_t kMinHandle = nfs::FileHandleCodec::kHeaderSize + nfs::FileHandleCodec::kMacSize;
  for (size_t at = 0; at + 4 <= reply.size(); at += 4) {
    const uint32_t length = LoadBigEndian32(reply.data() + at);
    if (length >= kMinHandle && length <= nfs::kNfs3MaxHandleSize &&
        length <= reply.size() - at - 4 && IsHandle(reply.subspan(at + 4, length))) {
      Keep(v3_, next_v3_, reply.subspan(at + 4, length));
    }
    if (reply[at] == 1 && at + nfs::kNfs2HandleSize <= reply.size() &&
        IsHandle(reply.subspan(at, nfs::kNfs2HandleSize))) {
      Keep(v2_, next_v2_, reply.subspan(at, nfs::kNfs2HandleSize));
    }
  }
}

std::vector<uint8_t> IssuedHandles::Substitute(absl::Span<const uint8_t> record) const {
  std::vector<uint8_t> out;
  out.reserve(record.size() + 64);
  size_t at = 0;
  while (at < record.size()) {
    const bool v3_marker = at % 4 == 0 && at + 8 <= record.size() &&
                           LoadBigEndian32(record.data() + at) == 4 && MarkerAt(record, at + 4);
    if (v3_marker && !v3_.empty()) {
      const std::vector<uint8_t>& handle = v3_[record[at + 7] % v3_.size()];
      AppendBigEndian32(out, static_cast<uint32_t>(handle.size()));
      out.insert(out.end(), handle.begin(), handle.end());
      out.resize(out.size() + (4 - handle.size() % 4) % 4, 0);
      at += 8;
      continue;
    }
    if (at % 4 == 0 && MarkerAt(record, at) && at + nfs::kNfs2HandleSize <= record.size() &&
        !v2_.empty()) {
      const std::vector<uint8_t>& handle = v2_[record[at + 3] % v2_.size()];
      out.insert(out.end(), handle.begin(), handle.end());
      at += nfs::kNfs2HandleSize;
      continue;
    }
    out.push_back(record[at]);
    ++at;
  }
  return out;
}

}  // namespace nfsuite::fuzz
