// nfsd driven by libnfs, a real NFSv3 client: it finds mountd and nfsd through the portmapper on
// port 111 as any client does. Every effect is checked on the exported directory itself.
#include <fcntl.h>
#include <nfsc/libnfs.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tests/integration/libnfs_client.h"
#include "tests/integration/nfs_server_fixture.h"
#include "tests/integration/test_support.h"

namespace nfsuite::testing {
namespace {

constexpr uint32_t kNobody = 65534;  // where nfsd squashes root by default

struct stat ServerStat(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(lstat(path.c_str(), &info), 0) << path << ": " << std::strerror(errno);
  return info;
}

// Deterministic pseudo-random bytes: chunk `index` of the stream seeded by `seed` (splitmix64).
void FillChunk(uint64_t seed, uint64_t index, std::vector<char>& chunk) {
  uint64_t state = seed ^ (index * 0xd1b54a32d192ed03ULL);
  for (size_t i = 0; i + 8 <= chunk.size(); i += 8) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    std::memcpy(chunk.data() + i, &z, sizeof(z));
  }
}

size_t HashOf(const std::vector<char>& bytes, size_t size) {
  return std::hash<std::string_view>()(std::string_view(bytes.data(), size));
}

class NfsdLibnfsTest : public NfsServerTest {
 protected:
  std::unique_ptr<LibnfsClient> MountAs(int uid, int gid) {
    std::string error;
    std::unique_ptr<LibnfsClient> client = LibnfsClient::Mount(export_dir(), uid, gid, &error);
    EXPECT_NE(client, nullptr) << error << "\n--- mountd log:\n"
                               << (mountd_ ? mountd_->Log() : "") << "\n--- nfsd log:\n"
                               << (nfsd_ ? nfsd_->Log() : "");
    return client;
  }
  // Tests run as root; client root is squashed to nobody, who may write only here then.
  void OpenExportToEveryone() { ASSERT_EQ(chmod(export_dir().c_str(), 0777), 0); }
  std::string ServerPath(const std::string& relative) const {
    return export_dir() + "/" + relative;
  }
  // A file created through the server's own filesystem, owned by `uid`:`gid` with `mode`.
  void MakeServerFile(const std::string& relative, const std::string& contents, uid_t uid = 0,
                      gid_t gid = 0, mode_t mode = 0644) {
    const std::string path = ServerPath(relative);
    WriteServerFile(path, contents);
    ASSERT_EQ(chown(path.c_str(), uid, gid), 0);
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
  }
};

TEST_F(NfsdLibnfsTest, CreateWriteAndReadBack) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  const std::string text = "hello through nfsd\n";

  nfsfh* raw = nullptr;
  ASSERT_EQ(nfs_creat(nfs, "/hello.txt", 0644, &raw), 0) << client->Error();
  LibnfsFile file(nfs, raw);
  ASSERT_EQ(PwriteAll(nfs, file.get(), 0, text.data(), text.size()), 0) << client->Error();
  ASSERT_EQ(file.Close(), 0) << client->Error();
  EXPECT_EQ(ReadServerFile(ServerPath("hello.txt")), text);

  ASSERT_EQ(nfs_open2(nfs, "/hello.txt", O_RDONLY, 0, &raw), 0) << client->Error();
  LibnfsFile reading(nfs, raw);
  std::vector<char> buffer(4096);
  const int64_t count = PreadAll(nfs, reading.get(), 0, buffer.data(), buffer.size());
  ASSERT_EQ(count, static_cast<int64_t>(text.size())) << client->Error();
  EXPECT_EQ(std::string(buffer.data(), count), text);
  // A read in the middle and one past the end.
  ASSERT_EQ(nfs_pread(nfs, reading.get(), 6, 7, buffer.data()), 7) << client->Error();
  EXPECT_EQ(std::string(buffer.data(), 7), "through");
  EXPECT_EQ(nfs_pread(nfs, reading.get(), 1000, 10, buffer.data()), 0);

  // Error paths: a missing file, and an exclusive create of an existing one.
  EXPECT_EQ(nfs_open2(nfs, "/no-such-file", O_RDONLY, 0, &raw), -ENOENT);
  EXPECT_EQ(nfs_open2(nfs, "/hello.txt", O_CREAT | O_EXCL | O_WRONLY, 0644, &raw), -EEXIST);
  EXPECT_EQ(nfs_creat(nfs, "/no-such-dir/file", 0644, &raw), -ENOENT);
  EXPECT_EQ(ReadServerFile(ServerPath("hello.txt")), text) << "the failed calls changed the file";
}

