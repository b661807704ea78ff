// nfsd through raw NFSv3 calls (our RpcClient over TCP), with the root handle from mountd's MNT:
// file handle checks, name checks, create modes, write stability and verifiers, restarts, READ
// and READDIR limits, and a full filesystem.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "common/rpc/portmap_protocol.h"
#include "gtest/gtest.h"
#include "service/mount/mount_protocol.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs3_xdr.h"
#include "service/nfs/nfs_status.h"
#include "tests/integration/nfs_server_fixture.h"
#include "tests/integration/test_support.h"

namespace nfsuite::nfs {
// Readable statuses and types in failure messages.
void PrintTo(Nfsstat3 status, std::ostream* out) {
  *out << Nfsstat3Name(status) << " (" << static_cast<uint32_t>(status) << ")";
}
void PrintTo(Ftype3 type, std::ostream* out) { *out << "ftype3 " << static_cast<uint32_t>(type); }
void PrintTo(StableHow how, std::ostream* out) {
  *out << "stable_how " << static_cast<uint32_t>(how);
}
}  // namespace nfsuite::nfs

namespace nfsuite::testing {
namespace {

using nfs::Nfsstat3;
namespace proc = nfs::nfs3_proc;
const absl::Duration kTimeout = absl::Seconds(10);

rpc::Credentials Sys(uint32_t uid, uint32_t gid) {
  rpc::Credentials credentials;
  credentials.flavor = rpc::AuthFlavor::kSys;
  credentials.machine_name = "nfsd-protocol-test";
  credentials.uid = uid;
  credentials.gid = gid;
  credentials.gids.push_back(gid);
  return credentials;
}

absl::Span<const uint8_t> Bytes(const std::string& text) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string Text(absl::Span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

class NfsdProtocolTest : public NfsServerTest {
 protected:
  void SetUp() override {
    NfsServerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(chmod(export_dir().c_str(), 0777), 0);
    ASSERT_NO_FATAL_FAILURE(ConnectNfsd());
    ASSERT_NO_FATAL_FAILURE(root_ = MountRoot(export_dir()));
  }

  // Connects to nfsd where the portmapper says it is, as uid 1000. Retries while a restarted
  // nfsd is still coming up (or the portmapper still lists the one that died), within a bound.
  void ConnectNfsd() {
    nfs_client_.reset();
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    std::string why;
    while (absl::Now() < deadline) {
      absl::StatusOr<uint32_t> port = portmap_client_.PmapGetPort(
          nfs::kNfsProgram, nfs::kNfsVersion3, rpc::portmap::kIpProtoTcp);
      if (!port.ok() || *port == 0) {
        why = port.ok() ? "nfsd is not registered" : port.status().ToString();
      } else {
        absl::StatusOr<std::unique_ptr<rpc::RpcClient>> client = rpc::RpcClient::Connect(
            rpc::Transport::kTcp, rpc::SocketAddress::Loopback4(static_cast<uint16_t>(*port)),
            kTimeout);
        if (client.ok()) {
          absl::StatusOr<rpc::RpcReply> reply =
              (*client)->Call(nfs::kNfsProgram, nfs::kNfsVersion3, proc::kNull, nullptr, kTimeout);
          if (reply.ok() && reply->header.Succeeded()) {
            nfs_client_ = *std::move(client);
            nfs_client_->set_credentials(Sys(1000, 1000));
            return;
          }
          why = reply.ok() ? reply->header.Describe() : reply.status().ToString();
        } else {
          why = client.status().ToString();
        }
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    FAIL() << "cannot reach nfsd: " << why << "\n--- nfsd log:\n" << (nfsd_ ? nfsd_->Log() : "");
  }

  // The root handle of `path` from mountd's MNT.
  nfs::NfsFh3 MountRoot(const std::string& path) {
    absl::StatusOr<uint32_t> port =
        portmap_client_.PmapGetPort(mount::kProgram, mount::kVersion3, rpc::portmap::kIpProtoTcp);
    EXPECT_TRUE(port.ok() && *port != 0) << "mountd is not registered";
    if (!port.ok() || *port == 0) return {};
    auto client = rpc::RpcClient::Connect(
        rpc::Transport::kTcp, rpc::SocketAddress::Loopback4(static_cast<uint16_t>(*port)),
        kTimeout);
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) return {};
    absl::StatusOr<mount::MountResult3> result = rpc::CallAndDecode<mount::MountResult3>(
        **client, mount::kProgram, mount::kVersion3, mount::proc::kMnt,
        [&](xdr::XdrEncoder& e) { mount::EncodeDirPath(e, path); }, &mount::DecodeMountResult3,
        kTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_EQ(result->status, mount::MountStat3::kOk) << "MNT " << path;
    nfs::NfsFh3 handle;
    handle.data.assign(result->handle.begin(), result->handle.end());
    EXPECT_FALSE(handle.data.empty()) << "MNT " << path << " gave no handle";
    return handle;
  }

  // One NFSv3 call that must get a SUCCESS reply; its result (SERVERFAULT after a failure).
  template <typename Res, typename Args>
  Res Call(uint32_t procedure, const Args& args, void (*encode)(xdr::XdrEncoder&, const Args&),
           void (*decode)(xdr::XdrDecoder&, Res&)) {
    if (nfs_client_ == nullptr) {
      ADD_FAILURE() << "no connection to nfsd";
    } else {
      absl::StatusOr<Res> result = rpc::CallAndDecode<Res>(
          *nfs_client_, nfs::kNfsProgram, nfs::kNfsVersion3, procedure,
          [&](xdr::XdrEncoder& e) { encode(e, args); }, decode, kTimeout);
      EXPECT_TRUE(result.ok()) << "procedure " << procedure << ": " << result.status();
      if (result.ok()) return *std::move(result);
    }
    return Res::Failure(Nfsstat3::kServerFault, {});
  }

  // A call whose arguments are written by hand, e.g. malformed; the whole reply.
  rpc::RpcReply RawCall(uint32_t procedure, const rpc::ArgumentEncoder& arguments) {
    absl::StatusOr<rpc::RpcReply> reply =
        nfs_client_->Call(nfs::kNfsProgram, nfs::kNfsVersion3, procedure, arguments, kTimeout);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *std::move(reply) : rpc::RpcReply{};
  }

  nfs::GetattrRes Getattr(const nfs::NfsFh3& handle) {
    return Call(proc::kGetattr, nfs::GetattrArgs{handle}, &nfs::EncodeGetattrArgs,
                &nfs::DecodeGetattrRes);
  }
  nfs::LookupRes Lookup(const nfs::NfsFh3& dir, const std::string& name) {
    return Call(proc::kLookup, nfs::LookupArgs{{dir, name}}, &nfs::EncodeLookupArgs,
                &nfs::DecodeLookupRes);
  }
  nfs::CreateRes Create(const nfs::NfsFh3& dir, const std::string& name,
                        const nfs::CreateHow3& how) {
    return Call(proc::kCreate, nfs::CreateArgs{{dir, name}, how}, &nfs::EncodeCreateArgs,
                &nfs::DecodeCreateRes);
  }
  nfs::CreateRes CreateUnchecked(const nfs::NfsFh3& dir, const std::string& name) {
    nfs::CreateHow3 how;
    how.mode = nfs::CreateMode3::kUnchecked;
    how.obj_attributes.mode = 0644;
    return Create(dir, name, how);
  }
  // A new empty file's handle (empty after a failure, which is reported).
  nfs::NfsFh3 NewFile(const nfs::NfsFh3& dir, const std::string& name) {
    const nfs::CreateRes created = CreateUnchecked(dir, name);
    EXPECT_EQ(created.status, Nfsstat3::kOk) << "CREATE " << name;
    if (!created.ok() || !created.resok().obj.has_value()) return {};
    return *created.resok().obj;
  }
  nfs::NfsFh3 HandleOf(const nfs::NfsFh3& dir, const std::string& name) {
    const nfs::LookupRes found = Lookup(dir, name);
    EXPECT_EQ(found.status, Nfsstat3::kOk) << "LOOKUP " << name;
    return found.ok() ? found.resok().object : nfs::NfsFh3{};
  }
  nfs::WriteRes Write(const nfs::NfsFh3& file, uint64_t offset, absl::Span<const uint8_t> data,
                      nfs::StableHow stable) {
    nfs::WriteArgs args;
    args.file = file;
    args.offset = offset;
    args.count = static_cast<uint32_t>(data.size());
    args.stable = stable;
    args.data = data;
    return Call(proc::kWrite, args, &nfs::EncodeWriteArgs, &nfs::DecodeWriteRes);
  }
  nfs::CommitRes Commit(const nfs::NfsFh3& file) {
    return Call(proc::kCommit, nfs::CommitArgs{file, 0, 0}, &nfs::EncodeCommitArgs,
                &nfs::DecodeCommitRes);
  }
  nfs::ReadRes Read(const nfs::NfsFh3& file, uint64_t offset, uint32_t count) {
    return Call(proc::kRead, nfs::ReadArgs{file, offset, count}, &nfs::EncodeReadArgs,
                &nfs::DecodeReadRes);
  }
  nfs::RemoveRes Remove(const nfs::NfsFh3& dir, const std::string& name) {
    return Call(proc::kRemove, nfs::RemoveArgs{{dir, name}}, &nfs::EncodeRemoveArgs,
                &nfs::DecodeRemoveRes);
  }
  nfs::ReaddirplusRes Readdirplus(const nfs::NfsFh3& dir, uint64_t cookie,
                                  const nfs::CookieVerf3& verifier, uint32_t dircount,
                                  uint32_t maxcount) {
    return Call(proc::kReaddirplus, nfs::ReaddirplusArgs{dir, cookie, verifier, dircount, maxcount},
                &nfs::EncodeReaddirplusArgs, &nfs::DecodeReaddirplusRes);
  }

  std::string ServerPath(const std::string& relative) const {
    return export_dir() + "/" + relative;
  }
  uint64_t ServerInode(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(lstat(path.c_str(), &info), 0) << path;
    return info.st_ino;
  }

  std::unique_ptr<rpc::RpcClient> nfs_client_;
  nfs::NfsFh3 root_;
};

TEST_F(NfsdProtocolTest, GetattrOfTheRoot) {
  const nfs::GetattrRes result = Getattr(root_);
  ASSERT_EQ(result.status, Nfsstat3::kOk);
  const nfs::Fattr3& attributes = result.resok().obj_attributes;
  struct stat local {};
  ASSERT_EQ(stat(export_dir().c_str(), &local), 0);
  EXPECT_EQ(attributes.type, nfs::Ftype3::kDir);
  EXPECT_EQ(attributes.mode, 0777u);
  EXPECT_EQ(attributes.fileid, local.st_ino);
  EXPECT_EQ(attributes.uid, local.st_uid);
  EXPECT_EQ(attributes.gid, local.st_gid);
  EXPECT_EQ(attributes.nlink, local.st_nlink);
  EXPECT_EQ(attributes.mtime.seconds, static_cast<uint32_t>(local.st_mtim.tv_sec));
  EXPECT_EQ(attributes.mtime.nseconds, static_cast<uint32_t>(local.st_mtim.tv_nsec));
}

TEST_F(NfsdProtocolTest, AHandleWithOneBitFlippedIsRefusedAndTheServerKeepsServing) {
  const nfs::NfsFh3 file = NewFile(root_, "file");
  ASSERT_FALSE(file.data.empty());
  const size_t mac_start = file.data.size() - nfs::FileHandleCodec::kMacSize;
  ASSERT_GT(mac_start, nfs::FileHandleCodec::kHeaderSize) << "no object part";
  struct Flip {
    const char* where;
    size_t byte;
    uint8_t mask;
  };
  for (const nfs::NfsFh3& original : {root_, file}) {
    const size_t mac = original.data.size() - nfs::FileHandleCodec::kMacSize;
    for (const Flip& flip : {Flip{"header: version", 0, 0x01}, Flip{"header: export id", 5, 0x10},
                             Flip{"object", nfs::FileHandleCodec::kHeaderSize + 1, 0x04},
                             Flip{"object, last byte", mac - 1, 0x80}, Flip{"MAC", mac + 3, 0x02},
                             Flip{"MAC, last byte", original.data.size() - 1, 0x01}}) {
      SCOPED_TRACE(flip.where);
      nfs::NfsFh3 flipped = original;
      flipped.data[flip.byte] ^= flip.mask;
      const Nfsstat3 status = Getattr(flipped).status;
      EXPECT_TRUE(status == Nfsstat3::kStale || status == Nfsstat3::kBadHandle)
          << ::testing::PrintToString(status);
      const Nfsstat3 looked_up = Lookup(flipped, "file").status;
      EXPECT_TRUE(looked_up == Nfsstat3::kStale || looked_up == Nfsstat3::kBadHandle)
          << ::testing::PrintToString(looked_up);
    }
  }
  EXPECT_EQ(Getattr(root_).status, Nfsstat3::kOk);
  EXPECT_EQ(Getattr(file).status, Nfsstat3::kOk);
}

TEST_F(NfsdProtocolTest, AHandleOfLength65IsGarbageArgs) {
  const std::vector<uint8_t> handle(65, 0x5a);
  const rpc::RpcReply getattr =
      RawCall(proc::kGetattr, [&](xdr::XdrEncoder& e) { e.Opaque(handle); });
  EXPECT_EQ(getattr.header.reply_stat, rpc::ReplyStat::kAccepted);
  EXPECT_EQ(getattr.header.accept_stat, rpc::AcceptStat::kGarbageArgs) << getattr.header.Describe();
  const rpc::RpcReply lookup = RawCall(proc::kLookup, [&](xdr::XdrEncoder& e) {
    e.Opaque(handle);
    e.String("name");
  });
  EXPECT_EQ(lookup.header.accept_stat, rpc::AcceptStat::kGarbageArgs) << lookup.header.Describe();
  // 64 bytes is a valid length: a well-formed refusal, not GARBAGE_ARGS.
  nfs::NfsFh3 longest;
  longest.data.assign(64, 0x5a);
  const Nfsstat3 status = Getattr(longest).status;
  EXPECT_TRUE(status == Nfsstat3::kStale || status == Nfsstat3::kBadHandle)
      << ::testing::PrintToString(status);
  EXPECT_EQ(Getattr(root_).status, Nfsstat3::kOk);
}

// Length 0 is WebNFS's public handle; without a public export it names nothing.
TEST_F(NfsdProtocolTest, ThePublicHandleWithoutAPublicExportIsStale) {
  const nfs::NfsFh3 public_handle;
  EXPECT_EQ(Getattr(public_handle).status, Nfsstat3::kStale);
  EXPECT_EQ(Lookup(public_handle, "name").status, Nfsstat3::kStale);
  EXPECT_EQ(Lookup(public_handle, "").status, Nfsstat3::kStale);
  EXPECT_EQ(CreateUnchecked(public_handle, "planted").status, Nfsstat3::kStale);
  EXPECT_FALSE(ServerPathExists(ServerPath("planted")));
  EXPECT_EQ(Getattr(root_).status, Nfsstat3::kOk);
}

TEST_F(NfsdProtocolTest, AGenuineHandleOfAnotherExportIsStale) {
  absl::StatusOr<nfs::HandleKey> key = nfs::HandleKey::LoadOrCreate(state_dir());
  ASSERT_TRUE(key.ok()) << key.status();
  const nfs::FileHandleCodec codec(*key);
  const auto decoded = codec.Decode(absl::Span<const uint8_t>(root_.data));
  ASSERT_TRUE(std::holds_alternative<nfs::HandleContents>(decoded));
  nfs::HandleContents contents = std::get<nfs::HandleContents>(decoded);

  // The codec reproduces the server's handle, so the next one differs in the export alone.
  absl::StatusOr<std::vector<uint8_t>> same = codec.Encode(contents, nfs::kNfs3MaxHandleSize);
  ASSERT_TRUE(same.ok()) << same.status();
  nfs::NfsFh3 rebuilt;
  rebuilt.data.assign(same->begin(), same->end());
  ASSERT_EQ(Getattr(rebuilt).status, Nfsstat3::kOk);

  contents.export_id += 1;
  absl::StatusOr<std::vector<uint8_t>> other = codec.Encode(contents, nfs::kNfs3MaxHandleSize);
  ASSERT_TRUE(other.ok()) << other.status();
  nfs::NfsFh3 foreign;
  foreign.data.assign(other->begin(), other->end());
  EXPECT_EQ(Getattr(foreign).status, Nfsstat3::kStale);
  EXPECT_EQ(Lookup(foreign, ".").status, Nfsstat3::kStale);
  EXPECT_EQ(CreateUnchecked(foreign, "planted").status, Nfsstat3::kStale);
  EXPECT_FALSE(ServerPathExists(ServerPath("planted")));
}

TEST_F(NfsdProtocolTest, DotAndDotDotAtTheRootAreTheRoot) {
  const uint64_t root_inode = ServerInode(export_dir());
  for (const char* name : {"..", "."}) {
    SCOPED_TRACE(name);
    const nfs::LookupRes found = Lookup(root_, name);
    ASSERT_EQ(found.status, Nfsstat3::kOk);
    EXPECT_EQ(found.resok().object, root_);
    ASSERT_TRUE(found.resok().obj_attributes.has_value());
    EXPECT_EQ(found.resok().obj_attributes->fileid, root_inode);
    EXPECT_EQ(found.resok().obj_attributes->type, nfs::Ftype3::kDir);
  }
  // Below the root they are the directory and its parent.
  ASSERT_EQ(mkdir(ServerPath("sub").c_str(), 0755), 0);
  const nfs::NfsFh3 sub = HandleOf(root_, "sub");
  const nfs::LookupRes dot = Lookup(sub, ".");
  ASSERT_EQ(dot.status, Nfsstat3::kOk);
  EXPECT_EQ(dot.resok().object, sub);
  EXPECT_EQ(dot.resok().obj_attributes->fileid, ServerInode(ServerPath("sub")));
  const nfs::LookupRes dotdot = Lookup(sub, "..");
  ASSERT_EQ(dotdot.status, Nfsstat3::kOk);
  EXPECT_EQ(dotdot.resok().object, root_);
  EXPECT_EQ(dotdot.resok().obj_attributes->fileid, root_inode);
}

TEST_F(NfsdProtocolTest, ASymlinkOutOfTheExportIsNeverFollowed) {
  ASSERT_EQ(symlink("/etc", ServerPath("evil").c_str()), 0);
  const nfs::LookupRes evil = Lookup(root_, "evil");
  ASSERT_EQ(evil.status, Nfsstat3::kOk);
  ASSERT_TRUE(evil.resok().obj_attributes.has_value());
  EXPECT_EQ(evil.resok().obj_attributes->type, nfs::Ftype3::kLnk);
  const nfs::NfsFh3& link = evil.resok().object;

  EXPECT_EQ(Lookup(link, "passwd").status, Nfsstat3::kNotDir);
  EXPECT_EQ(Lookup(link, ".").status, Nfsstat3::kNotDir);
  EXPECT_EQ(Lookup(link, "..").status, Nfsstat3::kNotDir);
  const nfs::ReadlinkRes target = Call(proc::kReadlink, nfs::ReadlinkArgs{link},
                                       &nfs::EncodeReadlinkArgs, &nfs::DecodeReadlinkRes);
  ASSERT_EQ(target.status, Nfsstat3::kOk);
  EXPECT_EQ(target.resok().data, "/etc");
  // Neither its data nor a listing of /etc comes back.
  const nfs::ReadRes read = Read(link, 0, 4096);
  EXPECT_NE(read.status, Nfsstat3::kOk);
  const nfs::ReaddirplusRes listed = Readdirplus(link, 0, {}, 4096, 32768);
  EXPECT_EQ(listed.status, Nfsstat3::kNotDir);
  EXPECT_NE(CreateUnchecked(link, "planted").status, Nfsstat3::kOk);
  EXPECT_FALSE(ServerPathExists("/etc/planted"));
}

TEST_F(NfsdProtocolTest, BadNamesAreRefusedWithTheRfcStatus) {
  struct BadName {
    const char* what;
    std::string name;
    Nfsstat3 expected;
  };
  const std::vector<BadName> names = {
      {"slash", "a/b", Nfsstat3::kAcces},
      {"NUL", std::string("a\0b", 3), Nfsstat3::kAcces},
      {"empty", "", Nfsstat3::kAcces},
      {"256 bytes", std::string(256, 'n'), Nfsstat3::kNameTooLong},
  };
  WriteServerFile(ServerPath("a"), "existing");
  for (const BadName& bad : names) {
    SCOPED_TRACE(bad.what);
    EXPECT_EQ(Lookup(root_, bad.name).status, bad.expected);
    EXPECT_EQ(CreateUnchecked(root_, bad.name).status, bad.expected);
    EXPECT_EQ(Getattr(root_).status, Nfsstat3::kOk) << "the server stopped serving";
  }
  // 255 bytes is a valid name.
  EXPECT_EQ(CreateUnchecked(root_, std::string(255, 'n')).status, Nfsstat3::kOk);
  EXPECT_EQ(Lookup(root_, std::string(255, 'n')).status, Nfsstat3::kOk);
  std::set<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(export_dir())) {
    entries.insert(entry.path().filename().string());
  }
  EXPECT_EQ(entries, (std::set<std::string>{"a", std::string(255, 'n')}));
  EXPECT_EQ(ReadServerFile(ServerPath("a")), "existing");
}

TEST_F(NfsdProtocolTest, ExclusiveCreateIsIdempotentForItsOwnVerifierOnly) {
  nfs::CreateHow3 how;
  how.mode = nfs::CreateMode3::kExclusive;
  how.verf = {1, 2, 3, 4, 5, 6, 7, 8};
  const nfs::CreateRes first = Create(root_, "exclusive", how);
  ASSERT_EQ(first.status, Nfsstat3::kOk);
  ASSERT_TRUE(first.resok().obj.has_value());
  // The retransmission (a new xid: not the reply cache) succeeds with the same file.
  const nfs::CreateRes again = Create(root_, "exclusive", how);
  ASSERT_EQ(again.status, Nfsstat3::kOk);
  ASSERT_TRUE(again.resok().obj.has_value());
  EXPECT_EQ(*again.resok().obj, *first.resok().obj);
  // Another client's create of the same name does not.
  nfs::CreateHow3 other = how;
  other.verf = {1, 2, 3, 4, 5, 6, 7, 9};
  EXPECT_EQ(Create(root_, "exclusive", other).status, Nfsstat3::kExist);
  other.verf = {9, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(Create(root_, "exclusive", other).status, Nfsstat3::kExist);
  // Nor does the first one's, once the file was written.
  ASSERT_EQ(Write(*first.resok().obj, 0, Bytes("data"), nfs::StableHow::kFileSync).status,
            Nfsstat3::kOk);
  EXPECT_EQ(Create(root_, "exclusive", how).status, Nfsstat3::kExist);
  EXPECT_EQ(ReadServerFile(ServerPath("exclusive")), "data");
}

TEST_F(NfsdProtocolTest, GuardedCreateOfAnExistingNameIsExist) {
  WriteServerFile(ServerPath("existing"), "keep me");
  ASSERT_EQ(chown(ServerPath("existing").c_str(), 1000, 1000), 0);  // the caller's
  nfs::CreateHow3 how;
  how.mode = nfs::CreateMode3::kGuarded;
  how.obj_attributes.mode = 0644;
  how.obj_attributes.size = 0;
  EXPECT_EQ(Create(root_, "existing", how).status, Nfsstat3::kExist);
  EXPECT_EQ(ReadServerFile(ServerPath("existing")), "keep me");
  EXPECT_EQ(Create(root_, "new", how).status, Nfsstat3::kOk);
  EXPECT_TRUE(ServerPathExists(ServerPath("new")));
  EXPECT_EQ(Create(root_, "new", how).status, Nfsstat3::kExist);
  // UNCHECKED on an existing name succeeds (and applies the size).
  how.mode = nfs::CreateMode3::kUnchecked;
  EXPECT_EQ(Create(root_, "existing", how).status, Nfsstat3::kOk);
  EXPECT_EQ(ReadServerFile(ServerPath("existing")), "");
}

TEST_F(NfsdProtocolTest, FileSyncWriteIsCommittedFileSync) {
  const nfs::NfsFh3 file = NewFile(root_, "file");
  ASSERT_FALSE(file.data.empty());
  const nfs::WriteRes written = Write(file, 0, Bytes("stable data"), nfs::StableHow::kFileSync);
  ASSERT_EQ(written.status, Nfsstat3::kOk);
  EXPECT_EQ(written.resok().count, 11u);
  EXPECT_EQ(written.resok().committed, nfs::StableHow::kFileSync);
  ASSERT_TRUE(written.resok().file_wcc.after.has_value());
  EXPECT_EQ(written.resok().file_wcc.after->size, 11u);
  EXPECT_EQ(ReadServerFile(ServerPath("file")), "stable data");
  // A count that does not match the data is refused, and writes nothing.
  nfs::WriteArgs lying;
  lying.file = file;
  lying.offset = 100;
  lying.count = 10;
  lying.stable = nfs::StableHow::kFileSync;
  const std::string five = "12345";
  lying.data = Bytes(five);
  EXPECT_EQ(Call(proc::kWrite, lying, &nfs::EncodeWriteArgs, &nfs::DecodeWriteRes).status,
            Nfsstat3::kInval);
  EXPECT_EQ(ReadServerFile(ServerPath("file")), "stable data");
}

TEST_F(NfsdProtocolTest, CommitVerifierMatchesWritesAndChangesWhenNfsdRestarts) {
  const nfs::NfsFh3 file = NewFile(root_, "file");
  ASSERT_FALSE(file.data.empty());
  const nfs::WriteRes first = Write(file, 0, Bytes("unstable"), nfs::StableHow::kUnstable);
  ASSERT_EQ(first.status, Nfsstat3::kOk);
  const nfs::CommitRes committed = Commit(file);
  ASSERT_EQ(committed.status, Nfsstat3::kOk);
  EXPECT_EQ(committed.resok().verf, first.resok().verf);
  const nfs::WriteRes second = Write(file, 8, Bytes(" more"), nfs::StableHow::kDataSync);
  ASSERT_EQ(second.status, Nfsstat3::kOk);
  EXPECT_EQ(second.resok().verf, first.resok().verf);

  StopNfsd();
  StartNfsd();
  ASSERT_NO_FATAL_FAILURE(ConnectNfsd());
  const nfs::WriteRes after = Write(file, 0, Bytes("UNSTABLE"), nfs::StableHow::kUnstable);
  ASSERT_EQ(after.status, Nfsstat3::kOk);
  EXPECT_NE(after.resok().verf, first.resok().verf)
      << "clients cannot tell that unstable writes may have been lost";
  const nfs::CommitRes committed_after = Commit(file);
  ASSERT_EQ(committed_after.status, Nfsstat3::kOk);
  EXPECT_EQ(committed_after.resok().verf, after.resok().verf);
  EXPECT_EQ(ReadServerFile(ServerPath("file")), "UNSTABLE more");
}

TEST_F(NfsdProtocolTest, HandlesSurviveAnNfsdCrash) {
  const nfs::NfsFh3 file = NewFile(root_, "file");
  ASSERT_FALSE(file.data.empty());
  ASSERT_EQ(Write(file, 0, Bytes("before the crash"), nfs::StableHow::kFileSync).status,
            Nfsstat3::kOk);
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0755), 0);
  const nfs::NfsFh3 dir = HandleOf(root_, "dir");

  nfsd_->Kill();
  StartNfsd();
  ASSERT_NO_FATAL_FAILURE(ConnectNfsd());
  const nfs::GetattrRes attributes = Getattr(file);
  ASSERT_EQ(attributes.status, Nfsstat3::kOk);
  EXPECT_EQ(attributes.resok().obj_attributes.fileid, ServerInode(ServerPath("file")));
  EXPECT_EQ(Getattr(root_).status, Nfsstat3::kOk);
  EXPECT_EQ(Getattr(dir).status, Nfsstat3::kOk);
  const nfs::ReadRes read = Read(file, 0, 100);
  ASSERT_EQ(read.status, Nfsstat3::kOk);
  EXPECT_EQ(Text(read.resok().data), "before the crash");
}

TEST_F(NfsdProtocolTest, PathIndexHandlesSurviveAnNfsdCrashAndMovesOnTheServer) {
  // The scheme a server without root uses, in mountd and nfsd alike.
  StopNfsd();
  StopMountd();
  StartMountd({"--handles", "path-index"});
  StartNfsd({"--handles", "path-index"});
  ASSERT_NO_FATAL_FAILURE(ConnectNfsd());
  ASSERT_NO_FATAL_FAILURE(root_ = MountRoot(export_dir()));
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0777), 0);
  ASSERT_EQ(chmod(ServerPath("dir").c_str(), 0777), 0);  // the client is uid 1000
  const nfs::NfsFh3 dir = HandleOf(root_, "dir");
  const nfs::NfsFh3 file = NewFile(dir, "file");
  ASSERT_FALSE(file.data.empty());
  ASSERT_EQ(Write(file, 0, Bytes("indexed"), nfs::StableHow::kFileSync).status, Nfsstat3::kOk);

