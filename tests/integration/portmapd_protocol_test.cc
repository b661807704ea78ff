// RPCBIND v3/v4 and PMAP v2 procedures of a running portmapd, over TCP and UDP.
#include "absl/strings/str_cat.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/rpc_server.h"
#include "gtest/gtest.h"
#include "tests/integration/portmapd_fixture.h"
#include "tests/integration/rpc_test_calls.h"

namespace nfsuite::testing {
namespace {

namespace pm = rpc::portmap;
constexpr uint32_t kTestProgram = 0x20000124;
const absl::Duration kTimeout = absl::Seconds(5);

template <typename Result>
absl::StatusOr<Result> CallPortmapper(rpc::RpcClient& client, uint32_t version, uint32_t procedure,
                                      const rpc::ArgumentEncoder& arguments,
                                      void (*decode)(xdr::XdrDecoder&, Result&)) {
  return rpc::CallAndDecode(client, pm::kProgram, version, procedure, arguments, decode, kTimeout);
}

pm::Rpcb MakeRpcb(uint32_t program, uint32_t version, const std::string& netid,
                  const std::string& address) {
  return pm::Rpcb{program, version, netid, address, ""};
}

// A small RPC program served on UDP and TCP: procedure 1 returns its argument plus one.
class IncrementServer {
 public:
  IncrementServer() {
    rpc::ProgramVersion table{kTestProgram, 1, "increment", {}};
    table.procedures.resize(2);
    table.procedures[0] = rpc::MakeProcedure(
        "NULL", &rpc::DecodeVoid,
        [](const rpc::CallContext&, const rpc::Void&) { return rpc::Void{}; }, &rpc::EncodeVoid);
    table.procedures[1] = rpc::MakeProcedure(
        "INCREMENT", &pm::DecodeUint32,
        [](const rpc::CallContext&, const uint32_t& value) { return value + 1; },
        &pm::EncodeUint32);
    dispatcher_.Register(std::move(table));
    rpc::ServerOptions options;
    options.listeners = {{rpc::Transport::kUdp, rpc::SocketAddress::Loopback4(0)},
                         {rpc::Transport::kTcp, rpc::SocketAddress::Loopback4(0)}};
    server_ = std::make_unique<rpc::RpcServer>(options, dispatcher_);
    EXPECT_TRUE(server_->Start().ok());
  }
  std::vector<rpc::ServiceRegistration> Registrations() const {
    std::vector<rpc::ServiceRegistration> result;
    for (const auto& listener : server_->listeners()) {
      result.push_back({kTestProgram, 1, listener.transport, listener.address});
    }
    return result;
  }

 private:
  rpc::Dispatcher dispatcher_;
  std::unique_ptr<rpc::RpcServer> server_;
};

std::vector<uint8_t> EncodedUint32(uint32_t value) {
  xdr::XdrEncoder encoder;
  encoder.Uint32(value);
  return encoder.Flatten();
}

void EncodeRemoteCall(xdr::XdrEncoder& encoder, uint32_t program, uint32_t argument) {
  encoder.Uint32(program);
  encoder.Uint32(1);
  encoder.Uint32(1);
  encoder.Opaque(EncodedUint32(argument));
}

TEST_F(PortmapdTest, RpcbindSetGetAddrAndUnsetOnEveryNetid) {
  FakeService service;
  auto udp = Connect(rpc::Transport::kUdp);
  const std::string uaddr = rpc::SocketAddress::Loopback4(service.port()).UniversalAddress();
  for (const char* netid : {"tcp", "udp"}) {
    EXPECT_TRUE(*CallPortmapper<bool>(
        *udp, 4, pm::rpcb_proc::kSet,
        [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, MakeRpcb(kTestProgram, 7, netid, uaddr)); },
        &pm::DecodeBool));
  }
  // GETADDR answers for the transport the request came on.
  for (rpc::Transport transport : {rpc::Transport::kTcp, rpc::Transport::kUdp}) {
    auto client = Connect(transport);
    for (uint32_t version : {3u, 4u}) {
      absl::StatusOr<std::string> address = CallPortmapper<std::string>(
          *client, version, pm::rpcb_proc::kGetAddr,
          [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, MakeRpcb(kTestProgram, 7, "", "")); },
          &pm::DecodeAddressString);
      ASSERT_TRUE(address.ok()) << address.status();
      EXPECT_EQ(*address, uaddr);
    }
  }
  // GETADDR of another version finds the program (any version); GETVERSADDR does not.
  auto tcp = Connect(rpc::Transport::kTcp);
  EXPECT_EQ(*CallPortmapper<std::string>(
                *tcp, 4, pm::rpcb_proc::kGetAddr,
                [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, MakeRpcb(kTestProgram, 8, "", "")); },
                &pm::DecodeAddressString),
            uaddr);
  EXPECT_EQ(*CallPortmapper<std::string>(
                *tcp, 4, pm::rpcb_proc::kGetVersAddr,
                [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, MakeRpcb(kTestProgram, 8, "", "")); },
                &pm::DecodeAddressString),
            "");
  // GETADDRLIST lists both transports.
  absl::StatusOr<std::vector<pm::RpcbEntry>> list = CallPortmapper<std::vector<pm::RpcbEntry>>(
      *tcp, 4, pm::rpcb_proc::kGetAddrList,
      [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, MakeRpcb(kTestProgram, 7, "", "")); },
      &pm::DecodeRpcbEntryList);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].netid, "tcp");
  EXPECT_EQ((*list)[0].semantics, pm::kSemanticsOrderedStream);
  EXPECT_EQ((*list)[0].protocol_family, "inet");
  EXPECT_EQ((*list)[1].netid, "udp");
  EXPECT_EQ((*list)[1].semantics, pm::kSemanticsDatagram);

  // UNSET with an empty netid removes every transport.
  EXPECT_TRUE(*CallPortmapper<bool>(
      *udp, 3, pm::rpcb_proc::kUnset,
      [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, MakeRpcb(kTestProgram, 7, "", "")); },
      &pm::DecodeBool));
  EXPECT_EQ(*CallPortmapper<std::string>(
                *tcp, 3, pm::rpcb_proc::kGetAddr,
                [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, MakeRpcb(kTestProgram, 7, "", "")); },
                &pm::DecodeAddressString),
            "");
}