TEST_F(NfsdLibnfsTest, A256MiBFileOfRandomBytesRoundTripsIdentically) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  constexpr size_t kChunk = 1 << 20;
  constexpr size_t kChunks = 256;
  constexpr uint64_t kSeed = 0x6e667375697465ULL;
  std::vector<char> chunk(kChunk);
  std::vector<size_t> expected(kChunks);

  nfsfh* raw = nullptr;
  ASSERT_EQ(nfs_creat(nfs, "/big.bin", 0644, &raw), 0) << client->Error();
  {
    LibnfsFile file(nfs, raw);
    for (size_t i = 0; i < kChunks; ++i) {
      FillChunk(kSeed, i, chunk);
      expected[i] = HashOf(chunk, kChunk);
      ASSERT_EQ(PwriteAll(nfs, file.get(), i * kChunk, chunk.data(), kChunk), 0)
          << "chunk " << i << ": " << client->Error();
    }
    ASSERT_EQ(file.Close(), 0) << client->Error();
  }
  ASSERT_NE(expected[0], expected[1]) << "the generator repeats itself";

  // On the server's disk.
  const std::string path = ServerPath("big.bin");
  EXPECT_EQ(ServerStat(path).st_size, static_cast<off_t>(kChunk * kChunks));
  {
    std::ifstream in(path, std::ios::binary);
    for (size_t i = 0; i < kChunks; ++i) {
      in.read(chunk.data(), kChunk);
      ASSERT_EQ(in.gcount(), static_cast<std::streamsize>(kChunk)) << "server file, chunk " << i;
      ASSERT_EQ(HashOf(chunk, kChunk), expected[i]) << "server file differs in chunk " << i;
    }
  }

  // Read back through nfsd.
  ASSERT_EQ(nfs_open2(nfs, "/big.bin", O_RDONLY, 0, &raw), 0) << client->Error();
  LibnfsFile file(nfs, raw);
  for (size_t i = 0; i < kChunks; ++i) {
    std::fill(chunk.begin(), chunk.end(), 0);
    ASSERT_EQ(PreadAll(nfs, file.get(), i * kChunk, chunk.data(), kChunk),
              static_cast<int64_t>(kChunk))
        << "chunk " << i << ": " << client->Error();
    ASSERT_EQ(HashOf(chunk, kChunk), expected[i]) << "read back differs in chunk " << i;
  }
  EXPECT_EQ(nfs_pread(nfs, file.get(), kChunk * kChunks, kChunk, chunk.data()), 0);
}

TEST_F(NfsdLibnfsTest, StatMatchesTheServersOwnStat) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  nfsfh* raw = nullptr;
  ASSERT_EQ(nfs_creat(nfs, "/file", 0640, &raw), 0) << client->Error();
  {
    LibnfsFile file(nfs, raw);
    const std::string data(12345, 'x');
    ASSERT_EQ(PwriteAll(nfs, file.get(), 0, data.data(), data.size()), 0) << client->Error();
  }
  ASSERT_EQ(nfs_mkdir(nfs, "/dir"), 0) << client->Error();
  MakeServerFile("dir/inner", "abc", 1001, 1002, 0604);
  ASSERT_EQ(link(ServerPath("dir/inner").c_str(), ServerPath("dir/inner2").c_str()), 0);

  for (const char* name : {"file", "dir", "dir/inner", ""}) {
    SCOPED_TRACE(std::string("path /") + name);
    struct nfs_stat_64 remote {};
    ASSERT_EQ(nfs_stat64(nfs, (std::string("/") + name).c_str(), &remote), 0) << client->Error();
    const struct stat local = ServerStat(name[0] == '\0' ? export_dir() : ServerPath(name));
    EXPECT_EQ(remote.nfs_size, static_cast<uint64_t>(local.st_size));
    EXPECT_EQ(remote.nfs_mode, static_cast<uint64_t>(local.st_mode));
    EXPECT_EQ(remote.nfs_uid, local.st_uid);
    EXPECT_EQ(remote.nfs_gid, local.st_gid);
    EXPECT_EQ(remote.nfs_nlink, local.st_nlink);
    EXPECT_EQ(remote.nfs_ino, local.st_ino);
    EXPECT_EQ(remote.nfs_mtime, static_cast<uint64_t>(local.st_mtim.tv_sec));
    EXPECT_EQ(remote.nfs_mtime_nsec, static_cast<uint64_t>(local.st_mtim.tv_nsec));
    EXPECT_EQ(remote.nfs_ctime, static_cast<uint64_t>(local.st_ctim.tv_sec));
  }
  // What was asked for, as the server stored it.
  EXPECT_EQ(ServerStat(ServerPath("file")).st_size, 12345);
  EXPECT_EQ(ServerStat(ServerPath("file")).st_mode & 07777, 0640u);
  EXPECT_EQ(ServerStat(ServerPath("dir/inner")).st_nlink, 2u);
  struct nfs_stat_64 missing {};
  EXPECT_EQ(nfs_stat64(nfs, "/no-such-file", &missing), -ENOENT);
}

