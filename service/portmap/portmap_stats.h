#ifndef NFSUITE_SERVICE_PORTMAP_PORTMAP_STATS_H_
#define NFSUITE_SERVICE_PORTMAP_PORTMAP_STATS_H_

#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/rpc/portmap_protocol.h"

namespace nfsuite::portmap {

// The activity RPCBPROC_GETSTAT reports, per protocol version (2, 3, 4).
class PortmapStats final {
 public:
  void CountCall(uint32_t version, uint32_t procedure);
  void CountSet(uint32_t version);
  void CountUnset(uint32_t version);
  void CountLookup(uint32_t version, uint32_t program, uint32_t program_version,
                   const std::string& netid, bool found);
  rpc::portmap::RpcbStatByVersion Snapshot() const;

 private:
  // Distinct (program, version, netid) lookups remembered per protocol version; later ones are
  // not recorded, so a scan of program numbers cannot grow memory.
  static constexpr size_t kMaxLookupEntries = 256;

  mutable absl::Mutex mu_;
  rpc::portmap::RpcbStatByVersion stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nfsuite::portmap

#endif  // NFSUITE_SERVICE_PORTMAP_PORTMAP_STATS_H_
