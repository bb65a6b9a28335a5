#pragma once
/// \file Internal to the HTML report (engine/report_*.cpp): the small pieces of text and HTML every section
/// uses (headings, probability cells, metric names, threshold conditions, number of paths). Strings from
/// the run's files are HTML-escaped where these functions return HTML. Nothing outside engine/report_* may
/// include it.

#include "engine/report_data.hpp"

#include <string>

namespace districtcast::report_detail {

/// " billion CNY" (with a leading space) for the run's units, "" when it has none.
[[nodiscard]] std::string units_suffix(const RunData& run);

/// How a metric is named in titles: "GDP", "active firms", "firm births", ...
[[nodiscard]] std::string metric_title(Metric metric);

/// Digits worth showing for values of this size (GDP in tooltips and tables); 0 for firm counts.
[[nodiscard]] int value_decimals(Metric metric, double typical);

/// "GDP ≥ 1,000 billion CNY", with the label first when there is one ("trillion club (GDP ≥ ...)").
/// Plain text, not escaped.
[[nodiscard]] std::string threshold_text(const Threshold& t, const RunData& run);

/// "<hN id=\"...\">text</hN>\n" with `level` clamped to 1..6, no id attribute when `id` is empty; id and
/// text escaped.
[[nodiscard]] std::string heading(int level, const std::string& id, const std::string& text);

/// A probability cell's HTML: the percentage with its Monte Carlo standard error `se` in percentage points
/// ("42.4% <span class=\"se\">±0.16</span>").
[[nodiscard]] std::string probability_cell(double p, double se);

/// The run's number of paths with thousands separators ("100,000"), not escaped.
[[nodiscard]] std::string paths_text(const RunData& run);

}  // namespace districtcast::report_detail
