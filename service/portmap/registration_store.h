#ifndef NFSUITE_SERVICE_PORTMAP_REGISTRATION_STORE_H_
#define NFSUITE_SERVICE_PORTMAP_REGISTRATION_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/portmap/registration_table.h"

namespace nfsuite::portmap {

// The warm-start file: registrations survive a portmapd restart, so daemons that registered
// before it need not register again. One registration per line, fields C-escaped and separated
// by tabs; portmapd's own (permanent) entries are not stored.
std::string SerializeRegistrations(const std::vector<Registration>& registrations);
absl::StatusOr<std::vector<Registration>> ParseRegistrations(absl::string_view text);

absl::Status SaveRegistrations(const std::string& path,
                               const std::vector<Registration>& registrations);
// An absent file is an empty table.
absl::StatusOr<std::vector<Registration>> LoadRegistrations(const std::string& path);

}  // namespace nfsuite::portmap

#endif  // NFSUITE_SERVICE_PORTMAP_REGISTRATION_STORE_H_
