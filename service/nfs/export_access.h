#ifndef NFSUITE_SERVICE_NFS_EXPORT_ACCESS_H_
#define NFSUITE_SERVICE_NFS_EXPORT_ACCESS_H_

#include <cstdint>
#include <variant>

#include "common/exports/export_entry.h"
#include "common/rpc/call_context.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/nfs_status.h"
#include "service/storage/thread_identity.h"

namespace nfsuite::nfs {

// What one request may do in one export, by the client rule that admitted it.
struct ExportAccess {
  const exports::ClientRule* rule = nullptr;  // lives as long as the snapshot
  storage::Identity who;                      // the caller after the rule's squashing

  // exports(5) "ro": every procedure that would change the tree answers ROFS.
  bool read_only() const { return rule->options.read_only; }
  // exports(5) "sync" (the default) / "async": whether data reaches stable storage before the
  // server says so (see WRITE and COMMIT).
  bool synchronous() const { return rule->options.sync; }
};

// Source ports below this are reserved to root on the client: exports(5) "secure".
inline constexpr uint16_t kFirstUnreservedPort = 1024;

// nfsd's own check of every request against the export table (mounting is not the only gate):
// - the caller's address must match one of the export's client rules, else ACCES;
// - under a "secure" rule the request must come from a reserved source port, else ACCES (Linux
//   nfsd says PERM, "not owner"; ACCES, "permission denied", is what the client is: denied by
//   the export, as one outside the list is, whoever it claims to be);
// - the identity file operations run as is the caller's after the rule's squashing.
std::variant<ExportAccess, Nfsstat3> CheckExportAccess(const ExportSnapshot& snapshot,
                                                       const ServedExport& exported,
                                                       const rpc::CallContext& context);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_EXPORT_ACCESS_H_