  nfsd_->Kill();
  ASSERT_EQ(rename(ServerPath("dir/file").c_str(), ServerPath("moved").c_str()), 0);
  StartNfsd({"--handles", "path-index"});
  ASSERT_NO_FATAL_FAILURE(ConnectNfsd());
  EXPECT_EQ(Getattr(root_).status, Nfsstat3::kOk);
  EXPECT_EQ(Getattr(dir).status, Nfsstat3::kOk);
  const nfs::ReadRes read = Read(file, 0, 100);
  ASSERT_EQ(read.status, Nfsstat3::kOk);
  EXPECT_EQ(Text(read.resok().data), "indexed");
  ASSERT_EQ(Remove(root_, "moved").status, Nfsstat3::kOk);
  EXPECT_EQ(Getattr(file).status, Nfsstat3::kStale);
}

TEST_F(NfsdProtocolTest, TheHandleOfARemovedObjectIsStale) {
  const nfs::NfsFh3 file = NewFile(root_, "file");
  ASSERT_FALSE(file.data.empty());
  ASSERT_EQ(Getattr(file).status, Nfsstat3::kOk);
  ASSERT_EQ(Remove(root_, "file").status, Nfsstat3::kOk);
  EXPECT_EQ(Getattr(file).status, Nfsstat3::kStale);
  EXPECT_EQ(Read(file, 0, 10).status, Nfsstat3::kStale);
  EXPECT_EQ(Write(file, 0, Bytes("x"), nfs::StableHow::kFileSync).status, Nfsstat3::kStale);
  EXPECT_EQ(Remove(root_, "file").status, Nfsstat3::kNoEnt);

  // Removed behind the server's back, file and directory alike.
  WriteServerFile(ServerPath("local"), "x");
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0755), 0);
  const nfs::NfsFh3 local = HandleOf(root_, "local");
  const nfs::NfsFh3 dir = HandleOf(root_, "dir");
  ASSERT_EQ(unlink(ServerPath("local").c_str()), 0);
  ASSERT_EQ(rmdir(ServerPath("dir").c_str()), 0);
  EXPECT_EQ(Getattr(local).status, Nfsstat3::kStale);
  EXPECT_EQ(Getattr(dir).status, Nfsstat3::kStale);
  EXPECT_EQ(Lookup(dir, "x").status, Nfsstat3::kStale);
  EXPECT_EQ(Getattr(root_).status, Nfsstat3::kOk);
}

