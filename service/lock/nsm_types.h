#ifndef NFSUITE_SERVICE_LOCK_NSM_TYPES_H_
#define NFSUITE_SERVICE_LOCK_NSM_TYPES_H_

#include <array>
#include <cstdint>
#include <string>

// The Network Status Monitor protocol (Open Group XNFS, chapter 11), version 1: how hosts that
// share locks learn that one of them rebooted. A host's state number is odd while it is up and
// grows by one at every boot and every crash.
namespace nfsuite::lock {

inline constexpr uint32_t kNsmProgram = 100024;
inline constexpr uint32_t kNsmVersion = 1;
inline constexpr size_t kMaxMonitorName = 1024;  // SM_MAXSTRLEN

enum class NsmProcedure : uint32_t {
  kNull = 0,
  kStat = 1,
  kMon = 2,
  kUnmon = 3,
  kUnmonAll = 4,
  kSimuCrash = 5,
  kNotify = 6,
};

enum class NsmResult : uint32_t { kSuccess = 0, kFailure = 1 };

struct SmName {  // SM_STAT
  std::string mon_name;
};

// Who to call back (program, version, procedure on host my_name) when a monitored host reboots.
struct MyId {
  std::string my_name;
  int32_t my_prog = 0;
  int32_t my_vers = 0;
  int32_t my_proc = 0;
};

struct MonId {  // SM_UNMON
  std::string mon_name;
  MyId my_id;
};

using MonitorPrivate = std::array<uint8_t, 16>;

struct Mon {  // SM_MON
  MonId mon_id;
  MonitorPrivate priv{};
};

struct SmStatResult {  // SM_STAT and SM_MON replies
  NsmResult result = NsmResult::kSuccess;
  int32_t state = 0;
};

struct SmStat {  // SM_UNMON and SM_UNMON_ALL replies
  int32_t state = 0;
};

struct StatChange {  // SM_NOTIFY: `mon_name` is now in `state`
  std::string mon_name;
  int32_t state = 0;
};

// What the monitor sends to a registered my_id when a monitored host reports a reboot.
struct StatusCallback {
  std::string mon_name;
  int32_t state = 0;
  MonitorPrivate priv{};
};

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_NSM_TYPES_H_
