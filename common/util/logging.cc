#include "common/util/logging.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace nfsuite {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};

absl::Mutex g_identity_mu;
std::string& Identity() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_identity_mu) {
  static auto* identity = new std::string("nfsuite");
  return *identity;
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(level, std::memory_order_relaxed); }
LogLevel GetLogLevel() { return g_level.load(std::memory_order_relaxed); }

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (LogLevel candidate :
       {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    if (lower == LogLevelName(candidate)) {
      *level = candidate;
      return true;
    }
  }
  return false;
}

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

void SetLogIdentity(absl::string_view identity) {
  absl::MutexLock lock(&g_identity_mu);
  Identity() = std::string(identity);
}

void LogLine(LogLevel level, absl::string_view message) {
  std::string identity;
  {
    absl::MutexLock lock(&g_identity_mu);
    identity = Identity();
  }
  const std::string line =
      absl::StrFormat("%s %s[%d] %s: %s\n",
                      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
                      identity, getpid(), LogLevelName(level), message);
  // One write per line so lines from concurrent threads never interleave.
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

void DieBecause(absl::string_view condition, absl::string_view why, const char* file, int line) {
  LogLine(LogLevel::kError,
          absl::StrFormat("invariant broken at %s:%d: %s (%s)", file, line, why, condition));
  std::abort();
}

}  // namespace nfsuite
