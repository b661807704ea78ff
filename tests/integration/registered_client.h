#ifndef NFSUITE_TESTS_INTEGRATION_REGISTERED_CLIENT_H_
#define NFSUITE_TESTS_INTEGRATION_REGISTERED_CLIENT_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/portmap_client.h"
#include "common/rpc/rpc_client.h"
#include "common/rpc/rpc_message.h"

namespace nfsuite::testing {

// A client of `program` `version` on `transport`, at the port the portmapper lists for it on
// 127.0.0.1, as a real client finds a server. Retries within `timeout` while the program is not
// yet registered (a daemon coming up).
absl::StatusOr<std::unique_ptr<rpc::RpcClient>> ConnectToRegistered(
    const rpc::PortmapClient& portmapper, uint32_t program, uint32_t version,
    rpc::Transport transport, absl::Duration timeout = absl::Seconds(10));

// A whole call message (header with AUTH_SYS `credentials`, then the arguments) for
// RpcClient::SendRaw: sent twice, it is a retransmission with the same xid.
std::vector<uint8_t> CallMessage(uint32_t xid, uint32_t program, uint32_t version,
                                 uint32_t procedure, const rpc::Credentials& credentials,
                                 const rpc::ArgumentEncoder& arguments);

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_REGISTERED_CLIENT_H_
