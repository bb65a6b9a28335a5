/// \file Numerical safety (docs/models.md, "Numerical safety"): extreme but valid parameters against closed
/// forms (fixed seeds, 4-sigma Monte Carlo tolerances, never timed), and overflow / underflow reported with
/// district, year and path count, through the Simulation / runner API and through the CLI.

#include "tests/test_support.hpp"
#include "engine/progress.hpp"
#include "engine/result_tables.hpp"
#include "engine/run_job.hpp"
#include "engine/runner.hpp"
#include "engine/simulation.hpp"
#include "models/count_sampling.hpp"
#include "models/firm_dynamics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using testing::SampleMoments;

Scenario load(const std::string& yaml) { return testing::load_valid_scenario(yaml); }

/// Values of cell `cell` on paths 0..n-1 (simulated in batches, as the runner does); fails on any fault.
std::vector<double> cell_values(const Simulation& simulation, std::uint64_t seed, std::size_t n, std::size_t cell) {
  const std::size_t cells = simulation.layout().cell_count();
  PathWorkspace work = simulation.make_workspace();
  std::vector<double> values(cells * kPathBatch);
  std::vector<std::uint8_t> faulted(kPathBatch);
  NumericFaults faults;
  std::vector<double> out;
  for (std::size_t first = 0; first < n; first += kPathBatch) {
    const std::size_t count = std::min(kPathBatch, n - first);
    simulation.simulate_paths(seed, first, count, work, values, faults, faulted);
    for (std::size_t k = 0; k < count; ++k) out.push_back(values[k * cells + cell]);
  }
  EXPECT_FALSE(faults.any()) << simulation.describe_faults(faults, n);
  return out;
}

/// The cell of district 0's `metric` in year index t.
std::size_t cell_of(const Simulation& simulation, Metric metric, std::size_t t) {
  return simulation.layout().cell(*simulation.layout().find_series(0, metric), t);
}

RunOutcome run(const Simulation& simulation, std::uint64_t paths, std::uint64_t seed, unsigned threads = 1) {
  RunSettings settings;
  settings.paths = paths;
  settings.seed = seed;
  settings.threads = threads;
  return run_simulation(simulation, settings);
}

// --- volatility 0 -----------------------------------------------------------------------------------------

TEST(NumericalSafety, ZeroVolatilityGivesIdenticalPathsAndExactClosedForms) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 12
thresholds:
  - {metric: gdp, value: 150}
districts:
  - {id: calm, gdp: 100, growth: {mean: 0.05, volatility: 0}}
)yaml");
  const Simulation simulation(scenario);
  const RunOutcome outcome = run(simulation, 3000, 5);  // not a multiple of the block or batch size
  ASSERT_FALSE(outcome.totals->faults().any());
  const ResultTables tables = build_result_tables(scenario, *outcome.totals);
  EXPECT_TRUE(first_non_finite(tables).empty());
  double level = 100.0;
  for (const SummaryRow& row : tables.summary) {
    const int t = row.year - 2024;
    if (row.metric == Metric::gdp) {
      level = 100.0 * std::exp(0.05 * t);  // closed form Y_0 e^(t mu)
      EXPECT_NEAR(row.mean, level, 1e-12 * level) << row.year;
    } else {
      ASSERT_EQ(row.metric, Metric::gdp_growth);
      EXPECT_EQ(row.mean, 0.05) << row.year;  // growth is mu exactly
    }
    EXPECT_EQ(row.sd, 0.0) << row.year;
    EXPECT_EQ(row.mc_se, 0.0) << row.year;
    for (double q : row.quantiles) EXPECT_EQ(q, row.mean) << row.year;
  }
  // 100 e^(0.05 t) >= 150 from t = 9 (t = 8.11 exactly): probabilities are exactly 0, then 1.
  for (const ThresholdRow& row : tables.thresholds) {
    const double expected = row.year >= 2033 ? 1.0 : 0.0;
    EXPECT_EQ(row.p_above, expected) << row.year;
    EXPECT_EQ(row.p_reached_by, expected) << row.year;
    EXPECT_EQ(row.mc_se, 0.0) << row.year;
  }
  for (const FirstCrossingRow& row : tables.first_crossing) {
    EXPECT_EQ(row.probability, row.first_year == 2033 ? 1.0 : 0.0);
  }
  // Every path is the same, bit for bit.
  const std::vector<double> last = cell_values(simulation, 5, 300, cell_of(simulation, Metric::gdp, 12));
  for (double y : last) EXPECT_EQ(y, last.front());
}

