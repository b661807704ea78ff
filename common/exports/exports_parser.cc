#include "common/exports/exports_parser.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/exports/export_path.h"

namespace nfsuite::exports {
namespace {

constexpr uint32_t kMaxAnonymousId = 4294967294u;  // (uid_t)-1 means "no id" to the kernel

struct Position {
  int line = 0;
  int column = 0;
};

bool Before(Position a, Position b) {
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

// A whitespace-separated word of a logical line, with where each of its bytes came from: a
// continuation can split a word across physical lines, and errors point inside words.
struct Token {
  std::string text;
  std::vector<Position> positions;  // positions[i] is where text[i] was read
  Position start;
  bool literal = false;  // a command-line argument: the path has no quotes or escapes

  Position At(size_t index) const {
    if (positions.empty()) return start;
    return positions[std::min(index, positions.size() - 1)];
  }
};

Token ArgumentToken(absl::string_view argument, int number) {
  Token token;
  token.text = std::string(argument);
  token.start = {number, 1};
  token.literal = true;
  for (size_t i = 0; i < argument.size(); ++i) {
    token.positions.push_back({number, static_cast<int>(i + 1)});
  }
  return token;
}

struct Failure {
  Position at;
  std::string reason;
};

ExportsError MakeError(absl::string_view file_name, const Failure& failure) {
  return ExportsError{absl::StatusCode::kInvalidArgument,
                      SourceLocation{std::string(file_name), failure.at.line, failure.at.column},
                      failure.reason};
}

// Quoted for messages; escaped so that a hostile file cannot forge log lines.
std::string Quote(absl::string_view text) { return absl::StrCat("\"", absl::CEscape(text), "\""); }

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Splits the text into logical lines of tokens: joins continuations and drops comments. Quotes
// only keep blanks and '#' inside a token here; they and escapes stay in the token for the path
// decoder, which is the only place they mean anything.
class Scanner {
 public:
  enum class Step { kLine, kEnd, kError };

  Scanner(absl::string_view text, size_t max_line_bytes)
      : text_(text), max_line_bytes_(max_line_bytes) {}

  // The next logical line with at least one token.
  Step Next(std::vector<Token>* tokens, Failure* failure);

 private:
  absl::string_view text_;
  size_t max_line_bytes_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

Scanner::Step Scanner::Next(std::vector<Token>* tokens, Failure* failure) {
  tokens->clear();
  Token token;
  bool in_token = false;
  bool in_quote = false;
  bool in_comment = false;
  Position quote_at;
  size_t line_bytes = 0;
  auto end_token = [&] {
    if (!in_token) return;
    tokens->push_back(std::move(token));
    token = Token();
    in_token = false;
  };
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    const Position here{line_, column_};
    if (c == '\n') {
      ++pos_;
      ++line_;
      column_ = 1;
      in_comment = false;
      if (in_quote) {
        *failure = {quote_at, "unterminated quote"};
        return Step::kError;
      }
      end_token();
      if (!tokens->empty()) return Step::kLine;
      line_bytes = 0;
      continue;
    }
    if (++line_bytes > max_line_bytes_) {
      *failure = {here, absl::StrCat("line longer than ", max_line_bytes_, " bytes")};
      return Step::kError;
    }
    if (c == '\0') {
      *failure = {here, "NUL byte (is this a text file?)"};
      return Step::kError;
    }
    if (in_comment) {
      ++pos_;
      ++column_;
      continue;
    }
    if (c == '\\') {
      const absl::string_view rest = text_.substr(pos_ + 1);
      size_t newline = 0;
      if (absl::StartsWith(rest, "\n")) {
        newline = 1;
      } else if (absl::StartsWith(rest, "\r\n")) {
        newline = 2;
      }
      if (newline > 0 || rest.empty()) {
        if (rest.size() <= newline) {
          *failure = {here, "line continuation (\\ at the end of a line) at the end of the file"};
          return Step::kError;
        }
        pos_ += 1 + newline;
        ++line_;
        column_ = 1;
        continue;
      }
    }
    if (!in_quote && (c == '#' || IsBlank(c))) {
      end_token();
      in_comment = c == '#';
      ++pos_;
      ++column_;
      continue;
    }
    if (c == '"') {
      if (!in_quote) quote_at = here;
      in_quote = !in_quote;
    }
    if (!in_token) {
      in_token = true;
      token.start = here;
    }
    token.text.push_back(c);
    token.positions.push_back(here);
    ++pos_;
    ++column_;
  }
  if (in_quote) {
    *failure = {quote_at, "unterminated quote"};
    return Step::kError;
  }
  end_token();
  return tokens->empty() ? Step::kEnd : Step::kLine;
}

// An option as set by one list, remembered with how and where it was written so that conflicts
// can name both sides.
template <typename T>
struct Setting {
  T value;
  std::string spelled;
  Position at;
};

// One option list's settings; unset ones fall back to the line's "-" defaults, then to
// ExportOptions' defaults.
struct OptionSettings {
  std::optional<Setting<bool>> read_only;
  std::optional<Setting<bool>> sync;
  std::optional<Setting<bool>> root_squash;
  std::optional<Setting<bool>> all_squash;
  std::optional<Setting<bool>> secure;
  std::optional<Setting<bool>> alldirs;
  std::optional<Setting<bool>> subtree_check;  // checked for conflicts, otherwise unused
  std::optional<Setting<uint32_t>> anon_uid;
  std::optional<Setting<uint32_t>> anon_gid;
};

// Per-export options, which any list on the line may give.
struct ExportAttributes {
  std::optional<Setting<std::string>> alias;
  std::optional<Setting<uint32_t>> fsid;
  std::optional<Position> public_at;
};

struct Flag {
  absl::string_view name;
  std::optional<Setting<bool>> OptionSettings::*field;
  bool value;
};

constexpr Flag kFlags[] = {
    {"ro", &OptionSettings::read_only, true},
    {"rw", &OptionSettings::read_only, false},
    {"sync", &OptionSettings::sync, true},
    {"async", &OptionSettings::sync, false},
    {"root_squash", &OptionSettings::root_squash, true},
    {"no_root_squash", &OptionSettings::root_squash, false},
    {"all_squash", &OptionSettings::all_squash, true},
    {"no_all_squash", &OptionSettings::all_squash, false},
    {"secure", &OptionSettings::secure, true},
    {"insecure", &OptionSettings::secure, false},
    {"alldirs", &OptionSettings::alldirs, true},
    {"noalldirs", &OptionSettings::alldirs, false},
    {"subtree_check", &OptionSettings::subtree_check, true},
    {"no_subtree_check", &OptionSettings::subtree_check, false},
};

template <typename T>
T ValueOr(const std::optional<Setting<T>>& own, const std::optional<Setting<T>>& inherited,
          T fallback) {
  if (own.has_value()) return own->value;
  if (inherited.has_value()) return inherited->value;
  return fallback;
}

ExportOptions Combine(const OptionSettings& defaults, const OptionSettings& own) {
  ExportOptions options;
  options.read_only = ValueOr(own.read_only, defaults.read_only, options.read_only);
  options.sync = ValueOr(own.sync, defaults.sync, options.sync);
  options.secure = ValueOr(own.secure, defaults.secure, options.secure);
  options.allow_subdirectory_mounts =
      ValueOr(own.alldirs, defaults.alldirs, options.allow_subdirectory_mounts);
  options.anon_uid = ValueOr(own.anon_uid, defaults.anon_uid, options.anon_uid);
  options.anon_gid = ValueOr(own.anon_gid, defaults.anon_gid, options.anon_gid);
  const bool all = ValueOr(own.all_squash, defaults.all_squash, false);
  const bool root = ValueOr(own.root_squash, defaults.root_squash, true);
  options.squash = all ? SquashMode::kAll : (root ? SquashMode::kRoot : SquashMode::kNone);
  return options;
}

// Plain decimal: SimpleAtoi alone would also take "+5" and " 5".
bool ParseDecimal(absl::string_view text, uint32_t max, uint32_t* value) {
  uint64_t wide = 0;
  if (text.empty() || text.size() > 10 ||
      !std::all_of(text.begin(), text.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(text, &wide) || wide > max) {
    return false;
  }
  *value = static_cast<uint32_t>(wide);
  return true;
}

bool IsHostNameChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_'; }

bool IsValidHostName(absl::string_view name) {
  return !name.empty() && name.size() <= 253 && name[0] != '-' && name[0] != '.' &&
         std::all_of(name.begin(), name.end(), IsHostNameChar) && !absl::StrContains(name, "..");
}

// -1 when the mask's one bits are not contiguous from the left.
int PrefixOfNetmask(const IpAddress& mask) {
  int prefix = 0;
  bool ended = false;
  for (uint8_t byte : mask.bytes()) {
    for (int bit = 7; bit >= 0; --bit) {
      const bool set = ((byte >> bit) & 1) != 0;
      if (set && ended) return -1;
      if (set) {
        ++prefix;
      } else {
        ended = true;
      }
    }
  }
  return prefix;
}

// A line's tokens, or one command-line client, to model values. Keeps the first failure, the
// warnings, and the host names looked up so far.
class LineParser {
 public:
  LineParser(const ExportsParseOptions& options, absl::string_view file_name)
      : options_(options), file_name_(file_name) {}

  struct Line {
    ExportEntry entry;
    Position path_at;
    ExportAttributes attributes;
  };

  // False with failure() set on the first error.
  bool ParseLine(const std::vector<Token>& tokens, Line* line);
  bool ParseClient(const Token& token, const OptionSettings& defaults, ExportAttributes* attributes,
                   ClientRule* rule);

  const Failure& failure() const { return failure_; }
  std::vector<ExportsWarning> TakeWarnings() { return std::move(warnings_); }

 private:
  bool Fail(Position at, std::string reason) {
    failure_ = Failure{at, std::move(reason)};
    return false;
  }
  void Warn(Position at, std::string message) {
    warnings_.push_back(
        ExportsWarning{SourceLocation{file_name_, at.line, at.column}, std::move(message)});
  }
  template <typename T>
  bool Set(std::optional<Setting<T>>& slot, T value, absl::string_view spelled, Position at);

  bool ParsePath(const Token& token, std::string* path);
  bool CheckPlainToken(const Token& token);
  bool ParseOptionList(const Token& token, size_t begin, size_t end, OptionSettings* settings,
                       ExportAttributes* attributes);
  bool ParseOption(absl::string_view option, Position at, OptionSettings* settings,
                   ExportAttributes* attributes);
  bool CheckSquash(const OptionSettings& defaults, const OptionSettings& own);
  bool ParseClientSpec(absl::string_view text, Position at, ClientSpec* spec);
  bool ParseNetwork(absl::string_view address_text, absl::string_view mask_text, Position at,
                    ClientSpec* spec);
  bool ParseRange(const IpAddress& first, absl::string_view last_text, Position at,
                  ClientSpec* spec);
  std::vector<IpAddress> Resolve(absl::string_view name, Position at);

  const ExportsParseOptions& options_;
  std::string file_name_;
  // Each name is looked up once per parse, however many lines name it.
  absl::flat_hash_map<std::string, absl::StatusOr<std::vector<IpAddress>>> resolved_;
  std::vector<ExportsWarning> warnings_;
  Failure failure_;
};

template <typename T>
bool LineParser::Set(std::optional<Setting<T>>& slot, T value, absl::string_view spelled,
                     Position at) {
  if (slot.has_value() && slot->value != value) {
    return Fail(at,
                absl::StrCat("option ", Quote(spelled), " conflicts with ", Quote(slot->spelled)));
  }
  if (!slot.has_value()) slot = Setting<T>{std::move(value), std::string(spelled), at};
  return true;
}

bool LineParser::ParseLine(const std::vector<Token>& tokens, Line* line) {
  const Token& path_token = tokens.front();
  line->path_at = path_token.start;
  line->entry.line = path_token.start.line;
  if (!ParsePath(path_token, &line->entry.path)) return false;

  size_t next = 1;
  OptionSettings defaults;
  if (next < tokens.size() && absl::StartsWith(tokens[next].text, "-")) {
    const Token& token = tokens[next];
    if (!CheckPlainToken(token)) return false;
    if (token.text.size() == 1) return Fail(token.start, "no options after \"-\"");
    const size_t paren = token.text.find_first_of("()");
    if (paren != std::string::npos) {
      return Fail(token.At(paren), "default options (-OPTIONS) take no parentheses");
    }
    if (!ParseOptionList(token, 1, token.text.size(), &defaults, &line->attributes) ||
        !CheckSquash(OptionSettings(), defaults)) {
      return false;
    }
    ++next;
    if (next == tokens.size()) {
      return Fail(token.start, "no clients after the default options (write \"*\" for everyone)");
    }
  }
  if (next == tokens.size()) {
    Warn(path_token.start,
         "no clients: exporting to everyone with default options (write \"*\" to say so)");
    line->entry.clients.push_back(ClientRule());
  }
  for (; next < tokens.size(); ++next) {
    const Token& token = tokens[next];
    if (absl::StartsWith(token.text, "-")) {
      return Fail(token.start, "default options (-OPTIONS) must come right after the path");
    }
    ClientRule rule;
    if (!ParseClient(token, defaults, &line->attributes, &rule)) return false;
    for (const ClientRule& earlier : line->entry.clients) {
      if (absl::EqualsIgnoreCase(earlier.client.text, rule.client.text)) {
        Warn(token.start, absl::StrCat("client ", Quote(rule.client.text),
                                       " is listed twice on this line; the first one applies"));
        break;
      }
    }
    line->entry.clients.push_back(std::move(rule));
  }

  const ExportAttributes& attributes = line->attributes;
  if (attributes.alias.has_value()) line->entry.alias = attributes.alias->value;
  if (attributes.fsid.has_value()) line->entry.fsid = attributes.fsid->value;
  line->entry.is_public = attributes.public_at.has_value();
  return true;
}

bool LineParser::ParsePath(const Token& token, std::string* path) {
  std::string raw;
  if (token.literal) {
    raw = token.text;
  } else {
    const std::string& text = token.text;
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"') continue;  // quotes only group; the scanner checked that they pair up
      if (c != '\\') {
        raw.push_back(c);
        continue;
      }
      auto octal = [&](size_t index) {
        return index < text.size() && text[index] >= '0' && text[index] <= '7';
      };
      if (!octal(i + 1) || !octal(i + 2) || !octal(i + 3)) {
        return Fail(token.At(i),
                    "invalid escape: a backslash in a path starts \\ooo, three octal digits "
                    "(\\040 is a space)");
      }
      const int value = (text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0');
      if (value > 0377) return Fail(token.At(i), "escape above \\377");
      if (value == 0) return Fail(token.At(i), "escape \\000 (a NUL byte) in the path");
      raw.push_back(static_cast<char>(value));
      i += 3;
    }
  }
  absl::StatusOr<std::string> normalized = NormalizeExportPath(raw);
  if (!normalized.ok()) {
    return Fail(token.start,
                absl::StrCat("export path ", Quote(raw), " ", normalized.status().message()));
  }
  *path = *std::move(normalized);
  return true;
}

bool LineParser::CheckPlainToken(const Token& token) {
  for (size_t i = 0; i < token.text.size(); ++i) {
    if (token.text[i] == '"') {
      return Fail(token.At(i), "quotes may only surround the export path");
    }
    if (token.text[i] == '\\') {
      return Fail(token.At(i), "backslash escapes may only appear in the export path");
    }
  }
  return true;
}

bool LineParser::ParseOptionList(const Token& token, size_t begin, size_t end,
                                 OptionSettings* settings, ExportAttributes* attributes) {
  if (begin == end) return true;  // "host()": no options of its own
  size_t start = begin;
  for (;;) {
    const size_t comma = std::min(token.text.find(',', start), end);
    const absl::string_view option(token.text.data() + start, comma - start);
    if (option.empty()) return Fail(token.At(start), "empty option");
    if (!ParseOption(option, token.At(start), settings, attributes)) return false;
    if (comma == end) return true;
    start = comma + 1;
  }
}

bool LineParser::ParseOption(absl::string_view option, Position at, OptionSettings* settings,
                             ExportAttributes* attributes) {
  const size_t equals = option.find('=');
  const absl::string_view name = option.substr(0, equals);
  const bool has_value = equals != absl::string_view::npos;
  const absl::string_view value = has_value ? option.substr(equals + 1) : absl::string_view();

  for (const Flag& flag : kFlags) {
    if (name != flag.name) continue;
    if (has_value) return Fail(at, absl::StrCat("option ", Quote(name), " takes no value"));
    return Set(settings->*flag.field, flag.value, option, at);
  }
  if (name == "public") {
    if (has_value) return Fail(at, "option \"public\" takes no value");
    if (!attributes->public_at.has_value()) attributes->public_at = at;
    return true;
  }
  if (name == "anonuid" || name == "anongid") {
    uint32_t id = 0;
    if (!ParseDecimal(value, kMaxAnonymousId, &id)) {
      return Fail(at, absl::StrCat("option ", Quote(name), " needs a decimal id from 0 to ",
                                   kMaxAnonymousId, " (", name, "=N)"));
    }
    return Set(name == "anonuid" ? settings->anon_uid : settings->anon_gid, id, option, at);
  }
  if (name == "fsid") {
    if (value == "root") {
      return Fail(at, "fsid=root is not supported: give the export id as a decimal number");
    }
    uint32_t fsid = 0;
    if (!ParseDecimal(value, UINT32_MAX, &fsid)) {
      return Fail(at, absl::StrCat("option \"fsid\" needs a decimal number from 0 to ", UINT32_MAX,
                                   " (UUIDs are not supported)"));
    }
    return Set(attributes->fsid, fsid, option, at);
  }
  if (name == "name") {
    if (value.empty()) return Fail(at, "option \"name\" needs an alias (name=/ALIAS)");
    // "name=share" means "/share": mount requests always carry absolute paths.
    const std::string alias =
        absl::StartsWith(value, "/") ? std::string(value) : absl::StrCat("/", value);
    absl::StatusOr<std::string> normalized = NormalizeExportPath(alias);
    if (!normalized.ok()) {
      return Fail(at, absl::StrCat("alias ", Quote(alias), " ", normalized.status().message()));
    }
    return Set(attributes->alias, *std::move(normalized), option, at);
  }
  if (name == "mp" || name == "mountpoint") {
    return Fail(at, absl::StrCat("option ", Quote(name),
                                 " is not supported: nfsuite does not check that an export is a "
                                 "mount point"));
  }
  if (name == "crossmnt" || name == "nohide") {
    return Fail(at, absl::StrCat("option ", Quote(name),
                                 " is not supported: lookups never cross into a file system "
                                 "mounted below an export; export that file system on its own "
                                 "line"));
  }
  return Fail(at, absl::StrCat("unknown option ", Quote(name)));
}

// all_squash squashes root as well, so no_root_squash beside it would say something untrue.
// Checked on what a client ends up with, so that "-all_squash host(no_root_squash)" is refused
// too rather than silently squashing that host's root.
bool LineParser::CheckSquash(const OptionSettings& defaults, const OptionSettings& own) {
  const std::optional<Setting<bool>>& all =
      own.all_squash.has_value() ? own.all_squash : defaults.all_squash;
  const std::optional<Setting<bool>>& root =
      own.root_squash.has_value() ? own.root_squash : defaults.root_squash;
  if (!all.has_value() || !all->value || !root.has_value() || root->value) return true;
  const bool root_later = Before(all->at, root->at);
  const Setting<bool>& later = root_later ? *root : *all;
  const Setting<bool>& earlier = root_later ? *all : *root;
  return Fail(later.at, absl::StrCat("option ", Quote(later.spelled), " conflicts with ",
                                     Quote(earlier.spelled), ": all_squash squashes root too"));
}

bool LineParser::ParseClient(const Token& token, const OptionSettings& defaults,
                             ExportAttributes* attributes, ClientRule* rule) {
  const std::string& text = token.text;
  if (text.empty()) return Fail(token.start, "empty client");
  if (!CheckPlainToken(token)) return false;
  const size_t open = text.find('(');
  const size_t close = text.find(')');
  if (open == 0) {
    return Fail(token.start,
                absl::StrCat("options ", Quote(text),
                             " have no client: no space may separate a client from its options "
                             "(write \"*",
                             absl::CEscape(text), "\" to mean everyone)"));
  }
  if (close != std::string::npos && (open == std::string::npos || close < open)) {
    return Fail(token.At(close), "\")\" without \"(\"");
  }
  if (open != std::string::npos) {
    if (close == std::string::npos) {
      return Fail(token.At(open),
                  "option list without \")\" (no spaces may appear inside the parentheses)");
    }
    const size_t second_open = text.find('(', open + 1);
    if (second_open < close) return Fail(token.At(second_open), "\"(\" inside an option list");
    if (close + 1 != text.size()) {
      return Fail(token.At(close + 1), "unexpected text after the option list");
    }
  }
  if (!ParseClientSpec(absl::string_view(text).substr(0, open), token.start, &rule->client)) {
    return false;
  }
  OptionSettings own;
  if (open != std::string::npos && !ParseOptionList(token, open + 1, close, &own, attributes)) {
    return false;
  }
  if (!CheckSquash(OptionSettings(), own) || !CheckSquash(defaults, own)) return false;
  rule->options = Combine(defaults, own);
  return true;
}

bool LineParser::ParseClientSpec(absl::string_view text, Position at, ClientSpec* spec) {
  *spec = ClientSpec();
  spec->text = std::string(text);
  if (text == "*") {
    spec->kind = ClientKind::kAnyone;
    return true;
  }
  if (absl::StartsWith(text, "@")) {
    return Fail(at, absl::StrCat("netgroups are not supported (", Quote(text), ")"));
  }
  if (text.find_first_of("*?") != absl::string_view::npos) {
    if (!std::all_of(text.begin(), text.end(),
                     [](char c) { return IsHostNameChar(c) || c == '*' || c == '?'; })) {
      return Fail(at, absl::StrCat("invalid wildcard name ", Quote(text),
                                   ": only letters, digits, '-', '.', '_', '*' and '?' may "
                                   "appear"));
    }
    spec->kind = ClientKind::kWildcardName;
    spec->pattern = absl::AsciiStrToLower(text);
    return true;
  }
  const size_t slash = text.find('/');
  if (slash != absl::string_view::npos) {
    return ParseNetwork(text.substr(0, slash), text.substr(slash + 1), at, spec);
  }
  // Host names may contain '-' too; only an address before the dash makes a range.
  const size_t dash = text.find('-');
  if (dash != absl::string_view::npos) {
    const std::optional<IpAddress> first = IpAddress::Parse(text.substr(0, dash));
    if (first.has_value()) return ParseRange(*first, text.substr(dash + 1), at, spec);
  }
  if (const std::optional<IpAddress> address = IpAddress::Parse(text); address.has_value()) {
    spec->kind = ClientKind::kAddress;
    spec->addresses = {*address};
    return true;
  }
  // No host name is all digits and dots, and getaddrinfo would read "10.1" as 10.0.0.1.
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return absl::ascii_isdigit(c) || c == '.'; })) {
    return Fail(at, absl::StrCat(Quote(text), " is not a valid IPv4 address"));
  }
  if (text.find(':') != absl::string_view::npos) {
    return Fail(at, absl::StrCat(Quote(text), " is not a valid IPv6 address"));
  }
  if (!IsValidHostName(text)) {
    return Fail(at, absl::StrCat("invalid client ", Quote(text),
                                 ": expected *, a host name, an IP address, ADDRESS/PREFIX, "
                                 "ADDRESS/NETMASK, FIRST-LAST or a wildcard name"));
  }
  spec->kind = ClientKind::kHostName;
  spec->addresses = Resolve(text, at);
  return true;
}

bool LineParser::ParseNetwork(absl::string_view address_text, absl::string_view mask_text,
                              Position at, ClientSpec* spec) {
  const std::optional<IpAddress> address = IpAddress::Parse(address_text);
  if (!address.has_value()) {
    return Fail(at, absl::StrCat(Quote(address_text), " in ", Quote(spec->text),
                                 " is not an IP address (a network is ADDRESS/PREFIX or "
                                 "ADDRESS/NETMASK)"));
  }
  int prefix = 0;
  if (!mask_text.empty() && std::all_of(mask_text.begin(), mask_text.end(), absl::ascii_isdigit)) {
    if (mask_text.size() > 3 || !absl::SimpleAtoi(mask_text, &prefix) ||
        prefix > address->bit_length()) {
      return Fail(at, absl::StrCat("prefix length ", Quote(mask_text), " in ", Quote(spec->text),
                                   " is not from 0 to ", address->bit_length()));
    }
  } else {
    const std::optional<IpAddress> mask = IpAddress::Parse(mask_text);
    if (!mask.has_value() || mask->family() != address->family()) {
      return Fail(at, absl::StrCat(Quote(mask_text), " in ", Quote(spec->text),
                                   " is neither a prefix length nor a netmask of the address's "
                                   "family"));
    }
    prefix = PrefixOfNetmask(*mask);
    if (prefix < 0) {
      return Fail(at, absl::StrCat("netmask ", Quote(mask_text), " in ", Quote(spec->text),
                                   " is not contiguous"));
    }
  }
  spec->kind = ClientKind::kNetwork;
  spec->network = address->Masked(prefix);
  spec->prefix_length = prefix;
  if (spec->network != *address) {
    Warn(at, absl::StrCat(Quote(spec->text), " has host bits set; it means ",
                          spec->network.ToString(), "/", prefix));
  }
  return true;
}

bool LineParser::ParseRange(const IpAddress& first, absl::string_view last_text, Position at,
                            ClientSpec* spec) {
  const std::optional<IpAddress> last = IpAddress::Parse(last_text);
  if (!last.has_value()) {
    return Fail(at, absl::StrCat("range end ", Quote(last_text), " in ", Quote(spec->text),
                                 " is not an IP address (a range is FIRST-LAST)"));
  }
  if (last->family() != first.family()) {
    return Fail(at, absl::StrCat("the ends of range ", Quote(spec->text),
                                 " are of different address families"));
  }
  if (*last < first) {
    return Fail(at, absl::StrCat("range ", Quote(spec->text),
                                 " is empty: its first address is above its last"));
  }
  spec->kind = ClientKind::kRange;
  spec->first = first;
  spec->last = *last;
  return true;
}

std::vector<IpAddress> LineParser::Resolve(absl::string_view name, Position at) {
  const std::string key = absl::AsciiStrToLower(name);
  auto it = resolved_.find(key);
  if (it == resolved_.end()) {
    absl::StatusOr<std::vector<IpAddress>> addresses =
        options_.resolve_host ? options_.resolve_host(std::string(name))
                              : absl::UnavailableError("no host resolver");
    if (addresses.ok()) {
      // Injected resolvers owe no order; equal tables must compare equal.
      for (IpAddress& address : *addresses) address = address.Unmapped();
      std::sort(addresses->begin(), addresses->end());
      addresses->erase(std::unique(addresses->begin(), addresses->end()), addresses->end());
    }
    it = resolved_.emplace(key, std::move(addresses)).first;
  }
  if (!it->second.ok() || it->second->empty()) {
    const std::string why =
        it->second.ok() ? "no addresses" : std::string(it->second.status().message());
    Warn(at, absl::StrCat("host ", Quote(name), " does not resolve (", why,
                          "); it matches no client until the exports are loaded again"));
    return {};
  }
  return *it->second;
}

// The checks between lines: paths and aliases share one namespace (a mount request names either),
// explicit fsids are unique, and there is at most one public export.
class TableChecker {
 public:
  bool Add(const LineParser::Line& line, Failure* failure);

