#include "service/mount/mount_statistics.h"

#include "absl/container/flat_hash_map.h"

namespace nfsuite::mount {

void DescribeMounts(const ExportTable& table, const std::vector<MountEntry>& mounts,
                    control::v1::DaemonStatistics& out) {
  absl::flat_hash_map<const Export*, control::v1::ExportMounts*> described;
  for (const Export& exported : table.exports()) {
    control::v1::ExportMounts* entry = out.add_exports();
    entry->set_path(exported.path());
    described[&exported] = entry;
  }
  for (const MountEntry& mount : mounts) {
    // The export a mount belongs to as MNT chose it: the innermost one holding the path.
    const std::optional<ExportPath> found = table.FindContaining(mount.directory);
    if (!found.has_value()) continue;
    auto entry = described.find(found->exported);
    if (entry == described.end()) continue;
    entry->second->set_mounts(entry->second->mounts() + 1);
    entry->second->add_clients(mount.hostname);
  }
}

}  // namespace nfsuite::mount
