// nfsd enforcing mountd's export table on every NFS request, with the real daemons: clients
// outside the list (a second loopback address stands for another machine), read-only exports,
// squashing, secure ports, following mountd through kills, restarts and reloads, and WebNFS.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/mount/mount_protocol.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs3_xdr.h"
#include "service/nfs/nfs_status.h"
#include "tests/integration/nfs3_test_client.h"
#include "tests/integration/nfs_server_fixture.h"
#include "tests/integration/test_support.h"

namespace nfsuite::testing {
namespace {

using nfs::Nfsstat3;
namespace proc = nfs::nfs3_proc;

const ClientEnd kLocal{"127.0.0.1", false};
const ClientEnd kLocalReserved{"127.0.0.1", true};
const ClientEnd kOther{"127.0.0.2", false};
const ClientEnd kOtherReserved{"127.0.0.2", true};

class NfsdExportsTest : public NfsServerTest {
 protected:
  void SetUp() override {
    NfsServerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(chmod(export_dir().c_str(), 0777), 0);
  }

  // mountd and nfsd again, mountd with `exports` as its exports file.
  void ServeExports(const std::string& exports, const std::vector<std::string>& nfsd_flags = {}) {
    StopNfsd();
    StopMountd();
    exports_file_ = WriteExportsFile(exports);
    ASSERT_NO_FATAL_FAILURE(StartMountd({"--exports-file", exports_file_}));
    ASSERT_NO_FATAL_FAILURE(StartNfsd(nfsd_flags));
  }

  std::unique_ptr<Nfs3TestClient> Client(const ClientEnd& end) {
    absl::StatusOr<std::unique_ptr<Nfs3TestClient>> client =
        Nfs3TestClient::Connect(portmap_client_, end);
    EXPECT_TRUE(client.ok()) << client.status() << "\n--- nfsd log:\n"
                             << (nfsd_ ? nfsd_->Log() : "");
    return client.ok() ? *std::move(client) : nullptr;
  }

  // The root handle of `path` from mountd's MNT as `end` (empty, and a failure, when refused).
  nfs::NfsFh3 Mount(const ClientEnd& end, const std::string& path) {
    absl::StatusOr<mount::MountResult3> result = MountFrom(portmap_client_, end, path);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_EQ(result->status, mount::MountStat3::kOk) << "MNT " << path << " from " << end.address;
    nfs::NfsFh3 handle;
    handle.data.assign(result->handle.begin(), result->handle.end());
    return handle;
  }

  // Polls `condition` for up to 10 s: table changes reach nfsd asynchronously.
  bool Eventually(const std::function<bool()>& condition) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      if (condition()) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return condition();
  }

  std::string ServerPath(const std::string& relative) const {
    return export_dir() + "/" + relative;
  }

  std::string exports_file_;
};

TEST_F(NfsdExportsTest, AClientOutsideTheListIsRefusedAtMntAndOnEveryRequest) {
  ASSERT_NO_FATAL_FAILURE(ServeExports(export_dir() + " 127.0.0.1(rw,insecure)\n"));
  WriteServerFile(ServerPath("file"), "for 127.0.0.1 only");

  absl::StatusOr<mount::MountResult3> refused = MountFrom(portmap_client_, kOther, export_dir());
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->status, mount::MountStat3::kAcces);

  const nfs::NfsFh3 root = Mount(kLocal, export_dir());
  ASSERT_FALSE(root.data.empty());
  std::unique_ptr<Nfs3TestClient> allowed = Client(kLocal);
  ASSERT_NE(allowed, nullptr);
  const nfs::NfsFh3 file = allowed->HandleOf(root, "file");
  ASSERT_EQ(allowed->Getattr(file).status, Nfsstat3::kOk);