// --- persistence 0.999 ------------------------------------------------------------------------------------

TEST(NumericalSafety, NearUnitRootAr1MatchesTransientMeanAndVariance) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 200
districts:
  - id: sticky
    gdp: 100
    growth: {model: ar1, mean: 0.05, volatility: 0.01, persistence: 0.999, initial: 0.10}
)yaml");
  const Simulation simulation(scenario);
  constexpr std::size_t n = 6000;
  const double mu = 0.05, sigma = 0.01, phi = 0.999, initial = 0.10;
  for (const std::size_t t : {1, 10, 50, 200}) {
    const std::vector<double> g = cell_values(simulation, 17, n, cell_of(simulation, Metric::gdp_growth, t));
    const SampleMoments m(g);
    const double td = static_cast<double>(t);
    const double mean = mu + std::pow(phi, td) * (initial - mu);
    const double variance = sigma * sigma * (1.0 - std::pow(phi, 2.0 * td)) / (1.0 - phi * phi);
    EXPECT_NEAR(m.mean, mean, 4.0 * std::sqrt(variance / n)) << "t = " << t;
    EXPECT_NEAR(m.variance(), variance, 4.0 * m.variance_se()) << "t = " << t;
    // Far from stationary: the variance is ~ t sigma^2, not sigma^2 / (1 - phi^2) = 500 sigma^2.
    EXPECT_LT(variance, 0.5 * sigma * sigma / (1.0 - phi * phi));
  }
}

// --- 10^9 births a year -----------------------------------------------------------------------------------

std::string billion_births(const std::string& births, const std::string& hazard) {
  return R"yaml(
base_year: 2024
horizon: 20
districts:
  - id: teeming
    gdp: 100
    growth: {mean: 0.05, volatility: 0.02}
    firms: {stock: 1000000000000000, births: )yaml" +
         births + ", exit_hazard: " + hazard + "}\n";
}

TEST(NumericalSafety, BillionPoissonBirthsAreExactIntegersWithTheRightMean) {
  const Scenario scenario = load(billion_births("{rate: 1e9}", "[0]"));
  const Simulation simulation(scenario);
  constexpr std::size_t n = 4000;
  for (const std::size_t t : {1, 20}) {
    const std::vector<double> b = cell_values(simulation, 3, n, cell_of(simulation, Metric::firm_births, t));
    const SampleMoments m(b);
    EXPECT_NEAR(m.mean, 1e9, 4.0 * std::sqrt(1e9 / n)) << "t = " << t;
    EXPECT_NEAR(m.variance(), 1e9, 4.0 * m.variance_se()) << "t = " << t;
    for (double x : b) ASSERT_EQ(x, std::floor(x));
  }
  // Hazard 0: no exits, and the stock is S_0 + sum of births exactly (1e15 + ~2e10 < 2^53: exact).
  const std::size_t cells = simulation.layout().cell_count();
  PathWorkspace work = simulation.make_workspace();
  std::vector<double> values(cells);
  for (std::uint64_t path = 0; path < 20; ++path) {
    simulation.simulate_path(3, path, work, values);
    double stock = 1e15;
    for (std::size_t t = 1; t <= 20; ++t) {
      stock += values[cell_of(simulation, Metric::firm_births, t)];
      EXPECT_EQ(values[cell_of(simulation, Metric::firm_exits, t)], 0.0);
      EXPECT_EQ(values[cell_of(simulation, Metric::firm_stock, t)], stock) << "path " << path << ", t " << t;
    }
  }
}

TEST(NumericalSafety, BillionNegativeBinomialBirthsMatchMeanAndVariance) {
  const Scenario scenario = load(billion_births("{model: negative_binomial, rate: 1e9, dispersion: 4}", "[0.1]"));
  const Simulation simulation(scenario);
  constexpr std::size_t n = 4000;
  const std::vector<double> b = cell_values(simulation, 8, n, cell_of(simulation, Metric::firm_births, 5));
  const SampleMoments m(b);
  const double variance = 1e9 + 1e18 / 4.0;
  EXPECT_NEAR(m.mean, 1e9, 4.0 * std::sqrt(variance / n));
  EXPECT_NEAR(m.variance(), variance, 4.0 * m.variance_se());
  for (double x : b) ASSERT_EQ(x, std::floor(x));
}

