#include "service/nfs/export_snapshot.h"

#include <utility>

namespace nfsuite::nfs {

ExportSnapshot::ExportSnapshot(std::vector<ServedExport> exports, uint64_t generation,
                               ClientRuleCache::Options rule_cache)
    : exports_(std::move(exports)), generation_(generation), rules_(std::move(rule_cache)) {
  for (const ServedExport& exported : exports_) {
    by_id_.emplace(exported.id, &exported);
    by_path_.emplace(exported.entry.path, &exported);
    if (exported.entry.is_public && public_ == nullptr) public_ = &exported;
  }
}

const ServedExport* ExportSnapshot::FindById(uint32_t id) const {
  auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : found->second;
}

const ServedExport* ExportSnapshot::FindByPath(absl::string_view path) const {
  auto found = by_path_.find(path);
  return found == by_path_.end() ? nullptr : found->second;
}

const exports::ClientRule* ExportSnapshot::RuleFor(const ServedExport& exported,
                                                   const exports::IpAddress& address) const {
  return rules_.RuleFor(exported.id, exported.entry, address);
}

CurrentExports::CurrentExports()
    : snapshot_(std::make_shared<const ExportSnapshot>(std::vector<ServedExport>{})) {}

std::shared_ptr<const ExportSnapshot> CurrentExports::Get() const {
  absl::ReaderMutexLock lock(&mutex_);
  return snapshot_;
}

void CurrentExports::Publish(std::shared_ptr<const ExportSnapshot> snapshot) {
  {
    absl::MutexLock lock(&mutex_);
    snapshot_.swap(snapshot);
  }
  // `snapshot` now holds the previous table: when no request uses it any more, it goes here,
  // outside the lock, and with it the backends of exports no longer served.
}

}  // namespace nfsuite::nfs
