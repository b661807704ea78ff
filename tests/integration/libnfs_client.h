#ifndef NFSUITE_TESTS_INTEGRATION_LIBNFS_CLIENT_H_
#define NFSUITE_TESTS_INTEGRATION_LIBNFS_CLIENT_H_

#include <nfsc/libnfs.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace nfsuite::testing {

// One libnfs context (a real NFSv3 client) mounted on an export of 127.0.0.1, found through the
// portmapper on port 111; destroyed with the object.
class LibnfsClient {
 public:
  // Mounts `export_path` as `uid`/`gid` (AUTH_SYS); nullptr with `error` set when it cannot.
  static std::unique_ptr<LibnfsClient> Mount(const std::string& export_path, int uid, int gid,
                                             std::string* error) {
    nfs_context* context = nfs_init_context();
    if (context == nullptr) {
      *error = "nfs_init_context failed";
      return nullptr;
    }
    std::unique_ptr<LibnfsClient> client(new LibnfsClient(context));
    nfs_set_uid(context, uid);
    nfs_set_gid(context, gid);
    nfs_set_timeout(context, 60000);  // a bound on every call, should the server stop answering
    nfs_set_dircache(context, 0);     // every listing goes to the server
    if (const int rc = nfs_mount(context, "127.0.0.1", export_path.c_str()); rc != 0) {
      *error = absl::StrCat("nfs_mount returned ", rc, ": ", client->Error());
      return nullptr;
    }
    return client;
  }
  ~LibnfsClient() { nfs_destroy_context(context_); }
  LibnfsClient(const LibnfsClient&) = delete;
  LibnfsClient& operator=(const LibnfsClient&) = delete;

  nfs_context* get() const { return context_; }
  std::string Error() const {
    const char* error = nfs_get_error(context_);
    return error != nullptr ? error : "";
  }

 private:
  explicit LibnfsClient(nfs_context* context) : context_(context) {}
  nfs_context* context_;
};

// An open libnfs file, closed with the object.
class LibnfsFile {
 public:
  LibnfsFile(nfs_context* context, nfsfh* handle) : context_(context), handle_(handle) {}
  ~LibnfsFile() { Close(); }
  LibnfsFile(const LibnfsFile&) = delete;
  LibnfsFile& operator=(const LibnfsFile&) = delete;
  nfsfh* get() const { return handle_; }
  int Close() {
    if (handle_ == nullptr) return 0;
    return nfs_close(context_, std::exchange(handle_, nullptr));
  }

 private:
  nfs_context* context_;
  nfsfh* handle_;
};

// Writes all of `data` at `offset`, as many nfs_pwrite calls as it takes; 0 or -errno.
inline int PwriteAll(nfs_context* nfs, nfsfh* file, uint64_t offset, const void* data,
                     size_t size) {
  const char* bytes = static_cast<const char*>(data);
  size_t done = 0;
  while (done < size) {
    const int n = nfs_pwrite(nfs, file, offset + done, size - done, bytes + done);
    if (n < 0) return n;
    if (n == 0) return -EIO;
    done += static_cast<size_t>(n);
  }
  return 0;
}

// Reads up to `size` bytes at `offset` (fewer only at the end of the file); the count or -errno.
inline int64_t PreadAll(nfs_context* nfs, nfsfh* file, uint64_t offset, void* data, size_t size) {
  char* bytes = static_cast<char*>(data);
  size_t done = 0;
  while (done < size) {
    const int n = nfs_pread(nfs, file, offset + done, size - done, bytes + done);
    if (n < 0) return n;
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return static_cast<int64_t>(done);
}

}  // namespace nfsuite::testing

#endif  // NFSUITE_TESTS_INTEGRATION_LIBNFS_CLIENT_H_
