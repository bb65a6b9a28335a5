/// \file End-to-end tests of unattended batches (docs/operations.md): the output-root lock (exit 75), runs and
/// batches killed with SIGKILL (no result directory, marked interrupted on the next start), --resume, the
/// comparison with the previous run and alerts (exit 3), retention, batch.log, and the shipped nightly batch.

#include "engine/catalog.hpp"

#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>

namespace districtcast {
namespace {
namespace fs = std::filesystem;
using testing::last_line;
using testing::read_json;
using testing::read_file;
using testing::run_cli;
using testing::TempDir;
using testing::tiny_scenario;

/// Polls `condition` every 10 ms for up to 60 s.
bool wait_for(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

/// Names of the entries of `dir` (hidden ones included), sorted.
std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) names.insert(it->path().filename().string());
  return names;
}

/// The hidden staging directory of a running batch in `parent`, or "".
fs::path staging_directory(const fs::path& parent) {
  for (const auto& name : entries(parent)) {
    if (name.front() == '.' && name.find(".partial-") != std::string::npos) return parent / name;
  }
  return {};
}

/// A batch file in `tmp` with scenarios a, b and c (c slow unless `c_paths` is small), results under
/// tmp/results/nightly/, and `extra` (nightly keys) appended.
fs::path write_batch(const TempDir& tmp, const std::string& c_paths, const std::string& extra = "",
                     const std::string& b_set = "") {
  tmp.write("a.yaml", tiny_scenario("a"));
  tmp.write("b.yaml", tiny_scenario("b", 0.06));
  tmp.write("c.yaml", tiny_scenario("c", 0.07));
  return tmp.write("nightly.yaml", "kind: batch\nname: nightly\nout: results\n" + extra +
                                       "scenarios:\n  - a.yaml\n  - file: b.yaml\n    set: {" + b_set +
                                       "}\n  - file: c.yaml\n    set: {paths: " + c_paths + "}\n");
}

TEST(CliNightly, ASecondConcurrentBatchExits75AndTheFirstCompletes) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp, "4000000");
  const fs::path catalog = tmp.path() / "catalog.sqlite";
  const pid_t first = testing::spawn_cli({"batch", batch.string(), "-q", "-j", "1", "--catalog", catalog.string()}, tmp.path());
  const fs::path lock = tmp.path() / "results" / "nightly" / ".districtcast.lock";
  ASSERT_TRUE(wait_for([&] { return fs::exists(lock) && fs::file_size(lock) > 0; })) << "the first batch never took the lock";
  ::kill(first, SIGSTOP);  // hold it mid-run, whatever the machine's speed
  const auto second = run_cli({"batch", batch.string(), "-q", "--catalog", catalog.string()}, tmp.path());
  ::kill(first, SIGCONT);
  EXPECT_EQ(second.exit_code, 75) << second.err;
  EXPECT_NE(second.err.find("another districtcast batch is writing here"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("pid " + std::to_string(first)), std::string::npos) << second.err;
  EXPECT_EQ(second.out, "");
  EXPECT_EQ(testing::wait_exit_code(first), 0);
  // Exactly one batch directory, complete; the lock file is left empty (released cleanly).
  std::vector<fs::path> published;
  for (const auto& name : entries(tmp.path() / "results" / "nightly")) {
    if (name.front() != '.') published.push_back(tmp.path() / "results" / "nightly" / name);
  }
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(read_json(published[0] / "batch.json")["succeeded"], 3);
  EXPECT_EQ(fs::file_size(lock), 0u);
  const Catalog c = Catalog::open(catalog);
  BatchQuery all;
  all.limit = 0;
  ASSERT_EQ(c.batches(all).size(), 1u) << "the refused batch must not be recorded";
  EXPECT_EQ(c.batches(all)[0].status, RunStatus::succeeded);
}

