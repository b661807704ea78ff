// MOUNT v1/v3 codecs (service/mount/mount_protocol).
#include <string>
#include <vector>

#include "service/mount/mount_protocol.h"
#include "tests/fuzz/codec_case.h"

namespace nfsuite::fuzz {

std::vector<CodecCase> MountCodecCases() {
  std::vector<CallTarget> path_calls;
  for (uint32_t version : {mount::kVersion1, mount::kVersion3}) {
    path_calls.push_back({mount::kProgram, version, mount::proc::kMnt});
    path_calls.push_back({mount::kProgram, version, mount::proc::kUmnt});
  }
  mount::MountResult3 mounted;
  mounted.handle.assign(28, 0x5a);
  mounted.auth_flavors = {1, 0};
  const std::vector<mount::MountEntry> mounts = {{"client.example", "/srv/data"}};
  const std::vector<mount::ExportEntry> exported = {{"/srv/data", {"*.example", "10.0.0.0/8"}},
                                                    {"/srv/public", {}}};
  // fhstatus has no exact round trip by design: the encoder sends a status that is not an errno
  // as EIO (mount_protocol.h), so only its decoder is checked.
  xdr::XdrEncoder fhstatus;
  fhstatus.Uint32(0);
  fhstatus.FixedOpaque(std::vector<uint8_t>(mount::kVersion1HandleSize, 0x5a));

  std::vector<CodecCase> cases;
  cases.push_back(MakeCodecCase("dirpath", &mount::DecodeDirPath, &mount::EncodeDirPath,
                                std::string("/srv/data"), path_calls));
  cases.push_back(
      MakeCodecCase("mountres3", &mount::DecodeMountResult3, &mount::EncodeMountResult3, mounted));
  cases.push_back(MakeDecodeOnlyCase<mount::MountResult3>("fhstatus", &mount::DecodeFhStatus,
                                                          fhstatus.Flatten()));
  cases.push_back(
      MakeCodecCase("mountlist", &mount::DecodeMountList, &mount::EncodeMountList, mounts));
  cases.push_back(
      MakeCodecCase("exports", &mount::DecodeExportList, &mount::EncodeExportList, exported));
  return cases;
}

}  // namespace nfsuite::fuzz
