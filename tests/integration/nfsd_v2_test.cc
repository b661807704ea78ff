// nfsd's NFS version 2 through raw calls (our RpcClient), over UDP and over TCP, with the root
// handle from mountd's MOUNT v1 (32 bytes): every procedure in success and in error, a 20 MiB
// file written in 8 KiB blocks and read back, and a retransmitted REMOVE.
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/mount/mount_protocol.h"
#include "service/nfs/nfs2_types.h"
#include "service/nfs/nfs2_xdr.h"
#include "service/nfs/nfs3_types.h"
#include "tests/integration/nfs_server_fixture.h"
#include "tests/integration/registered_client.h"

namespace nfsuite::testing {
namespace {

namespace v2 = nfs::v2;
namespace proc = nfs::v2::proc;
using nfs::Nfsstat2;
const absl::Duration kTimeout = absl::Seconds(10);

rpc::Credentials Sys(uint32_t uid, uint32_t gid) {
  rpc::Credentials credentials;
  credentials.flavor = rpc::AuthFlavor::kSys;
  credentials.machine_name = "nfsd-v2-test";
  credentials.uid = uid;
  credentials.gid = gid;
  credentials.gids.push_back(gid);
  return credentials;
}

absl::Span<const uint8_t> Bytes(const std::string& text) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string TransportName(const ::testing::TestParamInfo<rpc::Transport>& info) {
  return info.param == rpc::Transport::kUdp ? "Udp" : "Tcp";
}

class NfsdV2Test : public NfsServerTest, public ::testing::WithParamInterface<rpc::Transport> {
 protected:
  void SetUp() override {
    NfsServerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(chmod(export_dir().c_str(), 0777), 0);
    absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client =
        ConnectToRegistered(portmap_client_, nfs::kNfsProgram, v2::kNfsVersion2, GetParam());
    ASSERT_TRUE(client.ok()) << client.status() << "\n" << nfsd_->Log();
    client_ = *std::move(client);
    client_->set_credentials(credentials_);
    ASSERT_NO_FATAL_FAILURE(root_ = MountV1(export_dir()));
  }

