#ifndef NFSUITE_TESTS_INTEGRATION_NFS3_TEST_CLIENT_H_
#define NFSUITE_TESTS_INTEGRATION_NFS3_TEST_CLIENT_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/portmap_client.h"
#include "common/rpc/rpc_client.h"
#include "gtest/gtest.h"
#include "service/mount/mount_protocol.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs3_xdr.h"
#include "service/nfs/nfs_status.h"

namespace nfsuite::nfs {
// Readable statuses in failure messages.
void PrintTo(Nfsstat3 status, std::ostream* out);
}  // namespace nfsuite::nfs

namespace nfsuite::mount {
void PrintTo(MountStat3 status, std::ostream* out);
}  // namespace nfsuite::mount

namespace nfsuite::testing {

// Where a test client's calls come from, as the server's client checks see it: another loopback
// address stands for another machine, a reserved port for a client that runs as root.
struct ClientEnd {
  std::string address = "127.0.0.1";
  bool reserved_port = false;
};

rpc::Credentials SysCredentials(uint32_t uid, uint32_t gid);

// mountd's MNT from `end`, mountd found through the portmapper.
absl::StatusOr<mount::MountResult3> MountFrom(const rpc::PortmapClient& portmapper,
                                              const ClientEnd& end, const std::string& path);

// Raw NFSv3 calls over TCP from a chosen client end, nfsd found through the portmapper. A call
// that gets no SUCCESS reply is a test failure and comes back as SERVERFAULT.
class Nfs3TestClient {
 public:
  static absl::StatusOr<std::unique_ptr<Nfs3TestClient>> Connect(
      const rpc::PortmapClient& portmapper, const ClientEnd& end);

  void set_credentials(const rpc::Credentials& credentials) {
    client_->set_credentials(credentials);
  }
  rpc::RpcClient& rpc() { return *client_; }

  template <typename Res, typename Args>
  Res Call(uint32_t procedure, const Args& args, void (*encode)(xdr::XdrEncoder&, const Args&),
           void (*decode)(xdr::XdrDecoder&, Res&)) {
    absl::StatusOr<Res> result = rpc::CallAndDecode<Res>(
        *client_, nfs::kNfsProgram, nfs::kNfsVersion3, procedure,
        [&](xdr::XdrEncoder& e) { encode(e, args); }, decode, absl::Seconds(10));
    EXPECT_TRUE(result.ok()) << "procedure " << procedure << ": " << result.status();
    if (result.ok()) return *std::move(result);
    return Res::Failure(nfs::Nfsstat3::kServerFault, {});
  }

  nfs::GetattrRes Getattr(const nfs::NfsFh3& handle);
  nfs::LookupRes Lookup(const nfs::NfsFh3& dir, const std::string& name);
  nfs::ReadRes Read(const nfs::NfsFh3& file, uint64_t offset, uint32_t count);
  nfs::WriteRes Write(const nfs::NfsFh3& file, uint64_t offset, const std::string& data);
  nfs::CreateRes Create(const nfs::NfsFh3& dir, const std::string& name);
  nfs::MkdirRes Mkdir(const nfs::NfsFh3& dir, const std::string& name);
  // The handle of `name` in `dir`, which must exist (empty, and a test failure, otherwise).
  nfs::NfsFh3 HandleOf(const nfs::NfsFh3& dir, const std::string& name);
  // READ of the whole of a small file.
  std::string ReadAll(const nfs::NfsFh3& file);

 private:
  explicit Nfs3TestClient(std::unique_ptr<rpc::RpcClient> client) : client_(std::move(client)) {}
  std::unique_ptr<rpc::RpcClient> client_;
};

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_NFS3_TEST_CLIENT_H_