TEST_F(NfsdProtocolTest, SetattrWithAWrongCtimeGuardIsNotSync) {
  const nfs::NfsFh3 file = NewFile(root_, "file");
  ASSERT_FALSE(file.data.empty());
  const nfs::GetattrRes before = Getattr(file);
  ASSERT_EQ(before.status, Nfsstat3::kOk);
  const nfs::Nfstime3 ctime = before.resok().obj_attributes.ctime;

  nfs::SetattrArgs args;
  args.object = file;
  args.new_attributes.mode = 0600;
  args.guard = nfs::Nfstime3{ctime.seconds - 1, ctime.nseconds};
  const nfs::SetattrRes refused =
      Call(proc::kSetattr, args, &nfs::EncodeSetattrArgs, &nfs::DecodeSetattrRes);
  EXPECT_EQ(refused.status, Nfsstat3::kNotSync);
  struct stat info {};
  ASSERT_EQ(stat(ServerPath("file").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644u) << "NOT_SYNC but the mode changed";

  args.guard = ctime;
  const nfs::SetattrRes applied =
      Call(proc::kSetattr, args, &nfs::EncodeSetattrArgs, &nfs::DecodeSetattrRes);
  ASSERT_EQ(applied.status, Nfsstat3::kOk);
  ASSERT_EQ(stat(ServerPath("file").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
}

TEST_F(NfsdProtocolTest, ReadIsCappedAt1MiBAndEofIsExact) {
  constexpr uint32_t kMiB = 1 << 20;
  std::string contents(2 * kMiB + kMiB / 2, '\0');
  for (size_t i = 0; i < contents.size(); ++i) contents[i] = static_cast<char>((i * 131) >> 3);
  WriteServerFile(ServerPath("file"), contents);
  const nfs::NfsFh3 file = HandleOf(root_, "file");
  const uint64_t size = contents.size();

  const nfs::ReadRes capped = Read(file, 0, 2 * kMiB);
  ASSERT_EQ(capped.status, Nfsstat3::kOk);
  EXPECT_EQ(capped.resok().count, kMiB);
  EXPECT_FALSE(capped.resok().eof);
  EXPECT_TRUE(Text(capped.resok().data) == contents.substr(0, kMiB)) << "wrong data";

  struct Case {
    uint64_t offset;
    uint32_t count;
    uint32_t expected_count;
    bool eof;
  };
  for (const Case& c : {Case{size - 100, 100, 100, true}, Case{size - 100, 99, 99, false},
                        Case{size - 100, 1000, 100, true}, Case{size, 10, 0, true},
                        Case{size + 4096, 10, 0, true}, Case{size - kMiB, kMiB, kMiB, true},
                        Case{size - kMiB - 1, kMiB, kMiB, false}, Case{0, 0, 0, false}}) {
    SCOPED_TRACE(absl::StrCat("offset ", c.offset, " count ", c.count));
    const nfs::ReadRes read = Read(file, c.offset, c.count);
    ASSERT_EQ(read.status, Nfsstat3::kOk);
    EXPECT_EQ(read.resok().count, c.expected_count);
    EXPECT_EQ(read.resok().data.size(), c.expected_count);
    EXPECT_EQ(read.resok().eof, c.eof);
    if (c.offset < size) {
      EXPECT_TRUE(Text(read.resok().data) == contents.substr(c.offset, c.expected_count))
          << "wrong data";
    }
  }
}

TEST_F(NfsdProtocolTest, ReaddirWithRoomForNoEntryIsTooSmall) {
  WriteServerFile(ServerPath("an-entry-with-a-name"), "x");
  for (uint32_t count : {0u, 16u, 100u, 120u}) {
    SCOPED_TRACE(absl::StrCat("count ", count));
    const nfs::ReaddirRes result = Call(proc::kReaddir, nfs::ReaddirArgs{root_, 0, {}, count},
                                        &nfs::EncodeReaddirArgs, &nfs::DecodeReaddirRes);
    EXPECT_EQ(result.status, Nfsstat3::kTooSmall);
  }
  const nfs::ReaddirRes roomy = Call(proc::kReaddir, nfs::ReaddirArgs{root_, 0, {}, 4096},
                                     &nfs::EncodeReaddirArgs, &nfs::DecodeReaddirRes);
  ASSERT_EQ(roomy.status, Nfsstat3::kOk);
  ASSERT_EQ(roomy.resok().entries.size(), 1u);
  EXPECT_EQ(roomy.resok().entries[0].name, "an-entry-with-a-name");
  EXPECT_EQ(roomy.resok().entries[0].fileid, ServerInode(ServerPath("an-entry-with-a-name")));
  EXPECT_TRUE(roomy.resok().eof);
  // READDIRPLUS likewise.
  EXPECT_EQ(Readdirplus(root_, 0, {}, 8, 4096).status, Nfsstat3::kTooSmall);
  EXPECT_EQ(Readdirplus(root_, 0, {}, 4096, 120).status, Nfsstat3::kTooSmall);
}

TEST_F(NfsdProtocolTest, FsinfoAllowsOneMiBTransfers) {
  const nfs::FsinfoRes result =
      Call(proc::kFsinfo, nfs::FsinfoArgs{root_}, &nfs::EncodeFsinfoArgs, &nfs::DecodeFsinfoRes);
  ASSERT_EQ(result.status, Nfsstat3::kOk);
  EXPECT_GE(result.resok().rtmax, 1u << 20);
  EXPECT_GE(result.resok().wtmax, 1u << 20);
  EXPECT_LE(result.resok().rtpref, result.resok().rtmax);
  EXPECT_LE(result.resok().wtpref, result.resok().wtmax);
  EXPECT_NE(result.resok().properties & nfs::kFsf3Symlink, 0u);
  EXPECT_NE(result.resok().properties & nfs::kFsf3Link, 0u);
}

TEST_F(NfsdProtocolTest, PathconfNameMaxIs255) {
  const nfs::PathconfRes result = Call(proc::kPathconf, nfs::PathconfArgs{root_},
                                       &nfs::EncodePathconfArgs, &nfs::DecodePathconfRes);
  ASSERT_EQ(result.status, Nfsstat3::kOk);
  EXPECT_EQ(result.resok().name_max, 255u);
  EXPECT_TRUE(result.resok().no_trunc);
}

TEST_F(NfsdProtocolTest, AccessGrantsNothingOnAnotherUsersPrivateFile) {
  WriteServerFile(ServerPath("private"), "x");
  ASSERT_EQ(chown(ServerPath("private").c_str(), 1001, 1001), 0);
  ASSERT_EQ(chmod(ServerPath("private").c_str(), 0600), 0);
  const nfs::NfsFh3 file = HandleOf(root_, "private");
  constexpr uint32_t kAsked =
      nfs::kAccess3Read | nfs::kAccess3Modify | nfs::kAccess3Extend | nfs::kAccess3Execute;
  auto access = [&](const nfs::NfsFh3& handle, uint32_t asked) {
    return Call(proc::kAccess, nfs::AccessArgs{handle, asked}, &nfs::EncodeAccessArgs,
                &nfs::DecodeAccessRes);
  };
  const nfs::AccessRes stranger = access(file, kAsked);  // uid 1000
  ASSERT_EQ(stranger.status, Nfsstat3::kOk);
  EXPECT_EQ(stranger.resok().access & (nfs::kAccess3Read | nfs::kAccess3Modify), 0u);
  EXPECT_EQ(stranger.resok().access, 0u);
  EXPECT_EQ(Read(file, 0, 10).status, Nfsstat3::kAcces);

  nfs_client_->set_credentials(Sys(1001, 1001));
  const nfs::AccessRes owner = access(file, kAsked);
  ASSERT_EQ(owner.status, Nfsstat3::kOk);
  EXPECT_EQ(owner.resok().access, nfs::kAccess3Read | nfs::kAccess3Modify | nfs::kAccess3Extend);

  // Root is squashed: it gets no more than a stranger.
  nfs_client_->set_credentials(Sys(0, 0));
  const nfs::AccessRes root = access(file, kAsked);
  ASSERT_EQ(root.status, Nfsstat3::kOk);
  EXPECT_EQ(root.resok().access, 0u);
}

TEST_F(NfsdProtocolTest, ReaddirplusContinuesWhileListedEntriesAreRemoved) {
  constexpr int kEntries = 500;
  ASSERT_EQ(mkdir(ServerPath("list").c_str(), 0777), 0);
  std::set<std::string> created;
  for (int i = 0; i < kEntries; ++i) {
    const std::string name = absl::StrFormat("entry-%04d", i);
    WriteServerFile(ServerPath("list/" + name), "x");
    created.insert(name);
  }
  const nfs::NfsFh3 dir = HandleOf(root_, "list");
  std::map<std::string, int> seen;
  uint64_t cookie = 0;
  nfs::CookieVerf3 verifier{};
  int pages = 0;
  bool eof = false;
  while (!eof && pages < 10 * kEntries) {
    const nfs::ReaddirplusRes page = Readdirplus(dir, cookie, verifier, 512, 4096);
    ASSERT_EQ(page.status, Nfsstat3::kOk) << "page " << pages;
    ++pages;
    eof = page.resok().eof;
    verifier = page.resok().cookieverf;
    ASSERT_TRUE(eof || !page.resok().entries.empty()) << "an empty page before the end";
    for (const nfs::EntryPlus3& entry : page.resok().entries) {
      cookie = entry.cookie;
      if (entry.name == "." || entry.name == "..") continue;
      ++seen[entry.name];
      if (entry.name_attributes.has_value()) {
        EXPECT_EQ(entry.name_attributes->fileid, entry.fileid) << entry.name;
      }
      // Gone before the next page is asked for.
      EXPECT_EQ(unlink(ServerPath("list/" + entry.name).c_str()), 0) << entry.name;
    }
  }
  EXPECT_TRUE(eof) << "the listing did not end";
  EXPECT_GT(pages, 5) << "the pages were not small: this tested little";
  std::set<std::string> listed;
  for (const auto& [name, count] : seen) {
    EXPECT_EQ(count, 1) << name << " listed " << count << " times";
    EXPECT_TRUE(created.count(name)) << "listed a name never created: " << name;
    listed.insert(name);
  }
  EXPECT_EQ(listed.size(), created.size()) << "some names were never listed";
  EXPECT_TRUE(std::filesystem::is_empty(ServerPath("list")));
}

TEST_F(NfsdProtocolTest, NfsdKilledDuringAWriteWorkloadLosesNoAcknowledgedByte) {
  const nfs::NfsFh3 file = NewFile(root_, "file");
  ASSERT_FALSE(file.data.empty());
  constexpr size_t kChunk = 16 * 1024;
  constexpr int kChunks = 2000;
  const auto pattern = [](int chunk) {
    return std::vector<uint8_t>(kChunk, static_cast<uint8_t>(chunk % 251 + 1));
  };
  // The writer owns the connection: every chunk UNSTABLE but every fourth FILE_SYNC, a COMMIT of
  // the whole file every eighth. A chunk is durable once a FILE_SYNC reply or a later COMMIT with
  // the same verifier acknowledged it; after the kill, those bytes must be on disk.
  std::unique_ptr<rpc::RpcClient> writer = std::move(nfs_client_);
  std::vector<bool> durable(kChunks, false);
  std::atomic<int> acknowledged{0};
  nfs::WriteVerf3 verifier{};
  std::thread thread([&] {
    std::vector<int> unstable;
    for (int i = 0; i < kChunks; ++i) {
      const std::vector<uint8_t> data = pattern(i);
      nfs::WriteArgs args{file, static_cast<uint64_t>(i) * kChunk, kChunk,
                          i % 4 == 3 ? nfs::StableHow::kFileSync : nfs::StableHow::kUnstable, data};
      absl::StatusOr<nfs::WriteRes> written = rpc::CallAndDecode<nfs::WriteRes>(
          *writer, nfs::kNfsProgram, nfs::kNfsVersion3, proc::kWrite,
          [&](xdr::XdrEncoder& e) { nfs::EncodeWriteArgs(e, args); }, &nfs::DecodeWriteRes,
          absl::Seconds(5));
      if (!written.ok() || !written->ok() || written->resok().count != kChunk) return;
      verifier = written->resok().verf;
      if (written->resok().committed == nfs::StableHow::kFileSync) {
        durable[i] = true;
      } else {
        unstable.push_back(i);
      }
      acknowledged.store(i + 1);
      if (i % 8 != 7) continue;
      absl::StatusOr<nfs::CommitRes> committed = rpc::CallAndDecode<nfs::CommitRes>(
          *writer, nfs::kNfsProgram, nfs::kNfsVersion3, proc::kCommit,
          [&](xdr::XdrEncoder& e) {
            nfs::EncodeCommitArgs(e, nfs::CommitArgs{file, 0, 0});
          },
          &nfs::DecodeCommitRes, absl::Seconds(5));
      if (!committed.ok() || !committed->ok()) return;
      if (committed->resok().verf != verifier) continue;  // a restart lost them: resend
      for (int chunk : unstable) durable[chunk] = true;
      unstable.clear();
    }
  });
  // Kill in the middle of the workload, not before or after it.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (acknowledged.load() < 200 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  nfsd_->Kill();
  thread.join();
  const int written = acknowledged.load();
  ASSERT_GE(written, 200) << "the writer stalled before the kill";
  ASSERT_LT(written, kChunks) << "the workload ended before the kill";

  const std::string contents = ReadServerFile(ServerPath("file"));
  int checked = 0;
  for (int i = 0; i < kChunks; ++i) {
    if (!durable[i]) continue;
    ++checked;
    ASSERT_GE(contents.size(), (static_cast<size_t>(i) + 1) * kChunk) << "chunk " << i << " lost";
    const std::vector<uint8_t> expected = pattern(i);
    ASSERT_EQ(contents.compare(static_cast<size_t>(i) * kChunk, kChunk,
                               reinterpret_cast<const char*>(expected.data()), kChunk),
              0)
        << "chunk " << i << " acknowledged durable, not on disk";
  }
  EXPECT_GT(checked, 50);
  std::printf("%d chunks acknowledged before the kill, %d of them durable and checked\n", written,
              checked);

  // The restarted server's verifier tells the client to resend what was only UNSTABLE.
  StartNfsd();
  ASSERT_NO_FATAL_FAILURE(ConnectNfsd());
  const nfs::WriteRes after = Write(file, 0, pattern(0), nfs::StableHow::kUnstable);
  ASSERT_EQ(after.status, Nfsstat3::kOk);
  EXPECT_NE(after.resok().verf, verifier);
}

TEST_F(NfsdProtocolTest, AnObjectReplacedOnTheServerIsStaleNeverTheNewOne) {
  const nfs::NfsFh3 file = NewFile(root_, "file");
  ASSERT_EQ(Write(file, 0, Bytes("old"), nfs::StableHow::kFileSync).status, Nfsstat3::kOk);
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0777), 0);
  const nfs::NfsFh3 dir = HandleOf(root_, "dir");

  // Renamed by a local process: the handle still names the same file.
  ASSERT_EQ(rename(ServerPath("file").c_str(), ServerPath("renamed").c_str()), 0);
  const nfs::GetattrRes moved = Getattr(file);
  ASSERT_EQ(moved.status, Nfsstat3::kOk);
  EXPECT_EQ(moved.resok().obj_attributes.fileid, ServerInode(ServerPath("renamed")));
  ASSERT_EQ(Read(file, 0, 10).status, Nfsstat3::kOk);
  EXPECT_EQ(Text(Read(file, 0, 10).resok().data), "old");

  // Removed and replaced by a new file of the same name (which may get the same inode number):
  // the old handle is stale, never the new file.
  ASSERT_EQ(unlink(ServerPath("renamed").c_str()), 0);
  WriteServerFile(ServerPath("file"), "new");
  EXPECT_EQ(Getattr(file).status, Nfsstat3::kStale);
  EXPECT_EQ(Read(file, 0, 10).status, Nfsstat3::kStale);
  EXPECT_EQ(Write(file, 0, Bytes("X"), nfs::StableHow::kFileSync).status, Nfsstat3::kStale);
  EXPECT_EQ(ReadServerFile(ServerPath("file")), "new");
  const nfs::NfsFh3 replacement = HandleOf(root_, "file");
  ASSERT_EQ(Read(replacement, 0, 10).status, Nfsstat3::kOk);
  EXPECT_EQ(Text(Read(replacement, 0, 10).resok().data), "new");

  // Replaced by a rename over it: the file it was is gone.
  WriteServerFile(ServerPath("other"), "other");
  ASSERT_EQ(rename(ServerPath("other").c_str(), ServerPath("file").c_str()), 0);
  EXPECT_EQ(Getattr(replacement).status, Nfsstat3::kStale);

  // A directory removed and made again.
  ASSERT_EQ(rmdir(ServerPath("dir").c_str()), 0);
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0777), 0);
  EXPECT_EQ(Getattr(dir).status, Nfsstat3::kStale);
  EXPECT_EQ(Lookup(dir, "anything").status, Nfsstat3::kStale);
  EXPECT_EQ(Getattr(HandleOf(root_, "dir")).status, Nfsstat3::kOk);
}

