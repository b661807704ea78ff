#include "service/storage/posix_backend.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace nfsuite::storage {
namespace {

const Identity kRoot{0, 0, {}};
const Identity kUser{1000, 1000, {}};
const Identity kOtherUser{1001, 1001, {}};

std::string Bytes(const ReadData& data) {
  return std::string(data.bytes->begin(), data.bytes->end());
}

absl::Span<const uint8_t> Span(const std::string& text) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

int OpenDescriptorCount() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

std::string MakeTemporaryDirectory(const char* prefix) {
  std::string name = std::string("/tmp/") + prefix + "-XXXXXX";
  if (mkdtemp(name.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return "";
  }
  return name;
}

using HandleScheme = PosixBackend::HandleScheme;

// Every behaviour holds with both ways of naming objects.
class PosixBackendTest : public ::testing::TestWithParam<HandleScheme> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      GTEST_SKIP() << "these tests need root: kernel handles need CAP_DAC_READ_SEARCH and the "
                      "tests switch to other uids";
    }
    directory_ = MakeTemporaryDirectory("nfsuite-posix-backend");
    state_directory_ = MakeTemporaryDirectory("nfsuite-posix-state");
    ASSERT_FALSE(directory_.empty() || state_directory_.empty());
    // Other uids create files here too.
    ASSERT_EQ(chmod(directory_.c_str(), 0777), 0);
    OpenBackend(directory_);
  }

  void TearDown() override {
    backend_.reset();
    if (!directory_.empty()) std::filesystem::remove_all(directory_);
    if (!state_directory_.empty()) std::filesystem::remove_all(state_directory_);
  }

  bool PathIndexed() const { return GetParam() == HandleScheme::kPathIndex; }

  void OpenBackend(const std::string& path) {
    backend_.reset();
    PosixBackend::Options options;
    options.handles = GetParam();
    options.path_index_file = PosixBackend::PathIndexFile(state_directory_, path);
    absl::StatusOr<std::unique_ptr<PosixBackend>> opened = PosixBackend::Open(path, options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    ASSERT_EQ(opened->get()->handle_scheme(), GetParam());
    backend_ = std::move(*opened);
    root_ = backend_->Root();
  }

  std::string HostPath(const std::string& relative) const { return directory_ + "/" + relative; }

  struct stat HostStat(const std::string& relative) const {
    struct stat info {};
    EXPECT_EQ(lstat(HostPath(relative).c_str(), &info), 0) << relative;
    return info;
  }

  void HostWrite(const std::string& relative, const std::string& contents, mode_t mode = 0644,
                 uid_t uid = 0) {
    const std::string path = HostPath(relative);
    std::ofstream(path) << contents;
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
    ASSERT_EQ(chown(path.c_str(), uid, uid), 0);
  }

  NamedObject CreateFile(const ObjectId& directory, const std::string& name, uint32_t mode = 0644,
                         const Identity& who = kRoot) {
    CreateHow how;
    how.initial.mode = mode;
    StorageResult<NamedObject> created = backend_->Create(who, directory, name, how);
    if (!created.ok()) {
      ADD_FAILURE() << "Create " << name << ": " << std::strerror(created.error());
      return {};
    }
    return *created;
  }

  NamedObject MakeDirectory(const ObjectId& directory, const std::string& name,
                            uint32_t mode = 0755, const Identity& who = kRoot) {
    AttributeChanges initial;
    initial.mode = mode;
    StorageResult<NamedObject> made = backend_->MakeDirectory(who, directory, name, initial);
    if (!made.ok()) {
      ADD_FAILURE() << "MakeDirectory " << name << ": " << std::strerror(made.error());
      return {};
    }
    return *made;
  }

  void WriteAll(const ObjectId& file, const std::string& contents, uint64_t offset = 0,
                const Identity& who = kRoot) {
    StorageResult<WriteOutcome> written =
        backend_->Write(who, file, offset, Span(contents), Stability::kFileSync);
    ASSERT_TRUE(written.ok()) << std::strerror(written.error());
    ASSERT_EQ(written->count, contents.size());
  }

  std::string ReadAll(const ObjectId& file, const Identity& who = kRoot) {
    StorageResult<ReadData> read = backend_->Read(who, file, 0, 1 << 20);
    if (!read.ok()) {
      ADD_FAILURE() << "Read: " << std::strerror(read.error());
      return "";
    }
    EXPECT_TRUE(read->eof);
    return Bytes(*read);
  }

  // Every name of `directory`, listed in pages of `page_size`; checks the page invariants.
  std::vector<std::string> ListAll(const ObjectId& directory, size_t page_size) {
    std::vector<std::string> names;
    uint64_t cookie = 0;
    uint64_t verifier = 0;
    for (int page_count = 0; page_count < 100000; ++page_count) {
      StorageResult<DirectoryPage> page =
          backend_->ReadDirectory(kRoot, directory, cookie, verifier, page_size, false);
      if (!page.ok()) {
        ADD_FAILURE() << "ReadDirectory: " << std::strerror(page.error());
        return names;
      }
      EXPECT_LE(page->entries.size(), page_size);
      for (const DirectoryEntry& entry : page->entries) names.push_back(entry.name);
      if (page->eof) return names;
      if (page->entries.empty()) {
        ADD_FAILURE() << "an empty page that is not the end";
        return names;
      }
      cookie = page->entries.back().cookie;
      verifier = page->cookie_verifier;
    }
    ADD_FAILURE() << "the listing never ended";
    return names;
  }

  std::string directory_;
  std::string state_directory_;
  std::unique_ptr<PosixBackend> backend_;
  ObjectId root_;
};

INSTANTIATE_TEST_SUITE_P(Schemes, PosixBackendTest,
                         ::testing::Values(HandleScheme::kKernelHandles, HandleScheme::kPathIndex),
                         [](const ::testing::TestParamInfo<HandleScheme>& info) {
                           return info.param == HandleScheme::kKernelHandles ? "KernelHandles"
                                                                             : "PathIndex";
                         });

TEST(PosixBackendOpenTest, RefusesPathsThatAreNotDirectories) {
  absl::StatusOr<std::unique_ptr<PosixBackend>> missing =
      PosixBackend::Open("/nonexistent/nfsuite-export");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("does not exist"), absl::string_view::npos)
      << missing.status();

  char name[] = "/tmp/nfsuite-posix-file-XXXXXX";
  const int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  close(fd);
  absl::StatusOr<std::unique_ptr<PosixBackend>> file = PosixBackend::Open(name);
  unlink(name);
  EXPECT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("not a directory"), absl::string_view::npos)
      << file.status();

  EXPECT_FALSE(PosixBackend::Open("").ok());
}

