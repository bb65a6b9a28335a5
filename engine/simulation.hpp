#pragma once
/// \file The path generator: immutable model objects built from a scenario, and one path's simulation.

#include "engine/correlation.hpp"
#include "engine/numeric_faults.hpp"
#include "engine/result_layout.hpp"
#include "engine/scenario.hpp"
#include "models/ar1_process.hpp"
#include "models/firm_dynamics.hpp"
#include "models/growth_model.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace districtcast {

/// Immutable model objects of one growth unit: a district without sectors, or one sector of a district.
struct UnitModel {
  std::string label;                  ///< "district" or "district.sector"
  bool sector = false;                ///< one sector of a split district (else the whole district)
  std::size_t district = 0;           ///< index into Scenario::districts
  std::uint32_t scope = 0;            ///< random-stream scope (hash of the label)
  double base_gdp = 0.0;              ///< base-year GDP (district gdp x sector share)
  models::ShockSpec shocks;
  std::unique_ptr<const models::GrowthModel> growth;
  std::optional<models::JumpSpec> jumps;
  std::optional<models::FirmDynamics> firms;
  std::optional<std::size_t> chain;   ///< index into Simulation's chains (regime_switching)
  std::vector<std::size_t> scheduled_shocks;  ///< indices of the scheduled shocks that hit this unit
  std::optional<std::size_t> idiosyncratic_series;  ///< sectors: draw series of their own innovations z_s
  std::optional<std::size_t> jumps_driver;          ///< driver index of its jump counts
  std::size_t gdp_series = 0, growth_series = 0;
  std::optional<std::size_t> share_series;          ///< sectors only
  std::size_t births_series = 0, exits_series = 0, stock_series = 0;  ///< valid when firms
};

/// Immutable model objects of one district: its units (one, or one per sector) and its total series.
struct DistrictModel {
  std::string id;
  std::uint32_t scope = 0;   ///< random-stream scope of the district innovations (hash of the id)
  double base_gdp = 0.0;
  models::ShockSpec shocks;  ///< of the district innovations (normal when split into sectors)
  std::size_t first_unit = 0, unit_count = 0;  ///< its units: units_[first_unit, first_unit + unit_count)
  bool split = false;        ///< has sectors: the totals are sums over the units
  double common_loading = 1.0, own_loading = 0.0;  ///< sqrt(c), sqrt(1 - c) of sector_correlation c
  std::size_t gdp_series = 0, growth_series = 0;
  bool has_firms = false;
  std::size_t births_series = 0, exits_series = 0, stock_series = 0;  ///< valid when has_firms
  std::size_t fault_site = 0;  ///< NumericFaults site of the totals (split districts only)
};

/// A regime chain driving regime_switching models: national (scope kNationalScope) or a unit's own.
struct ChainModel {
  models::RegimeChain chain;
  std::uint32_t scope = 0;
  std::size_t first_driver = 0;  ///< driver series of regime k: first_driver + k
};

/// Paths simulate_paths() handles at once by default: the innovations of a batch are drawn stream by stream
/// with the vectorised normal kernel, then each path is simulated from them.
inline constexpr std::size_t kPathBatch = 128;

/// Per-thread scratch buffers for simulate_paths(); allocate once per block, never per path.
struct PathWorkspace {
  std::size_t capacity = 0;                  ///< most paths per simulate_paths() call
  std::vector<double> draws;                 ///< (2 + D) x H x capacity innovations of the current batch
  std::size_t batch = 0;                     ///< paths in the current batch (stride of `draws`)

  std::vector<double> national_innovations;  ///< H
  std::vector<double> national_deviation;    ///< H: n_t - m
  std::vector<double> inflation;             ///< H: pi_t
  std::vector<double> shocks;                ///< D x H: eps = L z
  std::vector<double> unit_innovations;      ///< H: a sector's innovations
  std::vector<double> national_jumps;        ///< H: sum of national jumps per year
  std::vector<double> parameters;            ///< one draw per uncertain parameter
  std::vector<std::uint8_t> regimes;         ///< chains x H: s_t
  std::vector<double> uniforms;              ///< H + 1 scratch
  std::vector<std::uint8_t> shock_fired;     ///< per scheduled shock: fired on this path
  std::uint64_t shared_path = 0;             ///< path whose non-innovation draws this path uses (antithetic: 2i)
  double national_deviation_0 = 0.0;         ///< n_0 - m under this path's parameters
  std::vector<std::uint64_t> cohorts;        ///< H + 1
};

/// Everything needed to simulate any path of a scenario. Const after construction and shared by threads.
class Simulation {
public:
  /// Precondition: `scenario` came from load_scenario_*(), so it is valid.
  explicit Simulation(const Scenario& scenario);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  [[nodiscard]] const ResultLayout& layout() const noexcept { return layout_; }
  [[nodiscard]] const Scenario& scenario() const noexcept { return scenario_; }
  /// Scratch for up to `capacity` paths per simulate_paths() call. Precondition: capacity > 0.
  [[nodiscard]] PathWorkspace make_workspace(std::size_t capacity = kPathBatch) const;

