// NFS version 2 codecs (service/nfs/nfs2_xdr), arguments and results.
#include <string>
#include <vector>

#include "service/nfs/nfs2_types.h"
#include "service/nfs/nfs2_xdr.h"
#include "tests/fuzz/codec_case.h"

namespace nfsuite::fuzz {
namespace {

namespace v2 = nfs::v2;
namespace proc = nfs::v2::proc;

// Samples use the all-zero handle, WebNFS's public handle: wrapped in a call for the dispatcher
// target, they reach the public export's root instead of stopping at a MAC check.
std::vector<CallTarget> Calls(std::initializer_list<uint32_t> procedures) {
  std::vector<CallTarget> calls;
  for (uint32_t procedure : procedures) calls.push_back({100003, v2::kNfsVersion2, procedure});
  return calls;
}

v2::DirOpArgs Where(const char* name) { return v2::DirOpArgs{v2::FHandle{}, name}; }

}  // namespace

std::vector<CodecCase> Nfs2CodecCases() {
  static const uint8_t kData[] = {'h', 'e', 'l', 'l', 'o', '\n'};
  v2::SattrArgs sattr;
  sattr.attributes.mode = 0644;
  v2::WriteArgs write;
  write.data = absl::MakeConstSpan(kData);
  v2::CreateArgs create{Where("created"), {}};
  create.attributes.mode = 0644;
  v2::Fattr attributes;
  attributes.type = v2::Ftype::kReg;
  attributes.mode = 0100644;
  attributes.nlink = 1;
  v2::ReadOk read_ok{attributes, absl::MakeConstSpan(kData), nullptr};
  v2::ReaddirOk listing{{{2, ".", 1}, {3, "file", 2}}, true};

  std::vector<CodecCase> cases;
  cases.push_back(MakeCodecCase("fhandle", &v2::DecodeFHandle, &v2::EncodeFHandle, v2::FHandle{},
                                Calls({proc::kGetattr, proc::kReadlink, proc::kStatfs})));
  cases.push_back(MakeCodecCase("sattrargs", &v2::DecodeSattrArgs, &v2::EncodeSattrArgs, sattr,
                                Calls({proc::kSetattr})));
  cases.push_back(MakeCodecCase("diropargs", &v2::DecodeDirOpArgs, &v2::EncodeDirOpArgs,
                                Where("file"),
                                Calls({proc::kLookup, proc::kRemove, proc::kRmdir})));
  cases.push_back(MakeCodecCase("readargs", &v2::DecodeReadArgs, &v2::EncodeReadArgs,
                                v2::ReadArgs{{}, 0, 4096, 0}, Calls({proc::kRead})));
  cases.push_back(MakeCodecCase("writeargs", &v2::DecodeWriteArgs, &v2::EncodeWriteArgs, write,
                                Calls({proc::kWrite})));
  cases.push_back(MakeCodecCase("createargs", &v2::DecodeCreateArgs, &v2::EncodeCreateArgs, create,
                                Calls({proc::kCreate, proc::kMkdir})));
  cases.push_back(MakeCodecCase("renameargs", &v2::DecodeRenameArgs, &v2::EncodeRenameArgs,
                                v2::RenameArgs{Where("file"), Where("renamed")},
                                Calls({proc::kRename})));
  cases.push_back(MakeCodecCase("linkargs", &v2::DecodeLinkArgs, &v2::EncodeLinkArgs,
                                v2::LinkArgs{{}, Where("link")}, Calls({proc::kLink})));
  cases.push_back(MakeCodecCase("symlinkargs", &v2::DecodeSymlinkArgs, &v2::EncodeSymlinkArgs,
                                v2::SymlinkArgs{Where("symlink"), "target", {}},
                                Calls({proc::kSymlink})));
  cases.push_back(MakeCodecCase("readdirargs", &v2::DecodeReaddirArgs, &v2::EncodeReaddirArgs,
                                v2::ReaddirArgs{{}, 0, 4096}, Calls({proc::kReaddir})));

  cases.push_back(MakeCodecCase("attrstat", &v2::DecodeAttrStat, &v2::EncodeAttrStat,
                                v2::AttrStat::Success(attributes)));
  cases.push_back(MakeCodecCase("diropres", &v2::DecodeDirOpRes, &v2::EncodeDirOpRes,
                                v2::DirOpRes::Success({v2::FHandle{}, attributes})));
  cases.push_back(MakeCodecCase("readlinkres", &v2::DecodeReadlinkRes, &v2::EncodeReadlinkRes,
                                v2::ReadlinkRes::Success("target")));
  cases.push_back(MakeCodecCase("readres", &v2::DecodeReadRes, &v2::EncodeReadRes,
                                v2::ReadRes::Success(read_ok)));
  cases.push_back(MakeCodecCase("statres", &v2::DecodeStatRes, &v2::EncodeStatRes, v2::StatRes{}));
  cases.push_back(MakeCodecCase("readdirres", &v2::DecodeReaddirRes, &v2::EncodeReaddirRes,
                                v2::ReaddirRes::Success(listing)));
  cases.push_back(MakeCodecCase("statfsres", &v2::DecodeStatfsRes, &v2::EncodeStatfsRes,
                                v2::StatfsRes::Success({8192, 4096, 1000, 500, 400})));
  return cases;
}

}  // namespace nfsuite::fuzz
