#ifndef NFSUITE_COMMON_UTIL_ESCAPED_FIELDS_H_
#define NFSUITE_COMMON_UTIL_ESCAPED_FIELDS_H_

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

// One line of a daemon's state file: fields C-escaped (so tabs, newlines and any byte a client
// sent survive) and separated by tabs.
namespace nfsuite {

inline std::string JoinEscapedFields(const std::vector<std::string>& fields) {
  return absl::StrJoin(fields, "\t", [](std::string* out, const std::string& field) {
    out->append(absl::CEscape(field));
  });
}

// False when the line does not hold exactly `count` well-escaped fields.
inline bool SplitEscapedFields(absl::string_view line, size_t count,
                               std::vector<std::string>* fields) {
  std::vector<absl::string_view> escaped = absl::StrSplit(line, '\t');
  if (escaped.size() != count) return false;
  fields->assign(count, "");
  for (size_t i = 0; i < count; ++i) {
    if (!absl::CUnescape(escaped[i], &(*fields)[i])) return false;
  }
  return true;
}

}  // namespace nfsuite

#endif  // NFSUITE_COMMON_UTIL_ESCAPED_FIELDS_H_
