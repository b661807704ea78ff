// Writes the seed corpora of the fuzz targets: small valid inputs made with the project's own
// encoders, one file per case, in CORPUS_DIR/<target>/. Run it after changing a codec table:
//   build-fuzz/tests/fuzz/make_seed_corpus tests/fuzz/corpus
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rpc/record_marking.h"
#include "common/rpc/rpc_message.h"
#include "common/xdr/xdr_encoder.h"
#include "tests/fuzz/codec_case.h"

namespace {

namespace fuzz = nfsuite::fuzz;
namespace rpc = nfsuite::rpc;
using Bytes = std::vector<uint8_t>;

std::filesystem::path corpus_root;

void Write(const std::string& target, const std::string& name, const Bytes& bytes) {
  const std::filesystem::path dir = corpus_root / target;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

Bytes Text(const std::string& text) { return Bytes(text.begin(), text.end()); }

Bytes Concat(Bytes head, const Bytes& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// Codec targets: the case's index byte, then its sample.
void WriteCodecCases(const std::string& target, const std::vector<fuzz::CodecCase>& cases) {
  for (size_t i = 0; i < cases.size(); ++i) {
    Write(target, cases[i].name, Concat({static_cast<uint8_t>(i)}, cases[i].sample()));
  }
}

rpc::Credentials SampleCredentials() {
  rpc::Credentials credentials;
  credentials.flavor = rpc::AuthFlavor::kSys;
  credentials.stamp = 0x12345678;
  credentials.machine_name = "client.example";
  credentials.uid = 1000;
  credentials.gid = 1000;
  credentials.gids = {1000, 27, 100};
  return credentials;
}

// A whole call: header with AUTH_SYS credentials (or AUTH_NONE), then the arguments.
Bytes Call(uint32_t xid, const fuzz::CallTarget& target, const Bytes& arguments, bool auth_sys) {
  const Bytes body = rpc::EncodeAuthSysBody(SampleCredentials());
  rpc::CallHeader header;
  header.xid = xid;
  header.rpc_version = rpc::kRpcVersion;
  header.program = target.program;
  header.version = target.version;
  header.procedure = target.procedure;
  if (auth_sys) header.credential = {static_cast<uint32_t>(rpc::AuthFlavor::kSys), body};
  nfsuite::xdr::XdrEncoder encoder;
  rpc::EncodeCallHeader(encoder, header);
  return Concat(encoder.Flatten(), arguments);
}

Bytes Marked(const Bytes& record, bool last) {
  const uint32_t mark = (last ? rpc::kLastFragmentFlag : 0) | static_cast<uint32_t>(record.size());
  return Concat({static_cast<uint8_t>(mark >> 24), static_cast<uint8_t>(mark >> 16),
                 static_cast<uint8_t>(mark >> 8), static_cast<uint8_t>(mark)},
                record);
}

void WriteRpcMessageSeeds() {
  const fuzz::CallTarget nfs_getattr{100003, 3, 1};
  Write("fuzz_rpc_message", "call_auth_sys", Call(1, nfs_getattr, {}, true));
  Write("fuzz_rpc_message", "call_auth_none", Call(2, {100000, 2, 0}, {}, false));
  struct Reply {
    const char* name;
    void (*encode)(nfsuite::xdr::XdrEncoder&);
  };
  const Reply replies[] = {
      {"reply_success",
       [](nfsuite::xdr::XdrEncoder& e) {
         rpc::EncodeAcceptedReply(e, 7, rpc::AcceptStat::kSuccess);
       }},
      {"reply_prog_mismatch",
       [](nfsuite::xdr::XdrEncoder& e) { rpc::EncodeProgMismatchReply(e, 7, 2, 3); }},
      {"reply_rpc_mismatch",
       [](nfsuite::xdr::XdrEncoder& e) { rpc::EncodeRpcMismatchReply(e, 7); }},
      {"reply_auth_error",
       [](nfsuite::xdr::XdrEncoder& e) {
         rpc::EncodeAuthErrorReply(e, 7, rpc::AuthStat::kTooWeak);
       }},
  };
  for (const Reply& reply : replies) {
    nfsuite::xdr::XdrEncoder encoder;
    reply.encode(encoder);
    Write("fuzz_rpc_message", reply.name, encoder.Flatten());
  }
}

// [maximum-size selector][read-size byte] then the stream (fuzz_record_marking.cc).
void WriteRecordMarkingSeeds() {
  const Bytes call = Call(3, {100003, 3, 1}, Bytes(32, 0), true);
  const Bytes half(call.begin(), call.begin() + call.size() / 2);
  const Bytes rest(call.begin() + call.size() / 2, call.end());
  Write("fuzz_record_marking", "one_fragment", Concat({2, 0}, Marked(call, true)));
  Write("fuzz_record_marking", "two_fragments_bytewise",
        Concat({2, 1}, Concat(Marked(half, false), Marked(rest, true))));
  Write("fuzz_record_marking", "empty_fragment_then_record",
        Concat({2, 7}, Concat(Marked({}, false), Marked(call, true))));
  Write("fuzz_record_marking", "two_records",
        Concat({5, 13}, Concat(Marked(call, true), Marked(call, true))));
  Write("fuzz_record_marking", "too_large", Concat({1, 0}, Marked(call, true)));
  // Over the 16 KiB direct-read threshold, read in odd pieces through DirectReadSpace.
  Write("fuzz_record_marking", "direct_read",
        Concat({4, 255},
               Concat(Marked(Bytes(16384, 0xab), false), Marked(Bytes(16384, 0xcd), true))));
}

// [program length][program][data] (fuzz_xdr_decoder.cc): reads of each kind over valid XDR.
void WriteXdrDecoderSeeds() {
  nfsuite::xdr::XdrEncoder data;
  data.Uint32(7);
  data.Uint64(1ull << 40);
  data.Bool(true);
  data.Enum(2);
  data.FixedOpaque(Bytes{1, 2, 3});
  data.Opaque(Bytes{4, 5, 6, 7, 8});
  data.String("name");
  data.Uint32(2);  // array of two
  data.Uint32(10);
  data.Uint32(11);
  data.Optional(true);  // list of one
  data.Uint32(12);
  data.Optional(false);
  data.Int64(-1);
  // Uint32, Uint64, Bool, Enum, FixedOpaque(3), Opaque(<=8), StringView(<=16), ArrayLength(<=4,
  // elements of 4), list(<=4), Int64.
  const Bytes program = {0, 1, 2, 3, 4, 3, 5, 8, 6, 16, 7, 4, 4, 8, 4, 10};
  Write("fuzz_xdr_decoder", "every_read",
        Concat(Concat({static_cast<uint8_t>(program.size())}, program), data.Flatten()));
  Write("fuzz_xdr_decoder", "truncated", Bytes{3, 0, 1, 5, 0, 0, 0, 9, 1, 2});
}

// Contents for the encode/decode property: export id, object kind, object bytes.
void WriteFileHandleSeeds() {
  Write("fuzz_file_handle", "kernel_handle",
        Bytes{0, 0, 1, 0, 1, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0x9a, 0xbc, 0xde, 0xf0});
  Write("fuzz_file_handle", "short_object", Bytes{0xde, 0xad, 0xbe, 0xef, 0xfe, 1, 2, 3, 4});
  Write("fuzz_file_handle", "v2_too_long", Concat({0, 0, 0, 2, 1}, Bytes(20, 0x42)));
}

void WriteExportsSeeds() {
  Write("fuzz_exports_parser", "linux_style",
        Text("# exports\n/srv/data   client1(rw,no_root_squash) 10.0.0.0/8(ro) *.lab.example.com\n"
             "/srv/ro *(ro,all_squash,anonuid=1000,anongid=1000,insecure)\n"));
  Write("fuzz_exports_parser", "bsd_defaults_and_quotes",
        Text("\"/srv/my share\"  -rw,async  192.0.2.1 host2(ro)\n"
             "/srv/long/path\\040name  fd00::/64(rw) 10.1.0.1-10.1.0.9(ro,name=/long)\n"));
  Write("fuzz_exports_parser", "public_fsid_continuation",
        Text("/srv/pub *(ro,public,fsid=7) \\\n  192.0.2.0/255.255.255.0(rw)\n/srv/bare\n"));
  Write("fuzz_exports_parser", "arguments", Text("/srv/data\n-rw\n192.0.2.9(no_root_squash)"));
}

// Whole calls for fuzz_dispatcher.cc: every argument sample wrapped in each call that takes it,
// plus the calls that take no arguments. xid bit 0 set: from loopback; bit 1: over UDP.
void WriteDispatcherSeeds() {
  uint32_t xid = 0x100;
  auto next_xid = [&xid](bool udp) {
    xid += 4;
    return xid | 1u | (udp ? 2u : 0u);
  };
  const std::vector<fuzz::CodecCase> tables[] = {fuzz::PortmapCodecCases(), fuzz::MountCodecCases(),
                                                 fuzz::Nfs2CodecCases(), fuzz::Nfs3CodecCases()};
  for (const std::vector<fuzz::CodecCase>& cases : tables) {
    for (const fuzz::CodecCase& codec_case : cases) {
      for (const fuzz::CallTarget& call : codec_case.calls) {
        Write("fuzz_dispatcher",
              absl::StrCat(call.program, "_v", call.version, "_p", call.procedure, "_",
                           codec_case.name),
              Call(next_xid(call.program == 100003 && call.procedure == 6), call,
                   codec_case.sample(), true));
      }
    }
  }
  // The same NFS calls on a handle the server issued earlier (issued_handles.h): the handle at
  // the start of the arguments becomes a marker.
  for (const std::vector<fuzz::CodecCase>* cases : {&tables[2], &tables[3]}) {
    for (const fuzz::CodecCase& codec_case : *cases) {
      for (const fuzz::CallTarget& call : codec_case.calls) {
        Bytes arguments = codec_case.sample();
        const Bytes marker = {'F', 'H', '#', static_cast<uint8_t>(call.procedure)};
        if (call.version == 3) {
          arguments.erase(arguments.begin(), arguments.begin() + 4);  // the empty handle
          arguments = Concat(Concat({0, 0, 0, 4}, marker), arguments);
        } else {
          std::copy(marker.begin(), marker.end(), arguments.begin());
        }
        Write("fuzz_dispatcher",
              absl::StrCat(call.program, "_v", call.version, "_p", call.procedure, "_",
                           codec_case.name, "_issued_handle"),
              Call(next_xid(false), call, arguments, true));
      }
    }
  }
  // The export's alias (fuzz_dispatcher.cc), so that MNT succeeds.
  nfsuite::xdr::XdrEncoder alias;
  alias.String("/fuzz");
  for (uint32_t version : {1u, 3u}) {
    Write("fuzz_dispatcher", absl::StrCat("100005_v", version, "_p1_mnt_alias"),
          Call(next_xid(false), {100005, version, 1}, alias.Flatten(), true));
  }
  const fuzz::CallTarget no_arguments[] = {
      {100000, 2, 0}, {100000, 2, 4}, {100000, 3, 4}, {100000, 4, 6}, {100000, 4, 12},
      {100005, 3, 0}, {100005, 3, 2}, {100005, 3, 4}, {100005, 3, 5}, {100005, 1, 5},
      {100003, 3, 0}, {100003, 2, 0}, {100003, 2, 3}, {100003, 2, 7}};
  for (const fuzz::CallTarget& call : no_arguments) {
    Write("fuzz_dispatcher",
          absl::StrCat(call.program, "_v", call.version, "_p", call.procedure, "_void"),
          Call(next_xid(false), call, {}, true));
  }
  Write("fuzz_dispatcher", "auth_none_null", Call(next_xid(true), {100003, 3, 0}, {}, false));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  corpus_root = argv[1];
  WriteCodecCases("fuzz_portmap_xdr", fuzz::PortmapCodecCases());
  WriteCodecCases("fuzz_mount_xdr", fuzz::MountCodecCases());
  WriteCodecCases("fuzz_nfs2_xdr", fuzz::Nfs2CodecCases());
  WriteCodecCases("fuzz_nfs3_xdr", fuzz::Nfs3CodecCases());
  WriteCodecCases("fuzz_lock_xdr", fuzz::LockCodecCases());
  WriteRpcMessageSeeds();
  WriteRecordMarkingSeeds();
  WriteXdrDecoderSeeds();
  WriteFileHandleSeeds();
  WriteExportsSeeds();
  WriteDispatcherSeeds();
  return 0;
}
