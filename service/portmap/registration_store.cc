#include "service/portmap/registration_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/atomic_file.h"
#include "common/util/escaped_fields.h"

namespace nfsuite::portmap {
namespace {

constexpr absl::string_view kHeader = "# nfsuite portmapd registrations v1\n";

}  // namespace

std::string SerializeRegistrations(const std::vector<Registration>& registrations) {
  std::string text(kHeader);
  for (const Registration& entry : registrations) {
    if (entry.permanent) continue;
    absl::StrAppend(&text,
                    JoinEscapedFields({absl::StrCat(entry.program), absl::StrCat(entry.version),
                                       entry.netid, entry.address, entry.owner}),
                    "\n");
  }
  return text;
}

absl::StatusOr<std::vector<Registration>> ParseRegistrations(absl::string_view text) {
  std::vector<Registration> result;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    Registration entry;
    if (!SplitEscapedFields(line, 5, &fields) || !absl::SimpleAtoi(fields[0], &entry.program) ||
        !absl::SimpleAtoi(fields[1], &entry.version)) {
      return absl::DataLossError(absl::StrCat("line ", line_number, " is not a registration"));
    }
    entry.netid = std::move(fields[2]);
    entry.address = std::move(fields[3]);
    entry.owner = std::move(fields[4]);
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
