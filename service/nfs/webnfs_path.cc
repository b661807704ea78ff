#include "service/nfs/webnfs_path.h"

#include <optional>

#include "absl/strings/str_split.h"
#include "service/nfs/nfs3_conversions.h"

namespace nfsuite::nfs {
namespace {

constexpr char kNativePathMark = '\x80';

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Unescape(absl::string_view component) {
  std::string name;
  name.reserve(component.size());
  for (size_t i = 0; i < component.size(); ++i) {
    if (component[i] == '%' && i + 2 < component.size()) {
      const int high = HexValue(component[i + 1]);
      const int low = HexValue(component[i + 2]);
      if (high >= 0 && low >= 0) {
        name.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    name.push_back(component[i]);
  }
  return name;
}

}  // namespace

std::variant<std::vector<std::string>, Nfsstat3> PublicPathComponents(absl::string_view path) {
  const bool native = !path.empty() && path.front() == kNativePathMark;
  if (native) path.remove_prefix(1);
  std::vector<std::string> components;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    std::string name = native ? std::string(part) : Unescape(part);
    if (std::optional<Nfsstat3> error = NameError(name)) return *error;
    components.push_back(std::move(name));
  }
  return components;
}

}  // namespace nfsuite::nfs
