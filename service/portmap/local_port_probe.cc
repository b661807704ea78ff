#include "service/portmap/local_port_probe.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/rpc/socket_address.h"
#include "common/util/atomic_file.h"

namespace nfsuite::portmap {
namespace {

// /proc/net/tcp socket state of a listening socket (TCP_LISTEN).
constexpr absl::string_view kListenState = "0A";

}  // namespace

absl::flat_hash_set<uint16_t> ParseProcNetPorts(absl::string_view table, bool listening_only) {
  absl::flat_hash_set<uint16_t> ports;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(table, '\n')) {
    if (header) {  // "  sl  local_address rem_address   st ..."
      header = false;
      continue;
    }
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() < 4) continue;
    const absl::string_view local = fields[1];  // "0100007F:006F"
    const size_t colon = local.rfind(':');
    uint32_t port = 0;
    if (colon == absl::string_view::npos || !absl::SimpleHexAtoi(local.substr(colon + 1), &port) ||
        port > 0xffff) {
      continue;
    }
    if (listening_only && fields[3] != kListenState) continue;
    ports.insert(static_cast<uint16_t>(port));
  }
  return ports;
}

void LocalPortProbe::Refresh() {
  tcp_listening_.clear();
  udp_bound_.clear();
  for (const char* name : {"tcp", "tcp6"}) {
    absl::StatusOr<std::string> table = ReadWholeFile(proc_net_dir_ + "/" + name);
    if (table.ok()) tcp_listening_.merge(ParseProcNetPorts(*table, true));
  }
  for (const char* name : {"udp", "udp6"}) {
    absl::StatusOr<std::string> table = ReadWholeFile(proc_net_dir_ + "/" + name);
    if (table.ok()) udp_bound_.merge(ParseProcNetPorts(*table, false));
  }
}

bool LocalPortProbe::IsAlive(const Registration& registration) const {
  absl::StatusOr<rpc::SocketAddress> address =
      rpc::SocketAddress::FromUniversalAddress(registration.address);
  if (!address.ok()) return true;
  if (registration.netid == "tcp" || registration.netid == "tcp6") {
    return tcp_listening_.contains(address->port());
  }
  if (registration.netid == "udp" || registration.netid == "udp6") {
    return udp_bound_.contains(address->port());
  }
  return true;
}

}  // namespace nfsuite::portmap
