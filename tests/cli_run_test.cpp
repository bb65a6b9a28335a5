/// \file End-to-end tests of `districtcast run` on the shipped scenarios: every file and column, determinism
/// across thread counts, output locations, overwrite rules and Ctrl-C.

#include "tests/test_support.hpp"
#include "engine/normal_variates.hpp"
#include "engine/result_writers.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <thread>

namespace districtcast {
namespace {
namespace fs = std::filesystem;
using testing::last_line;
using testing::Csv;
using testing::read_csv;
using testing::run_cli;
using testing::source_path;

double number(const std::string& field) {
  std::size_t used = 0;
  const double x = std::stod(field, &used);
  EXPECT_EQ(used, field.size()) << field;
  return x;
}

/// Checks every file and column of a run directory produced from `scenario_file`.
void check_run_directory(const fs::path& dir, std::uint64_t paths) {
  for (const char* name : {"manifest.json", "summary.csv", "histograms.csv", "thresholds.csv", "first_crossing.csv",
                           "events.csv", "summary.json"}) {
    ASSERT_TRUE(fs::exists(dir / name)) << name;
  }
  const auto manifest = nlohmann::json::parse(testing::read_file(dir / "manifest.json"));
  for (const char* key : {"engine_version", "scenario", "scenario_sha256", "seed", "paths", "threads", "started_at",
                          "finished_at", "wall_seconds", "resolved_scenario", "files_sha256"}) {
    EXPECT_TRUE(manifest.contains(key)) << key;
  }
  EXPECT_EQ(manifest["paths"], paths);
  EXPECT_TRUE(std::regex_match(manifest["scenario_sha256"].get<std::string>(), std::regex("[0-9a-f]{64}")));
  const std::regex iso("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  EXPECT_TRUE(std::regex_match(manifest["started_at"].get<std::string>(), iso));
  EXPECT_TRUE(std::regex_match(manifest["finished_at"].get<std::string>(), iso));
  const auto& resolved = manifest["resolved_scenario"];
  const int base_year = resolved["base_year"];
  const int horizon = resolved["horizon"];
  std::set<std::string> districts;
  std::size_t series_count = 0;  // expected metric series: district totals and sectors
  for (const auto& d : resolved["districts"]) {
    districts.insert(d["id"].get<std::string>());
    bool firms = d.contains("firms");
    series_count += 2;
    for (const auto& sector : d.value("sectors", nlohmann::json::array())) {
      series_count += 3 + (sector.contains("firms") ? 3 : 0);
      firms = firms || sector.contains("firms");
    }
    if (firms) series_count += 3;
  }
  const std::set<std::string> metrics{"gdp", "gdp_growth", "gdp_share", "firm_births", "firm_exits", "firm_stock"};

  // summary.csv
  const Csv summary = read_csv(dir / "summary.csv");
  std::vector<std::string> expected_header{"district", "sector", "metric", "year", "mean", "sd", "mc_se"};
  std::vector<std::string> quantile_columns;
  for (const auto& q : resolved["outputs"]["quantiles"]) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "p%.10g", q.get<double>() * 100);
    expected_header.emplace_back(buffer);
  }
  EXPECT_EQ(summary.header, expected_header);
  EXPECT_EQ(summary.rows.size(), series_count * static_cast<std::size_t>(horizon));
  const bool antithetic = resolved["antithetic"].get<bool>();
  for (const auto& row : summary.rows) {
    ASSERT_EQ(row.size(), summary.header.size());
    EXPECT_TRUE(districts.count(row[0])) << row[0];
    EXPECT_TRUE(metrics.count(row[2])) << row[2];
    if (row[2] == "gdp_share") {
      EXPECT_FALSE(row[1].empty());  // a sector metric
    }
    const int year = std::stoi(row[3]);
    EXPECT_GT(year, base_year);
    EXPECT_LE(year, base_year + horizon);
    EXPECT_GE(number(row[5]), 0.0);
    if (!antithetic) {
      EXPECT_NEAR(number(row[6]), number(row[5]) / std::sqrt(static_cast<double>(paths)), 1e-9 * (1 + number(row[5])));
    }
    for (std::size_t c = 8; c < row.size(); ++c) EXPECT_LE(number(row[c - 1]), number(row[c]));
    if (row[2] == "gdp") {
      EXPECT_GT(number(row[7]), 0.0);
    }
  }
  // histograms.csv: probabilities sum to 1 per cell
  const Csv histograms = read_csv(dir / "histograms.csv");
  std::map<std::string, double> cell_sums;
  for (const auto& row : histograms.rows) {
    ASSERT_EQ(row.size(), 7u);
    const double lower = number(row[4]), upper = number(row[5]), p = number(row[6]);
    EXPECT_LE(lower, upper);
    EXPECT_GE(p, 0.0);
    cell_sums[row[0] + "," + row[1] + "," + row[2] + "," + row[3]] += p;
  }
  EXPECT_EQ(cell_sums.size(), summary.rows.size());
  for (const auto& [cell, sum] : cell_sums) EXPECT_NEAR(sum, 1.0, 1e-9) << cell;
  // thresholds.csv
  const Csv thresholds = read_csv(dir / "thresholds.csv");
  EXPECT_FALSE(thresholds.rows.empty());
  for (const auto& row : thresholds.rows) {
    ASSERT_EQ(row.size(), 7u);
    EXPECT_TRUE(districts.count(row[0]));
    const double above = number(row[4]), reached = number(row[5]);
    EXPECT_GE(above, 0.0);
    EXPECT_LE(above, reached);
    EXPECT_LE(reached, 1.0);
    if (!antithetic) {
      EXPECT_NEAR(number(row[6]), std::sqrt(above * (1 - above) / static_cast<double>(paths)), 1e-12);
    }
  }
  // first_crossing.csv: sums to 1 per (district, metric, threshold)
  const Csv crossing = read_csv(dir / "first_crossing.csv");
  std::map<std::string, double> crossing_sums;
  for (const auto& row : crossing.rows) {
    ASSERT_EQ(row.size(), 5u);
    if (row[3] != "never") {
      const int year = std::stoi(row[3]);
      EXPECT_GE(year, base_year);
      EXPECT_LE(year, base_year + horizon);
    }
    crossing_sums[row[0] + "," + row[1] + "," + row[2]] += number(row[4]);
  }
  EXPECT_FALSE(crossing_sums.empty());
  for (const auto& [key, sum] : crossing_sums) EXPECT_NEAR(sum, 1.0, 1e-9) << key;
  // events.csv: ahead <= ahead_by (monotone in the year) for every resolved pair; club sizes sum to 1
  const Csv events = read_csv(dir / "events.csv");
  EXPECT_EQ(events.header, (std::vector<std::string>{"event", "district", "other", "metric", "threshold", "year",
                                                     "districts", "probability", "mc_se"}));
  std::map<std::string, double> ahead;
  std::map<std::string, double> club_sums;
  std::size_t ahead_rows = 0;
  for (const auto& row : events.rows) {
    ASSERT_EQ(row.size(), 9u);
    const double p = number(row[7]);
    EXPECT_GE(p, 0.0);
    EXPECT_LE(p, 1.0);
    if (!antithetic) {
      EXPECT_NEAR(number(row[8]), std::sqrt(p * (1 - p) / static_cast<double>(paths)), 1e-12);
    }
    const std::string key = row[1] + "," + row[2] + "," + row[5];
    if (row[0] == "ahead") {
      ++ahead_rows;
      EXPECT_TRUE(districts.count(row[1]) && districts.count(row[2])) << row[1] << " " << row[2];
      ahead[key] = p;
    } else if (row[0] == "ahead_by") {
      ASSERT_TRUE(ahead.count(key)) << key;
      EXPECT_LE(ahead[key], p) << key;
    } else {
      EXPECT_EQ(row[0], "club_size");
      EXPECT_LE(std::stoul(row[6]), districts.size());
      club_sums[row[3] + "," + row[4] + "," + row[5]] += p;
    }
  }
  EXPECT_EQ(ahead_rows, resolved["overtaking"].size() * static_cast<std::size_t>(horizon));
  EXPECT_FALSE(club_sums.empty());
  for (const auto& [key, sum] : club_sums) EXPECT_NEAR(sum, 1.0, 1e-9) << key;
  // regimes.csv: occupancy sums to 1 per chain and year
  const Csv regimes = read_csv(dir / "regimes.csv");
  EXPECT_EQ(regimes.header, (std::vector<std::string>{"chain", "regime", "year", "probability", "mc_se"}));
  std::map<std::string, double> occupancy;
  for (const auto& row : regimes.rows) {
    ASSERT_EQ(row.size(), 5u);
    occupancy[row[0] + "," + row[2]] += number(row[3]);
  }
  for (const auto& [key, sum] : occupancy) EXPECT_NEAR(sum, 1.0, 1e-9) << key;
  // shocks.csv: scheduled shocks fire with a probability that never falls; jump counts are >= 0
  const Csv shocks = read_csv(dir / "shocks.csv");
  EXPECT_EQ(shocks.header, (std::vector<std::string>{"kind", "shock", "year", "frequency", "mc_se"}));
  std::map<std::string, double> fired;
  for (const auto& row : shocks.rows) {
    ASSERT_EQ(row.size(), 5u);
    EXPECT_TRUE(row[0] == "scheduled" || row[0] == "jumps") << row[0];
    const double f = number(row[3]);
    EXPECT_GE(f, 0.0);
    if (row[0] == "scheduled") {
      EXPECT_LE(f, 1.0);
      EXPECT_GE(f, fired[row[1]]) << row[1];
      fired[row[1]] = f;
    }
  }
  EXPECT_EQ(fired.size(), resolved.value("scheduled_shocks", nlohmann::json::array()).size());
  // parameters.csv: one row per uncertain parameter
  const Csv parameters = read_csv(dir / "parameters.csv");
  ASSERT_GE(parameters.header.size(), 7u);
  EXPECT_EQ(parameters.header[0], "parameter");
  for (const auto& row : parameters.rows) EXPECT_EQ(row.size(), parameters.header.size());
  // summary.json agrees with summary.csv
  const auto json = nlohmann::json::parse(testing::read_file(dir / "summary.json"));
  ASSERT_EQ(json["summary"].size(), summary.rows.size());
  EXPECT_EQ(json["summary"][0]["mean"].get<double>(), number(summary.rows[0][4]));
  EXPECT_EQ(json["regimes"].size(), regimes.rows.size());
  EXPECT_EQ(json["shocks"].size(), shocks.rows.size());
  EXPECT_EQ(json["parameters"].size(), parameters.rows.size());
  // manifest hashes match the files
  for (const auto& [name, digest] : manifest["files_sha256"].items()) {
    EXPECT_EQ(digest.get<std::string>().size(), 64u) << name;
  }
}

class ShippedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedScenario, RunsAndWritesEveryFileAndColumn) {
  const testing::TempDir tmp;
  const fs::path out = tmp.path() / "run";
  const auto r = run_cli({"run", source_path("scenarios/" + GetParam()).string(), "--paths", "3000", "--threads",
                          "2", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(last_line(r.out), out.string());
  check_run_directory(out, 3000);
  // Nothing else (no staging directory) is left next to the result.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(tmp.path())) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"run"});
}

INSTANTIATE_TEST_SUITE_P(Cli, ShippedScenario,
                         ::testing::Values("trillion_club.yaml", "tech_boom.yaml", "headwinds.yaml"),
                         [](const auto& test) { return test.param.substr(0, test.param.find('.')); });

/// Compares the result files of run directory `out` with the first run's (stored in `reference` on first use).
void expect_same_result_files(std::map<std::string, std::string>& reference, const fs::path& out,
                              const std::string& variant) {
  for (const std::string& name : result_file_names()) {
    const std::string text = testing::read_file(out / name);
    const auto [it, first] = reference.emplace(name, text);
    if (!first) {
      EXPECT_EQ(text, it->second) << name << " differs with " << variant;
    }
  }
}

TEST(CliRun, ResultFilesAreByteIdenticalForThreads1238) {
  const testing::TempDir tmp;
  std::map<std::string, std::string> reference;
  for (const char* threads : {"1", "2", "3", "8"}) {
    const fs::path out = tmp.path() / threads;
    const auto r = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "5000",
                            "--threads", threads, "--out", out.string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_same_result_files(reference, out, std::string("--threads ") + threads);
    const auto manifest = nlohmann::json::parse(testing::read_file(out / "manifest.json"));
    EXPECT_EQ(manifest["threads"], std::stoi(threads));
  }
}

TEST(CliRun, EveryModelFeatureAtOnceIsByteIdenticalForAnyThreads) {
  // Regimes (national and own), jumps, scheduled shocks, sectors, firm feedback and uncertain parameters,
  // with and without antithetic pairs.
  const testing::TempDir tmp;
  const fs::path plain = source_path("tests/data/every_feature.yaml");
  const fs::path antithetic = tmp.path() / "every_feature_antithetic.yaml";
  {
    std::ofstream out(antithetic);
    out << testing::read_file(plain) << "\nantithetic: true\n";
  }
  for (const fs::path& scenario : {plain, antithetic}) {
    std::map<std::string, std::string> reference;
    for (const char* threads : {"1", "2", "3"}) {
      const fs::path out = tmp.path() / (scenario.stem().string() + threads);
      const auto r = run_cli({"run", scenario.string(), "--threads", threads, "--out", out.string(), "--quiet"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      expect_same_result_files(reference, out, scenario.stem().string() + ", --threads " + threads);
      if (std::string(threads) == "1") check_run_directory(out, 4000);
    }
    EXPECT_FALSE(testing::read_csv(tmp.path() / (scenario.stem().string() + "1") / "regimes.csv").rows.empty());
    EXPECT_EQ(testing::read_csv(tmp.path() / (scenario.stem().string() + "1") / "parameters.csv").rows.size(), 6u);
  }
}

TEST(CliRun, AntitheticRunsAreByteIdenticalForAnyThreadsAndNeedEvenPaths) {
  const testing::TempDir tmp;
  std::string text = testing::read_file(source_path("scenarios/trillion_club.yaml"));
  text += "\nantithetic: true\n";
  const fs::path scenario = tmp.path() / "anti.yaml";
  {
    std::ofstream out(scenario);
    out << text;
  }
  std::map<std::string, std::string> reference;
  for (const char* threads : {"1", "2", "3"}) {
    const fs::path out = tmp.path() / threads;
    const auto r = run_cli({"run", scenario.string(), "--paths", "4000", "--threads", threads, "--out", out.string(),
                            "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_same_result_files(reference, out, std::string("antithetic, --threads ") + threads);
  }
  const auto odd = run_cli({"run", scenario.string(), "--paths", "4001", "--out", (tmp.path() / "odd").string()});
  EXPECT_EQ(odd.exit_code, 2);
  EXPECT_NE(odd.err.find("--paths must be even"), std::string::npos) << odd.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "odd"));
}

TEST(CliRun, PathsFromTheCommandLineAreHeldToThePathYearsLimit) {
  // 4 x 10^9 paths x 100 years is over the 10^11 path-years limit the validator applies to the file; --paths
  // comes after validation, so `run` checks it again (with the same message) before estimating anything,
  // even with --force.
  const testing::TempDir tmp;
  const fs::path out = tmp.path() / "huge";
  const auto r = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--set", "horizon=100",
                          "--paths", "4000000000", "--force", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("4,000,000,000 paths x 100 years is over the limit of 1e+11 path-years"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliRun, ResultFilesAreByteIdenticalForEverySimdKernel) {
  // DISTRICTCAST_SIMD picks the normal kernel (generic, avx2, avx512 where the CPU has it); results must not
  // depend on it, and the manifest names the kernel used.
  const testing::TempDir tmp;
  std::map<std::string, std::string> reference;
  for (const SimdKernel kernel : supported_kernels()) {
    const std::string name(to_string(kernel));
    const fs::path out = tmp.path() / name;
    ::setenv("DISTRICTCAST_SIMD", name.c_str(), 1);
    const auto r = run_cli({"run", source_path("scenarios/tech_boom.yaml").string(), "--paths", "3000", "--out",
                            out.string(), "--quiet"});
    ::unsetenv("DISTRICTCAST_SIMD");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_same_result_files(reference, out, "the " + name + " kernel");
    EXPECT_EQ(nlohmann::json::parse(testing::read_file(out / "manifest.json"))["simd_kernel"], name);
  }
}

TEST(CliRun, DefaultOutputIsOutputsScenarioTimestamp) {
  const testing::TempDir tmp;
  const auto r = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "200", "--quiet"},
                         tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = last_line(r.out);
  EXPECT_TRUE(std::regex_match(dir.string(), std::regex(".*/outputs/trillion_club/\\d{8}T\\d{6}Z(-\\d+)?")))
      << dir;
  EXPECT_TRUE(fs::exists(dir / "summary.csv"));
  EXPECT_EQ(fs::canonical(dir.parent_path().parent_path()), fs::canonical(tmp.path() / "outputs"));
}

TEST(CliRun, OverridesAreAppliedAndRecorded) {
  const testing::TempDir tmp;
  const auto a = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "300", "--seed",
                          "12345", "--out", (tmp.path() / "a").string(), "--quiet"});
  const auto b = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "300", "--seed",
                          "54321", "--out", (tmp.path() / "b").string(), "--quiet"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto ma = nlohmann::json::parse(testing::read_file(tmp.path() / "a" / "manifest.json"));
  const auto mb = nlohmann::json::parse(testing::read_file(tmp.path() / "b" / "manifest.json"));
  EXPECT_EQ(ma["seed"], 12345u);
  EXPECT_EQ(ma["paths"], 300u);
  EXPECT_EQ(ma["scenario_sha256"], mb["scenario_sha256"]);  // same assumptions
  EXPECT_NE(testing::read_file(tmp.path() / "a" / "summary.csv"), testing::read_file(tmp.path() / "b" / "summary.csv"));
}

TEST(CliRun, RefusesANonEmptyOutUnlessOverwrite) {
  const testing::TempDir tmp;
  const fs::path out = tmp.path() / "r";
  const std::string scenario = source_path("scenarios/trillion_club.yaml").string();
  ASSERT_EQ(run_cli({"run", scenario, "--paths", "100", "--seed", "1", "--out", out.string(), "--quiet"}).exit_code, 0);
  const std::string previous = testing::read_file(out / "summary.csv");
  const auto refused = run_cli({"run", scenario, "--paths", "100", "--seed", "2", "--out", out.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--overwrite"), std::string::npos) << refused.err;
  EXPECT_EQ(testing::read_file(out / "summary.csv"), previous);
  const auto replaced =
      run_cli({"run", scenario, "--paths", "100", "--seed", "2", "--out", out.string(), "--overwrite", "--quiet"});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_NE(testing::read_file(out / "summary.csv"), previous);
  EXPECT_EQ(nlohmann::json::parse(testing::read_file(out / "manifest.json"))["seed"], 2u);
}

TEST(CliRun, OneSummaryLineOnStderrWhenNotATerminalAndNothingWhenQuiet) {
  const testing::TempDir tmp;
  const auto r = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "2000", "--out",
                          (tmp.path() / "a").string()});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.find('\r'), std::string::npos);  // no progress bar when stderr is a file
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("2,000 paths"), std::string::npos) << r.err;
  const auto q = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "2000", "--out",
                          (tmp.path() / "b").string(), "--quiet"});
  ASSERT_EQ(q.exit_code, 0);
  EXPECT_EQ(q.err, "");
  EXPECT_EQ(last_line(q.out), (tmp.path() / "b").string());
}

