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

// Everything a procedure handler may know about the call besides its arguments.
struct CallContext {
  uint32_t xid = 0;
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
  Credentials credentials;
  CallOrigin origin;
};

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_CALL_CONTEXT_H_
