#pragma once
/// \file Convergence control: rounds of paths until the Monte Carlo error of chosen statistics is small
/// enough, deterministically (the same inputs always stop at the same path count).

#include "engine/runner.hpp"
#include "engine/scenario.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace districtcast {

/// The cell whose relative Monte Carlo error is largest.
struct WorstCell {
  double relative_se = 0.0;  ///< mc_se / |mean|; +inf for a zero mean with spread
  std::size_t cell = 0;
};

/// Largest mc_se / |mean| over every cell of `metrics` (all districts, all years). A cell without
/// spread has error 0.
[[nodiscard]] WorstCell worst_relative_error(const Accumulator& totals, const std::vector<Metric>& metrics);

/// Paths after the next round: the 1/sqrt(n) law predicts n (relative_se / target)^2 paths are needed; add
/// 10%, at least one block, round up to a whole number of blocks, and cap at max_paths.
[[nodiscard]] std::uint64_t next_round_total(std::uint64_t current, double relative_se, double target,
                                             std::uint64_t block_size, std::uint64_t max_paths);

/// What convergence control did.
struct PrecisionReport {
  double target = 0.0;
  double achieved = std::numeric_limits<double>::infinity();  ///< worst relative SE at the end
  bool reached = false;
  std::uint64_t rounds = 0;
  std::uint64_t paths = 0;  ///< paths simulated in total
  std::string worst_district;
  Metric worst_metric = Metric::gdp;
  int worst_year = 0;
};

/// Runs rounds of paths: the first has `first_round` paths (rounded up to whole blocks, capped at
/// max_paths), each later one grows the total by next_round_total(), until the worst relative SE of
/// `precision.metrics` is <= precision.target or max_paths is reached. Blocks are merged exactly as in
/// one run of the final path count. `on_round(total)` is called before each round with its target total.
/// Stops after a round that recorded numerical faults (the run then fails; run_job reports them).
[[nodiscard]] RunOutcome run_to_precision(const Simulation& simulation, RunSettings settings,
                                          std::uint64_t first_round, const PrecisionSpec& precision,
                                          PrecisionReport& report,
                                          const std::function<void(std::uint64_t)>& on_round = {});

}  // namespace districtcast
