/// \file Convergence control: round sizes, the worst cell, deterministic stopping, equality with a plain run.

#include "engine/convergence.hpp"
#include "engine/scenario_loader.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>

namespace districtcast {
namespace {

Scenario scenario_two_districts() {
  LoadResult r = load_scenario_text(R"yaml(
base_year: 2024
horizon: 4
paths: 3000
districts:
  - {id: calm, gdp: 1000, growth: {mean: 0.05, volatility: 0.01}}
  - {id: wild, gdp: 500, growth: {model: ar1, mean: 0.05, volatility: 0.06, persistence: 0.5}}
precision: {target: 0.001, metrics: [gdp], max_paths: 400000}
)yaml",
                                    "t.yaml", "t");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].to_string());
  return *r.scenario;
}

TEST(Convergence, NextRoundFollowsTheSquareRootLawInWholeBlocks) {
  // 10240 paths at relative SE 0.004 for a 0.002 target: 4x the paths, +10%, rounded up to blocks.
  EXPECT_EQ(next_round_total(10240, 0.004, 0.002, 1024, 10'000'000), 45056u);
  EXPECT_EQ(next_round_total(1024, 0.00201, 0.002, 1024, 10'000'000), 2048u);  // at least one more block
  EXPECT_EQ(next_round_total(10240, 0.00201, 0.002, 1024, 10'000'000), 12288u);  // +10% margin, whole blocks
  EXPECT_EQ(next_round_total(10240, 0.1, 0.002, 1024, 50000), 50000u);            // capped
  EXPECT_EQ(next_round_total(10240, std::numeric_limits<double>::infinity(), 0.002, 1024, 10'000'000), 20480u);
}

TEST(Convergence, WorstCellIsTheLargestRelativeError) {
  const Scenario scenario = scenario_two_districts();
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = 2000;
  const RunOutcome outcome = run_simulation(simulation, settings);
  const WorstCell worst = worst_relative_error(*outcome.totals, {Metric::gdp});
  const ResultLayout& layout = simulation.layout();
  EXPECT_EQ(worst.cell, layout.cell(*layout.find_series(1, Metric::gdp), 4));  // wild district, last year
  const RunningMoments& m = outcome.totals->moments(worst.cell);
  EXPECT_DOUBLE_EQ(worst.relative_se, m.standard_error() / m.mean());
}

TEST(Convergence, StopsDeterministicallyOnceTheTargetIsReached) {
  const Scenario scenario = scenario_two_districts();
  const Simulation simulation(scenario);
  std::vector<std::unique_ptr<Accumulator>> results;
  std::vector<PrecisionReport> reports;
  for (unsigned threads : {1u, 2u, 3u}) {
    RunSettings settings;
    settings.seed = 42;
    settings.threads = threads;
    PrecisionReport report;
    std::vector<std::uint64_t> rounds;
    RunOutcome outcome = run_to_precision(simulation, settings, scenario.paths, *scenario.precision, report,
                                          [&](std::uint64_t total) { rounds.push_back(total); });
    EXPECT_TRUE(report.reached);
    EXPECT_LE(report.achieved, 0.001);
    EXPECT_GT(report.rounds, 1u);
    EXPECT_EQ(rounds.front(), 3072u);  // 3000 rounded up to whole blocks
    EXPECT_EQ(report.paths, outcome.totals->paths());
    EXPECT_EQ(report.worst_district, "wild");
    EXPECT_EQ(report.worst_year, 2028);
    EXPECT_LE(worst_relative_error(*outcome.totals, {Metric::gdp}).relative_se, 0.001);
    results.push_back(std::move(outcome.totals));
    reports.push_back(report);
  }
  for (std::size_t i = 1; i < results.size(); ++i) {
    EXPECT_EQ(reports[i].paths, reports[0].paths);
    EXPECT_EQ(reports[i].rounds, reports[0].rounds);
    const double a = results[i]->moments(5).mean(), b = results[0]->moments(5).mean();
    EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0);
  }
  // The rounds merge blocks exactly as one run of the final path count would.
  RunSettings plain;
  plain.seed = 42;
  plain.paths = reports[0].paths;
  const RunOutcome once = run_simulation(simulation, plain);
  for (std::size_t c = 0; c < simulation.layout().cell_count(); ++c) {
    const double a = once.totals->moments(c).mean(), b = results[0]->moments(c).mean();
    const double va = once.totals->moments(c).variance(), vb = results[0]->moments(c).variance();
    EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0) << c;
    EXPECT_EQ(std::memcmp(&va, &vb, sizeof va), 0) << c;
    EXPECT_EQ(once.totals->sketch(c).quantile(0.5), results[0]->sketch(c).quantile(0.5));
  }
}

TEST(Convergence, StopsAtMaxPathsWhenTheTargetIsOutOfReach) {
  Scenario scenario = scenario_two_districts();
  scenario.precision->target = 1e-6;
  scenario.precision->max_paths = 20000;
  const Simulation simulation(scenario);
  PrecisionReport report;
  const RunOutcome outcome = run_to_precision(simulation, RunSettings{}, scenario.paths, *scenario.precision, report);
  EXPECT_FALSE(report.reached);
  EXPECT_EQ(report.paths, 20000u);
  EXPECT_EQ(outcome.totals->paths(), 20000u);
  EXPECT_GT(report.achieved, 1e-6);
}

TEST(Convergence, CliReportsPrecisionInTheManifest) {
  const testing::TempDir tmp;
  const auto file = tmp.write("s.yaml", R"yaml(
base_year: 2024
horizon: 3
paths: 2000
districts: [{id: a, gdp: 100, growth: {mean: 0.05, volatility: 0.03}}]
)yaml");
  const auto r = testing::run_cli({"run", file.string(), "--precision", "0.002", "--out", (tmp.path() / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("precision"), std::string::npos) << r.err;
  const auto m = nlohmann::json::parse(testing::read_file(tmp.path() / "out" / "manifest.json"));
  EXPECT_EQ(m["precision"]["target"], 0.002);
  EXPECT_TRUE(m["precision"]["reached"].get<bool>());
  EXPECT_LE(m["precision"]["achieved"].get<double>(), 0.002);
  EXPECT_EQ(m["paths"], m["precision"]["paths"]);
  EXPECT_EQ(m["resolved_scenario"]["precision"]["target"], 0.002);
  const auto no_precision = testing::run_cli({"run", file.string(), "--max-paths", "5000"});
  EXPECT_EQ(no_precision.exit_code, 2);
  EXPECT_NE(no_precision.err.find("--max-paths only applies"), std::string::npos) << no_precision.err;
  const auto bad = testing::run_cli({"run", file.string(), "--precision", "2"});
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace districtcast
