#pragma once
/// \file Plain-text tables for terminals (`runs`, `history`): aligned columns two spaces apart.

#include <string>
#include <vector>

namespace districtcast {

/// `header` and `rows` in aligned columns two spaces apart (widths in code points, so "…" and "−" count as
/// one), right-aligned where `right[c]`, one line per row ending in '\n', no trailing spaces.
[[nodiscard]] std::string aligned_table(const std::vector<std::string>& header,
                                        const std::vector<std::vector<std::string>>& rows,
                                        const std::vector<bool>& right);

}  // namespace districtcast
