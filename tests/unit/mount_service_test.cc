// mountd's pieces below the RPC layer: paths, the export table, the mount list, the codec.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/nfs/export_id.h"
#include "gtest/gtest.h"
#include "service/mount/export_table.h"
#include "service/mount/mount_list.h"
#include "service/mount/mount_protocol.h"
#include "service/storage/posix_backend.h"

namespace nfsuite::mount {
namespace {

TEST(NormalizeMountPath, CanonicalFormsAndRefusals) {
  EXPECT_EQ(NormalizeMountPath("/srv/share"), "/srv/share");
  EXPECT_EQ(NormalizeMountPath("//srv///share/"), "/srv/share");
  EXPECT_EQ(NormalizeMountPath("/srv/./share/."), "/srv/share");
  EXPECT_EQ(NormalizeMountPath("/"), "/");
  EXPECT_EQ(NormalizeMountPath("srv/share"), std::nullopt);
  EXPECT_EQ(NormalizeMountPath(""), std::nullopt);
  EXPECT_EQ(NormalizeMountPath("/srv/share/../etc"), std::nullopt);
  EXPECT_EQ(NormalizeMountPath("/.."), std::nullopt);
}

class TemporaryTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/nfsuite-mount-XXXXXX";
    root_ = mkdtemp(name);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

using ExportTableTest = TemporaryTree;

absl::StatusOr<std::unique_ptr<storage::StorageBackend>> OpenPosix(const std::string& path) {
  auto backend = storage::PosixBackend::Open(path);
  if (!backend.ok()) return backend.status();
  return std::unique_ptr<storage::StorageBackend>(*std::move(backend));
}

// Entries exporting each path to everyone, as the quick --export does.
std::vector<exports::ExportEntry> Entries(const std::vector<std::string>& paths) {
  std::vector<exports::ExportEntry> entries;
  for (const std::string& path : paths) {
    exports::ExportEntry& entry = entries.emplace_back();
    entry.path = path;
    entry.clients.emplace_back();
  }
  return entries;
}

TEST_F(ExportTableTest, FindsTheDeepestExportContainingAPath) {
  if (geteuid() != 0) GTEST_SKIP() << "the POSIX backend needs root for persistent handles";
  std::filesystem::create_directories(root_ + "/a/b/c");
  absl::StatusOr<ExportTable> table =
      ExportTable::Build(Entries({root_ + "/a", root_ + "/a/b"}), &OpenPosix);
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->exports().size(), 2u);
  EXPECT_EQ(table->exports()[0].id, nfs::ExportIdForPath(root_ + "/a"));

  std::optional<ExportPath> found = table->FindContaining(root_ + "/a/b/c");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->exported->path(), root_ + "/a/b");
  EXPECT_EQ(found->components, std::vector<std::string>{"c"});
  found = table->FindContaining(root_ + "/a");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->components.empty());
  EXPECT_FALSE(table->FindContaining(root_ + "/ab").has_value()) << "a prefix is not a parent";
  EXPECT_FALSE(table->FindContaining(root_).has_value());
}

TEST_F(ExportTableTest, RefusesMissingFilesDuplicatesAndAliases) {
  if (geteuid() != 0) GTEST_SKIP() << "the POSIX backend needs root for persistent handles";
  std::filesystem::create_directories(root_ + "/dir");
  std::ofstream(root_ + "/file") << "x";
  EXPECT_FALSE(ExportTable::Build(Entries({root_ + "/missing"}), &OpenPosix).ok());
  EXPECT_FALSE(ExportTable::Build(Entries({root_ + "/file"}), &OpenPosix).ok());
  // The same directory twice, once through another spelling, is one export listed twice.
  EXPECT_FALSE(ExportTable::Build(Entries({root_ + "/dir", root_ + "//dir/."}), &OpenPosix).ok());
}

TEST_F(ExportTableTest, AliasesFsidsAndKeptBackends) {
  if (geteuid() != 0) GTEST_SKIP() << "the POSIX backend needs root for persistent handles";
  std::filesystem::create_directories(root_ + "/real/sub");
  std::filesystem::create_directories(root_ + "/other");
  std::vector<exports::ExportEntry> entries = Entries({root_ + "/real", root_ + "/other"});
  entries[0].alias = "/share";
  entries[1].fsid = 77;
  int opened = 0;
  auto counting = [&opened](const std::string& path) {
    ++opened;
    return OpenPosix(path);
  };
  absl::StatusOr<ExportTable> table = ExportTable::Build(entries, counting);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(opened, 2);
  EXPECT_EQ(table->exports()[1].id, 77u);
  ASSERT_NE(table->FindById(77), nullptr);

  std::optional<ExportPath> by_alias = table->FindContaining("/share/sub");
  ASSERT_TRUE(by_alias.has_value());
  EXPECT_EQ(by_alias->exported->path(), root_ + "/real");
  EXPECT_EQ(by_alias->components, std::vector<std::string>{"sub"});
  EXPECT_FALSE(table->FindContaining("/shared").has_value());

  // A reload keeps the backend of an unchanged export and opens only the new one.
  entries.push_back(Entries({root_ + "/real/sub"})[0]);
  absl::StatusOr<ExportTable> reloaded = ExportTable::Build(entries, counting, &*table);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(opened, 3);
  EXPECT_EQ(reloaded->exports()[0].backend, table->exports()[0].backend);

  // Two exports with one id cannot both be served.
  entries[0].fsid = 77;
  absl::StatusOr<ExportTable> clash = ExportTable::Build(entries, counting);
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("the same id"), absl::string_view::npos);
}

