#include "ctl/stats_command.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ctl/control_client.h"
#include "ctl/stats_table.h"
#include "proto/statistics.grpc.pb.h"

namespace nfsuite::ctl {
namespace {

struct StatsArguments {
  std::vector<std::string> daemons;
  bool per_client = false;
  bool reset = false;
};

control::v1::DaemonStatisticsReport ReadDaemon(const std::string& run_dir,
                                               const std::string& daemon,
                                               const control::v1::StatisticsRequest& request) {
  const ControlClient client(run_dir, daemon);
  control::v1::DaemonStatisticsReport report;
  report.set_daemon(daemon);
  report.set_socket(client.socket_path());
  absl::Status called = client.Call([&](grpc::ClientContext& context, const auto& channel) {
    return control::v1::StatisticsControl::NewStub(channel)->GetStatistics(
        &context, request, report.mutable_statistics());
  });
  report.set_running(called.ok() || !absl::IsUnavailable(called));
  if (!called.ok()) {
    report.clear_statistics();
    report.set_error(std::string(called.message()));
  }
  return report;
}

int RunStats(const GlobalOptions& options, const StatsArguments& arguments) {
  control::v1::StatisticsRequest request;
  request.set_reset(arguments.reset);
  request.set_per_client(arguments.per_client);
  const std::vector<std::string> daemons =
      arguments.daemons.empty() ? std::vector<std::string>(std::begin(kDaemons), std::end(kDaemons))
                                : arguments.daemons;
  const control::v1::StatisticsReport report = CollectStatistics(options.run_dir, daemons, request);

  int exit_status = kExitSuccess;
  for (const control::v1::DaemonStatisticsReport& daemon : report.daemons()) {
    if (daemon.error().empty()) continue;
    std::fprintf(stderr, "nfsctl: %s\n", daemon.error().c_str());
    if (!daemon.running()) {
      exit_status = kExitNotRunning;
    } else if (exit_status == kExitSuccess) {
      exit_status = kExitFailure;
    }
  }
  if (options.json) {
    std::printf("%s\n", ToJson(report).c_str());
  } else {
    std::printf("%s", FormatStatisticsTable(report).c_str());
  }
  return exit_status;
}

}  // namespace

control::v1::StatisticsReport CollectStatistics(const std::string& run_dir,
                                                const std::vector<std::string>& daemons,
                                                const control::v1::StatisticsRequest& request) {
  control::v1::StatisticsReport report;
  for (const std::string& daemon : daemons) {
    *report.add_daemons() = ReadDaemon(run_dir, daemon, request);
  }
  return report;
}

Command AddStatsCommand(CLI::App& app, const GlobalOptions& options) {
  auto arguments = std::make_shared<StatsArguments>();
  CLI::App* command = app.add_subcommand(
      "stats",
      "show each daemon's calls, errors and latency per procedure, bytes read and written, "
      "and mountd's mounts per export; exit status 3 when a daemon is not running");
  command->add_option("daemon", arguments->daemons, "daemons to ask (default: all)")
      ->check(KnownDaemon());
  command->add_flag("--per-client", arguments->per_client,
                    "also show the figures per client address (the most recently seen)");
  command->add_flag("--reset", arguments->reset,
                    "zero the counters in the same step as reading the figures printed");
  return {command, [&options, arguments] { return RunStats(options, *arguments); }};
}

}  // namespace nfsuite::ctl
