// From mountd's export table to nfsd's snapshot: building (export_table_builder.h), applying and
// keeping (export_table_updater.h, export_table_store.h).
#include "service/nfs/export_table_updater.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/control.pb.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/export_table_builder.h"
#include "service/nfs/export_table_store.h"
#include "service/storage/posix_backend.h"

namespace nfsuite::nfs {
namespace {

class ExportTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = "/tmp/export-table-XXXXXX";
    ASSERT_NE(mkdtemp(name.data()), nullptr) << std::strerror(errno);
    base_ = std::filesystem::canonical(name).string();
    for (const char* dir : {"a", "b", "c"}) {
      ASSERT_EQ(mkdir((base_ + "/" + dir).c_str(), 0755), 0);
    }
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(base_, ignored);
  }

  std::string Path(const std::string& name) const { return base_ + "/" + name; }

  BackendOpener Opener() {
    return
        [this](
            const std::string& path) -> absl::StatusOr<std::shared_ptr<storage::StorageBackend>> {
          ++opened_[path];
          absl::StatusOr<std::unique_ptr<storage::PosixBackend>> backend =
              storage::PosixBackend::Open(path);
          if (!backend.ok()) return backend.status();
          return std::shared_ptr<storage::StorageBackend>(*std::move(backend));
        };
  }

  static control::v1::ExportTable TableOf(
      uint64_t generation, const std::vector<std::pair<uint32_t, std::string>>& lines) {
    control::v1::ExportTable table;
    table.set_generation(generation);
    table.set_mountd_instance("test");
    for (const auto& [id, line] : lines) {
      control::v1::ExportedDirectory* directory = table.add_exports();
      directory->set_export_id(id);
      directory->set_line(line);
    }
    return table;
  }

  std::vector<std::string> PathsOf(const ExportSnapshot& snapshot) {
    std::vector<std::string> paths;
    for (const ServedExport& exported : snapshot.exports()) paths.push_back(exported.entry.path);
    return paths;
  }

  std::string base_;
  std::map<std::string, int> opened_;
};

TEST_F(ExportTableTest, BuildsEveryExportWithItsIdRulesAndBackend) {
  const BuiltSnapshot built =
      BuildExportSnapshot(TableOf(7, {{11, Path("a") + " 10.0.0.0/8(rw,insecure) *(ro)"},
                                      {22, Path("b") + " -ro,public *(all_squash,anonuid=5)"}}),
                          nullptr, Opener());
  EXPECT_TRUE(built.problems.empty());
  const ExportSnapshot& snapshot = *built.snapshot;
  EXPECT_EQ(snapshot.generation(), 7u);
  ASSERT_EQ(PathsOf(snapshot), (std::vector<std::string>{Path("a"), Path("b")}));
  const ServedExport* a = snapshot.FindById(11);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->entry.path, Path("a"));
  ASSERT_EQ(a->entry.clients.size(), 2u);
  EXPECT_FALSE(a->entry.clients[0].options.read_only);
  EXPECT_FALSE(a->entry.clients[0].options.secure);
  ASSERT_NE(a->backend, nullptr);
  const ServedExport* b = snapshot.FindById(22);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(snapshot.Public(), b);
  EXPECT_EQ(b->entry.clients[0].options.squash, exports::SquashMode::kAll);
  EXPECT_EQ(b->entry.clients[0].options.anon_uid, 5u);
  EXPECT_EQ(snapshot.FindById(33), nullptr);
  EXPECT_EQ(snapshot.RuleFor(*a, *exports::IpAddress::Parse("10.1.2.3")), &a->entry.clients[0]);
  EXPECT_EQ(snapshot.RuleFor(*a, *exports::IpAddress::Parse("192.0.2.1")), &a->entry.clients[1]);
}

TEST_F(ExportTableTest, ABadExportIsLeftOutAndTheRestServed) {
  const BuiltSnapshot built = BuildExportSnapshot(
      TableOf(1, {{1, Path("a") + " *(rw"},                        // does not parse
                  {2, Path("b") + " *(rw)\n" + Path("c") + " *"},  // two exports in one line
                  {3, Path("missing") + " *(rw)"},                 // cannot be opened
                  {4, Path("a") + " *(rw)"},
                  {4, Path("b") + " *(rw)"},  // id taken
                  {5, Path("a") + " *(ro)"},  // path taken
                  {6, Path("b") + " *(public)"},
                  {7, Path("c") + " *(public)"}}),  // a second public export
      nullptr, Opener());
  EXPECT_EQ(built.problems.size(), 6u);
  EXPECT_EQ(PathsOf(*built.snapshot), (std::vector<std::string>{Path("a"), Path("b")}));
  EXPECT_NE(built.snapshot->FindById(4), nullptr);
  EXPECT_NE(built.snapshot->FindById(6), nullptr);
  EXPECT_EQ(built.snapshot->Public(), built.snapshot->FindById(6));
  ASSERT_FALSE(built.problems.empty());
  EXPECT_NE(built.problems[0].find("mountd export 1:1:"), std::string::npos) << built.problems[0];
}

