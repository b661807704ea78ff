#ifndef NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_CONTROL_H_
#define NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_CONTROL_H_

#include "proto/control.grpc.pb.h"
#include "service/mount/live_exports.h"

namespace nfsuite::mount {

// The export table as mountd's control service gives it: each export as its exports(5) line,
// which the reader parses with the same parser as the file.
control::v1::ExportTable ExportTableMessage(const LiveExports::Snapshot& snapshot,
                                            const std::string& instance);

// ExportTableControl (proto/control.proto): how nfsd follows mountd's exports, and nfsctl shows
// them.
class ExportTableControlService final : public control::v1::ExportTableControl::Service {
 public:
  explicit ExportTableControlService(const LiveExports& exports) : exports_(exports) {}

  grpc::Status GetExports(grpc::ServerContext* context,
                          const control::v1::GetExportsRequest* request,
                          control::v1::ExportTable* response) override;
  grpc::Status WatchExports(grpc::ServerContext* context,
                            const control::v1::WatchExportsRequest* request,
                            grpc::ServerWriter<control::v1::ExportTable>* writer) override;

 private:
  const LiveExports& exports_;
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_EXPORT_TABLE_CONTROL_H_
