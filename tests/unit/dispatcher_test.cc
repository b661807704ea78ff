#include "common/rpc/dispatcher.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/rpc/call_context.h"
#include "common/rpc/duplicate_request_cache.h"
#include "common/rpc/procedure.h"
#include "common/rpc/rpc_message.h"
#include "common/rpc/socket_address.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "gtest/gtest.h"

namespace nfsuite::rpc {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint32_t kToyProgram = 0x20000001;

namespace toy_proc {
constexpr uint32_t kNull = 0, kAdd = 1, kHole = 2, kSilent = 3, kFail = 4, kCounter = 5,
                   kWhoAmI = 6, kReentrant = 7;
}

// ---- Toy wire types.

struct AddArgs {
  uint32_t a = 0;
  uint32_t b = 0;
};
void DecodeAddArgs(xdr::XdrDecoder& decoder, AddArgs& args) {
  args.a = decoder.Uint32();
  args.b = decoder.Uint32();
}
void DecodeU32(xdr::XdrDecoder& decoder, uint32_t& value) { value = decoder.Uint32(); }
void EncodeU32(xdr::XdrEncoder& encoder, const uint32_t& value) { encoder.Uint32(value); }

// What the WHOAMI procedure reports about its call.
struct Identity {
  uint32_t flavor = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> gids;
  std::string machine_name;
  uint32_t xid = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
  uint32_t peer_port = 0;
};
void EncodeIdentity(xdr::XdrEncoder& encoder, const Identity& id) {
  encoder.Uint32(id.flavor);
  encoder.Uint32(id.uid);
  encoder.Uint32(id.gid);
  encoder.Uint32(static_cast<uint32_t>(id.gids.size()));
  for (uint32_t gid : id.gids) encoder.Uint32(gid);
  encoder.String(id.machine_name);
  encoder.Uint32(id.xid);
  encoder.Uint32(id.version);
  encoder.Uint32(id.procedure);
  encoder.Uint32(id.peer_port);
}
Identity DecodeIdentity(xdr::XdrDecoder& decoder) {
  Identity id;
  id.flavor = decoder.Uint32();
  id.uid = decoder.Uint32();
  id.gid = decoder.Uint32();
  const uint32_t count = decoder.ArrayLength(64);
  for (uint32_t i = 0; i < count; ++i) id.gids.push_back(decoder.Uint32());
  id.machine_name = decoder.String(255);
  id.xid = decoder.Uint32();
  id.version = decoder.Uint32();
  id.procedure = decoder.Uint32();
  id.peer_port = decoder.Uint32();
  return id;
}

// ---- Building calls and reading replies.

void AppendWord(Bytes& out, uint32_t word) {
  out.push_back(static_cast<uint8_t>(word >> 24));
  out.push_back(static_cast<uint8_t>(word >> 16));
  out.push_back(static_cast<uint8_t>(word >> 8));
  out.push_back(static_cast<uint8_t>(word));
}

struct CallSpec {
  uint32_t xid = 1;
  uint32_t rpc_version = kRpcVersion;
  uint32_t program = kToyProgram;
  uint32_t version = 2;
  uint32_t procedure = toy_proc::kNull;
  uint32_t cred_flavor = 0;
  Bytes cred_body = {};
  std::vector<uint32_t> args = {};  // argument words
};

Bytes BuildCall(const CallSpec& spec) {
  CallHeader header;
  header.xid = spec.xid;
  header.rpc_version = spec.rpc_version;
  header.program = spec.program;
  header.version = spec.version;
  header.procedure = spec.procedure;
  header.credential = {spec.cred_flavor, spec.cred_body};
  xdr::XdrEncoder encoder;
  EncodeCallHeader(encoder, header);
  for (uint32_t word : spec.args) encoder.Uint32(word);
  return encoder.Flatten();
}

CallOrigin OriginFromPort(uint16_t port) {
  CallOrigin origin;
  origin.peer = SocketAddress::Loopback4(port);
  origin.local = SocketAddress::Loopback4(2049);
  origin.transport = Transport::kTcp;
  return origin;
}

struct Reply {
  ReplyHeader header;
  Bytes bytes;    // the whole reply
  Bytes results;  // what follows the header
};

// Decodes a reply; fails the test when it is not a well-formed reply header.
Reply ParseReply(const xdr::XdrEncoder& encoder) {
  Reply reply;
  reply.bytes = encoder.Flatten();
  xdr::XdrDecoder decoder(reply.bytes);
  absl::StatusOr<ReplyHeader> header = DecodeReplyHeader(decoder);
  EXPECT_TRUE(header.ok()) << header.status();
  if (header.ok()) reply.header = *header;
  reply.results.assign(decoder.Rest().begin(), decoder.Rest().end());
  return reply;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : cache_({}), dispatcher_(&cache_) {
    dispatcher_.Register(Table(2));
    dispatcher_.Register(Table(4));
  }

  ProgramVersion Table(uint32_t version) {
    ProgramVersion table;
    table.program = kToyProgram;
    table.version = version;
    table.program_name = "toy";
    table.procedures.resize(8);
    table.procedures[toy_proc::kNull] =
        MakeProcedure("NULL", &DecodeVoid, [](const CallContext&, const Void&) { return Void{}; },
                      &EncodeVoid, {.execution = Execution::kInline});
    table.procedures[toy_proc::kAdd] = MakeProcedure(
        "ADD", &DecodeAddArgs,
        [this](const CallContext&, const AddArgs& args) -> uint32_t {
          ++add_calls_;
          return args.a + args.b;
        },
        &EncodeU32);
    table.procedures[toy_proc::kHole].name = "HOLE";  // no `run`: a hole in the table
    table.procedures[toy_proc::kSilent] = MakeProcedure(
        "SILENT", &DecodeVoid,
        [this](const CallContext&, const Void&) -> HandlerResult<Void> {
          ++silent_calls_;
          return NoReply{};
        },
        &EncodeVoid);
    table.procedures[toy_proc::kFail] = MakeProcedure(
        "FAIL", &DecodeVoid,
        [](const CallContext&, const Void&) -> HandlerResult<uint32_t> {
          return SystemError{"disk on fire"};
        },
        &EncodeU32);
    table.procedures[toy_proc::kCounter] = MakeProcedure(
        "COUNTER", &DecodeU32,
        [this](const CallContext&, const uint32_t& add) -> uint32_t { return counter_ += add; },
        &EncodeU32, {.cache_policy = ReplyCachePolicy::kCacheReply});
    table.procedures[toy_proc::kWhoAmI] = MakeProcedure(
        "WHOAMI", &DecodeVoid,
        [](const CallContext& context, const Void&) {
          Identity id;
          id.flavor = static_cast<uint32_t>(context.credentials.flavor);
          id.uid = context.credentials.uid;
          id.gid = context.credentials.gid;
          id.gids.assign(context.credentials.gids.begin(), context.credentials.gids.end());
          id.machine_name = context.credentials.machine_name;
          id.xid = context.xid;
          id.version = context.version;
          id.procedure = context.procedure;
          id.peer_port = context.origin.peer.port();
          return id;
        },
        &EncodeIdentity, {.execution = Execution::kWorker});
    // A cached procedure that, while running, sees its own retransmission arrive.
    table.procedures[toy_proc::kReentrant] = MakeProcedure(
        "REENTRANT", &DecodeVoid,
        [this](const CallContext& context, const Void&) -> uint32_t {
          ++reentrant_calls_;
          inner_reply_ = dispatcher_.Dispatch(reentrant_record_, context.origin).has_value();
          return 7;
        },
        &EncodeU32, {.cache_policy = ReplyCachePolicy::kCacheReply});
    return table;
  }

  std::optional<xdr::XdrEncoder> Dispatch(const CallSpec& spec, uint16_t port = 700) {
    return dispatcher_.Dispatch(BuildCall(spec), OriginFromPort(port));
  }

  // Dispatches and expects a reply.
  Reply Call(const CallSpec& spec, uint16_t port = 700) {
    std::optional<xdr::XdrEncoder> reply = Dispatch(spec, port);
    EXPECT_TRUE(reply.has_value());
    if (!reply.has_value()) return {};
    return ParseReply(*reply);
  }

  int add_calls_ = 0;
  int silent_calls_ = 0;
  int reentrant_calls_ = 0;
  uint32_t counter_ = 0;
  Bytes reentrant_record_;
  std::optional<bool> inner_reply_;
  DuplicateRequestCache cache_;
  Dispatcher dispatcher_;
};

Bytes Words(std::initializer_list<uint32_t> words) {
  Bytes out;
  for (uint32_t word : words) AppendWord(out, word);
  return out;
}

TEST_F(DispatcherTest, SuccessWithResult) {
  const Reply reply = Call({.xid = 0x51, .procedure = toy_proc::kAdd, .args = {40, 2}});
  EXPECT_EQ(reply.header.xid, 0x51u);
  EXPECT_TRUE(reply.header.Succeeded());
  EXPECT_EQ(reply.results, Words({42}));
  EXPECT_EQ(add_calls_, 1);
  // The whole reply, byte for byte: xid, REPLY, MSG_ACCEPTED, AUTH_NONE verifier, SUCCESS, 42.
  EXPECT_EQ(reply.bytes, Words({0x51, 1, 0, 0, 0, 0, 42}));
}

TEST_F(DispatcherTest, BothVersionsServe) {
  const Reply v4 = Call({.version = 4, .procedure = toy_proc::kAdd, .args = {1, 2}});
  EXPECT_TRUE(v4.header.Succeeded());
  EXPECT_EQ(v4.results, Words({3}));
  const Reply null = Call({.version = 4, .procedure = toy_proc::kNull});
  EXPECT_TRUE(null.header.Succeeded());
  EXPECT_TRUE(null.results.empty());
}

TEST_F(DispatcherTest, UnknownProgramIsProgUnavail) {
  const Reply reply = Call({.xid = 9, .program = 0x20000002, .procedure = toy_proc::kNull});
  EXPECT_EQ(reply.header.xid, 9u);
  EXPECT_EQ(reply.header.reply_stat, ReplyStat::kAccepted);
  EXPECT_EQ(reply.header.accept_stat, AcceptStat::kProgUnavail);
  EXPECT_TRUE(reply.results.empty());
}

TEST_F(DispatcherTest, UnknownVersionIsProgMismatchWithTheSupportedRange) {
  for (uint32_t version : {1u, 3u, 5u}) {
    SCOPED_TRACE(version);
    const Reply reply = Call({.version = version, .procedure = toy_proc::kNull});
    EXPECT_EQ(reply.header.accept_stat, AcceptStat::kProgMismatch);
    EXPECT_EQ(reply.header.mismatch_low, 2u);
    EXPECT_EQ(reply.header.mismatch_high, 4u);
    EXPECT_TRUE(reply.results.empty());
  }
}

TEST_F(DispatcherTest, UnknownProcedureAndHoleAreProcUnavail) {
  for (uint32_t procedure : {toy_proc::kHole, 8u, 99u, 0xFFFFFFFFu}) {
    SCOPED_TRACE(procedure);
    const Reply reply = Call({.procedure = procedure});
    EXPECT_EQ(reply.header.reply_stat, ReplyStat::kAccepted);
    EXPECT_EQ(reply.header.accept_stat, AcceptStat::kProcUnavail);
  }
}

TEST_F(DispatcherTest, TruncatedArgumentsAreGarbageArgs) {
  const Reply reply = Call({.xid = 3, .procedure = toy_proc::kAdd, .args = {40}});
  EXPECT_EQ(reply.header.xid, 3u);
  EXPECT_EQ(reply.header.accept_stat, AcceptStat::kGarbageArgs);
  EXPECT_TRUE(reply.results.empty());
  EXPECT_EQ(add_calls_, 0);  // the handler never sees malformed arguments
}

TEST_F(DispatcherTest, TrailingGarbageIsGarbageArgs) {
  Bytes record = BuildCall({.procedure = toy_proc::kAdd, .args = {1, 2}});
  record.push_back(0xEE);  // not even a whole word
  std::optional<xdr::XdrEncoder> reply = dispatcher_.Dispatch(record, OriginFromPort(700));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(ParseReply(*reply).header.accept_stat, AcceptStat::kGarbageArgs);

  const Reply extra_word = Call({.procedure = toy_proc::kAdd, .args = {1, 2, 3}});
  EXPECT_EQ(extra_word.header.accept_stat, AcceptStat::kGarbageArgs);
  const Reply null_with_args = Call({.procedure = toy_proc::kNull, .args = {0}});
  EXPECT_EQ(null_with_args.header.accept_stat, AcceptStat::kGarbageArgs);
  EXPECT_EQ(add_calls_, 0);
}

TEST_F(DispatcherTest, WrongRpcVersionIsRpcMismatch) {
  const Reply reply = Call({.xid = 0x77, .rpc_version = 3, .procedure = toy_proc::kNull});
  EXPECT_EQ(reply.header.xid, 0x77u);
  EXPECT_EQ(reply.header.reply_stat, ReplyStat::kDenied);
  EXPECT_EQ(reply.header.reject_stat, RejectStat::kRpcMismatch);
  EXPECT_EQ(reply.header.mismatch_low, 2u);
  EXPECT_EQ(reply.header.mismatch_high, 2u);
}

TEST_F(DispatcherTest, AuthDhIsBadCred) {
  const Reply reply =
      Call({.xid = 4, .procedure = toy_proc::kNull, .cred_flavor = 3, .cred_body = Words({1, 2})});
  EXPECT_EQ(reply.header.xid, 4u);
  EXPECT_EQ(reply.header.reply_stat, ReplyStat::kDenied);
  EXPECT_EQ(reply.header.reject_stat, RejectStat::kAuthError);
  EXPECT_EQ(reply.header.auth_stat, AuthStat::kBadCred);
}

TEST_F(DispatcherTest, MalformedAuthSysIsBadCred) {
  // stamp, then a machine name length of 300 (over 255) with nothing after it.
  const Reply reply = Call({.procedure = toy_proc::kAdd,
                            .cred_flavor = 1,
                            .cred_body = Words({1, 300}),
                            .args = {1, 2}});
  EXPECT_EQ(reply.header.reply_stat, ReplyStat::kDenied);
  EXPECT_EQ(reply.header.reject_stat, RejectStat::kAuthError);
  EXPECT_EQ(reply.header.auth_stat, AuthStat::kBadCred);
  EXPECT_EQ(add_calls_, 0);
}

TEST_F(DispatcherTest, CredentialIsCheckedBeforeTheProgram) {
  const Reply reply = Call({.program = 0x30000000, .cred_flavor = 3});
  EXPECT_EQ(reply.header.reply_stat, ReplyStat::kDenied);
  EXPECT_EQ(reply.header.auth_stat, AuthStat::kBadCred);
}

TEST_F(DispatcherTest, RecordCutInsideTheCredentialIsBadCred) {
  Bytes record = BuildCall({.xid = 0x99, .cred_flavor = 1, .cred_body = Words({1, 0, 2, 3, 0})});
  record.resize(24 + 8 + 4);  // header words, credential flavor and length, one body word
  std::optional<xdr::XdrEncoder> reply = dispatcher_.Dispatch(record, OriginFromPort(700));
  ASSERT_TRUE(reply.has_value());
  const Reply parsed = ParseReply(*reply);
  EXPECT_EQ(parsed.header.xid, 0x99u);
  EXPECT_EQ(parsed.header.auth_stat, AuthStat::kBadCred);
}

TEST_F(DispatcherTest, UnreadableRecordsGetNoReply) {
  EXPECT_FALSE(dispatcher_.Dispatch(Bytes{0, 0, 1}, OriginFromPort(700)).has_value());
  EXPECT_FALSE(dispatcher_.Dispatch(Bytes{}, OriginFromPort(700)).has_value());
  // A REPLY sent to a server.
  xdr::XdrEncoder stray;
  EncodeAcceptedReply(stray, 5, AcceptStat::kSuccess);
  EXPECT_FALSE(dispatcher_.Dispatch(stray.Flatten(), OriginFromPort(700)).has_value());
  // A CALL cut inside the program number.
  Bytes cut = BuildCall({.procedure = toy_proc::kNull});
  cut.resize(14);
  EXPECT_FALSE(dispatcher_.Dispatch(cut, OriginFromPort(700)).has_value());
}

TEST_F(DispatcherTest, NoReplyGivesNothing) {
  EXPECT_FALSE(Dispatch({.procedure = toy_proc::kSilent}).has_value());
  EXPECT_EQ(silent_calls_, 1);
}

TEST_F(DispatcherTest, SystemErrorIsSystemErr) {
  const Reply reply = Call({.xid = 0x5E, .procedure = toy_proc::kFail});
  EXPECT_EQ(reply.header.xid, 0x5Eu);
  EXPECT_EQ(reply.header.reply_stat, ReplyStat::kAccepted);
  EXPECT_EQ(reply.header.accept_stat, AcceptStat::kSystemErr);
  EXPECT_TRUE(reply.results.empty());  // the reason is never sent
}

TEST_F(DispatcherTest, CachedProcedureRunsOnceForARetransmission) {
  const CallSpec spec = {.xid = 0x1000, .procedure = toy_proc::kCounter, .args = {5}};
  const Reply first = Call(spec);
  ASSERT_TRUE(first.header.Succeeded());
  EXPECT_EQ(first.results, Words({5}));
  EXPECT_EQ(counter_, 5u);

  const Reply retransmission = Call(spec);
  EXPECT_EQ(counter_, 5u);  // not run again
  EXPECT_EQ(retransmission.bytes, first.bytes);

  // Another xid, or the same xid from another port, is a new call.
  const Reply other_xid = Call({.xid = 0x1001, .procedure = toy_proc::kCounter, .args = {5}});
  EXPECT_EQ(other_xid.results, Words({10}));
  const Reply other_port = Call(spec, 701);
  EXPECT_EQ(other_port.results, Words({15}));
  // Same xid and peer but different arguments: a reused xid, not a retransmission.
  const Reply other_args = Call({.xid = 0x1000, .procedure = toy_proc::kCounter, .args = {1}});
  EXPECT_EQ(other_args.results, Words({16}));
  EXPECT_EQ(counter_, 16u);
}

TEST_F(DispatcherTest, UncachedProcedureRunsForEveryRetransmission) {
  const CallSpec spec = {.xid = 0x2000, .procedure = toy_proc::kAdd, .args = {1, 1}};
  Call(spec);
  Call(spec);
  EXPECT_EQ(add_calls_, 2);
}

TEST_F(DispatcherTest, WithoutACacheTheCachedProcedureRunsEveryTime) {
  Dispatcher uncached;
  uncached.Register(Table(2));
  const Bytes record = BuildCall({.xid = 0x3000, .procedure = toy_proc::kCounter, .args = {2}});
  ASSERT_TRUE(uncached.Dispatch(record, OriginFromPort(700)).has_value());
  ASSERT_TRUE(uncached.Dispatch(record, OriginFromPort(700)).has_value());
  EXPECT_EQ(counter_, 4u);
}

TEST_F(DispatcherTest, RetransmissionOfACallInProgressIsDropped) {
  reentrant_record_ = BuildCall({.xid = 0x4000, .procedure = toy_proc::kReentrant});
  std::optional<xdr::XdrEncoder> reply =
      dispatcher_.Dispatch(reentrant_record_, OriginFromPort(700));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(ParseReply(*reply).results, Words({7}));
  EXPECT_EQ(reentrant_calls_, 1);
  ASSERT_TRUE(inner_reply_.has_value());
  EXPECT_FALSE(*inner_reply_);  // the copy that arrived while the first ran got nothing
}

TEST_F(DispatcherTest, CredentialsAndCallDetailsReachTheHandler) {
  Credentials credentials;
  credentials.stamp = 99;
  credentials.machine_name = "client7";
  credentials.uid = 1000;
  credentials.gid = 100;
  credentials.gids = {4, 24, 27};
  const Reply reply = Call({.xid = 0xABC,
                            .version = 4,
                            .procedure = toy_proc::kWhoAmI,
                            .cred_flavor = 1,
                            .cred_body = EncodeAuthSysBody(credentials)},
                           1234);
  ASSERT_TRUE(reply.header.Succeeded());
  xdr::XdrDecoder decoder(reply.results);
  const Identity id = DecodeIdentity(decoder);
  ASSERT_TRUE(decoder.Finish().ok()) << decoder.status();
  EXPECT_EQ(id.flavor, static_cast<uint32_t>(AuthFlavor::kSys));
  EXPECT_EQ(id.uid, 1000u);
  EXPECT_EQ(id.gid, 100u);
  EXPECT_EQ(id.gids, (std::vector<uint32_t>{4, 24, 27}));
  EXPECT_EQ(id.machine_name, "client7");
  EXPECT_EQ(id.xid, 0xABCu);
  EXPECT_EQ(id.version, 4u);
  EXPECT_EQ(id.procedure, toy_proc::kWhoAmI);
  EXPECT_EQ(id.peer_port, 1234u);
}

TEST_F(DispatcherTest, AuthNoneReachesTheHandlerAsNobodyInParticular) {
  const Reply reply = Call({.procedure = toy_proc::kWhoAmI});
  ASSERT_TRUE(reply.header.Succeeded());
  xdr::XdrDecoder decoder(reply.results);
  const Identity id = DecodeIdentity(decoder);
  ASSERT_TRUE(decoder.Finish().ok()) << decoder.status();
  EXPECT_EQ(id.flavor, static_cast<uint32_t>(AuthFlavor::kNone));
  EXPECT_EQ(id.uid, 0u);
  EXPECT_TRUE(id.gids.empty());
}

TEST_F(DispatcherTest, ExecutionForFollowsTheProcedurePolicy) {
  EXPECT_EQ(dispatcher_.ExecutionFor(BuildCall({.procedure = toy_proc::kNull})),
            Execution::kInline);
  EXPECT_EQ(dispatcher_.ExecutionFor(BuildCall({.procedure = toy_proc::kAdd, .args = {1, 2}})),
            Execution::kWorker);
  EXPECT_EQ(dispatcher_.ExecutionFor(BuildCall({.version = 4, .procedure = toy_proc::kWhoAmI})),
            Execution::kWorker);
  // Calls that can only get an error reply run inline.
  EXPECT_EQ(dispatcher_.ExecutionFor(BuildCall({.procedure = 99})), Execution::kInline);
  EXPECT_EQ(dispatcher_.ExecutionFor(BuildCall({.procedure = toy_proc::kHole})),
            Execution::kInline);
  EXPECT_EQ(dispatcher_.ExecutionFor(BuildCall({.version = 3, .procedure = toy_proc::kAdd})),
            Execution::kInline);
  EXPECT_EQ(dispatcher_.ExecutionFor(BuildCall({.program = 7, .procedure = toy_proc::kAdd})),
            Execution::kInline);
  EXPECT_EQ(dispatcher_.ExecutionFor(BuildCall({.rpc_version = 3, .procedure = toy_proc::kAdd})),
            Execution::kInline);
  EXPECT_EQ(dispatcher_.ExecutionFor(Bytes{1, 2, 3}), Execution::kInline);
}

TEST_F(DispatcherTest, ProgramsListsEveryRegisteredVersion) {
  const std::vector<Dispatcher::Registered> programs = dispatcher_.Programs();
  ASSERT_EQ(programs.size(), 2u);
  EXPECT_EQ(programs[0].program, kToyProgram);
  EXPECT_EQ(programs[0].version, 2u);
  EXPECT_EQ(programs[0].program_name, "toy");
  EXPECT_EQ(programs[1].program, kToyProgram);
  EXPECT_EQ(programs[1].version, 4u);
}

}  // namespace
}  // namespace nfsuite::rpc
