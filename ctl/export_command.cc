#include "ctl/export_command.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/exports/export_path.h"
#include "common/exports/exports_format.h"
#include "ctl/control_client.h"
#include "ctl/export_line.h"
#include "proto/control.grpc.pb.h"

namespace nfsuite::ctl {
namespace {

using control::v1::ExportTableControl;

struct ExportArguments {
  std::string path;
  std::vector<std::string> clients;  // add: [-OPTIONS] CLIENT[(OPTIONS)]...
  std::string client;                // remove: one client's rule only
};

ControlClient Mountd(const GlobalOptions& options) {
  return ControlClient(options.run_dir, "mountd");
}

absl::StatusOr<control::v1::ExportTable> FetchExports(const GlobalOptions& options) {
  control::v1::ExportTable table;
  absl::Status status =
      Mountd(options).Call([&](grpc::ClientContext& context, const auto& channel) {
        return ExportTableControl::NewStub(channel)->GetExports(&context, {}, &table);
      });
  if (!status.ok()) return status;
  return table;
}

absl::StatusOr<control::v1::MountList> FetchMounts(const GlobalOptions& options) {
  control::v1::MountList mounts;
  absl::Status status =
      Mountd(options).Call([&](grpc::ClientContext& context, const auto& channel) {
        return ExportTableControl::NewStub(channel)->GetMounts(&context, {}, &mounts);
      });
  if (!status.ok()) return status;
  return mounts;
}

std::string ClientsOf(const exports::ExportEntry& entry) {
  std::string clients;
  for (const exports::ClientRule& rule : entry.clients) {
    absl::StrAppend(&clients, clients.empty() ? "" : " ", rule.client.text, "(",
                    exports::FormatExportOptions(rule.options), ")");
  }
  return clients;
}

int RunList(const GlobalOptions& options) {
  absl::StatusOr<control::v1::ExportTable> table = FetchExports(options);
  if (!table.ok()) return ReportFailure(std::string(table.status().message()));
  if (options.json) {
    std::fputs(ToJson(*table).c_str(), stdout);
    return kExitSuccess;
  }
  if (table->exports().empty()) std::printf("no exports\n");
  for (const control::v1::ExportedDirectory& directory : table->exports()) {
    absl::StatusOr<exports::ExportEntry> entry = ParseExportLine(directory.line());
    if (!entry.ok()) {
      std::printf("%s\n", directory.line().c_str());
      continue;
    }
    std::string extras;
    if (entry->alias.has_value()) absl::StrAppend(&extras, "  name=", *entry->alias);
    if (entry->is_public) absl::StrAppend(&extras, "  public");
    std::printf("%s\n", absl::StrFormat("%-30s %s%s", exports::FormatExportPath(entry->path),
                                        ClientsOf(*entry), extras)
                            .c_str());
  }
  return kExitSuccess;
}

int RunShow(const GlobalOptions& options, const ExportArguments& arguments) {
  absl::StatusOr<std::string> name = exports::NormalizeExportPath(arguments.path);
  if (!name.ok()) return ReportFailure(std::string(name.status().message()));
  absl::StatusOr<control::v1::ExportTable> table = FetchExports(options);
  if (!table.ok()) return ReportFailure(std::string(table.status().message()));
  for (const control::v1::ExportedDirectory& directory : table->exports()) {
    absl::StatusOr<exports::ExportEntry> entry = ParseExportLine(directory.line());
    if (!entry.ok() || (entry->path != *name && entry->alias != *name)) continue;
    absl::StatusOr<control::v1::MountList> mounts = FetchMounts(options);
    control::v1::MountList mounted;  // the mounts of this export and of directories below it
    if (mounts.ok()) {
      for (const control::v1::MountEntry& mount : mounts->mounts()) {
        const std::string& where = mount.directory();
        const bool below = where == entry->path || absl::StartsWith(where, entry->path + "/") ||
                           (entry->alias.has_value() && where == *entry->alias);
        if (below) *mounted.add_mounts() = mount;
      }
    }
    if (options.json) {
      std::printf("{\"export\": %s, \"mounts\": %s}\n", ToJson(directory).c_str(),
                  ToJson(mounted).c_str());
      return kExitSuccess;
    }
    std::printf("export   %s\nid       %08x\n", exports::FormatExportPath(entry->path).c_str(),
                directory.export_id());
    if (entry->alias.has_value()) std::printf("name     %s\n", entry->alias->c_str());
    if (entry->is_public) std::printf("public   yes (WebNFS)\n");
    for (const exports::ClientRule& rule : entry->clients) {
      std::printf("client   %-24s %s\n", rule.client.text.c_str(),
                  exports::FormatExportOptions(rule.options).c_str());
    }
    for (const control::v1::MountEntry& mount : mounted.mounts()) {
      std::printf("mounted  by %s at %s\n", mount.client().c_str(), mount.directory().c_str());
    }
    return kExitSuccess;
  }
  return ReportFailure(absl::StrCat(*name, " is not exported (nfsctl export list shows what is)"));
}

// Waits (a few seconds at most) until nfsd serves the table the change made: then the change
// is in force for NFS requests too, not only for mounts. Whether it does; true when nfsd is not
// running (it will load the table when it starts).
bool WaitForNfsd(const GlobalOptions& options, const control::v1::ExportTable& table) {
  constexpr auto kPatience = std::chrono::seconds(5);
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  const ControlClient nfsd(options.run_dir, "nfsd");
  for (;;) {
    absl::StatusOr<control::v1::DaemonStatus> status = nfsd.GetStatus();
    if (!status.ok()) return true;
    const control::v1::FollowedExportTable& followed = status->export_table();
    if (followed.mountd_instance() == table.mountd_instance() &&
        followed.generation() >= table.generation()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int PrintChange(const GlobalOptions& options, const control::v1::ExportChange& change,
                const std::string& what) {
  if (!WaitForNfsd(options, change.table())) {
    std::fprintf(stderr,
                 "nfsctl: warning: the change is in mountd's table and file, but nfsd has not "
                 "picked it up within 5 s (see nfsctl status nfsd and nfsd's log)\n");
  }
  if (options.json) {
    std::fputs(ToJson(change).c_str(), stdout);
  } else if (change.line().empty()) {
    std::printf("%s; written to %s\n", what.c_str(), change.exports_file().c_str());
  } else {
    std::printf("%s; %s now reads:\n  %s\n", what.c_str(), change.exports_file().c_str(),
                change.line().c_str());
  }
  return kExitSuccess;
}

int RunAdd(const GlobalOptions& options, const ExportArguments& arguments) {
  control::v1::AddExportRequest request;
  request.add_arguments(arguments.path);
  for (const std::string& client : arguments.clients) request.add_arguments(client);
  control::v1::ExportChange change;
  absl::Status status =
      Mountd(options).Call([&](grpc::ClientContext& context, const auto& channel) {
        return ExportTableControl::NewStub(channel)->AddExport(&context, request, &change);
      });
  if (!status.ok()) return ReportFailure(std::string(status.message()));
  return PrintChange(options, change, absl::StrCat("exported ", arguments.path));
}

int RunRemove(const GlobalOptions& options, const ExportArguments& arguments) {
  control::v1::RemoveExportRequest request;
  request.set_path(arguments.path);
  request.set_client(arguments.client);
  control::v1::ExportChange change;
  absl::Status status =
      Mountd(options).Call([&](grpc::ClientContext& context, const auto& channel) {
        return ExportTableControl::NewStub(channel)->RemoveExport(&context, request, &change);
      });
  if (!status.ok()) return ReportFailure(std::string(status.message()));
  return PrintChange(options, change,
                     arguments.client.empty()
                         ? absl::StrCat("removed ", arguments.path)
                         : absl::StrCat("removed ", arguments.client, " from ", arguments.path));
}

}  // namespace

Command AddExportCommand(CLI::App& app, const GlobalOptions& options) {
  auto arguments = std::make_shared<ExportArguments>();
  CLI::App* command = app.add_subcommand("export", "list, show, add and remove exports live");
  command->require_subcommand(1);

  CLI::App* list = command->add_subcommand("list", "the exports in force, one per line");
  CLI::App* show = command->add_subcommand("show", "one export: its clients, options and mounts");
  show->add_option("path", arguments->path, "the export's path or name= alias")->required();

  CLI::App* add = command->add_subcommand(
      "add",
      "export a directory (or change clients of an export): validated like the exports file, "
      "written to it and in force at once. Example: nfsctl export add /srv/data "
      "'10.0.0.0/8(rw)' '*.lab(ro)'");
  add->add_option("path", arguments->path, "absolute path of the directory")->required();
  // Everything after the path is the line's rest, passed on as written: "-rw,async" line
  // defaults are not nfsctl flags.
  add->prefix_command();
  add->footer(
      "After PATH: [-OPTIONS] CLIENT[(OPTIONS)]..., as in the exports file. Clients: *, host, "
      "address, network (a.b.c.d/N), range (a-b), wildcard name (*.lab).");

  CLI::App* remove = command->add_subcommand(
      "remove", "stop exporting a directory (or to one client): its clients' next request fails");
  remove->add_option("path", arguments->path, "the export's path or name= alias")->required();
  remove->add_option("client", arguments->client, "only this client's rule, as written");

  return {command, [&options, arguments, list, show, add, remove] {
            if (list->parsed()) return RunList(options);
            if (show->parsed()) return RunShow(options, *arguments);
            if (add->parsed()) {
              arguments->clients = add->remaining();
              if (arguments->clients.empty()) {
                std::fprintf(stderr,
                             "nfsctl export add: give at least one CLIENT after the path\n");
                return kExitUsage;
              }
              return RunAdd(options, *arguments);
            }
            if (remove->parsed()) return RunRemove(options, *arguments);
            return kExitUsage;
          }};
}

}  // namespace nfsuite::ctl