  // MOUNT v1's MNT over the same transport: the 32-byte handle v2 clients use.
  v2::FHandle MountV1(const std::string& path) {
    absl::StatusOr<std::unique_ptr<rpc::RpcClient>> mount =
        ConnectToRegistered(portmap_client_, mount::kProgram, mount::kVersion1, GetParam());
    EXPECT_TRUE(mount.ok()) << mount.status();
    if (!mount.ok()) return {};
    absl::StatusOr<mount::MountResult3> result = rpc::CallAndDecode<mount::MountResult3>(
        **mount, mount::kProgram, mount::kVersion1, mount::proc::kMnt,
        [&](xdr::XdrEncoder& e) { mount::EncodeDirPath(e, path); }, &mount::DecodeFhStatus,
        kTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    v2::FHandle handle;
    if (!result.ok()) return handle;
    EXPECT_EQ(result->status, mount::MountStat3::kOk);
    EXPECT_EQ(result->handle.size(), nfs::kNfs2HandleSize);
    std::copy_n(result->handle.begin(), std::min(result->handle.size(), handle.data.size()),
                handle.data.begin());
    return handle;
  }

  // One v2 call that must get a SUCCESS reply; its result (IO after a failure).
  template <typename Res, typename Args>
  Res Call(uint32_t procedure, const Args& args, void (*encode)(xdr::XdrEncoder&, const Args&),
           void (*decode)(xdr::XdrDecoder&, Res&)) {
    absl::StatusOr<Res> result = rpc::CallAndDecode<Res>(
        *client_, nfs::kNfsProgram, v2::kNfsVersion2, procedure,
        [&](xdr::XdrEncoder& e) { encode(e, args); }, decode, kTimeout);
    EXPECT_TRUE(result.ok()) << "procedure " << procedure << ": " << result.status();
    if (result.ok()) return *std::move(result);
    Res failed{};
    failed.status = Nfsstat2::kIo;
    return failed;
  }

  v2::AttrStat Getattr(const v2::FHandle& file) {
    return Call(proc::kGetattr, file, &v2::EncodeFHandle, &v2::DecodeAttrStat);
  }
  v2::AttrStat Setattr(const v2::FHandle& file, const v2::Sattr& attributes) {
    return Call(proc::kSetattr, v2::SattrArgs{file, attributes}, &v2::EncodeSattrArgs,
                &v2::DecodeAttrStat);
  }
  v2::DirOpRes Lookup(const v2::FHandle& dir, const std::string& name) {
    return Call(proc::kLookup, v2::DirOpArgs{dir, name}, &v2::EncodeDirOpArgs, &v2::DecodeDirOpRes);
  }
  v2::DirOpRes Create(const v2::FHandle& dir, const std::string& name, uint32_t mode = 0644) {
    v2::Sattr attributes;
    attributes.mode = mode;
    return Call(proc::kCreate, v2::CreateArgs{{dir, name}, attributes}, &v2::EncodeCreateArgs,
                &v2::DecodeDirOpRes);
  }
  v2::DirOpRes Mkdir(const v2::FHandle& dir, const std::string& name) {
    v2::Sattr attributes;
    attributes.mode = 0755;
    return Call(proc::kMkdir, v2::CreateArgs{{dir, name}, attributes}, &v2::EncodeCreateArgs,
                &v2::DecodeDirOpRes);
  }
  v2::AttrStat Write(const v2::FHandle& file, uint32_t offset, absl::Span<const uint8_t> data) {
    v2::WriteArgs args;
    args.file = file;
    args.offset = offset;
    args.data = data;
    return Call(proc::kWrite, args, &v2::EncodeWriteArgs, &v2::DecodeAttrStat);
  }
  v2::ReadRes Read(const v2::FHandle& file, uint32_t offset, uint32_t count) {
    return Call(proc::kRead, v2::ReadArgs{file, offset, count, 0}, &v2::EncodeReadArgs,
                &v2::DecodeReadRes);
  }
  Nfsstat2 Stat(uint32_t procedure, const v2::DirOpArgs& args) {
    return Call(procedure, args, &v2::EncodeDirOpArgs, &v2::DecodeStatRes).status;
  }
  Nfsstat2 Symlink(const v2::FHandle& dir, const std::string& name, const std::string& target) {
    return Call(proc::kSymlink, v2::SymlinkArgs{{dir, name}, target, v2::Sattr{}},
                &v2::EncodeSymlinkArgs, &v2::DecodeStatRes)
        .status;
  }
  Nfsstat2 Rename(const v2::FHandle& from_dir, const std::string& from, const v2::FHandle& to_dir,
                  const std::string& to) {
    return Call(proc::kRename, v2::RenameArgs{{from_dir, from}, {to_dir, to}},
                &v2::EncodeRenameArgs, &v2::DecodeStatRes)
        .status;
  }
  Nfsstat2 Link(const v2::FHandle& file, const v2::FHandle& dir, const std::string& name) {
    return Call(proc::kLink, v2::LinkArgs{file, {dir, name}}, &v2::EncodeLinkArgs,
                &v2::DecodeStatRes)
        .status;
  }
  v2::ReaddirRes Readdir(const v2::FHandle& dir, uint32_t cookie, uint32_t count) {
    return Call(proc::kReaddir, v2::ReaddirArgs{dir, cookie, count}, &v2::EncodeReaddirArgs,
                &v2::DecodeReaddirRes);
  }
  // Every name in `dir`, counted, through as many READDIR calls as it takes.
  std::map<std::string, int> ListAll(const v2::FHandle& dir) {
    std::map<std::string, int> names;
    uint32_t cookie = 0;
    for (int call = 0; call < 1000; ++call) {
      v2::ReaddirRes page = Readdir(dir, cookie, 1024);
      EXPECT_TRUE(page.ok());
      if (!page.ok()) break;
      for (const v2::Entry& entry : page.body->entries) {
        ++names[entry.name];
        cookie = entry.cookie;
      }
      if (page.body->eof) break;
    }
    return names;
  }

  rpc::Credentials credentials_ = Sys(1000, 1000);
  std::unique_ptr<rpc::RpcClient> client_;
  v2::FHandle root_;
};

v2::FHandle Garbage() {
  v2::FHandle handle;
  handle.data.fill(0x5a);
  return handle;
}

TEST_P(NfsdV2Test, NullRootAndWritecacheAnswerVoid) {
  for (uint32_t procedure : {proc::kNull, proc::kRoot, proc::kWritecache}) {
    absl::StatusOr<rpc::RpcReply> reply =
        client_->Call(nfs::kNfsProgram, v2::kNfsVersion2, procedure, nullptr, kTimeout);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_TRUE(reply->header.Succeeded()) << procedure << ": " << reply->header.Describe();
    EXPECT_EQ(reply->message.size(), reply->results_offset) << "a void result";
  }
}

TEST_P(NfsdV2Test, GetattrAndStatfs) {
  v2::AttrStat root = Getattr(root_);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root.body->type, v2::Ftype::kDir);
  EXPECT_EQ(root.body->mode & S_IFMT, static_cast<uint32_t>(S_IFDIR));
  EXPECT_EQ(Getattr(Garbage()).status, Nfsstat2::kStale);

