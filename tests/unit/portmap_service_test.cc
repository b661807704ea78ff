// The portmap procedures through the dispatcher, with callers placed anywhere: the rules that
// depend on where a call comes from cannot be exercised over loopback alone.
#include "service/portmap/portmap_service.h"

#include "common/rpc/dispatcher.h"
#include "gtest/gtest.h"

namespace nfsuite::portmap {
namespace {

namespace pm = rpc::portmap;

class PortmapServiceTest : public ::testing::Test {
 protected:
  PortmapServiceTest() : service_(table_, {}), dispatcher_(&cache_) {
    for (rpc::ProgramVersion& program : service_.Programs()) {
      dispatcher_.Register(std::move(program));
    }
  }

  // Sends a call from `peer` and returns the decoded reply header and result decoder input.
  std::optional<std::vector<uint8_t>> Call(const std::string& peer_host, uint32_t version,
                                           uint32_t procedure,
                                           const std::function<void(xdr::XdrEncoder&)>& args,
                                           rpc::Transport transport = rpc::Transport::kUdp) {
    rpc::CallHeader header;
    header.xid = ++xid_;
    header.rpc_version = rpc::kRpcVersion;
    header.program = pm::kProgram;
    header.version = version;
    header.procedure = procedure;
    xdr::XdrEncoder call;
    rpc::EncodeCallHeader(call, header);
    if (args) args(call);
    rpc::CallOrigin origin;
    origin.peer = *rpc::SocketAddress::Parse(peer_host, 700);
    origin.local =
        *rpc::SocketAddress::Parse(origin.peer.family() == AF_INET6 ? "::1" : "127.0.0.1", 111);
    origin.transport = transport;
    std::optional<xdr::XdrEncoder> reply = dispatcher_.Dispatch(call.Flatten(), origin);
    if (!reply.has_value()) return std::nullopt;
    return reply->Flatten();
  }

  // Decodes a SUCCESS reply whose result is one bool.
  static bool BoolResult(const std::optional<std::vector<uint8_t>>& reply) {
    EXPECT_TRUE(reply.has_value());
    if (!reply.has_value()) return false;
    xdr::XdrDecoder decoder(*reply);
    absl::StatusOr<rpc::ReplyHeader> header = rpc::DecodeReplyHeader(decoder);
    EXPECT_TRUE(header.ok() && header->Succeeded());
    const bool value = decoder.Bool();
    EXPECT_TRUE(decoder.Finish().ok());
    return value;
  }

  static std::function<void(xdr::XdrEncoder&)> MappingArgs(const pm::Mapping& mapping) {
    return [mapping](xdr::XdrEncoder& e) { pm::EncodeMapping(e, mapping); };
  }