using MountListTest = TemporaryTree;

TEST_F(MountListTest, ChangesArePersistedAndReloaded) {
  const std::string path = root_ + "/mounts";
  {
    MountList list(path);
    ASSERT_TRUE(list.Load().ok());  // absent file: empty list
    ASSERT_TRUE(list.Add({"10.0.0.1", "/srv/a"}).ok());
    ASSERT_TRUE(list.Add({"10.0.0.1", "/srv/a"}).ok());  // a second MNT adds nothing
    ASSERT_TRUE(list.Add({"10.0.0.2", "/srv/b\twith tab"}).ok());
    ASSERT_TRUE(list.Add({"10.0.0.1", "/srv/c"}).ok());
    ASSERT_TRUE(list.Remove({"10.0.0.1", "/srv/a"}).ok());
  }
  MountList reloaded(path);
  ASSERT_TRUE(reloaded.Load().ok());
  EXPECT_EQ(reloaded.Snapshot(),
            (std::vector<MountEntry>{{"10.0.0.2", "/srv/b\twith tab"}, {"10.0.0.1", "/srv/c"}}));
  ASSERT_TRUE(reloaded.RemoveHost("10.0.0.1").ok());
  MountList again(path);
  ASSERT_TRUE(again.Load().ok());
  EXPECT_EQ(again.Snapshot().size(), 1u);
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(MountListTest, DamagedFileIsAnError) {
  const std::string path = root_ + "/mounts";
  std::ofstream(path) << "one field only\n";
  MountList list(path);
  EXPECT_TRUE(absl::IsDataLoss(list.Load()));
}

TEST(MountProtocol, RoundTrips) {
  MountResult3 ok{MountStat3::kOk, {1, 2, 3, 4, 5}, {1, 0}};
  xdr::XdrEncoder encoder;
  EncodeMountResult3(encoder, ok);
  std::vector<uint8_t> bytes = encoder.Flatten();
  // status, handle length 5 + 3 padding, 2 flavours
  EXPECT_EQ(bytes.size(), 4u + 4 + 8 + 4 + 8);
  xdr::XdrDecoder decoder(bytes);
  MountResult3 decoded;
  DecodeMountResult3(decoder, decoded);
  ASSERT_TRUE(decoder.Finish().ok());
  EXPECT_EQ(decoded.handle, ok.handle);
  EXPECT_EQ(decoded.auth_flavors, ok.auth_flavors);

  const std::vector<ExportEntry> exports = {{"/srv/a", {}}, {"/srv/b", {"host1", "*.lan"}}};
  xdr::XdrEncoder export_encoder;
  EncodeExportList(export_encoder, exports);
  bytes = export_encoder.Flatten();
  xdr::XdrDecoder export_decoder(bytes);
  std::vector<ExportEntry> decoded_exports;
  DecodeExportList(export_decoder, decoded_exports);
  ASSERT_TRUE(export_decoder.Finish().ok());
  EXPECT_EQ(decoded_exports, exports);
}

TEST(MountProtocol, VersionOneFhStatusIsAFixed32ByteHandleAndAnErrno) {
  xdr::XdrEncoder encoder;
  EncodeFhStatus(encoder, {MountStat3::kOk, {7, 8, 9}, {1}});
  std::vector<uint8_t> bytes = encoder.Flatten();
  ASSERT_EQ(bytes.size(), 4u + kVersion1HandleSize);  // no length, no flavours
  xdr::XdrDecoder decoder(bytes);
  MountResult3 decoded;
  DecodeFhStatus(decoder, decoded);
  ASSERT_TRUE(decoder.Finish().ok());
  ASSERT_EQ(decoded.handle.size(), kVersion1HandleSize);
  EXPECT_EQ(decoded.handle[0], 7);
  EXPECT_EQ(decoded.handle[3], 0);

  xdr::XdrEncoder refused;
  EncodeFhStatus(refused, {MountStat3::kAcces, {}, {}});
  EXPECT_EQ(refused.Flatten(), (std::vector<uint8_t>{0, 0, 0, 13}));
  xdr::XdrEncoder fault;  // not an errno: EIO
  EncodeFhStatus(fault, {MountStat3::kServerFault, {}, {}});
  EXPECT_EQ(fault.Flatten(), (std::vector<uint8_t>{0, 0, 0, 5}));
}

TEST(MountProtocol, FailureCarriesOnlyTheStatusAndPathsAreBounded) {
  xdr::XdrEncoder encoder;
  EncodeMountResult3(encoder, {MountStat3::kAcces, {9}, {1}});
  EXPECT_EQ(encoder.Flatten(), (std::vector<uint8_t>{0, 0, 0, 13}));

  xdr::XdrEncoder too_long;
  too_long.String(std::string(kMaxPathLength + 1, 'a'));
  const std::vector<uint8_t> bytes = too_long.Flatten();
  xdr::XdrDecoder decoder(bytes);
  std::string path;
  DecodeDirPath(decoder, path);
  EXPECT_FALSE(decoder.ok());
}

}  // namespace
}  // namespace nfsuite::mount
