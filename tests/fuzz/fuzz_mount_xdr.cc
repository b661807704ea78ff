// libFuzzer target: the MOUNT v1/v3 codecs. The first byte picks the codec
// (mount_codec_cases.cc), the rest is its input; see codec_case.h for what is checked.
#include "tests/fuzz/codec_case.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nfsuite::fuzz::FuzzCodecCases<nfsuite::fuzz::MountCodecCases>(data, size);
}
