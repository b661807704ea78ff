#include "service/mount/exports_administration.h"

#include <sys/stat.h>

#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "common/exports/export_path.h"
#include "common/exports/exports_file_edit.h"
#include "common/exports/exports_format.h"
#include "common/exports/exports_parser.h"
#include "common/util/atomic_file.h"
#include "common/util/logging.h"

namespace nfsuite::mount {
namespace {

constexpr int kDefaultExportsFileMode = 0644;

// Where `spec` is in `rules`, or rules.size(): the same client as written, or the same
// addresses written another way (10.0.0.0/8 and 10.0.0.0/255.0.0.0).
size_t FindRule(const std::vector<exports::ClientRule>& rules, const exports::ClientSpec& spec) {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].client.text == spec.text || rules[i].client == spec) return i;
  }
  return rules.size();
}

// `existing` with what `addition` says about the same path merged in.
exports::ExportEntry Merge(exports::ExportEntry existing, const exports::ExportEntry& addition) {
  for (const exports::ClientRule& rule : addition.clients) {
    const size_t at = FindRule(existing.clients, rule.client);
    if (at < existing.clients.size()) {
      existing.clients[at] = rule;
    } else {
      existing.clients.push_back(rule);
    }
  }
  if (addition.alias.has_value()) existing.alias = addition.alias;
  if (addition.is_public) existing.is_public = true;
  if (addition.fsid.has_value()) existing.fsid = addition.fsid;
  return existing;
}

int ModeOf(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return kDefaultExportsFileMode;
  return static_cast<int>(info.st_mode & 07777);
}

}  // namespace

absl::StatusOr<ExportTable> LoadExportTable(const ExportSources& sources,
                                            const ExportTable::BackendOpener& open_backend,
                                            const ExportTable* previous,
                                            std::optional<absl::string_view> file_text) {
  absl::StatusOr<std::vector<exports::ExportEntry>> entries =
      file_text.has_value() ? LoadExportEntries(sources, *file_text) : LoadExportEntries(sources);
  if (!entries.ok()) return entries.status();
  return ExportTable::Build(*std::move(entries), open_backend, previous);
}

ExportsAdministration::ExportsAdministration(ExportSources sources,
                                             ExportTable::BackendOpener open_backend,
                                             LiveExports& exports)
    : sources_(std::move(sources)), open_backend_(std::move(open_backend)), exports_(exports) {}

absl::StatusOr<std::string> ExportsAdministration::Reload() {
  absl::MutexLock lock(&mutex_);
  absl::StatusOr<ExportTable> next =
      LoadExportTable(sources_, open_backend_, exports_.Current().table.get());
  if (!next.ok()) return next.status();
  const size_t count = next->exports().size();
  exports_.Replace(*std::move(next));
  return absl::StrCat("reloaded ",
                      sources_.exports_file.empty() ? "the exports" : sources_.exports_file, ": ",
                      count, " export(s), generation ", exports_.Current().generation);
}

absl::Status ExportsAdministration::CheckEditable() const {
  if (!sources_.exports_file.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "mountd runs without an exports file, so there is nothing to edit: start it with "
      "--exports-file FILE (scripts/run.sh does) to add and remove exports live");
}

absl::StatusOr<ExportsAdministration::CurrentFile> ExportsAdministration::ReadCurrentFile() const {
  CurrentFile current;
  absl::StatusOr<std::string> text = ReadWholeFile(sources_.exports_file);
  if (text.ok()) {
    current.text = *std::move(text);
  } else if (!absl::IsNotFound(text.status())) {
    return text.status();
  }  // a file removed since it was loaded: the edit creates it again
  exports::ExportsParseResult parsed = exports::ParseExports(current.text, sources_.exports_file);
  if (const auto* error = std::get_if<exports::ExportsError>(&parsed)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the exports file no longer parses (", error->ToString(),
                     "); fix it first (the table in force is unchanged)"));
  }
  current.parsed = std::get<exports::ParsedExports>(std::move(parsed));
  return current;
}

