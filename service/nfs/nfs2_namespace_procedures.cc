// NFSv2 name-space procedures (RFC 1094 sections 2.2.5 and 2.2.10-2.2.16). Names are checked as
// for v3 (nfs3_conversions.h: '/', NUL or empty → ACCES, over 255 bytes → NAMETOOLONG), with the
// status remapped; "." and ".." as a new or removed name are EXIST and ACCES (v2 has no INVAL).
#include <sys/stat.h>

#include <memory>
#include <optional>
#include <utility>

#include "service/nfs/nfs2_conversions.h"
#include "service/nfs/nfs2_service.h"
#include "service/nfs/nfs3_conversions.h"

namespace nfsuite::nfs {
namespace {

std::optional<Nfsstat2> LookupNameError(absl::string_view name) {
  if (std::optional<Nfsstat3> error = NameError(name)) return ToNfsstat2(*error);
  return std::nullopt;
}

// A name to create: an existing "." or ".." is EXIST.
std::optional<Nfsstat2> CreatedNameError(absl::string_view name) {
  if (std::optional<Nfsstat3> error = NewNameError(name, Nfsstat3::kExist)) {
    return ToNfsstat2(*error);
  }
  return std::nullopt;
}

// A name to remove or rename: "." and ".." are not entries one may take away.
std::optional<Nfsstat2> RemovedNameError(absl::string_view name) {
  if (std::optional<Nfsstat3> error = NewNameError(name, Nfsstat3::kAcces)) {
    return ToNfsstat2(*error);
  }
  return std::nullopt;
}

v2::StatRes Status(Nfsstat2 status) { return {status}; }
v2::StatRes Status(const storage::StorageStatus& done) {
  return {done.ok() ? Nfsstat2::kOk : Nfsstat2FromErrno(done.error())};
}

// RFC 1094 has no MKNOD: clients (Linux, the BSDs) create special files with CREATE and the
// file type in the mode's S_IFMT bits. A character or block device carries its number in the
// size (8-bit major and minor); a character device with the size unset (0xFFFFFFFF) is how
// Linux sends a FIFO, as Linux's own server reads it.
struct SpecialFile {
  storage::FileType type;
  uint32_t major = 0;
  uint32_t minor = 0;
};

std::optional<SpecialFile> SpecialFileOf(const v2::Sattr& attributes) {
  if (attributes.mode == v2::kUnset) return std::nullopt;
  switch (attributes.mode & S_IFMT) {
    case S_IFIFO:
      return SpecialFile{storage::FileType::kFifo};
    case S_IFSOCK:
      return SpecialFile{storage::FileType::kSocket};
    case S_IFCHR:
      if (attributes.size == v2::kUnset) return SpecialFile{storage::FileType::kFifo};
      return SpecialFile{storage::FileType::kCharDevice, (attributes.size >> 8) & 0xff,
                         attributes.size & 0xff};
    case S_IFBLK:
      if (attributes.size == v2::kUnset) return std::nullopt;
      return SpecialFile{storage::FileType::kBlockDevice, (attributes.size >> 8) & 0xff,
                         attributes.size & 0xff};
    default:
      return std::nullopt;  // a regular file (or type bits that mean nothing here)
  }
}

}  // namespace

std::variant<Nfs2Service::Target, Nfsstat2> Nfs2Service::DirectoryToChange(
    const rpc::CallContext& context, const v2::DirOpArgs& where, NameCheck name_error) const {
  auto resolved = Resolve(context, where.dir);
  if (std::holds_alternative<Nfsstat2>(resolved)) return resolved;
  std::optional<Nfsstat2> refused = name_error(where.name);
  if (!refused.has_value() && std::get<Target>(resolved).read_only()) refused = Nfsstat2::kRofs;
  if (refused.has_value()) return *refused;
  return resolved;
}

// LOOKUP (2.2.5): "." is the directory, ".." its parent (the export root's is the root). From the
// public handle the name is a path (WebNFS, RFC 2054 section 5).
v2::DirOpRes Nfs2Service::Lookup(const rpc::CallContext& context, const v2::DirOpArgs& args) {
  if (args.dir.IsPublic()) return LookupPublicPath(context, args.name);
  auto resolved = Resolve(context, args.dir);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::DirOpRes::Failure(*error);
  const Target& dir = std::get<Target>(resolved);
  if (std::optional<Nfsstat2> error = LookupNameError(args.name)) {
    return v2::DirOpRes::Failure(*error);
  }
  storage::StorageResult<storage::NamedObject> found =
      dir.backend().Lookup(dir.who(), dir.object, args.name);
  if (!found.ok()) return v2::DirOpRes::Failure(Nfsstat2FromErrno(found.error()));
  return Describe(*dir.exported, *found);
}

// WebNFS multi-component LOOKUP, walked inside the public export as for v3; the reply carries
// an ordinary handle.
v2::DirOpRes Nfs2Service::LookupPublicPath(const rpc::CallContext& context,
                                           const std::string& path) {
  auto resolved = Resolve(context, v2::FHandle{});
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::DirOpRes::Failure(*error);
  const Target& root = std::get<Target>(resolved);
  auto walked = WalkPublicPath(root, path);
  if (auto* error = std::get_if<Nfsstat3>(&walked)) {
    return v2::DirOpRes::Failure(ToNfsstat2(*error));
  }
  return Describe(*root.exported, std::get<storage::NamedObject>(walked));
}

// CREATE (2.2.10): an existing file is opened as it is and given the attributes asked (a size
// of 0 truncates it): v2 clients create with O_TRUNC this way. Type bits in the mode make a
// special file instead (SpecialFileOf).
v2::DirOpRes Nfs2Service::Create(const rpc::CallContext& context, const v2::CreateArgs& args) {
  auto resolved = DirectoryToChange(context, args.where, &CreatedNameError);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::DirOpRes::Failure(*error);
  const Target& dir = std::get<Target>(resolved);
  if (const std::optional<SpecialFile> special = SpecialFileOf(args.attributes)) {
    storage::AttributeChanges initial = v2::ToAttributeChanges(args.attributes);
    initial.size.reset();  // it carried the device number
    storage::StorageResult<storage::NamedObject> created =
        dir.backend().MakeNode(dir.who(), dir.object, args.where.name, special->type,
                               special->major, special->minor, initial);
    if (!created.ok()) return v2::DirOpRes::Failure(Nfsstat2FromErrno(created.error()));
    return Describe(*dir.exported, *created);
  }
  storage::CreateHow how;
  how.mode = storage::CreateHow::Mode::kUnchecked;
  how.initial = v2::ToAttributeChanges(args.attributes);
  storage::StorageResult<storage::NamedObject> created =
      dir.backend().Create(dir.who(), dir.object, args.where.name, how);
  if (!created.ok()) return v2::DirOpRes::Failure(Nfsstat2FromErrno(created.error()));
  return Describe(*dir.exported, *created);
}

// MKDIR (2.2.14).
v2::DirOpRes Nfs2Service::Mkdir(const rpc::CallContext& context, const v2::CreateArgs& args) {
  auto resolved = DirectoryToChange(context, args.where, &CreatedNameError);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::DirOpRes::Failure(*error);
  const Target& dir = std::get<Target>(resolved);
  storage::StorageResult<storage::NamedObject> created = dir.backend().MakeDirectory(
      dir.who(), dir.object, args.where.name, v2::ToAttributeChanges(args.attributes));
  if (!created.ok()) return v2::DirOpRes::Failure(Nfsstat2FromErrno(created.error()));
  return Describe(*dir.exported, *created);
}

// SYMLINK (2.2.13): the target is stored as given; the server never follows it.
v2::StatRes Nfs2Service::Symlink(const rpc::CallContext& context, const v2::SymlinkArgs& args) {
  auto resolved = DirectoryToChange(context, args.from, &CreatedNameError);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return Status(*error);
  const Target& dir = std::get<Target>(resolved);
  // No file system stores a NUL in a link.
  if (args.to.find('\0') != std::string::npos) return Status(Nfsstat2::kAcces);
  storage::StorageResult<storage::NamedObject> created = dir.backend().MakeSymlink(
      dir.who(), dir.object, args.from.name, args.to, v2::ToAttributeChanges(args.attributes));
  return Status(created.ok() ? Nfsstat2::kOk : Nfsstat2FromErrno(created.error()));
}

// REMOVE (2.2.11).
v2::StatRes Nfs2Service::Remove(const rpc::CallContext& context, const v2::DirOpArgs& args) {
  auto resolved = DirectoryToChange(context, args, &RemovedNameError);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return Status(*error);
  const Target& dir = std::get<Target>(resolved);
  return Status(dir.backend().Remove(dir.who(), dir.object, args.name));
}

// RMDIR (2.2.15).
v2::StatRes Nfs2Service::Rmdir(const rpc::CallContext& context, const v2::DirOpArgs& args) {
  auto resolved = DirectoryToChange(context, args, &RemovedNameError);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return Status(*error);
  const Target& dir = std::get<Target>(resolved);
  return Status(dir.backend().RemoveDirectory(dir.who(), dir.object, args.name));
}

// RENAME (2.2.12): atomic, replacing, within one export; between exports ACCES (v2's word for
// v3's XDEV, see ToNfsstat2).
v2::StatRes Nfs2Service::Rename(const rpc::CallContext& context, const v2::RenameArgs& args) {
  std::shared_ptr<const ExportSnapshot> snapshot = resolver_.Snapshot();
  auto from_resolved = Resolve(context, args.from.dir, snapshot);
  if (auto* error = std::get_if<Nfsstat2>(&from_resolved)) return Status(*error);
  auto to_resolved = Resolve(context, args.to.dir, std::move(snapshot));
  if (auto* error = std::get_if<Nfsstat2>(&to_resolved)) return Status(*error);
  const Target& from = std::get<Target>(from_resolved);
  const Target& to = std::get<Target>(to_resolved);
  std::optional<Nfsstat2> refused = RemovedNameError(args.from.name);
  if (!refused.has_value()) refused = RemovedNameError(args.to.name);
  if (!refused.has_value() && from.exported != to.exported) refused = ToNfsstat2(Nfsstat3::kXdev);
  if (!refused.has_value() && from.read_only()) refused = Nfsstat2::kRofs;
  if (refused.has_value()) return Status(*refused);
  return Status(
      from.backend().Rename(from.who(), from.object, args.from.name, to.object, args.to.name));
}

// LINK (2.2.12): within one export.
v2::StatRes Nfs2Service::Link(const rpc::CallContext& context, const v2::LinkArgs& args) {
  std::shared_ptr<const ExportSnapshot> snapshot = resolver_.Snapshot();
  auto file_resolved = Resolve(context, args.from, snapshot);
  if (auto* error = std::get_if<Nfsstat2>(&file_resolved)) return Status(*error);
  auto dir_resolved = Resolve(context, args.to.dir, std::move(snapshot));
  if (auto* error = std::get_if<Nfsstat2>(&dir_resolved)) return Status(*error);
  const Target& file = std::get<Target>(file_resolved);
  const Target& dir = std::get<Target>(dir_resolved);
  std::optional<Nfsstat2> refused = CreatedNameError(args.to.name);
  if (!refused.has_value() && file.exported != dir.exported) refused = ToNfsstat2(Nfsstat3::kXdev);
  if (!refused.has_value() && dir.read_only()) refused = Nfsstat2::kRofs;
  if (refused.has_value()) return Status(*refused);
  return Status(dir.backend().Link(dir.who(), file.object, dir.object, args.to.name));
}

}  // namespace nfsuite::nfs
