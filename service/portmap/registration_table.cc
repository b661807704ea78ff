#include "service/portmap/registration_table.h"

#include <algorithm>

namespace nfsuite::portmap {

bool RegistrationTable::Set(const Registration& registration) {
  {
    absl::MutexLock lock(&mu_);
    for (const Registration& entry : entries_) {
      if (entry.program == registration.program && entry.version == registration.version &&
          entry.netid == registration.netid) {
        return false;
      }
    }
    entries_.push_back(registration);
  }
  NotifyChange();
  return true;
}

bool RegistrationTable::Unset(uint32_t program, uint32_t version, absl::string_view netid) {
  size_t removed;
  {
    absl::MutexLock lock(&mu_);
    const size_t before = entries_.size();
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const Registration& entry) {
                                    return !entry.permanent && entry.program == program &&
                                           entry.version == version &&
                                           (netid.empty() || entry.netid == netid);
                                  }),
                   entries_.end());
    removed = before - entries_.size();
  }
  if (removed > 0) NotifyChange();
  return removed > 0;
}

std::optional<Registration> RegistrationTable::Find(uint32_t program, uint32_t version,
                                                    absl::string_view netid,
                                                    bool any_version) const {
  absl::MutexLock lock(&mu_);
  const Registration* other_version = nullptr;
  for (const Registration& entry : entries_) {
    if (entry.program != program || entry.netid != netid) continue;
    if (entry.version == version) return entry;
    if (other_version == nullptr) other_version = &entry;
  }
  if (any_version && other_version != nullptr) return *other_version;
  return std::nullopt;
}

std::vector<Registration> RegistrationTable::FindVersion(uint32_t program, uint32_t version) const {
  absl::MutexLock lock(&mu_);
  std::vector<Registration> result;
  for (const Registration& entry : entries_) {
    if (entry.program == program && entry.version == version) result.push_back(entry);
  }
  return result;
}

std::vector<Registration> RegistrationTable::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return entries_;
}

size_t RegistrationTable::Prune(const std::function<bool(const Registration&)>& is_alive) {
  std::vector<Registration> candidates = Snapshot();
  std::vector<Registration> dead;
  for (const Registration& entry : candidates) {
    if (!entry.permanent && !is_alive(entry)) dead.push_back(entry);
  }
  if (dead.empty()) return 0;
  {
    absl::MutexLock lock(&mu_);
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const Registration& entry) {
                                    return std::find(dead.begin(), dead.end(), entry) != dead.end();
                                  }),
                   entries_.end());
  }
  NotifyChange();
  return dead.size();
}

void RegistrationTable::NotifyChange() {
  if (!on_change_) return;
  absl::MutexLock lock(&notify_mu_);
  on_change_(Snapshot());
}

std::optional<uint32_t> PmapProtocolOf(absl::string_view netid) {
  if (netid == "tcp") return rpc::portmap::kIpProtoTcp;
  if (netid == "udp") return rpc::portmap::kIpProtoUdp;
  return std::nullopt;
}

std::optional<std::string> NetIdOfPmapProtocol(uint32_t protocol) {
  if (protocol == rpc::portmap::kIpProtoTcp) return std::string("tcp");
  if (protocol == rpc::portmap::kIpProtoUdp) return std::string("udp");
  return std::nullopt;
}

}  // namespace nfsuite::portmap
