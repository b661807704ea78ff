// NFSv2 directory listing (RFC 1094 section 2.2.17).
#include <algorithm>
#include <cerrno>

#include "service/nfs/nfs2_conversions.h"
#include "service/nfs/nfs2_service.h"

namespace nfsuite::nfs {
namespace {

// The smallest entry on the wire (link flag, fileid, empty name, cookie) bounds how many
// entries a reply of `count` bytes could hold; the backend is asked for no more.
constexpr size_t kSmallestEntry = 4 + 4 + 4 + 4;
constexpr size_t kMaxEntriesPerCall = 1024;

}  // namespace

// READDIR (2.2.17): as many entries as fit in `count` bytes (at most NFS_MAXDATA) of reply.
// Cookies are 4 bytes on the wire; the backend's 64-bit ones are translated by the cookie table
// (nfs2_cookie_table.h), so a listing continues exactly where it stopped however large the
// directory. A cookie the table no longer holds, or one the filesystem refuses, is NFSERR_IO:
// v2 has no BAD_COOKIE.
v2::ReaddirRes Nfs2Service::Readdir(const rpc::CallContext& context, const v2::ReaddirArgs& args) {
  auto resolved = Resolve(context, args.dir);
  if (auto* error = std::get_if<Nfsstat2>(&resolved)) return v2::ReaddirRes::Failure(*error);
  const Target& dir = std::get<Target>(resolved);
  const std::optional<uint64_t> cookie = cookies_.FromWire(args.cookie);
  if (!cookie.has_value()) return v2::ReaddirRes::Failure(Nfsstat2::kIo);
  const size_t count = std::min(args.count, v2::kMaxData);
  storage::StorageResult<storage::DirectoryPage> page =
      dir.backend().ReadDirectory(dir.who(), dir.object, *cookie, /*cookie_verifier=*/0,
                                  std::clamp<size_t>(count / kSmallestEntry, 1, kMaxEntriesPerCall),
                                  /*with_attributes=*/false);
  if (!page.ok()) {
    return v2::ReaddirRes::Failure(page.error() == EINVAL ? Nfsstat2::kIo
                                                          : Nfsstat2FromErrno(page.error()));
  }
  v2::ReaddirOk ok;
  size_t size = v2::kReaddirFixedSize;
  bool truncated = false;
  for (storage::DirectoryEntry& entry : page->entries) {
    v2::Entry listed{v2::Fold(entry.fileid), std::move(entry.name), 0};
    const size_t entry_size = v2::EntryEncodedSize(listed);
    if (size + entry_size > count) {
      truncated = true;
      break;
    }
    listed.cookie = cookies_.ToWire(entry.cookie);
    size += entry_size;
    ok.entries.push_back(std::move(listed));
  }
  // Not even one entry fits: the client's buffer is too small (v2 has no TOOSMALL).
  if (ok.entries.empty() && truncated) return v2::ReaddirRes::Failure(Nfsstat2::kIo);
  ok.eof = page->eof && !truncated;
  return v2::ReaddirRes::Success(std::move(ok));
}

}  // namespace nfsuite::nfs