  // The handle travels to the other machine: nfsd itself refuses it.
  std::unique_ptr<Nfs3TestClient> stranger = Client(kOther);
  ASSERT_NE(stranger, nullptr);
  EXPECT_EQ(stranger->Getattr(root).status, Nfsstat3::kAcces);
  EXPECT_EQ(stranger->Getattr(file).status, Nfsstat3::kAcces);
  EXPECT_EQ(stranger->Lookup(root, "file").status, Nfsstat3::kAcces);
  EXPECT_EQ(stranger->Read(file, 0, 100).status, Nfsstat3::kAcces);
  EXPECT_EQ(stranger->Write(file, 0, "overwritten").status, Nfsstat3::kAcces);
  EXPECT_EQ(stranger->Create(root, "planted").status, Nfsstat3::kAcces);
  EXPECT_EQ(stranger->Mkdir(root, "planted-dir").status, Nfsstat3::kAcces);
  const nfs::ReaddirplusRes listed =
      stranger->Call(proc::kReaddirplus, nfs::ReaddirplusArgs{root, 0, {}, 4096, 32768},
                     &nfs::EncodeReaddirplusArgs, &nfs::DecodeReaddirplusRes);
  EXPECT_EQ(listed.status, Nfsstat3::kAcces);
  EXPECT_EQ(ReadServerFile(ServerPath("file")), "for 127.0.0.1 only");
  EXPECT_FALSE(ServerPathExists(ServerPath("planted")));
  EXPECT_FALSE(ServerPathExists(ServerPath("planted-dir")));
  // The allowed client is still served.
  EXPECT_EQ(allowed->ReadAll(file), "for 127.0.0.1 only");
}

TEST_F(NfsdExportsTest, AReadOnlyExportRefusesEveryWriteProcedureWithRofs) {
  ASSERT_NO_FATAL_FAILURE(ServeExports(export_dir() + " *(ro,insecure)\n"));
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0777), 0);
  WriteServerFile(ServerPath("file"), "read only");
  ASSERT_EQ(chown(ServerPath("file").c_str(), 1000, 1000), 0);
  const nfs::NfsFh3 root = Mount(kLocal, export_dir());
  ASSERT_FALSE(root.data.empty());
  std::unique_ptr<Nfs3TestClient> client = Client(kLocal);  // uid 1000: the file's owner
  ASSERT_NE(client, nullptr);
  const nfs::NfsFh3 file = client->HandleOf(root, "file");
  const nfs::NfsFh3 dir = client->HandleOf(root, "dir");

  nfs::SetattrArgs setattr;
  setattr.object = file;
  setattr.new_attributes.mode = 0600;
  EXPECT_EQ(
      client->Call(proc::kSetattr, setattr, &nfs::EncodeSetattrArgs, &nfs::DecodeSetattrRes).status,
      Nfsstat3::kRofs);
  EXPECT_EQ(client->Write(file, 0, "changed").status, Nfsstat3::kRofs);
  EXPECT_EQ(client->Create(root, "new").status, Nfsstat3::kRofs);
  EXPECT_EQ(client->Mkdir(root, "newdir").status, Nfsstat3::kRofs);
  EXPECT_EQ(client
                ->Call(proc::kSymlink, nfs::SymlinkArgs{{root, "link"}, {{}, "file"}},
                       &nfs::EncodeSymlinkArgs, &nfs::DecodeSymlinkRes)
                .status,
            Nfsstat3::kRofs);
  nfs::MknodArgs mknod;
  mknod.where = {root, "fifo"};
  mknod.what.type = nfs::Ftype3::kFifo;
  EXPECT_EQ(client->Call(proc::kMknod, mknod, &nfs::EncodeMknodArgs, &nfs::DecodeMknodRes).status,
            Nfsstat3::kRofs);
  EXPECT_EQ(client
                ->Call(proc::kRemove, nfs::RemoveArgs{{root, "file"}}, &nfs::EncodeRemoveArgs,
                       &nfs::DecodeRemoveRes)
                .status,
            Nfsstat3::kRofs);
  EXPECT_EQ(client
                ->Call(proc::kRmdir, nfs::RmdirArgs{{root, "dir"}}, &nfs::EncodeRmdirArgs,
                       &nfs::DecodeRmdirRes)
                .status,
            Nfsstat3::kRofs);
  EXPECT_EQ(client
                ->Call(proc::kRename, nfs::RenameArgs{{root, "file"}, {dir, "moved"}},
                       &nfs::EncodeRenameArgs, &nfs::DecodeRenameRes)
                .status,
            Nfsstat3::kRofs);
  EXPECT_EQ(client
                ->Call(proc::kLink, nfs::LinkArgs{file, {dir, "hard"}}, &nfs::EncodeLinkArgs,
                       &nfs::DecodeLinkRes)
                .status,
            Nfsstat3::kRofs);

  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(export_dir())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"dir", "file"}));
  EXPECT_TRUE(std::filesystem::is_empty(ServerPath("dir")));
  EXPECT_EQ(ReadServerFile(ServerPath("file")), "read only");
  struct stat info {};
  ASSERT_EQ(stat(ServerPath("file").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644u);
  EXPECT_EQ(client->ReadAll(file), "read only");
}

