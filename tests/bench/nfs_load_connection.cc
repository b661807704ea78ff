#include "tests/bench/nfs_load_connection.h"

#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

// libnfs's headers use these types without including what declares them, and libnfs.h defines
// the EXTERN the raw headers use: the order matters.
// clang-format off
#include <sys/time.h>
#include <sys/types.h>
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-mount.h>
#include <nfsc/libnfs-raw-nfs.h>
// clang-format on

namespace nfsuite::bench {

int64_t NowNanos() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

namespace {

absl::StatusOr<int> ParsePort(absl::string_view text) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("bad port '", text, "' in the URL"));
  }
  return port;
}

int64_t DeadlineAfter(double seconds) { return NowNanos() + static_cast<int64_t>(seconds * 1e9); }

// A waited-for call. It lives on the heap: a call given up on (no reply in time) may still be
// answered, or cancelled when its context is destroyed, after its waiter has returned; its
// callback then only frees it.
struct PendingCall {
  explicit PendingCall(const Connection::OnReply* reply_handler) : on_reply(reply_handler) {}
  const Connection::OnReply* on_reply;
  absl::Status status;
  bool done = false;
  bool abandoned = false;
};

void OnPendingReply(rpc_context* /*rpc*/, int status, void* data, void* private_data) {
  auto* call = static_cast<PendingCall*>(private_data);
  if (call->abandoned) {
    delete call;
    return;
  }
  call->status = (*call->on_reply)(status, data);
  call->done = true;
}

// Queues a call with `send` and waits for its reply.
absl::Status SendAndWait(rpc_context* rpc, const Connection::Send& send,
                         const Connection::OnReply& on_reply, double timeout_seconds,
                         absl::string_view what);

absl::Status RpcStatus(rpc_context* rpc, int status, absl::string_view what) {
  if (status == RPC_STATUS_SUCCESS) return absl::OkStatus();
  const char* error = rpc_get_error(rpc);
  return absl::UnavailableError(
      absl::StrCat(what, " failed: ", error != nullptr && *error != '\0' ? error : "RPC error"));
}

// Connects `rpc` to `program` version `version` on `port`, or through the portmapper if 0.
absl::Status ConnectRpc(rpc_context* rpc, const std::string& host, int port, int program,
                        int version, double timeout_seconds) {
  const Connection::OnReply on_reply = [&](int status, void*) {
    return RpcStatus(rpc, status, absl::StrCat("connecting to program ", program));
  };
  const Connection::Send send = [&](rpc_cb callback, void* private_data) {
    return port != 0 ? rpc_connect_port_async(rpc, host.c_str(), port, program, version, callback,
                                              private_data)
                     : rpc_connect_program_async(rpc, host.c_str(), program, version, callback,
                                                 private_data);
  };
  return SendAndWait(rpc, send, on_reply, timeout_seconds, "connect");
}

absl::StatusOr<std::string> MountRootHandle(const ServerUrl& url, double timeout_seconds) {
  rpc_context* rpc = rpc_init_context();
  if (rpc == nullptr) return absl::ResourceExhaustedError("rpc_init_context failed");
  std::string handle;
  absl::Status status =
      ConnectRpc(rpc, url.host, url.mount_port, MOUNT_PROGRAM, MOUNT_V3, timeout_seconds);
  if (status.ok()) {
    const Connection::OnReply on_reply = [&](int rpc_status, void* data) {
      if (absl::Status s = RpcStatus(rpc, rpc_status, "MNT"); !s.ok()) return s;
      const auto* result = static_cast<mountres3*>(data);
      if (result->fhs_status != MNT3_OK) {
        return absl::PermissionDeniedError(
            absl::StrCat("MNT ", url.export_path, " answered status ", result->fhs_status));
      }
      const fhandle3& fh = result->mountres3_u.mountinfo.fhandle;
      handle.assign(fh.fhandle3_val, fh.fhandle3_len);
      return absl::OkStatus();
    };
    const Connection::Send send = [&](rpc_cb callback, void* private_data) {
      return rpc_mount3_mnt_async(rpc, callback, const_cast<char*>(url.export_path.c_str()),
                                  private_data);
    };
    status = SendAndWait(rpc, send, on_reply, timeout_seconds, "MNT");
  }
  rpc_destroy_context(rpc);
  if (!status.ok()) return status;
  if (handle.empty()) return absl::InternalError("MNT gave an empty handle");
  return handle;
}

}  // namespace

