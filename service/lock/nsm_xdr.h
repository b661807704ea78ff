#ifndef NFSUITE_SERVICE_LOCK_NSM_XDR_H_
#define NFSUITE_SERVICE_LOCK_NSM_XDR_H_

#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "service/lock/nsm_types.h"

// XDR codecs of NSM version 1, in both directions: the server decodes calls and encodes replies,
// and encodes the SM_NOTIFY and status callbacks it sends; clients and tests do the inverse.
namespace nfsuite::lock {

void DecodeSmName(xdr::XdrDecoder& decoder, SmName& name);
void EncodeSmName(xdr::XdrEncoder& encoder, const SmName& name);
void DecodeMon(xdr::XdrDecoder& decoder, Mon& mon);
void EncodeMon(xdr::XdrEncoder& encoder, const Mon& mon);
void DecodeMonId(xdr::XdrDecoder& decoder, MonId& mon_id);
void EncodeMonId(xdr::XdrEncoder& encoder, const MonId& mon_id);
void DecodeMyId(xdr::XdrDecoder& decoder, MyId& my_id);
void EncodeMyId(xdr::XdrEncoder& encoder, const MyId& my_id);
void DecodeStatChange(xdr::XdrDecoder& decoder, StatChange& change);
void EncodeStatChange(xdr::XdrEncoder& encoder, const StatChange& change);
void DecodeSmStatResult(xdr::XdrDecoder& decoder, SmStatResult& result);
void EncodeSmStatResult(xdr::XdrEncoder& encoder, const SmStatResult& result);
void DecodeSmStat(xdr::XdrDecoder& decoder, SmStat& result);
void EncodeSmStat(xdr::XdrEncoder& encoder, const SmStat& result);
void DecodeStatusCallback(xdr::XdrDecoder& decoder, StatusCallback& status);
void EncodeStatusCallback(xdr::XdrEncoder& encoder, const StatusCallback& status);

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_NSM_XDR_H_
