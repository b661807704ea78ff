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

grpc::Status ExportTableControlService::Changed(const absl::StatusOr<std::string>& line,
                                                control::v1::ExportChange* response) const {
  if (!line.ok()) {
    // absl and gRPC share the canonical status codes.
    return grpc::Status(static_cast<grpc::StatusCode>(line.status().code()),
                        std::string(line.status().message()));
  }
  response->set_exports_file(administration_.exports_file());
  response->set_line(*line);
  *response->mutable_table() = ExportTableMessage(exports_.Current(), exports_.instance());
  return grpc::Status::OK;
}

grpc::Status ExportTableControlService::AddExport(grpc::ServerContext*,
                                                  const control::v1::AddExportRequest* request,
                                                  control::v1::ExportChange* response) {
  const std::vector<std::string> arguments(request->arguments().begin(),
                                           request->arguments().end());
  return Changed(administration_.Add(arguments), response);
}

grpc::Status ExportTableControlService::RemoveExport(
    grpc::ServerContext*, const control::v1::RemoveExportRequest* request,
    control::v1::ExportChange* response) {
  return Changed(administration_.Remove(request->path(), request->client()), response);
}

grpc::Status ExportTableControlService::GetMounts(grpc::ServerContext*,
                                                  const control::v1::GetMountsRequest*,
                                                  control::v1::MountList* response) {
  for (const MountEntry& entry : mounts_.Snapshot()) {
    control::v1::MountEntry* out = response->add_mounts();
    out->set_client(entry.hostname);
    out->set_directory(entry.directory);
  }
  return grpc::Status::OK;
}

}  // namespace nfsuite::mount
