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

/// Per-thread scratch buffers for simulate_path(); allocate once per block, never per path.
struct PathWorkspace {
  std::vector<double> national_innovations;  ///< H
  std::vector<double> national_deviation;    ///< H: n_t - m
  std::vector<double> inflation;             ///< H: pi_t
  std::vector<double> raw_shocks;            ///< D x H: z (independent, unit variance)
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
  [[nodiscard]] PathWorkspace make_workspace() const;

  /// Simulates path `path` under `seed` and writes every cell value (layout().cell_count() doubles).
  /// A pure function of (seed, path): the workspace only holds scratch. Throws std::overflow_error naming
  /// the district, year and path when a GDP level stops being a finite number or expected firm births
  /// exceed models::kMaxExpectedBirths (valid but extreme parameters over a long horizon).
  void simulate_path(std::uint64_t seed, std::uint64_t path, PathWorkspace& work, std::span<double> values) const;

private:
  void draw_national(const PathStreams& streams, PathWorkspace& work) const;
  void draw_district_shocks(const PathStreams& streams, PathWorkspace& work) const;

  Scenario scenario_;
  ResultLayout layout_;
  std::size_t horizon_;
  std::optional<models::Ar1Process> national_growth_;
  std::optional<models::Ar1Process> inflation_;
  std::vector<DistrictModel> districts_;
  std::optional<SquareMatrix> cholesky_;  ///< lower factor of the correlation matrix, when any pair is set
};

}  // namespace districtcast