TEST(NumericalSafety, ExitHazardOneEmptiesEveryCohortEachYear) {
  const Scenario scenario = load(billion_births("{rate: 1e9}", "[1]"));
  const Simulation simulation(scenario);
  PathWorkspace work = simulation.make_workspace();
  std::vector<double> values(simulation.layout().cell_count());
  for (std::uint64_t path = 0; path < 10; ++path) {
    simulation.simulate_path(4, path, work, values);
    double previous = 1e15;
    for (std::size_t t = 1; t <= 20; ++t) {
      const double births = values[cell_of(simulation, Metric::firm_births, t)];
      EXPECT_EQ(values[cell_of(simulation, Metric::firm_exits, t)], previous);
      EXPECT_EQ(values[cell_of(simulation, Metric::firm_stock, t)], births);
      previous = births;
    }
  }
}

TEST(NumericalSafety, CountSamplersUseABoundedNumberOfDrawsWhateverTheMean) {
  // A sampler that cost O(mean) would consume ~mean random words; ours consume a handful. Measured by
  // finding the next word of the used stream in a fresh copy of it.
  const PathStreams streams(1, 0);
  for (const double mean : {1e3, 1e9, 1e15, 1e18}) {
    for (std::uint32_t year = 1; year <= 20; ++year) {
      RandomStream used = streams.stream(kNationalScope, Variable::firm_births, year);
      RandomStream fresh = used;
      const std::uint64_t draw = models::draw_poisson(mean, used);
      EXPECT_NEAR(static_cast<double>(draw), mean, 8.0 * std::sqrt(mean));
      const std::uint32_t next = used();
      int words = 0;
      while (words <= 64 && fresh() != next) ++words;
      EXPECT_LE(words, 64) << "mean " << mean;
    }
  }
  // Beyond Boost's range the mean itself is returned (and never wraps around).
  RandomStream stream = streams.stream(kNationalScope, Variable::firm_births, 1);
  EXPECT_EQ(models::draw_poisson(1e19, stream), std::uint64_t{1} << 63);
  EXPECT_EQ(models::draw_poisson(HUGE_VAL, stream), std::uint64_t{1} << 63);
}

// --- overflow and underflow -------------------------------------------------------------------------------

/// growth mean ~ Uniform(0, 2) per path, volatility 0: Y_t = e^(mu)^t exceeds 1e140 within 200 years iff
/// mu > ln(1e140) / 200 = 1.6118 (probability 0.194).
constexpr const char* kSomePathsOverflow = R"yaml(
name: some_overflow
base_year: 2024
horizon: 200
paths: 3000
seed: 21
districts:
  - {id: boom, gdp: 1, growth: {mean: {uniform: [0, 2]}, volatility: 0}}
  - {id: steady, gdp: 50, growth: {mean: 0.03, volatility: 0.01}}
)yaml";

