#include "common/control/statistics_control.h"

#include "common/control/statistics_report.h"

namespace nfsuite::control {

grpc::Status StatisticsControlService::GetStatistics(grpc::ServerContext*,
                                                     const v1::StatisticsRequest* request,
                                                     v1::DaemonStatistics* response) {
  const stats::StatisticsSnapshot snapshot =
      statistics_.Read(request->reset(), request->per_client());
  response->set_daemon(daemon_);
  response->set_was_reset(request->reset());
  DescribeCallStatistics(statistics_, snapshot, *response);
  if (describe_more_) describe_more_(*response);
  return grpc::Status::OK;
}

}  // namespace nfsuite::control
