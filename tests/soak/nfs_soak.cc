// nfs_soak: several NFSv3 clients (libnfs) mixing every kind of request against a running suite
// for a while, checking every byte they read back, while the daemons' resident memory, open
// descriptors and threads are sampled. A program for people (scripts/soak.sh runs it), not a
// test: it answers "does anything grow without bound?" over minutes, not seconds.
//
//   nfs_soak --export /srv/x --watch nfsd=PID --watch mountd=PID [--clients 4] [--seconds 600]
//
// Exit status 0 when every check passed and nothing grew: resident memory at the end within
// --rss-slack of what it was after the first fifth of the run (the warm-up: caches fill), and
// descriptors and threads at the end no more than at the start plus --fd-slack.
#include <fcntl.h>
// libnfs-raw.h needs libnfs.h's definitions first.
// clang-format off
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
// clang-format on

// What nfs_get_fh returns: libnfs 4.0 declares it but keeps its definition private (this layout,
// unchanged since libnfs 1.x). The soak needs a file's handle to lock it through NLM.
struct nfs_fh {
  int len;
  char* val;
};

#include <dirent.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/rpc/portmap_client.h"
#include "common/rpc/rpc_client.h"
#include "service/lock/nlm_types.h"
#include "service/lock/nlm_xdr.h"

namespace nfsuite::soak {
namespace {

struct Options {
  std::string server = "127.0.0.1";
  std::string export_path;
  int clients = 4;
  int seconds = 600;
  int report_seconds = 10;
  std::vector<std::string> watch;  // name=pid
  double rss_slack_mib = 16;
  int fd_slack = 8;
};

// What one sample of a daemon shows.
struct Usage {
  long rss_kib = 0;
  long fds = 0;
  long threads = 0;
};

Usage Sample(int pid) {
  Usage usage;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) usage.rss_kib = std::stol(line.substr(6));
    if (line.rfind("Threads:", 0) == 0) usage.threads = std::stol(line.substr(8));
  }
  if (DIR* fds = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
    while (dirent* entry = readdir(fds)) usage.fds += entry->d_name[0] != '.';
    closedir(fds);
  }
  return usage;
}

struct Counters {
  std::atomic<uint64_t> operations{0};
  std::atomic<uint64_t> errors{0};      // a request that should have succeeded failed
  std::atomic<uint64_t> mismatches{0};  // data or listings read back differ from what was written
  std::atomic<uint64_t> locks{0};
};

std::string Pattern(uint32_t seed, size_t size) {
  std::string data(size, '\0');
  std::mt19937 random(seed);
  for (char& c : data) c = static_cast<char>(random());
  return data;
}

// One client: its own context and directory, one cycle of every request kind after another.
class SoakClient {
 public:
  SoakClient(const Options& options, int index, Counters& counters)
      : options_(options), index_(index), counters_(counters), random_(index * 7919 + 1) {}
  ~SoakClient() {
    if (context_ != nullptr) nfs_destroy_context(context_);
  }

  bool Mount() {
    context_ = nfs_init_context();
    if (context_ == nullptr) return false;
    nfs_set_timeout(context_, 30000);
    nfs_set_dircache(context_, 0);
    if (nfs_mount(context_, options_.server.c_str(), options_.export_path.c_str()) != 0) {
      std::fprintf(stderr, "client %d: mount: %s\n", index_, nfs_get_error(context_));
      return false;
    }
    dir_ = absl::StrCat("/soak-", index_);
    nfs_mkdir(context_, dir_.c_str());  // left by an earlier run is fine
    return true;
  }

  void Run(absl::Time until) {
    for (uint32_t cycle = 0; absl::Now() < until; ++cycle) Cycle(cycle);
  }

