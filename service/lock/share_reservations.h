#ifndef NFSUITE_SERVICE_LOCK_SHARE_RESERVATIONS_H_
#define NFSUITE_SERVICE_LOCK_SHARE_RESERVATIONS_H_

#include <functional>
#include <map>
#include <string>

#include "service/lock/lock_owner.h"
#include "service/lock/nlm_types.h"

// NLM's DOS-style share reservations of one file (SHARE, UNSHARE): an opener states the access it
// wants and the access it denies others. Linux has no such thing in the kernel, so they are the
// lock manager's alone: they bind NLM clients, not local processes.
namespace nfsuite::lock {

struct ShareReservation {
  ClientHost host;
  Netobj oh;
  ShareMode mode = ShareMode::kDenyNone;
  ShareAccess access = ShareAccess::kNone;

  std::string Key() const { return LockOwner{host, 0, oh}.Key(); }
};

class ShareReservations {
 public:
  // kGranted (replacing the owner's earlier reservation) or kDenied when it conflicts with another
  // owner's: what one wants, the other denies.
  NlmStatus Add(const ShareReservation& share);
  void Remove(const ShareReservation& share) { held_.erase(share.Key()); }
  size_t RemoveHosts(const std::function<bool(const ClientHost&)>& matches);
  size_t size() const { return held_.size(); }
  bool empty() const { return held_.empty(); }
  void ForEachHost(const std::function<void(const ClientHost&)>& visit) const;

 private:
  std::map<std::string, ShareReservation> held_;  // by ShareReservation::Key
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_SHARE_RESERVATIONS_H_
