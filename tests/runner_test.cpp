/// \file The drivers: identical statistics for every thread count, bounded blocks, cancellation, progress.

#include "engine/result_tables.hpp"
#include "engine/result_writers.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_loader.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

namespace districtcast {
namespace {

Scenario firms_scenario() {
  LoadResult r = load_scenario_text(R"yaml(
base_year: 2024
horizon: 5
national:
  growth: {mean: 0.04, volatility: 0.01, persistence: 0.5}
  inflation: {mean: 0.01, volatility: 0.005}
districts:
  - id: a
    gdp: 900
    growth: {model: ar1, mean: 0.05, volatility: 0.02, persistence: 0.4}
    firms:
      stock: 5000
      births: {model: negative_binomial, rate: 800, trend: 0.02, gdp_elasticity: 2, dispersion: 30}
      exit_hazard: [0.02, 0.06, 0.09, 0.07]
  - id: b
    gdp: 1100
    growth: {mean: 0.045, volatility: 0.03, shocks: student_t, dof: 5}
correlation: [[a, b, 0.5]]
thresholds:
  - {metric: gdp, value: 1000}
  - {metric: firm_stock, value: 6000}
)yaml",
                                    "test.yaml", "t");
  EXPECT_TRUE(r.ok());
  return *r.scenario;
}

/// Exact (bitwise) equality of two accumulators' moments, sketches and counters.
void expect_identical(const Accumulator& x, const Accumulator& y) {
  ASSERT_EQ(x.paths(), y.paths());
  const ResultLayout& layout = x.layout();
  for (std::size_t c = 0; c < layout.cell_count(); ++c) {
    const double mx = x.moments(c).mean(), my = y.moments(c).mean();
    const double vx = x.moments(c).variance(), vy = y.moments(c).variance();
    EXPECT_EQ(std::memcmp(&mx, &my, sizeof mx), 0) << "cell " << c;
    EXPECT_EQ(std::memcmp(&vx, &vy, sizeof vx), 0) << "cell " << c;
    for (double q : {0.01, 0.5, 0.99}) EXPECT_EQ(x.sketch(c).quantile(q), y.sketch(c).quantile(q));
  }
  for (std::size_t i = 0; i < layout.threshold_series().size(); ++i) {
    for (std::size_t t = 1; t <= layout.horizon(); ++t) {
      EXPECT_EQ(x.above(i, t), y.above(i, t));
      EXPECT_EQ(x.reached_by(i, t), y.reached_by(i, t));
    }
    for (std::size_t k = 0; k <= layout.horizon() + 1; ++k) EXPECT_EQ(x.first_crossing(i, k), y.first_crossing(i, k));
  }
}

TEST(Runner, ResultsAreIdenticalForAnyThreadCount) {
  const Scenario scenario = firms_scenario();
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = 10'000 + 17;  // a partial last block
  settings.seed = 99;
  settings.threads = 1;
  const RunOutcome reference = run_simulation(simulation, settings);
  ASSERT_FALSE(reference.cancelled);
  ASSERT_EQ(reference.totals->paths(), settings.paths);
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "1");
  write_result_files(dir.path() / "1", scenario, build_result_tables(scenario, *reference.totals));
  for (unsigned threads : {2u, 3u, 8u}) {
    settings.threads = threads;
    const RunOutcome outcome = run_simulation(simulation, settings);
    expect_identical(*reference.totals, *outcome.totals);
    const auto out = dir.path() / std::to_string(threads);
    std::filesystem::create_directory(out);
    write_result_files(out, scenario, build_result_tables(scenario, *outcome.totals));
    for (const auto& name : result_file_names()) {
      EXPECT_EQ(testing::read_file(dir.path() / "1" / name), testing::read_file(out / name)) << name << " threads " << threads;
    }
  }
}

TEST(Runner, SerialRunEqualsMergingBlocksInOrder) {
  const Scenario scenario = firms_scenario();
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = 3000;
  settings.seed = 5;
  settings.block_size = 1000;
  const RunOutcome run = run_simulation(simulation, settings);
  Accumulator manual(simulation.layout());
  for (std::uint64_t first = 0; first < 3000; first += 1000) manual.merge(*simulate_block(simulation, 5, first, 1000));
  expect_identical(*run.totals, manual);
}

TEST(Runner, DifferentSeedsGiveDifferentResults) {
  const Scenario scenario = firms_scenario();
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = 2000;
  settings.seed = 1;
  const RunOutcome a = run_simulation(simulation, settings);
  settings.seed = 2;
  const RunOutcome b = run_simulation(simulation, settings);
  EXPECT_NE(a.totals->moments(0).mean(), b.totals->moments(0).mean());
}

TEST(Runner, ProgressIsReportedInOrderUpToTheTotal) {
  const Scenario scenario = firms_scenario();
  const Simulation simulation(scenario);
  for (unsigned threads : {1u, 2u}) {
    std::vector<std::uint64_t> seen;
    RunSettings settings;
    settings.paths = 5000;
    settings.threads = threads;
    settings.on_progress = [&](std::uint64_t done) { seen.push_back(done); };
    (void)run_simulation(simulation, settings);
    ASSERT_EQ(seen.size(), 5u);  // ceil(5000 / 1024) blocks
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(seen.back(), 5000u);
  }
}

TEST(Runner, CancellationStopsEarlyAndIsReported) {
  const Scenario scenario = firms_scenario();
  const Simulation simulation(scenario);
  for (unsigned threads : {1u, 2u}) {
    std::atomic<bool> cancel{false};
    RunSettings settings;
    settings.paths = 1'000'000;
    settings.threads = threads;
    settings.cancel = &cancel;
    settings.on_progress = [&](std::uint64_t done) {
      if (done >= 3000) cancel = true;
    };
    const RunOutcome outcome = run_simulation(simulation, settings);
    EXPECT_TRUE(outcome.cancelled);
    EXPECT_LT(outcome.totals->paths(), 100'000u);
  }
}

TEST(Runner, RejectsZeroBlockSize) {
  const Scenario scenario = firms_scenario();
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = 10;
  settings.block_size = 0;
  EXPECT_THROW((void)run_simulation(simulation, settings), std::invalid_argument);
}

}  // namespace
}  // namespace districtcast
