#ifndef NFSUITE_SERVICE_NFS_NFS3_SERVICE_H_
#define NFSUITE_SERVICE_NFS_NFS3_SERVICE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/nfs/file_handle.h"
#include "common/rpc/call_context.h"
#include "common/rpc/procedure.h"
#include "service/nfs/export_access.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/nfs3_conversions.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/request_target.h"
#include "service/nfs/transfer_limits.h"
#include "service/storage/storage_backend.h"

namespace nfsuite::nfs {

// NFS version 3 (RFC 1813): the 22 procedures over storage backends, with the export table
// enforced on every request. Each request's handle is checked (layout, MAC) and its export looked
// up in the current table (gone: STALE), then the caller is checked against the export's client
// rules (export_access.h): address, reserved port, read-only, squashing. Every file operation
// runs as the caller after squashing.
//
// WebNFS (RFC 2054/2055): the zero-length handle is the public handle, the root of the export
// marked "public"; LOOKUP from it takes a multi-component path (webnfs_path.h) and never leaves
// that export.
class Nfs3Service final {
 public:
  static constexpr uint32_t kMaxTransfer = kMaxTransferSize;  // rtmax and wtmax: 1 MiB

  // `exports` and `handles` must outlive the service. READ, READDIR(PLUS) and FSINFO's sizes on
  // UDP are bounded by `udp_transfer_size` (see transfer_limits.h).
  Nfs3Service(const CurrentExports& exports, const FileHandleCodec& handles,
              uint32_t udp_transfer_size = kDefaultUdpTransferSize);

  rpc::ProgramVersion Version3();
  const WriteVerf3& write_verifier() const { return write_verifier_; }

 private:
  using Target = RequestTarget;
  // With the current snapshot of the export table, or with `snapshot`: procedures with two
  // handles resolve both in one snapshot.
  std::variant<Target, Nfsstat3> Resolve(const rpc::CallContext& context,
                                         const NfsFh3& handle) const;
  std::variant<Target, Nfsstat3> Resolve(const rpc::CallContext& context, const NfsFh3& handle,
                                         std::shared_ptr<const ExportSnapshot> snapshot) const;
  std::optional<NfsFh3> HandleFor(const ServedExport& exported,
                                  const storage::ObjectId& object) const;

  // Attribute helpers shared by every procedure: failure to get attributes is never an error
  // of the procedure itself, the attributes are simply left out.
  PostOpAttr PostAttributes(const Target& target, const storage::Identity& who) const;
  PreOpAttr PreAttributes(const Target& target, const storage::Identity& who) const;
  WccData Wcc(const PreOpAttr& before, const Target& target, const storage::Identity& who) const;

  // nfs3_attribute_procedures.cc
  GetattrRes Getattr(const rpc::CallContext& context, const GetattrArgs& args);
  SetattrRes Setattr(const rpc::CallContext& context, const SetattrArgs& args);
  AccessRes Access(const rpc::CallContext& context, const AccessArgs& args);
  FsstatRes Fsstat(const rpc::CallContext& context, const FsstatArgs& args);
  FsinfoRes Fsinfo(const rpc::CallContext& context, const FsinfoArgs& args);
  PathconfRes Pathconf(const rpc::CallContext& context, const PathconfArgs& args);
  // nfs3_io_procedures.cc
  ReadlinkRes Readlink(const rpc::CallContext& context, const ReadlinkArgs& args);
  ReadRes Read(const rpc::CallContext& context, const ReadArgs& args);
  WriteRes Write(const rpc::CallContext& context, const WriteArgs& args);
  CommitRes Commit(const rpc::CallContext& context, const CommitArgs& args);
  // nfs3_namespace_procedures.cc
  LookupRes Lookup(const rpc::CallContext& context, const LookupArgs& args);
  // WebNFS: LOOKUP of a path relative to the public handle.
  LookupRes LookupPublicPath(const rpc::CallContext& context, const std::string& path);
  CreateRes Create(const rpc::CallContext& context, const CreateArgs& args);
  MkdirRes Mkdir(const rpc::CallContext& context, const MkdirArgs& args);
  SymlinkRes Symlink(const rpc::CallContext& context, const SymlinkArgs& args);
  MknodRes Mknod(const rpc::CallContext& context, const MknodArgs& args);
  RemoveRes Remove(const rpc::CallContext& context, const RemoveArgs& args);
  RmdirRes Rmdir(const rpc::CallContext& context, const RmdirArgs& args);
  RenameRes Rename(const rpc::CallContext& context, const RenameArgs& args);
  LinkRes Link(const rpc::CallContext& context, const LinkArgs& args);
  // nfs3_directory_procedures.cc
  ReaddirRes Readdir(const rpc::CallContext& context, const ReaddirArgs& args);
  ReaddirplusRes Readdirplus(const rpc::CallContext& context, const ReaddirplusArgs& args);

  // A new object's reply parts (CREATE, MKDIR, SYMLINK, MKNOD share them).
  struct Created {
    PostOpFh3 handle;
    PostOpAttr attributes;
  };
  Created Describe(const ServedExport& exported, const storage::NamedObject& object) const;

  // The most data (READ) or reply (READDIR, READDIRPLUS) a call's transport carries.
  uint32_t TransferLimit(const rpc::CallContext& context) const {
    return TransferLimitFor(context.origin.transport, kMaxTransfer, udp_transfer_size_);
  }

  const CurrentExports& exports_;
  const HandleResolver resolver_;
  const uint32_t udp_transfer_size_;
  WriteVerf3 write_verifier_{};
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFS3_SERVICE_H_