TEST_F(NfsdLibnfsTest, MkdirAndRmdir) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  ASSERT_EQ(nfs_mkdir(nfs, "/dir"), 0) << client->Error();
  const struct stat made = ServerStat(ServerPath("dir"));
  EXPECT_TRUE(S_ISDIR(made.st_mode));
  EXPECT_EQ(made.st_uid, 1000u);
  EXPECT_EQ(nfs_mkdir(nfs, "/dir"), -EEXIST);
  ASSERT_EQ(nfs_mkdir(nfs, "/dir/sub"), 0) << client->Error();
  EXPECT_TRUE(S_ISDIR(ServerStat(ServerPath("dir/sub")).st_mode));

  EXPECT_EQ(nfs_rmdir(nfs, "/dir"), -ENOTEMPTY) << client->Error();
  EXPECT_TRUE(ServerPathExists(ServerPath("dir/sub")));
  ASSERT_EQ(nfs_rmdir(nfs, "/dir/sub"), 0) << client->Error();
  EXPECT_FALSE(ServerPathExists(ServerPath("dir/sub")));
  MakeServerFile("dir/file", "x", 1000, 1000);
  EXPECT_EQ(nfs_rmdir(nfs, "/dir"), -ENOTEMPTY);
  EXPECT_EQ(nfs_rmdir(nfs, "/dir/file"), -ENOTDIR);
  ASSERT_EQ(unlink(ServerPath("dir/file").c_str()), 0);
  ASSERT_EQ(nfs_rmdir(nfs, "/dir"), 0) << client->Error();
  EXPECT_FALSE(ServerPathExists(ServerPath("dir")));
  EXPECT_EQ(nfs_rmdir(nfs, "/dir"), -ENOENT);
}

TEST_F(NfsdLibnfsTest, Unlink) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  MakeServerFile("victim", "data", 1000, 1000);
  ASSERT_EQ(nfs_unlink(nfs, "/victim"), 0) << client->Error();
  EXPECT_FALSE(ServerPathExists(ServerPath("victim")));
  EXPECT_EQ(nfs_unlink(nfs, "/victim"), -ENOENT);
  EXPECT_EQ(nfs_unlink(nfs, "/never-existed"), -ENOENT);
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0777), 0);
  EXPECT_NE(nfs_unlink(nfs, "/dir"), 0) << "REMOVE took a directory";
  EXPECT_TRUE(ServerPathExists(ServerPath("dir")));
}

TEST_F(NfsdLibnfsTest, RenameOverAnExistingFileReplacesIt) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  MakeServerFile("old", "old contents", 1000, 1000);
  MakeServerFile("target", "target contents", 1000, 1000);
  const ino_t old_inode = ServerStat(ServerPath("old")).st_ino;
  ASSERT_EQ(nfs_rename(nfs, "/old", "/target"), 0) << client->Error();
  EXPECT_FALSE(ServerPathExists(ServerPath("old")));
  EXPECT_EQ(ReadServerFile(ServerPath("target")), "old contents");
  EXPECT_EQ(ServerStat(ServerPath("target")).st_ino, old_inode);
  struct nfs_stat_64 remote {};
  EXPECT_EQ(nfs_stat64(nfs, "/old", &remote), -ENOENT);
  ASSERT_EQ(nfs_stat64(nfs, "/target", &remote), 0) << client->Error();
  EXPECT_EQ(remote.nfs_ino, old_inode);
  EXPECT_EQ(nfs_rename(nfs, "/old", "/elsewhere"), -ENOENT);
}

