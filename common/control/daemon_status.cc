#include "common/control/daemon_status.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/util/logging.h"

namespace nfsuite::control {

DaemonControlService::DaemonControlService(std::string daemon, std::string state_dir,
                                           Describe describe, Reloader reload)
    : daemon_(std::move(daemon)),
      state_dir_(std::move(state_dir)),
      describe_(std::move(describe)),
      reload_(std::move(reload)) {}

grpc::Status DaemonControlService::GetStatus(grpc::ServerContext*, const v1::StatusRequest*,
                                             v1::DaemonStatus* response) {
  response->set_daemon(daemon_);
  response->set_version(NFSUITE_VERSION);
  response->set_pid(getpid());
  response->set_uptime_seconds(absl::ToInt64Seconds(absl::Now() - started_));
  response->set_state_dir(state_dir_);
  response->set_log_level(std::string(LogLevelName(GetLogLevel())));
  if (describe_) describe_(*response);
  return grpc::Status::OK;
}

grpc::Status DaemonControlService::SetLogLevel(grpc::ServerContext*,
                                               const v1::SetLogLevelRequest* request,
                                               v1::SetLogLevelResponse* response) {
  LogLevel level;
  if (!ParseLogLevel(request->level(), &level)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("unknown log level '", request->level(),
                                     "'; use debug, info, warning or error"));
  }
  response->set_previous_level(std::string(LogLevelName(::nfsuite::GetLogLevel())));
  ::nfsuite::SetLogLevel(level);
  Logf(LogLevel::kInfo, "log level set to %s", LogLevelName(level));
  return grpc::Status::OK;
}

grpc::Status DaemonControlService::Reload(grpc::ServerContext*, const v1::ReloadRequest*,
                                          v1::ReloadResponse* response) {
  absl::StatusOr<std::string> summary = RunReload(daemon_, reload_);
  if (!summary.ok()) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        std::string(summary.status().message()));
  }
  response->set_summary(*std::move(summary));
  return grpc::Status::OK;
}

absl::StatusOr<std::string> RunReload(const std::string& daemon,
                                      const DaemonControlService::Reloader& reload) {
  if (!reload) return absl::StrCat(daemon, " has no configuration to reload");
  absl::StatusOr<std::string> summary = reload();
  if (summary.ok()) {
    Logf(LogLevel::kInfo, "%s", *summary);
  } else {
    Logf(LogLevel::kError, "reload refused, the configuration in force stays: %s",
         summary.status().message());
  }
  return summary;
}

}  // namespace nfsuite::control
