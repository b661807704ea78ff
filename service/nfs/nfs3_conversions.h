#ifndef NFSUITE_SERVICE_NFS_NFS3_CONVERSIONS_H_
#define NFSUITE_SERVICE_NFS_NFS3_CONVERSIONS_H_

#include <optional>

#include "absl/strings/string_view.h"
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

// How root and anonymous callers are mapped (exports(5) root_squash, anonuid, anongid).
struct SquashPolicy {
  bool root_squash = true;
  uint32_t anonymous_uid = 65534;
  uint32_t anonymous_gid = 65534;
};
// The identity a call's file operations run as: AUTH_SYS credentials after squashing; AUTH_NONE
// is the anonymous user.
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
