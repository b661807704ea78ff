// libFuzzer target: the exports-file parser (common/exports/exports_parser). The input is parsed
// as a whole file, as one command-line client argument, and (split at newlines) as the
// arguments of `nfsctl export add`. A file that parses is formatted back (exports_format.h) and
// must parse to equal entries: nfsctl rewrites the file that way, so a difference would change
// exports behind the administrator's back. Host names never reach DNS: no name resolves.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/exports/exports_format.h"
#include "common/exports/exports_parser.h"
#include "tests/fuzz/codec_case.h"

namespace {

namespace exports = nfsuite::exports;
using nfsuite::fuzz::Violation;

exports::ExportsParseOptions Options() {
  exports::ExportsParseOptions options;
  options.resolve_host = nullptr;
  return options;
}

void CheckFile(absl::string_view text) {
  const exports::ExportsParseResult result = exports::ParseExports(text, "fuzz", Options());
  const auto* parsed = std::get_if<exports::ParsedExports>(&result);
  if (parsed == nullptr) {
    (void)std::get<exports::ExportsError>(result).ToString();
    return;
  }
  for (const exports::ExportsWarning& warning : parsed->warnings) (void)warning.ToString();
  const std::string formatted = exports::FormatExports(parsed->entries);
  const exports::ExportsParseResult again = exports::ParseExports(formatted, "fuzz", Options());
  const auto* reparsed = std::get_if<exports::ParsedExports>(&again);
  if (reparsed == nullptr) {
    Violation("formatted exports do not parse: " +
              std::get<exports::ExportsError>(again).ToString() + "\n--- formatted:\n" + formatted);
  }
  if (reparsed->entries != parsed->entries) {
    Violation("formatted exports parse to different entries:\n" + formatted);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckFile(text);
  (void)exports::ParseClientArgument(text, "argument", Options());
  const std::vector<std::string> arguments = absl::StrSplit(text, '\n');
  (void)exports::ParseExportArguments(arguments, "arguments", Options());
  return 0;
}