TEST(PosixBackendOpenTest, KernelHandlesNeedAFilesystemWithFileHandles) {
  PosixBackend::Options options;
  options.handles = PosixBackend::HandleScheme::kKernelHandles;
  absl::StatusOr<std::unique_ptr<PosixBackend>> proc = PosixBackend::Open("/proc", options);
  ASSERT_FALSE(proc.ok());
  EXPECT_EQ(proc.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(proc.status().message().find("does not support file handles"), absl::string_view::npos)
      << proc.status();
}

// The child's exit status when the unprivileged user cannot even reach the test's directories.
constexpr int kUnreachable = 3;

// What a server without root does, step by step; 0 when all went well, else the failed step.
int ServeWithoutPrivilege(const std::string& export_path, const std::string& state_path) {
  if (access(export_path.c_str(), R_OK | W_OK | X_OK) != 0 ||
      access(state_path.c_str(), R_OK | W_OK | X_OK) != 0) {
    return kUnreachable;
  }
  PosixBackend::Options kernel_only;
  kernel_only.handles = PosixBackend::HandleScheme::kKernelHandles;
  absl::StatusOr<std::unique_ptr<PosixBackend>> refused =
      PosixBackend::Open(export_path, kernel_only);
  if (refused.ok() || refused.status().message().find("need root (CAP_DAC_READ_SEARCH)") ==
                          absl::string_view::npos) {
    return 10;
  }
  PosixBackend::Options automatic;
  automatic.path_index_file = PosixBackend::PathIndexFile(state_path, export_path);
  absl::StatusOr<std::unique_ptr<PosixBackend>> backend =
      PosixBackend::Open(export_path, automatic);
  if (!backend.ok()) return 11;
  if ((*backend)->handle_scheme() != PosixBackend::HandleScheme::kPathIndex) return 12;
  const Identity anyone{4321, 4321, {}};  // acts as the server's own user whatever it says
  AttributeChanges initial;
  StorageResult<NamedObject> directory =
      (*backend)->MakeDirectory(anyone, (*backend)->Root(), "d", initial);
  if (!directory.ok()) return 13;
  StorageResult<NamedObject> file = (*backend)->Create(anyone, directory->id, "f", CreateHow{});
  if (!file.ok() || file->attributes.uid != geteuid()) return 14;
  if (!(*backend)->Write(anyone, file->id, 0, Span("kept"), Stability::kFileSync).ok()) return 15;
  const ObjectId root = (*backend)->Root();
  backend->reset();  // a restart

  backend = PosixBackend::Open(export_path, automatic);
  if (!backend.ok() || (*backend)->Root() != root) return 16;
  StorageResult<ReadData> read = (*backend)->Read(anyone, file->id, 0, 100);
  if (!read.ok() || Bytes(*read) != "kept") return 17;
  StorageResult<NamedObject> found = (*backend)->Lookup(anyone, directory->id, "f");
  if (!found.ok() || found->id != file->id) return 18;
  return 0;
}

TEST(PosixBackendOpenTest, WithoutRootHandlesComeFromThePathIndexAndSurviveARestart) {
  const std::string export_path = MakeTemporaryDirectory("nfsuite-unprivileged-export");
  const std::string state_path = MakeTemporaryDirectory("nfsuite-unprivileged-state");
  ASSERT_FALSE(export_path.empty() || state_path.empty());
  const bool root = geteuid() == 0;
  if (root) {
    ASSERT_EQ(chown(export_path.c_str(), 65534, 65534), 0);
    ASSERT_EQ(chown(state_path.c_str(), 65534, 65534), 0);
  }
  // As root, the server is a child process that gave up root entirely.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (root && (setgroups(0, nullptr) != 0 || setresgid(65534, 65534, 65534) != 0 ||
                 setresuid(65534, 65534, 65534) != 0)) {
      _exit(2);
    }
    _exit(ServeWithoutPrivilege(export_path, state_path));
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  std::filesystem::remove_all(export_path);
  std::filesystem::remove_all(state_path);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == kUnreachable) {
    GTEST_SKIP() << "user 65534 cannot reach " << export_path
                 << ": a directory above it is closed to others (a chroot whose / is 0700?)";
  }
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the step that failed (see ServeWithoutPrivilege)";
}

TEST_P(PosixBackendTest, CreateLookupAndGetAttributes) {
  // The server's umask does not apply: the client applied its own.
  const mode_t previous_umask = umask(077);
  const NamedObject created = CreateFile(root_, "file", 0664);
  umask(previous_umask);
  EXPECT_EQ(created.attributes.type, FileType::kRegular);
  EXPECT_EQ(created.attributes.mode, 0664u);
  EXPECT_EQ(created.attributes.size, 0u);
  EXPECT_EQ(created.attributes.nlink, 1u);
  EXPECT_EQ(created.attributes.fsid, backend_->FilesystemId());
  const struct stat host = HostStat("file");
  EXPECT_EQ(created.attributes.fileid, host.st_ino);
  EXPECT_EQ(host.st_mode & 07777, 0664u);
  EXPECT_LE(created.id.bytes.size(), 44u);

  StorageResult<NamedObject> found = backend_->Lookup(kRoot, root_, "file");
  ASSERT_TRUE(found.ok()) << std::strerror(found.error());
  EXPECT_EQ(found->id, created.id);
  EXPECT_EQ(found->attributes.fileid, host.st_ino);

  StorageResult<Attributes> attributes = backend_->GetAttributes(kRoot, created.id);
  ASSERT_TRUE(attributes.ok());
  EXPECT_EQ(attributes->fileid, host.st_ino);
  EXPECT_EQ(attributes->mtime.seconds, host.st_mtim.tv_sec);
  EXPECT_EQ(attributes->mtime.nanoseconds, host.st_mtim.tv_nsec);

  StorageResult<Attributes> root = backend_->GetAttributes(kRoot, root_);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->type, FileType::kDirectory);
  EXPECT_EQ(root->fileid, HostStat(".").st_ino);

  EXPECT_EQ(backend_->Lookup(kRoot, root_, "missing").error(), ENOENT);
  EXPECT_EQ(backend_->Lookup(kRoot, created.id, "x").error(), ENOTDIR);
}

TEST_P(PosixBackendTest, DotIsTheDirectoryAndDotDotOfTheRootIsTheRoot) {
  StorageResult<NamedObject> dot = backend_->Lookup(kRoot, root_, ".");
  ASSERT_TRUE(dot.ok());
  EXPECT_EQ(dot->id, root_);
  StorageResult<NamedObject> up = backend_->Lookup(kRoot, root_, "..");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->id, root_);
  EXPECT_EQ(up->attributes.fileid, HostStat(".").st_ino);

  const NamedObject outer = MakeDirectory(root_, "outer");
  const NamedObject inner = MakeDirectory(outer.id, "inner");
  StorageResult<NamedObject> parent = backend_->Lookup(kRoot, inner.id, "..");
  ASSERT_TRUE(parent.ok());
  EXPECT_EQ(parent->id, outer.id);
  StorageResult<NamedObject> grandparent = backend_->Lookup(kRoot, outer.id, "..");
  ASSERT_TRUE(grandparent.ok());
  EXPECT_EQ(grandparent->id, root_);
  StorageResult<NamedObject> self = backend_->Lookup(kRoot, inner.id, ".");
  ASSERT_TRUE(self.ok());
  EXPECT_EQ(self->id, inner.id);
}

TEST_P(PosixBackendTest, BadNamesAreRefused) {
  EXPECT_EQ(backend_->Lookup(kRoot, root_, "a/b").error(), EINVAL);
  EXPECT_EQ(backend_->Lookup(kRoot, root_, "").error(), EINVAL);
  EXPECT_EQ(backend_->Lookup(kRoot, root_, absl::string_view("a\0b", 3)).error(), EINVAL);
  EXPECT_EQ(backend_->Lookup(kRoot, root_, std::string(256, 'x')).error(), ENAMETOOLONG);
  EXPECT_EQ(backend_->Create(kRoot, root_, "../escape", CreateHow{}).error(), EINVAL);
  EXPECT_EQ(backend_->Create(kRoot, root_, ".", CreateHow{}).error(), EEXIST);
  EXPECT_EQ(backend_->Create(kRoot, root_, "..", CreateHow{}).error(), EEXIST);
  EXPECT_EQ(backend_->MakeDirectory(kRoot, root_, "..", {}).error(), EEXIST);
  EXPECT_FALSE(std::filesystem::exists(directory_ + "/../escape"));
  EXPECT_TRUE(backend_->Create(kRoot, root_, std::string(255, 'x'), CreateHow{}).ok());
}

TEST_P(PosixBackendTest, MalformedObjectIdsAreStale) {
  const NamedObject file = CreateFile(root_, "file");
  ObjectId empty;
  EXPECT_EQ(backend_->GetAttributes(kRoot, empty).error(), ESTALE);
  ObjectId too_long = file.id;
  too_long.bytes.resize(45, 0xff);
  EXPECT_EQ(backend_->GetAttributes(kRoot, too_long).error(), ESTALE);
  ObjectId other_kind = file.id;
  other_kind.kind ^= 0x80;
  EXPECT_EQ(backend_->GetAttributes(kRoot, other_kind).error(), ESTALE);
  ObjectId garbage = file.id;
  for (uint8_t& byte : garbage.bytes) byte = static_cast<uint8_t>(byte * 7 + 13);
  EXPECT_EQ(backend_->GetAttributes(kRoot, garbage).error(), ESTALE);
  ObjectId truncated = file.id;
  truncated.bytes.pop_back();
  EXPECT_EQ(backend_->Read(kRoot, truncated, 0, 10).error(), ESTALE);
}