TEST(CliNightly, AKilledRunLeavesNoResultDirectoryAndIsMarkedInterruptedOnTheNextStart) {
  TempDir tmp;
  const fs::path scenario = tmp.write("a.yaml", tiny_scenario("a"));
  const fs::path catalog = tmp.path() / "catalog.sqlite";
  const fs::path out = tmp.path() / "runs" / "slow";
  const pid_t child = testing::spawn_cli(
      {"run", scenario.string(), "--paths", "200000000", "-j", "1", "--out", out.string(), "--catalog", catalog.string()});
  ASSERT_TRUE(wait_for([&] { return !staging_directory(tmp.path() / "runs").empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(child, SIGKILL);
  EXPECT_EQ(testing::wait_exit_code(child), 128 + SIGKILL);
  EXPECT_FALSE(fs::exists(out)) << "a killed run must not leave a result directory";
  {
    const Catalog c = Catalog::open(catalog);
    const auto runs = c.runs(RunQuery{});
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, RunStatus::running) << "nobody has looked yet";
  }
  // The next start notices: the row becomes interrupted and the dead run's staging directory goes.
  const auto next = run_cli({"run", scenario.string(), "--paths", "500", "--out", (tmp.path() / "ok").string(), "--catalog",
                             catalog.string()});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("was killed; marked interrupted"), std::string::npos) << next.err;
  const Catalog c = Catalog::open(catalog);
  RunQuery all;
  all.limit = 0;
  const auto runs = c.runs(all);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].status, RunStatus::interrupted);
  EXPECT_FALSE(runs[1].finished_at.empty());
  EXPECT_EQ(runs[1].directory, "") << "the result directory it was going to write never appeared";
  EXPECT_EQ(runs[0].status, RunStatus::succeeded);
  EXPECT_FALSE(c.stats(runs[0].id).empty());
  EXPECT_TRUE(staging_directory(tmp.path() / "runs").empty()) << "the dead run's staging directory is removed";
}

TEST(CliNightly, AKilledBatchIsMarkedInterruptedAndResumeSkipsExactlyTheCompletedScenarios) {
  TempDir tmp;
  const fs::path catalog = tmp.path() / "catalog.sqlite";
  const fs::path parent = tmp.path() / "results" / "nightly";
  const fs::path batch = write_batch(tmp, "300000000");
  const pid_t child =
      testing::spawn_cli({"batch", batch.string(), "-q", "-j", "1", "--catalog", catalog.string()}, tmp.path());
  // a and b finish quickly, c runs for minutes: kill it once b's directory is complete.
  ASSERT_TRUE(wait_for([&] {
    const fs::path staging = staging_directory(parent);
    return !staging.empty() && fs::exists(staging / "b" / "manifest.json");
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(child, SIGKILL);
  EXPECT_EQ(testing::wait_exit_code(child), 128 + SIGKILL);
  for (const auto& name : entries(parent)) EXPECT_EQ(name.front(), '.') << "published after SIGKILL: " << name;
  const fs::path kept = staging_directory(parent);
  ASSERT_FALSE(kept.empty());
  EXPECT_TRUE(fs::exists(kept / "a" / "summary.json"));

  // The second attempt: a unchanged; b with a changed input (must run again); c with fewer paths (must run).
  write_batch(tmp, "2000", "", "districts.a.gdp: 101");
  const auto resumed = run_cli({"batch", batch.string(), "--resume", "-j", "2", "--catalog", catalog.string()}, tmp.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("marked_interrupted kind=batch"), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("job_end scenario=a index=1/3 status=resumed"), std::string::npos) << resumed.err;
  EXPECT_EQ(resumed.err.find("job_start scenario=a "), std::string::npos) << "a was run again:\n" << resumed.err;
  EXPECT_NE(resumed.err.find("job_start scenario=b "), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("job_start scenario=c "), std::string::npos) << resumed.err;
  const fs::path dir = last_line(resumed.out);
  const auto index = read_json(dir / "batch.json");
  ASSERT_EQ(index["scenarios"].size(), 3u);
  EXPECT_EQ(index["scenarios"][0].value("resumed", false), true);
  EXPECT_EQ(index["scenarios"][1].value("resumed", false), false);
  EXPECT_EQ(index["scenarios"][2].value("resumed", false), false);
  EXPECT_EQ(read_json(dir / "c" / "manifest.json")["paths"], 2000);
  EXPECT_FALSE(fs::exists(kept)) << "the interrupted attempt's directory is cleared once taken over";
  // The taken-over result equals a fresh run of a.
  const auto fresh = run_cli({"run", (tmp.path() / "a.yaml").string(), "-q", "--out", (tmp.path() / "fresh").string(),
                              "--catalog", catalog.string()});
  ASSERT_EQ(fresh.exit_code, 0);
  EXPECT_EQ(read_file(dir / "a" / "summary.csv"), read_file(tmp.path() / "fresh" / "summary.csv"));

  const Catalog c = Catalog::open(catalog);
  BatchQuery all;
  all.limit = 0;
  const auto batches = c.batches(all);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].status, RunStatus::succeeded);
  EXPECT_EQ(batches[1].status, RunStatus::interrupted);
  EXPECT_EQ(batches[1].scenarios_succeeded, 2) << "a and b finished before the kill";
  EXPECT_GT(batches[1].wall_seconds, 0.0);
  RunQuery of_first;
  of_first.batch_id = batches[1].id;
  of_first.limit = 0;
  std::set<std::string> left;
  for (const auto& r : c.runs(of_first)) left.insert(r.scenario + ":" + std::string(to_string(r.status)));
  // a's row moved to the new batch; b's finished result was superseded by a re-run but its old row stays; c was killed.
  EXPECT_EQ(left, (std::set<std::string>{"b:succeeded", "c:interrupted"}));
}

TEST(CliNightly, TheBatchFilesCatalogIsUsedFromAnyWorkingDirectory) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp, "1000", "catalog: history.sqlite\ncompare_with: previous\n");
  fs::create_directory(tmp.path() / "elsewhere");
  const auto night1 = run_cli({"batch", batch.string(), "-q"}, tmp.path());
  ASSERT_EQ(night1.exit_code, 0) << night1.err;
  const auto night2 = run_cli({"batch", batch.string()}, tmp.path() / "elsewhere");
  ASSERT_EQ(night2.exit_code, 0) << night2.err;
  EXPECT_NE(night2.err.find("compare_previous compared=3"), std::string::npos) << night2.err;
  EXPECT_NE(night2.err.find("catalog=" + (tmp.path() / "history.sqlite").string()), std::string::npos) << night2.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "elsewhere" / "outputs")) << "no second catalog";
  BatchQuery all;
  all.limit = 0;
  EXPECT_EQ(Catalog::open(tmp.path() / "history.sqlite").batches(all).size(), 2u);
}

