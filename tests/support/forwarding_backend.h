#ifndef NFSUITE_TESTS_SUPPORT_FORWARDING_BACKEND_H_
#define NFSUITE_TESTS_SUPPORT_FORWARDING_BACKEND_H_

#include <memory>
#include <string>
#include <utility>

#include "service/storage/storage_backend.h"

namespace nfsuite::storage {

// A backend that passes every call to another one. Tests derive from it and override the calls
// they want to watch or fail (what the NFS layer asked for, injected errors), keeping the real
// behaviour of all the others.
class ForwardingBackend : public StorageBackend {
 public:
  explicit ForwardingBackend(std::shared_ptr<StorageBackend> inner) : inner_(std::move(inner)) {}

  ObjectId Root() const override { return inner_->Root(); }
  uint64_t FilesystemId() const override { return inner_->FilesystemId(); }
  StorageResult<Attributes> GetAttributes(const Identity& who, const ObjectId& object) override {
    return inner_->GetAttributes(who, object);
  }
  StorageResult<Attributes> SetAttributes(const Identity& who, const ObjectId& object,
                                          const AttributeChanges& changes) override {
    return inner_->SetAttributes(who, object, changes);
  }
  StorageResult<NamedObject> Lookup(const Identity& who, const ObjectId& directory,
                                    absl::string_view name) override {
    return inner_->Lookup(who, directory, name);
  }
  StorageResult<std::string> ReadLink(const Identity& who, const ObjectId& link) override {
    return inner_->ReadLink(who, link);
  }
  StorageResult<ReadData> Read(const Identity& who, const ObjectId& file, uint64_t offset,
                               uint32_t count) override {
    return inner_->Read(who, file, offset, count);
  }
  StorageResult<WriteOutcome> Write(const Identity& who, const ObjectId& file, uint64_t offset,
                                    absl::Span<const uint8_t> data, Stability stability) override {
    return inner_->Write(who, file, offset, data, stability);
  }
  StorageStatus Commit(const Identity& who, const ObjectId& file, uint64_t offset,
                       uint32_t count) override {
    return inner_->Commit(who, file, offset, count);
  }
  StorageResult<NamedObject> Create(const Identity& who, const ObjectId& directory,
                                    absl::string_view name, const CreateHow& how) override {
    return inner_->Create(who, directory, name, how);
  }
  StorageResult<NamedObject> MakeDirectory(const Identity& who, const ObjectId& directory,
                                           absl::string_view name,
                                           const AttributeChanges& initial) override {
    return inner_->MakeDirectory(who, directory, name, initial);
  }
  StorageResult<NamedObject> MakeSymlink(const Identity& who, const ObjectId& directory,
                                         absl::string_view name, absl::string_view target,
                                         const AttributeChanges& initial) override {
    return inner_->MakeSymlink(who, directory, name, target, initial);
  }
  StorageResult<NamedObject> MakeNode(const Identity& who, const ObjectId& directory,
                                      absl::string_view name, FileType type, uint32_t rdev_major,
                                      uint32_t rdev_minor,
                                      const AttributeChanges& initial) override {
    return inner_->MakeNode(who, directory, name, type, rdev_major, rdev_minor, initial);
  }
  StorageStatus Remove(const Identity& who, const ObjectId& directory,
                       absl::string_view name) override {
    return inner_->Remove(who, directory, name);
  }
  StorageStatus RemoveDirectory(const Identity& who, const ObjectId& directory,
                                absl::string_view name) override {
    return inner_->RemoveDirectory(who, directory, name);
  }
  StorageStatus Rename(const Identity& who, const ObjectId& from_directory,
                       absl::string_view from_name, const ObjectId& to_directory,
                       absl::string_view to_name) override {
    return inner_->Rename(who, from_directory, from_name, to_directory, to_name);
  }
  StorageStatus Link(const Identity& who, const ObjectId& file, const ObjectId& directory,
                     absl::string_view name) override {
    return inner_->Link(who, file, directory, name);
  }
  StorageResult<DirectoryPage> ReadDirectory(const Identity& who, const ObjectId& directory,
                                             uint64_t cookie, uint64_t cookie_verifier,
                                             size_t max_entries, bool with_attributes) override {
    return inner_->ReadDirectory(who, directory, cookie, cookie_verifier, max_entries,
                                 with_attributes);
  }
  StorageResult<FilesystemStatistics> Statistics(const Identity& who,
                                                 const ObjectId& object) override {
    return inner_->Statistics(who, object);
  }
  StorageResult<LockableFile> OpenForLocking(const Identity& who, const ObjectId& file) override {
    return inner_->OpenForLocking(who, file);
  }

 private:
  std::shared_ptr<StorageBackend> inner_;
};

}  // namespace nfsuite::storage

#endif  // NFSUITE_TESTS_SUPPORT_FORWARDING_BACKEND_H_
