/// \file Tests of batch planning (engine/scenario_batch.hpp): batch files, command-line items (files,
/// directories, globs), override precedence, invalid jobs, directory names. Fixtures: tests/data/batch/.
#include "engine/scenario_batch.hpp"

#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

fs::path data(const std::string& name) { return testing::source_path("tests/data/batch/" + name); }
std::string shown(const std::string& name) { return data(name).lexically_normal().string(); }

std::string all_errors(const std::vector<Diagnostic>& errors) {
  std::ostringstream out;
  for (const auto& d : errors) out << "\n  " << d.to_string();
  return out.str();
}

std::vector<std::string> job_names(const BatchPlan& plan) {
  std::vector<std::string> names;
  for (const auto& job : plan.jobs) names.push_back(job.name);
  return names;
}

double nanshan_mean(const BatchJob& job) {
  const auto& d = job.scenario.value().districts;
  const auto it = std::find_if(d.begin(), d.end(), [](const DistrictSpec& x) { return x.id == "nanshan"; });
  return it->growth.mean.value;
}

/// A batch file in `dir` whose scenarios are the fixtures (absolute paths).
std::string batch_text(const std::string& body) {
  return "kind: batch\n" + body;
}

TEST(ScenarioBatch, IsBatchFile) {
  EXPECT_TRUE(is_batch_file(data("nightly.yaml")));
  EXPECT_FALSE(is_batch_file(data("scenarios/alpha.yaml")));
  EXPECT_FALSE(is_batch_file(data("no_such.yaml")));
  EXPECT_FALSE(is_batch_file(data("scenarios")));
  const TempDir dir;
  EXPECT_FALSE(is_batch_file(dir.write("broken.yaml", "kind: batch\n  - [\n")));
}