TEST(CliNightly, ResumeWithNothingInterruptedRunsEverything) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp, "1000");
  const auto r = run_cli({"batch", batch.string(), "--resume", "--catalog", (tmp.path() / "c.sqlite").string()}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resume from_batch=none"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("job_start scenario=a "), std::string::npos) << r.err;
}

TEST(CliNightly, ComparesWithThePreviousRunAndAnAlertExits3) {
  TempDir tmp;
  const fs::path catalog = tmp.path() / "catalog.sqlite";
  const fs::path batch = write_batch(tmp, "2000", "compare_with: previous\nalerts:\n  - \"metric=gdp,district=a,stat=p50,abs_rel_change>0.02\"\n");
  const auto night1 = run_cli({"batch", batch.string(), "--catalog", catalog.string()}, tmp.path());
  ASSERT_EQ(night1.exit_code, 0) << night1.err;
  const fs::path dir1 = last_line(night1.out);
  EXPECT_EQ(read_json(dir1 / "compare_previous.json")["first_runs"].size(), 3u);
  // Unchanged inputs: the same seeds reproduce every number, nothing fires.
  const auto night2 = run_cli({"batch", batch.string(), "--catalog", catalog.string()}, tmp.path());
  ASSERT_EQ(night2.exit_code, 0) << night2.err;
  const auto same = read_json(last_line(night2.out) / fs::path("compare_previous.json"));
  EXPECT_EQ(same["pairs"].size(), 3u);
  EXPECT_EQ(same["alerts"].size(), 0u);
  // A changed assumption moves a's median GDP by far more than 2%: exit 3, the alert named in the log and files.
  const auto night3 = run_cli({"batch", batch.string(), "--set", "districts.a.growth.mean=0.09", "--catalog", catalog.string()},
                              tmp.path());
  ASSERT_EQ(night3.exit_code, 3) << night3.err;
  EXPECT_NE(night3.err.find("alert rule=\"metric=gdp,district=a,stat=p50,abs_rel_change>0.02\""), std::string::npos)
      << night3.err;
  const fs::path dir3 = last_line(night3.out);
  ASSERT_FALSE(dir3.empty());
  const auto comparison = read_json(dir3 / "compare_previous.json");
  ASSERT_EQ(comparison["alerts"].size(), 1u);
  EXPECT_GT(comparison["alerts"][0]["matches"].get<int>(), 0);
  EXPECT_EQ(read_json(dir3 / "batch.json")["alerts"].size(), 1u);
  const auto csv = testing::read_csv(dir3 / "compare_previous.csv");
  EXPECT_FALSE(csv.rows.empty());
  const Catalog c = Catalog::open(catalog);
  EXPECT_EQ(c.batches(BatchQuery{})[0].alerts, 1);
  // The log file in the batch directory holds the same structured lines.
  const std::string log = read_file(dir3 / "batch.log");
  EXPECT_NE(log.find("batch_start batch=nightly"), std::string::npos) << log;
  EXPECT_NE(log.find("alert rule="), std::string::npos) << log;
}

