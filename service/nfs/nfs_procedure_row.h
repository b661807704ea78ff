#ifndef NFSUITE_SERVICE_NFS_NFS_PROCEDURE_ROW_H_
#define NFSUITE_SERVICE_NFS_NFS_PROCEDURE_ROW_H_

#include "common/rpc/call_context.h"
#include "common/rpc/procedure.h"
#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "service/nfs/transfer_report.h"

namespace nfsuite::nfs {

// One row of an NFS service's dispatch table (v2 and v3 alike): `method` of `service` with its
// codec, the file data it moved reported to the call statistics.
template <typename Service, typename Args, typename Res>
rpc::Procedure NfsProcedureRow(Service* service, const char* name,
                               void (*decode)(xdr::XdrDecoder&, Args&),
                               Res (Service::*method)(const rpc::CallContext&, const Args&),
                               void (*encode)(xdr::XdrEncoder&, const Res&),
                               rpc::ProcedurePolicies policies) {
  return rpc::MakeProcedure(
      name, decode,
      [service, method](const rpc::CallContext& context, const Args& args) {
        Res result = (service->*method)(context, args);
        ReportTransfer(context, args, result);
        return result;
      },
      encode, policies);
}

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFS_PROCEDURE_ROW_H_
