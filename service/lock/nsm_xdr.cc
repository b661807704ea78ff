#include "service/lock/nsm_xdr.h"

#include <algorithm>

namespace nfsuite::lock {
namespace {

void DecodePrivate(xdr::XdrDecoder& decoder, MonitorPrivate& priv) {
  const absl::Span<const uint8_t> bytes = decoder.FixedOpaque(priv.size());
  if (bytes.size() == priv.size()) std::copy(bytes.begin(), bytes.end(), priv.begin());
}

}  // namespace

void DecodeSmName(xdr::XdrDecoder& decoder, SmName& name) {
  name.mon_name = decoder.String(kMaxMonitorName);
}

void EncodeSmName(xdr::XdrEncoder& encoder, const SmName& name) { encoder.String(name.mon_name); }

void DecodeMyId(xdr::XdrDecoder& decoder, MyId& my_id) {
  my_id.my_name = decoder.String(kMaxMonitorName);
  my_id.my_prog = decoder.Int32();
  my_id.my_vers = decoder.Int32();
  my_id.my_proc = decoder.Int32();
}

void EncodeMyId(xdr::XdrEncoder& encoder, const MyId& my_id) {
  encoder.String(my_id.my_name);
  encoder.Int32(my_id.my_prog);
  encoder.Int32(my_id.my_vers);
  encoder.Int32(my_id.my_proc);
}

void DecodeMonId(xdr::XdrDecoder& decoder, MonId& mon_id) {
  mon_id.mon_name = decoder.String(kMaxMonitorName);
  DecodeMyId(decoder, mon_id.my_id);
}

void EncodeMonId(xdr::XdrEncoder& encoder, const MonId& mon_id) {
  encoder.String(mon_id.mon_name);
  EncodeMyId(encoder, mon_id.my_id);
}

void DecodeMon(xdr::XdrDecoder& decoder, Mon& mon) {
  DecodeMonId(decoder, mon.mon_id);
  DecodePrivate(decoder, mon.priv);
}

void EncodeMon(xdr::XdrEncoder& encoder, const Mon& mon) {
  EncodeMonId(encoder, mon.mon_id);
  encoder.FixedOpaque(mon.priv);
}

void DecodeStatChange(xdr::XdrDecoder& decoder, StatChange& change) {
  change.mon_name = decoder.String(kMaxMonitorName);
  change.state = decoder.Int32();
}

void EncodeStatChange(xdr::XdrEncoder& encoder, const StatChange& change) {
  encoder.String(change.mon_name);
  encoder.Int32(change.state);
}

void DecodeSmStatResult(xdr::XdrDecoder& decoder, SmStatResult& result) {
  result.result = static_cast<NsmResult>(decoder.Enum({0, 1}));
  result.state = decoder.Int32();
}

void EncodeSmStatResult(xdr::XdrEncoder& encoder, const SmStatResult& result) {
  encoder.Uint32(static_cast<uint32_t>(result.result));
  encoder.Int32(result.state);
}

void DecodeSmStat(xdr::XdrDecoder& decoder, SmStat& result) { result.state = decoder.Int32(); }

void EncodeSmStat(xdr::XdrEncoder& encoder, const SmStat& result) { encoder.Int32(result.state); }

void DecodeStatusCallback(xdr::XdrDecoder& decoder, StatusCallback& status) {
  status.mon_name = decoder.String(kMaxMonitorName);
  status.state = decoder.Int32();
  DecodePrivate(decoder, status.priv);
}

void EncodeStatusCallback(xdr::XdrEncoder& encoder, const StatusCallback& status) {
  encoder.String(status.mon_name);
  encoder.Int32(status.state);
  encoder.FixedOpaque(status.priv);
}

}  // namespace nfsuite::lock
