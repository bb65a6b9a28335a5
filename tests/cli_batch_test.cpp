/// \file End-to-end tests of `districtcast batch`: item kinds, batch files and their overrides, sweeps,
/// failure isolation and exit codes, and the batch directory contract (batch.json, batch_summary.csv).

#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>

namespace districtcast {
namespace {
namespace fs = std::filesystem;
using testing::last_line;
using testing::read_json;
using testing::read_csv;
using testing::read_file;
using testing::run_cli;
using testing::TempDir;
using testing::tiny_scenario;

/// Lines of a file without its first (header) line.
std::vector<std::string> body_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

TEST(CliBatch, RunsEveryScenarioOfADirectoryIntoOneBatchDirectory) {
  TempDir tmp;
  fs::create_directory(tmp.path() / "s");
  tmp.write("s/alpha.yaml", tiny_scenario("alpha"));
  tmp.write("s/beta.yml", tiny_scenario("beta", 0.08));
  tmp.write("s/notes.txt", "not a scenario");
  const fs::path out = tmp.path() / "batch";
  const auto r = run_cli({"batch", (tmp.path() / "s").string(), "--out", out.string(), "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(last_line(r.out), out.string());
  for (const char* name : {"alpha", "beta"}) {
    for (const char* file : {"summary.csv", "manifest.json", "report.html", "thresholds.csv"}) {
      EXPECT_TRUE(fs::exists(out / name / file)) << name << "/" << file;
    }
  }
  const auto index = read_json(out / "batch.json");
  EXPECT_EQ(index["kind"], "districtcast-batch");
  EXPECT_EQ(index["status"], "succeeded");
  ASSERT_EQ(index["scenarios"].size(), 2u);
  EXPECT_EQ(index["scenarios"][0]["scenario"], "alpha");
  EXPECT_EQ(index["scenarios"][0]["directory"], "alpha");
  EXPECT_EQ(index["scenarios"][0]["status"], "succeeded");
  EXPECT_EQ(index["scenarios"][1]["scenario"], "beta");
  EXPECT_GT(index["scenarios"][1]["wall_seconds"].get<double>(), 0.0);
  EXPECT_TRUE(fs::exists(out / "report.html"));

  // batch_summary.csv = each summary.csv with a leading scenario column, in batch order.
  const auto stacked = read_csv(out / "batch_summary.csv");
  const auto alpha = read_csv(out / "alpha" / "summary.csv");
  std::vector<std::string> expected_header{"scenario"};
  expected_header.insert(expected_header.end(), alpha.header.begin(), alpha.header.end());
  EXPECT_EQ(stacked.header, expected_header);
  std::vector<std::string> expected;
  for (const char* name : {"alpha", "beta"}) {
    for (const auto& line : body_lines(out / name / "summary.csv")) expected.push_back(std::string(name) + "," + line);
  }
  EXPECT_EQ(body_lines(out / "batch_summary.csv"), expected);
}

TEST(CliBatch, ResultsEqualThoseOfRunWithTheSameScenario) {
  TempDir tmp;
  const fs::path file = tmp.write("alpha.yaml", tiny_scenario("alpha"));
  const auto batch = run_cli({"batch", file.string(), "--out", (tmp.path() / "b").string(), "-q", "-j", "1"});
  const auto run = run_cli({"run", file.string(), "--out", (tmp.path() / "r").string(), "-q", "-j", "2"});
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* name : {"summary.csv", "histograms.csv", "thresholds.csv", "first_crossing.csv", "summary.json"}) {
    EXPECT_EQ(read_file(tmp.path() / "b" / "alpha" / name), read_file(tmp.path() / "r" / name)) << name;
  }
}

TEST(CliBatch, AnInvalidScenarioIsReportedAndTheOthersStillRun) {
  TempDir tmp;
  const fs::path good = tmp.write("good.yaml", tiny_scenario("good"));
  const fs::path bad = tmp.write("bad.yaml", "base_year: 2024\nhorizon: 3\ndistricts:\n  - id: a\n    gdp: -5\n"
                                             "    growth: {mean: 0.05, volatility: 0.02}\n");
  const fs::path out = tmp.path() / "out";
  const auto r = run_cli({"batch", bad.string(), good.string(), "--out", out.string(), "-q"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("bad.yaml: districts[0].gdp"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 of 2 scenarios succeeded"), std::string::npos) << r.err;
  ASSERT_TRUE(fs::exists(out / "good" / "summary.csv"));
  EXPECT_FALSE(fs::exists(out / "bad"));
  const auto index = read_json(out / "batch.json");
  EXPECT_EQ(index["status"], "partial");
  EXPECT_EQ(index["scenarios"][0]["scenario"], "bad");
  EXPECT_EQ(index["scenarios"][0]["status"], "invalid");
  EXPECT_TRUE(index["scenarios"][0]["directory"].is_null());
  EXPECT_NE(index["scenarios"][0]["error"].get<std::string>().find("districts[0].gdp"), std::string::npos);
  EXPECT_EQ(index["scenarios"][1]["status"], "succeeded");
  // Only the good scenario's rows are stacked.
  for (const auto& line : body_lines(out / "batch_summary.csv")) EXPECT_EQ(line.rfind("good,", 0), 0u) << line;
}

TEST(CliBatch, NothingValidMeansExitTwoAndNothingWritten) {
  TempDir tmp;
  const fs::path bad = tmp.write("bad.yaml", "base_year: 2024\nhorizon: 0\ndistricts: []\n");
  const auto r = run_cli({"batch", bad.string(), "--out", (tmp.path() / "out").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
  const auto missing = run_cli({"batch", (tmp.path() / "nope.yaml").string(), "--out", (tmp.path() / "o2").string()});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "o2"));
  EXPECT_EQ(run_cli({"batch"}).exit_code, 2);
}

TEST(CliBatch, BatchFileOverridesTheScenariosAndFlagsOverrideTheBatchFile) {
  TempDir tmp;
  tmp.write("alpha.yaml", tiny_scenario("alpha"));
  tmp.write("beta.yaml", tiny_scenario("beta"));
  const fs::path batch = tmp.write("nightly.yaml",
                                   "kind: batch\nname: nightly\nout: results\npaths: 1000\nseed: 7\n"
                                   "set: {districts.a.gdp: 120}\n"
                                   "scenarios:\n  - alpha.yaml\n  - file: beta.yaml\n    set: {districts.a.gdp: 130}\n");
  // The batch file alone: its paths, seed and set apply; the item's set wins over the batch's.
  const auto r1 = run_cli({"batch", batch.string(), "-q"}, tmp.path());
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  const fs::path dir1 = last_line(r1.out);
  EXPECT_EQ(fs::weakly_canonical(dir1.parent_path()), fs::weakly_canonical(tmp.path() / "results" / "nightly")) << dir1;
  const auto alpha = read_json(dir1 / "alpha" / "manifest.json");
  EXPECT_EQ(alpha["paths"], 1000);
  EXPECT_EQ(alpha["seed"], 7);
  EXPECT_EQ(alpha["resolved_scenario"]["districts"][0]["gdp"], 120.0);
  EXPECT_EQ(read_json(dir1 / "beta" / "manifest.json")["resolved_scenario"]["districts"][0]["gdp"], 130.0);
  EXPECT_EQ(read_json(dir1 / "batch.json")["name"], "nightly");
  // Flags win over the batch file.
  const auto r2 = run_cli({"batch", batch.string(), "-q", "--paths", "1500", "--seed", "9", "--set", "districts.a.gdp=140",
                           "--out", (tmp.path() / "flags").string()},
                          tmp.path());
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  for (const char* name : {"alpha", "beta"}) {
    const auto m = read_json(tmp.path() / "flags" / name / "manifest.json");
    EXPECT_EQ(m["paths"], 1500) << name;
    EXPECT_EQ(m["seed"], 9) << name;
    EXPECT_EQ(m["resolved_scenario"]["districts"][0]["gdp"], 140.0) << name;
    // Every override is recorded, the command line's last.
    const auto& recorded = m["composition"]["overrides"];
    ASSERT_GE(recorded.size(), 4u) << name;
    EXPECT_EQ(recorded[recorded.size() - 3], "districts.a.gdp=140") << recorded;
    EXPECT_EQ(recorded[recorded.size() - 2], "paths=1500") << recorded;
    EXPECT_EQ(recorded.back(), "seed=9") << recorded;
  }
}

TEST(CliBatch, OverwriteReplacesAPreviousBatchDirectoryOnly) {
  TempDir tmp;
  const fs::path file = tmp.write("alpha.yaml", tiny_scenario("alpha"));
  const fs::path out = tmp.path() / "nightly";
  ASSERT_EQ(run_cli({"batch", file.string(), "--out", out.string(), "-q"}).exit_code, 0);
  EXPECT_EQ(run_cli({"batch", file.string(), "--out", out.string(), "-q"}).exit_code, 2) << "no --overwrite";
  const auto again = run_cli({"batch", file.string(), "--out", out.string(), "-q", "--overwrite", "--seed", "5"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_json(out / "alpha" / "manifest.json")["seed"], 5);
  // Something the batch did not write is never deleted.
  std::ofstream(out / "notes.txt") << "mine";
  const auto refused = run_cli({"batch", file.string(), "--out", out.string(), "-q", "--overwrite"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("notes.txt"), std::string::npos) << refused.err;
  EXPECT_TRUE(fs::exists(out / "notes.txt"));
}

TEST(CliBatch, TheSameScenarioTwiceGetsTwoNames) {
  TempDir tmp;
  const fs::path file = tmp.write("alpha.yaml", tiny_scenario("alpha"));
  const fs::path out = tmp.path() / "out";
  const auto r = run_cli({"batch", file.string(), file.string(), "--out", out.string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto index = read_json(out / "batch.json");
  EXPECT_EQ(index["scenarios"][0]["scenario"], "alpha");
  EXPECT_EQ(index["scenarios"][1]["scenario"], "alpha-2");
  EXPECT_EQ(index["scenarios"][1]["directory"], "alpha-2");
  EXPECT_NE(read_file(out / "batch_summary.csv").find("\nalpha-2,a,,gdp,2025,"), std::string::npos);
}

TEST(CliBatch, ASweepRunsEveryVariantWithCommonRandomNumbers) {
  TempDir tmp;
  const fs::path file = tmp.write(
      "swept.yaml", tiny_scenario("swept", 0.05,
                                  "sweep:\n  over:\n    districts.a.growth.mean: {values: [0.04, 0.06]}\n"
                                  "    districts.b.growth.volatility: {values: [0.01, 0.02]}\n"));
  const fs::path out = tmp.path() / "out";
  const auto r = run_cli({"batch", file.string(), "--out", out.string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto index = read_json(out / "batch.json");
  ASSERT_EQ(index["scenarios"].size(), 4u);
  EXPECT_EQ(index["scenarios"][0]["scenario"], "swept[a.growth.mean=0.04,b.growth.volatility=0.01]");
  EXPECT_EQ(index["scenarios"][3]["scenario"], "swept[a.growth.mean=0.06,b.growth.volatility=0.02]");
  std::set<std::uint64_t> seeds;
  for (const auto& s : index["scenarios"]) {
    EXPECT_EQ(s["status"], "succeeded");
    EXPECT_TRUE(fs::exists(out / s["directory"].get<std::string>() / "summary.csv")) << s["directory"];
    seeds.insert(s["seed"].get<std::uint64_t>());
  }
  EXPECT_EQ(seeds, std::set<std::uint64_t>{11});
  // Variant names hold commas, so the scenario column is quoted.
  const std::string stacked = read_file(out / "batch_summary.csv");
  EXPECT_NE(stacked.find("\n\"swept[a.growth.mean=0.04,b.growth.volatility=0.01]\",a,,gdp,2025,"), std::string::npos);
  // Common random numbers: district b does not depend on a's mean, so variants 0 and 2 (same b volatility)
  // report identical numbers for b.
  const auto b_rows = [&](const std::string& dir) {
    std::string rows;
    for (const auto& line : body_lines(out / dir / "summary.csv")) {
      if (line.rfind("b,", 0) == 0) rows += line + "\n";
    }
    return rows;
  };
  EXPECT_EQ(b_rows(index["scenarios"][0]["directory"]), b_rows(index["scenarios"][2]["directory"]));
  EXPECT_NE(b_rows(index["scenarios"][0]["directory"]), b_rows(index["scenarios"][1]["directory"]));
}

TEST(CliBatch, RunRefusesASweepAndPointsToBatch) {
  TempDir tmp;
  const fs::path file = tmp.write(
      "swept.yaml", tiny_scenario("swept", 0.05, "sweep:\n  over:\n    districts.a.growth.mean: {values: [0.04, 0.06]}\n"));
  const auto r = run_cli({"run", file.string(), "--out", (tmp.path() / "o").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sweep of 2 variants"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("districtcast batch"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "o"));
}

TEST(CliBatch, DefaultLocationIsUnderOutputsBatches) {
  TempDir tmp;
  const fs::path file = tmp.write("alpha.yaml", tiny_scenario("alpha"));
  tmp.write("beta.yaml", tiny_scenario("beta"));
  // Several items: the batch is called "batch".
  const auto r = run_cli({"batch", file.string(), (tmp.path() / "beta.yaml").string(), "-q"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = last_line(r.out);
  EXPECT_EQ(dir.parent_path().filename(), "batch");
  EXPECT_EQ(dir.parent_path().parent_path().filename(), "batches");
  EXPECT_EQ(dir.parent_path().parent_path().parent_path().filename(), "outputs");
  EXPECT_TRUE(fs::exists(dir / "alpha" / "summary.csv"));
  EXPECT_EQ(read_json(dir / "batch.json")["name"], "batch");
  // One scenario file (here a sweep) names the batch after its scenario.
  const fs::path swept = tmp.write(
      "file_stem.yaml", tiny_scenario("swept", 0.05, "sweep:\n  over:\n    districts.a.growth.mean: {values: [0.04, 0.06]}\n"));
  const auto s = run_cli({"batch", swept.string(), "-q"}, tmp.path());
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(fs::path(last_line(s.out)).parent_path().filename(), "swept");
  EXPECT_EQ(read_json(fs::path(last_line(s.out)) / "batch.json")["name"], "swept");
}

TEST(CliBatch, HelpListsItemsAndOutputs) {
  const auto r = run_cli({"batch", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"batch.json", "batch_summary.csv", "--set", "--paths", "--seed", "--out", "kind: batch", "sweep"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace districtcast
