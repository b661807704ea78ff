#ifndef NFSUITE_TESTS_INTEGRATION_RPC_TEST_CALLS_H_
#define NFSUITE_TESTS_INTEGRATION_RPC_TEST_CALLS_H_

#include <cstdint>
#include <vector>

#include "common/rpc/rpc_message.h"
#include "common/xdr/xdr_encoder.h"

namespace nfsuite::testing {

// A complete call message (no record mark), for tests that send raw or malformed calls.
inline std::vector<uint8_t> BuildCall(uint32_t xid, uint32_t program, uint32_t version,
                                      uint32_t procedure,
                                      const std::vector<uint8_t>& arguments = {},
                                      uint32_t rpc_version = rpc::kRpcVersion,
                                      uint32_t credential_flavor = 0) {
  rpc::CallHeader header;
  header.xid = xid;
  header.rpc_version = rpc_version;
  header.program = program;
  header.version = version;
  header.procedure = procedure;
  header.credential.flavor = credential_flavor;
  xdr::XdrEncoder encoder;
  rpc::EncodeCallHeader(encoder, header);
  encoder.FixedOpaque(arguments);
  return encoder.Flatten();
}

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_RPC_TEST_CALLS_H_
