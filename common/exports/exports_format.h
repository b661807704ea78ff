#ifndef NFSUITE_COMMON_EXPORTS_EXPORTS_FORMAT_H_
#define NFSUITE_COMMON_EXPORTS_EXPORTS_FORMAT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/exports/export_entry.h"

namespace nfsuite::exports {

// Writes entries back in the syntax ParseExports reads (so that `nfsctl export add` can rewrite
// the file), such that parsing the output gives equal entries. Defined for entries the parser
// can produce: at least one client, and aliases without blanks, quotes, '#', ',', '(' or ')'.

// Double-quoted when it holds a space or '#'; control characters, '"' and '\' as \ooo.
std::string FormatExportPath(absl::string_view path);

// "ro" or "rw" always (the most important fact about a client), then only the options that
// differ from the defaults, e.g. "rw,async,no_root_squash,anonuid=1000,insecure".
std::string FormatExportOptions(const ExportOptions& options);

// One line without a newline: PATH [-name=ALIAS,public,fsid=N] CLIENT(OPTIONS)...
std::string FormatExportEntry(const ExportEntry& entry);

// Every entry, one per line, each ending in a newline.
std::string FormatExports(absl::Span<const ExportEntry> entries);

}  // namespace nfsuite::exports

#endif  // NFSUITE_COMMON_EXPORTS_EXPORTS_FORMAT_H_