TEST(ScenarioBatch, BatchFileIsParsedIntoJobs) {
  const BatchPlan plan = plan_batch({data("nightly.yaml").string()}, {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  EXPECT_EQ(plan.name, "nightly");
  EXPECT_EQ(plan.batch_file, data("nightly.yaml").string());
  ASSERT_TRUE(plan.out_root.has_value());
  EXPECT_EQ(*plan.out_root, testing::source_path("outputs").lexically_normal());
  EXPECT_EQ(job_names(plan), (std::vector<std::string>{"alpha", "beta_fast", "alpha[nanshan.growth.mean=0.05]",
                                                       "alpha[nanshan.growth.mean=0.06]"}));
  for (const auto& job : plan.jobs) {
    ASSERT_TRUE(job.scenario.has_value()) << job.name << all_errors(job.errors);
    EXPECT_EQ(job.scenario->paths, 2000u) << job.name;  // the batch's paths and seed
    EXPECT_EQ(job.scenario->seed, 7u) << job.name;
    EXPECT_DOUBLE_EQ(job.scenario->national.growth->mean.value, 0.045) << job.name;  // the batch's set
  }
  EXPECT_EQ(plan.jobs[0].file, shown("scenarios/alpha.yaml"));
  EXPECT_EQ(plan.jobs[1].file, shown("scenarios/beta.yaml"));
  EXPECT_EQ(plan.jobs[1].scenario->name, "beta_fast");           // renamed
  EXPECT_DOUBLE_EQ(nanshan_mean(plan.jobs[1]), 0.09);            // the item's set
  EXPECT_EQ(plan.jobs[1].scenario->districts.size(), 2u);        // beta extends alpha
  EXPECT_DOUBLE_EQ(nanshan_mean(plan.jobs[2]), 0.05);            // the item's sweep
  EXPECT_DOUBLE_EQ(nanshan_mean(plan.jobs[3]), 0.06);
  EXPECT_EQ(plan.jobs[3].scenario->provenance.variant_of, "alpha");
  EXPECT_EQ(plan.jobs[1].scenario->provenance.overrides,
            (std::vector<std::string>{"paths=2000", "seed=7", "national.growth.mean=0.045", "districts.nanshan.growth.mean=0.09"}));
  EXPECT_EQ(plan.jobs[2].directory_name, "alpha@nanshan.growth.mean=0.05");
}

TEST(ScenarioBatch, DuplicateDirectoryNamesAreMadeUnique) {
  const BatchPlan plan = plan_batch({data("scenarios/alpha.yaml").string(), data("scenarios/alpha.yaml").string(),
                                     data("scenarios/alpha.yaml").string()},
                                    {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  ASSERT_EQ(plan.jobs.size(), 3u);
  EXPECT_EQ(plan.jobs[0].directory_name, "alpha");
  EXPECT_EQ(plan.jobs[1].directory_name, "alpha-2");
  EXPECT_EQ(plan.jobs[2].directory_name, "alpha-3");
  EXPECT_EQ(plan.name, "batch");
  EXPECT_TRUE(plan.batch_file.empty());
  EXPECT_FALSE(plan.out_root.has_value());
}

TEST(ScenarioBatch, ADirectoryIsItsScenarioFilesSortedWithoutBatchFiles) {
  const BatchPlan plan = plan_batch({data("scenarios").string()}, {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  EXPECT_EQ(job_names(plan), (std::vector<std::string>{"alpha", "beta", "broken"}));  // not inner_batch
}

TEST(ScenarioBatch, AnInvalidScenarioIsAJobWithErrorsAndTheOthersStillRun) {
  const BatchPlan plan = plan_batch({data("scenarios").string()}, {});
  ASSERT_EQ(plan.jobs.size(), 3u);
  EXPECT_TRUE(plan.jobs[0].scenario.has_value());
  EXPECT_TRUE(plan.jobs[1].scenario.has_value());
  const BatchJob& broken = plan.jobs[2];
  EXPECT_FALSE(broken.scenario.has_value());
  ASSERT_EQ(broken.errors.size(), 1u) << all_errors(broken.errors);
  EXPECT_EQ(broken.errors[0].path, "districts[0].gdp");
  EXPECT_EQ(broken.errors[0].line, 6);
  EXPECT_EQ(broken.directory_name, "broken");
}

TEST(ScenarioBatch, GlobsAreExpandedAndSorted) {
  const BatchPlan plan = plan_batch({(data("scenarios").string() + "/[ab]*.yaml")}, {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  EXPECT_EQ(job_names(plan), (std::vector<std::string>{"alpha", "beta", "broken"}));
  const BatchPlan none = plan_batch({(data("scenarios").string() + "/z*.yaml")}, {});
  ASSERT_EQ(none.errors.size(), 1u);
  EXPECT_NE(none.errors[0].message.find("matches no scenario file"), std::string::npos);
  EXPECT_TRUE(none.jobs.empty());
}

TEST(ScenarioBatch, MissingItemsAndMisplacedBatchFilesAreBatchErrors) {
  const BatchPlan missing = plan_batch({data("scenarios/alpha.yaml").string(), data("nope.yaml").string()}, {});
  ASSERT_EQ(missing.errors.size(), 1u) << all_errors(missing.errors);
  EXPECT_EQ(missing.errors[0].file, data("nope.yaml").string());
  EXPECT_TRUE(missing.jobs.empty());
  const BatchPlan two = plan_batch({data("nightly.yaml").string(), data("scenarios/alpha.yaml").string()}, {});
  ASSERT_EQ(two.errors.size(), 1u) << all_errors(two.errors);
  EXPECT_NE(two.errors[0].message.find("batch file"), std::string::npos);
  const TempDir dir;
  EXPECT_FALSE(plan_batch({dir.path().string()}, {}).errors.empty());  // an empty directory
}

TEST(ScenarioBatch, OverridesApplyFileThenBatchThenItemThenCommandLine) {
  const TempDir dir;
  const std::string alpha = data("scenarios/alpha.yaml").string();
  const fs::path batch = dir.write("b.yaml", batch_text("seed: 3\nset: {districts.nanshan.growth.mean: 0.06}\nscenarios:\n"
                                                        "  - " + alpha + "\n"
                                                        "  - {file: " + alpha + ", name: item, set: {districts.nanshan.growth.mean: 0.07}}\n"));
  const BatchPlan plan = plan_batch({batch.string()}, {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  ASSERT_EQ(plan.jobs.size(), 2u);
  EXPECT_DOUBLE_EQ(nanshan_mean(plan.jobs[0]), 0.06);  // batch over file (0.05)
  EXPECT_DOUBLE_EQ(nanshan_mean(plan.jobs[1]), 0.07);  // item over batch
  EXPECT_EQ(plan.jobs[0].scenario->seed, 3u);
  EXPECT_EQ(plan.jobs[0].scenario->paths, 1000u);      // the file's
  const BatchPlan cli = plan_batch({batch.string()}, {Override{"districts.nanshan.growth.mean", "0.08", "--set"},
                                                      Override{"seed", "9", "--seed"}});
  ASSERT_TRUE(cli.errors.empty()) << all_errors(cli.errors);
  for (const auto& job : cli.jobs) {
    EXPECT_DOUBLE_EQ(nanshan_mean(job), 0.08) << job.name;  // the command line over everything
    EXPECT_EQ(job.scenario->seed, 9u);
  }
  EXPECT_EQ(cli.jobs[1].scenario->provenance.overrides,
            (std::vector<std::string>{"seed=3", "districts.nanshan.growth.mean=0.06", "districts.nanshan.growth.mean=0.07",
                                      "districts.nanshan.growth.mean=0.08", "seed=9"}));
  const BatchPlan items = plan_batch({alpha}, {Override{"paths", "5000", "--paths"}});
  ASSERT_TRUE(items.errors.empty()) << all_errors(items.errors);
  EXPECT_EQ(items.jobs[0].scenario->paths, 5000u);
}

TEST(ScenarioBatch, AnItemSweepReplacesTheFilesSweep) {
  const TempDir dir;
  const fs::path swept = testing::source_path("tests/data/compose/swept.yaml");  // 6 variants of its own
  const fs::path batch = dir.write("b.yaml", batch_text("scenarios:\n  - " + swept.string() + "\n  - file: " + swept.string() +
                                                        "\n    sweep: {over: {seed: {values: [1, 2]}}}\n  - file: " +
                                                        swept.string() + "\n    sweep:\n"));
  const BatchPlan plan = plan_batch({batch.string()}, {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  ASSERT_EQ(plan.jobs.size(), 6u + 2u + 1u);
  EXPECT_EQ(plan.jobs[6].name, "swept[seed=1]");
  EXPECT_EQ(plan.jobs[8].name, "swept");  // `sweep:` empty: no sweep
}

TEST(ScenarioBatch, AnInvalidVariantIsItsOwnJob) {
  const BatchPlan plan = plan_batch({testing::source_path("tests/data/compose/swept_bad_value.yaml").string()}, {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  ASSERT_EQ(plan.jobs.size(), 4u);
  EXPECT_TRUE(plan.jobs[0].scenario.has_value());
  EXPECT_TRUE(plan.jobs[1].scenario.has_value());
  EXPECT_FALSE(plan.jobs[2].scenario.has_value());
  EXPECT_FALSE(plan.jobs[3].scenario.has_value());
  EXPECT_EQ(plan.jobs[2].name, "swept_bad[nanshan.growth.volatility=-0.01,national.growth.mean=0.03]");
  ASSERT_EQ(plan.jobs[2].errors.size(), 1u);
  EXPECT_EQ(plan.jobs[2].errors[0].line, 7);
}

TEST(ScenarioBatch, UnknownKeysSuggestTheKnownOne) {
  const TempDir dir;
  const fs::path batch = dir.write("b.yaml", batch_text("scenarois: [a.yaml]\n"));
  const BatchPlan plan = plan_batch({batch.string()}, {});
  ASSERT_EQ(plan.errors.size(), 2u) << all_errors(plan.errors);
  EXPECT_EQ(plan.errors[0].file, batch.string());
  EXPECT_EQ(plan.errors[0].path, "scenarois");
  EXPECT_EQ(plan.errors[0].message, "unknown key; did you mean 'scenarios'?");
  EXPECT_EQ(plan.errors[0].line, 2);
  EXPECT_EQ(plan.errors[0].column, 1);
  EXPECT_EQ(plan.errors[1].path, "scenarios");
  EXPECT_EQ(plan.errors[1].message, "missing required key");
  EXPECT_TRUE(plan.jobs.empty());
  const fs::path item = dir.write("c.yaml", batch_text("scenarios:\n  - {file: " + data("scenarios/alpha.yaml").string() + ", sett: {}}\n"));
  const BatchPlan item_plan = plan_batch({item.string()}, {});
  ASSERT_EQ(item_plan.errors.size(), 1u) << all_errors(item_plan.errors);
  EXPECT_EQ(item_plan.errors[0].message, "unknown key; did you mean 'set'?");
  EXPECT_EQ(item_plan.errors[0].line, 3);
}

TEST(ScenarioBatch, BatchFileProblemsAreLocated) {
  const TempDir dir;
  const fs::path batch = dir.write("b.yaml", batch_text("name: .hidden\npaths: many\nset: {extends: x.yaml}\nscenarios:\n"
                                                        "  - missing.yaml\n  - {file: " + data("scenarios").string() +
                                                        ", name: one}\n"));
  const BatchPlan plan = plan_batch({batch.string()}, {});
  ASSERT_EQ(plan.errors.size(), 5u) << all_errors(plan.errors);
  EXPECT_EQ(plan.errors[0].path, "name");
  EXPECT_EQ(plan.errors[1].path, "paths");
  EXPECT_EQ(plan.errors[1].line, 3);
  EXPECT_EQ(plan.errors[2].path, "set.extends");
  EXPECT_NE(plan.errors[2].message.find("cannot be overridden"), std::string::npos);
  EXPECT_EQ(plan.errors[3].path, "scenarios[0]");
  EXPECT_NE(plan.errors[3].message.find("no such file or directory"), std::string::npos);
  EXPECT_EQ(plan.errors[3].line, 6);
  EXPECT_EQ(plan.errors[4].path, "scenarios[1].name");
  EXPECT_NE(plan.errors[4].message.find("stands for 3 files"), std::string::npos);
}

TEST(ScenarioBatch, ABadValueInTheBatchSetIsLocatedInTheBatchFile) {
  const TempDir dir;
  const fs::path batch = dir.write("b.yaml", batch_text("set:\n  districts.nanshan.growth.volatility: -1\nscenarios: [" +
                                                        data("scenarios/alpha.yaml").string() + "]\n"));
  const BatchPlan plan = plan_batch({batch.string()}, {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  ASSERT_EQ(plan.jobs.size(), 1u);
  ASSERT_EQ(plan.jobs[0].errors.size(), 1u) << all_errors(plan.jobs[0].errors);
  const Diagnostic& d = plan.jobs[0].errors[0];
  EXPECT_EQ(d.file, batch.string());
  EXPECT_EQ(d.path, "districts[0].growth.volatility");
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.column, 40);
}

TEST(ScenarioBatch, ABatchSetOnASweptKeyIsAnError) {
  const TempDir dir;
  const fs::path batch = dir.write("b.yaml", batch_text("set: {districts.nanshan.growth.mean: 0.1}\nscenarios: [" +
                                                        testing::source_path("tests/data/compose/swept.yaml").string() + "]\n"));
  const BatchPlan plan = plan_batch({batch.string()}, {});
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  ASSERT_EQ(plan.jobs.size(), 1u);
  ASSERT_EQ(plan.jobs[0].errors.size(), 1u) << all_errors(plan.jobs[0].errors);
  EXPECT_NE(plan.jobs[0].errors[0].message.find("is swept; batch " + batch.string() + " cannot also set it"), std::string::npos)
      << plan.jobs[0].errors[0].message;
  EXPECT_EQ(plan.jobs[0].errors[0].line, 2);
}

TEST(ScenarioBatch, ForbiddenCommandLineOverrideIsABatchError) {
  const BatchPlan plan = plan_batch({data("scenarios/alpha.yaml").string()}, {Override{"kind", "scenario", "--set"}});
  ASSERT_EQ(plan.errors.size(), 1u) << all_errors(plan.errors);
  EXPECT_EQ(plan.errors[0].file, "--set kind=scenario");
  EXPECT_TRUE(plan.jobs.empty());
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

/// Plans a batch file with one tiny scenario and the nightly keys `keys`.
BatchPlan plan_with_nightly_keys(const testing::TempDir& tmp, const std::string& keys) {
  tmp.write("a.yaml", testing::tiny_scenario("a"));
  const auto file = tmp.write("nightly.yaml", "kind: batch\nname: nightly\n" + keys + "scenarios: [a.yaml]\n");
  return plan_batch({file.string()}, {});
}

TEST(ScenarioBatchNightly, ScheduleRetentionCompareAndAlertsAreRead) {
  const testing::TempDir tmp;
  const BatchPlan plan = plan_with_nightly_keys(
      tmp, "schedule: {at: \"03:07\"}\nretention: {keep_days: 30, keep_last: 10}\ncompare_with: previous\n"
           "alerts:\n  - \"metric=gdp,stat=p50,abs_rel_change>0.02\"\n  - \"stat=p_above,beyond_noise=true,abs_change>0.1\"\n");
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  ASSERT_TRUE(plan.schedule);
  EXPECT_EQ(plan.schedule->hour, 3);
  EXPECT_EQ(plan.schedule->minute, 7);
  EXPECT_EQ(plan.schedule->at, "03:07");
  ASSERT_TRUE(plan.retention);
  EXPECT_EQ(plan.retention->keep_days, 30);
  EXPECT_EQ(plan.retention->keep_last, 10);
  EXPECT_TRUE(plan.compare_with_previous);
  EXPECT_EQ(plan.alerts, (std::vector<std::string>{"metric=gdp,stat=p50,abs_rel_change>0.02",
                                                   "stat=p_above,beyond_noise=true,abs_change>0.1"}));
}

TEST(ScenarioBatchNightly, AbsentKeysMeanNothingNightly) {
  const testing::TempDir tmp;
  const BatchPlan plan = plan_with_nightly_keys(tmp, "");
  ASSERT_TRUE(plan.errors.empty()) << all_errors(plan.errors);
  EXPECT_FALSE(plan.schedule);
  EXPECT_FALSE(plan.retention);
  EXPECT_FALSE(plan.compare_with_previous);
  EXPECT_TRUE(plan.alerts.empty());
}

TEST(ScenarioBatchNightly, AlertsAloneImplyTheComparisonButNotWithCompareWithNone) {
  const testing::TempDir tmp;
  EXPECT_TRUE(plan_with_nightly_keys(tmp, "alerts: [\"stat=p50,diff>1\"]\n").compare_with_previous);
  const BatchPlan none = plan_with_nightly_keys(tmp, "compare_with: none\nalerts: [\"stat=p50,diff>1\"]\n");
  ASSERT_EQ(none.errors.size(), 1u) << all_errors(none.errors);
  EXPECT_EQ(none.errors[0].path, "alerts");
  EXPECT_NE(none.errors[0].message.find("need compare_with: previous"), std::string::npos);
}

TEST(ScenarioBatchNightly, BadValuesAreLocatedWithTheReason) {
  const testing::TempDir tmp;
  const struct {
    std::string keys, path, message;
  } cases[] = {
      {"schedule: {at: \"25:00\"}\n", "schedule.at", "expected a time of day as HH:MM"},
      {"schedule: {at: \"2:00\"}\n", "schedule.at", "expected a time of day as HH:MM"},
      {"schedule: {time: \"02:00\"}\n", "schedule.time", "unknown key"},
      {"retention: {keep_last: 0}\n", "retention.keep_last", ""},
      {"retention: {keep_days: -1}\n", "retention.keep_days", ""},
      {"retention: {}\n", "retention", "give keep_days, keep_last or both"},
      {"compare_with: yesterday\n", "compare_with", "unknown value 'yesterday'"},
      {"alerts: [\"metric=gpd,stat=p50,diff>1\"]\n", "alerts[0]", "'metric=gpd,stat=p50,diff>1'"},
      {"alerts: [\"stat=p50\"]\n", "alerts[0]", "'stat=p50'"},
  };
  for (const auto& c : cases) {
    const BatchPlan plan = plan_with_nightly_keys(tmp, c.keys);
    ASSERT_GE(plan.errors.size(), 1u) << c.keys;  // schedule.time: also "schedule.at: missing required key"
    EXPECT_EQ(plan.errors[0].path, c.path) << c.keys << all_errors(plan.errors);
    EXPECT_NE(plan.errors[0].message.find(c.message), std::string::npos) << c.keys << plan.errors[0].message;
    EXPECT_EQ(plan.errors[0].line, 3) << c.keys << " is on line 3 of the batch file";
    EXPECT_TRUE(plan.jobs.empty()) << "nothing may run";
  }
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(ScenarioBatchNightly, AlertFiltersThatSelectNothingAreErrorsBeforeAnythingRuns) {
  const testing::TempDir tmp;
  tmp.write("a.yaml", testing::tiny_scenario("a"));
  const struct {
    std::string rule, message;
  } cases[] = {
      {"district=nanshn,stat=p50,diff>1", "no scenario of this batch has a district 'nanshn'"},
      {"district=bb,stat=p50,diff>1", "did you mean 'b'?"},
      {"year=2300,stat=p50,diff>1", "year 2300 is outside every scenario's years (2025..2027)"},
      {"stat=p_reached_by:1500,abs_change>0.1", "no scenario of this batch has the threshold 1500 (thresholds: 110)"},
      {"scenario=c,stat=p50,diff>1", "no scenario of this batch has the name 'c'"},
      {"sector=ict,stat=p50,diff>1", "no scenario of this batch has a sector 'ict'"},
  };
  for (const auto& c : cases) {
    const auto file = tmp.write("nightly.yaml", "kind: batch\nname: nightly\nalerts:\n  - \"" + c.rule + "\"\nscenarios: [a.yaml]\n");
    const BatchPlan plan = plan_batch({file.string()}, {});
    ASSERT_EQ(plan.errors.size(), 1u) << c.rule << all_errors(plan.errors);
    EXPECT_EQ(plan.errors[0].path, "alerts[0]");
    EXPECT_EQ(plan.errors[0].line, 4);
    EXPECT_NE(plan.errors[0].message.find(c.message), std::string::npos) << plan.errors[0].message;
    EXPECT_TRUE(plan.jobs.empty());
  }
  const auto good = tmp.write("good.yaml", "kind: batch\nname: nightly\nalerts:\n  - \"scenario=a,district=b,year=2027,"
                                           "stat=p_reached_by:110,abs_change>0.1\"\nscenarios: [a.yaml]\n");
  EXPECT_TRUE(plan_batch({good.string()}, {}).errors.empty());
}

}  // namespace
}  // namespace districtcast