TEST_F(NfsdLibnfsTest, RenameAcrossDirectories) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  ASSERT_EQ(nfs_mkdir(nfs, "/from"), 0) << client->Error();
  ASSERT_EQ(nfs_mkdir(nfs, "/to"), 0) << client->Error();
  MakeServerFile("from/file", "moving", 1000, 1000);
  const ino_t inode = ServerStat(ServerPath("from/file")).st_ino;
  ASSERT_EQ(nfs_rename(nfs, "/from/file", "/to/renamed"), 0) << client->Error();
  EXPECT_FALSE(ServerPathExists(ServerPath("from/file")));
  EXPECT_EQ(ReadServerFile(ServerPath("to/renamed")), "moving");
  EXPECT_EQ(ServerStat(ServerPath("to/renamed")).st_ino, inode);
  // A whole directory moves too, but never into itself.
  ASSERT_EQ(nfs_rename(nfs, "/to", "/from/to"), 0) << client->Error();
  EXPECT_EQ(ReadServerFile(ServerPath("from/to/renamed")), "moving");
  EXPECT_EQ(nfs_rename(nfs, "/from", "/from/to/inside"), -EINVAL);
  EXPECT_TRUE(ServerPathExists(ServerPath("from/to/renamed")));
}

TEST_F(NfsdLibnfsTest, HardLinkRaisesTheLinkCount) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  MakeServerFile("original", "shared", 1000, 1000);
  ASSERT_EQ(ServerStat(ServerPath("original")).st_nlink, 1u);
  ASSERT_EQ(nfs_link(nfs, "/original", "/second"), 0) << client->Error();
  EXPECT_EQ(ServerStat(ServerPath("original")).st_nlink, 2u);
  EXPECT_EQ(ServerStat(ServerPath("second")).st_ino, ServerStat(ServerPath("original")).st_ino);
  struct nfs_stat_64 remote {};
  ASSERT_EQ(nfs_stat64(nfs, "/second", &remote), 0) << client->Error();
  EXPECT_EQ(remote.nfs_nlink, 2u);
  EXPECT_EQ(nfs_link(nfs, "/original", "/second"), -EEXIST);
  EXPECT_EQ(nfs_link(nfs, "/missing", "/third"), -ENOENT);
  ASSERT_EQ(mkdir(ServerPath("dir").c_str(), 0777), 0);
  EXPECT_NE(nfs_link(nfs, "/dir", "/dir-link"), 0) << "a hard link to a directory";
  EXPECT_FALSE(ServerPathExists(ServerPath("dir-link")));
}

TEST_F(NfsdLibnfsTest, SymlinkAndReadlinkRoundTrip) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  const std::string target = "../some/where/not-resolved";
  ASSERT_EQ(nfs_symlink(nfs, target.c_str(), "/link"), 0) << client->Error();
  const struct stat info = ServerStat(ServerPath("link"));
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(info.st_uid, 1000u);
  char server_target[256] = {};
  ASSERT_EQ(readlink(ServerPath("link").c_str(), server_target, sizeof(server_target) - 1),
            static_cast<ssize_t>(target.size()));
  EXPECT_EQ(std::string(server_target), target);

  char buffer[256] = {};
  ASSERT_EQ(nfs_readlink(nfs, "/link", buffer, sizeof(buffer)), 0) << client->Error();
  EXPECT_EQ(std::string(buffer), target);
  // A link the server made reads back the same way.
  ASSERT_EQ(symlink("/absolute/target", ServerPath("server-link").c_str()), 0);
  std::memset(buffer, 0, sizeof(buffer));
  ASSERT_EQ(nfs_readlink(nfs, "/server-link", buffer, sizeof(buffer)), 0) << client->Error();
  EXPECT_EQ(std::string(buffer), "/absolute/target");

  EXPECT_EQ(nfs_symlink(nfs, "x", "/link"), -EEXIST);
  MakeServerFile("plain", "not a link", 1000, 1000);
  EXPECT_EQ(nfs_readlink(nfs, "/plain", buffer, sizeof(buffer)), -EINVAL);
}

