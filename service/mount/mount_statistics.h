#ifndef NFSUITE_SERVICE_MOUNT_MOUNT_STATISTICS_H_
#define NFSUITE_SERVICE_MOUNT_MOUNT_STATISTICS_H_

#include <vector>

#include "proto/statistics.pb.h"
#include "service/mount/export_table.h"
#include "service/mount/mount_protocol.h"

namespace nfsuite::mount {

// mountd's mounts per export, from its mount list: every export of `table` (with 0 mounts too),
// each with the mount list entries MNT would resolve to it (its path, alias or below). Entries
// of exports no longer in the table are not reported.
void DescribeMounts(const ExportTable& table, const std::vector<MountEntry>& mounts,
                    control::v1::DaemonStatistics& out);

}  // namespace nfsuite::mount

#endif  // NFSUITE_SERVICE_MOUNT_MOUNT_STATISTICS_H_
