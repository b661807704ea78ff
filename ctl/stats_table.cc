#include "ctl/stats_table.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace nfsuite::ctl {
namespace {

using control::v1::ClientStatistics;
using control::v1::DaemonStatistics;
using control::v1::ProcedureStatistics;

// Only nfsd moves file data: other daemons' tables leave the byte columns out.
bool ShowsBytes(const DaemonStatistics& statistics) {
  return statistics.daemon() == "nfsd" || statistics.bytes_read() != 0 ||
         statistics.bytes_written() != 0;
}

uint64_t RpcFailures(const ProcedureStatistics& p) {
  return p.garbage_args() + p.auth_errors() + p.system_errors();
}

std::string Micros(double micros) { return absl::StrFormat("%.1f", micros); }

void AppendProcedures(const DaemonStatistics& statistics, std::string& out) {
  if (statistics.procedures().empty()) {
    absl::StrAppend(&out, "  no calls\n");
    return;
  }
  const bool bytes = ShowsBytes(statistics);
  absl::StrAppendFormat(&out, "  %-10s %-4s %-12s %10s %8s %8s %9s %9s %9s", "program", "vers",
                        "procedure", "calls", "errors", "rpc-fail", "mean µs", "p50 µs", "p99 µs");
  absl::StrAppend(&out, bytes ? absl::StrFormat(" %10s %10s\n", "read", "written") : "\n");
  for (const ProcedureStatistics& p : statistics.procedures()) {
    absl::StrAppendFormat(&out, "  %-10s %-4d %-12s %10d %8d %8d %9s %9s %9s", p.program_name(),
                          p.version(), p.procedure_name(), p.calls(), p.errors(), RpcFailures(p),
                          Micros(p.latency().mean_us()), Micros(p.latency().p50_us()),
                          Micros(p.latency().p99_us()));
    absl::StrAppend(&out, bytes ? absl::StrFormat(" %10s %10s\n", HumanBytes(p.bytes_read()),
                                                  HumanBytes(p.bytes_written()))
                                : "\n");
  }
}

void AppendRpc(const DaemonStatistics& statistics, std::string& out) {
  const control::v1::RpcStatistics& rpc = statistics.rpc();
  std::vector<std::string> parts;
  auto add = [&parts](uint64_t count, const char* what) {
    if (count != 0) parts.push_back(absl::StrCat(count, " ", what));
  };
  add(rpc.prog_unavail(), "PROG_UNAVAIL");
  add(rpc.prog_mismatch(), "PROG_MISMATCH");
  add(rpc.proc_unavail(), "PROC_UNAVAIL");
  add(rpc.rpc_mismatch(), "RPC_MISMATCH");
  add(rpc.unreadable(), "unreadable");
  add(rpc.replayed(), "replayed from the reply cache");
  add(rpc.dropped_duplicates(), "duplicates dropped");
  if (!parts.empty()) absl::StrAppend(&out, "  other calls: ", absl::StrJoin(parts, ", "), "\n");
}

void AppendClients(const DaemonStatistics& statistics, std::string& out) {
  absl::StrAppendFormat(&out, "  clients (most recent first, at most %d kept; %d forgotten):\n",
                        statistics.max_clients(), statistics.clients_forgotten());
  if (statistics.clients().empty()) {
    absl::StrAppend(&out, "    none\n");
    return;
  }
  absl::StrAppendFormat(&out, "    %-39s %10s %8s %8s %9s %10s %10s %10s\n", "address", "calls",
                        "errors", "rpc-fail", "mean µs", "read", "written", "last call");
  for (const ClientStatistics& c : statistics.clients()) {
    absl::StrAppendFormat(&out, "    %-39s %10d %8d %8d %9s %10s %10s %8.1fs\n", c.address(),
                          c.calls(), c.errors(),
                          c.garbage_args() + c.auth_errors() + c.system_errors() + c.unrouted(),
                          Micros(c.latency().mean_us()), HumanBytes(c.bytes_read()),
                          HumanBytes(c.bytes_written()), c.seconds_since_last_call());
    std::vector<std::string> procedures;
    for (const ProcedureStatistics& p : c.procedures()) {
      procedures.push_back(absl::StrCat(p.procedure_name(), "(v", p.version(), ") ", p.calls()));
    }
    if (!procedures.empty()) {
      absl::StrAppend(&out, "      ", absl::StrJoin(procedures, ", "), "\n");
    }
  }
}

void AppendExports(const DaemonStatistics& statistics, std::string& out) {
  if (statistics.exports().empty()) return;
  absl::StrAppend(&out, "  mounts per export:\n");
  for (const control::v1::ExportMounts& exported : statistics.exports()) {
    absl::StrAppendFormat(&out, "    %-40s %4d", exported.path(), exported.mounts());
    if (!exported.clients().empty()) {
      absl::StrAppend(&out, "  ", absl::StrJoin(exported.clients(), ", "));
    }
    absl::StrAppend(&out, "\n");
  }
}

void AppendDaemon(const DaemonStatistics& statistics, std::string& out) {
  absl::StrAppendFormat(
      &out, "%s: %d calls, %d errors, %d RPC failures in %.1f s", statistics.daemon(),
      statistics.calls(), statistics.errors(),
      statistics.garbage_args() + statistics.auth_errors() + statistics.system_errors(),
      statistics.seconds_counted());
  if (ShowsBytes(statistics)) {
    absl::StrAppend(&out, "; read ", HumanBytes(statistics.bytes_read()), ", written ",
                    HumanBytes(statistics.bytes_written()));
  }
  absl::StrAppend(&out, statistics.was_reset() ? " (now reset to zero)\n" : "\n");
  AppendProcedures(statistics, out);
  AppendRpc(statistics, out);
  if (statistics.clients_size() > 0 || statistics.clients_forgotten() > 0) {
    AppendClients(statistics, out);
  }
  AppendExports(statistics, out);
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

std::string FormatStatisticsTable(const control::v1::StatisticsReport& report) {
  std::string out;
  for (const control::v1::DaemonStatisticsReport& daemon : report.daemons()) {
    // Errors go to stderr: a daemon that did not answer has no table.
    if (!daemon.error().empty()) continue;
    if (!out.empty()) absl::StrAppend(&out, "\n");
    AppendDaemon(daemon.statistics(), out);
  }
  return out;
}

}  // namespace nfsuite::ctl
