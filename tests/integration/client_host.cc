#include "tests/integration/client_host.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nfsuite::testing {
namespace {

std::atomic<int> hosts_made{0};

absl::Status Ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult result = RunCommand(argv, absl::Seconds(20));
  if (result.exit_code == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("`", absl::StrJoin(argv, " "), "` failed (exit ",
                                          result.exit_code, "): ", result.output));
}

}  // namespace

std::string ClientHost::WhyUnavailable() {
  if (geteuid() != 0) return "client hosts are network namespaces, which need root";
  if (RunCommand({"ip", "-V"}, absl::Seconds(10)).exit_code != 0) {
    return "client hosts need `ip` (iproute2) to make network namespaces";
  }
  // Entering a namespace (`ip -n`) remounts /sys in a private mount namespace, which fails where
  // / is not a mount point (a chroot such as a fresh-root check): probe once, with a namespace of
  // our own that is always deleted.
  const std::string probe = absl::StrCat("nfsuite-probe-", getpid());
  const CommandResult added = RunCommand({"ip", "netns", "add", probe}, absl::Seconds(10));
  if (added.exit_code != 0) return "cannot make a network namespace: " + added.output;
  const CommandResult entered =
      RunCommand({"ip", "-n", probe, "link", "set", "lo", "up"}, absl::Seconds(10));
  RunCommand({"ip", "netns", "delete", probe}, absl::Seconds(10));
  if (entered.exit_code != 0) {
    return "network namespaces cannot be entered here (`ip -n` failed: " + entered.output +
           "), as in a chroot whose / is not a mount point";
  }
  return "";
}

absl::StatusOr<std::unique_ptr<ClientHost>> ClientHost::Create() {
  std::unique_ptr<ClientHost> host(new ClientHost());
  // The test process's id and a counter pick the names and a 10.X.Y.0/24 subnet: distinct for
  // test binaries running at once, and for the (at most four) hosts one test has at a time.
  const int pid = getpid();
  const int serial = hosts_made.fetch_add(1);
  const int subnet = ((pid % 16384) * 4 + serial % 4) % 65536;
  const std::string prefix = absl::StrCat("10.", subnet >> 8, ".", subnet & 255, ".");
  host->namespace_ = absl::StrCat("nfsuite-client-", pid, "-", serial);
  host->server_link_ = absl::StrCat("nvs", pid, "n", serial % 1000);
  host->client_link_ = absl::StrCat("nvc", pid, "n", serial % 1000);
  host->server_address_ = prefix + "1";
  host->client_address_ = prefix + "2";
  if (absl::Status status = host->SetUpLink(); !status.ok()) return status;
  if (absl::Status status = host->StartPortmapd(); !status.ok()) return status;
  return host;
}

absl::Status ClientHost::SetUpLink() {
  // A namespace left by a killed run of a process with the same id would be in the way.
  (void)Ip({"netns", "delete", namespace_});
  (void)Ip({"link", "delete", server_link_});
  if (absl::Status status = Ip({"netns", "add", namespace_}); !status.ok()) return status;
  namespace_created_ = true;
  if (absl::Status status =
          Ip({"link", "add", server_link_, "type", "veth", "peer", "name", client_link_});
      !status.ok()) {
    return status;
  }
  link_created_ = true;
  const std::vector<std::vector<std::string>> steps = {
      {"link", "set", client_link_, "netns", namespace_},
      {"addr", "add", server_address_ + "/24", "dev", server_link_},
      {"link", "set", server_link_, "up"},
      {"-n", namespace_, "addr", "add", client_address_ + "/24", "dev", client_link_},
      {"-n", namespace_, "link", "set", client_link_, "up"},
      {"-n", namespace_, "link", "set", "lo", "up"},
  };
  for (const std::vector<std::string>& step : steps) {
    if (absl::Status status = Ip(step); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status ClientHost::StartPortmapd() {
  const std::string state_dir = directory_.path() + "/state";
  const std::string run_dir = directory_.path() + "/run";
  // `ip netns exec` joins the namespace and execs in place: the pid is portmapd's.
  absl::StatusOr<std::unique_ptr<DaemonProcess>> started =
      DaemonProcess::Start("ip",
                           {"netns", "exec", namespace_, NFSUITE_PORTMAPD_PATH, "--port", "111",
                            "--listen", "127.0.0.1," + client_address_, "--state-dir", state_dir,
                            "--run-dir", run_dir, "--log-level", "debug"},
                           run_dir + "/portmapd.sock", absl::Seconds(10));
  if (!started.ok()) return started.status();
  portmapd_ = *std::move(started);
  return absl::OkStatus();
}

ClientHost::~ClientHost() {
  if (portmapd_ != nullptr) portmapd_->Stop();
  // Deleting one end of a veth pair deletes both; deleting the namespace would too, but only
  // once nothing inside holds it.
  if (link_created_) (void)Ip({"link", "delete", server_link_});
  if (namespace_created_) (void)Ip({"netns", "delete", namespace_});
}

absl::Status ClientHost::RunInside(const std::function<void()>& fn) const {
  absl::Status joined;
  std::thread inside([&] {
    const std::string path = "/run/netns/" + namespace_;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      joined = absl::InternalError(absl::StrCat("cannot open ", path, ": ", strerror(errno)));
      return;
    }
    // CLONE_NEWNET moves only this thread (and threads it starts) into the namespace.
    const int rc = setns(fd, CLONE_NEWNET);
    const int error = errno;
    close(fd);
    if (rc != 0) {
      joined = absl::InternalError(absl::StrCat("setns into ", namespace_, ": ", strerror(error)));
      return;
    }
    fn();
  });
  inside.join();
  return joined;
}

}  // namespace nfsuite::testing
