#include "common/rpc/rpc_message.h"

#include "absl/strings/str_cat.h"

namespace nfsuite::rpc {
namespace {

void EncodeNullAuth(xdr::XdrEncoder& encoder) {
  encoder.Uint32(static_cast<uint32_t>(AuthFlavor::kNone));
  encoder.Uint32(0);
}

void EncodeAuth(xdr::XdrEncoder& encoder, const OpaqueAuth& auth) {
  encoder.Uint32(auth.flavor);
  encoder.Opaque(auth.body);
}

OpaqueAuth DecodeAuth(xdr::XdrDecoder& decoder) {
  OpaqueAuth auth;
  auth.flavor = decoder.Uint32();
  auth.body = decoder.Opaque(kMaxAuthBodySize);
  return auth;
}

void EncodeReplyStart(xdr::XdrEncoder& encoder, uint32_t xid, ReplyStat stat) {
  encoder.Uint32(xid);
  encoder.Uint32(static_cast<uint32_t>(MsgType::kReply));
  encoder.Uint32(static_cast<uint32_t>(stat));
}

}  // namespace

absl::string_view AcceptStatName(AcceptStat stat) {
  switch (stat) {
    case AcceptStat::kSuccess:
      return "SUCCESS";
    case AcceptStat::kProgUnavail:
      return "PROG_UNAVAIL";
    case AcceptStat::kProgMismatch:
      return "PROG_MISMATCH";
    case AcceptStat::kProcUnavail:
      return "PROC_UNAVAIL";
    case AcceptStat::kGarbageArgs:
      return "GARBAGE_ARGS";
    case AcceptStat::kSystemErr:
      return "SYSTEM_ERR";
  }
  return "UNKNOWN_ACCEPT_STAT";
}

absl::string_view AuthStatName(AuthStat stat) {
  switch (stat) {
    case AuthStat::kOk:
      return "AUTH_OK";
    case AuthStat::kBadCred:
      return "AUTH_BADCRED";
    case AuthStat::kRejectedCred:
      return "AUTH_REJECTEDCRED";
    case AuthStat::kBadVerf:
      return "AUTH_BADVERF";
    case AuthStat::kRejectedVerf:
      return "AUTH_REJECTEDVERF";
    case AuthStat::kTooWeak:
      return "AUTH_TOOWEAK";
    case AuthStat::kInvalidResp:
      return "AUTH_INVALIDRESP";
    case AuthStat::kFailed:
      return "AUTH_FAILED";
  }
  return "UNKNOWN_AUTH_STAT";
}

CallHeaderStatus DecodeCallHeader(xdr::XdrDecoder& decoder, CallHeader& header) {
  header.xid = decoder.Uint32();
  const uint32_t type = decoder.Uint32();
  if (!decoder.ok() || type != static_cast<uint32_t>(MsgType::kCall)) {
    return CallHeaderStatus::kUnreadable;
  }
  header.rpc_version = decoder.Uint32();
  if (!decoder.ok()) return CallHeaderStatus::kUnreadable;
  if (header.rpc_version != kRpcVersion) return CallHeaderStatus::kWrongRpcVersion;
  header.program = decoder.Uint32();
  header.version = decoder.Uint32();
  header.procedure = decoder.Uint32();
  if (!decoder.ok()) return CallHeaderStatus::kUnreadable;
  header.credential = DecodeAuth(decoder);
  header.verifier = DecodeAuth(decoder);
  return decoder.ok() ? CallHeaderStatus::kOk : CallHeaderStatus::kBadCredential;
}

void EncodeCallHeader(xdr::XdrEncoder& encoder, const CallHeader& header) {
  encoder.Uint32(header.xid);
  encoder.Uint32(static_cast<uint32_t>(MsgType::kCall));
  encoder.Uint32(header.rpc_version);
  encoder.Uint32(header.program);
  encoder.Uint32(header.version);
  encoder.Uint32(header.procedure);
  EncodeAuth(encoder, header.credential);
  EncodeAuth(encoder, header.verifier);
}

AuthStat DecodeCredentials(const OpaqueAuth& credential, Credentials& out) {
  switch (static_cast<AuthFlavor>(credential.flavor)) {
    case AuthFlavor::kNone:
      out = Credentials{};
      return AuthStat::kOk;
    case AuthFlavor::kSys: {
      xdr::XdrDecoder decoder(credential.body);
      Credentials parsed;
      parsed.flavor = AuthFlavor::kSys;
      parsed.stamp = decoder.Uint32();
      parsed.machine_name = decoder.String(kMaxMachineNameSize);
      parsed.uid = decoder.Uint32();
      parsed.gid = decoder.Uint32();
      const uint32_t count = decoder.ArrayLength(kMaxAuthSysGroups);
      for (uint32_t i = 0; i < count && decoder.ok(); ++i) parsed.gids.push_back(decoder.Uint32());
      if (!decoder.Finish().ok()) return AuthStat::kBadCred;
      out = std::move(parsed);
      return AuthStat::kOk;
    }
    default:
      return AuthStat::kBadCred;
  }
}

std::vector<uint8_t> EncodeAuthSysBody(const Credentials& credentials) {
  xdr::XdrEncoder encoder;
  encoder.Uint32(credentials.stamp);
  encoder.String(credentials.machine_name);
  encoder.Uint32(credentials.uid);
  encoder.Uint32(credentials.gid);
  encoder.Uint32(static_cast<uint32_t>(credentials.gids.size()));
  for (uint32_t gid : credentials.gids) encoder.Uint32(gid);
  return encoder.Flatten();
}

void EncodeAcceptedReply(xdr::XdrEncoder& encoder, uint32_t xid, AcceptStat stat) {
  EncodeReplyStart(encoder, xid, ReplyStat::kAccepted);
  EncodeNullAuth(encoder);
  encoder.Uint32(static_cast<uint32_t>(stat));
}

void EncodeProgMismatchReply(xdr::XdrEncoder& encoder, uint32_t xid, uint32_t low, uint32_t high) {
  EncodeAcceptedReply(encoder, xid, AcceptStat::kProgMismatch);
  encoder.Uint32(low);
  encoder.Uint32(high);
}

void EncodeRpcMismatchReply(xdr::XdrEncoder& encoder, uint32_t xid) {
  EncodeReplyStart(encoder, xid, ReplyStat::kDenied);
  encoder.Uint32(static_cast<uint32_t>(RejectStat::kRpcMismatch));
  encoder.Uint32(kRpcVersion);
  encoder.Uint32(kRpcVersion);
}

void EncodeAuthErrorReply(xdr::XdrEncoder& encoder, uint32_t xid, AuthStat stat) {
  EncodeReplyStart(encoder, xid, ReplyStat::kDenied);
  encoder.Uint32(static_cast<uint32_t>(RejectStat::kAuthError));
  encoder.Uint32(static_cast<uint32_t>(stat));
}

std::string ReplyHeader::Describe() const {
  if (reply_stat == ReplyStat::kAccepted) {
    std::string text = absl::StrCat("accepted: ", AcceptStatName(accept_stat));
    if (accept_stat == AcceptStat::kProgMismatch) {
      absl::StrAppend(&text, " (versions ", mismatch_low, "..", mismatch_high, ")");
    }
    return text;
  }
  if (reject_stat == RejectStat::kRpcMismatch) {
    return absl::StrCat("denied: RPC_MISMATCH (versions ", mismatch_low, "..", mismatch_high, ")");
  }
  return absl::StrCat("denied: AUTH_ERROR ", AuthStatName(auth_stat));
}

absl::StatusOr<ReplyHeader> DecodeReplyHeader(xdr::XdrDecoder& decoder) {
  ReplyHeader header;
  header.xid = decoder.Uint32();
  const uint32_t type = decoder.Uint32();
  if (decoder.ok() && type != static_cast<uint32_t>(MsgType::kReply)) {
    return absl::InvalidArgumentError(absl::StrCat("message type ", type, " is not a reply"));
  }
  header.reply_stat = static_cast<ReplyStat>(decoder.Enum({0, 1}));
  if (header.reply_stat == ReplyStat::kAccepted) {
    DecodeAuth(decoder);  // the server's verifier; AUTH_NONE/AUTH_SYS carry nothing to check
    header.accept_stat = static_cast<AcceptStat>(decoder.Enum({0, 1, 2, 3, 4, 5}));
    if (header.accept_stat == AcceptStat::kProgMismatch) {
      header.mismatch_low = decoder.Uint32();
      header.mismatch_high = decoder.Uint32();
    }
  } else {
    header.reject_stat = static_cast<RejectStat>(decoder.Enum({0, 1}));
    if (header.reject_stat == RejectStat::kRpcMismatch) {
      header.mismatch_low = decoder.Uint32();
      header.mismatch_high = decoder.Uint32();
    } else {
      header.auth_stat = static_cast<AuthStat>(decoder.Enum({0, 1, 2, 3, 4, 5, 6, 7}));
    }
  }
  if (!decoder.ok()) return decoder.status();
  return header;
}

}  // namespace nfsuite::rpc