TEST_P(PosixBackendTest, ExclusiveCreateAcceptsItsRetransmissionOnly) {
  CreateHow how;
  how.mode = CreateHow::Mode::kExclusive;
  how.verifier = {1, 2, 3, 4, 5, 6, 7, 8};
  StorageResult<NamedObject> first = backend_->Create(kRoot, root_, "exclusive", how);
  ASSERT_TRUE(first.ok()) << std::strerror(first.error());
  // The verifier lives in the times, as Linux nfsd keeps it.
  const struct stat host = HostStat("exclusive");
  EXPECT_EQ(host.st_mtim.tv_sec, 0x01020304);
  EXPECT_EQ(host.st_atim.tv_sec, 0x05060708);

  StorageResult<NamedObject> again = backend_->Create(kRoot, root_, "exclusive", how);
  ASSERT_TRUE(again.ok()) << std::strerror(again.error());
  EXPECT_EQ(again->id, first->id);

  CreateHow other = how;
  other.verifier[7] = 9;
  EXPECT_EQ(backend_->Create(kRoot, root_, "exclusive", other).error(), EEXIST);

  // Once the client has used its file, even the same verifier is another create.
  WriteAll(first->id, "data");
  EXPECT_EQ(backend_->Create(kRoot, root_, "exclusive", how).error(), EEXIST);
  // An existing directory is never taken for the file.
  MakeDirectory(root_, "directory");
  EXPECT_EQ(backend_->Create(kRoot, root_, "directory", how).error(), EEXIST);
}

TEST_P(PosixBackendTest, GuardedAndUncheckedCreateOfAnExistingName) {
  const NamedObject file = CreateFile(root_, "file", 0600);
  WriteAll(file.id, "0123456789");
  CreateHow guarded;
  guarded.mode = CreateHow::Mode::kGuarded;
  EXPECT_EQ(backend_->Create(kRoot, root_, "file", guarded).error(), EEXIST);
  EXPECT_EQ(ReadAll(file.id), "0123456789");

  CreateHow unchecked;
  unchecked.initial.mode = 0644;
  StorageResult<NamedObject> kept = backend_->Create(kRoot, root_, "file", unchecked);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->id, file.id);
  EXPECT_EQ(kept->attributes.mode, 0600u);  // only the size of an existing file changes
  EXPECT_EQ(kept->attributes.size, 10u);

  unchecked.initial.size = 4;
  StorageResult<NamedObject> truncated = backend_->Create(kRoot, root_, "file", unchecked);
  ASSERT_TRUE(truncated.ok());
  EXPECT_EQ(truncated->attributes.size, 4u);
  EXPECT_EQ(ReadAll(file.id), "0123");

  CreateHow sized;
  sized.initial.size = 100;
  StorageResult<NamedObject> fresh = backend_->Create(kRoot, root_, "sized", sized);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->attributes.size, 100u);
  EXPECT_EQ(fresh->attributes.mode, 0644u);  // the default without a requested mode
}

TEST_P(PosixBackendTest, CreateNeverFollowsASymlinkThatHoldsTheName) {
  const std::string outside = directory_ + "-created-through-symlink";
  ASSERT_EQ(symlink(outside.c_str(), HostPath("dangling").c_str()), 0);
  StorageResult<NamedObject> unchecked = backend_->Create(kRoot, root_, "dangling", CreateHow{});
  ASSERT_TRUE(unchecked.ok()) << std::strerror(unchecked.error());
  EXPECT_EQ(unchecked->attributes.type, FileType::kSymlink);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(outside)));
  EXPECT_EQ(backend_->Write(kRoot, unchecked->id, 0, Span("x"), Stability::kFileSync).error(),
            EINVAL);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(outside)));
}

TEST_P(PosixBackendTest, WriteThenReadBackWithExactEof) {
  const NamedObject file = CreateFile(root_, "data");
  StorageResult<WriteOutcome> synced =
      backend_->Write(kRoot, file.id, 0, Span("hello"), Stability::kFileSync);
  ASSERT_TRUE(synced.ok());
  EXPECT_EQ(synced->count, 5u);
  EXPECT_EQ(synced->committed, Stability::kFileSync);
  StorageResult<WriteOutcome> unstable =
      backend_->Write(kRoot, file.id, 5, Span(" world"), Stability::kUnstable);
  ASSERT_TRUE(unstable.ok());
  EXPECT_EQ(unstable->count, 6u);
  EXPECT_EQ(unstable->committed, Stability::kUnstable);
  StorageResult<WriteOutcome> data_sync =
      backend_->Write(kRoot, file.id, 11, Span("!"), Stability::kDataSync);
  ASSERT_TRUE(data_sync.ok());
  EXPECT_EQ(data_sync->committed, Stability::kDataSync);
  EXPECT_TRUE(backend_->Commit(kRoot, file.id, 0, 0).ok());

  struct Case {
    uint64_t offset;
    uint32_t count;
    std::string bytes;
    bool eof;
  };
  const Case cases[] = {
      {0, 12, "hello world!", true}, {0, 11, "hello world", false}, {0, 100, "hello world!", true},
      {6, 6, "world!", true},        {6, 5, "world", false},        {12, 1, "", true},
      {100, 10, "", true},           {UINT64_MAX, 10, "", true},    {0, 0, "", false},
  };
  for (const Case& c : cases) {
    StorageResult<ReadData> read = backend_->Read(kRoot, file.id, c.offset, c.count);
    ASSERT_TRUE(read.ok()) << c.offset;
    EXPECT_EQ(Bytes(*read), c.bytes) << c.offset << "+" << c.count;
    EXPECT_EQ(read->eof, c.eof) << c.offset << "+" << c.count;
  }

  // A write past the end leaves a hole of zeros.
  WriteAll(file.id, "end", 20);
  EXPECT_EQ(ReadAll(file.id), std::string("hello world!") + std::string(8, '\0') + "end");
  EXPECT_EQ(
      backend_->Write(kRoot, file.id, UINT64_MAX - 1, Span("xx"), Stability::kUnstable).error(),
      EFBIG);
}

TEST_P(PosixBackendTest, ReadAndWriteNeedARegularFile) {
  const NamedObject directory = MakeDirectory(root_, "directory");
  EXPECT_EQ(backend_->Read(kRoot, directory.id, 0, 10).error(), EISDIR);
  EXPECT_EQ(backend_->Write(kRoot, directory.id, 0, Span("x"), Stability::kUnstable).error(),
            EISDIR);
  EXPECT_EQ(backend_->Commit(kRoot, directory.id, 0, 0).error(), EISDIR);
  // A fifo would block an open for reading forever: it is refused before any open.
  StorageResult<NamedObject> fifo =
      backend_->MakeNode(kRoot, root_, "fifo", FileType::kFifo, 0, 0, {});
  ASSERT_TRUE(fifo.ok());
  EXPECT_EQ(backend_->Read(kRoot, fifo->id, 0, 10).error(), EINVAL);
  EXPECT_EQ(backend_->Write(kRoot, fifo->id, 0, Span("x"), Stability::kUnstable).error(), EINVAL);
}

TEST_P(PosixBackendTest, ObjectIdsSurviveANewBackend) {
  const NamedObject directory = MakeDirectory(root_, "directory");
  const NamedObject file = CreateFile(directory.id, "file");
  WriteAll(file.id, "persistent");
  const ObjectId old_root = root_;

  OpenBackend(directory_);  // as after a restart of the server
  EXPECT_EQ(backend_->Root(), old_root);
  EXPECT_EQ(ReadAll(file.id), "persistent");
  StorageResult<Attributes> attributes = backend_->GetAttributes(kRoot, directory.id);
  ASSERT_TRUE(attributes.ok()) << std::strerror(attributes.error());
  EXPECT_EQ(attributes->fileid, directory.attributes.fileid);
  StorageResult<NamedObject> found = backend_->Lookup(kRoot, directory.id, "file");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, file.id);
}

