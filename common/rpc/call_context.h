#ifndef NFSUITE_COMMON_RPC_CALL_CONTEXT_H_
#define NFSUITE_COMMON_RPC_CALL_CONTEXT_H_

#include <cstdint>

#include "common/rpc/rpc_message.h"
#include "common/rpc/socket_address.h"

namespace nfsuite::rpc {

// Where a call came from: filled in by the transport.
struct CallOrigin {
  SocketAddress peer;
  SocketAddress local;  // the address the call arrived on (never a wildcard for UDP)
  Transport transport = Transport::kTcp;
};

// What a procedure tells the call statistics about its answer, beyond what the RPC layer sees:
// whether its protocol status was a failure (NFS, MOUNT) and how much file data moved. Filled
// in through CallContext::report; the dispatcher reads it after the procedure returns.
struct CallReport {
  bool failed = false;
  bool refused = false;  // answered AUTH_ERROR by policy (Refused)
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
};

// Everything a procedure handler may know about the call besides its arguments.
struct CallContext {
  uint32_t xid = 0;
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
  Credentials credentials;
  CallOrigin origin;
  // Where the procedure reports on its answer; null when a test calls a handler directly.
  CallReport* report = nullptr;
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_CALL_CONTEXT_H_
