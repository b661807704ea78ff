// NFSv2's procedures in process: Nfs2Service's dispatch table over PosixBackends on a temporary
// directory, with an export table built from exports lines as mountd sends them. What is cheaper
// here than against the daemons: a READDIR of 100 000 entries through 4-byte cookies, the
// export checks (ROFS, STALE for a removed export, the public handle), GARBAGE_ARGS, and a
// retransmitted REMOVE answered from the duplicate request cache.
#include "service/nfs/nfs2_service.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "common/rpc/call_context.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/duplicate_request_cache.h"
#include "common/rpc/procedure.h"
#include "common/rpc/rpc_client.h"
#include "common/rpc/rpc_message.h"
#include "common/stats/call_statistics.h"
#include "gtest/gtest.h"
#include "proto/control.pb.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/export_table_builder.h"
#include "service/nfs/nfs2_types.h"
#include "service/nfs/nfs2_xdr.h"
#include "service/nfs/nfs3_types.h"
#include "service/storage/posix_backend.h"

namespace nfsuite::nfs {
namespace {

namespace proc = v2::proc;

constexpr uint32_t kRwId = 0x100;
constexpr uint32_t kRoId = 0x200;
constexpr uint32_t kPublicId = 0x300;

rpc::Credentials Sys(uint32_t uid, uint32_t gid) {
  rpc::Credentials credentials;
  credentials.flavor = rpc::AuthFlavor::kSys;
  credentials.machine_name = "nfs2-service-test";
  credentials.uid = uid;
  credentials.gid = gid;
  credentials.gids.push_back(gid);
  return credentials;
}

class Nfs2ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = "/tmp/nfs2-service-XXXXXX";
    ASSERT_NE(mkdtemp(name.data()), nullptr) << std::strerror(errno);
    base_ = std::filesystem::canonical(name).string();
    for (const char* dir : {"rw", "ro", "pub"}) {
      const std::string path = base_ + "/" + dir;
      ASSERT_EQ(mkdir(path.c_str(), 0777), 0);
      ASSERT_EQ(chmod(path.c_str(), 0777), 0);
    }
    Publish({{kRwId, absl::StrCat(base_, "/rw *(rw,insecure)")},
             {kRoId, absl::StrCat(base_, "/ro *(ro,insecure)")},
             {kPublicId, absl::StrCat(base_, "/pub *(rw,insecure,public)")}});
    dispatcher_.Register(service_.Version2());
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(base_, ignored);
  }

  void Publish(const std::vector<std::pair<uint32_t, std::string>>& lines) {
    control::v1::ExportTable table;
    for (const auto& [id, line] : lines) {
      control::v1::ExportedDirectory* directory = table.add_exports();
      directory->set_export_id(id);
      directory->set_line(line);
    }
    const std::shared_ptr<const ExportSnapshot> previous = exports_.Get();
    BuiltSnapshot built = BuildExportSnapshot(table, previous.get(), [](const std::string& path) {
      absl::StatusOr<std::unique_ptr<storage::PosixBackend>> backend =
          storage::PosixBackend::Open(path);
      if (!backend.ok()) {
        return absl::StatusOr<std::shared_ptr<storage::StorageBackend>>(backend.status());
      }
      return absl::StatusOr<std::shared_ptr<storage::StorageBackend>>(
          std::shared_ptr<storage::StorageBackend>(*std::move(backend)));
    });
    ASSERT_TRUE(built.problems.empty()) << built.problems.front();
    exports_.Publish(std::move(built.snapshot));
  }

  // The export's root handle as MOUNT v1 hands it out: 32 bytes.
  v2::FHandle RootOf(uint32_t id) {
    const ServedExport* exported = exports_.Get()->FindById(id);
    EXPECT_NE(exported, nullptr);
    if (exported == nullptr) return {};
    const storage::ObjectId root = exported->backend->Root();
    HandleContents contents{id, root.kind, {root.bytes.begin(), root.bytes.end()}};
    absl::StatusOr<std::vector<uint8_t>> encoded = codec_.Encode(contents, kNfs2HandleSize);
    EXPECT_TRUE(encoded.ok()) << encoded.status();
    v2::FHandle handle;
    if (encoded.ok()) std::copy(encoded->begin(), encoded->end(), handle.data.begin());
    return handle;
  }