  v2::StatfsRes statfs = Call(proc::kStatfs, root_, &v2::EncodeFHandle, &v2::DecodeStatfsRes);
  ASSERT_TRUE(statfs.ok());
  EXPECT_EQ(statfs.body->tsize, v2::kMaxData);
  EXPECT_GT(statfs.body->bsize, 0u);
  EXPECT_GT(statfs.body->blocks, 0u);
  EXPECT_LE(statfs.body->bfree, statfs.body->blocks);
  EXPECT_EQ(Call(proc::kStatfs, Garbage(), &v2::EncodeFHandle, &v2::DecodeStatfsRes).status,
            Nfsstat2::kStale);
}

TEST_P(NfsdV2Test, SetattrChangesOnlyWhatIsSet) {
  v2::DirOpRes file = Create(root_, "attrs", 0644);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(Write(file.body->file, 0, Bytes("0123456789")).ok());
  // All -1: nothing changes.
  v2::AttrStat same = Setattr(file.body->file, v2::Sattr{});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same.body->mode & 07777, 0644u);
  EXPECT_EQ(same.body->size, 10u);
  v2::Sattr change;
  change.mode = 0600;
  change.size = 4;
  change.mtime = {1000000000, 500000};
  v2::AttrStat changed = Setattr(file.body->file, change);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed.body->mode & 07777, 0600u);
  EXPECT_EQ(changed.body->size, 4u);
  EXPECT_EQ(changed.body->mtime, (v2::Timeval{1000000000, 500000}));
  EXPECT_EQ(changed.body->uid, 1000u);
  EXPECT_EQ(Setattr(Garbage(), change).status, Nfsstat2::kStale);
  // Another user may not chmod it (PERM), nor truncate it without write permission (ACCES).
  client_->set_credentials(Sys(2000, 2000));
  v2::Sattr chmod;
  chmod.mode = 0666;
  EXPECT_EQ(Setattr(file.body->file, chmod).status, Nfsstat2::kPerm);
  v2::Sattr truncate;
  truncate.size = 0;
  EXPECT_EQ(Setattr(file.body->file, truncate).status, Nfsstat2::kAcces);
}

TEST_P(NfsdV2Test, LookupCreateAndNames) {
  ASSERT_TRUE(Create(root_, "present").ok());
  v2::DirOpRes found = Lookup(root_, "present");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.body->attributes.type, v2::Ftype::kReg);
  EXPECT_EQ(Lookup(root_, "absent").status, Nfsstat2::kNoEnt);
  EXPECT_EQ(Lookup(root_, std::string(300, 'n')).status, Nfsstat2::kNameTooLong);
  EXPECT_EQ(Lookup(root_, "a/b").status, Nfsstat2::kAcces);
  EXPECT_EQ(Lookup(found.body->file, "x").status, Nfsstat2::kNotDir);
  EXPECT_EQ(Create(found.body->file, "inside").status, Nfsstat2::kNotDir);
  EXPECT_EQ(Create(root_, "..").status, Nfsstat2::kExist);
  // CREATE of an existing file keeps it (v2 clients create with O_TRUNC so), with size 0 asked.
  ASSERT_TRUE(Write(found.body->file, 0, Bytes("data")).ok());
  v2::Sattr truncate;
  truncate.size = 0;
  v2::DirOpRes again = Call(proc::kCreate, v2::CreateArgs{{root_, "present"}, truncate},
                            &v2::EncodeCreateArgs, &v2::DecodeDirOpRes);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.body->file, found.body->file);
  EXPECT_EQ(again.body->attributes.size, 0u);
}

