#ifndef NFSUITE_COMMON_CONTROL_STATISTICS_CONTROL_H_
#define NFSUITE_COMMON_CONTROL_STATISTICS_CONTROL_H_

#include <functional>
#include <string>

#include "common/stats/call_statistics.h"
#include "grpcpp/grpcpp.h"
#include "proto/statistics.grpc.pb.h"

namespace nfsuite::control {

// The StatisticsControl gRPC service of one daemon: its call statistics, and whatever else the
// daemon adds (mountd: mounts per export).
class StatisticsControlService final : public v1::StatisticsControl::Service {
 public:
  // Adds daemon-specific figures to a reading; called on the gRPC thread.
  using Describer = std::function<void(v1::DaemonStatistics&)>;

  // `statistics` must outlive the service.
  StatisticsControlService(std::string daemon, stats::CallStatistics& statistics,
                           Describer describe_more = {})
      : daemon_(std::move(daemon)),
        statistics_(statistics),
        describe_more_(std::move(describe_more)) {}

  grpc::Status GetStatistics(grpc::ServerContext* context, const v1::StatisticsRequest* request,
                             v1::DaemonStatistics* response) override;

 private:
  const std::string daemon_;
  stats::CallStatistics& statistics_;
  const Describer describe_more_;
};

}  // namespace nfsuite::control

#endif  // NFSUITE_COMMON_CONTROL_STATISTICS_CONTROL_H_
