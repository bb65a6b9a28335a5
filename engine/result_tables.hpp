#pragma once
/// \file The numbers a run reports, computed once from the merged statistics; every writer reads these,
/// so the CSV and JSON files always agree.

#include "engine/accumulator.hpp"
#include "engine/metric.hpp"
#include "engine/scenario.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// A row of summary.csv.
struct SummaryRow {
  std::string district;
  std::string sector;  ///< empty for district totals
  Metric metric = Metric::gdp;
  int year = 0;
  double mean = 0, sd = 0, mc_se = 0;
  std::vector<double> quantiles;  ///< one per ResultTables::quantile_names
};

/// A row of histograms.csv. Open tail bins have lower = -inf or upper = +inf.
struct HistogramRow {
  std::string district;
  std::string sector;  ///< empty for district totals
  Metric metric = Metric::gdp;
  int year = 0;
  double lower = 0, upper = 0, probability = 0;
};

/// A row of thresholds.csv.
struct ThresholdRow {
  std::string district;
  Metric metric = Metric::gdp;
  double threshold = 0;
  std::string label;
  int year = 0;
  double p_above = 0, p_reached_by = 0, mc_se = 0;
};

/// A row of first_crossing.csv; first_year empty means "never within the horizon".
struct FirstCrossingRow {
  std::string district;
  Metric metric = Metric::gdp;
  double threshold = 0;
  std::string label;
  std::optional<int> first_year;
  double probability = 0;
};

/// A row of events.csv: an overtaking probability ("ahead": district's GDP > other's in `year`;
/// "ahead_by": ahead in some year up to `year`, the base year included) or a club-size probability
/// ("club_size": exactly `districts` series of `metric` at or above `threshold` in `year`).
struct EventRow {
  std::string event;
  std::string district, other;       ///< empty for club_size
  Metric metric = Metric::gdp;
  std::optional<double> threshold;   ///< club_size only
  std::string label;                 ///< the threshold's label (club_size only)
  int year = 0;
  std::optional<std::size_t> districts;  ///< club_size only
  double probability = 0, mc_se = 0;
};

/// A row of regimes.csv: the probability that `chain` is in `regime` in `year`.
struct RegimeRow {
  std::string chain;  ///< "national", or the district / "district.sector" with its own chain
  std::string regime;
  int year = 0;
  double probability = 0, mc_se = 0;
};

/// A row of shocks.csv: how often a shock fired. Scheduled: the probability it has fired by `year`.
/// Jumps: the expected number of jumps of unit `shock` ("national" = every district) in `year`.
struct ShockRow {
  std::string kind;  ///< "scheduled" or "jumps"
  std::string shock;
  int year = 0;
  double frequency = 0, mc_se = 0;
};

/// A row of parameters.csv: the drawn distribution of one uncertain parameter (an input distribution),
/// next to the closed-form mean and sd of the distribution it was drawn from.
struct ParameterRow {
  std::string parameter;     ///< UncertainParameter::key
  std::string family;        ///< e.g. normal
  std::vector<double> args;  ///< as written, e.g. 0.05 0.01 (beta always with low and high)
  double target_mean = 0, target_sd = 0;
  double mean = 0, sd = 0, mc_se = 0;
  std::vector<double> quantiles;  ///< one per ResultTables::quantile_names
};

/// All result tables of a run.
struct ResultTables {
  std::uint64_t paths = 0;
  std::vector<std::string> quantile_names;  ///< e.g. p5, p50
  std::vector<SummaryRow> summary;
  std::vector<HistogramRow> histograms;
  std::vector<ThresholdRow> thresholds;
  std::vector<FirstCrossingRow> first_crossing;
  std::vector<EventRow> events;  ///< overtaking pairs (ahead, ahead_by by year), then clubs (by year, size)
  std::vector<RegimeRow> regimes;
  std::vector<ShockRow> shocks;
  std::vector<ParameterRow> parameters;
};

/// Builds every table from merged statistics. Quantiles are the sketch's, clamped to the cell's exact
/// [min, max] and rounded to whole numbers for the count metrics (firm_*). Histograms: `histogram_bins`
/// equal-width bins over [p0.1, p99.9] of each cell (the last bin closed), or one bin per whole number
/// [k - 0.5, k + 0.5) for counts spanning fewer values than that, plus open tails below and above, from
/// the sketch's buckets (each bucket's count goes to the bin holding its representative value).
[[nodiscard]] ResultTables build_result_tables(const Scenario& scenario, const Accumulator& totals);

/// The first number of `tables` that is not finite (the open tail bounds of histograms excepted), as
/// e.g. "district 'nanshan', gdp, 2030: sd is inf"; empty when every number is finite. Rows are checked
/// in table order (summary, histograms, thresholds, first_crossing, events, regimes, shocks, parameters).
[[nodiscard]] std::string first_non_finite(const ResultTables& tables);

/// Throws std::range_error("statistic not finite: " + first_non_finite() + ...) when a number of `tables`
/// is not finite, so that no result file ever holds inf or nan (e.g. a variance that overflowed although
/// every value was finite).
void check_finite_tables(const ResultTables& tables);

}  // namespace districtcast
