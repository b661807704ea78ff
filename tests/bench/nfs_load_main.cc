// nfs_load: an NFSv3 load generator for comparing servers. It mounts an export given by URL, makes
// a directory of its own there, runs the chosen workloads one after the other with K operations in
// flight over C TCP connections, and prints one RESULT line per workload: rate, latency
// percentiles and, given the server's pid, the server's CPU time per operation (utime + stime from
// /proc/PID/stat, before and after), the steadiest figure on a shared machine.
//
// Workloads, run in this order whatever order they are named in:
//   null         NULL calls for --seconds
//   write        --file-size bytes in --block WRITEs (UNSTABLE), then one COMMIT
//   read         the same file read back in --block READs
//   randread     --random-block READs at random offsets of that file for --seconds
//   create       CREATE of --files files in one directory
//   lookup       LOOKUP of each of them
//   getattr      GETATTR of each of them (handles from CREATE)
//   readdirplus  whole READDIRPLUS listings of that directory (--listings of them)
//   remove       REMOVE of each of them
//   smallfile    CREATE + one --small-size WRITE with FILE_SYNC, for --files new files
// A workload that needs another's files (read needs write; lookup, getattr, readdirplus and remove
// need create) gets them made first, untimed, if that one was not asked for. Everything is
// removed at the end, untimed.
//
// Every phase is bounded: count-bound workloads hand out no new operation after --max-seconds
// (the RESULT then says cut_short=1), and calls in flight get 30 s more before the run fails.
// Exit status: 0, or 1 when anything failed (an error reply, a broken connection, a cut-short
// phase), with the reason on stderr.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/bench/nfs_load_connection.h"
#include "tests/bench/nfs_load_engine.h"
#include "tests/bench/nfs_load_workloads.h"

// libnfs's headers use these types without including what declares them, and libnfs.h defines
// the EXTERN the raw headers use: the order matters.
// clang-format off
#include <sys/time.h>
#include <sys/types.h>
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-nfs.h>
// clang-format on

