#ifndef NFSUITE_SERVICE_NFS_NFS2_CONVERSIONS_H_
#define NFSUITE_SERVICE_NFS_NFS2_CONVERSIONS_H_

#include <cstdint>
#include <variant>

#include "service/nfs/nfs2_types.h"
#include "service/storage/storage_backend.h"

// Between the wire types of RFC 1094 and the storage backend's types. v2's fields are 32 bits
// wide: identifiers (fileid, fsid) are folded into them, which keeps them distinct in practice;
// a file size that does not fit is FBIG, never a truncated number a client would believe.
namespace nfsuite::nfs::v2 {

// fattr for `attributes`, or FBIG for a file of 4 GiB or more.
std::variant<Fattr, Nfsstat2> ToFattr(const storage::Attributes& attributes);
Timeval ToTimeval(const storage::Timestamp& timestamp);

// sattr's fields with the value kUnset stay as they are. A time whose useconds is 1000000 means
// "the server's time" (the convention of Sun's and Linux's v2 clients, which have no other way
// to say it); other useconds over 999999 are taken as 999999.
storage::AttributeChanges ToAttributeChanges(const Sattr& attributes);

// Folds a 64-bit identifier into v2's 32 bits (high half XOR low half): identity for the 32-bit
// inode numbers of most filesystems.
uint32_t Fold(uint64_t value);

}  // namespace nfsuite::nfs::v2

#endif  // NFSUITE_SERVICE_NFS_NFS2_CONVERSIONS_H_
