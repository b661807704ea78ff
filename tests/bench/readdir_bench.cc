// readdir_bench: lists one exported directory over NFSv3 READDIRPLUS, from cookie 0 to eof, and
// reports how long the whole listing took, so that runs over directories of different sizes show
// whether listing time grows linearly with the number of entries.
//
// mountd and nfsd are found through the portmapper (PMAP v2 GETPORT on port 111 of --host); the
// root handle of --export comes from mountd's MNT. The listing uses one TCP connection and one
// call at a time, as a client's `ls` does, and passes back each reply's cookie and verifier.
//
// Every name must come back exactly once: duplicates are counted (after the clock stops) and make
// the program exit with status 1, as does any failed call. A listing cut short by --max-seconds
// exits with status 3.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/rpc/portmap_client.h"
#include "common/rpc/portmap_protocol.h"
#include "common/rpc/rpc_client.h"
#include "common/rpc/socket_address.h"
#include "service/mount/mount_protocol.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs3_xdr.h"
#include "service/nfs/nfs_status.h"

namespace nfsuite::bench {
namespace {

// One READDIRPLUS reply may take this long before the server is considered stuck.
const absl::Duration kCallTimeout = absl::Seconds(60);
const absl::Duration kSetupTimeout = absl::Seconds(10);

struct Config {
  std::string host = "127.0.0.1";
  std::string export_path;
  uint32_t dircount = 8192;
  uint32_t maxcount = 65536;
  double max_seconds = 300;
};

int64_t NowNanos() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

absl::StatusOr<std::unique_ptr<rpc::RpcClient>> ConnectTo(const Config& config, uint32_t program,
                                                          uint32_t version) {
  absl::StatusOr<rpc::SocketAddress> portmapper =
      rpc::SocketAddress::Parse(config.host, rpc::portmap::kDefaultPort);
  if (!portmapper.ok()) return portmapper.status();
  const rpc::PortmapClient portmap_client(*portmapper, kSetupTimeout);
  absl::StatusOr<uint32_t> port =
      portmap_client.PmapGetPort(program, version, rpc::portmap::kIpProtoTcp);
  if (!port.ok()) return port.status();
  if (*port == 0 || *port > 65535) {
    return absl::NotFoundError(
        absl::StrCat("program ", program, " version ", version, " is not registered over TCP"));
  }
  absl::StatusOr<rpc::SocketAddress> server =
      rpc::SocketAddress::Parse(config.host, static_cast<uint16_t>(*port));
  if (!server.ok()) return server.status();
  return rpc::RpcClient::Connect(rpc::Transport::kTcp, *server, kSetupTimeout);
}

// The root handle of the export from mountd's MNT.
absl::StatusOr<nfs::NfsFh3> MountRoot(const Config& config) {
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      ConnectTo(config, mount::kProgram, mount::kVersion3);
  if (!client.ok()) return client.status();
  absl::StatusOr<mount::MountResult3> result = rpc::CallAndDecode<mount::MountResult3>(
      **client, mount::kProgram, mount::kVersion3, mount::proc::kMnt,
      [&](xdr::XdrEncoder& e) { mount::EncodeDirPath(e, config.export_path); },
      &mount::DecodeMountResult3, kSetupTimeout);
  if (!result.ok()) return result.status();
  if (result->status != mount::MountStat3::kOk) {
    return absl::PermissionDeniedError(absl::StrCat("MNT ", config.export_path, " failed with ",
                                                    static_cast<uint32_t>(result->status)));
  }
  nfs::NfsFh3 handle;
  handle.data.assign(result->handle.begin(), result->handle.end());
  if (handle.data.empty()) return absl::InternalError("MNT gave an empty handle");
  return handle;
}

int Run(const Config& config) {
  absl::StatusOr<nfs::NfsFh3> root = MountRoot(config);
  if (!root.ok()) {
    std::fprintf(stderr, "readdir_bench: cannot mount %s: %s\n", config.export_path.c_str(),
                 root.status().ToString().c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      ConnectTo(config, nfs::kNfsProgram, nfs::kNfsVersion3);
  if (!client.ok()) {
    std::fprintf(stderr, "readdir_bench: cannot reach nfsd: %s\n",
                 client.status().ToString().c_str());
    return 1;
  }
  rpc::RpcClient& nfs_client = **client;  // AUTH_NONE: the anonymous user

  std::vector<std::string> names;
  std::vector<int64_t> page_nanos;  // how long each call took
  std::vector<size_t> page_entries;
  nfs::ReaddirplusArgs args;
  args.dir = *std::move(root);
  args.cookie = 0;
  args.dircount = config.dircount;
  args.maxcount = config.maxcount;
  const auto max_nanos = static_cast<int64_t>(config.max_seconds * 1e9);
  bool eof = false;
  bool timed_out = false;
  const int64_t start = NowNanos();
  while (!eof) {
    if (NowNanos() - start > max_nanos) {
      timed_out = true;
      break;
    }
    const int64_t call_start = NowNanos();
    absl::StatusOr<nfs::ReaddirplusRes> reply = rpc::CallAndDecode<nfs::ReaddirplusRes>(
        nfs_client, nfs::kNfsProgram, nfs::kNfsVersion3, nfs::nfs3_proc::kReaddirplus,
        [&](xdr::XdrEncoder& e) { nfs::EncodeReaddirplusArgs(e, args); },
        &nfs::DecodeReaddirplusRes, kCallTimeout);
    page_nanos.push_back(NowNanos() - call_start);
    if (!reply.ok()) {
      std::fprintf(stderr, "readdir_bench: READDIRPLUS call %zu failed: %s\n", page_nanos.size(),
                   reply.status().ToString().c_str());
      return 1;
    }
    if (!reply->ok()) {
      std::fprintf(stderr, "readdir_bench: READDIRPLUS call %zu (cookie %llu) answered %s\n",
                   page_nanos.size(), static_cast<unsigned long long>(args.cookie),
                   std::string(nfs::Nfsstat3Name(reply->status)).c_str());
      return 1;
    }
    nfs::ReaddirplusResOk& ok = std::get<0>(reply->body);
    if (ok.entries.empty() && !ok.eof) {
      std::fprintf(stderr, "readdir_bench: call %zu returned no entries and no eof\n",
                   page_nanos.size());
      return 1;
    }
    page_entries.push_back(ok.entries.size());
    for (nfs::EntryPlus3& entry : ok.entries) names.push_back(std::move(entry.name));
    if (!ok.entries.empty()) args.cookie = ok.entries.back().cookie;
    args.cookieverf = ok.cookieverf;
    eof = ok.eof;
  }
  const int64_t elapsed = NowNanos() - start;

  // Duplicates, counted with the clock stopped.
  std::sort(names.begin(), names.end());
  uint64_t duplicates = 0;
  for (size_t i = 1; i < names.size(); ++i) duplicates += names[i] == names[i - 1] ? 1 : 0;

  const double seconds = static_cast<double>(elapsed) / 1e9;
  const size_t entries = names.size();
  const size_t pages = page_nanos.size();
  const double per_second = seconds > 0 ? static_cast<double>(entries) / seconds : 0;
  const double ns_per_entry = entries > 0 ? static_cast<double>(elapsed) / entries : 0;
  // Time per entry in the first and the last tenth of the calls: a listing whose calls get slower
  // as the cookie grows (a server rescanning from the start each time) shows it here.
  auto tenth_ns_per_entry = [&](bool last) {
    const size_t count = std::max<size_t>(pages / 10, 1);
    const size_t begin = last ? pages - count : 0;
    int64_t nanos = 0;
    size_t listed = 0;
    for (size_t i = begin; i < begin + count && i < pages; ++i) {
      nanos += page_nanos[i];
      listed += page_entries[i];
    }
    return listed > 0 ? static_cast<double>(nanos) / static_cast<double>(listed) : 0.0;
  };
  std::printf("export:             %s\n", config.export_path.c_str());
  std::printf("dircount/maxcount:  %u / %u\n", config.dircount, config.maxcount);
  std::printf("entries:            %zu\n", entries);
  std::printf("pages:              %zu (%.1f entries per page)\n", pages,
              pages > 0 ? static_cast<double>(entries) / static_cast<double>(pages) : 0.0);
  std::printf("total seconds:      %.3f%s\n", seconds,
              timed_out ? " (stopped by --max-seconds)" : "");
  std::printf("entries/s:          %.0f\n", per_second);
  std::printf("ns per entry:       %.1f (first tenth of calls %.1f, last tenth %.1f)\n",
              ns_per_entry, tenth_ns_per_entry(false), tenth_ns_per_entry(true));
  std::printf("duplicate names:    %llu\n", static_cast<unsigned long long>(duplicates));
  std::printf(
      "RESULT entries=%zu pages=%zu seconds=%.6f entries_per_second=%.0f ns_per_entry=%.1f "
      "first_tenth_ns_per_entry=%.1f last_tenth_ns_per_entry=%.1f duplicates=%llu eof=%d\n",
      entries, pages, seconds, per_second, ns_per_entry, tenth_ns_per_entry(false),
      tenth_ns_per_entry(true), static_cast<unsigned long long>(duplicates), eof ? 1 : 0);
  if (duplicates > 0) {
    std::fprintf(stderr, "readdir_bench: %llu names were listed more than once\n",
                 static_cast<unsigned long long>(duplicates));
    return 1;
  }
  if (timed_out) {
    std::fprintf(stderr, "readdir_bench: no eof within %.0f s\n", config.max_seconds);
    return 3;
  }
  return 0;
}

}  // namespace
}  // namespace nfsuite::bench

int main(int argc, char** argv) {
  nfsuite::bench::Config config;
  CLI::App app{
      "Lists an exported directory over NFSv3 READDIRPLUS from cookie 0 to eof and times it."};
  app.add_option("--host", config.host, "numeric IPv4 or IPv6 address of the server")
      ->capture_default_str();
  app.add_option("--export", config.export_path, "the exported directory to mount and list")
      ->required();
  app.add_option("--dircount", config.dircount, "READDIRPLUS dircount (bytes of names etc.)")
      ->check(CLI::Range(uint32_t{512}, uint32_t{1024 * 1024}))
      ->capture_default_str();
  app.add_option("--maxcount", config.maxcount, "READDIRPLUS maxcount (bytes of reply)")
      ->check(CLI::Range(uint32_t{1024}, uint32_t{1024 * 1024}))
      ->capture_default_str();
  app.add_option("--max-seconds", config.max_seconds, "give up on the listing after this long")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return nfsuite::bench::Run(config);
}
