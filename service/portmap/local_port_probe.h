#ifndef NFSUITE_SERVICE_PORTMAP_LOCAL_PORT_PROBE_H_
#define NFSUITE_SERVICE_PORTMAP_LOCAL_PORT_PROBE_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "service/portmap/registration_table.h"

namespace nfsuite::portmap {

// Tells whether the daemon behind a registration is still there: a registration is alive while
// some local socket is bound to its port (listening, for TCP), as the kernel's socket tables in
// /proc/net show. When a daemon dies its sockets close, and its registrations are pruned, with
// no cooperation from the daemon and no traffic to it. A port reused by an unrelated program
// keeps a stale entry alive: the cost of not needing daemons to hold a session open.
class LocalPortProbe final {
 public:
  explicit LocalPortProbe(std::string proc_net_dir = "/proc/net")
      : proc_net_dir_(std::move(proc_net_dir)) {}

  // Re-reads the socket tables.
  void Refresh();
  // Registrations this probe cannot judge (other netids, unparsable addresses) count as alive.
  bool IsAlive(const Registration& registration) const;

 private:
  std::string proc_net_dir_;
  absl::flat_hash_set<uint16_t> tcp_listening_;
  absl::flat_hash_set<uint16_t> udp_bound_;
};

// Ports bound in one /proc/net/{tcp,tcp6,udp,udp6} table; for TCP only sockets in LISTEN state.
absl::flat_hash_set<uint16_t> ParseProcNetPorts(absl::string_view table, bool listening_only);

}  // namespace nfsuite::portmap

#endif  // NFSUITE_SERVICE_PORTMAP_LOCAL_PORT_PROBE_H_
