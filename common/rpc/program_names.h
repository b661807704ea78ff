#ifndef NFSUITE_COMMON_RPC_PROGRAM_NAMES_H_
#define NFSUITE_COMMON_RPC_PROGRAM_NAMES_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace nfsuite::rpc {

// The conventional name of a well-known ONC RPC program (as /etc/rpc has it), or "".
inline absl::string_view ProgramName(uint32_t program) {
  switch (program) {
    case 100000:
      return "portmapper";
    case 100003:
      return "nfs";
    case 100005:
      return "mountd";
    case 100021:
      return "nlockmgr";
    case 100024:
      return "status";
    case 100227:
      return "nfs_acl";
    default:
      return "";
  }
}

}  // namespace nfsuite::rpc

#endif  // NFSUITE_COMMON_RPC_PROGRAM_NAMES_H_
