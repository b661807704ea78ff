#ifndef NFSUITE_SERVICE_NFS_TRANSFER_REPORT_H_
#define NFSUITE_SERVICE_NFS_TRANSFER_REPORT_H_

#include "common/rpc/call_context.h"
#include "service/nfs/nfs2_types.h"
#include "service/nfs/nfs3_types.h"

// The file data an NFS call moved, for the call statistics (bytes read and written): what the
// server actually sent or stored, so a short READ or WRITE counts what it did. Each service's
// dispatch row calls ReportTransfer(context, args, result) after every procedure.
namespace nfsuite::nfs {

inline void ReportTransfer(const rpc::CallContext& context, const ReadArgs&,
                           const ReadRes& result) {
  if (context.report != nullptr && result.ok()) context.report->bytes_read += result.resok().count;
}

inline void ReportTransfer(const rpc::CallContext& context, const WriteArgs&,
                           const WriteRes& result) {
  if (context.report != nullptr && result.ok()) {
    context.report->bytes_written += result.resok().count;
  }
}

inline void ReportTransfer(const rpc::CallContext& context, const v2::ReadArgs&,
                           const v2::ReadRes& result) {
  if (context.report != nullptr && result.ok())
    context.report->bytes_read += result.body->data.size();
}

// v2's WRITE reply (attrstat) carries no count: a successful WRITE stored all it was given.
inline void ReportTransfer(const rpc::CallContext& context, const v2::WriteArgs& args,
                           const v2::AttrStat& result) {
  if (context.report != nullptr && result.ok()) context.report->bytes_written += args.data.size();
}

// Every other procedure moves no file data.
template <typename Args, typename Result>
void ReportTransfer(const rpc::CallContext&, const Args&, const Result&) {}

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_TRANSFER_REPORT_H_
