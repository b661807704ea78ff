#ifndef NFSUITE_SERVICE_NFS_REQUEST_TARGET_H_
#define NFSUITE_SERVICE_NFS_REQUEST_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/types/span.h"
#include "common/nfs/file_handle.h"
#include "common/rpc/call_context.h"
#include "service/nfs/export_access.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/nfs_status.h"
#include "service/storage/storage_backend.h"

// What every NFS version does first with a request's file handle, whatever its wire form: check
// it (layout, MAC), find its export in the table (gone: STALE), and check the caller against the
// export's client rules. Statuses are v3's; NFSv2 remaps them with ToNfsstat2.
namespace nfsuite::nfs {

// A handle resolved to its export and object, for a caller the export admits.
struct RequestTarget {
  std::shared_ptr<const ExportSnapshot> snapshot;  // keeps `exported` and the rule alive
  const ServedExport* exported;
  storage::ObjectId object;
  ExportAccess access;

  storage::StorageBackend& backend() const { return *exported->backend; }
  const storage::Identity& who() const { return access.who; }
  bool read_only() const { return access.read_only(); }
  bool synchronous() const { return access.synchronous(); }
};

class HandleResolver {
 public:
  // `exports` and `handles` must outlive the resolver.
  HandleResolver(const CurrentExports& exports, const FileHandleCodec& handles)
      : exports_(exports), handles_(handles) {}

  // The export table now; procedures with two handles resolve both in one snapshot, so that one
  // export is one export.
  std::shared_ptr<const ExportSnapshot> Snapshot() const { return exports_.Get(); }

  // `handle` is the handle's bytes; empty stands for WebNFS's public handle (RFC 2055 section
  // 5.2: v3's zero-length handle, v2's 32 zero bytes), the root of the export marked "public".
  std::variant<RequestTarget, Nfsstat3> Resolve(
      const rpc::CallContext& context, absl::Span<const uint8_t> handle,
      std::shared_ptr<const ExportSnapshot> snapshot) const;

  // The handle of `object` in `exported`, at most `max_size` bytes (v2: exactly 32); nullopt,
  // logged, when the object's id does not fit.
  std::optional<std::vector<uint8_t>> HandleFor(const ServedExport& exported,
                                                const storage::ObjectId& object,
                                                size_t max_size) const;

 private:
  const CurrentExports& exports_;
  const FileHandleCodec& handles_;
};

// WebNFS multi-component LOOKUP (RFC 2055 section 6) from the public root `root`: the path is
// walked one component at a time through the backend, which keeps every step inside the public
// export (".." of its root is the root, symlinks are never followed). A symlink met before the
// last component is NOTDIR: the client reads the link and looks its target up itself.
std::variant<storage::NamedObject, Nfsstat3> WalkPublicPath(const RequestTarget& root,
                                                            const std::string& path);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_REQUEST_TARGET_H_
