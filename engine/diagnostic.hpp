#pragma once
/// \file Validation errors as values: what is wrong, where in the YAML, and on which line.

#include <cstddef>
#include <string>
#include <vector>

namespace districtcast {

/// One problem found in an input file.
struct Diagnostic {
  std::string file;     ///< file as given by the user (may be empty for in-memory text)
  std::string path;     ///< YAML path, e.g. "districts[2].growth.volatility" (empty for whole-file problems)
  std::string message;  ///< what is wrong, e.g. "must be >= 0 (got -0.1)"
  int line = 0;         ///< 1-based line, 0 when unknown
  int column = 0;       ///< 1-based column, 0 when unknown

  /// One line: "FILE: PATH: MESSAGE (line L, col C)", omitting empty parts. Line breaks and tabs in the
  /// parts are escaped, and a part that echoes a huge value is cut in its middle ("…(N bytes)…").
  [[nodiscard]] std::string to_string() const;
};

/// Edit distance (optimal string alignment: Levenshtein plus adjacent transpositions) between two strings, for "did you mean" suggestions.
[[nodiscard]] std::size_t edit_distance(const std::string& a, const std::string& b);

/// Longest word closest_match() looks at: a longer one is no typo of a key or id, and comparing it would cost
/// time in proportion to its length times each candidate's.
inline constexpr std::size_t kMaxSuggestionLength = 64;

/// The candidate closest to `word` if it is plausibly a typo of it (distance <= max(1, |word| / 3)), else ""
/// (always "" for a word longer than kMaxSuggestionLength).
[[nodiscard]] std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace districtcast