  // One call through the dispatcher (and its reply cache), as the transport makes it; the raw
  // reply, or nullopt when there is none.
  std::optional<std::vector<uint8_t>> Dispatch(uint32_t xid, uint32_t procedure,
                                               const rpc::ArgumentEncoder& arguments) {
    xdr::XdrEncoder call;
    const std::vector<uint8_t> credential = rpc::EncodeAuthSysBody(Sys(1000, 1000));
    rpc::CallHeader header;
    header.xid = xid;
    header.rpc_version = 2;
    header.program = kNfsProgram;
    header.version = v2::kNfsVersion2;
    header.procedure = procedure;
    header.credential = {static_cast<uint32_t>(rpc::AuthFlavor::kSys), credential};
    rpc::EncodeCallHeader(call, header);
    if (arguments) arguments(call);
    const std::vector<uint8_t> record = call.Flatten();
    rpc::CallOrigin origin;
    origin.peer = rpc::SocketAddress::Loopback4(40000);
    origin.local = rpc::SocketAddress::Loopback4(2049);
    origin.transport = rpc::Transport::kUdp;
    std::optional<xdr::XdrEncoder> reply = dispatcher_.Dispatch(record, origin);
    if (!reply.has_value()) return std::nullopt;
    return reply->Flatten();
  }

  template <typename Res, typename Args>
  Res Call(uint32_t procedure, const Args& args, void (*encode)(xdr::XdrEncoder&, const Args&),
           void (*decode)(xdr::XdrDecoder&, Res&)) {
    std::optional<std::vector<uint8_t>> reply =
        Dispatch(++xid_, procedure, [&](xdr::XdrEncoder& e) { encode(e, args); });
    Res result{};
    result.status = Nfsstat2::kIo;
    EXPECT_TRUE(reply.has_value()) << "procedure " << procedure;
    if (!reply.has_value()) return result;
    xdr::XdrDecoder decoder(*reply);
    absl::StatusOr<rpc::ReplyHeader> header = rpc::DecodeReplyHeader(decoder);
    EXPECT_TRUE(header.ok() && header->Succeeded()) << "procedure " << procedure;
    if (!header.ok() || !header->Succeeded()) return result;
    decode(decoder, result);
    EXPECT_TRUE(decoder.Finish().ok()) << "procedure " << procedure;
    return result;
  }

  v2::DirOpRes Lookup(const v2::FHandle& dir, const std::string& name) {
    return Call(proc::kLookup, v2::DirOpArgs{dir, name}, &v2::EncodeDirOpArgs, &v2::DecodeDirOpRes);
  }
  v2::DirOpRes Create(const v2::FHandle& dir, const std::string& name) {
    v2::Sattr sattr;
    sattr.mode = 0644;
    return Call(proc::kCreate, v2::CreateArgs{{dir, name}, sattr}, &v2::EncodeCreateArgs,
                &v2::DecodeDirOpRes);
  }

  std::string base_;
  CurrentExports exports_;
  FileHandleCodec codec_{
      HandleKey::FromBytes({1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                            17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32})};
  Nfs2Service service_{exports_, codec_};
  rpc::DuplicateRequestCache cache_{{}};
  rpc::Dispatcher dispatcher_{&cache_};
  uint32_t xid_ = 1000;
};

