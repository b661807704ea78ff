#include "common/exports/export_path.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace nfsuite::exports {

absl::StatusOr<std::string> NormalizeExportPath(absl::string_view path) {
  if (path.empty()) return absl::InvalidArgumentError("is empty");
  if (path.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("contains a NUL byte");
  }
  if (path[0] != '/') return absl::InvalidArgumentError("is not absolute");
  std::vector<absl::string_view> components;
  for (absl::string_view component : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (component == ".") continue;
    if (component == "..") {
      return absl::InvalidArgumentError("has a \"..\" component");
    }
    components.push_back(component);
  }
  std::string normalized = absl::StrCat("/", absl::StrJoin(components, "/"));
  if (normalized.size() > kMaxExportPathLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("is longer than ", kMaxExportPathLength, " bytes (MNTPATHLEN)"));
  }
  return normalized;
}

}  // namespace nfsuite::exports