TEST_P(PosixBackendTest, RemovedObjectsAreStale) {
  const NamedObject file = CreateFile(root_, "file");
  const NamedObject directory = MakeDirectory(root_, "directory");
  ASSERT_TRUE(backend_->Remove(kRoot, root_, "file").ok());
  ASSERT_TRUE(backend_->RemoveDirectory(kRoot, root_, "directory").ok());
  EXPECT_EQ(backend_->GetAttributes(kRoot, file.id).error(), ESTALE);
  EXPECT_EQ(backend_->Read(kRoot, file.id, 0, 1).error(), ESTALE);
  EXPECT_EQ(backend_->GetAttributes(kRoot, directory.id).error(), ESTALE);
  EXPECT_EQ(backend_->Lookup(kRoot, directory.id, "x").error(), ESTALE);
  // Even while the server still has the removed file open.
  const NamedObject held = CreateFile(root_, "held");
  const int fd = open(HostPath("held").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(backend_->Remove(kRoot, root_, "held").ok());
  EXPECT_EQ(backend_->GetAttributes(kRoot, held.id).error(), ESTALE);
  close(fd);
}

TEST_P(PosixBackendTest, DirectoryMovedOutOfTheExportIsStale) {
  ASSERT_EQ(mkdir(HostPath("export").c_str(), 0755), 0);
  ASSERT_EQ(mkdir(HostPath("export/inner").c_str(), 0755), 0);
  ASSERT_EQ(mkdir(HostPath("export/inner/deeper").c_str(), 0755), 0);
  ASSERT_EQ(mkdir(HostPath("outside").c_str(), 0755), 0);
  OpenBackend(HostPath("export"));
  StorageResult<NamedObject> inner = backend_->Lookup(kRoot, root_, "inner");
  ASSERT_TRUE(inner.ok());
  StorageResult<NamedObject> deeper = backend_->Lookup(kRoot, inner->id, "deeper");
  ASSERT_TRUE(deeper.ok());
  ASSERT_TRUE(backend_->GetAttributes(kRoot, deeper->id).ok());

  ASSERT_EQ(rename(HostPath("export/inner").c_str(), HostPath("outside/inner").c_str()), 0);
  EXPECT_EQ(backend_->GetAttributes(kRoot, inner->id).error(), ESTALE);
  EXPECT_EQ(backend_->GetAttributes(kRoot, deeper->id).error(), ESTALE);
  EXPECT_EQ(backend_->Lookup(kRoot, deeper->id, "..").error(), ESTALE);
  EXPECT_EQ(backend_->ReadDirectory(kRoot, inner->id, 0, 0, 10, false).error(), ESTALE);
  EXPECT_EQ(backend_->Create(kRoot, deeper->id, "planted", CreateHow{}).error(), ESTALE);
  EXPECT_FALSE(std::filesystem::exists(HostPath("outside/inner/deeper/planted")));

  // Back inside, kernel handles work again; the path index has forgotten what a search of the
  // export no longer met, and answers stale: never another object.
  ASSERT_EQ(rename(HostPath("outside/inner").c_str(), HostPath("export/inner").c_str()), 0);
  StorageResult<Attributes> back = backend_->GetAttributes(kRoot, deeper->id);
  if (PathIndexed()) {
    EXPECT_EQ(back.error(), ESTALE);
  } else {
    EXPECT_TRUE(back.ok());
  }
}

TEST_P(PosixBackendTest, SymlinksAreObjectsNeverPaths) {
  ASSERT_EQ(symlink("/etc", HostPath("etc").c_str()), 0);
  StorageResult<NamedObject> link = backend_->Lookup(kRoot, root_, "etc");
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->attributes.type, FileType::kSymlink);
  EXPECT_EQ(link->attributes.fileid, HostStat("etc").st_ino);
  StorageResult<std::string> target = backend_->ReadLink(kRoot, link->id);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(*target, "/etc");

  // Nothing reaches /etc through it.
  EXPECT_EQ(backend_->Lookup(kRoot, link->id, "passwd").error(), ENOTDIR);
  EXPECT_EQ(backend_->Lookup(kRoot, link->id, ".").error(), ENOTDIR);
  EXPECT_EQ(backend_->Lookup(kRoot, link->id, "..").error(), ENOTDIR);
  EXPECT_EQ(backend_->ReadDirectory(kRoot, link->id, 0, 0, 10, false).error(), ENOTDIR);
  EXPECT_EQ(backend_->Create(kRoot, link->id, "planted", CreateHow{}).error(), ENOTDIR);
  EXPECT_EQ(backend_->Read(kRoot, link->id, 0, 10).error(), EINVAL);
  EXPECT_EQ(backend_->Statistics(kRoot, link->id).ok(), true);

  // Nor through a relative one.
  StorageResult<NamedObject> up = backend_->MakeSymlink(kRoot, root_, "up", "..", {});
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(backend_->Lookup(kRoot, up->id, "etc").error(), ENOTDIR);
}

TEST_P(PosixBackendTest, SymlinkRoundTrip) {
  AttributeChanges initial;
  initial.mode = 0600;  // Linux clients send one; symlinks have none, and that is no error
  StorageResult<NamedObject> link =
      backend_->MakeSymlink(kRoot, root_, "link", "some dir/target with spaces", initial);
  ASSERT_TRUE(link.ok()) << std::strerror(link.error());
  EXPECT_EQ(link->attributes.type, FileType::kSymlink);
  EXPECT_EQ(link->attributes.size, std::string("some dir/target with spaces").size());
  StorageResult<std::string> target = backend_->ReadLink(kUser, link->id);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(*target, "some dir/target with spaces");
  char host_target[64] = {};
  ASSERT_GT(readlink(HostPath("link").c_str(), host_target, sizeof(host_target) - 1), 0);
  EXPECT_STREQ(host_target, "some dir/target with spaces");

  const std::string long_target(4000, 'a');
  StorageResult<NamedObject> long_link =
      backend_->MakeSymlink(kRoot, root_, "long", long_target, {});
  ASSERT_TRUE(long_link.ok()) << std::strerror(long_link.error());
  EXPECT_EQ(*backend_->ReadLink(kRoot, long_link->id), long_target);

  const NamedObject file = CreateFile(root_, "file");
  EXPECT_EQ(backend_->ReadLink(kRoot, file.id).error(), EINVAL);
  EXPECT_EQ(backend_->MakeSymlink(kRoot, root_, "nul", absl::string_view("a\0b", 3), {}).error(),
            EINVAL);
  EXPECT_EQ(backend_->MakeSymlink(kRoot, root_, "link", "other", {}).error(), EEXIST);
}

TEST_P(PosixBackendTest, RenameReplacesAtomicallyAndCrossesDirectories) {
  const NamedObject a = CreateFile(root_, "a");
  WriteAll(a.id, "A");
  const NamedObject b = CreateFile(root_, "b");
  WriteAll(b.id, "B");
  ASSERT_TRUE(backend_->Rename(kRoot, root_, "a", root_, "b").ok());
  StorageResult<NamedObject> now_b = backend_->Lookup(kRoot, root_, "b");
  ASSERT_TRUE(now_b.ok());
  EXPECT_EQ(now_b->id, a.id);
  EXPECT_EQ(ReadAll(now_b->id), "A");
  EXPECT_EQ(backend_->Lookup(kRoot, root_, "a").error(), ENOENT);
  EXPECT_EQ(backend_->GetAttributes(kRoot, b.id).error(), ESTALE);

  const NamedObject one = MakeDirectory(root_, "one");
  const NamedObject two = MakeDirectory(root_, "two");
  ASSERT_TRUE(backend_->Rename(kRoot, root_, "b", one.id, "moved").ok());
  ASSERT_TRUE(backend_->Rename(kRoot, one.id, "moved", two.id, "arrived").ok());
  StorageResult<NamedObject> arrived = backend_->Lookup(kRoot, two.id, "arrived");
  ASSERT_TRUE(arrived.ok());
  EXPECT_EQ(arrived->id, a.id);
  EXPECT_TRUE(std::filesystem::exists(HostPath("two/arrived")));

  // A directory moves with its handle intact.
  ASSERT_TRUE(backend_->Rename(kRoot, root_, "two", one.id, "two").ok());
  StorageResult<NamedObject> parent = backend_->Lookup(kRoot, two.id, "..");
  ASSERT_TRUE(parent.ok());
  EXPECT_EQ(parent->id, one.id);

  EXPECT_EQ(backend_->Rename(kRoot, root_, "missing", root_, "x").error(), ENOENT);
  EXPECT_EQ(backend_->Rename(kRoot, root_, "one", one.id, "inside").error(), EINVAL);
  CreateFile(two.id, "occupant");
  MakeDirectory(root_, "three");
  EXPECT_EQ(backend_->Rename(kRoot, root_, "three", one.id, "two").error(), ENOTEMPTY);
  EXPECT_EQ(backend_->Rename(kRoot, root_, ".", root_, "x").error(), EINVAL);
  EXPECT_EQ(backend_->Rename(kRoot, a.id, "x", root_, "y").error(), ENOTDIR);
}

