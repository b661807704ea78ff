#ifndef NFSUITE_CTL_STATS_TABLE_H_
#define NFSUITE_CTL_STATS_TABLE_H_

#include <string>

#include "proto/statistics.pb.h"

namespace nfsuite::ctl {

// `nfsctl stats` for people: per daemon a summary line, a table of the procedures called
// (calls, errors, RPC-level failures, mean/p50/p99 latency, bytes), the RPC-level answers that
// reached no procedure, the clients when asked for, and mountd's mounts per export.
std::string FormatStatisticsTable(const control::v1::StatisticsReport& report);

// 1536 → "1.5 KiB": sizes people read at a glance.
std::string HumanBytes(uint64_t bytes);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_STATS_TABLE_H_