TEST_F(NfsdLibnfsTest, MknodMakesAFifo) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  ASSERT_EQ(nfs_mknod(nfs, "/fifo", S_IFIFO | 0640, 0), 0) << client->Error();
  const struct stat info = ServerStat(ServerPath("fifo"));
  EXPECT_TRUE(S_ISFIFO(info.st_mode)) << std::oct << info.st_mode;
  EXPECT_EQ(info.st_mode & 07777, 0640u);
  EXPECT_EQ(info.st_uid, 1000u);
  EXPECT_EQ(nfs_mknod(nfs, "/fifo", S_IFIFO | 0640, 0), -EEXIST);
  // A device needs CAP_MKNOD, which no NFS caller has (uid 1000 here).
  EXPECT_EQ(nfs_mknod(nfs, "/null", S_IFCHR | 0600, makedev(1, 3)), -EPERM);
  EXPECT_FALSE(ServerPathExists(ServerPath("null")));
}

TEST_F(NfsdLibnfsTest, ChmodAndChown) {
  OpenExportToEveryone();
  auto owner = MountAs(1000, 1000);
  ASSERT_NE(owner, nullptr);
  MakeServerFile("file", "x", 1000, 1000, 0644);
  ASSERT_EQ(nfs_chmod(owner->get(), "/file", 0600), 0) << owner->Error();
  EXPECT_EQ(ServerStat(ServerPath("file")).st_mode & 07777, 0600u);
  // Only the owner changes the mode.
  auto other = MountAs(1001, 1001);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(nfs_chmod(other->get(), "/file", 0666), -EPERM);
  EXPECT_EQ(ServerStat(ServerPath("file")).st_mode & 07777, 0600u);

  // Giving a file away needs CAP_CHOWN, which no NFS caller has: not the owner...
  EXPECT_EQ(nfs_chown(owner->get(), "/file", 1001, 1001), -EPERM);
  // ...and not client root, squashed to nobody (here even on nobody's own file).
  auto root = MountAs(0, 0);
  ASSERT_NE(root, nullptr);
  nfsfh* raw = nullptr;
  ASSERT_EQ(nfs_creat(root->get(), "/roots", 0644, &raw), 0) << root->Error();
  LibnfsFile(root->get(), raw).Close();
  ASSERT_EQ(ServerStat(ServerPath("roots")).st_uid, kNobody);
  EXPECT_EQ(nfs_chown(root->get(), "/roots", 0, 0), -EPERM);
  EXPECT_EQ(nfs_chown(root->get(), "/file", 0, 0), -EPERM);
  EXPECT_EQ(ServerStat(ServerPath("file")).st_uid, 1000u);
  EXPECT_EQ(ServerStat(ServerPath("file")).st_gid, 1000u);
  EXPECT_EQ(ServerStat(ServerPath("roots")).st_uid, kNobody);
  // Changing to what it already is stays allowed for the owner.
  EXPECT_EQ(nfs_chown(owner->get(), "/file", 1000, 1000), 0) << owner->Error();
  EXPECT_EQ(nfs_chmod(owner->get(), "/missing", 0600), -ENOENT);
}

TEST_F(NfsdLibnfsTest, Truncate) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  MakeServerFile("file", "0123456789abcdefghij", 1000, 1000);
  ASSERT_EQ(nfs_truncate(nfs, "/file", 10), 0) << client->Error();
  EXPECT_EQ(ReadServerFile(ServerPath("file")), "0123456789");
  ASSERT_EQ(nfs_truncate(nfs, "/file", 5000), 0) << client->Error();
  const std::string extended = ReadServerFile(ServerPath("file"));
  ASSERT_EQ(extended.size(), 5000u);
  EXPECT_EQ(extended.substr(0, 10), "0123456789");
  EXPECT_EQ(extended.substr(10), std::string(4990, '\0'));
  ASSERT_EQ(nfs_truncate(nfs, "/file", 0), 0) << client->Error();
  EXPECT_EQ(ServerStat(ServerPath("file")).st_size, 0);
  EXPECT_EQ(nfs_truncate(nfs, "/missing", 0), -ENOENT);
  // Someone without write permission cannot.
  MakeServerFile("readonly", "keep", 1001, 1001, 0644);
  EXPECT_EQ(nfs_truncate(nfs, "/readonly", 0), -EACCES);
  EXPECT_EQ(ReadServerFile(ServerPath("readonly")), "keep");
}

