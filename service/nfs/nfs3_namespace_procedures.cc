// NFSv3 name-space procedures (RFC 1813 sections 3.3.3 and 3.3.8-3.3.15). Names are checked
// here, before the backend sees them: '/', NUL or empty → ACCES, over 255 bytes → NAMETOOLONG.
#include <memory>
#include <utility>

#include "service/nfs/nfs3_service.h"
#include "service/nfs/nfs_status.h"

namespace nfsuite::nfs {
namespace {

storage::CreateHow ToCreateHow(const CreateHow3& how) {
  storage::CreateHow result;
  result.mode = static_cast<storage::CreateHow::Mode>(how.mode);
  result.initial = ToAttributeChanges(how.obj_attributes);
  result.verifier = how.verf;
  return result;
}

}  // namespace

// LOOKUP (3.3.3): "." is the directory, ".." its parent, and the parent of an export's root is
// the root itself. From the public handle the name is a path (WebNFS).
LookupRes Nfs3Service::Lookup(const rpc::CallContext& context, const LookupArgs& args) {
  if (args.what.dir.data.empty()) return LookupPublicPath(context, args.what.name);
  auto resolved = Resolve(context, args.what.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return LookupRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  if (std::optional<Nfsstat3> error = NameError(args.what.name)) {
    return LookupRes::Failure(*error, {PostAttributes(dir, who)});
  }
  storage::StorageResult<storage::NamedObject> found =
      dir.exported->backend->Lookup(who, dir.object, args.what.name);
  if (!found.ok()) {
    return LookupRes::Failure(Nfsstat3FromErrno(found.error()), {PostAttributes(dir, who)});
  }
  std::optional<NfsFh3> handle = HandleFor(*dir.exported, found->id);
  if (!handle.has_value()) {
    return LookupRes::Failure(Nfsstat3::kServerFault, {PostAttributes(dir, who)});
  }
  return LookupRes::Success(
      {*std::move(handle), ToFattr3(found->attributes), PostAttributes(dir, who)});
}

// WebNFS multi-component LOOKUP (RFC 2055 section 6), walked by WalkPublicPath inside the public
// export. The reply carries an ordinary handle, and the public root's attributes as the
// directory's.
LookupRes Nfs3Service::LookupPublicPath(const rpc::CallContext& context, const std::string& path) {
  auto resolved = Resolve(context, NfsFh3{});
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return LookupRes::Failure(*error, {});
  const Target& root = std::get<Target>(resolved);
  const storage::Identity& who = root.who();
  auto walked = WalkPublicPath(root, path);
  if (auto* error = std::get_if<Nfsstat3>(&walked)) {
    return LookupRes::Failure(*error, {PostAttributes(root, who)});
  }
  const storage::NamedObject& found = std::get<storage::NamedObject>(walked);
  std::optional<NfsFh3> handle = HandleFor(*root.exported, found.id);
  if (!handle.has_value()) {
    return LookupRes::Failure(Nfsstat3::kServerFault, {PostAttributes(root, who)});
  }
  return LookupRes::Success(
      {*std::move(handle), ToFattr3(found.attributes), PostAttributes(root, who)});
}

// CREATE (3.3.8): UNCHECKED, GUARDED, and EXCLUSIVE with the verifier kept by the backend.
CreateRes Nfs3Service::Create(const rpc::CallContext& context, const CreateArgs& args) {
  auto resolved = Resolve(context, args.where.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return CreateRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  const PreOpAttr before = PreAttributes(dir, who);
  std::optional<Nfsstat3> refused = NewNameError(args.where.name, Nfsstat3::kExist);
  if (!refused.has_value() && dir.read_only()) refused = Nfsstat3::kRofs;
  if (refused.has_value()) return CreateRes::Failure(*refused, {Wcc(before, dir, who)});
  storage::StorageResult<storage::NamedObject> created =
      dir.exported->backend->Create(who, dir.object, args.where.name, ToCreateHow(args.how));
  if (!created.ok()) {
    return CreateRes::Failure(Nfsstat3FromErrno(created.error()), {Wcc(before, dir, who)});
  }
  Created made = Describe(*dir.exported, *created);
  return CreateRes::Success(
      {std::move(made.handle), std::move(made.attributes), Wcc(before, dir, who)});
}

// MKDIR (3.3.9).
MkdirRes Nfs3Service::Mkdir(const rpc::CallContext& context, const MkdirArgs& args) {
  auto resolved = Resolve(context, args.where.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return MkdirRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  const PreOpAttr before = PreAttributes(dir, who);
  std::optional<Nfsstat3> refused = NewNameError(args.where.name, Nfsstat3::kExist);
  if (!refused.has_value() && dir.read_only()) refused = Nfsstat3::kRofs;
  if (refused.has_value()) return MkdirRes::Failure(*refused, {Wcc(before, dir, who)});
  storage::StorageResult<storage::NamedObject> created = dir.exported->backend->MakeDirectory(
      who, dir.object, args.where.name, ToAttributeChanges(args.attributes));
  if (!created.ok()) {
    return MkdirRes::Failure(Nfsstat3FromErrno(created.error()), {Wcc(before, dir, who)});
  }
  Created made = Describe(*dir.exported, *created);
  return MkdirRes::Success(
      {std::move(made.handle), std::move(made.attributes), Wcc(before, dir, who)});
}

// SYMLINK (3.3.10): the target is stored as given; the server never follows it.
SymlinkRes Nfs3Service::Symlink(const rpc::CallContext& context, const SymlinkArgs& args) {
  auto resolved = Resolve(context, args.where.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return SymlinkRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  const PreOpAttr before = PreAttributes(dir, who);
  std::optional<Nfsstat3> refused = NewNameError(args.where.name, Nfsstat3::kExist);
  if (!refused.has_value() && dir.read_only()) refused = Nfsstat3::kRofs;
  if (!refused.has_value() && args.symlink.symlink_data.find('\0') != std::string::npos) {
    refused = Nfsstat3::kInval;
  }
  if (refused.has_value()) return SymlinkRes::Failure(*refused, {Wcc(before, dir, who)});
  storage::StorageResult<storage::NamedObject> created = dir.exported->backend->MakeSymlink(
      who, dir.object, args.where.name, args.symlink.symlink_data,
      ToAttributeChanges(args.symlink.symlink_attributes));
  if (!created.ok()) {
    return SymlinkRes::Failure(Nfsstat3FromErrno(created.error()), {Wcc(before, dir, who)});
  }
  Created made = Describe(*dir.exported, *created);
  return SymlinkRes::Success(
      {std::move(made.handle), std::move(made.attributes), Wcc(before, dir, who)});
}

// MKNOD (3.3.11): fifos, sockets, character and block devices; other types are BADTYPE.
MknodRes Nfs3Service::Mknod(const rpc::CallContext& context, const MknodArgs& args) {
  auto resolved = Resolve(context, args.where.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return MknodRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  const PreOpAttr before = PreAttributes(dir, who);
  const Ftype3 type = args.what.type;
  std::optional<Nfsstat3> refused = NewNameError(args.where.name, Nfsstat3::kExist);
  if (!refused.has_value() && type != Ftype3::kChr && type != Ftype3::kBlk &&
      type != Ftype3::kSock && type != Ftype3::kFifo) {
    refused = Nfsstat3::kBadType;
  }
  if (!refused.has_value() && dir.read_only()) refused = Nfsstat3::kRofs;
  if (refused.has_value()) return MknodRes::Failure(*refused, {Wcc(before, dir, who)});
  storage::StorageResult<storage::NamedObject> created = dir.exported->backend->MakeNode(
      who, dir.object, args.where.name, static_cast<storage::FileType>(type),
      args.what.spec.specdata1, args.what.spec.specdata2, ToAttributeChanges(args.what.attributes));
  if (!created.ok()) {
    return MknodRes::Failure(Nfsstat3FromErrno(created.error()), {Wcc(before, dir, who)});
  }
  Created made = Describe(*dir.exported, *created);
  return MknodRes::Success(
      {std::move(made.handle), std::move(made.attributes), Wcc(before, dir, who)});
}

// REMOVE (3.3.12).
RemoveRes Nfs3Service::Remove(const rpc::CallContext& context, const RemoveArgs& args) {
  auto resolved = Resolve(context, args.object.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return RemoveRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  const PreOpAttr before = PreAttributes(dir, who);
  std::optional<Nfsstat3> refused = NewNameError(args.object.name, Nfsstat3::kInval);
  if (!refused.has_value() && dir.read_only()) refused = Nfsstat3::kRofs;
  if (refused.has_value()) return RemoveRes::Failure(*refused, {Wcc(before, dir, who)});
  storage::StorageStatus removed = dir.exported->backend->Remove(who, dir.object, args.object.name);
  if (!removed.ok()) {
    return RemoveRes::Failure(Nfsstat3FromErrno(removed.error()), {Wcc(before, dir, who)});
  }
  return RemoveRes::Success({Wcc(before, dir, who)});
}

// RMDIR (3.3.13).
RmdirRes Nfs3Service::Rmdir(const rpc::CallContext& context, const RmdirArgs& args) {
  auto resolved = Resolve(context, args.object.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return RmdirRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  const PreOpAttr before = PreAttributes(dir, who);
  std::optional<Nfsstat3> refused = NewNameError(args.object.name, Nfsstat3::kInval);
  if (!refused.has_value() && dir.read_only()) refused = Nfsstat3::kRofs;
  if (refused.has_value()) return RmdirRes::Failure(*refused, {Wcc(before, dir, who)});
  storage::StorageStatus removed =
      dir.exported->backend->RemoveDirectory(who, dir.object, args.object.name);
  if (!removed.ok()) {
    return RmdirRes::Failure(Nfsstat3FromErrno(removed.error()), {Wcc(before, dir, who)});
  }
  return RmdirRes::Success({Wcc(before, dir, who)});
}

// RENAME (3.3.14): atomic, replacing, across directories of one export; between exports XDEV.
RenameRes Nfs3Service::Rename(const rpc::CallContext& context, const RenameArgs& args) {
  // Both handles in one snapshot of the export table, so that one export is one export.
  std::shared_ptr<const ExportSnapshot> snapshot = exports_.Get();
  auto from_resolved = Resolve(context, args.from.dir, snapshot);
  if (auto* error = std::get_if<Nfsstat3>(&from_resolved)) return RenameRes::Failure(*error, {});
  auto to_resolved = Resolve(context, args.to.dir, std::move(snapshot));
  if (auto* error = std::get_if<Nfsstat3>(&to_resolved)) return RenameRes::Failure(*error, {});
  const Target& from = std::get<Target>(from_resolved);
  const Target& to = std::get<Target>(to_resolved);
  const storage::Identity& who = from.who();
  const PreOpAttr from_before = PreAttributes(from, who);
  const PreOpAttr to_before = PreAttributes(to, who);
  std::optional<Nfsstat3> refused = NewNameError(args.from.name, Nfsstat3::kInval);
  if (!refused.has_value()) refused = NewNameError(args.to.name, Nfsstat3::kInval);
  if (!refused.has_value() && from.exported != to.exported) refused = Nfsstat3::kXdev;
  if (!refused.has_value() && from.read_only()) refused = Nfsstat3::kRofs;
  if (!refused.has_value()) {
    storage::StorageStatus renamed =
        from.exported->backend->Rename(who, from.object, args.from.name, to.object, args.to.name);
    if (!renamed.ok()) refused = Nfsstat3FromErrno(renamed.error());
  }
  RenameResFail wcc{Wcc(from_before, from, who), Wcc(to_before, to, who)};
  if (refused.has_value()) return RenameRes::Failure(*refused, std::move(wcc));
  return RenameRes::Success({std::move(wcc.fromdir_wcc), std::move(wcc.todir_wcc)});
}

// LINK (3.3.15): within one export.
LinkRes Nfs3Service::Link(const rpc::CallContext& context, const LinkArgs& args) {
  std::shared_ptr<const ExportSnapshot> snapshot = exports_.Get();
  auto file_resolved = Resolve(context, args.file, snapshot);
  if (auto* error = std::get_if<Nfsstat3>(&file_resolved)) return LinkRes::Failure(*error, {});
  auto dir_resolved = Resolve(context, args.link.dir, std::move(snapshot));
  if (auto* error = std::get_if<Nfsstat3>(&dir_resolved)) return LinkRes::Failure(*error, {});
  const Target& file = std::get<Target>(file_resolved);
  const Target& dir = std::get<Target>(dir_resolved);
  const storage::Identity& who = dir.who();
  const PreOpAttr before = PreAttributes(dir, who);
  std::optional<Nfsstat3> refused = NewNameError(args.link.name, Nfsstat3::kExist);
  if (!refused.has_value() && file.exported != dir.exported) refused = Nfsstat3::kXdev;
  if (!refused.has_value() && dir.read_only()) refused = Nfsstat3::kRofs;
  if (!refused.has_value()) {
    storage::StorageStatus linked =
        dir.exported->backend->Link(who, file.object, dir.object, args.link.name);
    if (!linked.ok()) refused = Nfsstat3FromErrno(linked.error());
  }
  if (refused.has_value()) {
    return LinkRes::Failure(*refused, {PostAttributes(file, who), Wcc(before, dir, who)});
  }
  return LinkRes::Success({PostAttributes(file, who), Wcc(before, dir, who)});
}

}  // namespace nfsuite::nfs
