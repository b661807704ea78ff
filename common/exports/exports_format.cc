#include "common/exports/exports_format.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace nfsuite::exports {

std::string FormatExportPath(absl::string_view path) {
  const bool quoted = path.find_first_of(" #") != absl::string_view::npos;
  std::string out;
  if (quoted) out.push_back('"');
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '"' || c == '\\') {
      absl::StrAppendFormat(&out, "\\%03o", byte);
    } else {
      out.push_back(c);
    }
  }
  if (quoted) out.push_back('"');
  return out;
}

std::string FormatExportOptions(const ExportOptions& options) {
  const ExportOptions defaults;
  std::vector<std::string> parts;
  parts.push_back(options.read_only ? "ro" : "rw");
  if (options.sync != defaults.sync) parts.push_back(options.sync ? "sync" : "async");
  if (options.squash != defaults.squash) {
    switch (options.squash) {
      case SquashMode::kRoot:
        parts.push_back("root_squash");
        break;
      case SquashMode::kNone:
        parts.push_back("no_root_squash");
        break;
      case SquashMode::kAll:
        parts.push_back("all_squash");
        break;
    }
  }
  if (options.anon_uid != defaults.anon_uid) {
    parts.push_back(absl::StrCat("anonuid=", options.anon_uid));
  }
  if (options.anon_gid != defaults.anon_gid) {
    parts.push_back(absl::StrCat("anongid=", options.anon_gid));
  }
  if (options.secure != defaults.secure) parts.push_back(options.secure ? "secure" : "insecure");
  if (options.allow_subdirectory_mounts != defaults.allow_subdirectory_mounts) {
    parts.push_back(options.allow_subdirectory_mounts ? "alldirs" : "noalldirs");
  }
  return absl::StrJoin(parts, ",");
}

std::string FormatExportEntry(const ExportEntry& entry) {
  std::string line = FormatExportPath(entry.path);
  // Per-export options go in the line's defaults, where they visibly belong to no one client.
  std::vector<std::string> attributes;
  if (entry.alias.has_value()) attributes.push_back(absl::StrCat("name=", *entry.alias));
  if (entry.is_public) attributes.push_back("public");
  if (entry.fsid.has_value()) attributes.push_back(absl::StrCat("fsid=", *entry.fsid));
  if (!attributes.empty()) absl::StrAppend(&line, " -", absl::StrJoin(attributes, ","));
  for (const ClientRule& rule : entry.clients) {
    absl::StrAppend(&line, " ", rule.client.text, "(", FormatExportOptions(rule.options), ")");
  }
  return line;
}

std::string FormatExports(absl::Span<const ExportEntry> entries) {
  std::string text;
  for (const ExportEntry& entry : entries) absl::StrAppend(&text, FormatExportEntry(entry), "\n");
  return text;
}

}  // namespace nfsuite::exports