TEST_F(Nfs2ServiceTest, ReaddirOfHundredThousandEntriesListsEachOnce) {
  constexpr int kEntries = 100000;
  const std::string dir = base_ + "/rw/big";
  ASSERT_EQ(mkdir(dir.c_str(), 0777), 0);
  for (int i = 0; i < kEntries; ++i) {
    const std::string path = absl::StrCat(dir, "/entry-", i);
    const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_EXCL, 0644);
    ASSERT_GE(fd, 0) << path << ": " << std::strerror(errno);
    close(fd);
  }
  v2::DirOpRes big = Lookup(RootOf(kRwId), "big");
  ASSERT_TRUE(big.ok());
  std::map<std::string, int> seen;
  uint32_t cookie = 0;
  int pages = 0;
  bool eof = false;
  while (!eof && pages < 10 * kEntries) {
    v2::ReaddirRes page = Call(proc::kReaddir, v2::ReaddirArgs{big.body->file, cookie, 8192},
                               &v2::EncodeReaddirArgs, &v2::DecodeReaddirRes);
    ASSERT_TRUE(page.ok()) << "page " << pages << " status " << static_cast<int>(page.status);
    ASSERT_FALSE(page.body->entries.empty() && !page.body->eof) << "no progress";
    for (const v2::Entry& entry : page.body->entries) ++seen[entry.name];
    if (!page.body->entries.empty()) cookie = page.body->entries.back().cookie;
    eof = page.body->eof;
    ++pages;
  }
  EXPECT_TRUE(eof);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kEntries));
  int duplicates = 0;
  for (const auto& [name, count] : seen) duplicates += count != 1;
  EXPECT_EQ(duplicates, 0);
  // Each 8 KiB reply holds ~350 names of 11-12 bytes: the pages were full, not one entry each.
  EXPECT_LT(pages, kEntries / 100);
}

TEST_F(Nfs2ServiceTest, ReadOnlyExportAnswersRofs) {
  const v2::FHandle ro = RootOf(kRoId);
  EXPECT_EQ(Create(ro, "f").status, Nfsstat2::kRofs);
  v2::StatRes removed =
      Call(proc::kRemove, v2::DirOpArgs{ro, "f"}, &v2::EncodeDirOpArgs, &v2::DecodeStatRes);
  EXPECT_EQ(removed.status, Nfsstat2::kRofs);
  v2::AttrStat set = Call(proc::kSetattr, v2::SattrArgs{ro, v2::Sattr{}}, &v2::EncodeSattrArgs,
                          &v2::DecodeAttrStat);
  EXPECT_EQ(set.status, Nfsstat2::kRofs);
  // Reading is allowed.
  v2::AttrStat attributes = Call(proc::kGetattr, ro, &v2::EncodeFHandle, &v2::DecodeAttrStat);
  EXPECT_TRUE(attributes.ok());
}

TEST_F(Nfs2ServiceTest, RemovedExportIsStale) {
  const v2::FHandle ro = RootOf(kRoId);
  Publish({{kRwId, absl::StrCat(base_, "/rw *(rw,insecure)")}});
  v2::AttrStat attributes = Call(proc::kGetattr, ro, &v2::EncodeFHandle, &v2::DecodeAttrStat);
  EXPECT_EQ(attributes.status, Nfsstat2::kStale);
  // A v3-sized handle cut to 32 bytes, or garbage, is STALE too (v2 has no BADHANDLE).
  v2::FHandle garbage;
  garbage.data.fill(0xEE);
  EXPECT_EQ(Call(proc::kGetattr, garbage, &v2::EncodeFHandle, &v2::DecodeAttrStat).status,
            Nfsstat2::kStale);
}

TEST_F(Nfs2ServiceTest, PublicHandleIsThePublicExportsRoot) {
  ASSERT_EQ(mkdir((base_ + "/pub/a").c_str(), 0777), 0);
  ASSERT_EQ(close(open((base_ + "/pub/a/file").c_str(), O_CREAT | O_WRONLY, 0644)), 0);
  v2::DirOpRes found = Lookup(v2::FHandle{}, "/a/file");
  ASSERT_TRUE(found.ok()) << static_cast<int>(found.status);
  EXPECT_EQ(found.body->attributes.type, v2::Ftype::kReg);
  EXPECT_FALSE(found.body->file.IsPublic());
  // The handle it gave is an ordinary one.
  EXPECT_TRUE(Call(proc::kGetattr, found.body->file, &v2::EncodeFHandle, &v2::DecodeAttrStat).ok());
  EXPECT_EQ(Lookup(v2::FHandle{}, "/a/missing").status, Nfsstat2::kNoEnt);
}

