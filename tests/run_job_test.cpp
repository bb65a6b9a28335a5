/// \file run_scenario_into: one scenario to a complete set of files (results, manifest, report), or nothing
/// more once cancelled.

#include "engine/run_job.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

namespace districtcast {
namespace {
namespace fs = std::filesystem;

Scenario small_scenario() {
  Scenario s = testing::load_valid_scenario(testing::kMinimalScenario);
  s.paths = 300;
  return s;
}

TEST(RunJob, WritesEveryFileOfARunDirectoryAndNamesTheFinalDirectoryInTheReport) {
  testing::TempDir tmp;
  RunJobOptions options;
  options.scenario_file = "minimal.yaml";
  options.final_directory = "/somewhere/final-name";
  std::uint64_t last_done = 0, last_total = 0;
  options.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    last_done = done;
    last_total = total;
  };
  const RunJobResult result = run_scenario_into(small_scenario(), tmp.path(), options);
  EXPECT_FALSE(result.interrupted);
  EXPECT_EQ(result.paths_done, 300u);
  EXPECT_EQ(last_done, 300u);
  EXPECT_EQ(last_total, 300u);
  // The rows handed back are the rows written.
  const auto written_summary = testing::read_csv(tmp.path() / "summary.csv");
  EXPECT_EQ(result.tables.summary.size(), written_summary.rows.size());
  EXPECT_EQ(result.tables.quantile_names.size() + 7, written_summary.header.size());
  std::vector<std::string> written;
  for (const auto& entry : fs::directory_iterator(tmp.path())) written.push_back(entry.path().filename().string());
  std::sort(written.begin(), written.end());
  std::vector<std::string> expected = run_directory_file_names();
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(written, expected);
  const std::string report = testing::read_file(tmp.path() / kReportFileName);
  EXPECT_NE(report.find("/somewhere/final-name"), std::string::npos);
  EXPECT_EQ(report.find(tmp.path().string()), std::string::npos) << "the staging path must not leak into the report";
}

TEST(RunJob, WithoutReportAndWhenCancelled) {
  testing::TempDir tmp;
  RunJobOptions options;
  options.write_report = false;
  const RunJobResult result = run_scenario_into(small_scenario(), tmp.path(), options);
  EXPECT_FALSE(fs::exists(tmp.path() / kReportFileName));
  EXPECT_TRUE(fs::exists(tmp.path() / "summary.csv"));

  testing::TempDir cancelled_dir;
  std::atomic<bool> cancel{true};
  options.cancel = &cancel;
  const RunJobResult cancelled = run_scenario_into(small_scenario(), cancelled_dir.path(), options);
  EXPECT_TRUE(cancelled.interrupted);
  EXPECT_TRUE(fs::is_empty(cancelled_dir.path()));
}

}  // namespace
}  // namespace districtcast
