#include "service/mount/mount_protocol.h"

#include <algorithm>

#include "common/xdr/xdr_list.h"

namespace nfsuite::mount {

void DecodeDirPath(xdr::XdrDecoder& decoder, std::string& path) {
  path = decoder.String(kMaxPathLength);
}

void EncodeDirPath(xdr::XdrEncoder& encoder, const std::string& path) { encoder.String(path); }

void EncodeMountResult3(xdr::XdrEncoder& encoder, const MountResult3& result) {
  encoder.Uint32(static_cast<uint32_t>(result.status));
  if (result.status != MountStat3::kOk) return;
  encoder.Opaque(result.handle);
  encoder.Uint32(static_cast<uint32_t>(result.auth_flavors.size()));
  for (uint32_t flavor : result.auth_flavors) encoder.Uint32(flavor);
}

void DecodeMountResult3(xdr::XdrDecoder& decoder, MountResult3& result) {
  result.status = static_cast<MountStat3>(decoder.Enum({0, 1, 2, 5, 13, 20, 22, 63, 10004, 10006}));
  if (!decoder.ok() || result.status != MountStat3::kOk) return;
  absl::Span<const uint8_t> handle = decoder.Opaque(kMaxHandleSize);
  result.handle.assign(handle.begin(), handle.end());
  const uint32_t count = decoder.ArrayLength(64);
  result.auth_flavors.clear();
  for (uint32_t i = 0; i < count && decoder.ok(); ++i) {
    result.auth_flavors.push_back(decoder.Uint32());
  }
}

void EncodeFhStatus(xdr::XdrEncoder& encoder, const MountResult3& result) {
  const auto status = static_cast<uint32_t>(result.status);
  encoder.Uint32(status < 100 ? status : static_cast<uint32_t>(MountStat3::kIo));
  if (result.status != MountStat3::kOk) return;
  uint8_t handle[kVersion1HandleSize] = {};
  std::copy_n(result.handle.begin(), std::min(result.handle.size(), kVersion1HandleSize), handle);
  encoder.FixedOpaque(absl::MakeConstSpan(handle));
}

void DecodeFhStatus(xdr::XdrDecoder& decoder, MountResult3& result) {
  result.status = static_cast<MountStat3>(decoder.Uint32());
  if (!decoder.ok() || result.status != MountStat3::kOk) return;
  absl::Span<const uint8_t> handle = decoder.FixedOpaque(kVersion1HandleSize);
  result.handle.assign(handle.begin(), handle.end());
}

void EncodeMountList(xdr::XdrEncoder& encoder, const std::vector<MountEntry>& list) {
  xdr::EncodeList(encoder, list, [&](const MountEntry& entry) {
    encoder.String(entry.hostname);
    encoder.String(entry.directory);
  });
}

void DecodeMountList(xdr::XdrDecoder& decoder, std::vector<MountEntry>& list) {
  xdr::DecodeList(decoder, list, kMaxListEntries, [&](MountEntry& entry) {
    entry.hostname = decoder.String(kMaxNameLength);
    entry.directory = decoder.String(kMaxPathLength);
  });
}

void EncodeExportList(xdr::XdrEncoder& encoder, const std::vector<ExportEntry>& list) {
  xdr::EncodeList(encoder, list, [&](const ExportEntry& entry) {
    encoder.String(entry.directory);
    xdr::EncodeList(encoder, entry.groups,
                    [&](const std::string& group) { encoder.String(group); });
  });
}

void DecodeExportList(xdr::XdrDecoder& decoder, std::vector<ExportEntry>& list) {
  xdr::DecodeList(decoder, list, kMaxListEntries, [&](ExportEntry& entry) {
    entry.directory = decoder.String(kMaxPathLength);
    xdr::DecodeList(decoder, entry.groups, kMaxListEntries,
                    [&](std::string& group) { group = decoder.String(kMaxNameLength); });
  });
}

}  // namespace nfsuite::mount
