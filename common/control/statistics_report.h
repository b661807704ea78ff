#ifndef NFSUITE_COMMON_CONTROL_STATISTICS_REPORT_H_
#define NFSUITE_COMMON_CONTROL_STATISTICS_REPORT_H_

#include "common/stats/call_statistics.h"
#include "proto/statistics.pb.h"

// Call statistics as the StatisticsControl service sends them.
namespace nfsuite::control {

// Fills `out` (all but `daemon`, `was_reset` and daemon-specific parts) from `snapshot`, a
// reading of `statistics`. Procedures without calls are left out.
void DescribeCallStatistics(const stats::CallStatistics& statistics,
                            const stats::StatisticsSnapshot& snapshot, v1::DaemonStatistics& out);

void DescribeLatency(const stats::LatencyHistogram& histogram, v1::Latency& out);

}  // namespace nfsuite::control

#endif  // NFSUITE_COMMON_CONTROL_STATISTICS_REPORT_H_
