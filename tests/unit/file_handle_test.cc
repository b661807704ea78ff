#include "common/nfs/file_handle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "gtest/gtest.h"

namespace nfsuite::nfs {
namespace {

HandleKey KeyOf(uint8_t fill) {
  std::array<uint8_t, HandleKey::kSize> bytes;
  bytes.fill(fill);
  return HandleKey::FromBytes(bytes);
}

HandleContents Sample(size_t object_size = 8) {
  HandleContents contents;
  contents.export_id = 0x01020304;
  contents.object_kind = 1;
  for (size_t i = 0; i < object_size; ++i) contents.object.push_back(static_cast<uint8_t>(i * 7));
  return contents;
}

TEST(FileHandleCodec, RoundTripsInBothSizes) {
  const FileHandleCodec codec(KeyOf(1));
  for (size_t max_size : {kNfs3MaxHandleSize, kNfs2HandleSize}) {
    absl::StatusOr<std::vector<uint8_t>> handle = codec.Encode(Sample(), max_size);
    ASSERT_TRUE(handle.ok()) << handle.status();
    EXPECT_LE(handle->size(), max_size);
    const auto decoded = codec.Decode(*handle);
    ASSERT_TRUE(std::holds_alternative<HandleContents>(decoded));
    EXPECT_EQ(std::get<HandleContents>(decoded), Sample());
  }
  EXPECT_EQ(codec.Encode(Sample(), kNfs2HandleSize)->size(), kNfs2HandleSize);  // fixed in v2
  EXPECT_EQ(codec.Encode(Sample(), kNfs3MaxHandleSize)->size(), 28u);           // 8 + 8 + 12
}

TEST(FileHandleCodec, ObjectSizeLimitsPerVersion) {
  const FileHandleCodec codec(KeyOf(1));
  EXPECT_TRUE(codec.Encode(Sample(44), kNfs3MaxHandleSize).ok());
  EXPECT_TRUE(absl::IsOutOfRange(codec.Encode(Sample(45), kNfs3MaxHandleSize).status()));
  EXPECT_TRUE(codec.Encode(Sample(12), kNfs2HandleSize).ok());
  EXPECT_TRUE(absl::IsOutOfRange(codec.Encode(Sample(13), kNfs2HandleSize).status()));
}

TEST(FileHandleCodec, EveryFlippedBitIsRefused) {
  const FileHandleCodec codec(KeyOf(1));
  for (size_t max_size : {kNfs3MaxHandleSize, kNfs2HandleSize}) {
    const std::vector<uint8_t> handle = *codec.Encode(Sample(), max_size);
    for (size_t byte = 0; byte < handle.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        std::vector<uint8_t> forged = handle;
        forged[byte] ^= static_cast<uint8_t>(1 << bit);
        EXPECT_TRUE(std::holds_alternative<HandleError>(codec.Decode(forged)))
            << "byte " << byte << " bit " << bit << " of a " << handle.size() << "-byte handle";
      }
    }
  }
}

TEST(FileHandleCodec, AnotherExportsIdCannotBeSubstituted) {
  const FileHandleCodec codec(KeyOf(1));
  std::vector<uint8_t> handle = *codec.Encode(Sample(), kNfs3MaxHandleSize);
  handle[7] = 0x05;  // export 0x01020305: the MAC no longer matches
  const auto decoded = codec.Decode(handle);
  ASSERT_TRUE(std::holds_alternative<HandleError>(decoded));
  EXPECT_EQ(std::get<HandleError>(decoded), HandleError::kStale);
}

TEST(FileHandleCodec, HandlesFromAnotherKeyAreStale) {
  const std::vector<uint8_t> handle = *FileHandleCodec(KeyOf(1)).Encode(Sample(), 64);
  const auto decoded = FileHandleCodec(KeyOf(2)).Decode(handle);
  ASSERT_TRUE(std::holds_alternative<HandleError>(decoded));
  EXPECT_EQ(std::get<HandleError>(decoded), HandleError::kStale);
}

TEST(FileHandleCodec, MalformedHandlesAreBad) {
  const FileHandleCodec codec(KeyOf(1));
  const std::vector<uint8_t> good = *codec.Encode(Sample(), kNfs3MaxHandleSize);
  auto expect_bad = [&](std::vector<uint8_t> handle, const char* what) {
    const auto decoded = codec.Decode(handle);
    ASSERT_TRUE(std::holds_alternative<HandleError>(decoded)) << what;
    EXPECT_EQ(std::get<HandleError>(decoded), HandleError::kBadHandle) << what;
  };
  expect_bad({}, "empty");
  expect_bad(std::vector<uint8_t>(good.begin(), good.end() - 1), "truncated");
  expect_bad(std::vector<uint8_t>(65, 0), "longer than 64 bytes");
  std::vector<uint8_t> version = good;
  version[0] = 2;
  expect_bad(version, "unknown format version");
  std::vector<uint8_t> length = good;
  length[2] = 200;
  expect_bad(length, "object length past the end");
  std::vector<uint8_t> padded = good;
  padded.push_back(0);
  expect_bad(padded, "padding outside the fixed v2 size");
  std::vector<uint8_t> v2 = *codec.Encode(Sample(), kNfs2HandleSize);
  v2.back() = 1;
  expect_bad(v2, "non-zero v2 padding");
}

class HandleKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/nfsuite-key-XXXXXX";
    directory_ = mkdtemp(name);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string key_path() const { return directory_ + "/" + HandleKey::kFileName; }

