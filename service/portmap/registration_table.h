#ifndef NFSUITE_SERVICE_PORTMAP_REGISTRATION_TABLE_H_
#define NFSUITE_SERVICE_PORTMAP_REGISTRATION_TABLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/rpc/portmap_protocol.h"

namespace nfsuite::portmap {

// One registered (program, version, netid) → universal address.
struct Registration {
  uint32_t program = 0;
  uint32_t version = 0;
  std::string netid;    // "tcp", "udp", "tcp6", "udp6"
  std::string address;  // universal address
  std::string owner;
  bool permanent = false;  // portmapd's own entries: never pruned, never persisted

  bool operator==(const Registration& other) const = default;
};

// The portmapper's table. Thread-safe. Every change is reported to `on_change` (which persists
// the table) with the lock released.
class RegistrationTable final {
 public:
  using ChangeListener = std::function<void(const std::vector<Registration>& snapshot)>;
  explicit RegistrationTable(ChangeListener on_change = nullptr)
      : on_change_(std::move(on_change)) {}

  // RPCBPROC_SET / PMAPPROC_SET: fails when (program, version, netid) is already registered.
  bool Set(const Registration& registration);
  // RPCBPROC_UNSET: removes (program, version) on `netid`, or on every netid when it is empty.
  // Returns whether anything was removed.
  bool Unset(uint32_t program, uint32_t version, absl::string_view netid);

  // The entry for (program, version, netid); when that version is not registered and
  // `any_version` is set, an entry of another version of the program (the historical GETPORT and
  // GETADDR behaviour, which lets the client learn the supported versions from PROG_MISMATCH).
  std::optional<Registration> Find(uint32_t program, uint32_t version, absl::string_view netid,
                                   bool any_version) const;
  std::vector<Registration> FindVersion(uint32_t program, uint32_t version) const;
  std::vector<Registration> Snapshot() const;

  // Removes every non-permanent entry for which `is_alive` says false; returns how many.
  size_t Prune(const std::function<bool(const Registration&)>& is_alive);

 private:
  void NotifyChange();

  const ChangeListener on_change_;
  // Serialises notifications, each with a fresh snapshot, so the last one persisted is the newest.
  absl::Mutex notify_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  std::vector<Registration> entries_ ABSL_GUARDED_BY(mu_);  // in registration order
};

// The PMAP v2 view of a netid: IPPROTO_TCP / IPPROTO_UDP for IPv4 netids, nullopt otherwise.
std::optional<uint32_t> PmapProtocolOf(absl::string_view netid);
std::optional<std::string> NetIdOfPmapProtocol(uint32_t protocol);

}  // namespace nfsuite::portmap

#endif  // NFSUITE_SERVICE_PORTMAP_REGISTRATION_TABLE_H_
