#include "service/nfs/nfs2_cookie_table.h"

namespace nfsuite::nfs::v2 {

CookieTable::CookieTable(int slot_bits)
    : slot_bits_(slot_bits), generation_mask_((kTokenBit - 1) >> slot_bits) {
  absl::MutexLock lock(&mu_);
  slots_.resize(size_t{1} << slot_bits);
}

uint32_t CookieTable::ToWire(uint64_t cookie) {
  if (cookie < kTokenBit) return static_cast<uint32_t>(cookie);
  absl::MutexLock lock(&mu_);
  if (auto held = tokens_.find(cookie); held != tokens_.end()) return held->second;
  Slot& slot = slots_[next_slot_];
  if (slot.used) tokens_.erase(slot.cookie);
  slot = {cookie, generation_, true};
  const uint32_t token =
      kTokenBit | (generation_ << slot_bits_) | static_cast<uint32_t>(next_slot_);
  tokens_[cookie] = token;
  if (++next_slot_ == slots_.size()) {
    next_slot_ = 0;
    generation_ = (generation_ + 1) & generation_mask_;
  }
  return token;
}

std::optional<uint64_t> CookieTable::FromWire(uint32_t cookie) const {
  if ((cookie & kTokenBit) == 0) return cookie;
  const size_t index = cookie & ((uint32_t{1} << slot_bits_) - 1);
  const uint32_t generation = (cookie & ~kTokenBit) >> slot_bits_;
  absl::MutexLock lock(&mu_);
  const Slot& slot = slots_[index];
  if (!slot.used || slot.generation != generation) return std::nullopt;
  return slot.cookie;
}

}  // namespace nfsuite::nfs::v2
