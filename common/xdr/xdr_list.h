#ifndef NFSUITE_COMMON_XDR_XDR_LIST_H_
#define NFSUITE_COMMON_XDR_XDR_LIST_H_

#include <cstddef>
#include <vector>

#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"

namespace nfsuite::xdr {

// XDR linked lists ("struct item *next", as in pmaplist, mountlist, exports): a TRUE presence
// flag before each element and FALSE after the last.
template <typename T, typename EncodeItem>
void EncodeList(XdrEncoder& encoder, const std::vector<T>& list, EncodeItem encode_item) {
  for (const T& item : list) {
    encoder.Optional(true);
    encode_item(item);
  }
  encoder.Optional(false);
}

// Decodes such a list; the wire does not bound its length, so `max_entries` does.
template <typename T, typename DecodeItem>
void DecodeList(XdrDecoder& decoder, std::vector<T>& list, size_t max_entries,
                DecodeItem decode_item) {
  list.clear();
  while (decoder.Optional()) {
    if (list.size() >= max_entries) {
      decoder.Fail("list longer than the bound on entries");
      return;
    }
    T item{};
    decode_item(item);
    if (!decoder.ok()) return;
    list.push_back(std::move(item));
  }
}

}  // namespace nfsuite::xdr

#endif  // NFSUITE_COMMON_XDR_XDR_LIST_H_