// For one test, mountd and nfsd also export a 2 MiB tmpfs.
class NfsdFullFilesystemTest : public NfsdProtocolTest {
 protected:
  void SetUp() override {
    NfsdProtocolTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const std::string small = directory_.path() + "/small";
    ASSERT_EQ(mkdir(small.c_str(), 0755), 0);
    char canonical[PATH_MAX];
    ASSERT_NE(realpath(small.c_str(), canonical), nullptr);
    small_dir_ = canonical;
    if (::mount("tmpfs", small_dir_.c_str(), "tmpfs", 0, "size=2m,mode=0777") != 0) {
      GTEST_SKIP() << "cannot mount a 2 MiB tmpfs on " << small_dir_ << ": "
                   << std::strerror(errno);
    }
    mounted_ = true;
    StopNfsd();
    StopMountd();
    ASSERT_NO_FATAL_FAILURE(StartMountd({"--export", small_dir_}));
    ASSERT_NO_FATAL_FAILURE(StartNfsd());
    ASSERT_NO_FATAL_FAILURE(ConnectNfsd());
    ASSERT_NO_FATAL_FAILURE(small_root_ = MountRoot(small_dir_));
  }
  void TearDown() override {
    // The daemons hold the tmpfs open.
    StopNfsd();
    StopMountd();
    if (mounted_ && umount2(small_dir_.c_str(), 0) != 0) {
      ADD_FAILURE() << "umount " << small_dir_ << ": " << std::strerror(errno);
      umount2(small_dir_.c_str(), MNT_DETACH);
    }
    NfsdProtocolTest::TearDown();
  }

