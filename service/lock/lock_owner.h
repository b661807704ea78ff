#ifndef NFSUITE_SERVICE_LOCK_LOCK_OWNER_H_
#define NFSUITE_SERVICE_LOCK_LOCK_OWNER_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "service/lock/nlm_types.h"

// Who holds a lock. NLM names a client host by the caller_name its lock manager sends and a lock
// owner on that host by (svid, oh); the server adds the address the calls come from, which is
// where callbacks go and what tells two hosts that claim one name apart.
namespace nfsuite::lock {

struct ClientHost {
  std::string caller_name;
  std::string address;  // numeric, without a port

  // Whether an NSM or FREE_ALL `name` (a host name, or an address) means this host.
  bool Matches(absl::string_view name) const { return name == caller_name || name == address; }
  bool operator==(const ClientHost& other) const {
    return caller_name == other.caller_name && address == other.address;
  }
  bool operator<(const ClientHost& other) const {
    return caller_name != other.caller_name ? caller_name < other.caller_name
                                            : address < other.address;
  }
};

struct LockOwner {
  ClientHost host;
  int32_t svid = 0;
  Netobj oh;

  // Unique per owner: every part is length-prefixed, so no two owners share a key.
  std::string Key() const {
    return absl::StrCat(host.caller_name.size(), ":", host.caller_name, host.address.size(), ":",
                        host.address, svid, ":", oh.size(), ":",
                        absl::string_view(reinterpret_cast<const char*>(oh.data()), oh.size()));
  }
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_LOCK_OWNER_H_
