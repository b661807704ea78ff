#include "service/nfs/nfs2_conversions.h"

#include <sys/stat.h>

#include <algorithm>
#include <limits>

namespace nfsuite::nfs::v2 {
namespace {

// What ls(1) on the client uses to count blocks.
constexpr uint32_t kBlockSize = 512;
// The fifo convention of v2 servers: NFCHR with this rdev.
constexpr uint32_t kFifoRdev = 0xFFFFFFFFu;
constexpr uint32_t kServerTimeUseconds = 1000000;

struct TypeOnWire {
  Ftype type;
  uint32_t mode_bits;
};

TypeOnWire WireType(storage::FileType type) {
  switch (type) {
    case storage::FileType::kRegular:
      return {Ftype::kReg, S_IFREG};
    case storage::FileType::kDirectory:
      return {Ftype::kDir, S_IFDIR};
    case storage::FileType::kBlockDevice:
      return {Ftype::kBlk, S_IFBLK};
    case storage::FileType::kCharDevice:
      return {Ftype::kChr, S_IFCHR};
    case storage::FileType::kSymlink:
      return {Ftype::kLnk, S_IFLNK};
    case storage::FileType::kSocket:
      return {Ftype::kSock, S_IFSOCK};
    case storage::FileType::kFifo:
      return {Ftype::kChr, S_IFIFO};
  }
  return {Ftype::kNon, 0};
}

// Linux's 32-bit device number encoding (new_encode_dev), which v2 clients on Linux decode.
uint32_t EncodeDevice(uint32_t major, uint32_t minor) {
  return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffu) << 12);
}

uint32_t Clamp32(uint64_t value) {
  return static_cast<uint32_t>(std::min<uint64_t>(value, std::numeric_limits<uint32_t>::max()));
}

storage::AttributeChanges::TimeChange ToTimeChange(const Timeval& time) {
  if (time.seconds == kUnset) return storage::AttributeChanges::TimeChange::kKeep;
  if (time.useconds == kServerTimeUseconds) {
    return storage::AttributeChanges::TimeChange::kSetToServerTime;
  }
  return storage::AttributeChanges::TimeChange::kSetToClientTime;
}

storage::Timestamp ToTimestamp(const Timeval& time) {
  const uint32_t useconds = std::min<uint32_t>(time.useconds, 999999);
  return {static_cast<int64_t>(time.seconds), useconds * 1000};
}

}  // namespace

uint32_t Fold(uint64_t value) {
  return static_cast<uint32_t>(value) ^ static_cast<uint32_t>(value >> 32);
}

Timeval ToTimeval(const storage::Timestamp& timestamp) {
  // Unsigned 32-bit seconds: times before 1970 or after 2106 are clamped.
  const int64_t seconds =
      std::clamp<int64_t>(timestamp.seconds, 0, std::numeric_limits<uint32_t>::max());
  return {static_cast<uint32_t>(seconds), timestamp.nanoseconds / 1000};
}

std::variant<Fattr, Nfsstat2> ToFattr(const storage::Attributes& attributes) {
  if (attributes.size > kMaxFileSize) return Nfsstat2::kFBig;
  const TypeOnWire wire = WireType(attributes.type);
  Fattr fattr;
  fattr.type = wire.type;
  fattr.mode = wire.mode_bits | (attributes.mode & 07777);
  fattr.nlink = attributes.nlink;
  fattr.uid = attributes.uid;
  fattr.gid = attributes.gid;
  fattr.size = static_cast<uint32_t>(attributes.size);
  fattr.blocksize = kBlockSize;
  fattr.rdev = attributes.type == storage::FileType::kFifo
                   ? kFifoRdev
                   : EncodeDevice(attributes.rdev_major, attributes.rdev_minor);
  fattr.blocks = Clamp32((attributes.used + kBlockSize - 1) / kBlockSize);
  fattr.fsid = Fold(attributes.fsid);
  fattr.fileid = Fold(attributes.fileid);
  fattr.atime = ToTimeval(attributes.atime);
  fattr.mtime = ToTimeval(attributes.mtime);
  fattr.ctime = ToTimeval(attributes.ctime);
  return fattr;
}

storage::AttributeChanges ToAttributeChanges(const Sattr& attributes) {
  storage::AttributeChanges changes;
  // The mode may carry file type bits (clients send what stat gave them): only the permission
  // bits can change.
  if (attributes.mode != kUnset) changes.mode = attributes.mode & 07777;
  if (attributes.uid != kUnset) changes.uid = attributes.uid;
  if (attributes.gid != kUnset) changes.gid = attributes.gid;
  if (attributes.size != kUnset) changes.size = attributes.size;
  changes.atime_change = ToTimeChange(attributes.atime);
  changes.atime = ToTimestamp(attributes.atime);
  changes.mtime_change = ToTimeChange(attributes.mtime);
  changes.mtime = ToTimestamp(attributes.mtime);
  return changes;
}

}  // namespace nfsuite::nfs::v2
