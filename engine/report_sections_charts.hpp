#pragma once
/// \file Internal to the HTML report (engine/report_*.cpp): the chart figures of one district (GDP, firm
/// stock and births fan charts, sector shares, first-crossing bars), each a <figure> with an inline SVG
/// chart, a title heading and a caption. Nothing outside engine/report_* may include it.

#include "engine/report_data.hpp"

#include <string>
#include <vector>

namespace districtcast::report_detail {

/// The fan chart of `metric` (Metric::gdp, firm_stock or firm_births) for the district total of
/// `district`, every member that has the series overlaid, titled with the display `name` at heading
/// `level`. GDP charts show the observed history; thresholds of `metric` are drawn as reference lines. Meant
/// for a district where any_rows() is true (otherwise the chart has no series).
[[nodiscard]] std::string fan_figure(const std::vector<Member>& members, const std::string& district,
                                     const std::string& name, Metric metric, int level);

/// Sector shares of a split district: each sector's median share with its inner band, in percent (the
/// second run of a comparison: median only). "" when no member splits the district into sectors.
[[nodiscard]] std::string sector_figure(const std::vector<Member>& members, const std::string& district,
                                        const std::string& name, int level);

/// When threshold `t` is first reached in the district: a bar per year plus "never", and the cumulative
/// probability as a line, one series per member. "" when no member has first-crossing rows for it.
[[nodiscard]] std::string crossing_figure(const std::vector<Member>& members, const std::string& district,
                                          const std::string& name, const Threshold& t, int level);

}  // namespace districtcast::report_detail
