#ifndef NFSUITE_COMMON_RPC_RPC_MESSAGE_H_
#define NFSUITE_COMMON_RPC_RPC_MESSAGE_H_

#include <cstdint>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

// ONC RPC version 2 message headers (RFC 5531 section 9) and AUTH_SYS credentials (appendix A).
namespace nfsuite::rpc {

inline constexpr uint32_t kRpcVersion = 2;
// RFC 5531: "the opaque data of an opaque_auth is at most 400 bytes".
inline constexpr size_t kMaxAuthBodySize = 400;
// RFC 5531 appendix A: machinename<255>, gids<16>.
inline constexpr size_t kMaxMachineNameSize = 255;
inline constexpr size_t kMaxAuthSysGroups = 16;

enum class MsgType : uint32_t { kCall = 0, kReply = 1 };
enum class ReplyStat : uint32_t { kAccepted = 0, kDenied = 1 };
enum class AcceptStat : uint32_t {
  kSuccess = 0,
  kProgUnavail = 1,
  kProgMismatch = 2,
  kProcUnavail = 3,
  kGarbageArgs = 4,
  kSystemErr = 5,
};
enum class RejectStat : uint32_t { kRpcMismatch = 0, kAuthError = 1 };
enum class AuthStat : uint32_t {
  kOk = 0,
  kBadCred = 1,
  kRejectedCred = 2,
  kBadVerf = 3,
  kRejectedVerf = 4,
  kTooWeak = 5,
  kInvalidResp = 6,
  kFailed = 7,
};
enum class AuthFlavor : uint32_t { kNone = 0, kSys = 1, kShort = 2, kDh = 3, kGss = 6 };

absl::string_view AcceptStatName(AcceptStat stat);
absl::string_view AuthStatName(AuthStat stat);

struct OpaqueAuth {
  uint32_t flavor = 0;
  absl::Span<const uint8_t> body;  // a view into the record
};

// The caller's identity as handlers see it, after the RPC layer validated it.
struct Credentials {
  AuthFlavor flavor = AuthFlavor::kNone;
  // AUTH_SYS fields; zero for AUTH_NONE.
  uint32_t stamp = 0;
  std::string machine_name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  absl::InlinedVector<uint32_t, kMaxAuthSysGroups> gids;
};

struct CallHeader {
  uint32_t xid = 0;
  uint32_t rpc_version = 0;
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
  OpaqueAuth credential;
  OpaqueAuth verifier;
};

// What was learnt from the start of a record that should hold a call.
enum class CallHeaderStatus {
  kOk,
  kUnreadable,       // not even an xid and a CALL message type: no reply is possible
  kWrongRpcVersion,  // answer RPC_MISMATCH
  kBadCredential,    // header cut short inside the credential/verifier: answer AUTH_BADCRED
};

// Decodes a call header; on kOk `decoder` is left at the procedure arguments. `header` is filled
// as far as decoding got (xid first, so a reply is possible from kWrongRpcVersion on).
CallHeaderStatus DecodeCallHeader(xdr::XdrDecoder& decoder, CallHeader& header);
void EncodeCallHeader(xdr::XdrEncoder& encoder, const CallHeader& header);

// Validates and decodes the credential of a call. AUTH_NONE and AUTH_SYS are accepted; a
// malformed AUTH_SYS body gives kBadCred, any other flavour kBadCred too (Linux answers the same
// way: the server cannot verify a credential it does not understand).
AuthStat DecodeCredentials(const OpaqueAuth& credential, Credentials& out);
// Encodes an AUTH_SYS body (the client side, for callbacks and tests).
std::vector<uint8_t> EncodeAuthSysBody(const Credentials& credentials);

// Reply headers. Every reply carries an AUTH_NONE verifier.
void EncodeAcceptedReply(xdr::XdrEncoder& encoder, uint32_t xid, AcceptStat stat);
void EncodeProgMismatchReply(xdr::XdrEncoder& encoder, uint32_t xid, uint32_t low, uint32_t high);
void EncodeRpcMismatchReply(xdr::XdrEncoder& encoder, uint32_t xid);
void EncodeAuthErrorReply(xdr::XdrEncoder& encoder, uint32_t xid, AuthStat stat);

struct ReplyHeader {
  uint32_t xid = 0;
  ReplyStat reply_stat = ReplyStat::kAccepted;
  AcceptStat accept_stat = AcceptStat::kSuccess;      // when accepted
  RejectStat reject_stat = RejectStat::kRpcMismatch;  // when denied
  AuthStat auth_stat = AuthStat::kOk;                 // when denied with AUTH_ERROR
  uint32_t mismatch_low = 0;                          // PROG_MISMATCH or RPC_MISMATCH
  uint32_t mismatch_high = 0;

  bool Succeeded() const {
    return reply_stat == ReplyStat::kAccepted && accept_stat == AcceptStat::kSuccess;
  }
  // "accepted: SUCCESS", "denied: AUTH_ERROR AUTH_BADCRED", ...
  std::string Describe() const;
};

// Decodes a reply header; on success `decoder` is left at the procedure results.
absl::StatusOr<ReplyHeader> DecodeReplyHeader(xdr::XdrDecoder& decoder);

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_RPC_MESSAGE_H_