TEST_P(NfsdV2Test, ReadAndWrite) {
  v2::DirOpRes file = Create(root_, "data");
  ASSERT_TRUE(file.ok());
  v2::AttrStat written = Write(file.body->file, 5, Bytes("hello"));
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written.body->size, 10u);
  v2::ReadRes read = Read(file.body->file, 5, 100);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(std::string(read.body->data.begin(), read.body->data.end()), "hello");
  EXPECT_EQ(read.body->attributes.size, 10u);
  // More than NFS_MAXDATA asked: 8 KiB given.
  const std::string big(3 * v2::kMaxData, 'x');
  for (uint32_t offset = 0; offset < big.size(); offset += v2::kMaxData) {
    ASSERT_TRUE(Write(file.body->file, offset, Bytes(big).subspan(offset, v2::kMaxData)).ok());
  }
  EXPECT_EQ(Read(file.body->file, 0, 65536).body->data.size(), v2::kMaxData);
  // Errors: a directory, a stale handle, data that would end past 4 GiB - 1.
  EXPECT_EQ(Read(root_, 0, 10).status, Nfsstat2::kIsDir);
  EXPECT_EQ(Write(root_, 0, Bytes("x")).status, Nfsstat2::kIsDir);
  EXPECT_EQ(Read(Garbage(), 0, 10).status, Nfsstat2::kStale);
  EXPECT_EQ(Write(file.body->file, 0xFFFFFFF0u, Bytes(std::string(32, 'z'))).status,
            Nfsstat2::kFBig);
  EXPECT_EQ(Getattr(file.body->file).body->size, big.size()) << "nothing written past the FBIG";
}

TEST_P(NfsdV2Test, SymlinkAndReadlink) {
  ASSERT_EQ(Symlink(root_, "link", "some/where"), Nfsstat2::kOk);
  v2::DirOpRes link = Lookup(root_, "link");
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link.body->attributes.type, v2::Ftype::kLnk);
  v2::ReadlinkRes target =
      Call(proc::kReadlink, link.body->file, &v2::EncodeFHandle, &v2::DecodeReadlinkRes);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(*target.body, "some/where");
  EXPECT_EQ(Symlink(root_, "link", "elsewhere"), Nfsstat2::kExist);
  EXPECT_NE(Call(proc::kReadlink, root_, &v2::EncodeFHandle, &v2::DecodeReadlinkRes).status,
            Nfsstat2::kOk);
}

TEST_P(NfsdV2Test, MkdirRmdirRemove) {
  v2::DirOpRes dir = Mkdir(root_, "dir");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir.body->attributes.type, v2::Ftype::kDir);
  EXPECT_EQ(Mkdir(root_, "dir").status, Nfsstat2::kExist);
  ASSERT_TRUE(Create(dir.body->file, "f").ok());
  EXPECT_EQ(Stat(proc::kRmdir, {root_, "dir"}), Nfsstat2::kNotEmpty);
  EXPECT_EQ(Stat(proc::kRemove, {dir.body->file, "f"}), Nfsstat2::kOk);
  EXPECT_EQ(Stat(proc::kRemove, {dir.body->file, "f"}), Nfsstat2::kNoEnt);
  EXPECT_EQ(Stat(proc::kRmdir, {root_, "dir"}), Nfsstat2::kOk);
  EXPECT_EQ(Stat(proc::kRmdir, {root_, "dir"}), Nfsstat2::kNoEnt);
  EXPECT_EQ(Stat(proc::kRemove, {root_, ".."}), Nfsstat2::kAcces);
}

