/// \file Result tables from merged statistics: summary, histogram, threshold and first-crossing rows.

#include "engine/result_tables.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

namespace districtcast {
namespace {

Scenario scenario_with(const std::string& extra) {
  LoadResult r = load_scenario_text(R"yaml(
base_year: 2024
horizon: 4
districts:
  - id: a
    gdp: 950
    growth: {mean: 0.05, volatility: 0.03}
    firms: {stock: 100, births: {rate: 0}, exit_hazard: [0]}
thresholds:
  - {metric: gdp, value: 1000, label: one trillion}
)yaml" + extra,
                                    "t.yaml", "t");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].to_string());
  return *r.scenario;
}

TEST(ResultTables, ShapesNamesAndProbabilities) {
  const Scenario scenario = scenario_with("outputs: {quantiles: [0.025, 0.5, 0.975], histogram_bins: 7}\n");
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = 20000;
  settings.seed = 3;
  const RunOutcome outcome = run_simulation(simulation, settings);
  const ResultTables t = build_result_tables(scenario, *outcome.totals);
  EXPECT_EQ(t.paths, 20000u);
  EXPECT_EQ(t.quantile_names, (std::vector<std::string>{"p2.5", "p50", "p97.5"}));
  ASSERT_EQ(t.summary.size(), 5u * 4u);  // gdp, gdp_growth, births, exits, stock x 4 years
  EXPECT_EQ(t.summary.front().year, 2025);
  EXPECT_EQ(t.summary.back().year, 2028);
  for (const auto& row : t.summary) {
    ASSERT_EQ(row.quantiles.size(), 3u);
    EXPECT_LE(row.quantiles[0], row.quantiles[1]);
    EXPECT_LE(row.quantiles[1], row.quantiles[2]);
    EXPECT_NEAR(row.mc_se, row.sd / std::sqrt(20000.0), 1e-12);
  }
  // Histograms: per cell 7 bins + 2 tails (degenerate cells: 1 bin + 2 tails); probabilities sum to 1.
  std::map<std::pair<int, int>, std::pair<double, int>> cells;
  for (const auto& h : t.histograms) {
    auto& [sum, bins] = cells[{static_cast<int>(h.metric), h.year}];
    sum += h.probability;
    ++bins;
    EXPECT_LE(h.lower, h.upper);
  }
  for (const auto& [key, value] : cells) {
    EXPECT_NEAR(value.first, 1.0, 1e-12);
    const bool degenerate = key.first == static_cast<int>(Metric::firm_births) ||
                            key.first == static_cast<int>(Metric::firm_exits) ||
                            key.first == static_cast<int>(Metric::firm_stock);
    EXPECT_EQ(value.second, degenerate ? 3 : 9);
  }
  // Tails hold at most about 0.1% each; the first and last row of a cell are the open tails.
  EXPECT_TRUE(std::isinf(t.histograms.front().lower));
  EXPECT_LT(t.histograms.front().probability, 0.002);
  // Thresholds: 4 rows; p_reached_by is monotone and >= p_above; first crossing sums to 1 and has base year.
  ASSERT_EQ(t.thresholds.size(), 4u);
  for (std::size_t i = 0; i < t.thresholds.size(); ++i) {
    EXPECT_GE(t.thresholds[i].p_reached_by, t.thresholds[i].p_above);
    if (i > 0) {
      EXPECT_GE(t.thresholds[i].p_reached_by, t.thresholds[i - 1].p_reached_by);
    }
    const double p = t.thresholds[i].p_above;
    EXPECT_DOUBLE_EQ(t.thresholds[i].mc_se, std::sqrt(p * (1 - p) / 20000.0));
  }
  ASSERT_EQ(t.first_crossing.size(), 6u);  // base year, 4 years, never
  EXPECT_EQ(t.first_crossing.front().first_year, 2024);
  EXPECT_FALSE(t.first_crossing.back().first_year.has_value());
  double total = 0;
  for (const auto& r : t.first_crossing) total += r.probability;
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_EQ(t.first_crossing.front().probability, 0.0);  // 950 < 1000 in the base year
  // P(first crossing <= year) == p_reached_by(year).
  double cumulative = 0;
  for (std::size_t k = 1; k <= 4; ++k) {
    cumulative += t.first_crossing[k].probability;
    EXPECT_NEAR(cumulative, t.thresholds[k - 1].p_reached_by, 1e-12);
  }
}