  /// Simulates paths first .. first + count - 1 under `seed` and writes every cell value of path first + k
  /// to values[k * cell_count .. (k + 1) * cell_count). Each path's values are a pure function of
  /// (seed, path): the batch it is simulated in and the workspace (scratch only) never matter. A path whose
  /// GDP level leaves [kMinGdpLevel, kMaxGdpLevel] (or is not finite) or whose firm counts overflow
  /// (models::FirmDynamics::simulate) is recorded in `faults` once per site (fault_site_label()) and kind,
  /// with the year it first happened, and flagged faulted[k] = 1 (else 0); its values are unspecified and
  /// must not enter statistics. Preconditions: count <= work.capacity, first + count <= kMaxPaths,
  /// values.size() >= count * layout().cell_count(), faulted.size() >= count.
  void simulate_paths(std::uint64_t seed, std::uint64_t first, std::size_t count, PathWorkspace& work,
                      std::span<double> values, NumericFaults& faults, std::span<std::uint8_t> faulted) const;
  /// As above, but throws std::overflow_error with describe_faults() when any path faults.
  void simulate_paths(std::uint64_t seed, std::uint64_t first, std::size_t count, PathWorkspace& work,
                      std::span<double> values) const;

  /// Number of NumericFaults sites: one per growth unit (district or sector), then one per district split
  /// into sectors (its totals).
  [[nodiscard]] std::size_t fault_site_count() const noexcept { return units_.size() + split_districts_; }
  /// "district 'nanshan'" or "district 'nanshan' (sector ai)" for a site below fault_site_count().
  [[nodiscard]] std::string fault_site_label(std::size_t site) const;
  /// One message for every recorded fault, e.g. "district 'nanshan' (sector ai): gdp overflows (above 1e+140
  /// or not finite) from 2190 on 1,234 of 100,000 paths (first: path 17); growth mean, volatility or horizon
  /// too large" (several faults joined by "; also " and at most three spelled out); empty when there is
  /// none. `paths` is the number of paths simulated.
  [[nodiscard]] std::string describe_faults(const NumericFaults& faults, std::uint64_t paths) const;

  /// simulate_paths() for the one path `path` (layout().cell_count() values).
  void simulate_path(std::uint64_t seed, std::uint64_t path, PathWorkspace& work, std::span<double> values) const;

private:
  /// Series of work.draws: national growth, inflation, district d at kFirstDistrictSeries + d, then the
  /// sectors' own innovations (UnitModel::idiosyncratic_series).
  static constexpr std::size_t kNationalSeries = 0, kInflationSeries = 1, kFirstDistrictSeries = 2;
  /// Position in work.draws of the innovation of `series` in year index t (0-based) for batch path k.
  [[nodiscard]] std::size_t draw_index(const PathWorkspace& work, std::size_t series, std::size_t t,
                                       std::size_t k) const noexcept {
    return (series * horizon_ + t) * work.batch + k;
  }
  /// The innovations of paths first .. first + count - 1 into work.draws (sets work.batch = count).
  void draw_innovations(std::uint64_t seed, std::uint64_t first, std::size_t count, PathWorkspace& work) const;
  /// n_t - m and pi_t of batch path k.
  void national_paths(std::size_t k, PathWorkspace& work) const;
  /// The correlated district innovations eps = L z of batch path k.
  void district_shocks(std::size_t k, PathWorkspace& work) const;
  /// Parameter draws, regime chains, national jumps and scheduled shocks of one path (drawn with the path
  /// work.shared_path: the pair's first path under antithetic sampling), with their driver cells.
  void draw_drivers(std::uint64_t seed, PathWorkspace& work, std::span<double> values) const;
  /// Growth, GDP and firms of `unit` (site `site`) of district d on `path` (batch path k); records its
  /// faults and returns true when the path faulted.
  bool simulate_unit(std::size_t site, const UnitModel& unit, const DistrictModel& district, std::size_t d,
                     std::uint64_t seed, std::uint64_t path, std::size_t k, PathWorkspace& work,
                     std::span<double> values, NumericFaults& faults) const;
  /// The totals of a district split into sectors: sums, total growth and sector shares. Records a fault
  /// of the totals (unless `units_faulted`: a sector already did) and returns true when the path faulted.
  bool sum_sectors(const DistrictModel& district, const PathWorkspace& work, std::span<double> values,
                   bool units_faulted, std::uint64_t path, NumericFaults& faults) const;
  /// Growth, GDP and firms of one path (batch path k) from the innovations and drivers already in `work`;
  /// returns true when the path faulted (recorded in `faults`).
  bool simulate_one(std::uint64_t seed, std::uint64_t path, std::size_t k, PathWorkspace& work,
                    std::span<double> values, NumericFaults& faults) const;

  Scenario scenario_;
  ResultLayout layout_;
  std::size_t horizon_;
  std::optional<models::Ar1Process> national_growth_;
  std::optional<models::Ar1Process> inflation_;
  std::vector<DistrictModel> districts_;
  std::vector<UnitModel> units_;
  std::vector<ChainModel> chains_;
  std::size_t split_districts_ = 0;  ///< districts with sectors (fault sites after the units)
  std::size_t draw_series_ = 0;  ///< series in work.draws
  std::optional<std::size_t> national_jumps_driver_;
  std::vector<std::size_t> shock_drivers_;      ///< driver of each scheduled shock
  std::vector<std::uint32_t> shock_scopes_;     ///< stream scope of each scheduled shock
  std::vector<std::size_t> shock_first_years_;  ///< year index (1..H) of each scheduled shock's first hit
  std::vector<std::uint32_t> parameter_scopes_; ///< stream scope of each uncertain parameter
  std::size_t first_parameter_driver_ = 0;
  std::optional<SquareMatrix> cholesky_;  ///< lower factor of the correlation matrix, when any pair is set
};

}  // namespace districtcast
