#ifndef NFSUITE_SERVICE_LOCK_CLIENT_CALLS_H_
#define NFSUITE_SERVICE_LOCK_CLIENT_CALLS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/rpc_client.h"
#include "common/rpc/socket_address.h"

// Calls the lock manager makes to client hosts (NLM GRANTED and *_RES, NSM SM_NOTIFY, NSM status
// callbacks): the service is found the way every RPC client finds one, through the portmapper on
// port 111 of the host, and called on the given transport.
namespace nfsuite::lock {

struct ClientService {
  std::string address;  // numeric host
  rpc::Transport transport = rpc::Transport::kUdp;
  uint32_t program = 0;
  uint32_t version = 0;
};

// One call within `timeout` (the port lookup included); the reply, or why none came.
absl::StatusOr<rpc::RpcReply> CallClientService(const ClientService& service, uint32_t procedure,
                                                const rpc::ArgumentEncoder& arguments,
                                                absl::Duration timeout,
                                                uint16_t portmapper_port = 111);

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_CLIENT_CALLS_H_