  std::string small_dir_;
  bool mounted_ = false;
  nfs::NfsFh3 small_root_;
};

TEST_F(NfsdFullFilesystemTest, WritesUntilNoSpaceAndTheServerStillAnswers) {
  const nfs::NfsFh3 file = NewFile(small_root_, "filler");
  ASSERT_FALSE(file.data.empty());
  const std::vector<uint8_t> chunk(256 * 1024, 0xab);
  uint64_t offset = 0;
  Nfsstat3 status = Nfsstat3::kOk;
  for (int i = 0; i < 64 && status == Nfsstat3::kOk; ++i) {  // 16 MiB: far past 2 MiB
    const nfs::WriteRes written = Write(file, offset, chunk, nfs::StableHow::kFileSync);
    status = written.status;
    if (written.ok()) {
      ASSERT_GT(written.resok().count, 0u) << "a successful write of nothing";
      offset += written.resok().count;
    }
  }
  EXPECT_EQ(status, Nfsstat3::kNoSpc) << "after " << offset << " bytes";
  EXPECT_LE(offset, 2u << 20);

  const nfs::GetattrRes root = Getattr(small_root_);
  EXPECT_EQ(root.status, Nfsstat3::kOk);
  const nfs::GetattrRes filler = Getattr(file);
  ASSERT_EQ(filler.status, Nfsstat3::kOk);
  EXPECT_EQ(filler.resok().obj_attributes.size, offset);
  EXPECT_EQ(Getattr(root_).status, Nfsstat3::kOk) << "the other export";
  // Space freed is space usable again.
  ASSERT_EQ(Remove(small_root_, "filler").status, Nfsstat3::kOk);
  const nfs::NfsFh3 again = NewFile(small_root_, "again");
  ASSERT_FALSE(again.data.empty());
  EXPECT_EQ(Write(again, 0, chunk, nfs::StableHow::kFileSync).status, Nfsstat3::kOk);
}

}  // namespace
}  // namespace nfsuite::testing
