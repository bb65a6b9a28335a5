#pragma once
/// \file Which series (district x metric) and threshold counters a run produces, and where each lives.

#include "engine/metric.hpp"
#include "engine/scenario.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast {

/// One district (or sector) x metric time series of `horizon` cells (years base_year+1 .. base_year+horizon).
struct SeriesKey {
  std::size_t district = 0;  ///< index into Scenario::districts
  std::optional<std::size_t> sector;  ///< index into the district's sectors; nullopt for the district total
  Metric metric = Metric::gdp;
  /// Known base-year value for level metrics (gdp, firm_stock); nullopt for flows and growth.
  std::optional<double> base_value;
};

/// What a driver series records per path and year.
enum class DriverKind {
  regime,           ///< 1 if chain `name` is in regime `detail` in year t, else 0 (mean = occupancy)
  jumps,            ///< number of jumps of unit `name` ("national", "district" or "district.sector") in year t
  scheduled_shock,  ///< 1 if shock `name` has fired by year t, else 0
  parameter,        ///< the path's draw of uncertain parameter `name` (the same in every year)
};

/// A per-path quantity that explains the results (what drove them), stored as one more series of cells
/// after the metric series, so it gets means, Monte Carlo errors and quantiles like any metric.
struct DriverSeries {
  DriverKind kind = DriverKind::regime;
  std::string name;    ///< chain, unit, shock or parameter key
  std::string detail;  ///< regime name (regime), distribution (parameter), else empty
  std::size_t index = 0;  ///< parameter: index into Scenario::parameters; scheduled_shock: into scheduled_shocks
};

/// [a-z] name of a driver kind ("regime", "jumps", "scheduled_shock", "parameter").
[[nodiscard]] std::string_view to_string(DriverKind kind) noexcept;

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
  /// Metric series: districts in file order, each followed by its sectors' series.
  [[nodiscard]] const std::vector<SeriesKey>& series() const noexcept { return series_; }
  /// Driver series (regime chains, jumps, scheduled shocks, uncertain parameters), in that order.
  [[nodiscard]] const std::vector<DriverSeries>& drivers() const noexcept { return drivers_; }
  /// Series index of driver i (its cells are cell(driver_series(i), t)).
  [[nodiscard]] std::size_t driver_series(std::size_t i) const noexcept { return series_.size() + i; }
  /// Index of the driver (kind, name, detail), if any.
  [[nodiscard]] std::optional<std::size_t> find_driver(DriverKind kind, std::string_view name,
                                                       std::string_view detail = {}) const noexcept;
  [[nodiscard]] const std::vector<ThresholdSeries>& threshold_series() const noexcept { return thresholds_; }
  /// The scenario's overtaking pairs, in scenario order.
  [[nodiscard]] const std::vector<OvertakingSeries>& overtaking_series() const noexcept { return overtaking_; }
  /// One club per threshold that applies to at least one series, in threshold order.
  [[nodiscard]] const std::vector<ClubSeries>& clubs() const noexcept { return clubs_; }
  /// Number of cells: (series().size() + drivers().size()) * horizon().
  [[nodiscard]] std::size_t cell_count() const noexcept { return (series_.size() + drivers_.size()) * horizon_; }
  /// Index of the cell for (series, year t = 1..horizon).
  [[nodiscard]] std::size_t cell(std::size_t series, std::size_t year) const noexcept {
    return series * horizon_ + (year - 1);
  }
  /// Index of the (district total, metric) series, if the district has that metric.
  [[nodiscard]] std::optional<std::size_t> find_series(std::size_t district, Metric metric) const noexcept;
  /// Index of the (district, sector, metric) series, if the sector has that metric.
  [[nodiscard]] std::optional<std::size_t> find_sector_series(std::size_t district, std::size_t sector,
                                                              Metric metric) const noexcept;

private:
  /// Appends the driver series of `scenario` (see drivers()).
  void add_drivers(const Scenario& scenario);

  std::size_t horizon_;
  int base_year_;
  bool antithetic_;
  std::vector<SeriesKey> series_;
  std::vector<DriverSeries> drivers_;
  std::vector<ThresholdSeries> thresholds_;
  std::vector<OvertakingSeries> overtaking_;
  std::vector<ClubSeries> clubs_;
};

}  // namespace districtcast
