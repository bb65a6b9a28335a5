#pragma once
/// \file Output column names of quantiles.

#include <string>

namespace districtcast {

/// "p" + the percentile in shortest form with at most 10 significant digits: 0.05 -> "p5", 0.025 -> "p2.5",
/// 0.999 -> "p99.9".
[[nodiscard]] std::string quantile_column_name(double q);

}  // namespace districtcast
