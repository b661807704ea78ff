#include "service/lock/nlm_xdr.h"

#include <limits>

namespace nfsuite::lock {
namespace {

constexpr uint64_t kNarrowMax = std::numeric_limits<uint32_t>::max();

Netobj DecodeNetobj(xdr::XdrDecoder& decoder) {
  const absl::Span<const uint8_t> bytes = decoder.Opaque(kMaxNetobj);
  return Netobj(bytes.begin(), bytes.end());
}

template <Width W>
uint64_t DecodeOffset(xdr::XdrDecoder& decoder) {
  if constexpr (W == Width::kWide) {
    return decoder.Uint64();
  } else {
    return decoder.Uint32();
  }
}

// A range as a peer of width W reads it (see the header for the narrow clamp).
template <Width W>
void EncodeRange(xdr::XdrEncoder& encoder, uint64_t offset, uint64_t length) {
  if constexpr (W == Width::kWide) {
    encoder.Uint64(offset);
    encoder.Uint64(length);
  } else {
    // The last byte (offset + length - 1) must be a 32-bit offset; length 0 always fits.
    const bool fits = offset <= kNarrowMax && (length == 0 || length - 1 <= kNarrowMax - offset);
    encoder.Uint32(static_cast<uint32_t>(offset <= kNarrowMax ? offset : kNarrowMax));
    encoder.Uint32(fits ? static_cast<uint32_t>(length) : 0);
  }
}

template <Width W>
void DecodeLock(xdr::XdrDecoder& decoder, NlmLock& lock) {
  lock.caller_name = decoder.String(kMaxCallerName);
  lock.fh = DecodeNetobj(decoder);
  lock.oh = DecodeNetobj(decoder);
  lock.svid = decoder.Int32();
  lock.offset = DecodeOffset<W>(decoder);
  lock.length = DecodeOffset<W>(decoder);
}

template <Width W>
void EncodeLock(xdr::XdrEncoder& encoder, const NlmLock& lock) {
  encoder.String(lock.caller_name);
  encoder.Opaque(lock.fh);
  encoder.Opaque(lock.oh);
  encoder.Int32(lock.svid);
  EncodeRange<W>(encoder, lock.offset, lock.length);
}

NlmStatus DecodeStatus(xdr::XdrDecoder& decoder) {
  return static_cast<NlmStatus>(decoder.Enum({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

}  // namespace

template <Width W>
void DecodeTestArgs(xdr::XdrDecoder& decoder, NlmTestArgs& args) {
  args.cookie = DecodeNetobj(decoder);
  args.exclusive = decoder.Bool();
  DecodeLock<W>(decoder, args.lock);
}

template <Width W>
void EncodeTestArgs(xdr::XdrEncoder& encoder, const NlmTestArgs& args) {
  encoder.Opaque(args.cookie);
  encoder.Bool(args.exclusive);
  EncodeLock<W>(encoder, args.lock);
}

template <Width W>
void DecodeLockArgs(xdr::XdrDecoder& decoder, NlmLockArgs& args) {
  args.cookie = DecodeNetobj(decoder);
  args.block = decoder.Bool();
  args.exclusive = decoder.Bool();
  DecodeLock<W>(decoder, args.lock);
  args.reclaim = decoder.Bool();
  args.state = decoder.Int32();
}

template <Width W>
void EncodeLockArgs(xdr::XdrEncoder& encoder, const NlmLockArgs& args) {
  encoder.Opaque(args.cookie);
  encoder.Bool(args.block);
  encoder.Bool(args.exclusive);
  EncodeLock<W>(encoder, args.lock);
  encoder.Bool(args.reclaim);
  encoder.Int32(args.state);
}

template <Width W>
void DecodeCancelArgs(xdr::XdrDecoder& decoder, NlmCancelArgs& args) {
  args.cookie = DecodeNetobj(decoder);
  args.block = decoder.Bool();
  args.exclusive = decoder.Bool();
  DecodeLock<W>(decoder, args.lock);
}

template <Width W>
void EncodeCancelArgs(xdr::XdrEncoder& encoder, const NlmCancelArgs& args) {
  encoder.Opaque(args.cookie);
  encoder.Bool(args.block);
  encoder.Bool(args.exclusive);
  EncodeLock<W>(encoder, args.lock);
}

template <Width W>
void DecodeUnlockArgs(xdr::XdrDecoder& decoder, NlmUnlockArgs& args) {
  args.cookie = DecodeNetobj(decoder);
  DecodeLock<W>(decoder, args.lock);
}

template <Width W>
void EncodeUnlockArgs(xdr::XdrEncoder& encoder, const NlmUnlockArgs& args) {
  encoder.Opaque(args.cookie);
  EncodeLock<W>(encoder, args.lock);
}

template <Width W>
void DecodeTestResult(xdr::XdrDecoder& decoder, NlmTestResult& result) {
  result.cookie = DecodeNetobj(decoder);
  result.status = DecodeStatus(decoder);
  if (result.status != NlmStatus::kDenied) return;
  result.holder.exclusive = decoder.Bool();
  result.holder.svid = decoder.Int32();
  result.holder.oh = DecodeNetobj(decoder);
  result.holder.offset = DecodeOffset<W>(decoder);
  result.holder.length = DecodeOffset<W>(decoder);
}

template <Width W>
void EncodeTestResult(xdr::XdrEncoder& encoder, const NlmTestResult& result) {
  encoder.Opaque(result.cookie);
  encoder.Uint32(static_cast<uint32_t>(result.status));
  if (result.status != NlmStatus::kDenied) return;
  encoder.Bool(result.holder.exclusive);
  encoder.Int32(result.holder.svid);
  encoder.Opaque(result.holder.oh);
  EncodeRange<W>(encoder, result.holder.offset, result.holder.length);
}

// Both widths, for the version tables and the clients of every version.
template void DecodeTestArgs<Width::kNarrow>(xdr::XdrDecoder&, NlmTestArgs&);
template void EncodeTestArgs<Width::kNarrow>(xdr::XdrEncoder&, const NlmTestArgs&);
template void DecodeLockArgs<Width::kNarrow>(xdr::XdrDecoder&, NlmLockArgs&);
template void EncodeLockArgs<Width::kNarrow>(xdr::XdrEncoder&, const NlmLockArgs&);
template void DecodeCancelArgs<Width::kNarrow>(xdr::XdrDecoder&, NlmCancelArgs&);
template void EncodeCancelArgs<Width::kNarrow>(xdr::XdrEncoder&, const NlmCancelArgs&);
template void DecodeUnlockArgs<Width::kNarrow>(xdr::XdrDecoder&, NlmUnlockArgs&);
template void EncodeUnlockArgs<Width::kNarrow>(xdr::XdrEncoder&, const NlmUnlockArgs&);
template void DecodeTestResult<Width::kNarrow>(xdr::XdrDecoder&, NlmTestResult&);
template void EncodeTestResult<Width::kNarrow>(xdr::XdrEncoder&, const NlmTestResult&);
template void DecodeTestArgs<Width::kWide>(xdr::XdrDecoder&, NlmTestArgs&);
template void EncodeTestArgs<Width::kWide>(xdr::XdrEncoder&, const NlmTestArgs&);
template void DecodeLockArgs<Width::kWide>(xdr::XdrDecoder&, NlmLockArgs&);
template void EncodeLockArgs<Width::kWide>(xdr::XdrEncoder&, const NlmLockArgs&);
template void DecodeCancelArgs<Width::kWide>(xdr::XdrDecoder&, NlmCancelArgs&);
template void EncodeCancelArgs<Width::kWide>(xdr::XdrEncoder&, const NlmCancelArgs&);
template void DecodeUnlockArgs<Width::kWide>(xdr::XdrDecoder&, NlmUnlockArgs&);
template void EncodeUnlockArgs<Width::kWide>(xdr::XdrEncoder&, const NlmUnlockArgs&);
template void DecodeTestResult<Width::kWide>(xdr::XdrDecoder&, NlmTestResult&);
template void EncodeTestResult<Width::kWide>(xdr::XdrEncoder&, const NlmTestResult&);

void DecodeResult(xdr::XdrDecoder& decoder, NlmResult& result) {
  result.cookie = DecodeNetobj(decoder);
  result.status = DecodeStatus(decoder);
}

void EncodeResult(xdr::XdrEncoder& encoder, const NlmResult& result) {
  encoder.Opaque(result.cookie);
  encoder.Uint32(static_cast<uint32_t>(result.status));
}

void DecodeShareArgs(xdr::XdrDecoder& decoder, NlmShareArgs& args) {
  args.cookie = DecodeNetobj(decoder);
  args.share.caller_name = decoder.String(kMaxCallerName);
  args.share.fh = DecodeNetobj(decoder);
  args.share.oh = DecodeNetobj(decoder);
  args.share.mode = static_cast<ShareMode>(decoder.Enum({0, 1, 2, 3}));
  args.share.access = static_cast<ShareAccess>(decoder.Enum({0, 1, 2, 3}));
  args.reclaim = decoder.Bool();
}

void EncodeShareArgs(xdr::XdrEncoder& encoder, const NlmShareArgs& args) {
  encoder.Opaque(args.cookie);
  encoder.String(args.share.caller_name);
  encoder.Opaque(args.share.fh);
  encoder.Opaque(args.share.oh);
  encoder.Uint32(static_cast<uint32_t>(args.share.mode));
  encoder.Uint32(static_cast<uint32_t>(args.share.access));
  encoder.Bool(args.reclaim);
}

void DecodeShareResult(xdr::XdrDecoder& decoder, NlmShareResult& result) {
  result.cookie = DecodeNetobj(decoder);
  result.status = DecodeStatus(decoder);
  result.sequence = decoder.Int32();
}

void EncodeShareResult(xdr::XdrEncoder& encoder, const NlmShareResult& result) {
  encoder.Opaque(result.cookie);
  encoder.Uint32(static_cast<uint32_t>(result.status));
  encoder.Int32(result.sequence);
}

void DecodeNotify(xdr::XdrDecoder& decoder, NlmNotify& notify) {
  notify.name = decoder.String(kMaxNotifyName);
  notify.state = decoder.Int32();
}

void EncodeNotify(xdr::XdrEncoder& encoder, const NlmNotify& notify) {
  encoder.String(notify.name);
  encoder.Int32(notify.state);
}

}  // namespace nfsuite::lock
