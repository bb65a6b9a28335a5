#include "engine/diagnostic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace districtcast {

namespace {

/// `text` on one line (line breaks and tabs written as \\n, \\r, \\t) and at most about `limit` bytes: a
/// longer text keeps its beginning and end around "…(N bytes)…", so a message echoing a huge value stays
/// readable and its reason (at the end) stays visible.
std::string one_line(std::string_view text, std::size_t limit) {
  std::string flat;
  flat.reserve(std::min(text.size(), 2 * limit + 16));
  const auto append = [&flat](std::string_view part) {
    for (char c : part) {
      if (c == '\n') {
        flat += "\\n";
      } else if (c == '\r') {
        flat += "\\r";
      } else if (c == '\t') {
        flat += "\\t";
      } else {
        flat += c;
      }
    }
  };
  if (text.size() <= limit) {
    append(text);
    return flat;
  }
  // Cut at UTF-8 character boundaries (never before a continuation byte).
  std::size_t head = limit * 2 / 3;
  while (head > 0 && (static_cast<unsigned char>(text[head]) & 0xC0) == 0x80) --head;
  std::size_t tail = text.size() - limit / 3;
  while (tail < text.size() && (static_cast<unsigned char>(text[tail]) & 0xC0) == 0x80) ++tail;
  append(text.substr(0, head));
  flat += fmt::format("…({} bytes)…", tail - head);
  append(text.substr(tail));
  return flat;
}

}  // namespace

std::string Diagnostic::to_string() const {
  std::string out;
  if (!file.empty()) out += one_line(file, 400) + ": ";
  if (!path.empty()) out += one_line(path, 200) + ": ";
  out += one_line(message, 600);
  if (line > 0) out += fmt::format(" (line {}, col {})", line, column);
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  // Optimal string alignment distance: insertions, deletions, substitutions and transpositions of two
  // adjacent characters each cost 1 (so "rnu" is one edit from "run"). Three rolling rows: O(|b|) memory.
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> before(m + 1, 0), previous(m + 1, 0), current(m + 1, 0);
  for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  if (word.size() > kMaxSuggestionLength) return best;  // no key or id is that long: not a typo of one
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    // The distance is at least the difference in length: skip the quadratic work when that alone is too far.
    const std::size_t gap = word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
    if (gap >= best_distance) continue;
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace districtcast
