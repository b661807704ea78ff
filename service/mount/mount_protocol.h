#ifndef NFSUITE_SERVICE_MOUNT_MOUNT_PROTOCOL_H_
#define NFSUITE_SERVICE_MOUNT_MOUNT_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

// MOUNT protocol versions 3 (RFC 1813 appendix I) and 1 (RFC 1094 appendix A): the same
// procedures and list types; MNT of version 1 answers a fixed 32-byte NFSv2 handle (fhstatus).
namespace nfsuite::mount {

inline constexpr uint32_t kProgram = 100005;
inline constexpr uint32_t kVersion1 = 1;
inline constexpr uint32_t kVersion3 = 3;
inline constexpr size_t kVersion1HandleSize = 32;  // FHSIZE
inline constexpr size_t kMaxPathLength = 1024;     // MNTPATHLEN
inline constexpr size_t kMaxNameLength = 255;      // MNTNAMLEN
inline constexpr size_t kMaxHandleSize = 64;       // FHSIZE3
inline constexpr size_t kMaxListEntries = 65536;

namespace proc {
inline constexpr uint32_t kNull = 0, kMnt = 1, kDump = 2, kUmnt = 3, kUmntAll = 4, kExport = 5;
}

enum class MountStat3 : uint32_t {
  kOk = 0,
  kPerm = 1,
  kNoEnt = 2,
  kIo = 5,
  kAcces = 13,
  kNotDir = 20,
  kInval = 22,
  kNameTooLong = 63,
  kNotSupp = 10004,
  kServerFault = 10006,
};

struct MountResult3 {
  MountStat3 status = MountStat3::kOk;
  // When status is kOk:
  absl::InlinedVector<uint8_t, kMaxHandleSize> handle;
  std::vector<uint32_t> auth_flavors;
};

struct MountEntry {  // mountbody
  std::string hostname;
  std::string directory;

  bool operator==(const MountEntry& other) const = default;
};

struct ExportEntry {  // exportnode
  std::string directory;
  std::vector<std::string> groups;  // clients allowed; empty means everyone

  bool operator==(const ExportEntry& other) const = default;
};

// Server side: decode arguments, encode results.
void DecodeDirPath(xdr::XdrDecoder& decoder, std::string& path);
void EncodeMountResult3(xdr::XdrEncoder& encoder, const MountResult3& result);
// fhstatus: the status as a UNIX errno (RFC 1094 says so; the MOUNT v3 codes that are not
// errnos become EIO) and, on success, the handle as fixed 32 bytes.
void EncodeFhStatus(xdr::XdrEncoder& encoder, const MountResult3& result);
void EncodeMountList(xdr::XdrEncoder& encoder, const std::vector<MountEntry>& list);
void EncodeExportList(xdr::XdrEncoder& encoder, const std::vector<ExportEntry>& list);

// Client side (tests, tools): the inverse.
void EncodeDirPath(xdr::XdrEncoder& encoder, const std::string& path);
void DecodeMountResult3(xdr::XdrDecoder& decoder, MountResult3& result);
void DecodeFhStatus(xdr::XdrDecoder& decoder, MountResult3& result);
void DecodeMountList(xdr::XdrDecoder& decoder, std::vector<MountEntry>& list);
void DecodeExportList(xdr::XdrDecoder& decoder, std::vector<ExportEntry>& list);

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_MOUNT_PROTOCOL_H_