absl::StatusOr<ServerUrl> ParseServerUrl(absl::string_view url) {
  constexpr absl::string_view kScheme = "nfs://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return absl::InvalidArgumentError("the URL must start with nfs://");
  }
  url.remove_prefix(kScheme.size());
  absl::string_view query;
  if (const size_t q = url.find('?'); q != absl::string_view::npos) {
    query = url.substr(q + 1);
    url = url.substr(0, q);
  }
  const size_t slash = url.find('/');
  if (slash == 0 || slash == absl::string_view::npos) {
    return absl::InvalidArgumentError("the URL needs a host and an export path");
  }
  ServerUrl result;
  result.host = std::string(url.substr(0, slash));
  result.export_path = std::string(url.substr(slash));
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t equals = pair.find('=');
    const absl::string_view key = pair.substr(0, equals);
    const absl::string_view value =
        equals == absl::string_view::npos ? absl::string_view() : pair.substr(equals + 1);
    int* port = key == "nfsport"     ? &result.nfs_port
                : key == "mountport" ? &result.mount_port
                                     : nullptr;
    if (port == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown URL argument '", key, "'"));
    }
    absl::StatusOr<int> parsed = ParsePort(value);
    if (!parsed.ok()) return parsed.status();
    *port = *parsed;
  }
  return result;
}

absl::Status ServiceUntil(rpc_context* rpc, const bool* done, int64_t deadline_ns) {
  while (!*done) {
    const int64_t left_ns = deadline_ns - NowNanos();
    if (left_ns <= 0) return absl::DeadlineExceededError("no reply in time");
    pollfd fd{rpc_get_fd(rpc), static_cast<short>(rpc_which_events(rpc)), 0};
    const int ready =
        poll(&fd, 1, static_cast<int>(std::min<int64_t>(left_ns / 1'000'000 + 1, 100)));
    if (ready < 0 && errno != EINTR) return absl::InternalError(std::strerror(errno));
    if (ready > 0 && rpc_service(rpc, fd.revents) < 0) {
      return RpcStatus(rpc, RPC_STATUS_ERROR, "servicing the connection");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const ServerUrl& url, int index,
                                                             double timeout_seconds) {
  absl::StatusOr<std::string> root = MountRootHandle(url, timeout_seconds);
  if (!root.ok()) return root.status();
  rpc_context* rpc = rpc_init_context();
  if (rpc == nullptr) return absl::ResourceExhaustedError("rpc_init_context failed");
  // 2^26 calls apart: more than any run makes on one connection.
  rpc_set_next_xid(rpc, static_cast<uint32_t>(NowNanos()) + (static_cast<uint32_t>(index) << 26));
  if (absl::Status status =
          ConnectRpc(rpc, url.host, url.nfs_port, NFS_PROGRAM, NFS_V3, timeout_seconds);
      !status.ok()) {
    rpc_destroy_context(rpc);
    return status;
  }
  return std::unique_ptr<Connection>(new Connection(rpc, *std::move(root)));
}

Connection::~Connection() { rpc_destroy_context(rpc_); }

absl::Status Connection::Call(const Send& send, const OnReply& on_reply, double timeout_seconds) {
  return SendAndWait(rpc_, send, on_reply, timeout_seconds, "a call");
}

namespace {

absl::Status SendAndWait(rpc_context* rpc, const Connection::Send& send,
                         const Connection::OnReply& on_reply, double timeout_seconds,
                         absl::string_view what) {
  auto* call = new PendingCall(&on_reply);
  if (send(&OnPendingReply, call) != 0) {
    delete call;
    return RpcStatus(rpc, RPC_STATUS_ERROR, absl::StrCat("queueing ", what));
  }
  absl::Status status = ServiceUntil(rpc, &call->done, DeadlineAfter(timeout_seconds));
  if (!status.ok()) {
    call->abandoned = true;  // freed by its callback, if that ever runs
    return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
  }
  status = call->status;
  delete call;
  return status;
}

}  // namespace

}  // namespace nfsuite::bench
