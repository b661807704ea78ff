#ifndef NFSUITE_CTL_EXPORT_LINE_H_
#define NFSUITE_CTL_EXPORT_LINE_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/exports/export_entry.h"

namespace nfsuite::ctl {

// One export of mountd's table, whose lines are exports(5) lines, parsed as mountd parsed it
// (without looking host names up again: only what was written is shown).
absl::StatusOr<exports::ExportEntry> ParseExportLine(const std::string& line);

}  // namespace nfsuite::ctl

#endif  // NFSUITE_CTL_EXPORT_LINE_H_
