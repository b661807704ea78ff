// libFuzzer target: ONC RPC message headers and AUTH_SYS credentials (common/rpc/rpc_message).
// The input is decoded as a call header, its credential as AUTH_SYS when it says so, and the
// same bytes as a reply header. A call header that decodes is encoded again and must decode to
// the same fields; decoded credentials must respect the RFC 5531 bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "common/rpc/rpc_message.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "tests/fuzz/codec_case.h"

namespace {

namespace rpc = nfsuite::rpc;
using nfsuite::fuzz::Violation;

bool SameAuth(const rpc::OpaqueAuth& a, const rpc::OpaqueAuth& b) {
  return a.flavor == b.flavor &&
         std::equal(a.body.begin(), a.body.end(), b.body.begin(), b.body.end());
}

void CheckCallHeader(absl::Span<const uint8_t> input) {
  nfsuite::xdr::XdrDecoder decoder(input);
  rpc::CallHeader header;
  if (rpc::DecodeCallHeader(decoder, header) != rpc::CallHeaderStatus::kOk) return;
  if (header.credential.body.size() > rpc::kMaxAuthBodySize ||
      header.verifier.body.size() > rpc::kMaxAuthBodySize) {
    Violation("an auth body over 400 bytes was accepted");
  }

  nfsuite::xdr::XdrEncoder encoder;
  rpc::EncodeCallHeader(encoder, header);
  const std::vector<uint8_t> encoded = encoder.Flatten();
  nfsuite::xdr::XdrDecoder again(encoded);
  rpc::CallHeader second;
  if (rpc::DecodeCallHeader(again, second) != rpc::CallHeaderStatus::kOk ||
      again.remaining() != 0) {
    Violation("a re-encoded call header does not decode");
  }
  if (second.xid != header.xid || second.program != header.program ||
      second.version != header.version || second.procedure != header.procedure ||
      !SameAuth(second.credential, header.credential) ||
      !SameAuth(second.verifier, header.verifier)) {
    Violation("a call header changed in an encode/decode round trip");
  }

  rpc::Credentials credentials;
  if (rpc::DecodeCredentials(header.credential, credentials) != rpc::AuthStat::kOk) return;
  if (credentials.machine_name.size() > rpc::kMaxMachineNameSize ||
      credentials.gids.size() > rpc::kMaxAuthSysGroups) {
    Violation("AUTH_SYS credentials over their bounds were accepted");
  }
  if (credentials.flavor != rpc::AuthFlavor::kSys) return;
  // AUTH_SYS bodies round-trip through the client-side encoder.
  const std::vector<uint8_t> body = rpc::EncodeAuthSysBody(credentials);
  rpc::Credentials reparsed;
  if (rpc::DecodeCredentials({static_cast<uint32_t>(rpc::AuthFlavor::kSys), body}, reparsed) !=
          rpc::AuthStat::kOk ||
      reparsed.uid != credentials.uid || reparsed.gid != credentials.gid ||
      reparsed.gids != credentials.gids || reparsed.machine_name != credentials.machine_name ||
      reparsed.stamp != credentials.stamp) {
    Violation("AUTH_SYS credentials changed in an encode/decode round trip");
  }
}

void CheckReplyHeader(absl::Span<const uint8_t> input) {
  nfsuite::xdr::XdrDecoder decoder(input);
  absl::StatusOr<rpc::ReplyHeader> header = rpc::DecodeReplyHeader(decoder);
  if (header.ok()) (void)header->Describe();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> input(data, size);
  CheckCallHeader(input);
  CheckReplyHeader(input);
  return 0;
}
