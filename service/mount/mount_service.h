#ifndef NFSUITE_SERVICE_MOUNT_MOUNT_SERVICE_H_
#define NFSUITE_SERVICE_MOUNT_MOUNT_SERVICE_H_

#include <string>
#include <vector>

#include "common/exports/host_resolution.h"
#include "common/nfs/file_handle.h"
#include "common/rpc/call_context.h"
#include "common/rpc/procedure.h"
#include "service/mount/live_exports.h"
#include "service/mount/mount_list.h"
#include "service/mount/mount_protocol.h"

namespace nfsuite::mount {

struct MountServiceOptions {
  // Who may read the export list (EXPORT) and the mount list (DUMP).
  enum class Lists {
    kEveryone,    // every export with its clients, every mount
    kRestricted,  // only the exports the asking client may mount, and its own mounts
    kRefused,     // nobody: AUTH_ERROR (AUTH_TOOWEAK)
  };
  Lists lists = Lists::kEveryone;
  // How wildcard client names are checked; replaceable for tests.
  exports::ReverseResolver reverse_resolver = exports::ReverseResolveConfirmed;
};

// MOUNT versions 1 and 3 over the live export table: checks the client against the export's
// client list (and its port against `secure`), hands out root handles nfsd accepts (same codec
// and key), and keeps the mount list.
class MountService final {
 public:
  MountService(const LiveExports& exports, MountList& mounts, const nfs::FileHandleCodec& handles,
               MountServiceOptions options = {})
      : exports_(exports), mounts_(mounts), handles_(handles), options_(std::move(options)) {}

  rpc::ProgramVersion Version1();
  rpc::ProgramVersion Version3();

 private:
  // MNT for either version: a handle of at most `handle_size` bytes.
  MountResult3 Mount(const rpc::CallContext& context, const std::string& path, size_t handle_size);
  rpc::HandlerResult<std::vector<MountEntry>> Dump(const rpc::CallContext& context) const;
  void Unmount(const rpc::CallContext& context, const std::string& path);
  void UnmountAll(const rpc::CallContext& context);
  rpc::HandlerResult<std::vector<ExportEntry>> ExportList(const rpc::CallContext& context) const;
  // The procedure table shared by both versions, with MNT's reply in `version`'s form.
  rpc::ProgramVersion Table(uint32_t version);

  const LiveExports& exports_;
  MountList& mounts_;
  const nfs::FileHandleCodec& handles_;
  const MountServiceOptions options_;
};

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_MOUNT_SERVICE_H_