TEST_F(PortmapdTest, WildcardRegistrationIsAnsweredWithTheAddressAsked) {
  FakeService service;
  ASSERT_TRUE(*portmap_client_.PmapSet({kTestProgram, 1, pm::kIpProtoTcp, service.port()}));
  auto tcp = Connect(rpc::Transport::kTcp);
  absl::StatusOr<std::string> address = CallPortmapper<std::string>(
      *tcp, 4, pm::rpcb_proc::kGetAddr,
      [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, MakeRpcb(kTestProgram, 1, "", "")); },
      &pm::DecodeAddressString);
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(*address, rpc::SocketAddress::Loopback4(service.port()).UniversalAddress());
}

TEST_F(PortmapdTest, RpcbindSetRefusesUnknownNetidsAndBadAddresses) {
  auto udp = Connect(rpc::Transport::kUdp);
  for (const pm::Rpcb& bad : {MakeRpcb(kTestProgram, 1, "carrier-pigeon", "127.0.0.1.8.1"),
                              MakeRpcb(kTestProgram, 1, "tcp", "not-an-address")}) {
    EXPECT_FALSE(*CallPortmapper<bool>(
        *udp, 4, pm::rpcb_proc::kSet, [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, bad); },
        &pm::DecodeBool));
  }
}

TEST_F(PortmapdTest, TimeAndAddressTranslation) {
  auto tcp = Connect(rpc::Transport::kTcp);
  absl::StatusOr<uint32_t> time =
      CallPortmapper<uint32_t>(*tcp, 3, pm::rpcb_proc::kGetTime, nullptr, &pm::DecodeUint32);
  ASSERT_TRUE(time.ok()) << time.status();
  EXPECT_NEAR(static_cast<double>(*time), absl::ToUnixSeconds(absl::Now()), 60);

  absl::StatusOr<pm::Netbuf> netbuf = CallPortmapper<pm::Netbuf>(
      *tcp, 4, pm::rpcb_proc::kUaddr2Taddr, [](xdr::XdrEncoder& e) { e.String("127.0.0.1.8.1"); },
      &pm::DecodeNetbuf);
  ASSERT_TRUE(netbuf.ok()) << netbuf.status();
  EXPECT_EQ(netbuf->buffer.size(), sizeof(sockaddr_in));
  absl::StatusOr<std::string> uaddr = CallPortmapper<std::string>(
      *tcp, 4, pm::rpcb_proc::kTaddr2Uaddr,
      [&](xdr::XdrEncoder& e) { pm::EncodeNetbuf(e, *netbuf); }, &pm::DecodeAddressString);
  ASSERT_TRUE(uaddr.ok()) << uaddr.status();
  EXPECT_EQ(*uaddr, "127.0.0.1.8.1");
}

TEST_F(PortmapdTest, GetStatCountsCallsPerVersion) {
  auto tcp = Connect(rpc::Transport::kTcp);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(tcp->Call(pm::kProgram, 2, pm::pmap_proc::kNull, nullptr, kTimeout).ok());
  }
  absl::StatusOr<pm::RpcbStatByVersion> stats = CallPortmapper<pm::RpcbStatByVersion>(
      *tcp, 4, pm::rpcb_proc::kGetStat, nullptr, &pm::DecodeRpcbStatByVersion);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ((*stats)[0].procedure_calls[pm::pmap_proc::kNull], 3);
  EXPECT_EQ((*stats)[2].procedure_calls[pm::rpcb_proc::kGetStat], 1);
}