 private:
  bool Check(int rc, const char* what) {
    counters_.operations.fetch_add(1);
    if (rc >= 0) return true;
    counters_.errors.fetch_add(1);
    std::fprintf(stderr, "client %d: %s: %s\n", index_, what, nfs_get_error(context_));
    return false;
  }
  void Mismatch(const std::string& what) {
    counters_.mismatches.fetch_add(1);
    std::fprintf(stderr, "client %d: MISMATCH: %s\n", index_, what.c_str());
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  void Cycle(uint32_t cycle) {
    const std::string file = Path(absl::StrCat("f", cycle % 16));
    const size_t size = 1 + random_() % (256 * 1024);
    const std::string data = Pattern(cycle * 31 + index_, size);
    // CREATE + WRITE + COMMIT, GETATTR, READ back.
    nfsfh* handle = nullptr;
    if (!Check(nfs_creat(context_, file.c_str(), 0644, &handle), "creat")) return;
    Check(nfs_pwrite(context_, handle, 0, data.size(), data.data()), "pwrite");
    Check(nfs_fsync(context_, handle), "fsync");
    Lock(handle);
    std::string back(size, '\0');
    const int got = nfs_pread(context_, handle, 0, size, back.data());
    if (Check(got, "pread") && (static_cast<size_t>(got) != size || back != data)) {
      Mismatch(absl::StrCat(file, ": read back ", got, " bytes that differ"));
    }
    // SETATTR (size) both ways.
    Check(nfs_ftruncate(context_, handle, size / 2), "ftruncate");
    Check(nfs_ftruncate(context_, handle, size + 4096), "ftruncate up");
    nfs_stat_64 attributes{};
    if (Check(nfs_fstat64(context_, handle, &attributes), "fstat") &&
        attributes.nfs_size != size + 4096) {
      Mismatch(absl::StrCat(file, ": size ", attributes.nfs_size, " after truncate"));
    }
    Check(nfs_close(context_, handle), "close");
    // Names: LINK, SYMLINK + READLINK, RENAME, MKDIR, READDIRPLUS, REMOVE, RMDIR.
    const std::string link = Path("link"), symlink = Path("symlink"), moved = Path("moved");
    const std::string sub = Path("sub");
    Check(nfs_link(context_, file.c_str(), link.c_str()), "link");
    Check(nfs_symlink(context_, "target/of/symlink", symlink.c_str()), "symlink");
    char target[256] = {};
    if (Check(nfs_readlink(context_, symlink.c_str(), target, sizeof(target) - 1), "readlink") &&
        std::string(target) != "target/of/symlink") {
      Mismatch(absl::StrCat(symlink, " reads ", target));
    }
    Check(nfs_rename(context_, link.c_str(), moved.c_str()), "rename");
    Check(nfs_mkdir(context_, sub.c_str()), "mkdir");
    Check(nfs_chmod(context_, sub.c_str(), 0750), "chmod");
    ListAndCompare({"moved", "symlink", "sub"});
    Check(nfs_unlink(context_, moved.c_str()), "unlink");
    Check(nfs_unlink(context_, symlink.c_str()), "unlink symlink");
    Check(nfs_rmdir(context_, sub.c_str()), "rmdir");
    // FSSTAT, ACCESS.
    struct statvfs filesystem {};
    Check(nfs_statvfs(context_, dir_.c_str(), &filesystem), "statvfs");
    Check(nfs_access(context_, file.c_str(), R_OK | W_OK), "access");
    if (cycle % 16 == 15) {  // the files come and go too
      for (int i = 0; i < 16; ++i) nfs_unlink(context_, Path(absl::StrCat("f", i)).c_str());
    }
  }

  // The names listed must include `expected` (the f* files come and go).
  void ListAndCompare(const std::set<std::string>& expected) {
    nfsdir* listing = nullptr;
    if (!Check(nfs_opendir(context_, dir_.c_str(), &listing), "opendir")) return;
    std::set<std::string> names;
    while (nfsdirent* entry = nfs_readdir(context_, listing)) names.insert(entry->name);
    nfs_closedir(context_, listing);
    for (const std::string& name : expected) {
      if (names.count(name) == 0) Mismatch(absl::StrCat(dir_, " lists no ", name));
    }
  }

  // NLM v4 LOCK, TEST by another owner (denied), UNLOCK, over our RPC client: the lock manager's
  // tables must not grow either.
  void Lock(nfsfh* handle) {
    if (nlm_ == nullptr && !ConnectNlm()) return;
    const nfs_fh* fh = nfs_get_fh(handle);
    lock::NlmLockArgs args;
    args.exclusive = true;
    args.lock.caller_name = absl::StrCat("soak-", index_);
    args.lock.fh.assign(fh->val, fh->val + fh->len);
    args.lock.oh = {static_cast<uint8_t>(index_)};
    args.lock.svid = index_;
    args.lock.length = 4096;
    const auto call = [&](lock::NlmProcedure procedure, const rpc::ArgumentEncoder& encode) {
      absl::StatusOr<lock::NlmResult> result = rpc::CallAndDecode<lock::NlmResult>(
          *nlm_, lock::kNlmProgram, lock::kNlmVersion4, static_cast<uint32_t>(procedure), encode,
          &lock::DecodeResult, absl::Seconds(10));
      counters_.operations.fetch_add(1);
      return result.ok() ? result->status : lock::NlmStatus::kFailed;
    };
    if (call(lock::NlmProcedure::kLock, [&](xdr::XdrEncoder& e) {
          lock::EncodeLockArgs<lock::Width::kWide>(e, args);
        }) != lock::NlmStatus::kGranted) {
      counters_.errors.fetch_add(1);
      std::fprintf(stderr, "client %d: NLM LOCK not granted\n", index_);
      return;
    }
    counters_.locks.fetch_add(1);
    lock::NlmTestArgs test{{}, true, args.lock};
    test.lock.svid = index_ + 1000;  // another owner
    absl::StatusOr<lock::NlmTestResult> tested = rpc::CallAndDecode<lock::NlmTestResult>(
        *nlm_, lock::kNlmProgram, lock::kNlmVersion4,
        static_cast<uint32_t>(lock::NlmProcedure::kTest),
        [&](xdr::XdrEncoder& e) { lock::EncodeTestArgs<lock::Width::kWide>(e, test); },
        &lock::DecodeTestResult<lock::Width::kWide>, absl::Seconds(10));
    if (!tested.ok() || tested->status != lock::NlmStatus::kDenied) {
      Mismatch("NLM TEST by another owner was not denied while the lock was held");
    }
    const lock::NlmUnlockArgs unlock{{}, args.lock};
    if (call(lock::NlmProcedure::kUnlock, [&](xdr::XdrEncoder& e) {
          lock::EncodeUnlockArgs<lock::Width::kWide>(e, unlock);
        }) != lock::NlmStatus::kGranted) {
      counters_.errors.fetch_add(1);
    }
  }

  bool ConnectNlm() {
    absl::StatusOr<rpc::SocketAddress> portmapper = rpc::SocketAddress::Parse(options_.server, 111);
    if (!portmapper.ok()) return false;
    absl::StatusOr<uint32_t> port =
        rpc::PortmapClient(*portmapper)
            .PmapGetPort(lock::kNlmProgram, lock::kNlmVersion4, rpc::portmap::kIpProtoTcp);
    if (!port.ok() || *port == 0) return false;
    rpc::SocketAddress address = *portmapper;
    address.set_port(static_cast<uint16_t>(*port));
    absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
        rpc::RpcClient::Connect(rpc::Transport::kTcp, address, absl::Seconds(10));
    if (!client.ok()) return false;
    nlm_ = *std::move(client);
    return true;
  }

  const Options& options_;
  const int index_;
  Counters& counters_;
  std::mt19937 random_;
  nfs_context* context_ = nullptr;
  std::string dir_;
  std::unique_ptr<rpc::RpcClient> nlm_;
};

struct Watched {
  std::string name;
  int pid = 0;
  std::vector<Usage> samples;
};

int Run(const Options& options) {
  std::vector<Watched> watched;
  for (const std::string& spec : options.watch) {
    std::vector<std::string> parts = absl::StrSplit(spec, '=');
    int pid = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &pid) || pid <= 0) {
      std::fprintf(stderr, "nfs_soak: --watch takes NAME=PID, not %s\n", spec.c_str());
      return 2;
    }
    watched.push_back({parts[0], pid, {Sample(pid)}});
  }
  Counters counters;
  std::vector<std::unique_ptr<SoakClient>> clients;
  for (int i = 0; i < options.clients; ++i) {
    clients.push_back(std::make_unique<SoakClient>(options, i, counters));
    if (!clients.back()->Mount()) return 1;
  }
  const absl::Time start = absl::Now();
  const absl::Time until = start + absl::Seconds(options.seconds);
  std::vector<std::thread> threads;
  for (auto& client : clients) threads.emplace_back([&client, until] { client->Run(until); });

  std::printf("%8s %10s", "seconds", "requests");
  for (const Watched& w : watched) {
    std::printf("  %-8s %9s %5s %5s", w.name.c_str(), "rss KiB", "fds", "thr");
  }
  std::printf("\n");
  while (absl::Now() < until) {
    absl::SleepFor(std::min(absl::Seconds(options.report_seconds), until - absl::Now()));
    std::printf("%8.0f %10llu", absl::ToDoubleSeconds(absl::Now() - start),
                static_cast<unsigned long long>(counters.operations.load()));
    for (Watched& w : watched) {
      w.samples.push_back(Sample(w.pid));
      const Usage& now = w.samples.back();
      std::printf("  %-8s %9ld %5ld %5ld", "", now.rss_kib, now.fds, now.threads);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  for (std::thread& thread : threads) thread.join();
  clients.clear();  // unmounted: what the daemons hold now is theirs
  // The servers see the clients' connections close a moment later: wait for that (bounded).
  for (int i = 0; i < 50; ++i) {
    const bool settled = std::all_of(watched.begin(), watched.end(), [](const Watched& w) {
      return Sample(w.pid).fds <= w.samples.front().fds;
    });
    if (settled) break;
    absl::SleepFor(absl::Milliseconds(100));
  }

  bool grew = false;
  std::printf("\n%-9s %12s %12s %12s %10s %10s\n", "daemon", "rss start", "rss warm", "rss end",
              "fds s/e", "threads s/e");
  for (Watched& w : watched) {
    w.samples.push_back(Sample(w.pid));
    const Usage& first = w.samples.front();
    const Usage& warm = w.samples[std::min(w.samples.size() - 1, w.samples.size() / 5 + 1)];
    const Usage& last = w.samples.back();
    std::printf("%-9s %9ld KiB %9ld KiB %9ld KiB %4ld/%-5ld %4ld/%-5ld\n", w.name.c_str(),
                first.rss_kib, warm.rss_kib, last.rss_kib, first.fds, last.fds, first.threads,
                last.threads);
    if (last.rss_kib > warm.rss_kib + static_cast<long>(options.rss_slack_mib * 1024) ||
        last.fds > first.fds + options.fd_slack ||
        last.threads > first.threads + options.fd_slack) {
      std::printf("  %s GREW\n", w.name.c_str());
      grew = true;
    }
  }
  std::printf(
      "\n%llu requests, %llu NLM locks, %llu errors, %llu mismatches in %d s by %d "
      "clients\n",
      static_cast<unsigned long long>(counters.operations.load()),
      static_cast<unsigned long long>(counters.locks.load()),
      static_cast<unsigned long long>(counters.errors.load()),
      static_cast<unsigned long long>(counters.mismatches.load()), options.seconds,
      options.clients);
  const bool passed = !grew && counters.errors.load() == 0 && counters.mismatches.load() == 0;
  std::printf("%s\n", passed ? "SOAK PASSED" : "SOAK FAILED");
  return passed ? 0 : 1;
}

}  // namespace
}  // namespace nfsuite::soak

int main(int argc, char** argv) {
  nfsuite::soak::Options options;
  CLI::App app{"nfs_soak - NFSv3 clients mixing every request against a running nfsuite"};
  app.add_option("--server", options.server, "numeric server address")->capture_default_str();
  app.add_option("--export", options.export_path, "exported directory to mount")->required();
  app.add_option("--clients", options.clients, "concurrent clients")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--seconds", options.seconds, "how long to run")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_option("--report-seconds", options.report_seconds, "sampling interval")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--watch", options.watch, "NAME=PID of a daemon to sample (repeatable)");
  app.add_option("--rss-slack", options.rss_slack_mib,
                 "MiB a daemon's resident memory may gain after the warm-up")
      ->capture_default_str();
  app.add_option("--fd-slack", options.fd_slack,
                 "descriptors and threads a daemon may gain over the run")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return nfsuite::soak::Run(options);
}