TEST_F(NfsdExportsTest, AllSquashCreatesFilesAsAnonuid) {
  ASSERT_NO_FATAL_FAILURE(
      ServeExports(export_dir() + " *(rw,insecure,all_squash,anonuid=1234,anongid=1234)\n"));
  const nfs::NfsFh3 root = Mount(kLocal, export_dir());
  ASSERT_FALSE(root.data.empty());
  std::unique_ptr<Nfs3TestClient> client = Client(kLocal);
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(client->Create(root, "by-user").status, Nfsstat3::kOk);
  client->set_credentials(SysCredentials(0, 0));
  ASSERT_EQ(client->Create(root, "by-root").status, Nfsstat3::kOk);
  ASSERT_EQ(client->Mkdir(root, "dir-by-root").status, Nfsstat3::kOk);
  for (const char* name : {"by-user", "by-root", "dir-by-root"}) {
    struct stat info {};
    ASSERT_EQ(lstat(ServerPath(name).c_str(), &info), 0) << name;
    EXPECT_EQ(info.st_uid, 1234u) << name;
    EXPECT_EQ(info.st_gid, 1234u) << name;
  }
}

TEST_F(NfsdExportsTest, SecureRefusesANonReservedSourcePort) {
  ASSERT_NO_FATAL_FAILURE(ServeExports(export_dir() + " 127.0.0.0/8(rw,secure)\n"));
  WriteServerFile(ServerPath("file"), "secure");
  const nfs::NfsFh3 root = Mount(kOtherReserved, export_dir());
  ASSERT_FALSE(root.data.empty());

  std::unique_ptr<Nfs3TestClient> reserved = Client(kOtherReserved);
  ASSERT_NE(reserved, nullptr);
  absl::StatusOr<rpc::SocketAddress> port = reserved->rpc().LocalAddress();
  ASSERT_TRUE(port.ok());
  ASSERT_LT(port->port(), 1024);
  const nfs::NfsFh3 file = reserved->HandleOf(root, "file");
  EXPECT_EQ(reserved->ReadAll(file), "secure");
  EXPECT_EQ(reserved->Create(root, "made").status, Nfsstat3::kOk);

  std::unique_ptr<Nfs3TestClient> unreserved = Client(kOther);
  ASSERT_NE(unreserved, nullptr);
  port = unreserved->rpc().LocalAddress();
  ASSERT_TRUE(port.ok());
  ASSERT_GE(port->port(), 1024);
  EXPECT_EQ(unreserved->Getattr(root).status, Nfsstat3::kAcces);
  EXPECT_EQ(unreserved->Read(file, 0, 100).status, Nfsstat3::kAcces);
  EXPECT_EQ(unreserved->Create(root, "planted").status, Nfsstat3::kAcces);
  EXPECT_FALSE(ServerPathExists(ServerPath("planted")));
}

