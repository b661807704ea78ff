#ifndef NFSUITE_SERVICE_NFS_NFS3_CONVERSIONS_H_
#define NFSUITE_SERVICE_NFS_NFS3_CONVERSIONS_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "common/exports/export_entry.h"
#include "common/rpc/rpc_message.h"
#include "service/nfs/nfs3_types.h"
#include "service/storage/storage_backend.h"

// Between the wire types of RFC 1813 and the storage backend's types, and the checks every
// procedure applies the same way.
namespace nfsuite::nfs {

Fattr3 ToFattr3(const storage::Attributes& attributes);
WccAttr ToWccAttr(const storage::Attributes& attributes);
Nfstime3 ToNfstime3(const storage::Timestamp& timestamp);
storage::AttributeChanges ToAttributeChanges(const Sattr3& attributes);

// How callers are mapped for one client of an export (exports(5) root_squash, no_root_squash,
// all_squash, anonuid, anongid).
struct SquashPolicy {
  exports::SquashMode mode = exports::SquashMode::kRoot;
  uint32_t anonymous_uid = exports::kDefaultAnonymousId;
  uint32_t anonymous_gid = exports::kDefaultAnonymousId;
};
SquashPolicy SquashPolicyOf(const exports::ExportOptions& options);

// The identity a call's file operations run as, squashed as Linux nfsd does: root_squash maps
// uid 0 to the anonymous uid and gid 0 (primary or supplementary) to the anonymous gid, keeping
// the other groups; all_squash makes every caller the anonymous user without groups. AUTH_NONE
// (any flavor but AUTH_SYS) is the anonymous user whatever the policy.
storage::Identity IdentityOf(const rpc::Credentials& credentials, const SquashPolicy& squash);

// Why a name cannot be used, or nullopt: empty, '/' or NUL → ACCES (as Linux's lookup does),
// over 255 bytes → NAMETOOLONG.
std::optional<Nfsstat3> NameError(absl::string_view name);
// As NameError, and "." or ".." as the name of a new or removed entry is refused too.
std::optional<Nfsstat3> NewNameError(absl::string_view name, Nfsstat3 for_dot_names);

// ACCESS (RFC 1813 3.3.4): which of `asked` the identity gets on an object with `attributes`,
// from its permission bits as the kernel would judge them.
uint32_t GrantedAccess(const storage::Attributes& attributes, const storage::Identity& who,
                       uint32_t asked, bool read_only_export);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFS3_CONVERSIONS_H_
