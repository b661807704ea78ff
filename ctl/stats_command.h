#ifndef NFSUITE_CTL_STATS_COMMAND_H_
#define NFSUITE_CTL_STATS_COMMAND_H_

#include <string>
#include <vector>

#include "ctl/command.h"
#include "proto/statistics.pb.h"

namespace nfsuite::ctl {

// Reads each daemon's statistics with `request`; a daemon that cannot be reached is reported
// in its entry (running false, error saying which socket and what to do), not raised.
control::v1::StatisticsReport CollectStatistics(const std::string& run_dir,
                                                const std::vector<std::string>& daemons,
                                                const control::v1::StatisticsRequest& request);

// `nfsctl stats [DAEMON...] [--per-client] [--reset]`: calls, errors and latency per procedure,
// bytes read and written, per client with --per-client, and mountd's mounts per export; with
// --reset the figures printed are zeroed in the same step. Exit status 0 only when every daemon
// asked about answered, kExitNotRunning when one is not running.
Command AddStatsCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_STATS_COMMAND_H_