TEST(NumericalSafety, OverflowOnAKnownFractionOfPathsIsCountedExactly) {
  const Scenario scenario = load(kSomePathsOverflow);
  const Simulation simulation(scenario);
  constexpr std::size_t n = 3000;
  // The expected faults, path by path from the drawn mean (parameter driver cell) by the engine's recursion.
  const auto driver = simulation.layout().find_driver(DriverKind::parameter, scenario.parameters.at(0).key);
  ASSERT_TRUE(driver);
  const std::size_t mean_cell = simulation.layout().cell(simulation.layout().driver_series(*driver), 1);
  const std::size_t cells = simulation.layout().cell_count();
  PathWorkspace work = simulation.make_workspace();
  std::vector<double> values(cells * kPathBatch);
  std::vector<std::uint8_t> faulted(kPathBatch);
  NumericFaults faults;
  std::uint64_t expected_paths = 0, first_path = UINT64_MAX;
  std::uint32_t first_year = UINT32_MAX;
  for (std::size_t first = 0; first < n; first += kPathBatch) {
    const std::size_t count = std::min(kPathBatch, n - first);
    simulation.simulate_paths(21, first, count, work, values, faults, faulted);
    for (std::size_t k = 0; k < count; ++k) {
      const double mu = values[k * cells + mean_cell];
      double level = 1.0;
      std::uint32_t year = 0;
      for (std::uint32_t t = 1; t <= 200 && year == 0; ++t) {
        level *= std::exp(mu);
        if (!(level <= kMaxGdpLevel)) year = t;
      }
      EXPECT_EQ(faulted[k] != 0, year != 0) << "path " << first + k << ", mu " << mu;
      if (year == 0) continue;
      ++expected_paths;
      first_path = std::min<std::uint64_t>(first_path, first + k);
      first_year = std::min(first_year, year);
    }
  }
  const double p = (2.0 - std::log(kMaxGdpLevel) / 200.0) / 2.0;
  EXPECT_NEAR(static_cast<double>(expected_paths), p * n, 4.0 * std::sqrt(p * (1 - p) * n));
  const FaultRecord record = faults.at(0, FaultKind::gdp_overflow);
  EXPECT_EQ(record.paths, expected_paths);
  EXPECT_EQ(record.first_path, first_path);
  EXPECT_EQ(record.first_year, first_year);
  EXPECT_EQ(faults.at(1, FaultKind::gdp_overflow).paths, 0u);  // the other district is fine

  // The runner: the same record for any thread count; faulty paths are left out of the statistics.
  const RunOutcome serial = run(simulation, n, 21, 1);
  const RunOutcome parallel = run(simulation, n, 21, 2);
  for (const RunOutcome* outcome : {&serial, &parallel}) {
    const Accumulator& totals = *outcome->totals;
    EXPECT_EQ(totals.faults().at(0, FaultKind::gdp_overflow).paths, expected_paths);
    EXPECT_EQ(totals.faults().at(0, FaultKind::gdp_overflow).first_path, first_path);
    EXPECT_EQ(totals.faults().at(0, FaultKind::gdp_overflow).first_year, first_year);
    EXPECT_EQ(totals.paths(), n - expected_paths);
    EXPECT_EQ(totals.simulated_paths(), n);
    EXPECT_LE(totals.moments(cell_of(simulation, Metric::gdp, 200)).max(), kMaxGdpLevel);
  }
  EXPECT_EQ(serial.totals->moments(cell_of(simulation, Metric::gdp, 200)).mean(),
            parallel.totals->moments(cell_of(simulation, Metric::gdp, 200)).mean());

  // The message names the district, the first year, the count and the first path.
  const std::string message = simulation.describe_faults(serial.totals->faults(), n);
  const std::string expected = "district 'boom': gdp overflows (above 1e+140 or not a finite number) from " +
                               std::to_string(2024 + first_year) + " on " + with_thousands(expected_paths) +
                               " of 3,000 paths (first: path " + std::to_string(first_path) + ")";
  EXPECT_EQ(message.rfind(expected, 0), 0u) << message << "\nexpected: " << expected;

  // A run job fails with that message before writing anything.
  const testing::TempDir dir;
  RunJobOptions options;
  options.write_report = false;
  try {
    (void)run_scenario_into(scenario, dir.path(), options);
    FAIL() << "expected an overflow error";
  } catch (const std::overflow_error& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(NumericalSafety, StronglyNegativeGrowthUnderflowsAndIsReported) {
  // e^(-5 t) < DBL_MIN = e^(-708.4) from t = 142; e^(-800) is 0 in year 1.
  for (const auto& [mean, year] : {std::pair{"-5", 2166}, std::pair{"-800", 2025}}) {
    const Scenario scenario = load(std::string(R"yaml(
base_year: 2024
horizon: 150
districts:
  - {id: shrink, gdp: 1, growth: {mean: )yaml") + mean + ", volatility: 0}}\n");
    const Simulation simulation(scenario);
    const RunOutcome outcome = run(simulation, 256, 1);
    const FaultRecord r = outcome.totals->faults().at(0, FaultKind::gdp_underflow);
    EXPECT_EQ(r.paths, 256u) << mean;
    EXPECT_EQ(r.first_path, 0u);
    EXPECT_EQ(outcome.totals->paths(), 0u);
    EXPECT_EQ(simulation.describe_faults(outcome.totals->faults(), 256),
              "district 'shrink': gdp underflows to zero (below 2.2e-308) from " + std::to_string(year) +
                  " on 256 of 256 paths (first: path 0); growth too negative or horizon too long");
  }
}

TEST(NumericalSafety, SectorAndFirmFaultsNameTheSector) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 30
districts:
  - id: nanshan
    gdp: 1000
    sectors:
      - {id: ai, share: 0.5, growth: {mean: 12, volatility: 0}}
      - id: retail
        share: 0.5
        growth: {mean: 0.02, volatility: 0.01}
        firms: {stock: 1000, births: {rate: 1e14, trend: 1}, exit_hazard: [0.1]}
)yaml");
  const Simulation simulation(scenario);
  const RunOutcome outcome = run(simulation, 100, 2);
  // ai: 500 e^(12 t) > 1e140 from t = 27 (2051); retail: 1e14 2^(t-1) > 1e15 from t = 5 (2029).
  const std::string message = simulation.describe_faults(outcome.totals->faults(), 100);
  EXPECT_NE(message.find("district 'nanshan' (sector ai): gdp overflows (above 1e+140 or not a finite number) from "
                         "2051 on 100 of 100 paths (first: path 0)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("; also district 'nanshan' (sector retail): firm counts overflow"), std::string::npos) << message;
  EXPECT_NE(message.find("from 2029 on 100 of 100 paths"), std::string::npos) << message;
}

TEST(NumericalSafety, AntitheticPairsWithOneFaultyPathAreLeftOutTogether) {
  // 1e139 e^z > 1e140 iff z > ln 10: one path of a pair at most (its partner draws -z).
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 1
antithetic: true
districts:
  - {id: edge, gdp: 1e139, growth: {mean: 0, volatility: 1}}
)yaml");
  const Simulation simulation(scenario);
  constexpr std::uint64_t n = 4096;
  const RunOutcome outcome = run(simulation, n, 9, 2);
  const Accumulator& totals = *outcome.totals;
  const std::uint64_t faulty = totals.faults().at(0, FaultKind::gdp_overflow).paths;
  const double p = 0.5 * std::erfc(std::log(10.0) / std::sqrt(2.0));
  EXPECT_NEAR(static_cast<double>(faulty), p * n, 4.0 * std::sqrt(p * (1 - p) * n));
  EXPECT_GT(faulty, 0u);
  EXPECT_EQ(totals.faults().excluded_paths(), 2 * faulty);
  EXPECT_EQ(totals.paths(), n - 2 * faulty);
  EXPECT_EQ(totals.simulated_paths(), n);
  EXPECT_LE(totals.moments(cell_of(simulation, Metric::gdp, 1)).max(), kMaxGdpLevel);
}

// --- through the CLI --------------------------------------------------------------------------------------

TEST(NumericalSafety, CliRunFailsWithTheMessageAndWritesNoDirectory) {
  const testing::TempDir dir;
  const fs::path file = dir.write("some_overflow.yaml", kSomePathsOverflow);
  const fs::path out = dir.path() / "out";
  const testing::CommandResult result = testing::run_cli({"run", file.string(), "--out", out.string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("district 'boom': gdp overflows (above 1e+140 or not a finite number) from "),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(" of 3,000 paths (first: path "), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(NumericalSafety, CliBatchMarksTheOverflowingScenarioFailedAndRunsTheOthers) {
  const testing::TempDir dir;
  const fs::path bad = dir.write("some_overflow.yaml", kSomePathsOverflow);
  const fs::path good = dir.write("good.yaml", testing::tiny_scenario("good"));
  const fs::path out = dir.path() / "batch";
  const testing::CommandResult r = testing::run_cli({"batch", bad.string(), good.string(), "--out", out.string(), "-q"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("1 of 2 scenarios succeeded"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "some_overflow"));
  EXPECT_TRUE(fs::exists(out / "good" / "summary.csv"));
  const auto index = testing::read_json(out / "batch.json");
  EXPECT_EQ(index["scenarios"][0]["status"], "failed");
  EXPECT_NE(index["scenarios"][0]["error"].get<std::string>().find(
                "district 'boom': gdp overflows (above 1e+140 or not a finite number) from "),
            std::string::npos)
      << index["scenarios"][0]["error"];
  EXPECT_EQ(index["scenarios"][1]["status"], "succeeded");
}

}  // namespace
}  // namespace districtcast