TEST_F(NfsdExportsTest, NfsdKeepsServingItsLastTableWhileMountdIsDown) {
  ASSERT_NO_FATAL_FAILURE(ServeExports(export_dir() + " 127.0.0.1(rw,insecure)\n"));
  WriteServerFile(ServerPath("file"), "still served");
  const nfs::NfsFh3 root = Mount(kLocal, export_dir());
  ASSERT_FALSE(root.data.empty());
  std::unique_ptr<Nfs3TestClient> client = Client(kLocal);
  ASSERT_NE(client, nullptr);
  const nfs::NfsFh3 file = client->HandleOf(root, "file");

  mountd_->Kill();
  mountd_.reset();
  EXPECT_EQ(client->ReadAll(file), "still served");
  EXPECT_EQ(client->Create(root, "while-mountd-is-down").status, Nfsstat3::kOk);
  std::unique_ptr<Nfs3TestClient> stranger = Client(kOther);
  ASSERT_NE(stranger, nullptr);
  EXPECT_EQ(stranger->Getattr(root).status, Nfsstat3::kAcces) << "the rules still apply";

  // A restarted nfsd serves the table it kept, mountd still down.
  StopNfsd();
  ASSERT_NO_FATAL_FAILURE(StartNfsd({"--mountd-wait", "0.5"}));
  client = Client(kLocal);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->ReadAll(file), "still served");
  stranger = Client(kOther);
  ASSERT_NE(stranger, nullptr);
  EXPECT_EQ(stranger->Getattr(root).status, Nfsstat3::kAcces);
}

TEST_F(NfsdExportsTest, NfsdFollowsAChangedExportsFileWhenMountdRestarts) {
  ASSERT_NO_FATAL_FAILURE(ServeExports(export_dir() + " 127.0.0.1(rw,insecure)\n"));
  const nfs::NfsFh3 root = Mount(kLocal, export_dir());
  ASSERT_FALSE(root.data.empty());
  std::unique_ptr<Nfs3TestClient> client = Client(kLocal);
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(client->Create(root, "before").status, Nfsstat3::kOk);
  std::unique_ptr<Nfs3TestClient> other = Client(kOther);
  ASSERT_NE(other, nullptr);
  ASSERT_EQ(other->Getattr(root).status, Nfsstat3::kAcces);

  StopMountd();
  WriteExportsFile(export_dir() + " 127.0.0.1(ro,insecure) 127.0.0.2(rw,insecure)\n");
  ASSERT_NO_FATAL_FAILURE(StartMountd({"--exports-file", exports_file_}));
  // Probes may be served by the old table (and create "probe") until nfsd has the new one.
  EXPECT_TRUE(Eventually([&] { return client->Create(root, "probe").status == Nfsstat3::kRofs; }))
      << "nfsd did not pick up the restarted mountd's table\n--- nfsd log:\n"
      << nfsd_->Log();
  EXPECT_EQ(client->Create(root, "after").status, Nfsstat3::kRofs);
  EXPECT_FALSE(ServerPathExists(ServerPath("after")));
  EXPECT_EQ(other->Create(root, "from-other").status, Nfsstat3::kOk);
  EXPECT_TRUE(ServerPathExists(ServerPath("from-other")));
}

