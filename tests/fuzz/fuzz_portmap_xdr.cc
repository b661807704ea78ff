// libFuzzer target: the PMAP v2 and RPCBIND v3/v4 codecs and universal-address translation. The
// first byte picks the codec (portmap_codec_cases.cc), the rest is its input; see codec_case.h for
// what is checked.
#include "tests/fuzz/codec_case.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return nfsuite::fuzz::FuzzCodecCases<nfsuite::fuzz::PortmapCodecCases>(data, size);
}