TEST_P(PosixBackendTest, HardLinksRaiseTheLinkCount) {
  const NamedObject file = CreateFile(root_, "file");
  const NamedObject directory = MakeDirectory(root_, "directory");
  ASSERT_TRUE(backend_->Link(kRoot, file.id, root_, "second").ok());
  ASSERT_TRUE(backend_->Link(kRoot, file.id, directory.id, "third").ok());
  StorageResult<Attributes> attributes = backend_->GetAttributes(kRoot, file.id);
  ASSERT_TRUE(attributes.ok());
  EXPECT_EQ(attributes->nlink, 3u);
  StorageResult<NamedObject> third = backend_->Lookup(kRoot, directory.id, "third");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->id, file.id);
  EXPECT_EQ(HostStat("directory/third").st_ino, HostStat("file").st_ino);

  EXPECT_EQ(backend_->Link(kRoot, file.id, root_, "second").error(), EEXIST);
  EXPECT_EQ(backend_->Link(kRoot, directory.id, root_, "directory-link").error(), EISDIR);
  EXPECT_EQ(backend_->Link(kRoot, file.id, file.id, "x").error(), ENOTDIR);

  // A link to a symlink is a link to the symlink, not to its target.
  StorageResult<NamedObject> link = backend_->MakeSymlink(kRoot, root_, "symlink", "file", {});
  ASSERT_TRUE(link.ok());
  ASSERT_TRUE(backend_->Link(kRoot, link->id, root_, "symlink-link").ok());
  EXPECT_TRUE(S_ISLNK(HostStat("symlink-link").st_mode));
  EXPECT_EQ(HostStat("symlink-link").st_ino, HostStat("symlink").st_ino);
}

TEST_P(PosixBackendTest, MakeNodeMakesFifosSocketsAndDevices) {
  AttributeChanges initial;
  initial.mode = 0606;
  StorageResult<NamedObject> fifo =
      backend_->MakeNode(kRoot, root_, "fifo", FileType::kFifo, 0, 0, initial);
  ASSERT_TRUE(fifo.ok()) << std::strerror(fifo.error());
  EXPECT_EQ(fifo->attributes.type, FileType::kFifo);
  EXPECT_EQ(fifo->attributes.mode, 0606u);
  EXPECT_TRUE(S_ISFIFO(HostStat("fifo").st_mode));

  StorageResult<NamedObject> socket =
      backend_->MakeNode(kUser, root_, "socket", FileType::kSocket, 0, 0, {});
  ASSERT_TRUE(socket.ok());
  EXPECT_EQ(socket->attributes.type, FileType::kSocket);
  EXPECT_EQ(socket->attributes.uid, 1000u);
  EXPECT_TRUE(S_ISSOCK(HostStat("socket").st_mode));

  StorageResult<NamedObject> null =
      backend_->MakeNode(kRoot, root_, "null", FileType::kCharDevice, 1, 3, {});
  ASSERT_TRUE(null.ok()) << std::strerror(null.error());
  EXPECT_EQ(null->attributes.type, FileType::kCharDevice);
  EXPECT_EQ(null->attributes.rdev_major, 1u);
  EXPECT_EQ(null->attributes.rdev_minor, 3u);
  EXPECT_EQ(HostStat("null").st_rdev, makedev(1, 3));
  StorageResult<NamedObject> block =
      backend_->MakeNode(kRoot, root_, "block", FileType::kBlockDevice, 8, 1, {});
  ASSERT_TRUE(block.ok());
  EXPECT_TRUE(S_ISBLK(HostStat("block").st_mode));

  // Only root makes devices.
  EXPECT_EQ(
      backend_->MakeNode(kUser, root_, "user-device", FileType::kCharDevice, 1, 3, {}).error(),
      EPERM);
  EXPECT_EQ(backend_->MakeNode(kRoot, root_, "regular", FileType::kRegular, 0, 0, {}).error(),
            EINVAL);
  EXPECT_EQ(backend_->MakeNode(kRoot, root_, "fifo", FileType::kFifo, 0, 0, {}).error(), EEXIST);
}

TEST_P(PosixBackendTest, MakeDirectory) {
  const mode_t previous_umask = umask(077);
  const NamedObject directory = MakeDirectory(root_, "directory", 0775, kUser);
  umask(previous_umask);
  EXPECT_EQ(directory.attributes.type, FileType::kDirectory);
  EXPECT_EQ(directory.attributes.mode, 0775u);
  EXPECT_EQ(directory.attributes.uid, 1000u);
  EXPECT_EQ(HostStat("directory").st_mode & 07777, 0775u);
  EXPECT_EQ(backend_->MakeDirectory(kRoot, root_, "directory", {}).error(), EEXIST);
  AttributeChanges sized;
  sized.size = 1;
  EXPECT_EQ(backend_->MakeDirectory(kRoot, root_, "sized", sized).error(), EINVAL);
  EXPECT_FALSE(std::filesystem::exists(HostPath("sized")));
}

TEST_P(PosixBackendTest, RemoveAndRemoveDirectoryErrors) {
  const NamedObject directory = MakeDirectory(root_, "directory");
  CreateFile(directory.id, "file");
  const NamedObject file = CreateFile(root_, "file");
  EXPECT_EQ(backend_->Remove(kRoot, root_, "missing").error(), ENOENT);
  EXPECT_EQ(backend_->Remove(kRoot, root_, "directory").error(), EISDIR);
  EXPECT_EQ(backend_->RemoveDirectory(kRoot, root_, "missing").error(), ENOENT);
  EXPECT_EQ(backend_->RemoveDirectory(kRoot, root_, "directory").error(), ENOTEMPTY);
  EXPECT_EQ(backend_->RemoveDirectory(kRoot, root_, "file").error(), ENOTDIR);
  EXPECT_EQ(backend_->RemoveDirectory(kRoot, root_, ".").error(), EINVAL);
  EXPECT_EQ(backend_->Remove(kRoot, file.id, "x").error(), ENOTDIR);
  EXPECT_TRUE(std::filesystem::exists(HostPath("directory/file")));

  EXPECT_TRUE(backend_->Remove(kRoot, directory.id, "file").ok());
  EXPECT_TRUE(backend_->RemoveDirectory(kRoot, root_, "directory").ok());
  EXPECT_TRUE(backend_->Remove(kRoot, root_, "file").ok());
  EXPECT_FALSE(std::filesystem::exists(HostPath("directory")));
  EXPECT_FALSE(std::filesystem::exists(HostPath("file")));
}

TEST_P(PosixBackendTest, ReadDirectoryListsTenThousandNamesOnceInPagesOfAHundred) {
  const NamedObject directory = MakeDirectory(root_, "big");
  std::set<std::string> expected;
  for (int i = 0; i < 10000; ++i) {
    const std::string name = "entry-" + std::to_string(i);
    const int fd = open(HostPath("big/" + name).c_str(), O_CREAT | O_WRONLY, 0644);
    ASSERT_GE(fd, 0);
    close(fd);
    expected.insert(name);
  }
  uint64_t cookie = 0;
  std::map<std::string, int> seen;
  int pages = 0;
  for (;;) {
    StorageResult<DirectoryPage> page =
        backend_->ReadDirectory(kRoot, directory.id, cookie, 0, 100, false);
    ASSERT_TRUE(page.ok()) << std::strerror(page.error());
    ++pages;
    ASSERT_LE(pages, 101);
    EXPECT_EQ(page->cookie_verifier, 0u);
    for (const DirectoryEntry& entry : page->entries) {
      ++seen[entry.name];
      EXPECT_EQ(entry.fileid, HostStat("big/" + entry.name).st_ino);
    }
    if (page->eof) break;
    ASSERT_EQ(page->entries.size(), 100u);
    cookie = page->entries.back().cookie;
  }
  EXPECT_EQ(pages, 100);  // eof is exact: no empty page at the end
  EXPECT_EQ(seen.size(), expected.size());
  for (const auto& [name, count] : seen) {
    EXPECT_EQ(count, 1) << name;
    EXPECT_TRUE(expected.count(name)) << name;
  }
}

