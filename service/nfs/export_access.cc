#include "service/nfs/export_access.h"

#include <optional>

#include "common/exports/ip_address.h"
#include "common/util/logging.h"
#include "service/nfs/nfs3_conversions.h"

namespace nfsuite::nfs {

std::variant<ExportAccess, Nfsstat3> CheckExportAccess(const ExportSnapshot& snapshot,
                                                       const ServedExport& exported,
                                                       const rpc::CallContext& context) {
  const rpc::SocketAddress& peer = context.origin.peer;
  const std::optional<exports::IpAddress> address =
      exports::IpAddress::FromSockaddr(peer.sockaddr_ptr(), peer.length());
  if (!address.has_value()) return Nfsstat3::kAcces;
  const exports::ClientRule* rule = snapshot.RuleFor(exported, *address);
  if (rule == nullptr) {
    Logf(LogLevel::kDebug, "%s may not use %s", peer.ToString(), exported.entry.path);
    return Nfsstat3::kAcces;
  }
  if (rule->options.secure && peer.port() >= kFirstUnreservedPort) {
    Logf(LogLevel::kDebug, "%s: %s needs a reserved source port", peer.ToString(),
         exported.entry.path);
    return Nfsstat3::kAcces;
  }
  return ExportAccess{rule, IdentityOf(context.credentials, SquashPolicyOf(rule->options))};
}

}  // namespace nfsuite::nfs
