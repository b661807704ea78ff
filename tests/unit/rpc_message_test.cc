#include "common/rpc/rpc_message.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "gtest/gtest.h"

namespace nfsuite::rpc {
namespace {

using Bytes = std::vector<uint8_t>;

// Hand-built wire bytes: each 32-bit word big-endian, as RFC 4506 section 4.1 lays them out.
void AppendWord(Bytes& out, uint32_t word) {
  out.push_back(static_cast<uint8_t>(word >> 24));
  out.push_back(static_cast<uint8_t>(word >> 16));
  out.push_back(static_cast<uint8_t>(word >> 8));
  out.push_back(static_cast<uint8_t>(word));
}

Bytes Words(std::initializer_list<uint32_t> words) {
  Bytes out;
  for (uint32_t word : words) AppendWord(out, word);
  return out;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

Bytes Flat(const xdr::XdrEncoder& encoder) { return encoder.Flatten(); }

Bytes ToBytes(absl::Span<const uint8_t> span) { return Bytes(span.begin(), span.end()); }

// The AUTH_SYS body of RFC 5531 appendix A for stamp 0x11223344, machine "host", uid 1000,
// gid 100, gids {100, 200}.
Bytes GoldenAuthSysBody() {
  return Concat(
      {Words({0x11223344, 4}), Bytes{'h', 'o', 's', 't'}, Words({1000, 100, 2, 100, 200})});
}

Credentials GoldenCredentials() {
  Credentials credentials;
  credentials.flavor = AuthFlavor::kSys;
  credentials.stamp = 0x11223344;
  credentials.machine_name = "host";
  credentials.uid = 1000;
  credentials.gid = 100;
  credentials.gids = {100, 200};
  return credentials;
}

CallHeader NfsCall(uint32_t xid) {
  CallHeader header;
  header.xid = xid;
  header.rpc_version = kRpcVersion;
  header.program = 100003;
  header.version = 3;
  header.procedure = 1;
  return header;
}

// ---------------------------------------------------------------------------------------------
// CALL headers.

TEST(CallHeaderGolden, AuthNone) {
  xdr::XdrEncoder encoder;
  EncodeCallHeader(encoder, NfsCall(0x12345678));
  const Bytes expected = Words({
      0x12345678,  // xid
      0,           // msg_type CALL
      2,           // rpcvers
      100003,      // prog
      3,           // vers
      1,           // proc
      0, 0,        // cred: AUTH_NONE, empty body
      0, 0,        // verf: AUTH_NONE, empty body
  });
  EXPECT_EQ(Flat(encoder), expected);
}

TEST(CallHeaderGolden, AuthSys) {
  const Bytes body = EncodeAuthSysBody(GoldenCredentials());
  EXPECT_EQ(body, GoldenAuthSysBody());
  ASSERT_EQ(body.size(), 32u);

  CallHeader header = NfsCall(0xCAFE0001);
  header.credential.flavor = static_cast<uint32_t>(AuthFlavor::kSys);
  header.credential.body = body;
  xdr::XdrEncoder encoder;
  EncodeCallHeader(encoder, header);
  const Bytes expected =
      Concat({Words({0xCAFE0001, 0, 2, 100003, 3, 1, 1, 32}), GoldenAuthSysBody(), Words({0, 0})});
  EXPECT_EQ(Flat(encoder), expected);
}

TEST(CallHeaderGolden, AuthSysMachineNameIsPadded) {
  Credentials credentials;
  credentials.stamp = 1;
  credentials.machine_name = "abcde";
  credentials.uid = 0;
  credentials.gid = 0;
  const Bytes expected =
      Concat({Words({1, 5}), Bytes{'a', 'b', 'c', 'd', 'e', 0, 0, 0}, Words({0, 0, 0})});
  EXPECT_EQ(EncodeAuthSysBody(credentials), expected);
}

TEST(CallHeaderDecode, RoundTripLeavesDecoderAtArguments) {
  const Bytes body = GoldenAuthSysBody();
  const Bytes verifier_body = {0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7};
  CallHeader header = NfsCall(77);
  header.credential = {static_cast<uint32_t>(AuthFlavor::kSys), body};
  header.verifier = {5, verifier_body};
  xdr::XdrEncoder encoder;
  EncodeCallHeader(encoder, header);
  encoder.Uint32(0xA5A5A5A5u);  // the arguments
  const Bytes wire = Flat(encoder);

  xdr::XdrDecoder decoder(wire);
  CallHeader decoded;
  ASSERT_EQ(DecodeCallHeader(decoder, decoded), CallHeaderStatus::kOk);
  EXPECT_EQ(decoded.xid, 77u);
  EXPECT_EQ(decoded.rpc_version, 2u);
  EXPECT_EQ(decoded.program, 100003u);
  EXPECT_EQ(decoded.version, 3u);
  EXPECT_EQ(decoded.procedure, 1u);
  EXPECT_EQ(decoded.credential.flavor, 1u);
  EXPECT_EQ(ToBytes(decoded.credential.body), body);
  EXPECT_EQ(decoded.verifier.flavor, 5u);
  EXPECT_EQ(ToBytes(decoded.verifier.body), verifier_body);
  EXPECT_EQ(decoder.remaining(), 4u);
  EXPECT_EQ(decoder.Uint32(), 0xA5A5A5A5u);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(CallHeaderDecode, TooShortIsUnreadable) {
  const Bytes full = Flat([] {
    xdr::XdrEncoder encoder;
    EncodeCallHeader(encoder, NfsCall(1));
    return encoder;
  }());
  // Cut before the xid, the message type, the rpc version and the program/version/procedure.
  for (size_t cut = 0; cut < 24; ++cut) {
    SCOPED_TRACE(cut);
    const Bytes truncated(full.begin(), full.begin() + cut);
    xdr::XdrDecoder decoder(truncated);
    CallHeader header;
    EXPECT_EQ(DecodeCallHeader(decoder, header), CallHeaderStatus::kUnreadable);
  }
}

TEST(CallHeaderDecode, ReplyMessageTypeIsUnreadable) {
  for (uint32_t type : {1u, 2u, 0xFFFFFFFFu}) {
    SCOPED_TRACE(type);
    const Bytes wire = Words({9, type, 2, 100003, 3, 1, 0, 0, 0, 0});
    xdr::XdrDecoder decoder(wire);
    CallHeader header;
    EXPECT_EQ(DecodeCallHeader(decoder, header), CallHeaderStatus::kUnreadable);
  }
}

TEST(CallHeaderDecode, WrongRpcVersionKeepsTheXid) {
  for (uint32_t version : {0u, 1u, 3u}) {
    SCOPED_TRACE(version);
    const Bytes wire = Words({0xABCD, 0, version, 100003, 3, 1, 0, 0, 0, 0});
    xdr::XdrDecoder decoder(wire);
    CallHeader header;
    EXPECT_EQ(DecodeCallHeader(decoder, header), CallHeaderStatus::kWrongRpcVersion);
    EXPECT_EQ(header.xid, 0xABCDu);
    EXPECT_EQ(header.rpc_version, version);
  }
}

TEST(CallHeaderDecode, TruncatedCredentialOrVerifierIsBadCredential) {
  CallHeader header = NfsCall(5);
  const Bytes body = GoldenAuthSysBody();
  header.credential = {static_cast<uint32_t>(AuthFlavor::kSys), body};
  xdr::XdrEncoder encoder;
  EncodeCallHeader(encoder, header);
  const Bytes full = Flat(encoder);
  for (size_t cut = 24; cut < full.size(); ++cut) {
    SCOPED_TRACE(cut);
    const Bytes truncated(full.begin(), full.begin() + cut);
    xdr::XdrDecoder decoder(truncated);
    CallHeader decoded;
    EXPECT_EQ(DecodeCallHeader(decoder, decoded), CallHeaderStatus::kBadCredential);
    EXPECT_EQ(decoded.xid, 5u);
  }
}

TEST(CallHeaderDecode, CredentialBodyOverFourHundredBytesIsBadCredential) {
  Bytes wire = Words({5, 0, 2, 100003, 3, 1, 1, 404});
  wire.resize(wire.size() + 404, 0);
  AppendWord(wire, 0);
  AppendWord(wire, 0);
  xdr::XdrDecoder decoder(wire);
  CallHeader header;
  EXPECT_EQ(DecodeCallHeader(decoder, header), CallHeaderStatus::kBadCredential);

  Bytes ok = Words({5, 0, 2, 100003, 3, 1, 1, 400});
  ok.resize(ok.size() + 400, 0);
  AppendWord(ok, 0);
  AppendWord(ok, 0);
  xdr::XdrDecoder ok_decoder(ok);
  EXPECT_EQ(DecodeCallHeader(ok_decoder, header), CallHeaderStatus::kOk);
}

// ---------------------------------------------------------------------------------------------
// Credentials.

OpaqueAuth SysAuth(const Bytes& body) { return {static_cast<uint32_t>(AuthFlavor::kSys), body}; }

Bytes AuthSysBody(uint32_t name_length, uint32_t gid_count) {
  Bytes body = Words({42, name_length});
  body.resize(body.size() + name_length + xdr::PaddingFor(name_length), 'm');
  AppendWord(body, 500);
  AppendWord(body, 600);
  AppendWord(body, gid_count);
  for (uint32_t i = 0; i < gid_count; ++i) AppendWord(body, 1000 + i);
  return body;
}

TEST(DecodeCredentials, AuthNoneClearsTheOutput) {
  Credentials out = GoldenCredentials();
  EXPECT_EQ(DecodeCredentials(OpaqueAuth{0, {}}, out), AuthStat::kOk);
  EXPECT_EQ(out.flavor, AuthFlavor::kNone);
  EXPECT_EQ(out.uid, 0u);
  EXPECT_EQ(out.gid, 0u);
  EXPECT_TRUE(out.gids.empty());
  EXPECT_TRUE(out.machine_name.empty());
}

TEST(DecodeCredentials, AuthSysValid) {
  const Bytes body = GoldenAuthSysBody();
  Credentials out;
  ASSERT_EQ(DecodeCredentials(SysAuth(body), out), AuthStat::kOk);
  EXPECT_EQ(out.flavor, AuthFlavor::kSys);
  EXPECT_EQ(out.stamp, 0x11223344u);
  EXPECT_EQ(out.machine_name, "host");
  EXPECT_EQ(out.uid, 1000u);
  EXPECT_EQ(out.gid, 100u);
  EXPECT_EQ(std::vector<uint32_t>(out.gids.begin(), out.gids.end()),
            (std::vector<uint32_t>{100, 200}));
}

TEST(DecodeCredentials, AuthSysRoundTrip) {
  Credentials in;
  in.flavor = AuthFlavor::kSys;
  in.stamp = 7;
  in.machine_name = "client.example.org";
  in.uid = 65534;
  in.gid = 65533;
  for (uint32_t i = 0; i < kMaxAuthSysGroups; ++i) in.gids.push_back(i * 3);
  const Bytes body = EncodeAuthSysBody(in);
  Credentials out;
  ASSERT_EQ(DecodeCredentials(SysAuth(body), out), AuthStat::kOk);
  EXPECT_EQ(out.stamp, in.stamp);
  EXPECT_EQ(out.machine_name, in.machine_name);
  EXPECT_EQ(out.uid, in.uid);
  EXPECT_EQ(out.gid, in.gid);
  EXPECT_EQ(out.gids, in.gids);
}

TEST(DecodeCredentials, MachineNameBound) {
  Credentials out;
  EXPECT_EQ(DecodeCredentials(SysAuth(AuthSysBody(255, 0)), out), AuthStat::kOk);
  EXPECT_EQ(out.machine_name, std::string(255, 'm'));
  EXPECT_EQ(DecodeCredentials(SysAuth(AuthSysBody(256, 0)), out), AuthStat::kBadCred);
}

TEST(DecodeCredentials, GroupCountBound) {
  Credentials out;
  ASSERT_EQ(DecodeCredentials(SysAuth(AuthSysBody(4, 16)), out), AuthStat::kOk);
  ASSERT_EQ(out.gids.size(), 16u);
  EXPECT_EQ(out.gids[0], 1000u);
  EXPECT_EQ(out.gids[15], 1015u);
  EXPECT_EQ(DecodeCredentials(SysAuth(AuthSysBody(4, 17)), out), AuthStat::kBadCred);
}

TEST(DecodeCredentials, TrailingBytesRejected) {
  Bytes body = GoldenAuthSysBody();
  AppendWord(body, 0);
  Credentials out;
  EXPECT_EQ(DecodeCredentials(SysAuth(body), out), AuthStat::kBadCred);
}

TEST(DecodeCredentials, TruncatedAuthSysRejected) {
  const Bytes body = GoldenAuthSysBody();
  for (size_t cut = 0; cut < body.size(); ++cut) {
    SCOPED_TRACE(cut);
    const Bytes truncated(body.begin(), body.begin() + cut);
    Credentials out;
    EXPECT_EQ(DecodeCredentials(SysAuth(truncated), out), AuthStat::kBadCred);
  }
}

TEST(DecodeCredentials, GroupCountLargerThanTheBodyRejected) {
  // Claims 3 groups, carries 2.
  const Bytes body = Words({1, 0, 500, 600, 3, 10, 20});
  Credentials out;
  EXPECT_EQ(DecodeCredentials(SysAuth(body), out), AuthStat::kBadCred);
}

TEST(DecodeCredentials, UnknownFlavorsAreBadCred) {
  const Bytes body = GoldenAuthSysBody();
  for (uint32_t flavor : {2u, 3u, 6u, 99u, 0xFFFFFFFFu}) {
    SCOPED_TRACE(flavor);
    Credentials out;
    EXPECT_EQ(DecodeCredentials(OpaqueAuth{flavor, body}, out), AuthStat::kBadCred);
  }
}

// ---------------------------------------------------------------------------------------------
// Replies.

absl::StatusOr<ReplyHeader> DecodeAll(const Bytes& wire, size_t* remaining = nullptr) {
  xdr::XdrDecoder decoder(wire);
  absl::StatusOr<ReplyHeader> header = DecodeReplyHeader(decoder);
  if (remaining != nullptr) *remaining = decoder.remaining();
  return header;
}

TEST(ReplyGolden, AcceptedSuccess) {
  xdr::XdrEncoder encoder;
  EncodeAcceptedReply(encoder, 0x01020304, AcceptStat::kSuccess);
  // xid, REPLY, MSG_ACCEPTED, verf AUTH_NONE + empty body, SUCCESS
  EXPECT_EQ(Flat(encoder), Words({0x01020304, 1, 0, 0, 0, 0}));

  encoder.Uint32(99);  // a result
  size_t remaining = 0;
  absl::StatusOr<ReplyHeader> header = DecodeAll(Flat(encoder), &remaining);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->xid, 0x01020304u);
  EXPECT_EQ(header->reply_stat, ReplyStat::kAccepted);
  EXPECT_EQ(header->accept_stat, AcceptStat::kSuccess);
  EXPECT_TRUE(header->Succeeded());
  EXPECT_EQ(remaining, 4u);  // left at the results
  EXPECT_EQ(header->Describe(), "accepted: SUCCESS");
}

TEST(ReplyGolden, AcceptedErrors) {
  const struct {
    AcceptStat stat;
    uint32_t wire;
    const char* text;
  } cases[] = {
      {AcceptStat::kProgUnavail, 1, "accepted: PROG_UNAVAIL"},
      {AcceptStat::kProcUnavail, 3, "accepted: PROC_UNAVAIL"},
      {AcceptStat::kGarbageArgs, 4, "accepted: GARBAGE_ARGS"},
      {AcceptStat::kSystemErr, 5, "accepted: SYSTEM_ERR"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    xdr::XdrEncoder encoder;
    EncodeAcceptedReply(encoder, 17, c.stat);
    EXPECT_EQ(Flat(encoder), Words({17, 1, 0, 0, 0, c.wire}));
    absl::StatusOr<ReplyHeader> header = DecodeAll(Flat(encoder));
    ASSERT_TRUE(header.ok()) << header.status();
    EXPECT_EQ(header->accept_stat, c.stat);
    EXPECT_FALSE(header->Succeeded());
    EXPECT_EQ(header->Describe(), c.text);
  }
}

TEST(ReplyGolden, ProgMismatch) {
  xdr::XdrEncoder encoder;
  EncodeProgMismatchReply(encoder, 0xBEEF, 2, 4);
  EXPECT_EQ(Flat(encoder), Words({0xBEEF, 1, 0, 0, 0, 2, 2, 4}));
  size_t remaining = 1;
  absl::StatusOr<ReplyHeader> header = DecodeAll(Flat(encoder), &remaining);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->xid, 0xBEEFu);
  EXPECT_EQ(header->reply_stat, ReplyStat::kAccepted);
  EXPECT_EQ(header->accept_stat, AcceptStat::kProgMismatch);
  EXPECT_EQ(header->mismatch_low, 2u);
  EXPECT_EQ(header->mismatch_high, 4u);
  EXPECT_FALSE(header->Succeeded());
  EXPECT_EQ(remaining, 0u);
  EXPECT_EQ(header->Describe(), "accepted: PROG_MISMATCH (versions 2..4)");
}

TEST(ReplyGolden, RpcMismatch) {
  xdr::XdrEncoder encoder;
  EncodeRpcMismatchReply(encoder, 0x42);
  // xid, REPLY, MSG_DENIED, RPC_MISMATCH, low 2, high 2
  EXPECT_EQ(Flat(encoder), Words({0x42, 1, 1, 0, 2, 2}));
  size_t remaining = 1;
  absl::StatusOr<ReplyHeader> header = DecodeAll(Flat(encoder), &remaining);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->xid, 0x42u);
  EXPECT_EQ(header->reply_stat, ReplyStat::kDenied);
  EXPECT_EQ(header->reject_stat, RejectStat::kRpcMismatch);
  EXPECT_EQ(header->mismatch_low, 2u);
  EXPECT_EQ(header->mismatch_high, 2u);
  EXPECT_FALSE(header->Succeeded());
  EXPECT_EQ(remaining, 0u);
  EXPECT_EQ(header->Describe(), "denied: RPC_MISMATCH (versions 2..2)");
}

TEST(ReplyGolden, AuthError) {
  xdr::XdrEncoder encoder;
  EncodeAuthErrorReply(encoder, 0x43, AuthStat::kBadCred);
  // xid, REPLY, MSG_DENIED, AUTH_ERROR, AUTH_BADCRED
  EXPECT_EQ(Flat(encoder), Words({0x43, 1, 1, 1, 1}));
  size_t remaining = 1;
  absl::StatusOr<ReplyHeader> header = DecodeAll(Flat(encoder), &remaining);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->xid, 0x43u);
  EXPECT_EQ(header->reply_stat, ReplyStat::kDenied);
  EXPECT_EQ(header->reject_stat, RejectStat::kAuthError);
  EXPECT_EQ(header->auth_stat, AuthStat::kBadCred);
  EXPECT_EQ(remaining, 0u);
  EXPECT_EQ(header->Describe(), "denied: AUTH_ERROR AUTH_BADCRED");

