#pragma once
/// \file Which series (district x metric) and threshold counters a run produces, and where each lives.

#include "engine/metric.hpp"
#include "engine/scenario.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// One district x metric time series of `horizon` cells (years base_year+1 .. base_year+horizon).
struct SeriesKey {
  std::size_t district = 0;  ///< index into Scenario::districts
  Metric metric = Metric::gdp;
  /// Known base-year value for level metrics (gdp, firm_stock); nullopt for flows and growth.
  std::optional<double> base_value;
};

/// One threshold applied to one series.
struct ThresholdSeries {
  std::size_t threshold = 0;  ///< index into Scenario::thresholds
  std::size_t series = 0;     ///< index into ResultLayout::series()
  double value = 0.0;
  bool reached_at_base = false;  ///< base-year value already >= value (level metrics only)
};

/// The shape of a run's results, derived once from the scenario. Series are ordered by district (file
/// order), then metric (kAllMetrics order); threshold series by threshold, then district.
class ResultLayout {
public:
  explicit ResultLayout(const Scenario& scenario);

  [[nodiscard]] std::size_t horizon() const noexcept { return horizon_; }
  [[nodiscard]] int base_year() const noexcept { return base_year_; }
  [[nodiscard]] const std::vector<SeriesKey>& series() const noexcept { return series_; }
  [[nodiscard]] const std::vector<ThresholdSeries>& threshold_series() const noexcept { return thresholds_; }
  /// Number of cells: series().size() * horizon().
  [[nodiscard]] std::size_t cell_count() const noexcept { return series_.size() * horizon_; }
  /// Index of the cell for (series, year t = 1..horizon).
  [[nodiscard]] std::size_t cell(std::size_t series, std::size_t year) const noexcept {
    return series * horizon_ + (year - 1);
  }
  /// Index of the (district, metric) series, if the district has that metric.
  [[nodiscard]] std::optional<std::size_t> find_series(std::size_t district, Metric metric) const noexcept;

private:
  std::size_t horizon_;
  int base_year_;
  std::vector<SeriesKey> series_;
  std::vector<ThresholdSeries> thresholds_;
};

}  // namespace districtcast
