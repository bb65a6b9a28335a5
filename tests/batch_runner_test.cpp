/// \file run_batch_into: jobs in order, a job that fails while running does not stop the others, and the
/// batch files (batch.json, batch_summary.csv) record exactly what happened.

#include "engine/batch_runner.hpp"
#include "engine/run_job.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace districtcast {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

BatchJob job(const std::string& name, double mean) {
  Scenario s = testing::load_valid_scenario(testing::kMinimalScenario);
  s.name = name;
  s.paths = 500;
  s.districts[0].growth.mean = models::Param{mean};
  return BatchJob{name, name, name + ".yaml", s, {}};
}

TEST(BatchRunner, AJobThatFailsWhileRunningIsRecordedAndTheOthersRun) {
  TempDir tmp;
  BatchPlan plan;
  plan.name = "unit";
  plan.jobs = {job("first", 0.05), job("blocked", 0.06), job("last", 0.07)};
  plan.jobs.push_back(BatchJob{"broken", "broken", "broken.yaml", std::nullopt,
                               {Diagnostic{"broken.yaml", "horizon", "must be >= 1", 2, 10}}});
  // A file where "blocked" wants its directory: creating it fails at run time.
  std::ofstream(tmp.path() / "blocked") << "in the way";
  std::vector<std::string> ended;
  BatchRunOptions options;
  options.write_reports = false;
  options.on_job_end = [&](const BatchJobReport& r, std::size_t, std::size_t) { ended.push_back(r.name + ":" + r.status); };
  const BatchOutcome outcome = run_batch_into(plan, tmp.path(), options);
  EXPECT_FALSE(outcome.interrupted);
  EXPECT_EQ(ended, (std::vector<std::string>{"first:succeeded", "blocked:failed", "last:succeeded", "broken:invalid"}));
  EXPECT_EQ(outcome.succeeded(), 2u);
  EXPECT_EQ(outcome.status(), "partial");
  EXPECT_TRUE(fs::exists(tmp.path() / "first" / "summary.csv"));
  EXPECT_TRUE(fs::exists(tmp.path() / "last" / "summary.csv"));
  EXPECT_FALSE(fs::exists(tmp.path() / "first" / kReportFileName));  // write_reports = false

  const auto index = nlohmann::json::parse(testing::read_file(tmp.path() / kBatchIndexFileName));
  EXPECT_EQ(index["status"], "partial");
  EXPECT_EQ(index["succeeded"], 2);
  EXPECT_EQ(index["failed"], 2);
  ASSERT_EQ(index["scenarios"].size(), 4u);
  EXPECT_EQ(index["scenarios"][1]["status"], "failed");
  EXPECT_TRUE(index["scenarios"][1]["directory"].is_null());
  EXPECT_FALSE(index["scenarios"][1]["error"].get<std::string>().empty());
  EXPECT_EQ(index["scenarios"][3]["status"], "invalid");
  EXPECT_NE(index["scenarios"][3]["error"].get<std::string>().find("horizon: must be >= 1"), std::string::npos);
  EXPECT_EQ(index["scenarios"][2]["paths"], 500);

  // Stacked rows: first's then last's, each exactly its summary.csv row behind the scenario name.
  const auto stacked = testing::read_csv(tmp.path() / kBatchSummaryFileName);
  const auto first = testing::read_csv(tmp.path() / "first" / "summary.csv");
  const auto last = testing::read_csv(tmp.path() / "last" / "summary.csv");
  ASSERT_EQ(stacked.rows.size(), first.rows.size() + last.rows.size());
  for (std::size_t i = 0; i < stacked.rows.size(); ++i) {
    const bool from_first = i < first.rows.size();
    auto expected = from_first ? first.rows[i] : last.rows[i - first.rows.size()];
    expected.insert(expected.begin(), from_first ? "first" : "last");
    EXPECT_EQ(stacked.rows[i], expected) << i;
  }
}

TEST(BatchRunner, QuantileColumnsAreTheUnionAndMissingOnesAreEmpty) {
  TempDir tmp;
  BatchPlan plan;
  plan.jobs = {job("coarse", 0.05), job("fine", 0.05)};
  plan.jobs[0].scenario->outputs.quantiles = {0.5};
  plan.jobs[1].scenario->outputs.quantiles = {0.025, 0.5, 0.975};
  BatchRunOptions options;
  options.write_reports = false;
  const BatchOutcome outcome = run_batch_into(plan, tmp.path(), options);
  ASSERT_EQ(outcome.succeeded(), 2u);
  const auto stacked = testing::read_csv(tmp.path() / kBatchSummaryFileName);
  EXPECT_EQ(stacked.header, (std::vector<std::string>{"scenario", "district", "sector", "metric", "year", "mean", "sd",
                                                      "mc_se", "p2.5", "p50", "p97.5"}));
  const auto& coarse_row = stacked.rows.front();
  EXPECT_EQ(coarse_row[0], "coarse");
  EXPECT_EQ(coarse_row[stacked.column("p2.5")], "");
  EXPECT_NE(coarse_row[stacked.column("p50")], "");
  EXPECT_EQ(coarse_row[stacked.column("p97.5")], "");
  EXPECT_NE(stacked.rows.back()[stacked.column("p97.5")], "");
}

TEST(BatchRunner, CancelStopsBeforeTheNextJobAndSaysInterrupted) {
  TempDir tmp;
  BatchPlan plan;
  plan.jobs = {job("first", 0.05), job("second", 0.05)};
  std::atomic<bool> cancel{false};
  BatchRunOptions options;
  options.write_reports = false;
  options.cancel = &cancel;
  options.on_job_end = [&](const BatchJobReport&, std::size_t, std::size_t) { cancel.store(true); };
  const BatchOutcome outcome = run_batch_into(plan, tmp.path(), options);
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_EQ(outcome.jobs.size(), 1u);
  EXPECT_FALSE(fs::exists(tmp.path() / "second"));
  EXPECT_FALSE(fs::exists(tmp.path() / kBatchIndexFileName));
}

}  // namespace
}  // namespace districtcast
