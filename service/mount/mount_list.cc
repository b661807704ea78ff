#include "service/mount/mount_list.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/atomic_file.h"
#include "common/util/escaped_fields.h"

namespace nfsuite::mount {
namespace {

constexpr absl::string_view kHeader = "# nfsuite mountd mount list v1\n";

}  // namespace

absl::Status MountList::Load() {
  absl::StatusOr<std::string> text = ReadWholeFile(path_);
  if (absl::IsNotFound(text.status())) return absl::OkStatus();
  if (!text.ok()) return text.status();
  std::vector<MountEntry> loaded;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    if (!SplitEscapedFields(line, 2, &fields)) {
      return absl::DataLossError(absl::StrCat(path_, ":", line_number, ": not a mount list entry"));
    }
    loaded.push_back({std::move(fields[0]), std::move(fields[1])});
  }
  absl::MutexLock lock(&mu_);
  entries_ = std::move(loaded);
  return absl::OkStatus();
}

absl::Status MountList::Save() {
  std::string text(kHeader);
  for (const MountEntry& entry : entries_) {
    absl::StrAppend(&text, JoinEscapedFields({entry.hostname, entry.directory}), "\n");
  }
  return WriteFileAtomically(path_, text, 0600);
}

absl::Status MountList::Add(const MountEntry& entry) {
  absl::MutexLock lock(&mu_);
  if (std::find(entries_.begin(), entries_.end(), entry) != entries_.end()) {
    return absl::OkStatus();
  }
  entries_.push_back(entry);
  return Save();
}

absl::Status MountList::Remove(const MountEntry& entry) {
  absl::MutexLock lock(&mu_);
  const auto end = std::remove(entries_.begin(), entries_.end(), entry);
  if (end == entries_.end()) return absl::OkStatus();
  entries_.erase(end, entries_.end());
  return Save();
}

absl::Status MountList::RemoveHost(const std::string& hostname) {
  absl::MutexLock lock(&mu_);
  const auto end = std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const MountEntry& e) { return e.hostname == hostname; });
  if (end == entries_.end()) return absl::OkStatus();
  entries_.erase(end, entries_.end());
  return Save();
}

std::vector<MountEntry> MountList::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return entries_;
}

}  // namespace nfsuite::mount
