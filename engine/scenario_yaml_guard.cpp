#include "engine/scenario_yaml_guard.hpp"

#include "engine/progress.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <cstdint>
#include <sstream>
#include <vector>

namespace districtcast::scenario_detail {
namespace {

/// A mark at 0-based `line` and `column` (yaml-cpp's convention).
YAML::Mark mark_at(int line, int column) {
  YAML::Mark mark;
  mark.line = line;
  mark.column = column;
  return mark;
}

/// Where byte `offset` of `text` is, as a 0-based line and column (columns count bytes).
YAML::Mark mark_of_offset(std::string_view text, std::size_t offset) {
  int line = 0;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return mark_at(line, static_cast<int>(offset - line_start));
}

/// Length of the UTF-8 sequence starting at `i` and its code point, or 0 when it is malformed
/// (truncated, overlong, a surrogate or above U+10FFFF).
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1Fu;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0Fu;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3Fu);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return length;
}

/// A problem when `text` is not UTF-8 text YAML may hold: NUL and other control characters (but tab, line
/// feed, carriage return and U+0085), malformed UTF-8, or a UTF-16/UTF-32 byte-order mark.
std::optional<YamlLimitProblem> check_encoding(std::string_view text) {
  const auto starts_with = [&](std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; };
  using namespace std::string_view_literals;
  if (starts_with("\x00\x00\xFE\xFF"sv) || starts_with("\xFF\xFE\x00\x00"sv)) {
    return YamlLimitProblem{"the file is UTF-32 text: save it as UTF-8", mark_at(0, 0)};
  }
  if (starts_with("\xFE\xFF"sv) || starts_with("\xFF\xFE"sv)) {
    return YamlLimitProblem{"the file is UTF-16 text: save it as UTF-8", mark_at(0, 0)};
  }
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const std::size_t length = utf8_sequence(text, i, c);
    if (length == 0) {
      return YamlLimitProblem{
          fmt::format("not UTF-8 text: byte 0x{:02X} cannot start or continue a character here (is it a binary "
                      "file?)",
                      static_cast<unsigned char>(text[i])),
          mark_of_offset(text, i)};
    }
    const bool control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || (c >= 0x80 && c < 0xA0 && c != 0x85);
    if (control) {
      return YamlLimitProblem{
          fmt::format("not a text file: control character U+{:04X}{} (a scenario is UTF-8 text)",
                      static_cast<std::uint32_t>(c), c == 0 ? " (NUL)" : ""),
          mark_of_offset(text, i)};
    }
    i += length;
  }
  return std::nullopt;
}

/// The message for nesting deeper than kMaxYamlDepth.
std::string too_deep() {
  return fmt::format("nested more than {} levels deep (lists and mappings inside each other); a scenario needs "
                     "about 6",
                     kMaxYamlDepth);
}

/// Estimates the nesting depth of YAML text line by line: open flow brackets plus block indentation
/// levels plus compact `- ` entries. Quoted scalars, comments and block scalars (`|`, `>`) are skipped.
/// The estimate only errs upward where real nesting is as deep, so it never refuses a shallow document.
class NestingEstimate {
 public:
  std::optional<YamlLimitProblem> scan(std::string_view text) {
    std::size_t start = 0;
    int line = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      if (auto problem = scan_line(text.substr(start, end - start), line)) return problem;
      start = end + 1;
      ++line;
    }
    return std::nullopt;
  }

 private:
  std::optional<YamlLimitProblem> scan_line(std::string_view line, int number) {
    std::size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    const bool blank = indent == line.size() || line[indent] == '#' || line[indent] == '\r';
    if (block_scalar_indent_) {
      if (blank || indent > *block_scalar_indent_) return std::nullopt;  // a line of the block scalar's text
      block_scalar_indent_.reset();
    }
    if (blank && quote_ == 0) return std::nullopt;
    std::size_t block_depth = 0;
    std::size_t i = indent;
    if (flow_depth_ == 0 && quote_ == 0) {
      while (!indents_.empty() && indents_.back() >= indent) indents_.pop_back();
      indents_.push_back(indent);
      block_depth = indents_.size();
      // Compact nested entries on one line: "- - - x" or "- key: value" each open a level.
      while (i + 1 < line.size() && (line[i] == '-' || line[i] == '?') && line[i + 1] == ' ') {
        ++block_depth;
        i += 2;
        while (i < line.size() && line[i] == ' ') ++i;
      }
      last_block_depth_ = block_depth;
    } else {
      block_depth = last_block_depth_;
    }
    if (block_depth > kMaxYamlDepth) return YamlLimitProblem{too_deep(), mark_at(number, static_cast<int>(indent))};
    char previous = ' ';
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (quote_ != 0) {
        if (quote_ == '"' && c == '\\') {
          ++i;
        } else if (c == quote_) {
          if (quote_ == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
            ++i;
          } else {
            quote_ = 0;
          }
        }
        previous = c;
        continue;
      }
      const bool token_start = previous == ' ' || previous == '\t' || previous == '[' || previous == '{' ||
                               previous == ',' || previous == ':' || i == indent;
      if (c == '#' && (previous == ' ' || previous == '\t' || i == 0)) break;
      if ((c == '\'' || c == '"') && token_start) {
        quote_ = c;
      } else if (c == '[' || c == '{') {
        ++flow_depth_;
        if (block_depth + flow_depth_ > kMaxYamlDepth) {
          return YamlLimitProblem{too_deep(), mark_at(number, static_cast<int>(i))};
        }
      } else if ((c == ']' || c == '}') && flow_depth_ > 0) {
        --flow_depth_;
      } else if ((c == '|' || c == '>') && token_start && flow_depth_ == 0 && ends_block_scalar_header(line, i)) {
        block_scalar_indent_ = indent;
        break;
      }
      previous = c;
    }
    return std::nullopt;
  }

  /// True when line[i] ('|' or '>') is followed only by chomping/indent indicators, spaces and a comment.
  static bool ends_block_scalar_header(std::string_view line, std::size_t i) {
    for (std::size_t k = i + 1; k < line.size(); ++k) {
      const char c = line[k];
      if (c == '#') return k > i + 1 && line[k - 1] == ' ';
      if (c != '+' && c != '-' && c != ' ' && c != '\r' && (c < '1' || c > '9')) return false;
    }
    return true;
  }

  std::vector<std::size_t> indents_;
  std::size_t flow_depth_ = 0;
  std::size_t last_block_depth_ = 0;
  char quote_ = 0;
  std::optional<std::size_t> block_scalar_indent_;
};