TEST_P(NfsdV2Test, RenameAndLink) {
  v2::DirOpRes file = Create(root_, "old");
  ASSERT_TRUE(file.ok());
  v2::DirOpRes dir = Mkdir(root_, "sub");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(Rename(root_, "old", dir.body->file, "new"), Nfsstat2::kOk);
  EXPECT_EQ(Lookup(root_, "old").status, Nfsstat2::kNoEnt);
  EXPECT_EQ(Lookup(dir.body->file, "new").body->file, file.body->file) << "same file, same handle";
  EXPECT_EQ(Rename(root_, "old", root_, "x"), Nfsstat2::kNoEnt);
  EXPECT_EQ(Link(file.body->file, root_, "hard"), Nfsstat2::kOk);
  EXPECT_EQ(Getattr(file.body->file).body->nlink, 2u);
  EXPECT_EQ(Link(file.body->file, root_, "hard"), Nfsstat2::kExist);
  EXPECT_EQ(Link(Garbage(), root_, "other"), Nfsstat2::kStale);
}

TEST_P(NfsdV2Test, ReaddirListsEveryNameOnce) {
  for (int i = 0; i < 150; ++i) ASSERT_TRUE(Create(root_, absl::StrCat("file-", i)).ok());
  const std::map<std::string, int> names = ListAll(root_);
  EXPECT_EQ(names.size(), 150u);
  for (const auto& [name, count] : names) EXPECT_EQ(count, 1) << name;
  v2::DirOpRes file = Lookup(root_, "file-0");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(Readdir(file.body->file, 0, 1024).status, Nfsstat2::kNotDir);
}

// 20 MiB in 8 KiB WRITEs, read back in 8 KiB READs: every byte as written.
TEST_P(NfsdV2Test, TwentyMegabytesInEightKilobyteBlocks) {
  constexpr uint32_t kSize = 20 * 1024 * 1024;
  std::string contents(kSize, '\0');
  std::mt19937 random(20);
  for (char& byte : contents) byte = static_cast<char>(random());
  v2::DirOpRes file = Create(root_, "big");
  ASSERT_TRUE(file.ok());
  for (uint32_t offset = 0; offset < kSize; offset += v2::kMaxData) {
    v2::AttrStat written =
        Write(file.body->file, offset, Bytes(contents).subspan(offset, v2::kMaxData));
    ASSERT_TRUE(written.ok()) << "at " << offset;
  }
  EXPECT_EQ(Getattr(file.body->file).body->size, kSize);
  std::string back;
  back.reserve(kSize);
  for (uint32_t offset = 0; offset < kSize; offset += v2::kMaxData) {
    v2::ReadRes read = Read(file.body->file, offset, v2::kMaxData);
    ASSERT_TRUE(read.ok()) << "at " << offset;
    ASSERT_EQ(read.body->data.size(), v2::kMaxData) << "at " << offset;
    back.append(read.body->data.begin(), read.body->data.end());
  }
  EXPECT_TRUE(back == contents) << "the file read back differs";
}

// A retransmission (same xid, same client socket) of a REMOVE that succeeded gets the first
// reply, OK, from the duplicate request cache; it is not run again into NOENT.
TEST_P(NfsdV2Test, RetransmittedRemoveIsOkTwice) {
  ASSERT_TRUE(Create(root_, "victim").ok());
  const uint32_t xid = client_->NextXid();
  const std::vector<uint8_t> call =
      CallMessage(xid, nfs::kNfsProgram, v2::kNfsVersion2, proc::kRemove, credentials_,
                  [&](xdr::XdrEncoder& e) {
                    v2::EncodeDirOpArgs(e, {root_, "victim"});
                  });
  for (int copy = 0; copy < 2; ++copy) {
    ASSERT_TRUE(client_->SendRaw(call).ok());
    absl::StatusOr<rpc::RpcReply> reply = client_->ReceiveReply(xid, kTimeout);
    ASSERT_TRUE(reply.ok()) << "copy " << copy << ": " << reply.status();
    ASSERT_TRUE(reply->header.Succeeded());
    xdr::XdrDecoder results = reply->Results();
    v2::StatRes status;
    v2::DecodeStatRes(results, status);
    EXPECT_EQ(status.status, Nfsstat2::kOk) << "copy " << copy;
  }
  EXPECT_EQ(Lookup(root_, "victim").status, Nfsstat2::kNoEnt);
}

INSTANTIATE_TEST_SUITE_P(Transports, NfsdV2Test,
                         ::testing::Values(rpc::Transport::kUdp, rpc::Transport::kTcp),
                         TransportName);

}  // namespace
}  // namespace nfsuite::testing
