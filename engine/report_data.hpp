#pragma once
/// \file Internal to the HTML report (engine/report_*.cpp): the runs a document shows and look-ups into
/// their tables (series rows, districts, thresholds, first crossings), shared by every section. No HTML
/// here. Nothing outside engine/report_* may include it.

#include "engine/run_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace districtcast::report_detail {

/// One run shown in a document, with how it is drawn: tag "" (alone) or "A" / "B" (overlaid), its colour
/// (svg::kBlue, svg::kVermillion, ...) and whether its lines are dashed. `run` must outlive the member.
struct Member {
  const RunData* run = nullptr;
  std::string tag;
  std::string colour;
  bool dashed = false;
};

/// The last forecast year (base year + horizon).
[[nodiscard]] int last_year(const RunData& run);

/// The middle year of the horizon (2030 for 2025-2035).
[[nodiscard]] int middle_year(const RunData& run);

/// Rows of one series (district total when sector is empty), in year order; pointers into `run`.
[[nodiscard]] std::vector<const SummaryRow*> series_rows(const RunData& run, const std::string& district,
                                                         const std::string& sector, Metric metric);

/// The district with this id in the run's district list, nullptr if it has none.
[[nodiscard]] const RunDistrictInfo* find_district(const RunData& run, const std::string& id);

/// The district's name, or its id when it has no name.
[[nodiscard]] std::string display_name(const RunDistrictInfo& d);

/// Districts of every member, in order of first appearance: (id, display name).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> all_districts(const std::vector<Member>& members);

/// The district's base-year firm stock from the manifest's resolved scenario (sum over sectors); nullopt
/// when the manifest does not say.
[[nodiscard]] std::optional<double> base_firm_stock(const RunData& run, const std::string& district);

/// A threshold of the run (metric, value, label).
struct Threshold {
  Metric metric = Metric::gdp;
  double value = 0;
  std::string label;
};

/// The thresholds of every member's thresholds table, each (metric, value) once, in order of first
/// appearance.
[[nodiscard]] std::vector<Threshold> all_thresholds(const std::vector<Member>& members);

/// The thresholds-table row of this district, threshold and year, nullptr if the run has none.
[[nodiscard]] const ThresholdRow* threshold_row(const RunData& run, const std::string& district, const Threshold& t,
                                                int year);

/// The first-crossing rows of this district and threshold: years ascending, "never" last.
[[nodiscard]] std::vector<const FirstCrossingRow*> crossing_rows(const RunData& run, const std::string& district,
                                                                 const Threshold& t);

/// The year by which the threshold is reached with probability >= 1/2 (from `rows` as crossing_rows gives
/// them), or "after <last year>".
[[nodiscard]] std::string median_first_year(const RunData& run, const std::vector<const FirstCrossingRow*>& rows);

/// The binomial standard error of a probability `p` estimated from `paths` paths (0 when there are none).
[[nodiscard]] double binomial_se(double p, std::uint64_t paths);

/// Whether any member has rows of `metric` for the district total of `district`.
[[nodiscard]] bool any_rows(const std::vector<Member>& members, const std::string& district, Metric metric);

}  // namespace districtcast::report_detail