TEST_P(PosixBackendTest, ListingContinuesWhileEntriesComeAndGo) {
  const NamedObject directory = MakeDirectory(root_, "changing");
  std::set<std::string> originals;
  for (int i = 0; i < 1000; ++i) {
    const std::string name = "f" + std::to_string(i);
    const int fd = open(HostPath("changing/" + name).c_str(), O_CREAT | O_WRONLY, 0644);
    ASSERT_GE(fd, 0);
    close(fd);
    originals.insert(name);
  }
  std::map<std::string, int> seen;
  uint64_t cookie = 0;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 100);
    StorageResult<DirectoryPage> page =
        backend_->ReadDirectory(kRoot, directory.id, cookie, 0, 37, false);
    ASSERT_TRUE(page.ok()) << std::strerror(page.error());
    // Every other listed entry goes and a new one arrives before the listing continues: a
    // listing that started over would show the kept ones twice.
    for (size_t i = 0; i < page->entries.size(); ++i) {
      const std::string& name = page->entries[i].name;
      ++seen[name];
      if (i % 2 == 0) {
        ASSERT_TRUE(backend_->Remove(kRoot, directory.id, name).ok()) << name;
      }
    }
    CreateFile(directory.id, "new" + std::to_string(pages));
    if (page->eof) break;
    cookie = page->entries.back().cookie;
  }
  for (const std::string& name : originals) EXPECT_EQ(seen[name], 1) << name;
  for (const auto& [name, count] : seen) EXPECT_EQ(count, 1) << name;
  // What is left: the kept half of the originals and the new files.
  const std::vector<std::string> left = ListAll(directory.id, 10);
  const std::set<std::string> unique_left(left.begin(), left.end());
  EXPECT_EQ(unique_left.size(), left.size());
  EXPECT_GT(left.size(), 450u);
}

TEST_P(PosixBackendTest, ReadDirectoryWithAttributesAndBadCookies) {
  const NamedObject directory = MakeDirectory(root_, "listed");
  const NamedObject file = CreateFile(directory.id, "file");
  const NamedObject inner = MakeDirectory(directory.id, "inner");
  ASSERT_EQ(symlink("/etc", HostPath("listed/link").c_str()), 0);
  StorageResult<DirectoryPage> page = backend_->ReadDirectory(kRoot, directory.id, 0, 0, 100, true);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->eof);
  std::map<std::string, DirectoryEntry> entries;
  for (const DirectoryEntry& entry : page->entries) entries[entry.name] = entry;
  ASSERT_EQ(entries.size(), 3u);  // no "." or ".."
  ASSERT_TRUE(entries["file"].object.has_value());
  EXPECT_EQ(entries["file"].object->id, file.id);
  EXPECT_EQ(entries["file"].object->attributes.fileid, file.attributes.fileid);
  ASSERT_TRUE(entries["inner"].object.has_value());
  EXPECT_EQ(entries["inner"].object->id, inner.id);
  ASSERT_TRUE(entries["link"].object.has_value());
  EXPECT_EQ(entries["link"].object->attributes.type, FileType::kSymlink);

  StorageResult<DirectoryPage> empty = backend_->ReadDirectory(kRoot, inner.id, 0, 0, 10, true);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->entries.empty());
  EXPECT_TRUE(empty->eof);

  StorageResult<DirectoryPage> first = backend_->ReadDirectory(kRoot, directory.id, 0, 0, 1, false);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->entries.size(), 1u);
  EXPECT_FALSE(first->eof);
  EXPECT_EQ(backend_->ReadDirectory(kRoot, directory.id, first->entries[0].cookie, 12345, 10, false)
                .error(),
            EINVAL);
  EXPECT_EQ(backend_->ReadDirectory(kRoot, directory.id, UINT64_MAX, 0, 10, false).error(), EINVAL);
  EXPECT_EQ(backend_->ReadDirectory(kRoot, file.id, 0, 0, 10, false).error(), ENOTDIR);
}

TEST_P(PosixBackendTest, NewObjectsBelongToTheCaller) {
  const NamedObject file = CreateFile(root_, "by-user", 0644, kUser);
  EXPECT_EQ(file.attributes.uid, 1000u);
  EXPECT_EQ(file.attributes.gid, 1000u);
  const struct stat host = HostStat("by-user");
  EXPECT_EQ(host.st_uid, 1000u);
  EXPECT_EQ(host.st_gid, 1000u);
  StorageResult<NamedObject> link = backend_->MakeSymlink(kUser, root_, "link", "by-user", {});
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(HostStat("link").st_uid, 1000u);
  // The thread is the server again afterwards.
  const NamedObject by_root = CreateFile(root_, "by-root");
  EXPECT_EQ(HostStat("by-root").st_uid, 0u);
  EXPECT_EQ(by_root.attributes.uid, 0u);
}