TEST_F(Nfs2ServiceTest, MalformedArgumentsAreGarbageArgs) {
  // A handle of 20 bytes instead of 32.
  std::optional<std::vector<uint8_t>> reply = Dispatch(
      7, proc::kGetattr, [](xdr::XdrEncoder& e) { e.FixedOpaque(std::vector<uint8_t>(20, 1)); });
  ASSERT_TRUE(reply.has_value());
  xdr::XdrDecoder decoder(*reply);
  absl::StatusOr<rpc::ReplyHeader> header = rpc::DecodeReplyHeader(decoder);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->accept_stat, rpc::AcceptStat::kGarbageArgs);
}

TEST_F(Nfs2ServiceTest, RetransmittedRemoveGetsTheFirstReply) {
  ASSERT_TRUE(Create(RootOf(kRwId), "victim").ok());
  const v2::FHandle root = RootOf(kRwId);
  auto remove = [&](xdr::XdrEncoder& e) { v2::EncodeDirOpArgs(e, v2::DirOpArgs{root, "victim"}); };
  std::optional<std::vector<uint8_t>> first = Dispatch(4242, proc::kRemove, remove);
  std::optional<std::vector<uint8_t>> again = Dispatch(4242, proc::kRemove, remove);
  ASSERT_TRUE(first.has_value() && again.has_value());
  EXPECT_EQ(*first, *again);
  xdr::XdrDecoder decoder(*again);
  ASSERT_TRUE(rpc::DecodeReplyHeader(decoder).ok());
  v2::StatRes status;
  v2::DecodeStatRes(decoder, status);
  EXPECT_EQ(status.status, Nfsstat2::kOk);
  // A new call (new xid) runs again and finds nothing.
  std::optional<std::vector<uint8_t>> fresh = Dispatch(4243, proc::kRemove, remove);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_NE(*fresh, *first);
}

// v2 has no MKNOD: Linux clients send a FIFO as CREATE with S_IFCHR and the size unset, and
// other special files with their type bits; only a mode without type bits makes a regular file.
TEST_F(Nfs2ServiceTest, CreateWithTypeBitsMakesSpecialFiles) {
  const v2::FHandle root = RootOf(kRwId);
  auto create = [&](const std::string& name, uint32_t mode) {
    v2::Sattr sattr;
    sattr.mode = mode;
    return Call(proc::kCreate, v2::CreateArgs{{root, name}, sattr}, &v2::EncodeCreateArgs,
                &v2::DecodeDirOpRes);
  };
  ASSERT_TRUE(create("linux-fifo", S_IFCHR | 0640).ok());
  ASSERT_TRUE(create("fifo", S_IFIFO | 0640).ok());
  ASSERT_TRUE(create("plain", S_IFREG | 0640).ok());
  struct stat info {};
  ASSERT_EQ(lstat((base_ + "/rw/linux-fifo").c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(info.st_mode & 07777, 0640u);
  ASSERT_EQ(lstat((base_ + "/rw/fifo").c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  ASSERT_EQ(lstat((base_ + "/rw/plain").c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
}

// The call statistics count the file data v2's READ and WRITE moved (its WRITE reply has no
// count: a successful WRITE stored all it was given).
TEST_F(Nfs2ServiceTest, StatisticsCountTheBytesReadAndWritten) {
  stats::CallStatistics statistics(dispatcher_.Procedures());
  dispatcher_.set_observer(&statistics);
  const v2::DirOpRes created = Create(RootOf(kRwId), "counted");
  ASSERT_TRUE(created.ok());
  const std::string data(3000, 'x');
  v2::WriteArgs write;
  write.file = created.body->file;
  write.data =
      absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  ASSERT_TRUE(Call(proc::kWrite, write, &v2::EncodeWriteArgs, &v2::DecodeAttrStat).ok());
  v2::ReadArgs read;
  read.file = created.body->file;
  read.offset = 1000;
  read.count = 8192;
  const v2::ReadRes got = Call(proc::kRead, read, &v2::EncodeReadArgs, &v2::DecodeReadRes);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.body->data.size(), 2000u);
  const stats::CallCounters total =
      statistics.Read(/*reset=*/false, /*with_clients=*/false).Total();
  EXPECT_EQ(total.bytes_written, 3000u);
  EXPECT_EQ(total.bytes_read, 2000u);
  dispatcher_.set_observer(nullptr);
}

}  // namespace
}  // namespace nfsuite::nfs