 private:
  struct Name {
    int line;
    bool is_alias;
  };
  absl::flat_hash_map<std::string, Name> names_;
  absl::flat_hash_map<uint32_t, int> fsids_;
  std::optional<int> public_line_;
};

bool TableChecker::Add(const LineParser::Line& line, Failure* failure) {
  const ExportEntry& entry = line.entry;
  if (auto it = names_.find(entry.path); it != names_.end()) {
    *failure = {
        line.path_at,
        it->second.is_alias
            ? absl::StrCat("export path ", Quote(entry.path),
                           " is already the alias (name=) of the export on line ", it->second.line)
            : absl::StrCat(Quote(entry.path), " is already exported on line ", it->second.line)};
    return false;
  }
  // An alias equal to its own path adds no name and conflicts with nothing.
  const bool new_alias = entry.alias.has_value() && *entry.alias != entry.path;
  if (new_alias) {
    if (auto it = names_.find(*entry.alias); it != names_.end()) {
      *failure = {line.attributes.alias->at,
                  it->second.is_alias
                      ? absl::StrCat("alias ", Quote(*entry.alias),
                                     " is already used by the export on line ", it->second.line)
                      : absl::StrCat("alias ", Quote(*entry.alias),
                                     " is the path of the export on line ", it->second.line)};
      return false;
    }
  }
  if (entry.fsid.has_value()) {
    if (auto it = fsids_.find(*entry.fsid); it != fsids_.end()) {
      *failure = {line.attributes.fsid->at,
                  absl::StrCat("fsid=", *entry.fsid, " is already used by the export on line ",
                               it->second)};
      return false;
    }
  }
  if (entry.is_public && public_line_.has_value()) {
    *failure = {*line.attributes.public_at,
                absl::StrCat("the export on line ", *public_line_,
                             " is already public; there can be only one public export")};
    return false;
  }
  names_.emplace(entry.path, Name{entry.line, false});
  if (new_alias) names_.emplace(*entry.alias, Name{entry.line, true});
  if (entry.fsid.has_value()) fsids_.emplace(*entry.fsid, entry.line);
  if (entry.is_public) public_line_ = entry.line;
  return true;
}

}  // namespace

