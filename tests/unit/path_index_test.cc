#include "service/storage/path_index.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace nfsuite::storage {
namespace {

class PathIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/nfsuite-path-index-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    directory_ = name;
    log_ = directory_ + "/index";
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::unique_ptr<PathIndex> OpenIndex() {
    absl::StatusOr<std::unique_ptr<PathIndex>> index = PathIndex::Open(log_);
    EXPECT_TRUE(index.ok()) << index.status();
    return index.ok() ? *std::move(index) : nullptr;
  }

  size_t LogLines() const {
    std::ifstream in(log_);
    size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }

  std::string directory_;
  std::string log_;
};

TEST_F(PathIndexTest, RecordsFindAndForget) {
  std::unique_ptr<PathIndex> index = OpenIndex();
  EXPECT_FALSE(index->Find(7).has_value());
  index->Record(7, 2, "seven");
  ASSERT_TRUE(index->Find(7).has_value());
  EXPECT_EQ(index->Find(7)->directory, 2u);
  EXPECT_EQ(index->Find(7)->name, "seven");
  index->Record(7, 3, "moved");
  EXPECT_EQ(index->Find(7)->directory, 3u);
  EXPECT_EQ(index->Find(7)->name, "moved");
  index->Forget(7);
  EXPECT_FALSE(index->Find(7).has_value());
  EXPECT_EQ(index->size(), 0u);
}

TEST_F(PathIndexTest, SurvivesReopeningWithAnyName) {
  const std::string awkward("tab\there\nnewline \\ and \xff byte");
  {
    std::unique_ptr<PathIndex> index = OpenIndex();
    index->Record(10, 2, awkward);
    index->Record(11, 10, "child");
    index->Record(12, 2, "gone");
    index->Forget(12);
  }
  std::unique_ptr<PathIndex> reopened = OpenIndex();
  ASSERT_TRUE(reopened->Find(10).has_value());
  EXPECT_EQ(reopened->Find(10)->name, awkward);
  EXPECT_EQ(reopened->Find(11)->directory, 10u);
  EXPECT_FALSE(reopened->Find(12).has_value());
  EXPECT_EQ(reopened->size(), 2u);
}

TEST_F(PathIndexTest, RecordingWhatIsKnownWritesNothing) {
  std::unique_ptr<PathIndex> index = OpenIndex();
  index->Record(5, 2, "five");
  index->Record(5, 2, "five");
  index->Record(5, 2, "five");
  EXPECT_EQ(LogLines(), 1u);
}

TEST_F(PathIndexTest, CatchUpReadsWhatAnotherInstanceAppended) {
  std::unique_ptr<PathIndex> first = OpenIndex();
  std::unique_ptr<PathIndex> second = OpenIndex();
  second->Record(20, 2, "from-second");
  EXPECT_FALSE(first->Find(20).has_value());
  EXPECT_TRUE(first->CatchUp());
  ASSERT_TRUE(first->Find(20).has_value());
  EXPECT_EQ(first->Find(20)->name, "from-second");
  EXPECT_FALSE(first->CatchUp());  // nothing new
}

TEST_F(PathIndexTest, DamagedLinesAreSkippedAndTheRestLoads) {
  {
    std::ofstream out(log_);
    out << "+\t30\t2\tgood\n"
        << "garbage without tabs\n"
        << "+\tnot-a-number\t2\tx\n"
        << "?\t31\t2\tunknown-kind\n"
        << "+\t32\t2\tpartial-last-line";  // no newline: a record still being written
  }
  std::unique_ptr<PathIndex> index = OpenIndex();
  ASSERT_TRUE(index->Find(30).has_value());
  EXPECT_FALSE(index->Find(31).has_value());
  EXPECT_FALSE(index->Find(32).has_value());
  {
    std::ofstream out(log_, std::ios::app);
    out << "\n";  // the writer finished its record
  }
  EXPECT_TRUE(index->CatchUp());
  EXPECT_TRUE(index->Find(32).has_value());
}

TEST_F(PathIndexTest, AMostlyOutdatedLogIsCompactedAtOpen) {
  {
    std::unique_ptr<PathIndex> index = OpenIndex();
    for (int round = 0; round < 10; ++round) {
      for (uint64_t fileid = 100; fileid < 1100; ++fileid) {
        index->Record(fileid, 2, "name-" + std::to_string(round));
      }
    }
  }
  EXPECT_EQ(LogLines(), 10000u);
  std::unique_ptr<PathIndex> index = OpenIndex();
  EXPECT_EQ(LogLines(), 1000u);
  EXPECT_EQ(index->size(), 1000u);
  EXPECT_EQ(index->Find(555)->name, "name-9");
  // Appending goes on in the new log, and a fresh reader sees everything.
  index->Record(2000, 2, "after");
  EXPECT_EQ(OpenIndex()->size(), 1001u);
}

TEST_F(PathIndexTest, RetainOnlyForgetsWhatASearchDidNotMeet) {
  std::unique_ptr<PathIndex> index = OpenIndex();
  index->Record(1, 2, "a");
  index->Record(3, 2, "b");
  index->Record(4, 2, "c");
  index->RetainOnly({1, 4});
  EXPECT_TRUE(index->Find(1).has_value());
  EXPECT_FALSE(index->Find(3).has_value());
  EXPECT_TRUE(index->Find(4).has_value());
  EXPECT_EQ(OpenIndex()->size(), 2u);
}

TEST_F(PathIndexTest, InMemoryOnlyWithoutAFile) {
  absl::StatusOr<std::unique_ptr<PathIndex>> index = PathIndex::Open("");
  ASSERT_TRUE(index.ok());
  (*index)->Record(1, 2, "a");
  EXPECT_TRUE((*index)->Find(1).has_value());
  EXPECT_FALSE((*index)->CatchUp());
}

TEST_F(PathIndexTest, AnUnwritableLocationIsAClearError) {
  absl::StatusOr<std::unique_ptr<PathIndex>> index =
      PathIndex::Open(directory_ + "/missing-directory/index");
  ASSERT_FALSE(index.ok());
  EXPECT_NE(index.status().message().find("cannot open the path index"), absl::string_view::npos);
}

}  // namespace
}  // namespace nfsuite::storage
