#ifndef NFSUITE_COMMON_UTIL_LOGGING_H_
#define NFSUITE_COMMON_UTIL_LOGGING_H_

#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace nfsuite {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// The process-wide threshold; changed live through the control service.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool ParseLogLevel(absl::string_view text, LogLevel* level);
absl::string_view LogLevelName(LogLevel level);
// Prefix for every line this process writes, usually the daemon's name.
void SetLogIdentity(absl::string_view identity);

void LogLine(LogLevel level, absl::string_view message);

template <typename... Args>
void Logf(LogLevel level, const absl::FormatSpec<Args...>& format, const Args&... args) {
  if (level < GetLogLevel()) return;
  LogLine(level, absl::StrFormat(format, args...));
}

// Ends the process after logging why: for broken invariants only, never for bad input.
[[noreturn]] void DieBecause(absl::string_view condition, absl::string_view why, const char* file,
                             int line);

}  // namespace nfsuite

#define NFSUITE_CHECK(condition, why) \
  ((condition) ? (void)0 : ::nfsuite::DieBecause(#condition, (why), __FILE__, __LINE__))

#endif  // NFSUITE_COMMON_UTIL_LOGGING_H_
