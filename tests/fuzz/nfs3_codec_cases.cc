// NFS version 3 codecs (service/nfs/nfs3_xdr), arguments and results of procedures 1 to 21.
#include <string>
#include <vector>

#include "service/nfs/nfs3_types.h"
#include "service/nfs/nfs3_xdr.h"
#include "tests/fuzz/codec_case.h"

namespace nfsuite::fuzz {
namespace {

namespace n = nfs;
namespace proc = nfs::nfs3_proc;

std::vector<CallTarget> Call(uint32_t procedure) {
  return {{n::kNfsProgram, n::kNfsVersion3, procedure}};
}

// Samples use the empty handle, WebNFS's public handle (see nfs2_codec_cases.cc).
n::DirOpArgs3 Where(const char* name) { return n::DirOpArgs3{n::NfsFh3{}, name}; }

template <typename Result>
Result Ok(typename std::variant_alternative_t<0, decltype(Result::body)> ok = {}) {
  return Result::Success(std::move(ok));
}

}  // namespace

std::vector<CodecCase> Nfs3CodecCases() {
  static const uint8_t kData[] = {'h', 'e', 'l', 'l', 'o', '\n'};
  n::Sattr3 mode_0644;
  mode_0644.mode = 0644;
  n::WriteArgs write;
  write.count = sizeof(kData);
  write.stable = n::StableHow::kFileSync;
  write.data = absl::MakeConstSpan(kData);
  n::CreateArgs create;
  create.where = Where("created");
  create.how.obj_attributes = mode_0644;
  n::MknodArgs mknod;
  mknod.where = Where("fifo");
  mknod.what.type = n::Ftype3::kFifo;
  n::LookupResOk found;
  found.object.data.assign(28, 0x5a);
  n::Fattr3 attributes;
  attributes.mode = 0644;
  attributes.nlink = 1;
  n::ReadResOk read_ok;
  read_ok.file_attributes = attributes;
  read_ok.count = sizeof(kData);
  read_ok.eof = true;
  read_ok.data = absl::MakeConstSpan(kData);
  n::ReaddirResOk listing;
  listing.entries = {{2, ".", 1}, {3, "file", 2}};
  listing.eof = true;
  n::ReaddirplusResOk plus_listing;
  plus_listing.entries.push_back({3, "file", 1, attributes, found.object});

  std::vector<CodecCase> cases;
  // Arguments, in procedure order.
  cases.push_back(MakeCodecCase("getattr_args", &n::DecodeGetattrArgs, &n::EncodeGetattrArgs, {},
                                Call(proc::kGetattr)));
  cases.push_back(MakeCodecCase("setattr_args", &n::DecodeSetattrArgs, &n::EncodeSetattrArgs,
                                n::SetattrArgs{{}, mode_0644, std::nullopt}, Call(proc::kSetattr)));
  cases.push_back(MakeCodecCase("lookup_args", &n::DecodeLookupArgs, &n::EncodeLookupArgs,
                                n::LookupArgs{Where("file")}, Call(proc::kLookup)));
  cases.push_back(MakeCodecCase("access_args", &n::DecodeAccessArgs, &n::EncodeAccessArgs,
                                n::AccessArgs{{}, 0x3f}, Call(proc::kAccess)));
  cases.push_back(MakeCodecCase("readlink_args", &n::DecodeReadlinkArgs, &n::EncodeReadlinkArgs, {},
                                Call(proc::kReadlink)));
  cases.push_back(MakeCodecCase("read_args", &n::DecodeReadArgs, &n::EncodeReadArgs,
                                n::ReadArgs{{}, 0, 4096}, Call(proc::kRead)));
  cases.push_back(MakeCodecCase("write_args", &n::DecodeWriteArgs, &n::EncodeWriteArgs, write,
                                Call(proc::kWrite)));
  cases.push_back(MakeCodecCase("create_args", &n::DecodeCreateArgs, &n::EncodeCreateArgs, create,
                                Call(proc::kCreate)));
  cases.push_back(MakeCodecCase("mkdir_args", &n::DecodeMkdirArgs, &n::EncodeMkdirArgs,
                                n::MkdirArgs{Where("dir"), mode_0644}, Call(proc::kMkdir)));
  cases.push_back(MakeCodecCase("symlink_args", &n::DecodeSymlinkArgs, &n::EncodeSymlinkArgs,
                                n::SymlinkArgs{Where("symlink"), {{}, "target"}},
                                Call(proc::kSymlink)));
  cases.push_back(MakeCodecCase("mknod_args", &n::DecodeMknodArgs, &n::EncodeMknodArgs, mknod,
                                Call(proc::kMknod)));
  cases.push_back(MakeCodecCase("remove_args", &n::DecodeRemoveArgs, &n::EncodeRemoveArgs,
                                n::RemoveArgs{Where("file")}, Call(proc::kRemove)));
  cases.push_back(MakeCodecCase("rmdir_args", &n::DecodeRmdirArgs, &n::EncodeRmdirArgs,
                                n::RmdirArgs{Where("dir")}, Call(proc::kRmdir)));
  cases.push_back(MakeCodecCase("rename_args", &n::DecodeRenameArgs, &n::EncodeRenameArgs,
                                n::RenameArgs{Where("file"), Where("renamed")},
                                Call(proc::kRename)));
  cases.push_back(MakeCodecCase("link_args", &n::DecodeLinkArgs, &n::EncodeLinkArgs,
                                n::LinkArgs{{}, Where("link")}, Call(proc::kLink)));
  cases.push_back(MakeCodecCase("readdir_args", &n::DecodeReaddirArgs, &n::EncodeReaddirArgs,
                                n::ReaddirArgs{{}, 0, {}, 4096}, Call(proc::kReaddir)));
  cases.push_back(
      MakeCodecCase("readdirplus_args", &n::DecodeReaddirplusArgs, &n::EncodeReaddirplusArgs,
                    n::ReaddirplusArgs{{}, 0, {}, 1024, 8192}, Call(proc::kReaddirplus)));
  cases.push_back(MakeCodecCase("fsstat_args", &n::DecodeFsstatArgs, &n::EncodeFsstatArgs, {},
                                Call(proc::kFsstat)));
  cases.push_back(MakeCodecCase("fsinfo_args", &n::DecodeFsinfoArgs, &n::EncodeFsinfoArgs, {},
                                Call(proc::kFsinfo)));
  cases.push_back(MakeCodecCase("pathconf_args", &n::DecodePathconfArgs, &n::EncodePathconfArgs, {},
                                Call(proc::kPathconf)));
  cases.push_back(MakeCodecCase("commit_args", &n::DecodeCommitArgs, &n::EncodeCommitArgs, {},
                                Call(proc::kCommit)));

  // Results, which clients and tests decode.
  cases.push_back(MakeCodecCase("getattr_res", &n::DecodeGetattrRes, &n::EncodeGetattrRes,
                                Ok<n::GetattrRes>({attributes})));
  cases.push_back(MakeCodecCase("setattr_res", &n::DecodeSetattrRes, &n::EncodeSetattrRes,
                                Ok<n::SetattrRes>()));
  cases.push_back(MakeCodecCase("lookup_res", &n::DecodeLookupRes, &n::EncodeLookupRes,
                                Ok<n::LookupRes>(found)));
  cases.push_back(
      MakeCodecCase("access_res", &n::DecodeAccessRes, &n::EncodeAccessRes, Ok<n::AccessRes>()));
  cases.push_back(MakeCodecCase("readlink_res", &n::DecodeReadlinkRes, &n::EncodeReadlinkRes,
                                Ok<n::ReadlinkRes>()));
  cases.push_back(
      MakeCodecCase("read_res", &n::DecodeReadRes, &n::EncodeReadRes, Ok<n::ReadRes>(read_ok)));
  cases.push_back(
      MakeCodecCase("write_res", &n::DecodeWriteRes, &n::EncodeWriteRes, Ok<n::WriteRes>()));
  cases.push_back(
      MakeCodecCase("create_res", &n::DecodeCreateRes, &n::EncodeCreateRes, Ok<n::CreateRes>()));
  cases.push_back(
      MakeCodecCase("mkdir_res", &n::DecodeMkdirRes, &n::EncodeMkdirRes, Ok<n::MkdirRes>()));
  cases.push_back(MakeCodecCase("symlink_res", &n::DecodeSymlinkRes, &n::EncodeSymlinkRes,
                                Ok<n::SymlinkRes>()));
  cases.push_back(
      MakeCodecCase("mknod_res", &n::DecodeMknodRes, &n::EncodeMknodRes, Ok<n::MknodRes>()));
  cases.push_back(
      MakeCodecCase("remove_res", &n::DecodeRemoveRes, &n::EncodeRemoveRes, Ok<n::RemoveRes>()));
  cases.push_back(
      MakeCodecCase("rmdir_res", &n::DecodeRmdirRes, &n::EncodeRmdirRes, Ok<n::RmdirRes>()));
  cases.push_back(
      MakeCodecCase("rename_res", &n::DecodeRenameRes, &n::EncodeRenameRes, Ok<n::RenameRes>()));
  cases.push_back(
      MakeCodecCase("link_res", &n::DecodeLinkRes, &n::EncodeLinkRes, Ok<n::LinkRes>()));
  cases.push_back(MakeCodecCase("readdir_res", &n::DecodeReaddirRes, &n::EncodeReaddirRes,
                                Ok<n::ReaddirRes>(listing)));
  cases.push_back(MakeCodecCase("readdirplus_res", &n::DecodeReaddirplusRes,
                                &n::EncodeReaddirplusRes, Ok<n::ReaddirplusRes>(plus_listing)));
  cases.push_back(
      MakeCodecCase("fsstat_res", &n::DecodeFsstatRes, &n::EncodeFsstatRes, Ok<n::FsstatRes>()));
  cases.push_back(
      MakeCodecCase("fsinfo_res", &n::DecodeFsinfoRes, &n::EncodeFsinfoRes, Ok<n::FsinfoRes>()));
  cases.push_back(MakeCodecCase("pathconf_res", &n::DecodePathconfRes, &n::EncodePathconfRes,
                                Ok<n::PathconfRes>()));
  cases.push_back(
      MakeCodecCase("commit_res", &n::DecodeCommitRes, &n::EncodeCommitRes, Ok<n::CommitRes>()));
  return cases;
}

}  // namespace nfsuite::fuzz
