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

/// One `overtaking` pair resolved to GDP series.
struct OvertakingSeries {
  std::size_t district = 0;  ///< index into Scenario::districts
  std::size_t other = 0;     ///< index into Scenario::districts
  std::size_t district_series = 0, other_series = 0;  ///< their gdp series
  bool ahead_at_base = false;  ///< base-year GDP of district > other's
};

/// The threshold series of one threshold (the districts whose "club" it defines): threshold_series()
/// [first, first + count).
struct ClubSeries {
  std::size_t threshold = 0;  ///< index into Scenario::thresholds
  std::size_t first = 0;
  std::size_t count = 0;
};

/// The shape of a run's results, derived once from the scenario. Series are ordered by district (file
/// order), then metric (kAllMetrics order); threshold series by threshold, then district.
class ResultLayout {
public:
  explicit ResultLayout(const Scenario& scenario);

  [[nodiscard]] std::size_t horizon() const noexcept { return horizon_; }
  [[nodiscard]] int base_year() const noexcept { return base_year_; }
  /// Paths come in antithetic pairs (2i, 2i + 1): standard errors use pair means.
  [[nodiscard]] bool antithetic() const noexcept { return antithetic_; }
  [[nodiscard]] const std::vector<SeriesKey>& series() const noexcept { return series_; }
  [[nodiscard]] const std::vector<ThresholdSeries>& threshold_series() const noexcept { return thresholds_; }
  /// The scenario's overtaking pairs, in scenario order.
  [[nodiscard]] const std::vector<OvertakingSeries>& overtaking_series() const noexcept { return overtaking_; }
  /// One club per threshold that applies to at least one series, in threshold order.
  [[nodiscard]] const std::vector<ClubSeries>& clubs() const noexcept { return clubs_; }
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
  bool antithetic_;
  std::vector<SeriesKey> series_;
  std::vector<ThresholdSeries> thresholds_;
  std::vector<OvertakingSeries> overtaking_;
  std::vector<ClubSeries> clubs_;
};

}  // namespace districtcast