/// A problem for an explicit tag (`!!python/object`, `!custom`, even `!!str`): a scenario holds plain values,
/// and yaml-cpp would otherwise ignore the tag without a word (`gdp: !!str 3800` would be read as a number).
std::optional<YamlLimitProblem> check_tag(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  if (tag.empty() || tag == "?" || tag == "!") return std::nullopt;
  static constexpr std::string_view kCore = "tag:yaml.org,2002:";
  const std::string shown = tag.rfind(kCore, 0) == 0 ? "!!" + tag.substr(kCore.size()) : tag;
  return YamlLimitProblem{fmt::format("YAML tag '{}' is not supported: a scenario holds plain numbers, text, lists "
                                      "and mappings (quote a value to make it text)",
                                      shown),
                          node.Mark()};
}

/// Walks a document depth first, counting every node (again at every alias use).
class DocumentWalk {
 public:
  std::optional<YamlLimitProblem> walk(const YAML::Node& node) {
    if (++nodes_ > kMaxYamlNodes) {
      return YamlLimitProblem{
          fmt::format("the document expands to more than {} nodes, counting the nodes an alias (*name) repeats "
                      "each time it is used: is it an alias bomb?",
                      with_thousands(kMaxYamlNodes)),
          node.Mark()};
    }
    if (auto problem = check_tag(node)) return problem;
    if (!node.IsMap() && !node.IsSequence()) return std::nullopt;
    for (const YAML::Node& ancestor : ancestors_) {
      if (ancestor.is(node)) {
        return YamlLimitProblem{"an alias (*name) is used inside the node its anchor (&name) marks: the document "
                                "would be infinitely deep",
                                node.Mark()};
      }
    }
    if (ancestors_.size() >= kMaxYamlDepth) return YamlLimitProblem{too_deep(), node.Mark()};
    ancestors_.push_back(node);
    std::optional<YamlLimitProblem> problem;
    if (node.IsSequence()) {
      for (auto it = node.begin(); it != node.end() && !problem; ++it) problem = walk(*it);
    } else {
      for (auto it = node.begin(); it != node.end() && !problem; ++it) {
        problem = walk(it->first);
        if (!problem) problem = walk(it->second);
      }
    }
    ancestors_.pop_back();
    return problem;
  }

 private:
  std::size_t nodes_ = 0;
  std::vector<YAML::Node> ancestors_;
};

/// Records where each document starts; ignores everything else.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {}
  void OnSequenceStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                       YAML::EmitterStyle::value /*style*/) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {}
  void OnMapEnd() override {}
};

}  // namespace

std::optional<YamlLimitProblem> check_single_document(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentStarts handler;
  for (int i = 0; i < 3 && parser.HandleNextDocument(handler); ++i) {
  }
  const auto& starts = handler.starts;
  for (std::size_t i = 1; i < starts.size(); ++i) {
    if (starts[i].pos <= starts[i - 1].pos) {
      return YamlLimitProblem{"not valid YAML: text the parser cannot read where a document should start (a "
                              "stray ',' or ']'?)",
                              starts[i]};
    }
  }
  if (starts.size() > 1) {
    return YamlLimitProblem{"holds more than one YAML document (a '---' separator starts another): a scenario "
                            "file holds one",
                            starts[1]};
  }
  return std::nullopt;
}

std::optional<YamlLimitProblem> check_yaml_text(std::string_view text) {
  if (auto problem = check_encoding(text)) return problem;
  return NestingEstimate{}.scan(text);
}

std::optional<YamlLimitProblem> check_yaml_document(const YAML::Node& root) { return DocumentWalk{}.walk(root); }

}  // namespace districtcast::scenario_detail