std::string ExportsError::ToString() const {
  return absl::StrCat(location.ToString(), ": ", reason);
}

absl::Status ExportsError::ToStatus() const { return absl::Status(code, ToString()); }

ExportsParseResult ParseExports(absl::string_view text, absl::string_view file_name,
                                const ExportsParseOptions& options) {
  if (text.size() > options.max_file_bytes) {
    return ExportsError{absl::StatusCode::kInvalidArgument,
                        SourceLocation{std::string(file_name), 0, 0},
                        absl::StrCat("the file is larger than ", options.max_file_bytes, " bytes")};
  }
  Scanner scanner(text, options.max_line_bytes);
  LineParser parser(options, file_name);
  TableChecker checker;
  ParsedExports table;
  std::vector<Token> tokens;
  Failure failure;
  for (;;) {
    const Scanner::Step step = scanner.Next(&tokens, &failure);
    if (step == Scanner::Step::kEnd) break;
    if (step == Scanner::Step::kError) return MakeError(file_name, failure);
    LineParser::Line line;
    if (!parser.ParseLine(tokens, &line)) return MakeError(file_name, parser.failure());
    if (!checker.Add(line, &failure)) return MakeError(file_name, failure);
    table.entries.push_back(std::move(line.entry));
  }
  table.warnings = parser.TakeWarnings();
  return table;
}

