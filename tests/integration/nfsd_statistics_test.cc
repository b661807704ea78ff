// `nfsctl stats` against the real daemons: a test performs a known number of NFSv3 and MOUNT
// operations and the figures nfsctl prints (--json) are exactly those; --reset zeroes them,
// --per-client shows the client, and a daemon that is not running is reported.
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/statistics.pb.h"
#include "service/mount/mount_protocol.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs_status.h"
#include "tests/integration/nfs3_test_client.h"
#include "tests/integration/nfs_server_fixture.h"

namespace nfsuite::testing {
namespace {

using control::v1::DaemonStatistics;
using control::v1::ProcedureStatistics;
using nfs::Nfsstat3;

const ClientEnd kLocal{"127.0.0.1", false};

class NfsdStatisticsTest : public NfsServerTest {
 protected:
  void SetUp() override {
    NfsServerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(chmod(export_dir().c_str(), 0777), 0);
  }

  // `nfsctl --json stats ARGS...`, parsed; a failure when nfsctl does not exit with `exit_code`.
  control::v1::StatisticsReport Stats(const std::vector<std::string>& args, int exit_code = 0) {
    std::vector<std::string> argv = {NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "--json",
                                     "stats"};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult result = RunCommand(argv, absl::Seconds(20));
    EXPECT_EQ(result.exit_code, exit_code) << result.output;
    control::v1::StatisticsReport report;
    // stderr shares the output: the JSON document is what lies between the outer braces.
    const size_t begin = result.output.find('{');
    const size_t end = result.output.rfind('}');
    if (begin == std::string::npos || end == std::string::npos) {
      ADD_FAILURE() << "no JSON from nfsctl: " << result.output;
      return report;
    }
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        result.output.substr(begin, end - begin + 1), &report);
    EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\n" << result.output;
    return report;
  }

  DaemonStatistics StatsOf(const std::string& daemon, std::vector<std::string> flags = {}) {
    flags.insert(flags.begin(), daemon);
    const control::v1::StatisticsReport report = Stats(flags);
    if (report.daemons_size() != 1) {
      ADD_FAILURE() << "expected one daemon in the report";
      return {};
    }
    EXPECT_EQ(report.daemons(0).daemon(), daemon);
    EXPECT_TRUE(report.daemons(0).running()) << report.daemons(0).error();
    return report.daemons(0).statistics();
  }

  nfs::NfsFh3 MountRoot() {
    absl::StatusOr<mount::MountResult3> result = MountFrom(portmap_client_, kLocal, export_dir());
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_EQ(result->status, mount::MountStat3::kOk);
    nfs::NfsFh3 handle;
    handle.data.assign(result->handle.begin(), result->handle.end());
    return handle;
  }

