// libFuzzer target: whole calls, end to end. The input is one RPC record as a transport hands it
// to the dispatcher, which serves the real portmapper (PMAP v2, RPCBIND v3/v4), MOUNT v1/v3 and
// NFS v2/v3 services over a POSIX backend on a temporary export directory, as the daemons wire
// them. Every reply must be a well-formed RPC reply to the call's xid.
//
// The export is public (WebNFS) and has the alias /fuzz for MNT, so calls on the public handle
// (empty in v3, all zeros in v2) reach the file system without a MAC the fuzzer could not forge.
// Two bits of the xid pick the caller: bit 0 a loopback or a remote peer (portmapper SET/UNSET obey
// only loopback), bit 1 TCP or UDP (transfer sizes differ). Remote calls (CALLIT, BCAST, INDIRECT)
// always come from the remote peer, which the portmapper never forwards for: no fuzzed packet
// leaves this process. Host names never reach DNS.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/exports/exports_parser.h"
#include "common/nfs/export_id.h"
#include "common/nfs/file_handle.h"
#include "common/nfs/handle_key.h"
#include "common/rpc/call_context.h"
#include "common/rpc/dispatcher.h"
#include "common/rpc/duplicate_request_cache.h"
#include "common/rpc/portmap_protocol.h"
#include "common/rpc/rpc_message.h"
#include "common/rpc/socket_address.h"
#include "common/util/logging.h"
#include "common/xdr/xdr_decoder.h"
#include "proto/control.pb.h"
#include "service/mount/export_table.h"
#include "service/mount/live_exports.h"
#include "service/mount/mount_list.h"
#include "service/mount/mount_service.h"
#include "service/nfs/export_snapshot.h"
#include "service/nfs/export_table_builder.h"
#include "service/nfs/nfs2_service.h"
#include "service/nfs/nfs3_service.h"
#include "service/portmap/portmap_service.h"
#include "service/portmap/registration_table.h"
#include "service/storage/posix_backend.h"
#include "tests/fuzz/codec_case.h"
#include "tests/fuzz/issued_handles.h"

namespace {

namespace fuzz = nfsuite::fuzz;
namespace rpc = nfsuite::rpc;
using fuzz::Violation;

// Calls between clean-ups of the export directory, so that a long run does not fill the disk
// with what the fuzzer creates.
constexpr uint64_t kCallsBetweenCleanups = 20000;

// The temporary directory goes when the run ends normally; after a finding it stays, with the
// state the finding left.
std::string* temporary_directory = nullptr;
void RemoveTemporaryDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(*temporary_directory, ignored);
}

std::string MakeTemporaryDirectory() {
  std::string name = "/tmp/nfsuite-fuzz-dispatcher-XXXXXX";
  if (mkdtemp(name.data()) == nullptr) Violation("cannot create the export directory");
  temporary_directory = new std::string(std::filesystem::canonical(name).string());
  std::atexit(RemoveTemporaryDirectory);
  return *temporary_directory;
}

rpc::CallOrigin OriginFor(absl::Span<const uint8_t> record);
void CheckReply(absl::Span<const uint8_t> reply, absl::Span<const uint8_t> record);

// Everything the daemons would hold, built once per process.
class Services {
 public:
  Services()
      : base_(MakeTemporaryDirectory()),
        export_path_(base_ + "/export"),
        line_(absl::StrCat(export_path_, " *(rw,insecure,public,no_root_squash,name=/fuzz)")),
        handles_(nfsuite::nfs::HandleKey::FromBytes({1, 2, 3, 4, 5, 6, 7, 8})),
        reply_cache_(rpc::DuplicateRequestCache::Options{}),
        dispatcher_(&reply_cache_),
        mounts_(base_ + "/mounts"),
        live_exports_(MountTable()),
        mount_(live_exports_, mounts_, handles_, MountOptions()),
        nfs3_(nfs_exports_, handles_),
        nfs2_(nfs_exports_, handles_),
        portmap_(registrations_, {absl::Milliseconds(1)}) {
    nfsuite::SetLogLevel(nfsuite::LogLevel::kError);
    PublishNfsExports();
    dispatcher_.Register(mount_.Version1());
    dispatcher_.Register(mount_.Version3());
    dispatcher_.Register(nfs3_.Version3());
    dispatcher_.Register(nfs2_.Version2());
    for (rpc::ProgramVersion& version : portmap_.Programs()) dispatcher_.Register(version);
  }

  // Dispatches `input` with its handle markers replaced (issued_handles.h) and checks the reply.
  void Call(absl::Span<const uint8_t> input) {
    if (++calls_ % kCallsBetweenCleanups == 0) EmptyExport();
    const std::vector<uint8_t> record = issued_.Substitute(input);
    const std::optional<nfsuite::xdr::XdrEncoder> reply =
        dispatcher_.Dispatch(record, OriginFor(record));
    if (!reply.has_value()) return;
    const std::vector<uint8_t> bytes = reply->Flatten();
    CheckReply(bytes, record);
    issued_.Learn(bytes);
  }

