#ifndef NFSUITE_COMMON_EXPORTS_EXPORTS_FILE_EDIT_H_
#define NFSUITE_COMMON_EXPORTS_EXPORTS_FILE_EDIT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nfsuite::exports {

// Edits of an exports file's text that keep everything else as the administrator wrote it:
// comments, blank lines, the layout of the other entries. Used by `nfsctl export add/remove`
// (through mountd), which must never rewrite a hand-kept file wholesale.

// The physical lines [first_line, last_line] (1-based) an entry starting at `first_line` spans:
// its line and every line a trailing backslash (outside quotes and comments) joins to it.
struct LineSpan {
  int first_line = 0;
  int last_line = 0;
};
LineSpan EntryLineSpan(absl::string_view text, int first_line);

// `text` with the entry starting at `first_line` replaced by `line` (one logical line, without a
// newline), or removed with its continuation lines when `line` is empty.
std::string ReplaceEntry(absl::string_view text, int first_line, absl::string_view line);

// `text` with `line` added as a new last line (a missing final newline is supplied first).
std::string AppendEntry(absl::string_view text, absl::string_view line);

}  // namespace nfsuite::exports

#endif  // NFSUITE_COMMON_EXPORTS_EXPORTS_FILE_EDIT_H_
