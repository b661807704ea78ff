#include "service/nfs/nfs3_conversions.h"

#include <algorithm>
#include <limits>

namespace nfsuite::nfs {
namespace {

constexpr size_t kMaxNameLength = 255;

storage::AttributeChanges::TimeChange ToTimeChange(TimeHow how) {
  switch (how) {
    case TimeHow::kSetToServerTime:
      return storage::AttributeChanges::TimeChange::kSetToServerTime;
    case TimeHow::kSetToClientTime:
      return storage::AttributeChanges::TimeChange::kSetToClientTime;
    case TimeHow::kDontChange:
      break;
  }
  return storage::AttributeChanges::TimeChange::kKeep;
}

storage::Timestamp ToTimestamp(const Nfstime3& time) {
  return {static_cast<int64_t>(time.seconds), time.nseconds};
}

}  // namespace

Nfstime3 ToNfstime3(const storage::Timestamp& timestamp) {
  // nfstime3 seconds are unsigned 32-bit: times before 1970 or after 2106 are clamped.
  const int64_t seconds =
      std::clamp<int64_t>(timestamp.seconds, 0, std::numeric_limits<uint32_t>::max());
  return {static_cast<uint32_t>(seconds), timestamp.nanoseconds};
}

Fattr3 ToFattr3(const storage::Attributes& attributes) {
  Fattr3 fattr;
  fattr.type = static_cast<Ftype3>(attributes.type);
  fattr.mode = attributes.mode & 07777;
  fattr.nlink = attributes.nlink;
  fattr.uid = attributes.uid;
  fattr.gid = attributes.gid;
  fattr.size = attributes.size;
  fattr.used = attributes.used;
  fattr.rdev = {attributes.rdev_major, attributes.rdev_minor};
  fattr.fsid = attributes.fsid;
  fattr.fileid = attributes.fileid;
  fattr.atime = ToNfstime3(attributes.atime);
  fattr.mtime = ToNfstime3(attributes.mtime);
  fattr.ctime = ToNfstime3(attributes.ctime);
  return fattr;
}

WccAttr ToWccAttr(const storage::Attributes& attributes) {
  return {attributes.size, ToNfstime3(attributes.mtime), ToNfstime3(attributes.ctime)};
}

storage::AttributeChanges ToAttributeChanges(const Sattr3& attributes) {
  storage::AttributeChanges changes;
  changes.mode = attributes.mode;
  changes.uid = attributes.uid;
  changes.gid = attributes.gid;
  changes.size = attributes.size;
  changes.atime_change = ToTimeChange(attributes.atime.how);
  changes.atime = ToTimestamp(attributes.atime.time);
  changes.mtime_change = ToTimeChange(attributes.mtime.how);
  changes.mtime = ToTimestamp(attributes.mtime.time);
  return changes;
}

SquashPolicy SquashPolicyOf(const exports::ExportOptions& options) {
  return {options.squash, options.anon_uid, options.anon_gid};
}

storage::Identity IdentityOf(const rpc::Credentials& credentials, const SquashPolicy& squash) {
  storage::Identity identity;
  if (credentials.flavor != rpc::AuthFlavor::kSys || squash.mode == exports::SquashMode::kAll) {
    identity.uid = squash.anonymous_uid;
    identity.gid = squash.anonymous_gid;
    return identity;
  }
  identity.uid = credentials.uid;
  identity.gid = credentials.gid;
  identity.groups.assign(credentials.gids.begin(), credentials.gids.end());
  if (squash.mode == exports::SquashMode::kRoot) {
    if (identity.uid == 0) identity.uid = squash.anonymous_uid;
    if (identity.gid == 0) identity.gid = squash.anonymous_gid;
    // Group 0 would give a squashed caller root's group permissions anyway.
    std::replace(identity.groups.begin(), identity.groups.end(), uint32_t{0}, squash.anonymous_gid);
  }
  return identity;
}

std::optional<Nfsstat3> NameError(absl::string_view name) {
  if (name.empty() || name.find('/') != absl::string_view::npos ||
      name.find('\0') != absl::string_view::npos) {
    return Nfsstat3::kAcces;
  }
  if (name.size() > kMaxNameLength) return Nfsstat3::kNameTooLong;
  return std::nullopt;
}

std::optional<Nfsstat3> NewNameError(absl::string_view name, Nfsstat3 for_dot_names) {
  if (std::optional<Nfsstat3> error = NameError(name)) return error;
  if (name == "." || name == "..") return for_dot_names;
  return std::nullopt;
}

uint32_t GrantedAccess(const storage::Attributes& attributes, const storage::Identity& who,
                       uint32_t asked, bool read_only_export) {
  const bool is_directory = attributes.type == storage::FileType::kDirectory;
  uint32_t bits;  // rwx that apply to this caller
  if (who.uid == 0) {
    // Root passes read and write checks; execute needs some execute bit (directories: search).
    bits = 06 | ((is_directory || (attributes.mode & 0111) != 0) ? 01 : 0);
  } else if (who.uid == attributes.uid) {
    bits = (attributes.mode >> 6) & 07;
  } else if (who.gid == attributes.gid ||
             std::find(who.groups.begin(), who.groups.end(), attributes.gid) != who.groups.end()) {
    bits = (attributes.mode >> 3) & 07;
  } else {
    bits = attributes.mode & 07;
  }
  uint32_t granted = 0;
  if (bits & 04) granted |= kAccess3Read;
  if ((bits & 02) && !read_only_export) {
    granted |= kAccess3Modify | kAccess3Extend | (is_directory ? kAccess3Delete : 0);
  }
  if (bits & 01) granted |= is_directory ? kAccess3Lookup : kAccess3Execute;
  return granted & asked;
}

}  // namespace nfsuite::nfs
