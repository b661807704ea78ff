// NFSv3 directory listings (RFC 1813 sections 3.3.16 and 3.3.17).
#include <algorithm>
#include <cerrno>

#include "service/nfs/nfs3_service.h"
#include "service/nfs/nfs_status.h"

namespace nfsuite::nfs {
namespace {

// The smallest an entry can be on the wire (fileid, empty name, cookie, list flag), which bounds
// how many entries a reply of a given size could hold; the backend is asked for no more.
constexpr size_t kSmallestEntry = 8 + 4 + 8 + 4;
constexpr size_t kMaxEntriesPerCall = 4096;

uint64_t VerifierValue(const CookieVerf3& bytes) {
  uint64_t value = 0;
  for (uint8_t byte : bytes) value = (value << 8) | byte;
  return value;
}

CookieVerf3 VerifierBytes(uint64_t value) {
  CookieVerf3 bytes;
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<uint8_t>(value);
    value >>= 8;
  }
  return bytes;
}

size_t EntriesThatCouldFit(size_t bytes) {
  return std::clamp<size_t>(bytes / kSmallestEntry, 1, kMaxEntriesPerCall);
}

// A stale cookie or verifier is BAD_COOKIE; other failures map as usual.
Nfsstat3 ListingError(int error, uint64_t cookie) {
  return error == EINVAL && cookie != 0 ? Nfsstat3::kBadCookie : Nfsstat3FromErrno(error);
}

}  // namespace

// READDIR (3.3.16): as many entries as fit in `count` bytes of reply (on UDP, at most what fits a
// datagram); cookies continue a listing while other entries come and go. "." and ".." are not
// listed: clients do not need them.
ReaddirRes Nfs3Service::Readdir(const rpc::CallContext& context, const ReaddirArgs& args) {
  auto resolved = Resolve(context, args.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return ReaddirRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  const size_t count = std::min(args.count, TransferLimit(context));
  storage::StorageResult<storage::DirectoryPage> page = dir.exported->backend->ReadDirectory(
      who, dir.object, args.cookie, args.cookie == 0 ? 0 : VerifierValue(args.cookieverf),
      EntriesThatCouldFit(count), /*with_attributes=*/false);
  if (!page.ok()) {
    return ReaddirRes::Failure(ListingError(page.error(), args.cookie), {PostAttributes(dir, who)});
  }
  ReaddirResOk ok;
  ok.dir_attributes = PostAttributes(dir, who);
  ok.cookieverf = VerifierBytes(page->cookie_verifier);
  size_t size = ReaddirResOkFixedSize(ok.dir_attributes);
  bool truncated = false;
  for (storage::DirectoryEntry& entry : page->entries) {
    Entry3 listed{entry.fileid, std::move(entry.name), entry.cookie};
    const size_t entry_size = Entry3EncodedSize(listed);
    if (size + entry_size > count) {
      truncated = true;
      break;
    }
    size += entry_size;
    ok.entries.push_back(std::move(listed));
  }
  if (ok.entries.empty() && truncated) {
    return ReaddirRes::Failure(Nfsstat3::kTooSmall, {std::move(ok.dir_attributes)});
  }
  ok.eof = page->eof && !truncated;
  return ReaddirRes::Success(std::move(ok));
}

// READDIRPLUS (3.3.17): entries with handles and attributes, within `dircount` bytes of
// names/fileids/cookies and `maxcount` bytes of whole reply (on UDP, at most what fits a datagram).
ReaddirplusRes Nfs3Service::Readdirplus(const rpc::CallContext& context,
                                        const ReaddirplusArgs& args) {
  auto resolved = Resolve(context, args.dir);
  if (auto* error = std::get_if<Nfsstat3>(&resolved)) return ReaddirplusRes::Failure(*error, {});
  const Target& dir = std::get<Target>(resolved);
  const storage::Identity& who = dir.who();
  const size_t maxcount = std::min(args.maxcount, TransferLimit(context));
  storage::StorageResult<storage::DirectoryPage> page = dir.exported->backend->ReadDirectory(
      who, dir.object, args.cookie, args.cookie == 0 ? 0 : VerifierValue(args.cookieverf),
      std::min(EntriesThatCouldFit(args.dircount), EntriesThatCouldFit(maxcount)),
      /*with_attributes=*/true);
  if (!page.ok()) {
    return ReaddirplusRes::Failure(ListingError(page.error(), args.cookie),
                                   {PostAttributes(dir, who)});
  }
  ReaddirplusResOk ok;
  ok.dir_attributes = PostAttributes(dir, who);
  ok.cookieverf = VerifierBytes(page->cookie_verifier);
  size_t size = ReaddirplusResOkFixedSize(ok.dir_attributes);
  size_t directory_bytes = 0;
  bool truncated = false;
  for (storage::DirectoryEntry& entry : page->entries) {
    EntryPlus3 listed;
    listed.fileid = entry.fileid;
    listed.name = std::move(entry.name);
    listed.cookie = entry.cookie;
    if (entry.object.has_value()) {
      listed.name_attributes = ToFattr3(entry.object->attributes);
      listed.name_handle = HandleFor(*dir.exported, entry.object->id);
    }
    const size_t name_part = EntryPlus3DirectorySize(listed);
    const size_t entry_size = EntryPlus3EncodedSize(listed);
    if (directory_bytes + name_part > args.dircount || size + entry_size > maxcount) {
      truncated = true;
      break;
    }
    directory_bytes += name_part;
    size += entry_size;
    ok.entries.push_back(std::move(listed));
  }
  if (ok.entries.empty() && truncated) {
    return ReaddirplusRes::Failure(Nfsstat3::kTooSmall, {std::move(ok.dir_attributes)});
  }
  ok.eof = page->eof && !truncated;
  return ReaddirplusRes::Success(std::move(ok));
}

}  // namespace nfsuite::nfs
