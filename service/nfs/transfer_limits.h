#ifndef NFSUITE_SERVICE_NFS_TRANSFER_LIMITS_H_
#define NFSUITE_SERVICE_NFS_TRANSFER_LIMITS_H_

#include <algorithm>
#include <cstdint>

#include "common/rpc/socket_address.h"

// How much data one NFS call may move on each transport. A UDP reply must fit in one datagram
// (at most 65507 bytes of IPv4 payload), so READ data, READDIR(PLUS) replies and FSINFO's
// rtmax/wtmax/dtpref are bounded on UDP as real servers do (Linux: 32 KiB), while TCP keeps the
// full size. FSINFO is per filesystem, not per transport, but a client asks it over the transport
// it will use, so the answer can be the smaller limit for UDP callers (as Linux knfsd does).
namespace nfsuite::nfs {

inline constexpr uint32_t kDefaultUdpTransferSize = 32 * 1024;
// 60 KiB of data leaves room for the RPC reply header, READ's post_op_attr and the XDR framing
// inside a 64 KiB datagram; a multiple of 4 KiB so that rtmult divides it.
inline constexpr uint32_t kMaxUdpTransferSize = 60 * 1024;
// NFSv2's NFS_MAXDATA: below every UDP limit nfsd accepts.
inline constexpr uint32_t kMinUdpTransferSize = 8 * 1024;

inline uint32_t TransferLimitFor(rpc::Transport transport, uint32_t stream_limit,
                                 uint32_t udp_limit) {
  return transport == rpc::Transport::kUdp ? std::min(stream_limit, udp_limit) : stream_limit;
}

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_TRANSFER_LIMITS_H_