TEST_F(ExportTableTest, UnchangedPathsKeepTheirBackends) {
  const BuiltSnapshot first = BuildExportSnapshot(
      TableOf(1, {{1, Path("a") + " *(rw)"}, {2, Path("b") + " *(rw)"}}), nullptr, Opener());
  const BuiltSnapshot second =
      BuildExportSnapshot(TableOf(2, {{9, Path("a") + " 10.0.0.1(ro)"}, {3, Path("c") + " *(rw)"}}),
                          first.snapshot.get(), Opener());
  EXPECT_EQ(second.snapshot->FindById(9)->backend, first.snapshot->FindById(1)->backend)
      << "a path still exported must keep its backend, whatever its options or id";
  EXPECT_EQ((std::map<std::string, int>{{Path("a"), 1}, {Path("b"), 1}, {Path("c"), 1}}), opened_);
}

TEST_F(ExportTableTest, TheStoreKeepsATableAtomicallyAndRefusesADamagedOne) {
  const ExportTableStore store = ExportTableStore::InStateDirectory(base_);
  EXPECT_EQ(store.path(), base_ + "/nfsd.exports-table");
  absl::StatusOr<std::optional<control::v1::ExportTable>> none = store.Load();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());

  const control::v1::ExportTable table = TableOf(3, {{1, "\"/srv/with space\" *(rw)"}});
  ASSERT_TRUE(store.Save(table).ok());
  struct stat info {};
  ASSERT_EQ(stat(store.path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  absl::StatusOr<std::optional<control::v1::ExportTable>> loaded = store.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->SerializeAsString(), table.SerializeAsString());

  std::ofstream(store.path(), std::ios::trunc) << "\xff\xff\xff garbage";
  EXPECT_EQ(store.Load().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(ExportTableTest, TheUpdaterPublishesKeepsAndReloadsTables) {
  const ExportTableStore store = ExportTableStore::InStateDirectory(base_);
  CurrentExports current;
  {
    ExportTableUpdater updater(current, Opener(), store);
    absl::StatusOr<bool> kept = updater.ServeKeptTable();
    ASSERT_TRUE(kept.ok());
    EXPECT_FALSE(*kept) << "nothing kept yet";
    EXPECT_TRUE(current.Get()->exports().empty());
    updater.Apply(TableOf(1, {{1, Path("a") + " *(rw)"}, {2, Path("b") + " *(ro)"}}));
    EXPECT_EQ(PathsOf(*current.Get()), (std::vector<std::string>{Path("a"), Path("b")}));
    updater.Apply(TableOf(2, {{2, Path("b") + " *(ro)"}}));
    EXPECT_EQ(PathsOf(*current.Get()), (std::vector<std::string>{Path("b")}));
  }
  // The next start serves what was kept, before mountd answers.
  CurrentExports restarted;
  ExportTableUpdater updater(restarted, Opener(), store);
  absl::StatusOr<bool> kept = updater.ServeKeptTable();
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_TRUE(*kept);
  EXPECT_EQ(PathsOf(*restarted.Get()), (std::vector<std::string>{Path("b")}));
  EXPECT_NE(restarted.Get()->FindById(2), nullptr);
}

TEST_F(ExportTableTest, TheSameExportsAgainAreNotBuiltAgain) {
  CurrentExports current;
  ExportTableUpdater updater(current, Opener(), std::nullopt);
  updater.Apply(TableOf(1, {{1, Path("a") + " *(rw)"}}));
  const std::shared_ptr<const ExportSnapshot> first = current.Get();
  // mountd restarted (generation 1 of another instance) or resent: the same exports.
  updater.Apply(TableOf(1, {{1, Path("a") + " *(rw)"}}));
  updater.Apply(TableOf(5, {{1, Path("a") + " *(rw)"}}));
  EXPECT_EQ(current.Get(), first);
  EXPECT_EQ(updater.snapshots_built(), 1u);
  updater.Apply(TableOf(6, {{1, Path("a") + " *(ro)"}}));
  EXPECT_NE(current.Get(), first);
  EXPECT_EQ(updater.snapshots_built(), 2u);
}

TEST_F(ExportTableTest, ATableWithAnExportLeftOutIsTriedAgain) {
  CurrentExports current;
  ExportTableUpdater updater(current, Opener(), std::nullopt);
  const control::v1::ExportTable table =
      TableOf(1, {{1, Path("a") + " *(rw)"}, {2, Path("late") + " *(rw)"}});
  updater.Apply(table);
  EXPECT_EQ(PathsOf(*current.Get()), (std::vector<std::string>{Path("a")}));
  ASSERT_EQ(mkdir(Path("late").c_str(), 0755), 0);
  updater.Apply(table);
  EXPECT_EQ(PathsOf(*current.Get()), (std::vector<std::string>{Path("a"), Path("late")}));
  EXPECT_EQ(opened_[Path("a")], 1);
}

}  // namespace
}  // namespace nfsuite::nfs
