#include "service/mount/export_table_control.h"

#include "common/exports/exports_format.h"

namespace nfsuite::mount {
namespace {

// How often a watch looks whether its caller went away or mountd is stopping.
constexpr absl::Duration kWatchPoll = absl::Milliseconds(200);

}  // namespace

control::v1::ExportTable ExportTableMessage(const LiveExports::Snapshot& snapshot,
                                            const std::string& instance) {
  control::v1::ExportTable message;
  message.set_generation(snapshot.generation);
  message.set_mountd_instance(instance);
  for (const Export& exported : snapshot.table->exports()) {
    control::v1::ExportedDirectory* directory = message.add_exports();
    directory->set_line(exports::FormatExportEntry(exported.entry));
    directory->set_export_id(exported.id);
  }
  return message;
}

grpc::Status ExportTableControlService::GetExports(grpc::ServerContext*,
                                                   const control::v1::GetExportsRequest*,
                                                   control::v1::ExportTable* response) {
  *response = ExportTableMessage(exports_.Current(), exports_.instance());
  return grpc::Status::OK;
}

grpc::Status ExportTableControlService::WatchExports(
    grpc::ServerContext* context, const control::v1::WatchExportsRequest*,
    grpc::ServerWriter<control::v1::ExportTable>* writer) {
  LiveExports::Snapshot snapshot = exports_.Current();
  if (!writer->Write(ExportTableMessage(snapshot, exports_.instance()))) return grpc::Status::OK;
  uint64_t sent = snapshot.generation;
  while (!context->IsCancelled() && !exports_.closed()) {
    snapshot = exports_.WaitForChange(sent, kWatchPoll);
    if (snapshot.generation == sent) continue;
    if (!writer->Write(ExportTableMessage(snapshot, exports_.instance()))) break;
    sent = snapshot.generation;
  }
  return grpc::Status::OK;
}

}  // namespace nfsuite::mount
