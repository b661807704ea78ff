#ifndef NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_CONTROL_H_
#define NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_CONTROL_H_

#include "proto/control.grpc.pb.h"
#include "service/mount/exports_administration.h"
#include "service/mount/live_exports.h"
#include "service/mount/mount_list.h"

namespace nfsuite::mount {

// The export table as mountd's control service gives it: each export as its exports(5) line,
// which the reader parses with the same parser as the file.
control::v1::ExportTable ExportTableMessage(const LiveExports::Snapshot& snapshot,
                                            const std::string& instance);

// ExportTableControl (proto/control.proto): how nfsd follows mountd's exports, and nfsctl shows
// and edits them and the mount list.
class ExportTableControlService final : public control::v1::ExportTableControl::Service {
 public:
  ExportTableControlService(const LiveExports& exports, ExportsAdministration& administration,
                            const MountList& mounts)
      : exports_(exports), administration_(administration), mounts_(mounts) {}

  grpc::Status GetExports(grpc::ServerContext* context,
                          const control::v1::GetExportsRequest* request,
                          control::v1::ExportTable* response) override;
  grpc::Status WatchExports(grpc::ServerContext* context,
                            const control::v1::WatchExportsRequest* request,
                            grpc::ServerWriter<control::v1::ExportTable>* writer) override;
  grpc::Status AddExport(grpc::ServerContext* context, const control::v1::AddExportRequest* request,
                         control::v1::ExportChange* response) override;
  grpc::Status RemoveExport(grpc::ServerContext* context,
                            const control::v1::RemoveExportRequest* request,
                            control::v1::ExportChange* response) override;
  grpc::Status GetMounts(grpc::ServerContext* context, const control::v1::GetMountsRequest* request,
                         control::v1::MountList* response) override;

 private:
  grpc::Status Changed(const absl::StatusOr<std::string>& line,
                       control::v1::ExportChange* response) const;

  const LiveExports& exports_;
  ExportsAdministration& administration_;
  const MountList& mounts_;
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_CONTROL_H_
