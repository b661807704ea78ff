#include "ctl/showmount_command.h"

#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "ctl/control_client.h"
#include "ctl/export_line.h"
#include "proto/control.grpc.pb.h"

namespace nfsuite::ctl {
namespace {

using control::v1::ExportTableControl;

struct ShowmountArguments {
  bool exports = false;
  bool all = false;
  bool directories = false;
};

// The clients of an export as written, without their options.
std::string ClientNames(const exports::ExportEntry& entry) {
  std::vector<std::string> names;
  for (const exports::ClientRule& rule : entry.clients) names.push_back(rule.client.text);
  return absl::StrJoin(names, ",");
}

int RunShowmount(const GlobalOptions& options, const ShowmountArguments& arguments) {
  const ControlClient mountd(options.run_dir, "mountd");
  if (arguments.exports) {
    control::v1::ExportTable table;
    absl::Status status = mountd.Call([&](grpc::ClientContext& context, const auto& channel) {
      return ExportTableControl::NewStub(channel)->GetExports(&context, {}, &table);
    });
    if (!status.ok()) return ReportFailure(std::string(status.message()));
    if (options.json) {
      std::fputs(ToJson(table).c_str(), stdout);
      return kExitSuccess;
    }
    std::printf("Export list:\n");
    for (const control::v1::ExportedDirectory& directory : table.exports()) {
      absl::StatusOr<exports::ExportEntry> entry = ParseExportLine(directory.line());
      if (!entry.ok()) return ReportFailure(std::string(entry.status().message()));
      std::printf("%-30s %s\n", entry->path.c_str(), ClientNames(*entry).c_str());
    }
    return kExitSuccess;
  }

  control::v1::MountList mounts;
  absl::Status status = mountd.Call([&](grpc::ClientContext& context, const auto& channel) {
    return ExportTableControl::NewStub(channel)->GetMounts(&context, {}, &mounts);
  });
  if (!status.ok()) return ReportFailure(std::string(status.message()));
  if (options.json) {
    std::fputs(ToJson(mounts).c_str(), stdout);
    return kExitSuccess;
  }
  std::set<std::string> lines;  // sorted and unique, as showmount prints them
  for (const control::v1::MountEntry& mount : mounts.mounts()) {
    if (arguments.all) {
      lines.insert(mount.client() + ":" + mount.directory());
    } else if (arguments.directories) {
      lines.insert(mount.directory());
    } else {
      lines.insert(mount.client());
    }
  }
  std::printf("%s:\n", arguments.all           ? "All mount points"
                       : arguments.directories ? "Directories"
                                               : "Hosts");
  for (const std::string& line : lines) std::printf("%s\n", line.c_str());
  return kExitSuccess;
}

}  // namespace

Command AddShowmountCommand(CLI::App& app, const GlobalOptions& options) {
  auto arguments = std::make_shared<ShowmountArguments>();
  CLI::App* command =
      app.add_subcommand("showmount", "mountd's exports and mounts, as showmount(8) shows them");
  CLI::Option* exports =
      command->add_flag("-e,--exports", arguments->exports, "the exports and their clients");
  CLI::Option* all = command->add_flag("-a,--all", arguments->all, "every client:directory");
  CLI::Option* directories =
      command->add_flag("-d,--directories", arguments->directories, "the mounted directories");
  exports->excludes(all)->excludes(directories);
  all->excludes(directories);
  return {command, [&options, arguments] { return RunShowmount(options, *arguments); }};
}

}  // namespace nfsuite::ctl