  RegistrationTable table_;
  PortmapService service_;
  rpc::DuplicateRequestCache cache_{{}};
  rpc::Dispatcher dispatcher_;
  uint32_t xid_ = 0;
};

TEST_F(PortmapServiceTest, SetAndUnsetAreRefusedFromRemoteCallers) {
  const pm::Mapping mapping{0x20000001, 1, pm::kIpProtoTcp, 4000};
  for (const char* remote : {"192.0.2.7", "2001:db8::7", "10.1.2.3"}) {
    EXPECT_FALSE(BoolResult(Call(remote, 2, pm::pmap_proc::kSet, MappingArgs(mapping)))) << remote;
  }
  EXPECT_TRUE(table_.Snapshot().empty());

  EXPECT_TRUE(BoolResult(Call("127.0.0.1", 2, pm::pmap_proc::kSet, MappingArgs(mapping))));
  EXPECT_FALSE(BoolResult(Call("192.0.2.7", 2, pm::pmap_proc::kUnset, MappingArgs(mapping))));
  EXPECT_EQ(table_.Snapshot().size(), 1u) << "a remote UNSET removed a registration";
  EXPECT_TRUE(BoolResult(Call("::1", 2, pm::pmap_proc::kUnset, MappingArgs(mapping))));
  EXPECT_TRUE(table_.Snapshot().empty());
}

TEST_F(PortmapServiceTest, RpcbindSetIsRefusedFromRemoteCallers) {
  const pm::Rpcb rpcb{0x20000002, 1, "udp", "127.0.0.1.8.1", ""};
  auto args = [&](xdr::XdrEncoder& e) { pm::EncodeRpcb(e, rpcb); };
  EXPECT_FALSE(BoolResult(Call("198.51.100.1", 4, pm::rpcb_proc::kSet, args)));
  EXPECT_TRUE(BoolResult(Call("127.0.0.9", 4, pm::rpcb_proc::kSet, args)));
  EXPECT_FALSE(BoolResult(Call("198.51.100.1", 3, pm::rpcb_proc::kUnset, args)));
  EXPECT_EQ(table_.Snapshot().size(), 1u);
}

TEST_F(PortmapServiceTest, RemoteCallsFromAfarGetNoReplyAtAll) {
  table_.Set({0x20000003, 1, "udp", "127.0.0.1.8.1", "superuser"});
  auto args = [](xdr::XdrEncoder& e) {
    e.Uint32(0x20000003);
    e.Uint32(1);
    e.Uint32(0);
    e.Opaque({});
  };
  // Whatever the spoofed source, nothing is sent: portmapd cannot amplify traffic.
  EXPECT_FALSE(Call("192.0.2.50", 2, pm::pmap_proc::kCallIt, args).has_value());
  EXPECT_FALSE(Call("192.0.2.50", 3, pm::rpcb_proc::kCallIt, args).has_value());
  EXPECT_FALSE(Call("192.0.2.50", 4, pm::rpcb_proc::kCallIt, args).has_value());
}

TEST_F(PortmapServiceTest, ListsOverUdpAreForLocalCallersOnly) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(table_.Set({0x20000000u + i, 1, "udp", "0.0.0.0.8.1", "superuser"}));
  }
  // A spoofed small request from afar must not draw a large reply to its claimed source.
  EXPECT_FALSE(Call("192.0.2.50", 2, pm::pmap_proc::kDump, nullptr).has_value());
  EXPECT_FALSE(Call("192.0.2.50", 3, pm::rpcb_proc::kDump, nullptr).has_value());
  EXPECT_FALSE(Call("2001:db8::5", 4, pm::rpcb_proc::kDump, nullptr).has_value());
  EXPECT_FALSE(Call("192.0.2.50", 4, pm::rpcb_proc::kGetStat, nullptr).has_value());
  const pm::Rpcb wanted{0x20000001, 1, "", "", ""};
  EXPECT_FALSE(Call("192.0.2.50", 4, pm::rpcb_proc::kGetAddrList, [&](xdr::XdrEncoder& e) {
                 pm::EncodeRpcb(e, wanted);
               }).has_value());
  // Over TCP (no spoofing past the handshake), and from this host, lists are answered.
  const std::optional<std::vector<uint8_t>> over_tcp =
      Call("192.0.2.50", 2, pm::pmap_proc::kDump, nullptr, rpc::Transport::kTcp);
  ASSERT_TRUE(over_tcp.has_value());
  EXPECT_GT(over_tcp->size(), 20u * 20u);
  EXPECT_TRUE(Call("127.0.0.1", 2, pm::pmap_proc::kDump, nullptr).has_value());
  EXPECT_TRUE(Call("::1", 4, pm::rpcb_proc::kDump, nullptr).has_value());
  // A lookup's reply is no larger than its request: answered to anyone.
  EXPECT_TRUE(Call("192.0.2.50", 2, pm::pmap_proc::kGetPort,
                   MappingArgs({0x20000001, 1, pm::kIpProtoUdp, 0}))
                  .has_value());
}

TEST_F(PortmapServiceTest, LookupsAnswerRemoteCallers) {
  ASSERT_TRUE(table_.Set({0x20000004, 1, "tcp", "0.0.0.0.8.1", "superuser"}));
  std::optional<std::vector<uint8_t>> reply =
      Call("192.0.2.7", 2, pm::pmap_proc::kGetPort, MappingArgs({0x20000004, 1, 6, 0}));
  ASSERT_TRUE(reply.has_value());
  xdr::XdrDecoder decoder(*reply);
  ASSERT_TRUE(rpc::DecodeReplyHeader(decoder).ok());
  EXPECT_EQ(decoder.Uint32(), 0x0801u);
}

}  // namespace
}  // namespace nfsuite::portmap