TEST_F(NfsdLibnfsTest, Utimes) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  MakeServerFile("file", "x", 1000, 1000);
  struct timeval times[2] = {{1000000000, 250000}, {1234567890, 500000}};  // atime, mtime
  ASSERT_EQ(nfs_utimes(nfs, "/file", times), 0) << client->Error();
  const struct stat info = ServerStat(ServerPath("file"));
  EXPECT_EQ(info.st_atim.tv_sec, 1000000000);
  EXPECT_EQ(info.st_atim.tv_nsec, 250000000);
  EXPECT_EQ(info.st_mtim.tv_sec, 1234567890);
  EXPECT_EQ(info.st_mtim.tv_nsec, 500000000);
  struct nfs_stat_64 remote {};
  ASSERT_EQ(nfs_stat64(nfs, "/file", &remote), 0) << client->Error();
  EXPECT_EQ(remote.nfs_mtime, 1234567890u);
  EXPECT_EQ(remote.nfs_mtime_nsec, 500000000u);
  EXPECT_EQ(remote.nfs_atime, 1000000000u);
  // Setting explicit times is the owner's right only.
  MakeServerFile("others", "x", 1001, 1001, 0666);
  EXPECT_EQ(nfs_utimes(nfs, "/others", times), -EPERM);
  EXPECT_NE(ServerStat(ServerPath("others")).st_mtim.tv_sec, 1234567890);
}

TEST_F(NfsdLibnfsTest, StatvfsDescribesTheExportedFilesystem) {
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  struct nfs_statvfs_64 remote {};
  ASSERT_EQ(nfs_statvfs64(client->get(), "/", &remote), 0) << client->Error();
  struct statvfs local {};
  ASSERT_EQ(statvfs(export_dir().c_str(), &local), 0);
  ASSERT_GT(remote.f_frsize, 0u);
  const uint64_t remote_total = remote.f_blocks * remote.f_frsize;
  const uint64_t local_total = static_cast<uint64_t>(local.f_blocks) * local.f_frsize;
  EXPECT_LE(local_total - remote_total, remote.f_frsize)
      << "total bytes: nfs " << remote_total << ", server " << local_total;
  EXPECT_GE(local_total, remote_total);
  EXPECT_EQ(remote.f_files, local.f_files);
  EXPECT_GT(remote.f_bfree, 0u);
  EXPECT_LE(remote.f_bavail, remote.f_bfree);
  EXPECT_LE(remote.f_bfree, remote.f_blocks);
  EXPECT_LE(remote.f_ffree, remote.f_files);
}

TEST_F(NfsdLibnfsTest, TenThousandFilesAreListedExactlyOnceThenRemoved) {
  // libnfs 4.0 has no nfs_set_readdir_max_buffer_size to shrink its pages; its READDIRPLUS
  // replies are a few KiB, so 10 000 entries with long names still take many of them.
  constexpr int kFiles = 10000;
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  ASSERT_EQ(nfs_mkdir(nfs, "/many"), 0) << client->Error();
  std::vector<std::string> names;
  for (int i = 0; i < kFiles; ++i)
    names.push_back(absl::StrFormat("file-%05d-with-a-longer-name", i));
  for (const std::string& name : names) {
    nfsfh* raw = nullptr;
    ASSERT_EQ(nfs_creat(nfs, ("/many/" + name).c_str(), 0644, &raw), 0)
        << name << ": " << client->Error();
    ASSERT_EQ(nfs_close(nfs, raw), 0) << client->Error();
  }

  nfsdir* dir = nullptr;
  ASSERT_EQ(nfs_opendir(nfs, "/many", &dir), 0) << client->Error();
  std::map<std::string, int> seen;
  std::map<std::string, uint64_t> inodes;
  for (nfsdirent* entry = nfs_readdir(nfs, dir); entry != nullptr; entry = nfs_readdir(nfs, dir)) {
    const std::string name = entry->name;
    if (name == "." || name == "..") continue;
    ++seen[name];
    inodes[name] = entry->inode;
  }
  nfs_closedir(nfs, dir);
  EXPECT_EQ(seen.size(), names.size());
  int mismatched = 0;
  for (const std::string& name : names) {
    const auto found = seen.find(name);
    if (found == seen.end()) {
      if (++mismatched <= 10) ADD_FAILURE() << name << " was not listed";
    } else if (found->second != 1) {
      if (++mismatched <= 10) ADD_FAILURE() << name << " was listed " << found->second << " times";
    } else if (inodes[name] != ServerStat(ServerPath("many/" + name)).st_ino) {
      if (++mismatched <= 10) ADD_FAILURE() << name << " was listed with the wrong fileid";
    }
  }
  EXPECT_EQ(mismatched, 0);

  for (const std::string& name : names) {
    ASSERT_EQ(nfs_unlink(nfs, ("/many/" + name).c_str()), 0) << name << ": " << client->Error();
  }
  ASSERT_EQ(nfs_opendir(nfs, "/many", &dir), 0) << client->Error();
  int left = 0;
  for (nfsdirent* entry = nfs_readdir(nfs, dir); entry != nullptr; entry = nfs_readdir(nfs, dir)) {
    const std::string name = entry->name;
    if (name != "." && name != "..") ++left;
  }
  nfs_closedir(nfs, dir);
  EXPECT_EQ(left, 0);
  ASSERT_EQ(nfs_rmdir(nfs, "/many"), 0) << client->Error();
  EXPECT_FALSE(ServerPathExists(ServerPath("many")));
}