TEST(CliNightly, RetentionKeepsExactlyTheNewestAttempts) {
  TempDir tmp;
  const fs::path catalog = tmp.path() / "catalog.sqlite";
  const fs::path batch = write_batch(tmp, "1000", "retention: {keep_last: 2}\n");
  std::vector<fs::path> dirs;
  for (int night = 0; night < 4; ++night) {
    const auto r = run_cli({"batch", batch.string(), "-q", "--paths", "300", "--catalog", catalog.string()}, tmp.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    dirs.push_back(last_line(r.out));
  }
  // Exactly the two newest remain (a pruned name may be reused by a later night in the same second).
  std::set<fs::path> published;
  for (const auto& name : entries(tmp.path() / "results" / "nightly")) {
    if (name.front() != '.') published.insert(tmp.path() / "results" / "nightly" / name);
  }
  EXPECT_EQ(published, (std::set<fs::path>{dirs[2], dirs[3]}));
  EXPECT_TRUE(fs::exists(dirs[2] / "batch.json"));
  EXPECT_TRUE(fs::exists(dirs[3] / "batch.json"));
  const Catalog c = Catalog::open(catalog);
  BatchQuery all;
  all.limit = 0;
  const auto left = c.batches(all);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(fs::path(left[0].directory), dirs[3]);
  EXPECT_EQ(fs::path(left[1].directory), dirs[2]);
  RunQuery runs;
  runs.limit = 0;
  EXPECT_EQ(c.runs(runs).size(), 6u) << "the pruned batches' runs and statistics go too";
}

TEST(CliNightly, TwoNightsOfTheShippedBatchWithAChangedAssumptionRaiseTheDocumentedAlert) {
  // docs/operations.md, "A worked example": the same commands with fewer paths.
  TempDir tmp;
  const std::string file = testing::source_path("scenarios/batches/nightly.yaml").string();
  const std::string catalog = (tmp.path() / "catalog.sqlite").string();
  const auto night1 = run_cli({"batch", file, "--paths", "4000", "--out", (tmp.path() / "night1").string(), "--catalog", catalog});
  ASSERT_EQ(night1.exit_code, 0) << night1.err;
  const auto night2 = run_cli({"batch", file, "--paths", "4000", "--out", (tmp.path() / "night2").string(), "--catalog", catalog,
                               "--set", "districts.futian.growth.mean=0.0342"});
  ASSERT_EQ(night2.exit_code, 3) << night2.err;
  const auto comparison = read_json(tmp.path() / "night2" / "compare_previous.json");
  ASSERT_EQ(comparison["pairs"].size(), 3u);
  ASSERT_GE(comparison["alerts"].size(), 1u);
  EXPECT_EQ(comparison["alerts"][0]["rule"], "metric=gdp,stat=p50,abs_rel_change>0.02,beyond_noise=true");
  for (const auto& row : comparison["alerts"][0]["rows"]) {
    EXPECT_NE(row.get<std::string>().find("futian"), std::string::npos) << "only futian changed: " << row;
  }
  EXPECT_TRUE(fs::exists(tmp.path() / "night2" / "compare_previous.csv"));
}

}  // namespace
}  // namespace districtcast
