/// \file CSV and JSON result files: headers, row counts, number formats, agreement between CSV and JSON.

#include "engine/result_writers.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_loader.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>
#include <stdexcept>

namespace districtcast {
namespace {

struct Written {
  testing::TempDir dir;
  Scenario scenario;
  ResultTables tables;
  Written() {
    LoadResult r = load_scenario_text(R"yaml(
name: w
base_year: 2024
horizon: 3
districts:
  - {id: a, gdp: 950, growth: {mean: 0.05, volatility: 0.03}}
  - {id: b, gdp: 1200, growth: {mean: 0.02, volatility: 0.01}}
thresholds: [{metric: gdp, value: 1000}]
outputs: {quantiles: [0.1, 0.5, 0.9], histogram_bins: 4}
)yaml",
                                      "t.yaml", "t");
    scenario = *r.scenario;
    const Simulation simulation(scenario);
    RunSettings settings;
    settings.paths = 500;
    tables = build_result_tables(scenario, *run_simulation(simulation, settings).totals);
    write_result_files(dir.path(), scenario, tables);
  }
};

TEST(ResultWriters, WritesEveryFileWithTheContractHeaders) {
  const Written w;
  for (const auto& name : result_file_names()) EXPECT_TRUE(std::filesystem::exists(w.dir.path() / name)) << name;
  EXPECT_EQ(testing::read_csv(w.dir.path() / "summary.csv").header,
            (std::vector<std::string>{"district", "sector", "metric", "year", "mean", "sd", "mc_se", "p10", "p50", "p90"}));
  EXPECT_EQ(testing::read_csv(w.dir.path() / "histograms.csv").header,
            (std::vector<std::string>{"district", "sector", "metric", "year", "bin_lower", "bin_upper", "probability"}));
  EXPECT_EQ(testing::read_csv(w.dir.path() / "regimes.csv").header,
            (std::vector<std::string>{"chain", "regime", "year", "probability", "mc_se"}));
  EXPECT_EQ(testing::read_csv(w.dir.path() / "shocks.csv").header,
            (std::vector<std::string>{"kind", "shock", "year", "frequency", "mc_se"}));
  EXPECT_EQ(testing::read_csv(w.dir.path() / "parameters.csv").header,
            (std::vector<std::string>{"parameter", "family", "args", "target_mean", "target_sd", "mean", "sd", "mc_se",
                                      "p10", "p50", "p90"}));
  EXPECT_EQ(testing::read_csv(w.dir.path() / "thresholds.csv").header,
            (std::vector<std::string>{"district", "metric", "threshold", "year", "p_above", "p_reached_by", "mc_se"}));
  EXPECT_EQ(testing::read_csv(w.dir.path() / "first_crossing.csv").header,
            (std::vector<std::string>{"district", "metric", "threshold", "first_year", "probability"}));
}

TEST(ResultWriters, RowCountsAndValuesMatchTheTables) {
  const Written w;
  const auto summary = testing::read_csv(w.dir.path() / "summary.csv");
  ASSERT_EQ(summary.rows.size(), w.tables.summary.size());
  EXPECT_EQ(summary.rows.size(), 2u * 2u * 3u);
  for (std::size_t i = 0; i < summary.rows.size(); ++i) {
    ASSERT_EQ(summary.rows[i].size(), summary.header.size());
    EXPECT_EQ(std::stod(summary.rows[i][4]), w.tables.summary[i].mean);  // shortest round-trip text
    EXPECT_EQ(std::stod(summary.rows[i][8]), w.tables.summary[i].quantiles[1]);
  }
  const auto histograms = testing::read_csv(w.dir.path() / "histograms.csv");
  EXPECT_EQ(histograms.rows.size(), w.tables.histograms.size());
  EXPECT_EQ(histograms.rows.front()[4], "-inf");
  const auto crossing = testing::read_csv(w.dir.path() / "first_crossing.csv");
  EXPECT_EQ(crossing.rows.back()[3], "never");
  EXPECT_EQ(crossing.rows.front()[3], "2024");
}

TEST(ResultWriters, JsonHasTheSameNumbers) {
  const Written w;
  const auto doc = nlohmann::json::parse(testing::read_file(w.dir.path() / "summary.json"));
  EXPECT_EQ(doc["scenario"], "w");
  EXPECT_EQ(doc["paths"], 500);
  ASSERT_EQ(doc["summary"].size(), w.tables.summary.size());
  EXPECT_EQ(doc["summary"][0]["mean"].get<double>(), w.tables.summary[0].mean);
  EXPECT_EQ(doc["summary"][0]["p50"].get<double>(), w.tables.summary[0].quantiles[1]);
  EXPECT_EQ(doc["thresholds"].size(), w.tables.thresholds.size());
  EXPECT_EQ(doc["first_crossing"].back()["first_year"], "never");
  EXPECT_TRUE(doc["histograms"][0]["bin_lower"].is_null());  // open tail: JSON has no infinity
}

TEST(ResultWriters, FailsClearlyWhenTheDirectoryIsMissing) {
  const Written w;
  try {
    write_result_files(w.dir.path() / "missing", w.scenario, w.tables);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("summary.csv"), std::string::npos);
  }
}

TEST(ResultWriters, NonFiniteStatisticsAreNeverWritten) {
  const Written w;
  ResultTables tables = w.tables;
  tables.summary.at(1).mean = std::numeric_limits<double>::infinity();
  const testing::TempDir dir;
  EXPECT_THROW(write_result_files(dir.path(), w.scenario, tables), std::range_error);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // checked before the first file
}

}  // namespace
}  // namespace districtcast