  std::unique_ptr<Nfs3TestClient> Client() {
    absl::StatusOr<std::unique_ptr<Nfs3TestClient>> client =
        Nfs3TestClient::Connect(portmap_client_, kLocal);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }
};

// The NFSv3 procedure named `name` in `statistics`; a failure when it is not listed.
ProcedureStatistics Nfs3Procedure(const DaemonStatistics& statistics, const std::string& name) {
  for (const ProcedureStatistics& procedure : statistics.procedures()) {
    if (procedure.program() == nfs::kNfsProgram && procedure.version() == 3 &&
        procedure.procedure_name() == name) {
      return procedure;
    }
  }
  ADD_FAILURE() << "no NFSv3 " << name << " in the statistics";
  return {};
}

TEST_F(NfsdStatisticsTest, NfsctlReportsExactlyTheOperationsPerformed) {
  {
    std::ofstream file(export_dir() + "/file", std::ios::binary);
    file << std::string(1000, 'x');
  }
  ASSERT_EQ(chmod((export_dir() + "/file").c_str(), 0666), 0);  // writable by the test's caller
  const nfs::NfsFh3 root = MountRoot();
  ASSERT_FALSE(root.data.empty());
  std::unique_ptr<Nfs3TestClient> client = Client();
  ASSERT_NE(client, nullptr);
  const nfs::NfsFh3 file = client->HandleOf(root, "file");
  ASSERT_FALSE(file.data.empty());
  // Zero what setting up did, so the figures below are the test's operations alone.
  StatsOf("nfsd", {"--reset"});

  for (int i = 0; i < 7; ++i) ASSERT_EQ(client->Getattr(file).status, Nfsstat3::kOk);
  ASSERT_EQ(client->Write(file, 0, std::string(100, 'a')).status, Nfsstat3::kOk);
  ASSERT_EQ(client->Write(file, 100, std::string(200, 'b')).status, Nfsstat3::kOk);
  ASSERT_EQ(client->Write(file, 300, std::string(4096, 'c')).status, Nfsstat3::kOk);
  ASSERT_EQ(client->Lookup(root, "missing").status, Nfsstat3::kNoEnt);
  ASSERT_EQ(client->Lookup(root, "also-missing").status, Nfsstat3::kNoEnt);
  ASSERT_EQ(client->Read(file, 0, 50).status, Nfsstat3::kOk);

  const DaemonStatistics statistics = StatsOf("nfsd");
  EXPECT_EQ(statistics.procedures_size(), 4) << statistics.DebugString();
  const ProcedureStatistics getattr = Nfs3Procedure(statistics, "GETATTR");
  EXPECT_EQ(getattr.calls(), 7u);
  EXPECT_EQ(getattr.errors(), 0u);
  uint64_t bucketed = 0;
  for (const auto& bucket : getattr.latency().buckets()) bucketed += bucket.count();
  EXPECT_EQ(bucketed, 7u);
  EXPECT_GT(getattr.latency().mean_us(), 0.0);
  EXPECT_LE(getattr.latency().p50_us(), getattr.latency().p99_us());
  const ProcedureStatistics write = Nfs3Procedure(statistics, "WRITE");
  EXPECT_EQ(write.calls(), 3u);
  EXPECT_EQ(write.errors(), 0u);
  EXPECT_EQ(write.bytes_written(), 100u + 200u + 4096u);
  const ProcedureStatistics lookup = Nfs3Procedure(statistics, "LOOKUP");
  EXPECT_EQ(lookup.calls(), 2u);
  EXPECT_EQ(lookup.errors(), 2u);
  const ProcedureStatistics read = Nfs3Procedure(statistics, "READ");
  EXPECT_EQ(read.calls(), 1u);
  EXPECT_EQ(read.bytes_read(), 50u);
  EXPECT_EQ(statistics.calls(), 13u);
  EXPECT_EQ(statistics.errors(), 2u);
  EXPECT_EQ(statistics.garbage_args() + statistics.auth_errors() + statistics.system_errors(), 0u);
  EXPECT_EQ(statistics.bytes_written(), 4396u);
  EXPECT_EQ(statistics.bytes_read(), 50u);
  EXPECT_TRUE(statistics.clients().empty());  // only with --per-client

  // --reset prints the figures, then they are zero.
  const DaemonStatistics reset = StatsOf("nfsd", {"--reset"});
  EXPECT_TRUE(reset.was_reset());
  EXPECT_EQ(reset.calls(), 13u);
  const DaemonStatistics zeroed = StatsOf("nfsd");
  EXPECT_EQ(zeroed.calls(), 0u);
  EXPECT_EQ(zeroed.errors(), 0u);
  EXPECT_EQ(zeroed.procedures_size(), 0);

  // --per-client names the client with its own figures.
  ASSERT_EQ(client->Getattr(file).status, Nfsstat3::kOk);
  ASSERT_EQ(client->Lookup(root, "missing").status, Nfsstat3::kNoEnt);
  const DaemonStatistics per_client = StatsOf("nfsd", {"--per-client"});
  ASSERT_EQ(per_client.clients_size(), 1) << per_client.DebugString();
  EXPECT_EQ(per_client.clients(0).address(), "127.0.0.1");
  EXPECT_EQ(per_client.clients(0).calls(), 2u);
  EXPECT_EQ(per_client.clients(0).errors(), 1u);
  EXPECT_EQ(per_client.clients(0).procedures_size(), 2);
  EXPECT_GT(per_client.max_clients(), 0u);

  // The table for people lists the procedures.
  const CommandResult table =
      RunCommand({NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "stats", "nfsd", "--per-client"},
                 absl::Seconds(20));
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_TRUE(absl::StrContains(table.output, "GETATTR")) << table.output;
  EXPECT_TRUE(absl::StrContains(table.output, "127.0.0.1")) << table.output;
}

TEST_F(NfsdStatisticsTest, MountdCountsMountsPerExportAndRefusals) {
  ASSERT_FALSE(MountRoot().data.empty());
  absl::StatusOr<mount::MountResult3> refused =
      MountFrom(portmap_client_, kLocal, export_dir() + "/does-not-exist");
  ASSERT_TRUE(refused.ok()) << refused.status();
  ASSERT_NE(refused->status, mount::MountStat3::kOk);

  const DaemonStatistics statistics = StatsOf("mountd");
  ASSERT_EQ(statistics.exports_size(), 1) << statistics.DebugString();
  EXPECT_EQ(statistics.exports(0).path(), export_dir());
  EXPECT_EQ(statistics.exports(0).mounts(), 1u);
  ASSERT_EQ(statistics.exports(0).clients_size(), 1);
  EXPECT_EQ(statistics.exports(0).clients(0), "127.0.0.1");
  uint64_t mnt_calls = 0, mnt_refusals = 0;
  for (const ProcedureStatistics& procedure : statistics.procedures()) {
    if (procedure.procedure_name() != "MNT") continue;
    mnt_calls += procedure.calls();
    mnt_refusals += procedure.errors();
  }
  EXPECT_EQ(mnt_calls, 2u);
  EXPECT_EQ(mnt_refusals, 1u);
}

TEST_F(NfsdStatisticsTest, ADaemonNotRunningIsReportedWithItsSocket) {
  StopNfsd();
  const CommandResult result =
      RunCommand({NFSUITE_NFSCTL_PATH, "--run-dir", run_dir(), "stats", "nfsd"}, absl::Seconds(20));
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "nfsd is not running")) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, run_dir() + "/nfsd.sock")) << result.output;

  // Every daemon asked about: the others still report, the exit status says one is down.
  const control::v1::StatisticsReport report = Stats({}, /*exit_code=*/3);
  ASSERT_EQ(report.daemons_size(), 3);
  for (const auto& daemon : report.daemons()) {
    EXPECT_EQ(daemon.running(), daemon.daemon() != "nfsd") << daemon.daemon();
  }
}

}  // namespace
}  // namespace nfsuite::testing
