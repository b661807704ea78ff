#include "tests/integration/nfs3_test_client.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/portmap_protocol.h"

namespace nfsuite::nfs {
void PrintTo(Nfsstat3 status, std::ostream* out) {
  *out << Nfsstat3Name(status) << " (" << static_cast<uint32_t>(status) << ")";
}
}  // namespace nfsuite::nfs

namespace nfsuite::mount {
void PrintTo(MountStat3 status, std::ostream* out) {
  *out << "mountstat3 " << static_cast<uint32_t>(status);
}
}  // namespace nfsuite::mount

namespace nfsuite::testing {
namespace {

const absl::Duration kTimeout = absl::Seconds(10);

absl::StatusOr<std::unique_ptr<rpc::RpcClient>> ConnectTo(const rpc::PortmapClient& portmapper,
                                                          uint32_t program, uint32_t version,
                                                          const ClientEnd& end) {
  absl::StatusOr<uint32_t> port =
      portmapper.PmapGetPort(program, version, rpc::portmap::kIpProtoTcp);
  if (!port.ok()) return port.status();
  if (*port == 0) return absl::NotFoundError(absl::StrCat("program ", program, " not registered"));
  rpc::RpcClient::LocalEnd local;
  absl::StatusOr<rpc::SocketAddress> address = rpc::SocketAddress::Parse(end.address, 0);
  if (!address.ok()) return address.status();
  local.address = *address;
  local.reserved_port = end.reserved_port;
  return rpc::RpcClient::Connect(rpc::Transport::kTcp,
                                 rpc::SocketAddress::Loopback4(static_cast<uint16_t>(*port)),
                                 kTimeout, local);
}

}  // namespace

rpc::Credentials SysCredentials(uint32_t uid, uint32_t gid) {
  rpc::Credentials credentials;
  credentials.flavor = rpc::AuthFlavor::kSys;
  credentials.machine_name = "nfs3-test-client";
  credentials.uid = uid;
  credentials.gid = gid;
  credentials.gids.push_back(gid);
  return credentials;
}

absl::StatusOr<mount::MountResult3> MountFrom(const rpc::PortmapClient& portmapper,
                                              const ClientEnd& end, const std::string& path) {
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      ConnectTo(portmapper, mount::kProgram, mount::kVersion3, end);
  if (!client.ok()) return client.status();
  return rpc::CallAndDecode<mount::MountResult3>(
      **client, mount::kProgram, mount::kVersion3, mount::proc::kMnt,
      [&](xdr::XdrEncoder& e) { mount::EncodeDirPath(e, path); }, &mount::DecodeMountResult3,
      kTimeout);
}

absl::StatusOr<std::unique_ptr<Nfs3TestClient>> Nfs3TestClient::Connect(
    const rpc::PortmapClient& portmapper, const ClientEnd& end) {
  absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
      ConnectTo(portmapper, nfs::kNfsProgram, nfs::kNfsVersion3, end);
  if (!client.ok()) return client.status();
  (*client)->set_credentials(SysCredentials(1000, 1000));
  return std::unique_ptr<Nfs3TestClient>(new Nfs3TestClient(*std::move(client)));
}

nfs::GetattrRes Nfs3TestClient::Getattr(const nfs::NfsFh3& handle) {
  return Call(nfs::nfs3_proc::kGetattr, nfs::GetattrArgs{handle}, &nfs::EncodeGetattrArgs,
              &nfs::DecodeGetattrRes);
}

nfs::LookupRes Nfs3TestClient::Lookup(const nfs::NfsFh3& dir, const std::string& name) {
  return Call(nfs::nfs3_proc::kLookup, nfs::LookupArgs{{dir, name}}, &nfs::EncodeLookupArgs,
              &nfs::DecodeLookupRes);
}

nfs::ReadRes Nfs3TestClient::Read(const nfs::NfsFh3& file, uint64_t offset, uint32_t count) {
  return Call(nfs::nfs3_proc::kRead, nfs::ReadArgs{file, offset, count}, &nfs::EncodeReadArgs,
              &nfs::DecodeReadRes);
}

nfs::WriteRes Nfs3TestClient::Write(const nfs::NfsFh3& file, uint64_t offset,
                                    const std::string& data) {
  nfs::WriteArgs args;
  args.file = file;
  args.offset = offset;
  args.count = static_cast<uint32_t>(data.size());
  args.stable = nfs::StableHow::kFileSync;
  args.data = absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  return Call(nfs::nfs3_proc::kWrite, args, &nfs::EncodeWriteArgs, &nfs::DecodeWriteRes);
}

nfs::CreateRes Nfs3TestClient::Create(const nfs::NfsFh3& dir, const std::string& name) {
  nfs::CreateArgs args;
  args.where = {dir, name};
  args.how.mode = nfs::CreateMode3::kUnchecked;
  args.how.obj_attributes.mode = 0644;
  return Call(nfs::nfs3_proc::kCreate, args, &nfs::EncodeCreateArgs, &nfs::DecodeCreateRes);
}

nfs::MkdirRes Nfs3TestClient::Mkdir(const nfs::NfsFh3& dir, const std::string& name) {
  nfs::MkdirArgs args;
  args.where = {dir, name};
  args.attributes.mode = 0755;
  return Call(nfs::nfs3_proc::kMkdir, args, &nfs::EncodeMkdirArgs, &nfs::DecodeMkdirRes);
}

nfs::NfsFh3 Nfs3TestClient::HandleOf(const nfs::NfsFh3& dir, const std::string& name) {
  const nfs::LookupRes found = Lookup(dir, name);
  EXPECT_EQ(found.status, nfs::Nfsstat3::kOk) << "LOOKUP " << name;
  return found.ok() ? found.resok().object : nfs::NfsFh3{};
}

std::string Nfs3TestClient::ReadAll(const nfs::NfsFh3& file) {
  const nfs::ReadRes read = Read(file, 0, 1 << 20);
  EXPECT_EQ(read.status, nfs::Nfsstat3::kOk);
  if (!read.ok()) return "";
  return std::string(read.resok().data.begin(), read.resok().data.end());
}

}  // namespace nfsuite::testing
