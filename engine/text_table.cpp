#include "engine/text_table.hpp"

#include "engine/compare_writers.hpp"

#include <algorithm>

namespace districtcast {

std::string aligned_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                          const std::vector<bool>& right) {
  std::vector<std::size_t> widths(header.size(), 0);
  for (std::size_t c = 0; c < header.size(); ++c) widths[c] = display_width(header[c]);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::string out;
  const auto add_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      const std::size_t pad = widths[c] - display_width(row[c]);
      if (c > 0) line += "  ";
      if (c < right.size() && right[c]) {
        line += std::string(pad, ' ') + row[c];
      } else {
        line += row[c];
        if (c + 1 < row.size()) line += std::string(pad, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  };
  add_row(header);
  for (const auto& row : rows) add_row(row);
  return out;
}

}  // namespace districtcast