TEST_P(PosixBackendTest, ConcurrentCallersKeepTheirOwnIdentities) {
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      const Identity who{2000 + t, 3000 + t, {}};
      for (int i = 0; i < 50; ++i) {
        const std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        StorageResult<NamedObject> created = backend_->Create(who, root_, name, CreateHow{});
        ASSERT_TRUE(created.ok()) << std::strerror(created.error());
        EXPECT_EQ(created->attributes.uid, who.uid);
        EXPECT_EQ(created->attributes.gid, who.gid);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (uint32_t t = 0; t < 4; ++t) {
    for (int i = 0; i < 50; ++i) {
      const struct stat host = HostStat("t" + std::to_string(t) + "-" + std::to_string(i));
      EXPECT_EQ(host.st_uid, 2000 + t);
      EXPECT_EQ(host.st_gid, 3000 + t);
    }
  }
  EXPECT_EQ(HostStat(".").st_uid, 0u);
  EXPECT_EQ(CreateFile(root_, "by-root").attributes.uid, 0u);
}

TEST_P(PosixBackendTest, TheKernelChecksPermissionsAsTheCaller) {
  HostWrite("private", "secret", 0600, 1001);
  StorageResult<NamedObject> file = backend_->Lookup(kUser, root_, "private");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(backend_->Read(kUser, file->id, 0, 100).error(), EACCES);
  EXPECT_EQ(backend_->Write(kUser, file->id, 0, Span("x"), Stability::kUnstable).error(), EACCES);
  AttributeChanges truncate;
  truncate.size = 0;
  EXPECT_EQ(backend_->SetAttributes(kUser, file->id, truncate).error(), EACCES);
  AttributeChanges chmod_it;
  chmod_it.mode = 0644;
  EXPECT_EQ(backend_->SetAttributes(kUser, file->id, chmod_it).error(), EPERM);
  EXPECT_EQ(ReadAll(file->id, kOtherUser), "secret");

  // The owner reads and writes whatever the mode, as with Linux nfsd.
  HostWrite("read-only", "old", 0400, 1000);
  StorageResult<NamedObject> mine = backend_->Lookup(kUser, root_, "read-only");
  ASSERT_TRUE(mine.ok());
  WriteAll(mine->id, "new", 0, kUser);
  EXPECT_EQ(ReadAll(mine->id, kUser), "new");
  EXPECT_EQ(backend_->Write(kOtherUser, mine->id, 0, Span("x"), Stability::kUnstable).error(),
            EACCES);

  // A directory the caller may not search hides its names.
  ASSERT_EQ(mkdir(HostPath("closed").c_str(), 0700), 0);
  ASSERT_EQ(chown(HostPath("closed").c_str(), 1001, 1001), 0);
  HostWrite("closed/inside", "x");
  StorageResult<NamedObject> closed = backend_->Lookup(kUser, root_, "closed");
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(backend_->Lookup(kUser, closed->id, "inside").error(), EACCES);
  EXPECT_EQ(backend_->ReadDirectory(kUser, closed->id, 0, 0, 10, false).error(), EACCES);
  EXPECT_EQ(backend_->Create(kUser, closed->id, "new", CreateHow{}).error(), EACCES);
  EXPECT_TRUE(backend_->Lookup(kOtherUser, closed->id, "inside").ok());
  // Supplementary groups count.
  ASSERT_EQ(chmod(HostPath("closed").c_str(), 0770), 0);
  const Identity in_group{1000, 1000, {1001}};
  EXPECT_TRUE(backend_->Lookup(in_group, closed->id, "inside").ok());
}

TEST_P(PosixBackendTest, SetAttributesChangesModeOwnerSizeAndTimes) {
  const NamedObject file = CreateFile(root_, "file", 0644);
  WriteAll(file.id, "0123456789");

  AttributeChanges mode;
  mode.mode = 04751;
  StorageResult<Attributes> after_mode = backend_->SetAttributes(kRoot, file.id, mode);
  ASSERT_TRUE(after_mode.ok());
  EXPECT_EQ(after_mode->mode, 04751u);
  EXPECT_EQ(HostStat("file").st_mode & 07777, 04751u);

  AttributeChanges owner;
  owner.uid = 1234;
  owner.gid = 5678;
  StorageResult<Attributes> after_owner = backend_->SetAttributes(kRoot, file.id, owner);
  ASSERT_TRUE(after_owner.ok());
  EXPECT_EQ(after_owner->uid, 1234u);
  EXPECT_EQ(after_owner->gid, 5678u);
  EXPECT_EQ(HostStat("file").st_uid, 1234u);
  AttributeChanges only_gid;
  only_gid.gid = 42;
  StorageResult<Attributes> after_gid = backend_->SetAttributes(kRoot, file.id, only_gid);
  ASSERT_TRUE(after_gid.ok());
  EXPECT_EQ(after_gid->uid, 1234u);
  EXPECT_EQ(after_gid->gid, 42u);
  // Giving a file away is root's privilege.
  AttributeChanges give_away;
  give_away.uid = 1000;
  EXPECT_EQ(backend_->SetAttributes(Identity{1234, 42, {}}, file.id, give_away).error(), EPERM);

  AttributeChanges size;
  size.size = 4;
  StorageResult<Attributes> after_size = backend_->SetAttributes(kRoot, file.id, size);
  ASSERT_TRUE(after_size.ok());
  EXPECT_EQ(after_size->size, 4u);
  EXPECT_EQ(ReadAll(file.id), "0123");
  size.size = 8;
  ASSERT_TRUE(backend_->SetAttributes(kRoot, file.id, size).ok());
  EXPECT_EQ(ReadAll(file.id), std::string("0123") + std::string(4, '\0'));

  AttributeChanges times;
  times.atime_change = AttributeChanges::TimeChange::kSetToClientTime;
  times.atime = {1000000000, 123456789};
  times.mtime_change = AttributeChanges::TimeChange::kSetToClientTime;
  times.mtime = {1100000000, 5};
  StorageResult<Attributes> after_times = backend_->SetAttributes(kRoot, file.id, times);
  ASSERT_TRUE(after_times.ok());
  EXPECT_EQ(after_times->atime, (Timestamp{1000000000, 123456789}));
  EXPECT_EQ(after_times->mtime, (Timestamp{1100000000, 5}));
  EXPECT_EQ(HostStat("file").st_mtim.tv_sec, 1100000000);

  AttributeChanges now;
  now.mtime_change = AttributeChanges::TimeChange::kSetToServerTime;
  const time_t before = time(nullptr);
  StorageResult<Attributes> after_now = backend_->SetAttributes(kRoot, file.id, now);
  ASSERT_TRUE(after_now.ok());
  EXPECT_GE(after_now->mtime.seconds, before - 1);
  EXPECT_LE(after_now->mtime.seconds, time(nullptr) + 1);
  EXPECT_EQ(after_now->atime, (Timestamp{1000000000, 123456789}));  // kept

  AttributeChanges bad_time;
  bad_time.mtime_change = AttributeChanges::TimeChange::kSetToClientTime;
  bad_time.mtime = {5, 1000000000};
  EXPECT_EQ(backend_->SetAttributes(kRoot, file.id, bad_time).error(), EINVAL);

  const NamedObject directory = MakeDirectory(root_, "directory");
  EXPECT_EQ(backend_->SetAttributes(kRoot, directory.id, size).error(), EINVAL);
  AttributeChanges directory_mode;
  directory_mode.mode = 01777;
  StorageResult<Attributes> sticky = backend_->SetAttributes(kRoot, directory.id, directory_mode);
  ASSERT_TRUE(sticky.ok());
  EXPECT_EQ(sticky->mode, 01777u);

  // Symlinks: owner and times change, a mode is ignored.
  StorageResult<NamedObject> link = backend_->MakeSymlink(kRoot, root_, "link", "file", {});
  ASSERT_TRUE(link.ok());
  AttributeChanges link_changes;
  link_changes.mode = 0600;
  link_changes.uid = 1000;
  link_changes.mtime_change = AttributeChanges::TimeChange::kSetToClientTime;
  link_changes.mtime = {1200000000, 0};
  StorageResult<Attributes> after_link = backend_->SetAttributes(kRoot, link->id, link_changes);
  ASSERT_TRUE(after_link.ok()) << std::strerror(after_link.error());
  EXPECT_EQ(after_link->uid, 1000u);
  EXPECT_EQ(after_link->mtime.seconds, 1200000000);
  EXPECT_EQ(HostStat("link").st_uid, 1000u);
  EXPECT_EQ(HostStat("file").st_uid, 1234u);  // the target is untouched
  EXPECT_EQ(HostStat("file").st_mtim.tv_sec, after_now->mtime.seconds);
}

TEST_P(PosixBackendTest, StatisticsDescribeTheFilesystem) {
  StorageResult<FilesystemStatistics> statistics = backend_->Statistics(kUser, root_);
  ASSERT_TRUE(statistics.ok());
  struct statvfs host {};
  ASSERT_EQ(statvfs(directory_.c_str(), &host), 0);
  EXPECT_EQ(statistics->total_bytes, static_cast<uint64_t>(host.f_blocks) * host.f_frsize);
  EXPECT_GT(statistics->total_bytes, 0u);
  EXPECT_LE(statistics->available_bytes, statistics->free_bytes);
  EXPECT_LE(statistics->free_bytes, statistics->total_bytes);
  EXPECT_EQ(statistics->total_files, host.f_files);
  EXPECT_LE(statistics->free_files, statistics->total_files);
}

TEST_P(PosixBackendTest, NoDescriptorLeaks) {
  const int before = OpenDescriptorCount();
  for (int i = 0; i < 50; ++i) {
    const std::string name = "f" + std::to_string(i);
    const NamedObject directory = MakeDirectory(root_, "d" + name);
    const NamedObject file = CreateFile(directory.id, name);
    WriteAll(file.id, "x");
    ReadAll(file.id);
    backend_->Lookup(kUser, directory.id, "..");
    backend_->Lookup(kUser, directory.id, "missing");
    backend_->ReadDirectory(kUser, directory.id, 0, 0, 10, true);
    backend_->Commit(kRoot, file.id, 0, 0);
    backend_->Link(kRoot, file.id, root_, "l" + name);
    backend_->Rename(kRoot, directory.id, name, root_, name);
    backend_->Remove(kRoot, root_, name);
    backend_->Remove(kRoot, root_, "l" + name);
    backend_->RemoveDirectory(kRoot, root_, "d" + name);
    EXPECT_EQ(backend_->GetAttributes(kRoot, file.id).error(), ESTALE);
  }
  EXPECT_EQ(OpenDescriptorCount(), before);
}

// A 1 MiB tmpfs of its own, to fill up.
// What only the path index does: find objects moved behind its back, rebuild itself.
class PathIndexBackendTest : public PosixBackendTest {};

INSTANTIATE_TEST_SUITE_P(Schemes, PathIndexBackendTest, ::testing::Values(HandleScheme::kPathIndex),
                         [](const ::testing::TestParamInfo<HandleScheme>&) { return "PathIndex"; });

TEST_P(PathIndexBackendTest, ObjectsMovedOnTheServerAreFoundAgain) {
  const NamedObject first = MakeDirectory(root_, "first");
  const NamedObject file = CreateFile(first.id, "file");
  const NamedObject inner = CreateFile(first.id, "inner");
  WriteAll(file.id, "moved");
  // A file moved to another directory, and a directory moved with what is left in it. (One
  // search finds both: searches are at least a second apart, and a request that would need
  // another one sooner is asked to retry later.)
  ASSERT_EQ(mkdir(HostPath("second").c_str(), 0755), 0);
  ASSERT_EQ(rename(HostPath("first/file").c_str(), HostPath("second/renamed").c_str()), 0);
  ASSERT_EQ(rename(HostPath("first").c_str(), HostPath("second/first").c_str()), 0);
  EXPECT_EQ(ReadAll(file.id), "moved");
  StorageResult<Attributes> attributes = backend_->GetAttributes(kRoot, first.id);
  ASSERT_TRUE(attributes.ok()) << std::strerror(attributes.error());
  EXPECT_EQ(attributes->fileid, first.attributes.fileid);
  EXPECT_TRUE(backend_->GetAttributes(kRoot, inner.id).ok());
}

TEST_P(PathIndexBackendTest, ALostIndexIsRebuiltBySearchingTheExport) {
  const NamedObject directory = MakeDirectory(root_, "directory");
  const NamedObject file = CreateFile(directory.id, "file");
  WriteAll(file.id, "found");
  backend_.reset();
  ASSERT_EQ(unlink(PosixBackend::PathIndexFile(state_directory_, directory_).c_str()), 0);
  OpenBackend(directory_);
  EXPECT_EQ(ReadAll(file.id), "found");
  StorageResult<NamedObject> found = backend_->Lookup(kRoot, directory.id, "file");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, file.id);
}

