#ifndef NFSUITE_SERVICE_NFS_NFS2_XDR_H_
#define NFSUITE_SERVICE_NFS_NFS2_XDR_H_

#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "service/nfs/nfs2_types.h"

// XDR codecs of NFS version 2 (RFC 1094), in both directions: the server decodes arguments and
// encodes results (usable as MakeProcedure's decoder and encoder), a client or a test does the
// inverse. v2 procedures share argument and result shapes, so there is one codec per shape, not
// per procedure (the table in nfs2_service.cc names which procedure uses which).
//
// Decoders use the sticky-error XdrDecoder and refuse, before any procedure runs: handles that
// are not 32 bytes long (they are fixed-size opaque), names over 1024 bytes, paths over
// NFS_MAXPATHLEN, WRITE data over NFS_MAXDATA. Names are otherwise passed through byte for byte,
// so the procedure answers NAMETOOLONG or ACCES as for v3.
//
// Results: the status, then the body when it is NFS_OK. A result whose status is kOk but has no
// body (a procedure bug) goes out as NFSERR_IO, never as a success the procedure did not mean.
// NULL, ROOT and WRITECACHE take and return void: use rpc::DecodeVoid and rpc::EncodeVoid.
namespace nfsuite::nfs::v2 {

// ---- Arguments: server side Decode, client side Encode ----
void DecodeFHandle(xdr::XdrDecoder& decoder, FHandle& handle);  // GETATTR, READLINK, STATFS
void EncodeFHandle(xdr::XdrEncoder& encoder, const FHandle& handle);
void DecodeSattrArgs(xdr::XdrDecoder& decoder, SattrArgs& args);  // SETATTR
void EncodeSattrArgs(xdr::XdrEncoder& encoder, const SattrArgs& args);
void DecodeDirOpArgs(xdr::XdrDecoder& decoder, DirOpArgs& args);  // LOOKUP, REMOVE, RMDIR
void EncodeDirOpArgs(xdr::XdrEncoder& encoder, const DirOpArgs& args);
void DecodeReadArgs(xdr::XdrDecoder& decoder, ReadArgs& args);
void EncodeReadArgs(xdr::XdrEncoder& encoder, const ReadArgs& args);
void DecodeWriteArgs(xdr::XdrDecoder& decoder, WriteArgs& args);
void EncodeWriteArgs(xdr::XdrEncoder& encoder, const WriteArgs& args);
void DecodeCreateArgs(xdr::XdrDecoder& decoder, CreateArgs& args);  // CREATE, MKDIR
void EncodeCreateArgs(xdr::XdrEncoder& encoder, const CreateArgs& args);
void DecodeRenameArgs(xdr::XdrDecoder& decoder, RenameArgs& args);
void EncodeRenameArgs(xdr::XdrEncoder& encoder, const RenameArgs& args);
void DecodeLinkArgs(xdr::XdrDecoder& decoder, LinkArgs& args);
void EncodeLinkArgs(xdr::XdrEncoder& encoder, const LinkArgs& args);
void DecodeSymlinkArgs(xdr::XdrDecoder& decoder, SymlinkArgs& args);
void EncodeSymlinkArgs(xdr::XdrEncoder& encoder, const SymlinkArgs& args);
void DecodeReaddirArgs(xdr::XdrDecoder& decoder, ReaddirArgs& args);
void EncodeReaddirArgs(xdr::XdrEncoder& encoder, const ReaddirArgs& args);

// ---- Results: server side Encode, client side Decode ----
void EncodeAttrStat(xdr::XdrEncoder& encoder, const AttrStat& res);  // GETATTR, SETATTR, WRITE
void DecodeAttrStat(xdr::XdrDecoder& decoder, AttrStat& res);
void EncodeDirOpRes(xdr::XdrEncoder& encoder, const DirOpRes& res);  // LOOKUP, CREATE, MKDIR
void DecodeDirOpRes(xdr::XdrDecoder& decoder, DirOpRes& res);
void EncodeReadlinkRes(xdr::XdrEncoder& encoder, const ReadlinkRes& res);
void DecodeReadlinkRes(xdr::XdrDecoder& decoder, ReadlinkRes& res);
// READ data is encoded by reference to `data_owner` (copied only when there is none).
void EncodeReadRes(xdr::XdrEncoder& encoder, const ReadRes& res);
void DecodeReadRes(xdr::XdrDecoder& decoder, ReadRes& res);
void EncodeStatRes(xdr::XdrEncoder& encoder, const StatRes& res);
void DecodeStatRes(xdr::XdrDecoder& decoder, StatRes& res);
// Decoding a reply refuses more than kMaxDecodedDirEntries entries.
void EncodeReaddirRes(xdr::XdrEncoder& encoder, const ReaddirRes& res);
void DecodeReaddirRes(xdr::XdrDecoder& decoder, ReaddirRes& res);
void EncodeStatfsRes(xdr::XdrEncoder& encoder, const StatfsRes& res);
void DecodeStatfsRes(xdr::XdrDecoder& decoder, StatfsRes& res);

}  // namespace nfsuite::nfs::v2

#endif  // NFSUITE_SERVICE_NFS_NFS2_XDR_H_
