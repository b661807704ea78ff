#ifndef NFSUITE_SERVICE_NFS_NFS3_TRANSFER_REPORT_H_
#define NFSUITE_SERVICE_NFS_NFS3_TRANSFER_REPORT_H_

#include "common/rpc/call_context.h"
#include "service/nfs/nfs3_types.h"

// The file data an NFSv3 call moved, for the call statistics (bytes read and written): what
// the server actually sent or stored, so a short READ or WRITE counts what it did.
namespace nfsuite::nfs {

inline void ReportTransfer(const rpc::CallContext& context, const ReadRes& result) {
  if (context.report != nullptr && result.ok()) context.report->bytes_read += result.resok().count;
}

inline void ReportTransfer(const rpc::CallContext& context, const WriteRes& result) {
  if (context.report != nullptr && result.ok()) {
    context.report->bytes_written += result.resok().count;
  }
}

// Every other procedure moves no file data.
template <typename Result>
void ReportTransfer(const rpc::CallContext&, const Result&) {}

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFS3_TRANSFER_REPORT_H_