TEST_F(NfsdLibnfsTest, FilesCreatedByAUserAreOwnedByThatUser) {
  OpenExportToEveryone();
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  nfsfh* raw = nullptr;
  ASSERT_EQ(nfs_creat(nfs, "/mine", 0644, &raw), 0) << client->Error();
  ASSERT_EQ(nfs_close(nfs, raw), 0);
  ASSERT_EQ(nfs_mkdir(nfs, "/mydir"), 0) << client->Error();
  ASSERT_EQ(nfs_symlink(nfs, "mine", "/mylink"), 0) << client->Error();
  for (const char* name : {"mine", "mydir", "mylink"}) {
    const struct stat info = ServerStat(ServerPath(name));
    EXPECT_EQ(info.st_uid, 1000u) << name;
    EXPECT_EQ(info.st_gid, 1000u) << name;
  }
}

TEST_F(NfsdLibnfsTest, AUserCannotOpenAnotherUsersPrivateFile) {
  MakeServerFile("secret", "for 1001 only", 1001, 1001, 0600);
  auto client = MountAs(1000, 1000);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  nfsfh* raw = nullptr;
  EXPECT_EQ(nfs_open2(nfs, "/secret", O_RDONLY, 0, &raw), -EACCES) << client->Error();
  EXPECT_EQ(nfs_open2(nfs, "/secret", O_WRONLY, 0, &raw), -EACCES) << client->Error();
  // The export root is root's 0755: no one else creates or removes anything in it.
  EXPECT_EQ(nfs_unlink(nfs, "/secret"), -EACCES);
  EXPECT_EQ(nfs_creat(nfs, "/new", 0644, &raw), -EACCES);
  EXPECT_EQ(ReadServerFile(ServerPath("secret")), "for 1001 only");
  EXPECT_FALSE(ServerPathExists(ServerPath("new")));

  // Its owner can.
  auto owner = MountAs(1001, 1001);
  ASSERT_NE(owner, nullptr);
  ASSERT_EQ(nfs_open2(owner->get(), "/secret", O_RDONLY, 0, &raw), 0) << owner->Error();
  LibnfsFile file(owner->get(), raw);
  char buffer[64] = {};
  EXPECT_EQ(nfs_pread(owner->get(), file.get(), 0, sizeof(buffer), buffer), 13);
  EXPECT_EQ(std::string(buffer), "for 1001 only");
}

TEST_F(NfsdLibnfsTest, RootIsSquashedToNobody) {
  OpenExportToEveryone();
  MakeServerFile("roots-secret", "server root only", 0, 0, 0600);
  auto client = MountAs(0, 0);
  ASSERT_NE(client, nullptr);
  nfs_context* nfs = client->get();
  nfsfh* raw = nullptr;
  ASSERT_EQ(nfs_creat(nfs, "/by-root", 0644, &raw), 0) << client->Error();
  ASSERT_EQ(nfs_close(nfs, raw), 0);
  const struct stat info = ServerStat(ServerPath("by-root"));
  EXPECT_EQ(info.st_uid, kNobody);
  EXPECT_EQ(info.st_gid, kNobody);
  // Squashed root has none of root's rights over the server's files.
  EXPECT_EQ(nfs_open2(nfs, "/roots-secret", O_RDONLY, 0, &raw), -EACCES);
}

}  // namespace
}  // namespace nfsuite::testing