TEST(ResultTables, LevelAlreadyAboveThresholdCrossesInTheBaseYear) {
  const Scenario scenario = scenario_with("  - {metric: firm_stock, value: 50}\n");
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = 100;
  const RunOutcome outcome = run_simulation(simulation, settings);
  const ResultTables t = build_result_tables(scenario, *outcome.totals);
  const auto it = std::find_if(t.first_crossing.begin(), t.first_crossing.end(),
                               [](const FirstCrossingRow& r) { return r.metric == Metric::firm_stock; });
  ASSERT_NE(it, t.first_crossing.end());
  EXPECT_EQ(it->first_year, 2024);
  EXPECT_EQ(it->probability, 1.0);
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

// A constant cell reports its exact value; small counts get whole-number quantiles and unit bins.
TEST(ResultTables, ConstantCellsAndSmallCountsAreExact) {
  LoadResult r = load_scenario_text(R"yaml(
base_year: 2024
horizon: 2
districts:
  - id: a
    gdp: 950
    growth: {mean: 0.05, volatility: 0.0}
    firms: {stock: 1000, births: {rate: 5}, exit_hazard: [0]}
outputs: {histogram_bins: 20}
)yaml",
                                    "t.yaml", "t");
  ASSERT_TRUE(r.ok());
  const Simulation simulation(*r.scenario);
  RunSettings settings;
  settings.paths = 20000;
  const RunOutcome outcome = run_simulation(simulation, settings);
  const ResultTables t = build_result_tables(*r.scenario, *outcome.totals);
  for (const auto& row : t.summary) {
    if (row.metric == Metric::gdp && row.year == 2025) {
      for (double q : row.quantiles) EXPECT_EQ(q, 950 * std::exp(0.05));  // volatility 0: one exact value
    }
    if (row.metric == Metric::gdp_growth) {
      for (double q : row.quantiles) EXPECT_EQ(q, 0.05);
    }
    if (row.metric == Metric::firm_births) {
      for (double q : row.quantiles) EXPECT_EQ(q, std::round(q));
      EXPECT_EQ(row.quantiles[3], 5.0);  // median of Poisson(5)
    }
    if (row.metric == Metric::firm_exits) {
      for (double q : row.quantiles) EXPECT_EQ(q, 0.0);
    }
  }
  int births_bins = 0;
  for (const auto& h : t.histograms) {
    if (h.metric == Metric::gdp && h.year == 2025 && std::isfinite(h.lower) && std::isfinite(h.upper)) {
      EXPECT_EQ(h.lower, 950 * std::exp(0.05));  // the single inner bin holds the exact value
      EXPECT_EQ(h.upper, 950 * std::exp(0.05));
      EXPECT_EQ(h.probability, 1.0);
    }
    if (h.metric == Metric::firm_births && h.year == 2025 && std::isfinite(h.lower) && std::isfinite(h.upper)) {
      EXPECT_EQ(h.upper - h.lower, 1.0);                    // unit bins centred on whole numbers
      EXPECT_EQ(h.lower + 0.5, std::round(h.lower + 0.5));
      EXPECT_GT(h.probability, 0.0);                        // no empty bins between occupied ones
      ++births_bins;
    }
  }
  EXPECT_GE(births_bins, 10);
}

TEST(ResultTables, NonFiniteStatisticsAreFoundWithDistrictMetricYearAndStatistic) {
  ResultTables tables;
  tables.quantile_names = {"p5", "p50"};
  const double inf = std::numeric_limits<double>::infinity();
  tables.summary.push_back(SummaryRow{"nanshan", "", Metric::gdp, 2030, 1.0, 2.0, 0.1, {0.5, 1.0}});
  tables.histograms.push_back(HistogramRow{"nanshan", "", Metric::gdp, 2030, -inf, 0.5, 0.05});  // open tails are fine
  tables.histograms.push_back(HistogramRow{"nanshan", "", Metric::gdp, 2030, 3.0, inf, 0.05});
  EXPECT_EQ(first_non_finite(tables), "");
  EXPECT_NO_THROW(check_finite_tables(tables));
  tables.summary.push_back(SummaryRow{"nanshan", "ai", Metric::gdp, 2031, 1e300, inf, inf, {0.5, 1.0}});
  EXPECT_EQ(first_non_finite(tables), "district 'nanshan' (sector ai), gdp, 2031: sd is inf");
  tables.summary.back().sd = 1.0;
  tables.summary.back().mc_se = 1.0;
  tables.summary.back().quantiles[1] = std::nan("");
  EXPECT_EQ(first_non_finite(tables), "district 'nanshan' (sector ai), gdp, 2031: p50 is nan");
  try {
    check_finite_tables(tables);
    FAIL() << "expected a range error";
  } catch (const std::range_error& e) {
    EXPECT_NE(std::string(e.what()).find("statistic not finite: district 'nanshan' (sector ai), gdp, 2031: p50 is nan"),
              std::string::npos)
        << e.what();
  }
  tables.summary.pop_back();
  tables.histograms.push_back(HistogramRow{"nanshan", "", Metric::gdp, 2030, std::nan(""), 1.0, 0.1});
  EXPECT_EQ(first_non_finite(tables), "district 'nanshan', gdp, 2030: histogram bin_lower is nan");
}

}  // namespace
}  // namespace districtcast
