#ifndef NFSUITE_SERVICE_NFS_NFS3_XDR_H_
#define NFSUITE_SERVICE_NFS_NFS3_XDR_H_

#include "common/xdr/xdr_decoder.h"
#include "common/xdr/xdr_encoder.h"
#include "service/nfs/nfs3_types.h"

// XDR codecs of NFS version 3 (RFC 1813), in both directions: the server decodes arguments and
// encodes results (DecodeXxxArgs, EncodeXxxRes: usable as MakeProcedure's decoder and encoder),
// a client or a test does the inverse (EncodeXxxArgs, DecodeXxxRes).
//
// Decoders use the sticky-error XdrDecoder: they never throw, and the caller checks status()
// (or Finish()) once. Everything a malformed call could exploit is refused here, before any
// procedure runs: handles of 0 or over 64 bytes, names over 1024 bytes, paths over 4096 bytes,
// WRITE data over kMaxTransferSize, undefined ftype3, stable_how, createmode3 and time_how
// values, bools other than 0 and 1. Names are otherwise passed through byte for byte ('/', NUL
// and 256..1024-byte names included) so that the procedure can answer with the RFC's status.
//
// Results: the encoder writes `status` and the arm `body` holds. If they disagree (a procedure
// bug) the reply is still a well-formed failure: a Fail body with status kOk goes out as
// SERVERFAULT, an Ok body with a failure status as that status with an empty failure arm (no
// attributes). The client-side decoder accepts any non-zero status as a failure, so that a
// status this code does not know is still reported.
//
// NULL (procedure 0) takes and returns void: use rpc::DecodeVoid and rpc::EncodeVoid.
namespace nfsuite::nfs {

// ---- Shared types (section 2.5) ----
void EncodeNfsFh3(xdr::XdrEncoder& encoder, const NfsFh3& handle);
void DecodeNfsFh3(xdr::XdrDecoder& decoder, NfsFh3& handle);
void EncodeFattr3(xdr::XdrEncoder& encoder, const Fattr3& attributes);
void DecodeFattr3(xdr::XdrDecoder& decoder, Fattr3& attributes);
void EncodePostOpAttr(xdr::XdrEncoder& encoder, const PostOpAttr& attributes);
void DecodePostOpAttr(xdr::XdrDecoder& decoder, PostOpAttr& attributes);
void EncodeWccData(xdr::XdrEncoder& encoder, const WccData& wcc);
void DecodeWccData(xdr::XdrDecoder& decoder, WccData& wcc);
void EncodeSattr3(xdr::XdrEncoder& encoder, const Sattr3& attributes);
void DecodeSattr3(xdr::XdrDecoder& decoder, Sattr3& attributes);

// ---- Procedures 1..21 (section 3.3.x) ----
// Server side: Decode...Args, Encode...Res. Client side: Encode...Args, Decode...Res.

void DecodeGetattrArgs(xdr::XdrDecoder& decoder, GetattrArgs& args);
void EncodeGetattrRes(xdr::XdrEncoder& encoder, const GetattrRes& res);
void EncodeGetattrArgs(xdr::XdrEncoder& encoder, const GetattrArgs& args);
void DecodeGetattrRes(xdr::XdrDecoder& decoder, GetattrRes& res);

void DecodeSetattrArgs(xdr::XdrDecoder& decoder, SetattrArgs& args);
void EncodeSetattrRes(xdr::XdrEncoder& encoder, const SetattrRes& res);
void EncodeSetattrArgs(xdr::XdrEncoder& encoder, const SetattrArgs& args);
void DecodeSetattrRes(xdr::XdrDecoder& decoder, SetattrRes& res);

void DecodeLookupArgs(xdr::XdrDecoder& decoder, LookupArgs& args);
void EncodeLookupRes(xdr::XdrEncoder& encoder, const LookupRes& res);
void EncodeLookupArgs(xdr::XdrEncoder& encoder, const LookupArgs& args);
void DecodeLookupRes(xdr::XdrDecoder& decoder, LookupRes& res);

void DecodeAccessArgs(xdr::XdrDecoder& decoder, AccessArgs& args);
void EncodeAccessRes(xdr::XdrEncoder& encoder, const AccessRes& res);
void EncodeAccessArgs(xdr::XdrEncoder& encoder, const AccessArgs& args);
void DecodeAccessRes(xdr::XdrDecoder& decoder, AccessRes& res);

void DecodeReadlinkArgs(xdr::XdrDecoder& decoder, ReadlinkArgs& args);
void EncodeReadlinkRes(xdr::XdrEncoder& encoder, const ReadlinkRes& res);
void EncodeReadlinkArgs(xdr::XdrEncoder& encoder, const ReadlinkArgs& args);
void DecodeReadlinkRes(xdr::XdrDecoder& decoder, ReadlinkRes& res);

// READ data is encoded by reference to `data_owner` (copied only when there is no owner).
void DecodeReadArgs(xdr::XdrDecoder& decoder, ReadArgs& args);
void EncodeReadRes(xdr::XdrEncoder& encoder, const ReadRes& res);
void EncodeReadArgs(xdr::XdrEncoder& encoder, const ReadArgs& args);
void DecodeReadRes(xdr::XdrDecoder& decoder, ReadRes& res);

// WRITE data decodes as a view into the decoder's input.
void DecodeWriteArgs(xdr::XdrDecoder& decoder, WriteArgs& args);
void EncodeWriteRes(xdr::XdrEncoder& encoder, const WriteRes& res);
void EncodeWriteArgs(xdr::XdrEncoder& encoder, const WriteArgs& args);
void DecodeWriteRes(xdr::XdrDecoder& decoder, WriteRes& res);

void DecodeCreateArgs(xdr::XdrDecoder& decoder, CreateArgs& args);
void EncodeCreateRes(xdr::XdrEncoder& encoder, const CreateRes& res);
void EncodeCreateArgs(xdr::XdrEncoder& encoder, const CreateArgs& args);
void DecodeCreateRes(xdr::XdrDecoder& decoder, CreateRes& res);

void DecodeMkdirArgs(xdr::XdrDecoder& decoder, MkdirArgs& args);
void EncodeMkdirRes(xdr::XdrEncoder& encoder, const MkdirRes& res);
void EncodeMkdirArgs(xdr::XdrEncoder& encoder, const MkdirArgs& args);
void DecodeMkdirRes(xdr::XdrDecoder& decoder, MkdirRes& res);

void DecodeSymlinkArgs(xdr::XdrDecoder& decoder, SymlinkArgs& args);
void EncodeSymlinkRes(xdr::XdrEncoder& encoder, const SymlinkRes& res);
void EncodeSymlinkArgs(xdr::XdrEncoder& encoder, const SymlinkArgs& args);
void DecodeSymlinkRes(xdr::XdrDecoder& decoder, SymlinkRes& res);

void DecodeMknodArgs(xdr::XdrDecoder& decoder, MknodArgs& args);
void EncodeMknodRes(xdr::XdrEncoder& encoder, const MknodRes& res);
void EncodeMknodArgs(xdr::XdrEncoder& encoder, const MknodArgs& args);
void DecodeMknodRes(xdr::XdrDecoder& decoder, MknodRes& res);

void DecodeRemoveArgs(xdr::XdrDecoder& decoder, RemoveArgs& args);
void EncodeRemoveRes(xdr::XdrEncoder& encoder, const RemoveRes& res);
void EncodeRemoveArgs(xdr::XdrEncoder& encoder, const RemoveArgs& args);
void DecodeRemoveRes(xdr::XdrDecoder& decoder, RemoveRes& res);

void DecodeRmdirArgs(xdr::XdrDecoder& decoder, RmdirArgs& args);
void EncodeRmdirRes(xdr::XdrEncoder& encoder, const RmdirRes& res);
void EncodeRmdirArgs(xdr::XdrEncoder& encoder, const RmdirArgs& args);
void DecodeRmdirRes(xdr::XdrDecoder& decoder, RmdirRes& res);

void DecodeRenameArgs(xdr::XdrDecoder& decoder, RenameArgs& args);
void EncodeRenameRes(xdr::XdrEncoder& encoder, const RenameRes& res);
void EncodeRenameArgs(xdr::XdrEncoder& encoder, const RenameArgs& args);
void DecodeRenameRes(xdr::XdrDecoder& decoder, RenameRes& res);

void DecodeLinkArgs(xdr::XdrDecoder& decoder, LinkArgs& args);
void EncodeLinkRes(xdr::XdrEncoder& encoder, const LinkRes& res);
void EncodeLinkArgs(xdr::XdrEncoder& encoder, const LinkArgs& args);
void DecodeLinkRes(xdr::XdrDecoder& decoder, LinkRes& res);

// Decoding a reply refuses more than kMaxDecodedDirEntries entries.
void DecodeReaddirArgs(xdr::XdrDecoder& decoder, ReaddirArgs& args);
void EncodeReaddirRes(xdr::XdrEncoder& encoder, const ReaddirRes& res);
void EncodeReaddirArgs(xdr::XdrEncoder& encoder, const ReaddirArgs& args);
void DecodeReaddirRes(xdr::XdrDecoder& decoder, ReaddirRes& res);

// Decoding a reply refuses more than kMaxDecodedDirEntries entries.
void DecodeReaddirplusArgs(xdr::XdrDecoder& decoder, ReaddirplusArgs& args);
void EncodeReaddirplusRes(xdr::XdrEncoder& encoder, const ReaddirplusRes& res);
void EncodeReaddirplusArgs(xdr::XdrEncoder& encoder, const ReaddirplusArgs& args);
void DecodeReaddirplusRes(xdr::XdrDecoder& decoder, ReaddirplusRes& res);

void DecodeFsstatArgs(xdr::XdrDecoder& decoder, FsstatArgs& args);
void EncodeFsstatRes(xdr::XdrEncoder& encoder, const FsstatRes& res);
void EncodeFsstatArgs(xdr::XdrEncoder& encoder, const FsstatArgs& args);
void DecodeFsstatRes(xdr::XdrDecoder& decoder, FsstatRes& res);

void DecodeFsinfoArgs(xdr::XdrDecoder& decoder, FsinfoArgs& args);
void EncodeFsinfoRes(xdr::XdrEncoder& encoder, const FsinfoRes& res);
void EncodeFsinfoArgs(xdr::XdrEncoder& encoder, const FsinfoArgs& args);
void DecodeFsinfoRes(xdr::XdrDecoder& decoder, FsinfoRes& res);

void DecodePathconfArgs(xdr::XdrDecoder& decoder, PathconfArgs& args);
void EncodePathconfRes(xdr::XdrEncoder& encoder, const PathconfRes& res);
void EncodePathconfArgs(xdr::XdrEncoder& encoder, const PathconfArgs& args);
void DecodePathconfRes(xdr::XdrDecoder& decoder, PathconfRes& res);

void DecodeCommitArgs(xdr::XdrDecoder& decoder, CommitArgs& args);
void EncodeCommitRes(xdr::XdrEncoder& encoder, const CommitRes& res);
void EncodeCommitArgs(xdr::XdrEncoder& encoder, const CommitArgs& args);
void DecodeCommitRes(xdr::XdrDecoder& decoder, CommitRes& res);

}  // namespace nfsuite::nfs

#endif  // NFSUITE_SERVICE_NFS_NFS3_XDR_H_