absl::Status ExportsAdministration::Apply(const std::string& file_text) {
  absl::StatusOr<ExportTable> next =
      LoadExportTable(sources_, open_backend_, exports_.Current().table.get(), file_text);
  if (!next.ok()) return next.status();
  if (absl::Status written =
          WriteFileAtomically(sources_.exports_file, file_text, ModeOf(sources_.exports_file));
      !written.ok()) {
    return written;
  }
  exports_.Replace(*std::move(next));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ExportsAdministration::Add(const std::vector<std::string>& arguments) {
  if (absl::Status editable = CheckEditable(); !editable.ok()) return editable;
  exports::ExportsParseResult given = exports::ParseExportArguments(arguments, "argument");
  if (const auto* error = std::get_if<exports::ExportsError>(&given)) return error->ToStatus();
  const exports::ExportEntry& addition = std::get<exports::ParsedExports>(given).entries.front();

  absl::MutexLock lock(&mutex_);
  absl::StatusOr<CurrentFile> current = ReadCurrentFile();
  if (!current.ok()) return current.status();
  const exports::ExportEntry* existing = current->parsed.FindByName(addition.path);
  std::string line;
  std::string text;
  if (existing != nullptr && existing->path == addition.path) {
    line = exports::FormatExportEntry(Merge(*existing, addition));
    text = exports::ReplaceEntry(current->text, existing->line, line);
  } else {
    // A path that is another export's alias is refused by the load below, as in the file.
    line = exports::FormatExportEntry(addition);
    text = exports::AppendEntry(current->text, line);
  }
  if (absl::Status applied = Apply(text); !applied.ok()) return applied;
  Logf(LogLevel::kInfo, "export added to %s: %s", sources_.exports_file, line);
  return line;
}

absl::StatusOr<std::string> ExportsAdministration::Remove(const std::string& path,
                                                          const std::string& client) {
  if (absl::Status editable = CheckEditable(); !editable.ok()) return editable;
  absl::StatusOr<std::string> name = exports::NormalizeExportPath(path);
  if (!name.ok()) return absl::InvalidArgumentError(name.status().message());
  std::optional<exports::ClientSpec> spec;
  if (!client.empty()) {
    auto parsed = exports::ParseClientArgument(client, "client");
    if (const auto* error = std::get_if<exports::ExportsError>(&parsed)) return error->ToStatus();
    spec = std::get<exports::ParsedClientArgument>(parsed).rule.client;
  }

  absl::MutexLock lock(&mutex_);
  absl::StatusOr<CurrentFile> current = ReadCurrentFile();
  if (!current.ok()) return current.status();
  const exports::ExportEntry* existing = current->parsed.FindByName(*name);
  if (existing == nullptr) {
    return absl::NotFoundError(absl::StrCat(*name, " is not exported by ", sources_.exports_file,
                                            " (nfsctl export list shows what is)"));
  }
  exports::ExportEntry remaining = *existing;
  if (spec.has_value()) {
    const size_t at = FindRule(remaining.clients, *spec);
    if (at == remaining.clients.size()) {
      return absl::NotFoundError(absl::StrCat(existing->path, " has no rule for client ", client,
                                              ": its line is ",
                                              exports::FormatExportEntry(*existing)));
    }
    remaining.clients.erase(remaining.clients.begin() + static_cast<std::ptrdiff_t>(at));
  } else {
    remaining.clients.clear();
  }
  const std::string line =
      remaining.clients.empty() ? std::string() : exports::FormatExportEntry(remaining);
  if (absl::Status applied = Apply(exports::ReplaceEntry(current->text, existing->line, line));
      !applied.ok()) {
    return applied;
  }
  Logf(LogLevel::kInfo, "export %s removed from %s%s", existing->path, sources_.exports_file,
       line.empty() ? "" : absl::StrCat("; it is now: ", line));
  return line;
}

}  // namespace nfsuite::mount
