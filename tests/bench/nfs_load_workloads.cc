#include "tests/bench/nfs_load_workloads.h"

#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

// libnfs's headers use these types without including what declares them, and libnfs.h defines
// the EXTERN the raw headers use: the order matters.
// clang-format off
#include <sys/time.h>
#include <sys/types.h>
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-nfs.h>
// clang-format on

namespace nfsuite::bench {
namespace {

// libnfs takes handles and names as non-const pointers but only reads them while queueing a
// call (the arguments are encoded before the *_async function returns).
nfs_fh3 Fh(const std::string& handle) {
  nfs_fh3 fh;
  fh.data.data_len = static_cast<u_int>(handle.size());
  fh.data.data_val = const_cast<char*>(handle.data());
  return fh;
}

Outcome Failed(std::string& error, const char* procedure, int status) {
  error = absl::StrCat(procedure, " answered ", nfsstat3_to_str(status));
  return Outcome::kFailed;
}

class NullWorkload final : public Workload {
 public:
  using Workload::Workload;
  int Send(Slot& slot, RpcCallback callback) override {
    return rpc_nfs3_null_async(slot.connection->rpc(), callback, &slot);
  }
  Outcome Receive(Slot& /*slot*/, void* /*reply*/, std::string& /*error*/) override {
    return Outcome::kDone;
  }
};

// The data every WRITE sends: one buffer, written once.
const std::vector<char>& Payload(uint32_t size) {
  static std::vector<char> payload;
  if (payload.size() < size) {
    payload.resize(size);
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  }
  return payload;
}

class WriteWorkload final : public Workload {
 public:
  WriteWorkload(std::string file, uint64_t blocks, uint32_t block, stable_how stable)
      : Workload(blocks), file_(std::move(file)), block_(block), stable_(stable) {
    Payload(block);
  }
  int Send(Slot& slot, RpcCallback callback) override {
    WRITE3args args{};
    args.file = Fh(file_);
    args.offset = slot.item * block_;
    args.count = block_;
    args.stable = stable_;
    args.data.data_len = block_;
    args.data.data_val = const_cast<char*>(Payload(block_).data());
    return rpc_nfs3_write_async(slot.connection->rpc(), callback, &args, &slot);
  }
  Outcome Receive(Slot& slot, void* reply, std::string& error) override {
    const auto* res = static_cast<WRITE3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "WRITE", res->status);
    if (res->WRITE3res_u.resok.count != block_) {
      error = absl::StrCat("WRITE wrote ", res->WRITE3res_u.resok.count, " of ", block_, " bytes");
      return Outcome::kFailed;
    }
    slot.units = block_;
    return Outcome::kDone;
  }

 private:
  std::string file_;
  uint32_t block_;
  stable_how stable_;
};

class CommitWorkload final : public Workload {
 public:
  explicit CommitWorkload(std::string file) : Workload(1), file_(std::move(file)) {}
  int Send(Slot& slot, RpcCallback callback) override {
    COMMIT3args args{};
    args.file = Fh(file_);  // offset 0, count 0: the whole file
    return rpc_nfs3_commit_async(slot.connection->rpc(), callback, &args, &slot);
  }
  Outcome Receive(Slot& /*slot*/, void* reply, std::string& error) override {
    const auto* res = static_cast<COMMIT3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "COMMIT", res->status);
    return Outcome::kDone;
  }

 private:
  std::string file_;
};

// READs of `block` bytes; the offset of item i is `offset_of(i)`.
class ReadWorkload : public Workload {
 public:
  ReadWorkload(std::string file, uint64_t reads, uint32_t block)
      : Workload(reads), file_(std::move(file)), block_(block) {}
  int Send(Slot& slot, RpcCallback callback) override {
    READ3args args{};
    args.file = Fh(file_);
    args.offset = OffsetOf(slot.item);
    args.count = block_;
    return rpc_nfs3_read_async(slot.connection->rpc(), callback, &args, &slot);
  }
  Outcome Receive(Slot& slot, void* reply, std::string& error) override {
    const auto* res = static_cast<READ3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "READ", res->status);
    if (res->READ3res_u.resok.count != block_) {
      error = absl::StrCat("READ returned ", res->READ3res_u.resok.count, " of ", block_, " bytes");
      return Outcome::kFailed;
    }
    slot.units = block_;
    return Outcome::kDone;
  }

 protected:
  virtual uint64_t OffsetOf(uint64_t item) { return item * block_; }
  uint32_t block() const { return block_; }

 private:
  std::string file_;
  uint32_t block_;
};

class RandomReadWorkload final : public ReadWorkload {
 public:
  RandomReadWorkload(std::string file, uint64_t file_size, uint32_t block, uint64_t reads,
                     uint64_t seed)
      : ReadWorkload(std::move(file), reads, block), blocks_(file_size / block), state_(seed | 1) {}

 protected:
  uint64_t OffsetOf(uint64_t /*item*/) override {
    // xorshift64: cheap, so the client spends its CPU on the calls.
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return blocks_ == 0 ? 0 : (state_ % blocks_) * block();
  }

