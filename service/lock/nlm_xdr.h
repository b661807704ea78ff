#ifndef NFSUITE_SERVICE_LOCK_NLM_XDR_H_
#define NFSUITE_SERVICE_LOCK_NLM_XDR_H_

#include <cstdint>

#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "service/lock/nlm_types.h"

// XDR codecs of NLM, in both directions (the server decodes arguments and encodes results; it
// also encodes the calls it makes back to clients, GRANTED and *_RES, and tests decode what it
// sends). Versions 1 and 3 carry offsets and lengths as 32-bit unsigned values (kNarrow), version
// 4 as 64-bit (kWide). Encoding a range that does not fit 32 bits for a v1/v3 peer clamps it the
// way a reader of that version understands: the offset to 2^32-1, the length to 0 ("to the end").
namespace nfsuite::lock {

enum class Width { kNarrow, kWide };

constexpr Width WidthOf(uint32_t version) {
  return version == kNlmVersion4 ? Width::kWide : Width::kNarrow;
}

template <Width W>
void DecodeTestArgs(xdr::XdrDecoder& decoder, NlmTestArgs& args);
template <Width W>
void EncodeTestArgs(xdr::XdrEncoder& encoder, const NlmTestArgs& args);
template <Width W>
void DecodeLockArgs(xdr::XdrDecoder& decoder, NlmLockArgs& args);
template <Width W>
void EncodeLockArgs(xdr::XdrEncoder& encoder, const NlmLockArgs& args);
template <Width W>
void DecodeCancelArgs(xdr::XdrDecoder& decoder, NlmCancelArgs& args);
template <Width W>
void EncodeCancelArgs(xdr::XdrEncoder& encoder, const NlmCancelArgs& args);
template <Width W>
void DecodeUnlockArgs(xdr::XdrDecoder& decoder, NlmUnlockArgs& args);
template <Width W>
void EncodeUnlockArgs(xdr::XdrEncoder& encoder, const NlmUnlockArgs& args);
template <Width W>
void DecodeTestResult(xdr::XdrDecoder& decoder, NlmTestResult& result);
template <Width W>
void EncodeTestResult(xdr::XdrEncoder& encoder, const NlmTestResult& result);

// Shapes without offsets are the same in every version.
void DecodeResult(xdr::XdrDecoder& decoder, NlmResult& result);
void EncodeResult(xdr::XdrEncoder& encoder, const NlmResult& result);
void DecodeShareArgs(xdr::XdrDecoder& decoder, NlmShareArgs& args);
void EncodeShareArgs(xdr::XdrEncoder& encoder, const NlmShareArgs& args);
void DecodeShareResult(xdr::XdrDecoder& decoder, NlmShareResult& result);
void EncodeShareResult(xdr::XdrEncoder& encoder, const NlmShareResult& result);
void DecodeNotify(xdr::XdrDecoder& decoder, NlmNotify& notify);
void EncodeNotify(xdr::XdrEncoder& encoder, const NlmNotify& notify);

}  // namespace nfsuite::lock

#endif  // NFSUITE_SERVICE_LOCK_NLM_XDR_H_