ExportsParseResult ParseExportsFile(const std::string& path, const ExportsParseOptions& options) {
  auto read_error = [&path](int error) {
    return ExportsError{absl::ErrnoToStatusCode(error), SourceLocation{path, 0, 0},
                        absl::StrCat("cannot read the exports file: ", std::strerror(error))};
  };
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return read_error(errno);
  std::string text;
  char buffer[64 * 1024];
  // One byte past the limit is enough for ParseExports to refuse the file.
  while (text.size() <= options.max_file_bytes) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      return read_error(error);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return ParseExports(text, path, options);
}

ExportsParseResult ParseExportArguments(absl::Span<const std::string> arguments,
                                        absl::string_view source_name,
                                        const ExportsParseOptions& options) {
  if (arguments.empty()) {
    return ExportsError{absl::StatusCode::kInvalidArgument,
                        SourceLocation{std::string(source_name), 0, 0}, "no export path"};
  }
  std::vector<Token> tokens;
  for (size_t i = 0; i < arguments.size(); ++i) {
    tokens.push_back(ArgumentToken(arguments[i], static_cast<int>(i + 1)));
  }
  LineParser parser(options, source_name);
  LineParser::Line line;
  if (!parser.ParseLine(tokens, &line)) return MakeError(source_name, parser.failure());
  ParsedExports table;
  table.entries.push_back(std::move(line.entry));
  table.warnings = parser.TakeWarnings();
  return table;
}

std::variant<ParsedClientArgument, ExportsError> ParseClientArgument(
    absl::string_view argument, absl::string_view source_name, const ExportsParseOptions& options) {
  LineParser parser(options, source_name);
  ExportAttributes attributes;
  ParsedClientArgument result;
  if (!parser.ParseClient(ArgumentToken(argument, 1), OptionSettings(), &attributes,
                          &result.rule)) {
    return MakeError(source_name, parser.failure());
  }
  if (attributes.alias.has_value()) result.alias = attributes.alias->value;
  if (attributes.fsid.has_value()) result.fsid = attributes.fsid->value;
  result.is_public = attributes.public_at.has_value();
  result.warnings = parser.TakeWarnings();
  return result;
}

}  // namespace nfsuite::exports