 private:
  uint64_t blocks_;
  uint64_t state_;
};

// Calls that name FileName(prefix, item) in one directory.
class NamedFileWorkload : public Workload {
 public:
  NamedFileWorkload(std::string dir, const char* prefix, uint64_t files)
      : Workload(files), dir_(std::move(dir)), prefix_(prefix) {}

 protected:
  // Fills `name` (which must outlive the call's queueing) and returns the diropargs for item.
  diropargs3 Where(const Slot& slot, std::string& name) const {
    name = FileName(prefix_, slot.item);
    diropargs3 where{};
    where.dir = Fh(dir_);
    where.name = name.data();
    return where;
  }
  int SendCreate(Slot& slot, RpcCallback callback) const {
    std::string name;
    CREATE3args args{};
    args.where = Where(slot, name);
    args.how.mode = GUARDED;
    sattr3& attributes = args.how.createhow3_u.obj_attributes;
    attributes.mode.set_it = 1;
    attributes.mode.set_mode3_u.mode = 0644;
    return rpc_nfs3_create_async(slot.connection->rpc(), callback, &args, &slot);
  }
  // The new file's handle from a CREATE reply, into slot.handle.
  static Outcome ReceiveCreate(Slot& slot, void* reply, std::string& error) {
    const auto* res = static_cast<CREATE3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "CREATE", res->status);
    const post_op_fh3& obj = res->CREATE3res_u.resok.obj;
    if (!obj.handle_follows) {
      error = "CREATE gave no handle";
      return Outcome::kFailed;
    }
    slot.handle.assign(obj.post_op_fh3_u.handle.data.data_val,
                       obj.post_op_fh3_u.handle.data.data_len);
    return Outcome::kDone;
  }

 private:
  std::string dir_;
  const char* prefix_;
};

class CreateWorkload final : public NamedFileWorkload {
 public:
  CreateWorkload(std::string dir, const char* prefix, std::vector<std::string>& handles)
      : NamedFileWorkload(std::move(dir), prefix, handles.size()), handles_(handles) {}
  int Send(Slot& slot, RpcCallback callback) override { return SendCreate(slot, callback); }
  Outcome Receive(Slot& slot, void* reply, std::string& error) override {
    const Outcome outcome = ReceiveCreate(slot, reply, error);
    if (outcome == Outcome::kDone) handles_[slot.item] = slot.handle;
    return outcome;
  }

 private:
  std::vector<std::string>& handles_;
};

class LookupWorkload final : public NamedFileWorkload {
 public:
  using NamedFileWorkload::NamedFileWorkload;
  int Send(Slot& slot, RpcCallback callback) override {
    std::string name;
    LOOKUP3args args{};
    args.what = Where(slot, name);
    return rpc_nfs3_lookup_async(slot.connection->rpc(), callback, &args, &slot);
  }
  Outcome Receive(Slot& /*slot*/, void* reply, std::string& error) override {
    const auto* res = static_cast<LOOKUP3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "LOOKUP", res->status);
    return Outcome::kDone;
  }
};

class RemoveWorkload final : public NamedFileWorkload {
 public:
  using NamedFileWorkload::NamedFileWorkload;
  int Send(Slot& slot, RpcCallback callback) override {
    std::string name;
    REMOVE3args args{};
    args.object = Where(slot, name);
    return rpc_nfs3_remove_async(slot.connection->rpc(), callback, &args, &slot);
  }
  Outcome Receive(Slot& /*slot*/, void* reply, std::string& error) override {
    const auto* res = static_cast<REMOVE3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "REMOVE", res->status);
    return Outcome::kDone;
  }
};

class SmallFileWorkload final : public NamedFileWorkload {
 public:
  SmallFileWorkload(std::string dir, const char* prefix, uint64_t files, uint32_t size)
      : NamedFileWorkload(std::move(dir), prefix, files), size_(size) {
    Payload(size);
  }
  int Send(Slot& slot, RpcCallback callback) override {
    if (slot.step == 0) return SendCreate(slot, callback);
    WRITE3args args{};
    args.file = Fh(slot.handle);
    args.offset = 0;
    args.count = size_;
    args.stable = FILE_SYNC;
    args.data.data_len = size_;
    args.data.data_val = const_cast<char*>(Payload(size_).data());
    return rpc_nfs3_write_async(slot.connection->rpc(), callback, &args, &slot);
  }
  Outcome Receive(Slot& slot, void* reply, std::string& error) override {
    if (slot.step == 0) {
      const Outcome created = ReceiveCreate(slot, reply, error);
      return created == Outcome::kDone ? Outcome::kAgain : created;
    }
    const auto* res = static_cast<WRITE3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "WRITE", res->status);
    if (res->WRITE3res_u.resok.count != size_ || res->WRITE3res_u.resok.committed != FILE_SYNC) {
      error = "WRITE FILE_SYNC came back short or less than FILE_SYNC";
      return Outcome::kFailed;
    }
    slot.units = size_;
    return Outcome::kDone;
  }

 private:
  uint32_t size_;
};