TEST_P(PathIndexBackendTest, ARecordMadeByAnotherProcessIsSeen) {
  // mountd and nfsd share one index: what one met, the other finds without a search.
  PosixBackend::Options options;
  options.handles = HandleScheme::kPathIndex;
  options.path_index_file = PosixBackend::PathIndexFile(state_directory_, directory_);
  absl::StatusOr<std::unique_ptr<PosixBackend>> other = PosixBackend::Open(directory_, options);
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_EQ(mkdir(HostPath("made-on-the-server").c_str(), 0755), 0);
  StorageResult<NamedObject> met = (*other)->Lookup(kRoot, root_, "made-on-the-server");
  ASSERT_TRUE(met.ok());
  StorageResult<Attributes> attributes = backend_->GetAttributes(kRoot, met->id);
  ASSERT_TRUE(attributes.ok()) << std::strerror(attributes.error());
  EXPECT_EQ(attributes->fileid, met->attributes.fileid);
}

TEST_P(PathIndexBackendTest, AnIdWhoseInodeNumberNowHoldsAnotherObjectIsStale) {
  const NamedObject file = CreateFile(root_, "file");
  ASSERT_EQ(file.id.bytes.size(), 12u);
  ObjectId other_generation = file.id;
  other_generation.bytes[11] ^= 1;  // the tag of the kernel handle, with its generation
  EXPECT_EQ(backend_->GetAttributes(kRoot, other_generation).error(), ESTALE);
  EXPECT_TRUE(backend_->GetAttributes(kRoot, file.id).ok());
}

TEST_P(PathIndexBackendTest, IdsOfTheOtherSchemeAreStale) {
  const NamedObject file = CreateFile(root_, "file");
  PosixBackend::Options kernel;
  kernel.handles = HandleScheme::kKernelHandles;
  absl::StatusOr<std::unique_ptr<PosixBackend>> kernel_backend =
      PosixBackend::Open(directory_, kernel);
  ASSERT_TRUE(kernel_backend.ok());
  EXPECT_EQ((*kernel_backend)->GetAttributes(kRoot, file.id).error(), ESTALE);
  StorageResult<NamedObject> kernel_file =
      (*kernel_backend)->Lookup(kRoot, (*kernel_backend)->Root(), "file");
  ASSERT_TRUE(kernel_file.ok());
  EXPECT_EQ(backend_->GetAttributes(kRoot, kernel_file->id).error(), ESTALE);
}

class PosixBackendFullFilesystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs and PosixBackend need root";
    char name[] = "/tmp/nfsuite-posix-tmpfs-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    directory_ = name;
    if (mount("tmpfs", directory_.c_str(), "tmpfs", 0, "size=1m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs on " << directory_ << ": " << std::strerror(errno);
    }
    mounted_ = true;
    absl::StatusOr<std::unique_ptr<PosixBackend>> opened = PosixBackend::Open(directory_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    backend_ = std::move(*opened);
  }

  void TearDown() override {
    backend_.reset();  // its root descriptor keeps the mount busy
    if (mounted_ && umount(directory_.c_str()) != 0) {
      ADD_FAILURE() << "umount " << directory_ << ": " << std::strerror(errno);
      umount2(directory_.c_str(), MNT_DETACH);
    }
    if (!directory_.empty()) rmdir(directory_.c_str());
  }

  std::string directory_;
  bool mounted_ = false;
  std::unique_ptr<PosixBackend> backend_;
};

TEST_F(PosixBackendFullFilesystemTest, WritingUntilFullGivesEnospcAndTheBackendCarriesOn) {
  const ObjectId root = backend_->Root();
  StorageResult<NamedObject> file = backend_->Create(kRoot, root, "filler", CreateHow{});
  ASSERT_TRUE(file.ok()) << std::strerror(file.error());
  const std::string chunk(64 * 1024, 'x');
  uint64_t offset = 0;
  int error = 0;
  for (int i = 0; i < 64 && error == 0; ++i) {
    StorageResult<WriteOutcome> written =
        backend_->Write(kRoot, file->id, offset, Span(chunk), Stability::kFileSync);
    if (written.ok()) {
      ASSERT_GT(written->count, 0u);
      offset += written->count;
    } else {
      error = written.error();
    }
  }
  EXPECT_EQ(error, ENOSPC);
  EXPECT_LE(offset, 1024u * 1024u);
  EXPECT_GT(offset, 512u * 1024u);

  StorageResult<FilesystemStatistics> statistics = backend_->Statistics(kRoot, root);
  ASSERT_TRUE(statistics.ok());
  EXPECT_EQ(statistics->total_bytes, 1024u * 1024u);
  EXPECT_LT(statistics->free_bytes, 64u * 1024u);

  // Space comes back and everything works as before.
  ASSERT_TRUE(backend_->Remove(kRoot, root, "filler").ok());
  StorageResult<NamedObject> after = backend_->Create(kRoot, root, "after", CreateHow{});
  ASSERT_TRUE(after.ok());
  StorageResult<WriteOutcome> written =
      backend_->Write(kRoot, after->id, 0, Span(chunk), Stability::kFileSync);
  ASSERT_TRUE(written.ok()) << std::strerror(written.error());
  EXPECT_EQ(written->count, chunk.size());
  StorageResult<ReadData> read = backend_->Read(kRoot, after->id, 0, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(Bytes(*read), "xxxxxxxxxx");
}

TEST_F(PosixBackendFullFilesystemTest, AMountInsideTheExportIsNotCrossed) {
  const ObjectId root = backend_->Root();
  ASSERT_TRUE(backend_->MakeDirectory(kRoot, root, "mountpoint", {}).ok());
  const std::string inner = directory_ + "/mountpoint";
  if (mount("tmpfs", inner.c_str(), "tmpfs", 0, "size=64k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs on " << inner << ": " << std::strerror(errno);
  }
  struct Unmount {
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
    std::string path;
  } unmount{inner};
  // The export's handles could not name the other filesystem's objects.
  EXPECT_EQ(backend_->Lookup(kRoot, root, "mountpoint").error(), EXDEV);
  StorageResult<DirectoryPage> page = backend_->ReadDirectory(kRoot, root, 0, 0, 10, true);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].name, "mountpoint");
  EXPECT_FALSE(page->entries[0].object.has_value());
}

}  // namespace
}  // namespace nfsuite::storage