namespace nfsuite::bench {
namespace {

const char* const kWorkloadOrder[] = {"null",   "write",   "read",        "randread", "create",
                                      "lookup", "getattr", "readdirplus", "remove",   "smallfile"};
constexpr double kSetupTimeoutSeconds = 30;
constexpr const char* kMetaPrefix = "f";
constexpr const char* kSmallPrefix = "s";

struct Config {
  std::string url;
  std::string workloads =
      "null,write,read,randread,create,lookup,getattr,readdirplus,remove,"
      "smallfile";
  int outstanding = 16;
  int connections = 1;
  int server_pid = 0;
  double seconds = 5;
  double max_seconds = 120;
  uint64_t files = 10000;
  uint64_t file_size = uint64_t{1} << 30;
  uint32_t block = 1 << 20;
  uint32_t random_block = 4096;
  uint32_t small_size = 4096;
  uint64_t listings = 0;  // 0: max(8, outstanding)
  uint32_t dircount = 8192;
  uint32_t maxcount = 65536;
};

// CPU time of a process in seconds (all threads), from /proc/PID/stat; 0 when there is none.
double ProcessCpuSeconds(int pid) {
  if (pid <= 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int number = 3; fields >> field; ++number) {
    if (number == 14) utime = std::stoull(field);
    if (number == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Resident memory of a process in KiB, from /proc/PID/status; 0 when there is none.
long ProcessRssKib(int pid) {
  if (pid <= 0) return 0;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

double OwnCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// What a workload's units are, for the rate and the CPU figure.
enum class Unit { kOperation, kByte, kEntry };

class Runner {
 public:
  Runner(const Config& config, std::vector<std::unique_ptr<Connection>> connections)
      : config_(config), connections_(std::move(connections)) {
    std::vector<Connection*> raw;
    for (const auto& connection : connections_) raw.push_back(connection.get());
    engine_ = std::make_unique<Engine>(raw, config.outstanding);
  }
  ~Runner() {
    // The connections first: a call they still hold is cancelled into an engine that is alive.
    connections_.clear();
  }

  absl::Status SetUp();
  // Runs `names` in kWorkloadOrder; false when any failed.
  bool RunAll(const std::set<std::string>& names);
  absl::Status CleanUp();

 private:
  Connection& first() { return *connections_.front(); }
  // MKDIR (mode 0755) or CREATE (GUARDED, 0644) of `name` in `parent`: the new handle.
  absl::StatusOr<std::string> MakeObject(const std::string& parent, const std::string& name,
                                         bool directory);
  absl::Status RemoveName(const std::string& dir, const std::string& name, bool directory);

  // Runs one phase; prints its RESULT line when `report` (a preparation phase is not reported).
  bool Phase(const std::string& name, Workload& workload, Unit unit, bool time_bound, bool report,
             Workload* epilogue = nullptr);
  bool Write(bool report);
  bool Create(bool report);

  const Config& config_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::unique_ptr<Engine> engine_;
  std::string work_dir_, meta_dir_, small_dir_, seq_file_;
  std::string work_name_;
  std::vector<std::string> meta_handles_;
  bool written_ = false;
  uint64_t meta_files_ = 0;   // files of the meta set that exist
  uint64_t small_files_ = 0;  // files of the small-file set that exist
};

absl::Status NfsStatus(const char* procedure, int status) {
  if (status == NFS3_OK) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(procedure, " answered ", nfsstat3_to_str(status)));
}

absl::Status RpcFailure(int rpc_status, const char* procedure) {
  if (rpc_status == RPC_STATUS_SUCCESS) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(procedure, ": RPC failed"));
}

// The arguments that name `name` in the directory of handle `dir` (both must outlive the call's
// queueing).
diropargs3 DirOp(const std::string& dir, const std::string& name) {
  diropargs3 where{};
  where.dir.data.data_len = static_cast<u_int>(dir.size());
  where.dir.data.data_val = const_cast<char*>(dir.data());
  where.name = const_cast<char*>(name.c_str());
  return where;
}

absl::StatusOr<std::string> Runner::MakeObject(const std::string& parent, const std::string& name,
                                               bool directory) {
  const char* procedure = directory ? "MKDIR" : "CREATE";
  std::string handle;
  absl::Status status = first().Call(
      [&](RpcCallback callback, void* private_data) {
        if (directory) {
          MKDIR3args args{};
          args.where = DirOp(parent, name);
          args.attributes.mode.set_it = 1;
          args.attributes.mode.set_mode3_u.mode = 0755;
          return rpc_nfs3_mkdir_async(first().rpc(), callback, &args, private_data);
        }
        CREATE3args args{};
        args.where = DirOp(parent, name);
        args.how.mode = GUARDED;
        args.how.createhow3_u.obj_attributes.mode.set_it = 1;
        args.how.createhow3_u.obj_attributes.mode.set_mode3_u.mode = 0644;
        return rpc_nfs3_create_async(first().rpc(), callback, &args, private_data);
      },
      [&](int rpc_status, void* reply) {
        if (absl::Status s = RpcFailure(rpc_status, procedure); !s.ok()) return s;
        // MKDIR3res and CREATE3res both start with the status; their resok with the handle.
        const int nfs_status = *static_cast<const nfsstat3*>(reply);
        if (absl::Status s = NfsStatus(procedure, nfs_status); !s.ok()) return s;
        const post_op_fh3& obj = directory
                                     ? static_cast<MKDIR3res*>(reply)->MKDIR3res_u.resok.obj
                                     : static_cast<CREATE3res*>(reply)->CREATE3res_u.resok.obj;
        if (!obj.handle_follows)
          return absl::InternalError(absl::StrCat(procedure, " gave no handle"));
        handle.assign(obj.post_op_fh3_u.handle.data.data_val,
                      obj.post_op_fh3_u.handle.data.data_len);
        return absl::OkStatus();
      },
      kSetupTimeoutSeconds);
  if (!status.ok()) return status;
  return handle;
}

absl::Status Runner::RemoveName(const std::string& dir, const std::string& name, bool directory) {
  return first().Call(
      [&](RpcCallback callback, void* private_data) {
        const diropargs3 object = DirOp(dir, name);
        if (directory) {
          RMDIR3args args{object};
          return rpc_nfs3_rmdir_async(first().rpc(), callback, &args, private_data);
        }
        REMOVE3args args{object};
        return rpc_nfs3_remove_async(first().rpc(), callback, &args, private_data);
      },
      [&](int rpc_status, void* reply) {
        const char* procedure = directory ? "RMDIR" : "REMOVE";
        if (absl::Status s = RpcFailure(rpc_status, procedure); !s.ok()) return s;
        // REMOVE3res and RMDIR3res both start with the status.
        return NfsStatus(procedure, *static_cast<const nfsstat3*>(reply));
      },
      kSetupTimeoutSeconds);
}

absl::Status Runner::SetUp() {
  work_name_ = absl::StrCat("nfs_load-", getpid(), "-", NowNanos() % 1'000'000'000);
  absl::StatusOr<std::string> dir = MakeObject(first().root_handle(), work_name_, true);
  if (!dir.ok()) return dir.status();
  work_dir_ = *dir;
  for (auto [name, handle] : {std::pair{"meta", &meta_dir_}, std::pair{"small", &small_dir_}}) {
    absl::StatusOr<std::string> sub = MakeObject(work_dir_, name, true);
    if (!sub.ok()) return sub.status();
    *handle = *sub;
  }
  absl::StatusOr<std::string> file = MakeObject(work_dir_, "seq", false);
  if (!file.ok()) return file.status();
  seq_file_ = *file;
  return absl::OkStatus();
}

absl::Status Runner::CleanUp() {
  if (work_dir_.empty()) return absl::OkStatus();
  bool ok = true;
  if (meta_files_ > 0) {
    auto remove = MakeRemoveWorkload(meta_dir_, kMetaPrefix, meta_files_);
    ok &= Phase("cleanup-meta", *remove, Unit::kOperation, false, false);
  }
  if (small_files_ > 0) {
    auto remove = MakeRemoveWorkload(small_dir_, kSmallPrefix, small_files_);
    ok &= Phase("cleanup-small", *remove, Unit::kOperation, false, false);
  }
  if (!ok) return absl::InternalError("removing the benchmark's files failed");
  for (auto [dir, name, directory] :
       {std::tuple{&work_dir_, "seq", false}, std::tuple{&work_dir_, "meta", true},
        std::tuple{&work_dir_, "small", true}}) {
    if (absl::Status s = RemoveName(*dir, name, directory); !s.ok()) return s;
  }
  return RemoveName(first().root_handle(), work_name_, true);
}

bool Runner::Phase(const std::string& name, Workload& workload, Unit unit, bool time_bound,
                   bool report, Workload* epilogue) {
  const long rss_before = ProcessRssKib(config_.server_pid);
  const double server_before = ProcessCpuSeconds(config_.server_pid);
  const double client_before = OwnCpuSeconds();
  const double bound = time_bound ? config_.seconds : config_.max_seconds;
  PhaseResult result = engine_->Run(workload, bound);
  if (epilogue != nullptr && !result.broken && result.failures == 0) {
    const PhaseResult extra = engine_->Run(*epilogue, config_.max_seconds);
    result.seconds += extra.seconds;
    result.failures += extra.failures;
    result.broken |= extra.broken;
    if (result.error.empty()) result.error = extra.error;
  }
  const double server_cpu = ProcessCpuSeconds(config_.server_pid) - server_before;
  const double client_cpu = OwnCpuSeconds() - client_before;
  const bool cut_short = result.cut_short && !time_bound;
  const bool ok = !result.broken && result.failures == 0 && !cut_short;
  if (!ok) {
    std::fprintf(stderr, "nfs_load: %s: %llu failures%s%s: %s\n", name.c_str(),
                 static_cast<unsigned long long>(result.failures),
                 result.broken ? ", connection broken" : "",
                 cut_short ? ", cut short by --max-seconds" : "", result.error.c_str());
  }
  if (!report) return ok;

  const double ops = static_cast<double>(result.operations);
  const double units = static_cast<double>(result.units);
  double rate = ops / result.seconds;
  const char* rate_unit = "ops/s";
  double cpu_per_unit = ops > 0 ? server_cpu * 1e6 / ops : 0;
  const char* per_unit = "op";
  if (unit == Unit::kByte) {
    rate = units / result.seconds / 1e6;
    rate_unit = "MB/s";
    cpu_per_unit = units > 0 ? server_cpu * 1e6 / (units / (1 << 20)) : 0;
    per_unit = "MiB";
  } else if (unit == Unit::kEntry) {
    rate = units / result.seconds;
    rate_unit = "entries/s";
    cpu_per_unit = units > 0 ? server_cpu * 1e6 / units : 0;
    per_unit = "entry";
  }
  std::printf(
      "%-12s %10.1f %-9s p50 %8.1f us  p99 %8.1f us  server CPU %8.2f us/%s  (%llu ops,"
      " %.2f s)\n",
      name.c_str(), rate, rate_unit, result.p50_ns / 1e3, result.p99_ns / 1e3, cpu_per_unit,
      per_unit, static_cast<unsigned long long>(result.operations), result.seconds);
  std::printf(
      "RESULT workload=%s K=%d C=%d ops=%llu units=%llu seconds=%.6f rate=%.3f rate_unit=%s "
      "p50_us=%.1f p99_us=%.1f server_cpu_s=%.3f server_cpu_us_per_op=%.3f "
      "server_cpu_us_per_unit=%.3f per_unit=%s client_cpu_s=%.3f server_rss_kib_before=%ld "
      "server_rss_kib_after=%ld failures=%llu ok=%d\n",
      name.c_str(), config_.outstanding, config_.connections,
      static_cast<unsigned long long>(result.operations),
      static_cast<unsigned long long>(result.units), result.seconds, rate, rate_unit,
      result.p50_ns / 1e3, result.p99_ns / 1e3, server_cpu, ops > 0 ? server_cpu * 1e6 / ops : 0,
      cpu_per_unit, per_unit, client_cpu, rss_before, ProcessRssKib(config_.server_pid),
      static_cast<unsigned long long>(result.failures), ok ? 1 : 0);
  std::fflush(stdout);
  return ok;
}

bool Runner::Write(bool report) {
  const uint64_t blocks = config_.file_size / config_.block;
  auto write = MakeWriteWorkload(seq_file_, blocks, config_.block);
  auto commit = MakeCommitWorkload(seq_file_);
  written_ = Phase("write", *write, Unit::kByte, false, report, commit.get());
  return written_;
}

bool Runner::Create(bool report) {
  meta_handles_.assign(config_.files, std::string());
  auto create = MakeCreateWorkload(meta_dir_, kMetaPrefix, meta_handles_);
  const bool ok = Phase("create", *create, Unit::kOperation, false, report);
  // Even a failed or cut-short run may have made some: clean-up removes what it can name.
  meta_files_ = config_.files;
  return ok;
}

bool Runner::RunAll(const std::set<std::string>& names) {
  auto wanted = [&](const char* name) { return names.count(name) > 0; };
  bool ok = true;
  for (const char* name : kWorkloadOrder) {
    if (!wanted(name) || !ok) continue;
    const std::string workload = name;
    const uint64_t file_blocks = config_.file_size / config_.block;
    if (workload == "null") {
      auto null = MakeNullWorkload(UINT64_MAX);
      ok = Phase(workload, *null, Unit::kOperation, true, true);
    } else if (workload == "write") {
      ok = Write(true);
    } else if (workload == "read" || workload == "randread") {
      if (!written_) ok = Write(false);
      if (!ok) break;
      if (workload == "read") {
        auto read = MakeReadWorkload(seq_file_, file_blocks, config_.block);
        ok = Phase(workload, *read, Unit::kByte, false, true);
      } else {
        auto read =
            MakeRandomReadWorkload(seq_file_, file_blocks * config_.block, config_.random_block,
                                   UINT64_MAX, static_cast<uint64_t>(NowNanos()));
        ok = Phase(workload, *read, Unit::kOperation, true, true);
      }
    } else if (workload == "create") {
      ok = Create(true);
    } else if (workload == "lookup" || workload == "getattr" || workload == "readdirplus" ||
               workload == "remove") {
      if (meta_files_ == 0) ok = Create(false);
      if (!ok) break;
      std::unique_ptr<Workload> phase;
      Unit unit = Unit::kOperation;
      if (workload == "lookup") {
        phase = MakeLookupWorkload(meta_dir_, kMetaPrefix, meta_files_);
      } else if (workload == "getattr") {
        phase = MakeGetattrWorkload(meta_handles_);
      } else if (workload == "readdirplus") {
        const uint64_t listings =
            config_.listings > 0
                ? config_.listings
                : std::max<uint64_t>(8, static_cast<uint64_t>(config_.outstanding));
        phase = MakeReaddirplusWorkload(meta_dir_, listings, config_.dircount, config_.maxcount);
        unit = Unit::kEntry;
      } else {
        phase = MakeRemoveWorkload(meta_dir_, kMetaPrefix, meta_files_);
      }
      ok = Phase(workload, *phase, unit, false, true);
      if (workload == "remove" && ok) meta_files_ = 0;
    } else if (workload == "smallfile") {
      auto small =
          MakeSmallFileWorkload(small_dir_, kSmallPrefix, config_.files, config_.small_size);
      ok = Phase(workload, *small, Unit::kOperation, false, true);
      small_files_ = config_.files;
    }
  }
  return ok;
}

int Run(const Config& config) {
  std::set<std::string> names;
  for (absl::string_view name : absl::StrSplit(config.workloads, ',', absl::SkipEmpty())) {
    bool known = false;
    for (const char* candidate : kWorkloadOrder) known |= name == candidate;
    if (!known) {
      std::fprintf(stderr, "nfs_load: unknown workload '%s'\n", std::string(name).c_str());
      return 2;
    }
    names.insert(std::string(name));
  }
  if (config.file_size < config.block || config.file_size < config.random_block) {
    std::fprintf(stderr, "nfs_load: --file-size must hold at least one --block\n");
    return 2;
  }
  absl::StatusOr<ServerUrl> url = ParseServerUrl(config.url);
  if (!url.ok()) {
    std::fprintf(stderr, "nfs_load: %s\n", std::string(url.status().message()).c_str());
    return 2;
  }
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < config.connections; ++i) {
    absl::StatusOr<std::unique_ptr<Connection>> connection =
        Connection::Open(*url, i, kSetupTimeoutSeconds);
    if (!connection.ok()) {
      std::fprintf(stderr, "nfs_load: connection %d to %s: %s\n", i, config.url.c_str(),
                   std::string(connection.status().message()).c_str());
      return 1;
    }
    connections.push_back(*std::move(connection));
  }
  Runner runner(config, std::move(connections));
  if (absl::Status status = runner.SetUp(); !status.ok()) {
    std::fprintf(stderr, "nfs_load: setting up: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  std::printf("nfs_load: %s, K=%d in flight over C=%d connections\n", config.url.c_str(),
              config.outstanding, config.connections);
  const bool ok = runner.RunAll(names);
  const absl::Status cleaned = runner.CleanUp();
  if (!cleaned.ok()) {
    std::fprintf(stderr, "nfs_load: cleaning up: %s\n", std::string(cleaned.message()).c_str());
  }
  return ok && cleaned.ok() ? 0 : 1;
}

}  // namespace
}  // namespace nfsuite::bench

int main(int argc, char** argv) {
  nfsuite::bench::Config config;
  CLI::App app{"nfs_load - NFSv3 load generator (libnfs) for comparing servers"};
  app.add_option("--url", config.url, "nfs://HOST/EXPORT[?nfsport=P&mountport=M]")->required();
  app.add_option("--workloads", config.workloads, "comma-separated workloads")
      ->capture_default_str();
  app.add_option("--outstanding,-K", config.outstanding, "operations in flight in all")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--connections,-C", config.connections, "TCP connections")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--server-pid", config.server_pid, "server pid whose CPU time is measured");
  app.add_option("--seconds", config.seconds, "length of null and randread")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  app.add_option("--max-seconds", config.max_seconds, "bound on every other workload")
      ->check(CLI::Range(1.0, 3600.0))
      ->capture_default_str();
  app.add_option("--files", config.files, "files of create ... remove and of smallfile")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--file-size", config.file_size, "bytes of write/read")
      ->check(CLI::Range(uint64_t{4096}, uint64_t{1} << 36))
      ->capture_default_str();
  app.add_option("--block", config.block, "bytes per WRITE/READ of write/read")
      ->check(CLI::Range(512, 1 << 20))
      ->capture_default_str();
  app.add_option("--random-block", config.random_block, "bytes per READ of randread")
      ->check(CLI::Range(512, 1 << 20))
      ->capture_default_str();
  app.add_option("--small-size", config.small_size, "bytes written to each small file")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  app.add_option("--listings", config.listings, "listings of readdirplus (0: max(8, K))")
      ->capture_default_str();
  app.add_option("--dircount", config.dircount, "READDIRPLUS dircount")->capture_default_str();
  app.add_option("--maxcount", config.maxcount, "READDIRPLUS maxcount")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (config.connections > config.outstanding) {
    std::fprintf(stderr, "nfs_load: --connections must not exceed --outstanding\n");
    return 2;
  }
  return nfsuite::bench::Run(config);
}
