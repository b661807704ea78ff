#ifndef NFSUITE_SERVICE_NFS_EXPORT_TABLE_STORE_H_
#define NFSUITE_SERVICE_NFS_EXPORT_TABLE_STORE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/control.pb.h"

namespace nfsuite::nfs {

// nfsd's copy of the last export table mountd sent, kept in the state directory so that nfsd,
// restarted while mountd is down, serves what it served before instead of nothing. It is mountd's
// message as it arrived (serialized protobuf): a cache of mountd's table, not a second exports
// file to edit.
class ExportTableStore {
 public:
  static constexpr const char* kFileName = "nfsd.exports-table";

  explicit ExportTableStore(std::string path) : path_(std::move(path)) {}
  static ExportTableStore InStateDirectory(const std::string& state_dir);

  // Replaces the kept table atomically (temporary file, fsync, rename): a crash leaves the old
  // table or the new one.
  absl::Status Save(const control::v1::ExportTable& table) const;
  // The kept table; nullopt when none was kept; kDataLoss when the file is damaged.
  absl::StatusOr<std::optional<control::v1::ExportTable>> Load() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_EXPORT_TABLE_STORE_H_
