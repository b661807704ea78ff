#include "service/portmap/registration_store.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/atomic_file.h"

namespace nfsuite::portmap {
namespace {

constexpr absl::string_view kHeader = "# nfsuite portmapd registrations v1\n";

}  // namespace

std::string SerializeRegistrations(const std::vector<Registration>& registrations) {
  std::string text(kHeader);
  for (const Registration& entry : registrations) {
    if (entry.permanent) continue;
    absl::StrAppend(&text, entry.program, "\t", entry.version, "\t", absl::CEscape(entry.netid),
                    "\t", absl::CEscape(entry.address), "\t", absl::CEscape(entry.owner), "\n");
  }
  return text;
}

absl::StatusOr<std::vector<Registration>> ParseRegistrations(absl::string_view text) {
  std::vector<Registration> result;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    Registration entry;
    if (fields.size() != 5 || !absl::SimpleAtoi(fields[0], &entry.program) ||
        !absl::SimpleAtoi(fields[1], &entry.version) || !absl::CUnescape(fields[2], &entry.netid) ||
        !absl::CUnescape(fields[3], &entry.address) || !absl::CUnescape(fields[4], &entry.owner)) {
      return absl::DataLossError(absl::StrCat("line ", line_number, " is not a registration"));
    }
    result.push_back(std::move(entry));
  }
  return result;
}

absl::Status SaveRegistrations(const std::string& path,
                               const std::vector<Registration>& registrations) {
  return WriteFileAtomically(path, SerializeRegistrations(registrations), 0600);
}

absl::StatusOr<std::vector<Registration>> LoadRegistrations(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (absl::IsNotFound(text.status())) return std::vector<Registration>{};
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<Registration>> parsed = ParseRegistrations(*text);
  if (!parsed.ok()) {
    return absl::DataLossError(absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

}  // namespace nfsuite::portmap
