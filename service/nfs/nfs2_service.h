#ifndef NFSUITE_SERVICE_NFS_NFS2_SERVICE_H_
#define NFSUITE_SERVICE_NFS_NFS2_SERVICE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "common/nfs/file_handle.h"
#include "common/rpc/call_context.h"
#include "common/rpc/procedure.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/nfs2_cookie_table.h"
#include "service/nfs/nfs2_types.h"
#include "service/nfs/request_target.h"
#include "service/storage/storage_backend.h"

namespace nfsuite::nfs {

// NFS version 2 (RFC 1094): the 18 procedures over the same storage backends, handles, export
// checks and credentials as NFSv3 (request_target.h, export_access.h); only the codec and these
// procedures are v2's own. Handles are the 32-byte form of the same keyed handles, so MOUNT v1's
// handles work here. Statuses come from the one errno table, remapped with ToNfsstat2.
//
// v2 limits: 8 KiB READ and WRITE; sizes and offsets are 32-bit, so a write past 4 GiB - 1 and
// the attributes of a larger file are FBIG. WRITE is always stable (v2 has no COMMIT) under a
// "sync" rule. WebNFS: 32 zero bytes are the public handle (RFC 2054).
class Nfs2Service final {
 public:
  // `exports` and `handles` must outlive the service.
  Nfs2Service(const CurrentExports& exports, const FileHandleCodec& handles);

  rpc::ProgramVersion Version2();

 private:
  using Target = RequestTarget;
  // With the current snapshot of the export table, or with `snapshot` (two handles, one table).
  std::variant<Target, Nfsstat2> Resolve(const rpc::CallContext& context,
                                         const v2::FHandle& handle) const;
  std::variant<Target, Nfsstat2> Resolve(const rpc::CallContext& context, const v2::FHandle& handle,
                                         std::shared_ptr<const ExportSnapshot> snapshot) const;
  std::optional<v2::FHandle> HandleFor(const ServedExport& exported,
                                       const storage::ObjectId& object) const;
  // The object's attributes as the reply of GETATTR, SETATTR and WRITE carries them.
  v2::AttrStat AttributesOf(const Target& target) const;
  // The directory a name-space change (CREATE, MKDIR, SYMLINK, REMOVE, RMDIR) applies to,
  // resolved, with the change refused before the backend sees it when `name_error` refuses the
  // name or the export is read-only (ROFS).
  using NameCheck = std::optional<Nfsstat2> (*)(absl::string_view name);
  std::variant<Target, Nfsstat2> DirectoryToChange(const rpc::CallContext& context,
                                                   const v2::DirOpArgs& where,
                                                   NameCheck name_error) const;
  // LOOKUP, CREATE and MKDIR's reply for an object found or made.
  v2::DirOpRes Describe(const ServedExport& exported, const storage::NamedObject& object) const;

  // nfs2_attribute_procedures.cc
  v2::AttrStat Getattr(const rpc::CallContext& context, const v2::FHandle& args);
  v2::AttrStat Setattr(const rpc::CallContext& context, const v2::SattrArgs& args);
  v2::StatfsRes Statfs(const rpc::CallContext& context, const v2::FHandle& args);
  // nfs2_io_procedures.cc
  v2::ReadlinkRes Readlink(const rpc::CallContext& context, const v2::FHandle& args);
  v2::ReadRes Read(const rpc::CallContext& context, const v2::ReadArgs& args);
  v2::AttrStat Write(const rpc::CallContext& context, const v2::WriteArgs& args);
  // nfs2_namespace_procedures.cc
  v2::DirOpRes Lookup(const rpc::CallContext& context, const v2::DirOpArgs& args);
  v2::DirOpRes LookupPublicPath(const rpc::CallContext& context, const std::string& path);
  v2::DirOpRes Create(const rpc::CallContext& context, const v2::CreateArgs& args);
  v2::DirOpRes Mkdir(const rpc::CallContext& context, const v2::CreateArgs& args);
  v2::StatRes Symlink(const rpc::CallContext& context, const v2::SymlinkArgs& args);
  v2::StatRes Remove(const rpc::CallContext& context, const v2::DirOpArgs& args);
  v2::StatRes Rmdir(const rpc::CallContext& context, const v2::DirOpArgs& args);
  v2::StatRes Rename(const rpc::CallContext& context, const v2::RenameArgs& args);
  v2::StatRes Link(const rpc::CallContext& context, const v2::LinkArgs& args);
  // nfs2_directory_procedures.cc
  v2::ReaddirRes Readdir(const rpc::CallContext& context, const v2::ReaddirArgs& args);

  const HandleResolver resolver_;
  v2::CookieTable cookies_;
};

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFS2_SERVICE_H_
