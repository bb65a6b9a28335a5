#pragma once
/// \file Internal to the HTML report (engine/report_*.cpp): which quantile columns of a run a fan chart
/// draws as its bands and centre line, and how the caption names them. Nothing outside engine/report_*
/// may include it.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace districtcast::report_detail {

/// Which quantile columns a fan chart draws: p5-p95 and p25-p75 when present, else the outermost and next
/// inner pair available; p50, else the mean. Indices are positions in the run's quantile names; an unset
/// index means that band (or the median) is not drawn.
struct QuantileChoice {
  std::optional<std::size_t> outer_low, outer_high, inner_low, inner_high, median;
  std::string outer_label, inner_label, centre_label = "median";
  std::string caption;  ///< e.g. "5th–95th and 25th–75th percentiles"
};

/// The choice for quantile column names such as "p5", "p50", "p97.5" (others are ignored). Labels read
/// "5th–95th percentile"; without percentiles on both sides of the median there is no band and the
/// caption says so; without p50 the centre label is "mean (no median in this run)".
[[nodiscard]] QuantileChoice choose_quantiles(const std::vector<std::string>& names);

}  // namespace districtcast::report_detail
