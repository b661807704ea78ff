// nfsd's enforcement of the export table on every NFSv3 request, in process: the real procedures
// (Nfs3Service's dispatch table) over PosixBackends on a temporary directory, with export tables
// built from exports lines as mountd sends them, and calls made with chosen client addresses,
// source ports and credentials.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "common/rpc/call_context.h"
#include "common/rpc/procedure.h"
#include "common/rpc/rpc_message.h"
#include "gtest/gtest.h"
#include "proto/control.pb.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/export_table_builder.h"
#include "service/nfs/nfs3_service.h"
#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs3_xdr.h"
#include "service/nfs/nfs_status.h"
#include "service/storage/posix_backend.h"
#include "tests/support/forwarding_backend.h"

namespace nfsuite::nfs {
void PrintTo(Nfsstat3 status, std::ostream* out) {
  *out << Nfsstat3Name(status) << " (" << static_cast<uint32_t>(status) << ")";
}
}  // namespace nfsuite::nfs

namespace nfsuite::nfs {
namespace {

namespace proc = nfs3_proc;

constexpr uint32_t kRwId = 0x100;
constexpr uint32_t kRoId = 0x200;
constexpr uint32_t kPublicId = 0x300;

std::string MakeTemporaryDirectory() {
  std::string name = "/tmp/nfs3-enforcement-XXXXXX";
  if (mkdtemp(name.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return "";
  }
  return std::filesystem::canonical(name).string();
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Exists(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0;
}

rpc::Credentials Sys(uint32_t uid, uint32_t gid) {
  rpc::Credentials credentials;
  credentials.flavor = rpc::AuthFlavor::kSys;
  credentials.machine_name = "enforcement-test";
  credentials.uid = uid;
  credentials.gid = gid;
  credentials.gids.push_back(gid);
  return credentials;
}

// What the NFS layer asked the storage for, where exports(5) sync/async makes a difference.
struct DurabilityLog {
  std::vector<storage::Stability> writes;
  int commits = 0;
  int fail_writes_with = 0;  // an errno every Write fails with (a full disk, a quota), or 0
};

class DurabilityRecordingBackend : public storage::ForwardingBackend {
 public:
  DurabilityRecordingBackend(std::shared_ptr<storage::StorageBackend> inner, DurabilityLog* log)
      : ForwardingBackend(std::move(inner)), log_(log) {}

  storage::StorageResult<storage::WriteOutcome> Write(const storage::Identity& who,
                                                      const storage::ObjectId& file,
                                                      uint64_t offset,
                                                      absl::Span<const uint8_t> data,
                                                      storage::Stability stability) override {
    log_->writes.push_back(stability);
    if (log_->fail_writes_with != 0) return storage::Errno{log_->fail_writes_with};
    return ForwardingBackend::Write(who, file, offset, data, stability);
  }
  storage::StorageStatus Commit(const storage::Identity& who, const storage::ObjectId& file,
                                uint64_t offset, uint32_t count) override {
    ++log_->commits;
    return ForwardingBackend::Commit(who, file, offset, count);
  }

 private:
  DurabilityLog* log_;
};

// A caller: where the call comes from and who it says it is.
struct Caller {
  std::string host = "127.0.0.1";
  uint16_t port = 700;  // reserved
  rpc::Credentials credentials = Sys(1000, 1000);
};

class Nfs3ExportEnforcementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = MakeTemporaryDirectory();
    ASSERT_FALSE(base_.empty());
    for (const char* name : {"rw", "ro", "pub"}) {
      const std::string path = base_ + "/" + name;
      ASSERT_EQ(mkdir(path.c_str(), 0777), 0);
      ASSERT_EQ(chmod(path.c_str(), 0777), 0);
    }
    table_ = ExportTableOf({
        {kRwId, absl::StrCat(base_,
                             "/rw 127.0.0.1(rw) 127.0.0.3(rw,insecure) "
                             "127.0.0.4(rw,insecure,all_squash,anonuid=1234,anongid=4321) "
                             "127.0.0.5(rw,insecure,no_root_squash) "
                             "127.0.0.6(rw,insecure,async)")},
        {kRoId, absl::StrCat(base_, "/ro *(ro,insecure)")},
        {kPublicId, absl::StrCat(base_, "/pub 127.0.0.0/8(rw,insecure,public) 127.0.0.9(ro)")},
    });
    Publish(table_);
    table_version_ = service_.Version3();
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(base_, ignored);
  }

  static control::v1::ExportTable ExportTableOf(
      const std::vector<std::pair<uint32_t, std::string>>& lines) {
    control::v1::ExportTable table;
    for (const auto& [id, line] : lines) {
      control::v1::ExportedDirectory* directory = table.add_exports();
      directory->set_export_id(id);
      directory->set_line(line);
    }
    return table;
  }

  void Publish(const control::v1::ExportTable& table) {
    const std::shared_ptr<const ExportSnapshot> previous = exports_.Get();
    BuiltSnapshot built = BuildExportSnapshot(
        table, previous.get(), [this](const std::string& path) { return Open(path); });
    EXPECT_TRUE(built.problems.empty()) << built.problems.front();
    exports_.Publish(std::move(built.snapshot));
  }

  absl::StatusOr<std::shared_ptr<storage::StorageBackend>> Open(const std::string& path) {
    ++backends_opened_;
    absl::StatusOr<std::unique_ptr<storage::PosixBackend>> backend =
        storage::PosixBackend::Open(path);
    if (!backend.ok()) return backend.status();
    return std::shared_ptr<storage::StorageBackend>(std::make_shared<DurabilityRecordingBackend>(
        std::shared_ptr<storage::StorageBackend>(*std::move(backend)), &durability_));
  }

  // The root handle of export `id` as mountd would hand it out.
  NfsFh3 RootOf(uint32_t id) {
    const ServedExport* exported = exports_.Get()->FindById(id);
    EXPECT_NE(exported, nullptr) << "no export " << id;
    if (exported == nullptr) return {};
    const storage::ObjectId root = exported->backend->Root();
    HandleContents contents;
    contents.export_id = id;
    contents.object_kind = root.kind;
    contents.object.assign(root.bytes.begin(), root.bytes.end());
    absl::StatusOr<std::vector<uint8_t>> encoded = codec_.Encode(contents, kNfs3MaxHandleSize);
    EXPECT_TRUE(encoded.ok()) << encoded.status();
    if (!encoded.ok()) return {};
    NfsFh3 handle;
    handle.data.assign(encoded->begin(), encoded->end());
    return handle;
  }

  // Runs one procedure as `caller` through the dispatch table row, bytes in and bytes out.
  template <typename Res, typename Args>
  Res Call(const Caller& caller, uint32_t procedure, const Args& args,
           void (*encode)(xdr::XdrEncoder&, const Args&), void (*decode)(xdr::XdrDecoder&, Res&)) {
    rpc::CallContext context;
    context.xid = ++xid_;
    context.program = kNfsProgram;
    context.version = kNfsVersion3;
    context.procedure = procedure;
    context.credentials = caller.credentials;
    absl::StatusOr<rpc::SocketAddress> peer = rpc::SocketAddress::Parse(caller.host, caller.port);
    EXPECT_TRUE(peer.ok()) << peer.status();
    context.origin.peer = *peer;
    context.origin.local = rpc::SocketAddress::Loopback4(2049);

    xdr::XdrEncoder encoded_args;
    encode(encoded_args, args);
    const std::vector<uint8_t> arg_bytes = encoded_args.Flatten();
    xdr::XdrDecoder arg_decoder(arg_bytes);
    xdr::XdrEncoder reply;
    const rpc::ProcedureOutcome outcome =
        table_version_.procedures[procedure].run(context, arg_decoder, reply);
    Res result = Res::Failure(Nfsstat3::kServerFault, {});
    EXPECT_EQ(outcome, rpc::ProcedureOutcome::kReplied) << "procedure " << procedure;
    if (outcome != rpc::ProcedureOutcome::kReplied) return result;
    const std::vector<uint8_t> reply_bytes = reply.Flatten();
    xdr::XdrDecoder reply_decoder(reply_bytes);
    absl::StatusOr<rpc::ReplyHeader> header = rpc::DecodeReplyHeader(reply_decoder);
    EXPECT_TRUE(header.ok() && header->Succeeded()) << "procedure " << procedure;
    if (!header.ok() || !header->Succeeded()) return result;
    decode(reply_decoder, result);
    EXPECT_TRUE(reply_decoder.Finish().ok()) << "procedure " << procedure;
    return result;
  }

  GetattrRes Getattr(const Caller& caller, const NfsFh3& handle) {
    return Call(caller, proc::kGetattr, GetattrArgs{handle}, &EncodeGetattrArgs, &DecodeGetattrRes);
  }
  LookupRes Lookup(const Caller& caller, const NfsFh3& dir, const std::string& name) {
    return Call(caller, proc::kLookup, LookupArgs{{dir, name}}, &EncodeLookupArgs,
                &DecodeLookupRes);
  }
  ReadRes Read(const Caller& caller, const NfsFh3& file) {
    return Call(caller, proc::kRead, ReadArgs{file, 0, 4096}, &EncodeReadArgs, &DecodeReadRes);
  }
  CreateRes Create(const Caller& caller, const NfsFh3& dir, const std::string& name) {
    CreateArgs args;
    args.where = {dir, name};
    args.how.mode = CreateMode3::kUnchecked;
    args.how.obj_attributes.mode = 0644;
    return Call(caller, proc::kCreate, args, &EncodeCreateArgs, &DecodeCreateRes);
  }
  WriteRes Write(const Caller& caller, const NfsFh3& file, const std::string& data,
                 StableHow stable = StableHow::kFileSync) {
    WriteArgs args;
    args.file = file;
    args.count = static_cast<uint32_t>(data.size());
    args.stable = stable;
    args.data =
        absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    return Call(caller, proc::kWrite, args, &EncodeWriteArgs, &DecodeWriteRes);
  }
  CommitRes Commit(const Caller& caller, const NfsFh3& file) {
    return Call(caller, proc::kCommit, CommitArgs{file, 0, 0}, &EncodeCommitArgs, &DecodeCommitRes);
  }
  AccessRes Access(const Caller& caller, const NfsFh3& handle, uint32_t asked) {
    return Call(caller, proc::kAccess, AccessArgs{handle, asked}, &EncodeAccessArgs,
                &DecodeAccessRes);
  }
  NfsFh3 HandleOf(const Caller& caller, const NfsFh3& dir, const std::string& name) {
    const LookupRes found = Lookup(caller, dir, name);
    EXPECT_EQ(found.status, Nfsstat3::kOk) << "LOOKUP " << name;
    return found.ok() ? found.resok().object : NfsFh3{};
  }

  uid_t OwnerOf(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(lstat(path.c_str(), &info), 0) << path;
    return info.st_uid;
  }
  gid_t GroupOf(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(lstat(path.c_str(), &info), 0) << path;
    return info.st_gid;
  }

  std::string base_;
  control::v1::ExportTable table_;
  CurrentExports exports_;
  const FileHandleCodec codec_{HandleKey::FromBytes({1, 2, 3, 4, 5, 6, 7, 8})};
  Nfs3Service service_{exports_, codec_};
  rpc::ProgramVersion table_version_;
  uint32_t xid_ = 0;
  int backends_opened_ = 0;
  DurabilityLog durability_;
};

// ---- Client addresses and ports ----

TEST_F(Nfs3ExportEnforcementTest, AClientOutsideTheListIsRefusedEveryProcedure) {
  const NfsFh3 root = RootOf(kRwId);
  WriteFile(base_ + "/rw/file", "secret");
  const Caller allowed;
  const NfsFh3 file = HandleOf(allowed, root, "file");
  ASSERT_EQ(Getattr(allowed, file).status, Nfsstat3::kOk);

  const Caller stranger{"127.0.0.2", 700, Sys(1000, 1000)};
  EXPECT_EQ(Getattr(stranger, root).status, Nfsstat3::kAcces);
  EXPECT_EQ(Getattr(stranger, file).status, Nfsstat3::kAcces);
  EXPECT_EQ(Lookup(stranger, root, "file").status, Nfsstat3::kAcces);
  EXPECT_EQ(Read(stranger, file).status, Nfsstat3::kAcces);
  EXPECT_EQ(Write(stranger, file, "overwritten").status, Nfsstat3::kAcces);
  EXPECT_EQ(Create(stranger, root, "planted").status, Nfsstat3::kAcces);
  EXPECT_EQ(Access(stranger, file, kAccess3Read).status, Nfsstat3::kAcces);
  EXPECT_EQ(
      Call(stranger, proc::kFsinfo, FsinfoArgs{root}, &EncodeFsinfoArgs, &DecodeFsinfoRes).status,
      Nfsstat3::kAcces);
  EXPECT_FALSE(Exists(base_ + "/rw/planted"));
  EXPECT_EQ(ReadFile(base_ + "/rw/file"), "secret");
  // The same stranger is welcome where "*" is.
  EXPECT_EQ(Getattr(stranger, RootOf(kRoId)).status, Nfsstat3::kOk);
}

TEST_F(Nfs3ExportEnforcementTest, IPv4MappedAddressesMatchAsIPv4) {
  const NfsFh3 root = RootOf(kRwId);
  EXPECT_EQ(Getattr({"::ffff:127.0.0.1", 700, Sys(1000, 1000)}, root).status, Nfsstat3::kOk);
  EXPECT_EQ(Getattr({"::ffff:127.0.0.2", 700, Sys(1000, 1000)}, root).status, Nfsstat3::kAcces);
  EXPECT_EQ(Getattr({"::1", 700, Sys(1000, 1000)}, root).status, Nfsstat3::kAcces);
}

TEST_F(Nfs3ExportEnforcementTest, SecureNeedsAReservedSourcePort) {
  const NfsFh3 root = RootOf(kRwId);  // 127.0.0.1(rw): secure by default
  for (uint16_t port : {uint16_t{1}, uint16_t{700}, uint16_t{1023}}) {
    EXPECT_EQ(Getattr({"127.0.0.1", port, Sys(1000, 1000)}, root).status, Nfsstat3::kOk) << port;
  }
  for (uint16_t port : {uint16_t{1024}, uint16_t{40000}, uint16_t{65535}}) {
    EXPECT_EQ(Getattr({"127.0.0.1", port, Sys(1000, 1000)}, root).status, Nfsstat3::kAcces) << port;
    EXPECT_EQ(Create({"127.0.0.1", port, Sys(1000, 1000)}, root, "planted").status,
              Nfsstat3::kAcces)
        << port;
  }
  EXPECT_FALSE(Exists(base_ + "/rw/planted"));
  // insecure: any port.
  EXPECT_EQ(Getattr({"127.0.0.3", 40000, Sys(1000, 1000)}, root).status, Nfsstat3::kOk);
}

// ---- ro ----

TEST_F(Nfs3ExportEnforcementTest, AReadOnlyExportRefusesEveryModifyingProcedureWithRofs) {
  ASSERT_EQ(mkdir((base_ + "/ro/dir").c_str(), 0777), 0);
  WriteFile(base_ + "/ro/file", "original");
  ASSERT_EQ(chown((base_ + "/ro/file").c_str(), 1000, 1000), 0);
  const Caller owner{"127.0.0.2", 40000, Sys(1000, 1000)};
  const NfsFh3 root = RootOf(kRoId);
  const NfsFh3 file = HandleOf(owner, root, "file");
  const NfsFh3 dir = HandleOf(owner, root, "dir");
  const auto wcc_complete = [](const WccData& wcc) {
    return wcc.before.has_value() && wcc.after.has_value();
  };

  SetattrArgs setattr;
  setattr.object = file;
  setattr.new_attributes.mode = 0600;
  const SetattrRes set =
      Call(owner, proc::kSetattr, setattr, &EncodeSetattrArgs, &DecodeSetattrRes);
  EXPECT_EQ(set.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(set.resfail().obj_wcc));

  const WriteRes written = Write(owner, file, "changed");
  EXPECT_EQ(written.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(written.resfail().file_wcc));

  const CreateRes created = Create(owner, root, "new");
  EXPECT_EQ(created.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(created.resfail().dir_wcc));

  const MkdirRes made =
      Call(owner, proc::kMkdir, MkdirArgs{{root, "newdir"}, {}}, &EncodeMkdirArgs, &DecodeMkdirRes);
  EXPECT_EQ(made.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(made.resfail().dir_wcc));

  const SymlinkRes linked = Call(owner, proc::kSymlink, SymlinkArgs{{root, "link"}, {{}, "file"}},
                                 &EncodeSymlinkArgs, &DecodeSymlinkRes);
  EXPECT_EQ(linked.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(linked.resfail().dir_wcc));

  MknodArgs mknod;
  mknod.where = {root, "fifo"};
  mknod.what.type = Ftype3::kFifo;
  const MknodRes node = Call(owner, proc::kMknod, mknod, &EncodeMknodArgs, &DecodeMknodRes);
  EXPECT_EQ(node.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(node.resfail().dir_wcc));

  const RemoveRes removed =
      Call(owner, proc::kRemove, RemoveArgs{{root, "file"}}, &EncodeRemoveArgs, &DecodeRemoveRes);
  EXPECT_EQ(removed.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(removed.resfail().dir_wcc));

  const RmdirRes rmdir =
      Call(owner, proc::kRmdir, RmdirArgs{{root, "dir"}}, &EncodeRmdirArgs, &DecodeRmdirRes);
  EXPECT_EQ(rmdir.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(rmdir.resfail().dir_wcc));

  const RenameRes renamed = Call(owner, proc::kRename, RenameArgs{{root, "file"}, {dir, "moved"}},
                                 &EncodeRenameArgs, &DecodeRenameRes);
  EXPECT_EQ(renamed.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(renamed.resfail().fromdir_wcc));
  EXPECT_TRUE(wcc_complete(renamed.resfail().todir_wcc));

  const LinkRes hard_linked =
      Call(owner, proc::kLink, LinkArgs{file, {dir, "hard"}}, &EncodeLinkArgs, &DecodeLinkRes);
  EXPECT_EQ(hard_linked.status, Nfsstat3::kRofs);
  EXPECT_TRUE(wcc_complete(hard_linked.resfail().linkdir_wcc));
  EXPECT_TRUE(hard_linked.resfail().file_attributes.has_value());

  // Nothing changed on disk.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(base_ + "/ro")) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"dir", "file"}));
  EXPECT_TRUE(std::filesystem::is_empty(base_ + "/ro/dir"));
  EXPECT_EQ(ReadFile(base_ + "/ro/file"), "original");
  struct stat info {};
  ASSERT_EQ(stat((base_ + "/ro/file").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644u);

  // Reading is what a read-only export is for; COMMIT changes nothing and is served.
  const ReadRes read = Read(owner, file);
  ASSERT_EQ(read.status, Nfsstat3::kOk);
  EXPECT_EQ(std::string(read.resok().data.begin(), read.resok().data.end()), "original");
  EXPECT_EQ(Call(owner, proc::kCommit, CommitArgs{file, 0, 0}, &EncodeCommitArgs, &DecodeCommitRes)
                .status,
            Nfsstat3::kOk);
}

TEST_F(Nfs3ExportEnforcementTest, AccessGrantsNoWritingOnAReadOnlyExport) {
  WriteFile(base_ + "/ro/file", "x");
  ASSERT_EQ(chown((base_ + "/ro/file").c_str(), 1000, 1000), 0);
  WriteFile(base_ + "/rw/file", "x");
  ASSERT_EQ(chown((base_ + "/rw/file").c_str(), 1000, 1000), 0);
  const Caller owner{"127.0.0.3", 40000, Sys(1000, 1000)};
  constexpr uint32_t kWriting = kAccess3Modify | kAccess3Extend | kAccess3Delete;
  constexpr uint32_t kAsked = kAccess3Read | kWriting;

  const AccessRes on_ro = Access(owner, HandleOf(owner, RootOf(kRoId), "file"), kAsked);
  ASSERT_EQ(on_ro.status, Nfsstat3::kOk);
  EXPECT_EQ(on_ro.resok().access, kAccess3Read);
  const AccessRes ro_dir = Access(owner, RootOf(kRoId), kAsked | kAccess3Lookup);
  ASSERT_EQ(ro_dir.status, Nfsstat3::kOk);
  EXPECT_EQ(ro_dir.resok().access & kWriting, 0u);
  EXPECT_EQ(ro_dir.resok().access & kAccess3Lookup, kAccess3Lookup);
  // The control: the same file on the read-write export may be written.
  const AccessRes on_rw = Access(owner, HandleOf(owner, RootOf(kRwId), "file"), kAsked);
  ASSERT_EQ(on_rw.status, Nfsstat3::kOk);
  EXPECT_EQ(on_rw.resok().access, kAccess3Read | kAccess3Modify | kAccess3Extend);
}

TEST_F(Nfs3ExportEnforcementTest, TheRuleOfTheCallersAddressDecidesReadOnly) {
  // pub: 127.0.0.0/8 rw, but 127.0.0.9 (a host: higher precedence) ro and secure.
  const NfsFh3 root = RootOf(kPublicId);
  EXPECT_EQ(Create({"127.0.0.9", 700, Sys(1000, 1000)}, root, "a").status, Nfsstat3::kRofs);
  EXPECT_EQ(Create({"127.0.0.9", 4000, Sys(1000, 1000)}, root, "a").status, Nfsstat3::kAcces);
  EXPECT_EQ(Create({"127.0.0.8", 4000, Sys(1000, 1000)}, root, "a").status, Nfsstat3::kOk);
  EXPECT_TRUE(Exists(base_ + "/pub/a"));
}

// ---- sync / async ----

TEST_F(Nfs3ExportEnforcementTest, UnderSyncWritesAreAsStableAsAskedAndCommitFlushes) {
  const NfsFh3 root = RootOf(kRwId);
  const Caller sync_client{"127.0.0.3", 4000, Sys(1000, 1000)};
  ASSERT_EQ(Create(sync_client, root, "f").status, Nfsstat3::kOk);
  const NfsFh3 file = HandleOf(sync_client, root, "f");
  const WriteRes stable = Write(sync_client, file, "stable", StableHow::kFileSync);
  ASSERT_EQ(stable.status, Nfsstat3::kOk);
  EXPECT_EQ(stable.resok().committed, StableHow::kFileSync);
  const WriteRes unstable = Write(sync_client, file, "later", StableHow::kUnstable);
  ASSERT_EQ(unstable.status, Nfsstat3::kOk);
  EXPECT_EQ(unstable.resok().committed, StableHow::kUnstable);
  EXPECT_EQ(durability_.writes, (std::vector<storage::Stability>{storage::Stability::kFileSync,
                                                                 storage::Stability::kUnstable}));
  EXPECT_EQ(Commit(sync_client, file).status, Nfsstat3::kOk);
  EXPECT_EQ(durability_.commits, 1);
}

// A quota-capable filesystem cannot be mounted on every test machine: the storage's EDQUOT (and
// ENOSPC) is injected, as the filesystem would return it.
TEST_F(Nfs3ExportEnforcementTest, QuotaAndFullDiskErrorsReachTheClientAndNothingIsWritten) {
  const NfsFh3 root = RootOf(kRwId);
  const Caller client{"127.0.0.3", 4000, Sys(1000, 1000)};
  ASSERT_EQ(Create(client, root, "f").status, Nfsstat3::kOk);
  const NfsFh3 file = HandleOf(client, root, "f");
  ASSERT_EQ(Write(client, file, "kept", StableHow::kFileSync).status, Nfsstat3::kOk);
  durability_.fail_writes_with = EDQUOT;
  const WriteRes over_quota = Write(client, file, "LOST", StableHow::kFileSync);
  EXPECT_EQ(over_quota.status, Nfsstat3::kDquot);
  durability_.fail_writes_with = ENOSPC;
  EXPECT_EQ(Write(client, file, "LOST", StableHow::kUnstable).status, Nfsstat3::kNoSpc);
  EXPECT_EQ(ReadFile(base_ + "/rw/f"), "kept");
  // The server goes on: the next write, with room again, succeeds.
  durability_.fail_writes_with = 0;
  ASSERT_EQ(Write(client, file, "again", StableHow::kFileSync).status, Nfsstat3::kOk);
  EXPECT_EQ(ReadFile(base_ + "/rw/f"), "again");
}

TEST_F(Nfs3ExportEnforcementTest, UnderAsyncWritesClaimWhatWasAskedWithoutFlushing) {
  const NfsFh3 root = RootOf(kRwId);
  const Caller async_client{"127.0.0.6", 4000, Sys(1000, 1000)};
  ASSERT_EQ(Create(async_client, root, "f").status, Nfsstat3::kOk);
  const NfsFh3 file = HandleOf(async_client, root, "f");
  const WriteRes stable = Write(async_client, file, "quick", StableHow::kFileSync);
  ASSERT_EQ(stable.status, Nfsstat3::kOk);
  EXPECT_EQ(stable.resok().committed, StableHow::kFileSync);
  const WriteRes unstable = Write(async_client, file, "QUICK", StableHow::kUnstable);
  ASSERT_EQ(unstable.status, Nfsstat3::kOk);
  EXPECT_EQ(unstable.resok().committed, StableHow::kUnstable);
  EXPECT_EQ(durability_.writes, (std::vector<storage::Stability>{storage::Stability::kUnstable,
                                                                 storage::Stability::kUnstable}));
  EXPECT_EQ(ReadFile(base_ + "/rw/f"), "QUICK");

  const CommitRes committed = Commit(async_client, file);
  ASSERT_EQ(committed.status, Nfsstat3::kOk);
  EXPECT_TRUE(committed.resok().file_wcc.after.has_value());
  EXPECT_EQ(committed.resok().verf, stable.resok().verf);
  EXPECT_EQ(durability_.commits, 0);
  // Still only files can be committed.
  EXPECT_EQ(Commit(async_client, root).status, Nfsstat3::kIsDir);
}

// ---- Squashing (needs root: the backend acts as the caller only when it can switch) ----

class Nfs3SquashTest : public Nfs3ExportEnforcementTest {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "squashing shows in file ownership only as root";
    Nfs3ExportEnforcementTest::SetUp();
  }
};

TEST_F(Nfs3SquashTest, AllSquashCreatesFilesAsTheAnonymousIds) {
  const NfsFh3 root = RootOf(kRwId);
  // 127.0.0.4(rw,insecure,all_squash,anonuid=1234,anongid=4321)
  ASSERT_EQ(Create({"127.0.0.4", 40000, Sys(1000, 1000)}, root, "user").status, Nfsstat3::kOk);
  ASSERT_EQ(Create({"127.0.0.4", 40000, Sys(0, 0)}, root, "root").status, Nfsstat3::kOk);
  for (const char* name : {"user", "root"}) {
    EXPECT_EQ(OwnerOf(base_ + "/rw/" + name), 1234u) << name;
    EXPECT_EQ(GroupOf(base_ + "/rw/" + name), 4321u) << name;
  }
}

TEST_F(Nfs3SquashTest, RootSquashMapsRootButNotOthers) {
  const NfsFh3 root = RootOf(kRwId);
  // 127.0.0.3(rw,insecure): root_squash by default.
  ASSERT_EQ(Create({"127.0.0.3", 40000, Sys(0, 0)}, root, "root").status, Nfsstat3::kOk);
  EXPECT_EQ(OwnerOf(base_ + "/rw/root"), 65534u);
  EXPECT_EQ(GroupOf(base_ + "/rw/root"), 65534u);
  ASSERT_EQ(Create({"127.0.0.3", 40000, Sys(1000, 1000)}, root, "user").status, Nfsstat3::kOk);
  EXPECT_EQ(OwnerOf(base_ + "/rw/user"), 1000u);
  EXPECT_EQ(GroupOf(base_ + "/rw/user"), 1000u);
  // AUTH_NONE is anonymous.
  Caller anonymous{"127.0.0.3", 40000, rpc::Credentials{}};
  ASSERT_EQ(Create(anonymous, root, "none").status, Nfsstat3::kOk);
  EXPECT_EQ(OwnerOf(base_ + "/rw/none"), 65534u);
}

TEST_F(Nfs3SquashTest, NoRootSquashLetsRootBeRoot) {
  const NfsFh3 root = RootOf(kRwId);
  ASSERT_EQ(chmod((base_ + "/rw").c_str(), 0755), 0);  // only root may create now
  ASSERT_EQ(Create({"127.0.0.5", 40000, Sys(0, 0)}, root, "root").status, Nfsstat3::kOk);
  EXPECT_EQ(OwnerOf(base_ + "/rw/root"), 0u);
  // The same root from a root_squash client is nobody, and may not.
  EXPECT_EQ(Create({"127.0.0.3", 40000, Sys(0, 0)}, root, "squashed").status, Nfsstat3::kAcces);
  EXPECT_FALSE(Exists(base_ + "/rw/squashed"));
}

// ---- Table changes ----

TEST_F(Nfs3ExportEnforcementTest, ARemovedExportsHandlesAreStaleAndComeBackWithIt) {
  WriteFile(base_ + "/rw/file", "data");
  const Caller caller;
  const NfsFh3 root = RootOf(kRwId);
  const NfsFh3 file = HandleOf(caller, root, "file");
  const int opened = backends_opened_;

  control::v1::ExportTable without = table_;
  without.mutable_exports()->erase(without.mutable_exports()->begin());
  Publish(without);
  EXPECT_EQ(Getattr(caller, root).status, Nfsstat3::kStale);
  EXPECT_EQ(Read(caller, file).status, Nfsstat3::kStale);
  EXPECT_EQ(Create(caller, root, "planted").status, Nfsstat3::kStale);
  EXPECT_FALSE(Exists(base_ + "/rw/planted"));
  EXPECT_EQ(backends_opened_, opened) << "the unchanged exports were opened again";

  Publish(table_);
  EXPECT_EQ(backends_opened_, opened + 1);
  EXPECT_EQ(Getattr(caller, root).status, Nfsstat3::kOk);
  const ReadRes read = Read(caller, file);
  ASSERT_EQ(read.status, Nfsstat3::kOk);
  EXPECT_EQ(std::string(read.resok().data.begin(), read.resok().data.end()), "data");
}

TEST_F(Nfs3ExportEnforcementTest, ChangedOptionsApplyToTheNextRequest) {
  const Caller caller{"127.0.0.3", 40000, Sys(1000, 1000)};
  const NfsFh3 root = RootOf(kRwId);
  ASSERT_EQ(Create(caller, root, "before").status, Nfsstat3::kOk);
  control::v1::ExportTable changed = table_;
  changed.mutable_exports(0)->set_line(absl::StrCat(base_, "/rw 127.0.0.3(ro,insecure)"));
  Publish(changed);
  EXPECT_EQ(Create(caller, root, "after").status, Nfsstat3::kRofs);
  EXPECT_EQ(Getattr(Caller{}, root).status, Nfsstat3::kAcces) << "127.0.0.1 is no longer listed";
  EXPECT_EQ(Getattr(caller, HandleOf(caller, root, "before")).status, Nfsstat3::kOk);
}

TEST_F(Nfs3ExportEnforcementTest, ARequestKeepsTheSnapshotItStartedWith) {
  // A snapshot taken (as a request does) keeps its exports' backends open after the table
  // moved on without them.
  const std::shared_ptr<const ExportSnapshot> taken = exports_.Get();
  std::weak_ptr<storage::StorageBackend> backend = taken->FindById(kRwId)->backend;
  control::v1::ExportTable without = table_;
  without.mutable_exports()->erase(without.mutable_exports()->begin());
  Publish(without);
  EXPECT_EQ(exports_.Get()->FindById(kRwId), nullptr);
  EXPECT_FALSE(backend.expired());
  ASSERT_NE(taken->FindById(kRwId), nullptr);
  storage::StorageResult<storage::Attributes> attributes =
      taken->FindById(kRwId)->backend->GetAttributes({0, 0, {}}, backend.lock()->Root());
  EXPECT_TRUE(attributes.ok());
}

// ---- WebNFS ----

TEST_F(Nfs3ExportEnforcementTest, ThePublicHandleIsThePublicExportsRoot) {
  const Caller caller;
  const NfsFh3 public_handle;
  const GetattrRes attributes = Getattr(caller, public_handle);
  ASSERT_EQ(attributes.status, Nfsstat3::kOk);
  struct stat info {};
  ASSERT_EQ(stat((base_ + "/pub").c_str(), &info), 0);
  EXPECT_EQ(attributes.resok().obj_attributes.fileid, info.st_ino);
  // Other procedures act on it too.
  ASSERT_EQ(Create(caller, public_handle, "made").status, Nfsstat3::kOk);
  EXPECT_TRUE(Exists(base_ + "/pub/made"));
  // The empty path names the root, with its ordinary handle.
  const LookupRes root = Lookup(caller, public_handle, "");
  ASSERT_EQ(root.status, Nfsstat3::kOk);
  EXPECT_EQ(root.resok().object, RootOf(kPublicId));
  EXPECT_EQ(Lookup(caller, public_handle, "/").resok().object, RootOf(kPublicId));
}

TEST_F(Nfs3ExportEnforcementTest, PublicLookupWalksAPathInsideThePublicExport) {
  ASSERT_EQ(mkdir((base_ + "/pub/dir").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((base_ + "/pub/dir/sub").c_str(), 0755), 0);
  WriteFile(base_ + "/pub/dir/sub/file", "deep");
  WriteFile(base_ + "/pub/a b%", "escaped");
  const Caller caller;
  const NfsFh3 public_handle;
  const NfsFh3 root = RootOf(kPublicId);
  const NfsFh3 file =
      HandleOf(caller, HandleOf(caller, HandleOf(caller, root, "dir"), "sub"), "file");
  for (const std::string& path : std::vector<std::string>{
           "dir/sub/file", "/dir/sub/file", "dir//sub/./file", "dir/sub/../sub/file",
           "%64ir/sub/file", std::string("\x80") + "dir/sub/file"}) {
    SCOPED_TRACE(path);
    const LookupRes found = Lookup(caller, public_handle, path);
    ASSERT_EQ(found.status, Nfsstat3::kOk);
    EXPECT_EQ(found.resok().object, file) << "not the ordinary handle of the file";
    ASSERT_TRUE(found.resok().dir_attributes.has_value());
    const ReadRes read = Read(caller, found.resok().object);
    ASSERT_EQ(read.status, Nfsstat3::kOk);
    EXPECT_EQ(std::string(read.resok().data.begin(), read.resok().data.end()), "deep");
  }
  EXPECT_EQ(Lookup(caller, public_handle, "a%20b%25").status, Nfsstat3::kOk);
  EXPECT_EQ(Lookup(caller, public_handle, "a b%").status, Nfsstat3::kOk);  // a bare '%'
  EXPECT_EQ(Lookup(caller, public_handle, "dir/missing/file").status, Nfsstat3::kNoEnt);
  EXPECT_EQ(Lookup(caller, public_handle, "dir/sub/file/more").status, Nfsstat3::kNotDir);
  // "%2f" is a '/' inside a name: no such name can exist.
  EXPECT_EQ(Lookup(caller, public_handle, "dir%2fsub").status, Nfsstat3::kAcces);
  EXPECT_EQ(Lookup(caller, public_handle, "dir/%00").status, Nfsstat3::kAcces);
  EXPECT_EQ(Lookup(caller, public_handle, std::string(256, 'n')).status, Nfsstat3::kNameTooLong);
  // Multi-component names are for the public handle only.
  EXPECT_EQ(Lookup(caller, root, "dir/sub/file").status, Nfsstat3::kAcces);
}

TEST_F(Nfs3ExportEnforcementTest, PublicLookupNeverLeavesThePublicExport) {
  const Caller caller;
  const NfsFh3 public_handle;
  const NfsFh3 root = RootOf(kPublicId);
  WriteFile(base_ + "/outside", "outside");
  ASSERT_EQ(mkdir((base_ + "/pub/dir").c_str(), 0755), 0);
  for (const char* path : {"..", "../..", "/../../..", "dir/../../..", "%2e%2e/%2e%2e"}) {
    SCOPED_TRACE(path);
    const LookupRes up = Lookup(caller, public_handle, path);
    ASSERT_EQ(up.status, Nfsstat3::kOk);
    EXPECT_EQ(up.resok().object, root) << "left the export";
  }
  EXPECT_EQ(Lookup(caller, public_handle, "../outside").status, Nfsstat3::kNoEnt);
  EXPECT_EQ(Lookup(caller, public_handle, "../rw").status, Nfsstat3::kNoEnt);
  // A symlink out of the export is returned, never followed.
  ASSERT_EQ(symlink(base_.c_str(), (base_ + "/pub/escape").c_str()), 0);
  const LookupRes link = Lookup(caller, public_handle, "escape");
  ASSERT_EQ(link.status, Nfsstat3::kOk);
  EXPECT_EQ(link.resok().obj_attributes->type, Ftype3::kLnk);
  EXPECT_EQ(Lookup(caller, public_handle, "escape/outside").status, Nfsstat3::kNotDir);
}

TEST_F(Nfs3ExportEnforcementTest, ThePublicHandleFollowsTheClientRulesAndTheTable) {
  const NfsFh3 public_handle;
  // pub is 127.0.0.0/8 only.
  EXPECT_EQ(Getattr({"::1", 700, Sys(1000, 1000)}, public_handle).status, Nfsstat3::kAcces);
  EXPECT_EQ(Lookup({"::1", 700, Sys(1000, 1000)}, public_handle, "x").status, Nfsstat3::kAcces);
  // Without a public export, it names nothing.
  control::v1::ExportTable without = table_;
  without.mutable_exports(2)->set_line(absl::StrCat(base_, "/pub 127.0.0.0/8(rw,insecure)"));
  Publish(without);
  EXPECT_EQ(Getattr(Caller{}, public_handle).status, Nfsstat3::kStale);
  EXPECT_EQ(Lookup(Caller{}, public_handle, "x").status, Nfsstat3::kStale);
  EXPECT_EQ(Getattr(Caller{}, RootOf(kPublicId)).status, Nfsstat3::kOk);
}

}  // namespace
}  // namespace nfsuite::nfs