 private:
  static absl::StatusOr<std::unique_ptr<nfsuite::storage::StorageBackend>> OpenPosix(
      const std::string& path) {
    auto backend = nfsuite::storage::PosixBackend::Open(path);
    if (!backend.ok()) return backend.status();
    return std::unique_ptr<nfsuite::storage::StorageBackend>(*std::move(backend));
  }

  nfsuite::exports::ExportsParseOptions ParseOptions() const {
    nfsuite::exports::ExportsParseOptions options;
    options.resolve_host = nullptr;
    return options;
  }

  nfsuite::mount::ExportTable MountTable() {
    std::filesystem::create_directories(export_path_);
    auto parsed = nfsuite::exports::ParseExports(line_, "fuzz", ParseOptions());
    auto* entries = std::get_if<nfsuite::exports::ParsedExports>(&parsed);
    if (entries == nullptr) Violation("the export line does not parse");
    auto table = nfsuite::mount::ExportTable::Build(entries->entries, &OpenPosix);
    if (!table.ok()) Violation("cannot open the export: " + table.status().ToString());
    return *std::move(table);
  }

  static nfsuite::mount::MountServiceOptions MountOptions() {
    nfsuite::mount::MountServiceOptions options;
    options.reverse_resolver = [](const nfsuite::exports::IpAddress&) {
      return std::optional<std::string>();
    };
    return options;
  }

  void PublishNfsExports() {
    nfsuite::control::v1::ExportTable table;
    nfsuite::control::v1::ExportedDirectory* directory = table.add_exports();
    directory->set_export_id(nfsuite::nfs::ExportIdForPath(export_path_));
    directory->set_line(line_);
    nfsuite::nfs::SnapshotBuildOptions options;
    options.parse = ParseOptions();
    nfsuite::nfs::BuiltSnapshot built = nfsuite::nfs::BuildExportSnapshot(
        table, nullptr,
        [](const std::string& path)
            -> absl::StatusOr<std::shared_ptr<nfsuite::storage::StorageBackend>> {
          auto backend = OpenPosix(path);
          if (!backend.ok()) return backend.status();
          return std::shared_ptr<nfsuite::storage::StorageBackend>(*std::move(backend));
        },
        options);
    if (!built.problems.empty()) Violation("cannot serve the export: " + built.problems.front());
    nfs_exports_.Publish(std::move(built.snapshot));
  }

  // Removes what the calls created; handles to it become STALE, as after any local removal.
  void EmptyExport() {
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator(export_path_, ignored)) {
      std::filesystem::remove_all(entry.path(), ignored);
    }
  }

  const std::string base_;
  const std::string export_path_;
  const std::string line_;
  const nfsuite::nfs::FileHandleCodec handles_;
  rpc::DuplicateRequestCache reply_cache_;
  rpc::Dispatcher dispatcher_;
  nfsuite::mount::MountList mounts_;
  nfsuite::mount::LiveExports live_exports_;
  nfsuite::mount::MountService mount_;
  nfsuite::nfs::CurrentExports nfs_exports_;
  nfsuite::nfs::Nfs3Service nfs3_;
  nfsuite::nfs::Nfs2Service nfs2_;
  nfsuite::portmap::RegistrationTable registrations_;
  nfsuite::portmap::PortmapService portmap_;
  nfsuite::fuzz::IssuedHandles issued_{handles_};
  uint64_t calls_ = 0;
};

bool IsRemoteCall(const rpc::CallHeader& header) {
  namespace pm = rpc::portmap;
  if (header.program != pm::kProgram) return false;
  return header.procedure == pm::pmap_proc::kCallIt ||
         (header.version == pm::kRpcbVersion4 && header.procedure == pm::rpcb_proc::kIndirect);
}

rpc::CallOrigin OriginFor(absl::Span<const uint8_t> record) {
  nfsuite::xdr::XdrDecoder decoder(record);
  rpc::CallHeader header;
  const bool readable =
      rpc::DecodeCallHeader(decoder, header) != rpc::CallHeaderStatus::kUnreadable;
  const bool loopback = readable && (header.xid & 1) != 0 && !IsRemoteCall(header);
  rpc::CallOrigin origin;
  origin.transport = (header.xid & 2) != 0 ? rpc::Transport::kUdp : rpc::Transport::kTcp;
  origin.peer =
      loopback ? rpc::SocketAddress::Loopback4(700) : *rpc::SocketAddress::Parse("192.0.2.10", 700);
  origin.local = loopback ? rpc::SocketAddress::Loopback4(2049)
                          : *rpc::SocketAddress::Parse("192.0.2.1", 2049);
  return origin;
}

void CheckReply(absl::Span<const uint8_t> reply, absl::Span<const uint8_t> record) {
  nfsuite::xdr::XdrDecoder decoder(reply);
  const absl::StatusOr<rpc::ReplyHeader> header = rpc::DecodeReplyHeader(decoder);
  if (!header.ok()) Violation("a reply does not decode: " + header.status().ToString());
  nfsuite::xdr::XdrDecoder call(record);
  if (header->xid != call.Uint32()) Violation("a reply carries another xid");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Services* const services = new Services();
  services->Call(absl::MakeConstSpan(data, size));
  return 0;
}
