#ifndef NFSUITE_SERVICE_MOUNT_MOUNT_SERVICE_H_
#define NFSUITE_SERVICE_MOUNT_MOUNT_SERVICE_H_

#include <string>
#include <vector>

#include "common/nfs/file_handle.h"
#include "common/rpc/call_context.h"
#include "common/rpc/procedure.h"
#include "service/mount/export_table.h"
#include "service/mount/mount_list.h"
#include "service/mount/mount_protocol.h"

namespace nfsuite::mount {

// MOUNT version 3 (RFC 1813 appendix I) over an export table: hands out root handles that nfsd
// accepts (same handle codec and key), and keeps the mount list.
class MountService final {
 public:
  MountService(const ExportTable& exports, MountList& mounts, const nfs::FileHandleCodec& handles)
      : exports_(exports), mounts_(mounts), handles_(handles) {}

  rpc::ProgramVersion Version3();

 private:
  MountResult3 Mount(const rpc::CallContext& context, const std::string& path);
  std::vector<MountEntry> Dump() const;
  void Unmount(const rpc::CallContext& context, const std::string& path);
  void UnmountAll(const rpc::CallContext& context);
  std::vector<ExportEntry> ExportList() const;

  const ExportTable& exports_;
  MountList& mounts_;
  const nfs::FileHandleCodec& handles_;
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_MOUNT_SERVICE_H_
