#include "service/nfs/export_table_updater.h"

#include <utility>

#include "common/util/logging.h"

namespace nfsuite::nfs {
namespace {

// Same exports, in the same order, with the same ids; generation and instance aside.
bool SameExports(const control::v1::ExportTable& a, const control::v1::ExportTable& b) {
  if (a.exports_size() != b.exports_size()) return false;
  for (int i = 0; i < a.exports_size(); ++i) {
    if (a.exports(i).export_id() != b.exports(i).export_id() ||
        a.exports(i).line() != b.exports(i).line()) {
      return false;
    }
  }
  return true;
}

}  // namespace

ExportTableUpdater::ExportTableUpdater(CurrentExports& current, BackendOpener open,
                                       std::optional<ExportTableStore> store,
                                       SnapshotBuildOptions options)
    : current_(current),
      open_(std::move(open)),
      store_(std::move(store)),
      options_(std::move(options)) {}

absl::StatusOr<bool> ExportTableUpdater::ServeKeptTable() {
  if (!store_.has_value()) return false;
  absl::StatusOr<std::optional<control::v1::ExportTable>> kept = store_->Load();
  if (!kept.ok()) return kept.status();
  if (!kept->has_value()) return false;
  absl::MutexLock lock(&mutex_);
  kept_ = **kept;
  followed_.set_mountd_instance((*kept)->mountd_instance());
  followed_.set_generation((*kept)->generation());
  followed_.set_exports(static_cast<uint32_t>((*kept)->exports_size()));
  Publish(**kept);
  return true;
}

void ExportTableUpdater::Apply(const control::v1::ExportTable& table) {
  absl::MutexLock lock(&mutex_);
  followed_.set_mountd_instance(table.mountd_instance());
  followed_.set_generation(table.generation());
  followed_.set_exports(static_cast<uint32_t>(table.exports_size()));
  if (served_.has_value() && served_whole_ && SameExports(*served_, table)) {
    Logf(LogLevel::kDebug, "mountd's table generation %d: the exports served already",
         table.generation());
  } else {
    Publish(table);
  }
  if (!store_.has_value() || (kept_.has_value() && SameExports(*kept_, table))) return;
  if (absl::Status saved = store_->Save(table); !saved.ok()) {
    Logf(LogLevel::kWarning, "the export table is not kept for the next start: %s",
         saved.message());
    return;
  }
  kept_ = table;
}

void ExportTableUpdater::Publish(const control::v1::ExportTable& table) {
  const std::shared_ptr<const ExportSnapshot> previous = current_.Get();
  BuiltSnapshot built = BuildExportSnapshot(table, previous.get(), open_, options_);
  // What changed, export by export, for the administrator watching the log.
  for (const ServedExport& exported : built.snapshot->exports()) {
    const ServedExport* before = previous->FindByPath(exported.entry.path);
    if (before == nullptr) {
      Logf(LogLevel::kInfo, "serving %s (id %08x)%s", exported.entry.path, exported.id,
           exported.entry.is_public ? ", the public export" : "");
    } else if (!(before->entry == exported.entry) || before->id != exported.id) {
      Logf(LogLevel::kInfo, "serving %s (id %08x) with new options", exported.entry.path,
           exported.id);
    }
  }
  for (const ServedExport& exported : previous->exports()) {
    if (built.snapshot->FindByPath(exported.entry.path) == nullptr) {
      Logf(LogLevel::kInfo, "no longer serving %s", exported.entry.path);
    }
  }
  current_.Publish(std::move(built.snapshot));
  served_ = table;
  served_whole_ = built.problems.empty();
  ++snapshots_built_;
}

size_t ExportTableUpdater::snapshots_built() const {
  absl::MutexLock lock(&mutex_);
  return snapshots_built_;
}

control::v1::FollowedExportTable ExportTableUpdater::followed() const {
  absl::MutexLock lock(&mutex_);
  return followed_;
}

}  // namespace nfsuite::nfs
