#include "common/exports/exports_file_edit.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace nfsuite::exports {
namespace {

// The text cut into physical lines, each with its newline (the last may lack one).
std::vector<absl::string_view> PhysicalLines(absl::string_view text) {
  std::vector<absl::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const size_t length = end == absl::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(0, length));
    text.remove_prefix(length);
  }
  return lines;
}

// Whether a physical line continues on the next, as the parser reads it: it ends in a backslash
// (before "\n" or "\r\n") outside a comment. Quotes do not stop a continuation, but a '#' inside
// them starts no comment; `in_quotes` carries an open quote across joined lines.
bool ContinuesOnNextLine(absl::string_view line, bool& in_quotes) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  for (const char c : line) {
    if (c == '"') in_quotes = !in_quotes;
    if (c == '#' && !in_quotes) return false;  // the comment runs to the end of the line
  }
  return !line.empty() && line.back() == '\\';
}

}  // namespace

LineSpan EntryLineSpan(absl::string_view text, int first_line) {
  const std::vector<absl::string_view> lines = PhysicalLines(text);
  LineSpan span{first_line, first_line};
  bool in_quotes = false;
  while (span.last_line >= 1 && span.last_line < static_cast<int>(lines.size()) &&
         ContinuesOnNextLine(lines[span.last_line - 1], in_quotes)) {
    ++span.last_line;
  }
  return span;
}

std::string ReplaceEntry(absl::string_view text, int first_line, absl::string_view line) {
  const std::vector<absl::string_view> lines = PhysicalLines(text);
  const LineSpan span = EntryLineSpan(text, first_line);
  std::string edited;
  for (int number = 1; number <= static_cast<int>(lines.size()); ++number) {
    if (number < span.first_line || number > span.last_line) {
      absl::StrAppend(&edited, lines[number - 1]);
    } else if (number == span.first_line && !line.empty()) {
      absl::StrAppend(&edited, line, "\n");
    }
  }
  return edited;
}

std::string AppendEntry(absl::string_view text, absl::string_view line) {
  std::string edited(text);
  if (!edited.empty() && edited.back() != '\n') edited.push_back('\n');
  absl::StrAppend(&edited, line, "\n");
  return edited;
}

}  // namespace nfsuite::exports
