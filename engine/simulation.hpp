#pragma once
/// \file The path generator: immutable model objects built from a scenario, and one path's simulation.

#include "engine/correlation.hpp"
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

/// Immutable model objects of one district.
struct DistrictModel {
  std::string id;
  std::uint32_t scope = 0;  ///< random-stream scope (hash of the id)
  double base_gdp = 0.0;
  models::ShockSpec shocks;
  std::unique_ptr<const models::GrowthModel> growth;
  std::optional<models::FirmDynamics> firms;
  std::size_t gdp_series = 0;
  std::size_t growth_series = 0;
  std::size_t births_series = 0, exits_series = 0, stock_series = 0;  ///< valid when firms
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
  /// (seed, path): the batch it is simulated in and the workspace (scratch only) never matter. Throws
  /// std::overflow_error naming the district, year and path when a GDP level stops being a finite number or
  /// expected firm births exceed models::kMaxExpectedBirths (valid but extreme parameters over a long
  /// horizon). Preconditions: count <= work.capacity, first + count <= kMaxPaths,
  /// values.size() >= count * layout().cell_count().
  void simulate_paths(std::uint64_t seed, std::uint64_t first, std::size_t count, PathWorkspace& work,
                      std::span<double> values) const;

  /// simulate_paths() for the one path `path` (layout().cell_count() values).
  void simulate_path(std::uint64_t seed, std::uint64_t path, PathWorkspace& work, std::span<double> values) const;

private:
  /// Series of work.draws: national growth, inflation, then district d at kFirstDistrictSeries + d.
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
  /// Growth, GDP and firms of one path from the innovations already in `work`.
  void simulate_one(std::uint64_t seed, std::uint64_t path, PathWorkspace& work, std::span<double> values) const;

  Scenario scenario_;
  ResultLayout layout_;
  std::size_t horizon_;
  std::optional<models::Ar1Process> national_growth_;
  std::optional<models::Ar1Process> inflation_;
  std::vector<DistrictModel> districts_;
  std::optional<SquareMatrix> cholesky_;  ///< lower factor of the correlation matrix, when any pair is set
};

}  // namespace districtcast
