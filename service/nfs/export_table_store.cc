#include "service/nfs/export_table_store.h"

#include "absl/strings/str_cat.h"
#include "common/util/atomic_file.h"

namespace nfsuite::nfs {

ExportTableStore ExportTableStore::InStateDirectory(const std::string& state_dir) {
  return ExportTableStore(absl::StrCat(state_dir, "/", kFileName));
}

absl::Status ExportTableStore::Save(const control::v1::ExportTable& table) const {
  std::string bytes;
  if (!table.SerializeToString(&bytes)) {
    return absl::InternalError("the export table cannot be serialized");
  }
  return WriteFileAtomically(path_, bytes, 0600);
}

absl::StatusOr<std::optional<control::v1::ExportTable>> ExportTableStore::Load() const {
  absl::StatusOr<std::string> bytes = ReadWholeFile(path_);
  if (absl::IsNotFound(bytes.status())) return std::nullopt;
  if (!bytes.ok()) return bytes.status();
  control::v1::ExportTable table;
  if (!table.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat(path_, " is not an export table"));
  }
  return table;
}

}  // namespace nfsuite::nfs