/// Waits (polling every 20 ms, at most `limit`) until an entry of `dir` starts with `prefix`: a run's hidden
/// staging directory, i.e. the run has started. True when it appeared.
bool staging_appears(const fs::path& dir, const std::string& prefix, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().filename().string().rfind(prefix, 0) == 0) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(CliRun, InterruptLeavesNoResultDirectory) {
  const testing::TempDir tmp;
  const fs::path out = tmp.path() / "r";
  const pid_t child = testing::spawn_cli(
      {"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "100000000", "--out", out.string()});
  // Wait until the staging directory exists (the run has started), then press Ctrl-C.
  ASSERT_TRUE(staging_appears(tmp.path(), ".r.partial", std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(child, SIGINT);
  EXPECT_EQ(testing::wait_exit_code(child), 130);
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "a result or staging directory was left behind";
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(CliRun, ParallelRunsOfOneScenarioInTheSameSecondAllSucceed) {
  const testing::TempDir tmp;
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    children.push_back(testing::spawn_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths",
                                           "300", "--seed", std::to_string(i + 1), "--quiet"},
                                          tmp.path()));
  }
  for (pid_t child : children) EXPECT_EQ(testing::wait_exit_code(child), 0);
  std::size_t runs = 0;
  for (const auto& e : fs::directory_iterator(tmp.path() / "outputs" / "trillion_club")) {
    EXPECT_TRUE(fs::exists(e.path() / "manifest.json")) << e.path();
    ++runs;
  }
  EXPECT_EQ(runs, 4u);
}

TEST(CliRun, OverwriteRefusesADirectoryWithOtherFiles) {
  const testing::TempDir tmp;
  tmp.write("observed.csv", "precious");
  const auto r = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "100", "--out",
                          tmp.path().string(), "--overwrite"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("observed.csv"), std::string::npos) << r.err;
  EXPECT_EQ(testing::read_file(tmp.path() / "observed.csv"), "precious");
}

TEST(CliRun, InterruptedDefaultRunLeavesNoEmptyOutputsTree) {
  const testing::TempDir tmp;
  const pid_t child = testing::spawn_cli(
      {"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "100000000"}, tmp.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!fs::exists(tmp.path() / "outputs" / "trillion_club") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(child, SIGTERM);
  EXPECT_EQ(testing::wait_exit_code(child), 130);
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "outputs/ was left behind";
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

/// Every entry under `dir` (recursively), for messages.
std::string listing(const fs::path& dir) {
  std::string text;
  for (const auto& e : fs::recursive_directory_iterator(dir)) text += e.path().string() + "\n";
  return text;
}

TEST(CliRunDisks, AFullDiskIsAClearErrorAndLeavesNoDirectory) {
  const testing::TempDir tmp;
  const fs::path disk = tmp.path() / "disk";
  const auto mount = testing::ScratchMount::tmpfs(disk, 256 * 1024);  // far less than trillion_club's results
  if (!mount.ok()) GTEST_SKIP() << mount.why_not();
  const auto r = run_cli({"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "2000", "--quiet",
                          "--out", (disk / "r").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(fs::is_empty(disk)) << listing(disk);
}

TEST(CliRunDisks, AReadOnlyOutputDirectoryIsAClearErrorAndLeavesNothing) {
  const testing::TempDir tmp;
  const fs::path locked = tmp.path() / "locked";
  const auto mount = testing::ScratchMount::unwritable(locked);
  if (!mount.ok()) GTEST_SKIP() << mount.why_not();
  for (const std::string& out : std::vector<std::string>{(locked / "r").string(), ""}) {
    std::vector<std::string> args{"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "200", "--quiet"};
    if (!out.empty()) args.insert(args.end(), {"--out", out});
    const auto r = run_cli(args, locked);  // without --out: outputs/ under the read-only working directory
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(r.err.find("Read-only file system") != std::string::npos ||
                r.err.find("Permission denied") != std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(fs::is_empty(locked)) << listing(locked);
  }
}

TEST(CliRunSignals, SigtermWithOutLeavesNoResultDirectory) {
  const testing::TempDir tmp;
  const fs::path out = tmp.path() / "r";
  const pid_t child = testing::spawn_cli(
      {"run", source_path("scenarios/trillion_club.yaml").string(), "--paths", "100000000", "--out", out.string()});
  ASSERT_TRUE(staging_appears(tmp.path(), ".r.partial", std::chrono::seconds(60)));
  ::kill(child, SIGTERM);
  EXPECT_EQ(testing::wait_exit_code(child), 130);
  EXPECT_TRUE(fs::is_empty(tmp.path())) << listing(tmp.path());
}

}  // namespace
}  // namespace districtcast