TEST_F(PortmapdTest, CallItForwardsToARegisteredLocalProgram) {
  IncrementServer server;
  ASSERT_TRUE(portmap_client_.Register(server.Registrations()).ok());
  auto udp = Connect(rpc::Transport::kUdp);

  absl::StatusOr<rpc::RpcReply> pmap = udp->Call(
      pm::kProgram, 2, pm::pmap_proc::kCallIt,
      [](xdr::XdrEncoder& e) { EncodeRemoteCall(e, kTestProgram, 41); }, kTimeout);
  ASSERT_TRUE(pmap.ok()) << pmap.status();
  ASSERT_TRUE(pmap->header.Succeeded()) << pmap->header.Describe();
  xdr::XdrDecoder results = pmap->Results();
  EXPECT_NE(results.Uint32(), 0u);  // the port of the program
  xdr::XdrDecoder inner(results.Opaque(1024));
  EXPECT_EQ(inner.Uint32(), 42u);

  absl::StatusOr<rpc::RpcReply> indirect = udp->Call(
      pm::kProgram, 4, pm::rpcb_proc::kIndirect,
      [](xdr::XdrEncoder& e) { EncodeRemoteCall(e, kTestProgram, 99); }, kTimeout);
  ASSERT_TRUE(indirect.ok()) << indirect.status();
  ASSERT_TRUE(indirect->header.Succeeded()) << indirect->header.Describe();
  xdr::XdrDecoder indirect_results = indirect->Results();
  EXPECT_FALSE(indirect_results.String(256).empty());
  xdr::XdrDecoder indirect_inner(indirect_results.Opaque(1024));
  EXPECT_EQ(indirect_inner.Uint32(), 100u);
  ASSERT_TRUE(portmap_client_.Unregister(server.Registrations()).ok());
}

TEST_F(PortmapdTest, CallItToAnUnknownProgramIsSilentAndIndirectReportsIt) {
  auto udp = Connect(rpc::Transport::kUdp);
  absl::StatusOr<rpc::RpcReply> callit = udp->Call(
      pm::kProgram, 2, pm::pmap_proc::kCallIt,
      [](xdr::XdrEncoder& e) { EncodeRemoteCall(e, 0x2fffffff, 1); }, absl::Seconds(2));
  EXPECT_TRUE(absl::IsDeadlineExceeded(callit.status())) << "CALLIT answered a failed call";

  absl::StatusOr<rpc::RpcReply> indirect = udp->Call(
      pm::kProgram, 4, pm::rpcb_proc::kIndirect,
      [](xdr::XdrEncoder& e) { EncodeRemoteCall(e, 0x2fffffff, 1); }, kTimeout);
  ASSERT_TRUE(indirect.ok()) << indirect.status();
  EXPECT_EQ(indirect->header.accept_stat, rpc::AcceptStat::kSystemErr);
}

TEST_F(PortmapdTest, CallItNeverForwardsToThePortmapperItself) {
  auto udp = Connect(rpc::Transport::kUdp);
  absl::StatusOr<rpc::RpcReply> callit = udp->Call(
      pm::kProgram, 2, pm::pmap_proc::kCallIt,
      [](xdr::XdrEncoder& e) {
        e.Uint32(pm::kProgram);
        e.Uint32(2);
        e.Uint32(pm::pmap_proc::kDump);
        e.Opaque({});
      },
      absl::Seconds(2));
  EXPECT_TRUE(absl::IsDeadlineExceeded(callit.status()));
}

TEST_F(PortmapdTest, RetransmittedSetGetsTheFirstReplyAgain) {
  FakeService service;
  auto udp = Connect(rpc::Transport::kUdp);
  xdr::XdrEncoder mapping;
  pm::EncodeMapping(mapping, {kTestProgram, 5, pm::kIpProtoUdp, service.port()});
  const uint32_t xid = udp->NextXid();
  const std::vector<uint8_t> call =
      BuildCall(xid, pm::kProgram, 2, pm::pmap_proc::kSet, mapping.Flatten());
  for (int copy = 0; copy < 2; ++copy) {
    ASSERT_TRUE(udp->SendRaw(call).ok());
    absl::StatusOr<rpc::RpcReply> reply = udp->ReceiveReply(xid, kTimeout);
    ASSERT_TRUE(reply.ok()) << reply.status();
    xdr::XdrDecoder result = reply->Results();
    EXPECT_TRUE(result.Bool()) << "copy " << copy << " of the same SET was not answered TRUE";
  }
  // A new SET (new xid) of the same mapping is a different call, and is refused.
  EXPECT_FALSE(*portmap_client_.PmapSet({kTestProgram, 5, pm::kIpProtoUdp, service.port()}));
}

}  // namespace
}  // namespace nfsuite::testing
