#pragma once
/// \file Limits on YAML text and documents, checked before anything reads a document: a scenario file
/// from many hands must not crash, hang or exhaust the machine (docs/scenario-format.md, "Limits").
/// Part of the scenario loader, so it may see yaml-cpp.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace districtcast::scenario_detail {

/// Deepest nesting of mappings and lists accepted (a scenario needs about 6 levels).
inline constexpr std::size_t kMaxYamlDepth = 64;
/// Most nodes one document may expand into, counting a node again each time an alias (`*name`) uses it.
/// Guards against alias bombs ("billion laughs"): 10 levels of 10 aliases each would be 10^10 nodes.
inline constexpr std::size_t kMaxYamlNodes = 1'000'000;

/// A limit a text or document breaks, with where (a yaml-cpp mark: 0-based line and column; -1 unknown).
struct YamlLimitProblem {
  std::string message;
  YAML::Mark mark = YAML::Mark::null_mark();
};

/// Checks raw text before it is parsed: it must be UTF-8 text (no NUL bytes or malformed UTF-8; UTF-16 and
/// UTF-32 are named as such) and its nesting, estimated from brackets and indentation, must stay within
/// kMaxYamlDepth (so that the recursive parser never gets near the end of its stack). nullopt when it passes.
[[nodiscard]] std::optional<YamlLimitProblem> check_yaml_text(std::string_view text);

/// Checks that `text` holds one YAML document: a second one (after `---`) is a problem at its start, and so is
/// text where yaml-cpp's parser would start document after document without reading anything (a stray ','
/// at document level makes YAML::LoadAll loop forever). Parses at most three documents' events, so it is
/// bounded. Throws YAML::Exception for text that is not YAML.
[[nodiscard]] std::optional<YamlLimitProblem> check_single_document(std::string_view text);

/// Checks a parsed document: nesting at most kMaxYamlDepth, at most kMaxYamlNodes nodes with every alias
/// expanded, no alias inside the node it names (a cycle), and and no explicit tag (`!!str`, `!custom`). Stops at the first problem, so its cost is
/// bounded by the limits whatever the document. nullopt when it passes.
[[nodiscard]] std::optional<YamlLimitProblem> check_yaml_document(const YAML::Node& root);

}  // namespace districtcast::scenario_detail