  std::string directory_;
};

TEST_F(HandleKeyTest, CreatedPrivateAndReloadedIdentical) {
  absl::StatusOr<HandleKey> created = HandleKey::LoadOrCreate(directory_);
  ASSERT_TRUE(created.ok()) << created.status();
  struct stat info {};
  ASSERT_EQ(stat(key_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_size, static_cast<off_t>(HandleKey::kSize));
  absl::StatusOr<HandleKey> reloaded = HandleKey::LoadOrCreate(directory_);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(created->bytes(), reloaded->bytes());
  // A handle made before a "restart" verifies after it.
  const std::vector<uint8_t> handle = *FileHandleCodec(*created).Encode(Sample(), 64);
  EXPECT_TRUE(std::holds_alternative<HandleContents>(FileHandleCodec(*reloaded).Decode(handle)));
}

TEST_F(HandleKeyTest, KeysDifferBetweenServers) {
  const HandleKey first = *HandleKey::LoadOrCreate(directory_);
  std::filesystem::remove(key_path());
  EXPECT_NE(first.bytes(), HandleKey::LoadOrCreate(directory_)->bytes());
}

TEST_F(HandleKeyTest, ConcurrentCreatorsAgreeOnOneKey) {
  std::vector<std::array<uint8_t, HandleKey::kSize>> keys(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] { keys[i] = HandleKey::LoadOrCreate(directory_)->bytes(); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& key : keys) EXPECT_EQ(key, keys[0]);
}

TEST_F(HandleKeyTest, KeyReadableByOthersIsRefused) {
  ASSERT_TRUE(HandleKey::LoadOrCreate(directory_).ok());
  chmod(key_path().c_str(), 0644);
  absl::StatusOr<HandleKey> loaded = HandleKey::LoadOrCreate(directory_);
  EXPECT_TRUE(absl::IsPermissionDenied(loaded.status())) << loaded.status();
}

TEST_F(HandleKeyTest, DamagedKeyIsRefused) {
  std::ofstream(key_path()) << "short";
  chmod(key_path().c_str(), 0600);
  absl::StatusOr<HandleKey> loaded = HandleKey::LoadOrCreate(directory_);
  EXPECT_TRUE(absl::IsDataLoss(loaded.status())) << loaded.status();
}

}  // namespace
}  // namespace nfsuite::nfs
