#include "common/exports/export_entry.h"

#include "absl/strings/str_cat.h"

namespace nfsuite::exports {

bool ExportEntry::operator==(const ExportEntry& other) const {
  return path == other.path && alias == other.alias && is_public == other.is_public &&
         fsid == other.fsid && clients == other.clients;
}

std::string SourceLocation::ToString() const {
  if (line <= 0) return file;
  return absl::StrCat(file, ":", line, ":", column);
}

std::string ExportsWarning::ToString() const {
  return absl::StrCat(location.ToString(), ": warning: ", message);
}

const ExportEntry* ParsedExports::FindByName(absl::string_view name) const {
  for (const ExportEntry& entry : entries) {
    if (entry.path == name || entry.alias == name) return &entry;
  }
  return nullptr;
}

const ExportEntry* ParsedExports::FindPublic() const {
  for (const ExportEntry& entry : entries) {
    if (entry.is_public) return &entry;
  }
  return nullptr;
}

}  // namespace nfsuite::exports
