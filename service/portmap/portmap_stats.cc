#include "service/portmap/portmap_stats.h"

namespace nfsuite::portmap {
namespace {

// Index into rpcb_stat_byvers: RPCBVERS_2_STAT = 0, 3 = 1, 4 = 2.
size_t IndexOf(uint32_t version) { return version >= 2 && version <= 4 ? version - 2 : 0; }

}  // namespace

void PortmapStats::CountCall(uint32_t version, uint32_t procedure) {
  absl::MutexLock lock(&mu_);
  if (procedure < rpc::portmap::rpcb_proc::kCount) {
    ++stats_[IndexOf(version)].procedure_calls[procedure];
  }
}

void PortmapStats::CountSet(uint32_t version) {
  absl::MutexLock lock(&mu_);
  ++stats_[IndexOf(version)].set_count;
}

void PortmapStats::CountUnset(uint32_t version) {
  absl::MutexLock lock(&mu_);
  ++stats_[IndexOf(version)].unset_count;
}

void PortmapStats::CountLookup(uint32_t version, uint32_t program, uint32_t program_version,
                               const std::string& netid, bool found) {
  absl::MutexLock lock(&mu_);
  auto& lookups = stats_[IndexOf(version)].lookups;
  for (rpc::portmap::AddressLookupStat& entry : lookups) {
    if (entry.program == program && entry.version == program_version && entry.netid == netid) {
      ++(found ? entry.success : entry.failure);
      return;
    }
  }
  if (lookups.size() >= kMaxLookupEntries) return;
  lookups.push_back({program, program_version, found ? 1 : 0, found ? 0 : 1, netid});
}

rpc::portmap::RpcbStatByVersion PortmapStats::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace nfsuite::portmap