class GetattrWorkload final : public Workload {
 public:
  explicit GetattrWorkload(const std::vector<std::string>& handles)
      : Workload(handles.size()), handles_(handles) {}
  int Send(Slot& slot, RpcCallback callback) override {
    GETATTR3args args{};
    args.object = Fh(handles_[slot.item]);
    return rpc_nfs3_getattr_async(slot.connection->rpc(), callback, &args, &slot);
  }
  Outcome Receive(Slot& /*slot*/, void* reply, std::string& error) override {
    const auto* res = static_cast<GETATTR3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "GETATTR", res->status);
    return Outcome::kDone;
  }

 private:
  const std::vector<std::string>& handles_;
};

class ReaddirplusWorkload final : public Workload {
 public:
  ReaddirplusWorkload(std::string dir, uint64_t listings, uint32_t dircount, uint32_t maxcount)
      : Workload(listings), dir_(std::move(dir)), dircount_(dircount), maxcount_(maxcount) {}
  int Send(Slot& slot, RpcCallback callback) override {
    if (slot.step == 0) {
      slot.cookie = 0;
      std::memset(slot.cookieverf, 0, sizeof slot.cookieverf);
    }
    READDIRPLUS3args args{};
    args.dir = Fh(dir_);
    args.cookie = slot.cookie;
    std::memcpy(args.cookieverf, slot.cookieverf, sizeof args.cookieverf);
    args.dircount = dircount_;
    args.maxcount = maxcount_;
    return rpc_nfs3_readdirplus_async(slot.connection->rpc(), callback, &args, &slot);
  }
  Outcome Receive(Slot& slot, void* reply, std::string& error) override {
    const auto* res = static_cast<READDIRPLUS3res*>(reply);
    if (res->status != NFS3_OK) return Failed(error, "READDIRPLUS", res->status);
    const READDIRPLUS3resok& ok = res->READDIRPLUS3res_u.resok;
    uint64_t entries = 0;
    for (const entryplus3* entry = ok.reply.entries; entry != nullptr; entry = entry->nextentry) {
      ++entries;
      slot.cookie = entry->cookie;
    }
    slot.units += entries;
    std::memcpy(slot.cookieverf, ok.cookieverf, sizeof slot.cookieverf);
    if (ok.reply.eof) return Outcome::kDone;
    if (entries == 0) {
      error = "READDIRPLUS returned no entries and no eof";
      return Outcome::kFailed;
    }
    return Outcome::kAgain;
  }
  bool TimesEachCall() const override { return true; }

 private:
  std::string dir_;
  uint32_t dircount_;
  uint32_t maxcount_;
};

}  // namespace

std::string FileName(const char* prefix, uint64_t index) {
  char name[48];
  std::snprintf(name, sizeof name, "%s%08llu", prefix, static_cast<unsigned long long>(index));
  return name;
}

std::unique_ptr<Workload> MakeNullWorkload(uint64_t calls) {
  return std::make_unique<NullWorkload>(calls);
}
std::unique_ptr<Workload> MakeWriteWorkload(const std::string& file, uint64_t blocks,
                                            uint32_t block) {
  return std::make_unique<WriteWorkload>(file, blocks, block, UNSTABLE);
}
std::unique_ptr<Workload> MakeCommitWorkload(const std::string& file) {
  return std::make_unique<CommitWorkload>(file);
}
std::unique_ptr<Workload> MakeReadWorkload(const std::string& file, uint64_t blocks,
                                           uint32_t block) {
  return std::make_unique<ReadWorkload>(file, blocks, block);
}
std::unique_ptr<Workload> MakeRandomReadWorkload(const std::string& file, uint64_t file_size,
                                                 uint32_t block, uint64_t reads, uint64_t seed) {
  return std::make_unique<RandomReadWorkload>(file, file_size, block, reads, seed);
}
std::unique_ptr<Workload> MakeCreateWorkload(const std::string& dir, const char* prefix,
                                             std::vector<std::string>& handles) {
  return std::make_unique<CreateWorkload>(dir, prefix, handles);
}
std::unique_ptr<Workload> MakeLookupWorkload(const std::string& dir, const char* prefix,
                                             uint64_t files) {
  return std::make_unique<LookupWorkload>(dir, prefix, files);
}
std::unique_ptr<Workload> MakeGetattrWorkload(const std::vector<std::string>& handles) {
  return std::make_unique<GetattrWorkload>(handles);
}
std::unique_ptr<Workload> MakeRemoveWorkload(const std::string& dir, const char* prefix,
                                             uint64_t files) {
  return std::make_unique<RemoveWorkload>(dir, prefix, files);
}
std::unique_ptr<Workload> MakeReaddirplusWorkload(const std::string& dir, uint64_t listings,
                                                  uint32_t dircount, uint32_t maxcount) {
  return std::make_unique<ReaddirplusWorkload>(dir, listings, dircount, maxcount);
}
std::unique_ptr<Workload> MakeSmallFileWorkload(const std::string& dir, const char* prefix,
                                                uint64_t files, uint32_t size) {
  return std::make_unique<SmallFileWorkload>(dir, prefix, files, size);
}

}  // namespace nfsuite::bench