TEST_F(NfsdExportsTest, NfsdFollowsAMountdReload) {
  ASSERT_NO_FATAL_FAILURE(ServeExports(export_dir() + " *(rw,insecure)\n"));
  const nfs::NfsFh3 root = Mount(kLocal, export_dir());
  ASSERT_FALSE(root.data.empty());
  std::unique_ptr<Nfs3TestClient> client = Client(kLocal);
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(client->Getattr(root).status, Nfsstat3::kOk);

  // The export goes away: its handles are STALE at once.
  const std::string elsewhere = directory_.path() + "/elsewhere";
  ASSERT_EQ(mkdir(elsewhere.c_str(), 0755), 0);
  WriteExportsFile(std::filesystem::canonical(elsewhere).string() + " *(rw,insecure)\n");
  ASSERT_EQ(kill(mountd_->pid(), SIGHUP), 0);
  EXPECT_TRUE(Eventually([&] { return client->Getattr(root).status == Nfsstat3::kStale; }))
      << "\n--- mountd log:\n"
      << mountd_->Log() << "\n--- nfsd log:\n"
      << nfsd_->Log();
  EXPECT_EQ(client->Create(root, "planted").status, Nfsstat3::kStale);
  EXPECT_FALSE(ServerPathExists(ServerPath("planted")));

  // And comes back, with the same handles.
  WriteExportsFile(export_dir() + " *(rw,insecure)\n");
  ASSERT_EQ(kill(mountd_->pid(), SIGHUP), 0);
  EXPECT_TRUE(Eventually([&] { return client->Getattr(root).status == Nfsstat3::kOk; }));
}

TEST_F(NfsdExportsTest, WebNfsReachesAFileByPathFromThePublicHandle) {
  ASSERT_NO_FATAL_FAILURE(ServeExports(export_dir() + " *(ro,insecure,public)\n"));
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0755), 0);
  ASSERT_EQ(mkdir(ServerPath("dir/sub").c_str(), 0755), 0);
  WriteServerFile(ServerPath("dir/sub/file"), "found by path");
  std::unique_ptr<Nfs3TestClient> client = Client(kLocal);  // no MNT: WebNFS needs none
  ASSERT_NE(client, nullptr);
  const nfs::NfsFh3 public_handle;

  const nfs::LookupRes found = client->Lookup(public_handle, "dir/sub/file");
  ASSERT_EQ(found.status, Nfsstat3::kOk);
  ASSERT_FALSE(found.resok().object.data.empty());
  EXPECT_EQ(client->ReadAll(found.resok().object), "found by path");
  const nfs::LookupRes absolute = client->Lookup(public_handle, "/dir/sub/file");
  ASSERT_EQ(absolute.status, Nfsstat3::kOk);
  EXPECT_EQ(absolute.resok().object, found.resok().object);
  // The handle is an ordinary one: the same as walking from the mounted root.
  const nfs::NfsFh3 root = Mount(kLocal, export_dir());
  const nfs::NfsFh3 walked =
      client->HandleOf(client->HandleOf(client->HandleOf(root, "dir"), "sub"), "file");
  EXPECT_EQ(walked, found.resok().object);
}

TEST_F(NfsdExportsTest, WebNfsCannotLeaveThePublicExportWithDotDot) {
  ASSERT_NO_FATAL_FAILURE(ServeExports(export_dir() + " *(ro,insecure,public)\n"));
  // Beside the export, in the directory above it.
  WriteServerFile(directory_.path() + "/beside", "outside the export");
  std::unique_ptr<Nfs3TestClient> client = Client(kLocal);
  ASSERT_NE(client, nullptr);
  const nfs::NfsFh3 public_handle;
  const nfs::NfsFh3 root = Mount(kLocal, export_dir());
  ASSERT_FALSE(root.data.empty());

  for (const char* path : {"..", "../..", "/../..", "../../../../.."}) {
    SCOPED_TRACE(path);
    const nfs::LookupRes up = client->Lookup(public_handle, path);
    ASSERT_EQ(up.status, Nfsstat3::kOk);
    EXPECT_EQ(up.resok().object, root) << "left the export";
  }
  EXPECT_EQ(client->Lookup(public_handle, "../beside").status, Nfsstat3::kNoEnt);
  EXPECT_EQ(client->Lookup(public_handle, "../../beside").status, Nfsstat3::kNoEnt);
  const std::string share = std::filesystem::path(export_dir()).filename().string();
  EXPECT_EQ(client->Lookup(public_handle, "../" + share + "/../beside").status, Nfsstat3::kNoEnt);
  EXPECT_EQ(client->Lookup(public_handle, "..%2fbeside").status, Nfsstat3::kAcces);
}

}  // namespace
}  // namespace nfsuite::testing