  xdr::XdrEncoder weak;
  EncodeAuthErrorReply(weak, 0x44, AuthStat::kTooWeak);
  EXPECT_EQ(Flat(weak), Words({0x44, 1, 1, 1, 5}));
  header = DecodeAll(Flat(weak));
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->Describe(), "denied: AUTH_ERROR AUTH_TOOWEAK");
}

TEST(ReplyDecode, SkipsANonEmptyVerifier) {
  // An accepted reply whose verifier carries 6 bytes (padded to 8), then SUCCESS and a result.
  const Bytes wire =
      Concat({Words({7, 1, 0, 1, 6}), Bytes{1, 2, 3, 4, 5, 6, 0, 0}, Words({0, 55})});
  xdr::XdrDecoder decoder(wire);
  absl::StatusOr<ReplyHeader> header = DecodeReplyHeader(decoder);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_TRUE(header->Succeeded());
  EXPECT_EQ(decoder.Uint32(), 55u);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(ReplyDecode, RejectsCallsBadDiscriminantsAndTruncation) {
  EXPECT_FALSE(DecodeAll(Words({1, 0, 0, 0, 0, 0})).ok());  // a CALL, not a reply
  EXPECT_FALSE(DecodeAll(Words({1, 1, 2, 0, 0, 0})).ok());  // reply_stat 2
  EXPECT_FALSE(DecodeAll(Words({1, 1, 0, 0, 0, 6})).ok());  // accept_stat 6
  EXPECT_FALSE(DecodeAll(Words({1, 1, 1, 2, 0})).ok());     // reject_stat 2
  EXPECT_FALSE(DecodeAll(Words({1, 1, 1, 1, 8})).ok());     // auth_stat 8
  const Bytes full = Words({1, 1, 0, 0, 0, 2, 2, 4});
  for (size_t cut = 0; cut < full.size(); ++cut) {
    SCOPED_TRACE(cut);
    EXPECT_FALSE(DecodeAll(Bytes(full.begin(), full.begin() + cut)).ok());
  }
}

TEST(StatNames, AllNamed) {
  EXPECT_EQ(AcceptStatName(AcceptStat::kProgMismatch), "PROG_MISMATCH");
  EXPECT_EQ(AcceptStatName(static_cast<AcceptStat>(77)), "UNKNOWN_ACCEPT_STAT");
  EXPECT_EQ(AuthStatName(AuthStat::kRejectedVerf), "AUTH_REJECTEDVERF");
  EXPECT_EQ(AuthStatName(AuthStat::kFailed), "AUTH_FAILED");
  EXPECT_EQ(AuthStatName(static_cast<AuthStat>(77)), "UNKNOWN_AUTH_STAT");
}

}  // namespace
}  // namespace nfsuite::rpc
