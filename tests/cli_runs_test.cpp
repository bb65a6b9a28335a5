/// \file `districtcast runs` end to end on a catalog written through the Catalog API (the one of
/// cli_history_test.cpp): table, csv and json contents newest first, the filters, --batches, --limit, the
/// empty result, the missing catalog (exit 2, nothing created), a catalog that is not one (exit 1) and
/// usage errors; and `run --catalog` recording runs that `runs` then lists.

#include "engine/catalog.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace districtcast::testing {

/// The catalog of cli_history_test.cpp (see there): batch 1 "nightly"; runs 1-3 and 5 of trillion_club
/// (5 failed), run 4 of tech_boom; runs 3 and 4 in batch 1.
void write_history_catalog(const std::filesystem::path& file);

namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

class CliRuns : public ::testing::Test {
protected:
  void SetUp() override { write_history_catalog(catalog()); }
  [[nodiscard]] fs::path catalog() const { return dir_.path() / "catalog.sqlite"; }
  [[nodiscard]] CommandResult runs(std::vector<std::string> args) const {
    args.insert(args.begin(), "runs");
    args.push_back("--catalog");
    args.push_back(catalog().string());
    return run_cli(args);
  }
  TempDir dir_;
};

TEST_F(CliRuns, TableListsRunsNewestFirst) {
  const CommandResult r = runs({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "id  started_at            scenario       status       paths      seed  wall_s  batch  directory\n"
            " 5  2026-11-28T02:00:00Z  trillion_club  failed     100,000  20261128     1.2      -\n"
            " 4  2026-11-27T02:05:00Z  tech_boom      succeeded  100,000  20261128     1.2      1  "
            "/srv/districtcast/outputs/tech_boom/2026-11-27\n"
            " 3  2026-11-27T02:00:00Z  trillion_club  succeeded  100,000  20261128     1.2      1  "
            "/srv/districtcast/outputs/trillion_club/2026-11-27\n"
            " 2  2026-11-26T02:00:00Z  trillion_club  succeeded  100,000  20261128     1.2      -  "
            "/srv/districtcast/outputs/trillion_club/2026-11-26\n"
            " 1  2026-11-25T02:00:00Z  trillion_club  succeeded  100,000  20261128     1.2      -  "
            "/srv/districtcast/outputs/trillion_club/2026-11-25\n");
}

TEST_F(CliRuns, CsvIsTidy) {
  const CommandResult r = runs({"--format", "csv", "--limit", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "id,started_at,finished_at,scenario,status,paths,seed,threads,wall_seconds,batch_id,engine_version,"
            "scenario_sha256,directory,error\n"
            "5,2026-11-28T02:00:00Z,2026-11-28T02:01:00Z,trillion_club,failed,100000,20261128,4,1.25,,1.4.0,bbb,,"
            "disk full\n"
            "4,2026-11-27T02:05:00Z,2026-11-27T02:01:00Z,tech_boom,succeeded,100000,20261128,4,1.25,1,1.4.0,ccc,"
            "/srv/districtcast/outputs/tech_boom/2026-11-27,\n");
}

TEST_F(CliRuns, JsonIsAnArrayOfObjects) {
  const CommandResult r = runs({"--format", "json", "--scenario", "trillion_club"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 4U);
  std::vector<int> ids;
  for (const auto& run : j) ids.push_back(run["id"].get<int>());
  EXPECT_EQ(ids, (std::vector<int>{5, 3, 2, 1}));
  EXPECT_EQ(j[0]["status"], "failed");
  EXPECT_EQ(j[0]["error"], "disk full");
  EXPECT_TRUE(j[0]["batch_id"].is_null());
  EXPECT_EQ(j[1]["batch_id"], 1);
  EXPECT_EQ(j[1]["scenario"], "trillion_club");
  EXPECT_EQ(j[1]["started_at"], "2026-11-27T02:00:00Z");
  EXPECT_EQ(j[1]["paths"], 100000);
  EXPECT_EQ(j[1]["seed"], 20261128);
  EXPECT_EQ(j[1]["threads"], 4);
  EXPECT_EQ(j[1]["wall_seconds"], 1.25);
  EXPECT_EQ(j[1]["scenario_sha256"], "bbb");
  EXPECT_EQ(j[1]["engine_version"], "1.4.0");
  EXPECT_EQ(j[1]["directory"], "/srv/districtcast/outputs/trillion_club/2026-11-27");
}

TEST_F(CliRuns, Filters) {
  auto ids = [&](std::vector<std::string> args) {
    args.push_back("--format");
    args.push_back("csv");
    const CommandResult r = runs(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    std::size_t line = r.out.find('\n');
    while (line != std::string::npos && line + 1 < r.out.size()) {
      out.push_back(r.out.substr(line + 1, r.out.find(',', line + 1) - line - 1));
      line = r.out.find('\n', line + 1);
    }
    return out;
  };
  EXPECT_EQ(ids({"--status", "failed"}), (std::vector<std::string>{"5"}));
  EXPECT_EQ(ids({"--status", "succeeded", "--scenario", "trillion_club"}), (std::vector<std::string>{"3", "2", "1"}));
  EXPECT_EQ(ids({"--batch", "nightly"}), (std::vector<std::string>{"4", "3"}));
  EXPECT_EQ(ids({"--limit", "1"}), (std::vector<std::string>{"5"}));
  EXPECT_EQ(ids({"--limit", "0"}).size(), 5U);
}

TEST_F(CliRuns, Batches) {
  const CommandResult table = runs({"--batches"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out,
            "id  started_at            name     status     scenarios  alerts  wall_s  directory\n"
            " 1  2026-11-27T02:00:00Z  nightly  succeeded        2/2       1    12.5  "
            "/srv/districtcast/outputs/nightly/20261127T020000Z\n");
  const CommandResult csv = runs({"--batches", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out,
            "id,started_at,finished_at,name,status,scenarios_succeeded,scenarios_total,alerts,wall_seconds,"
            "engine_version,directory,batch_file\n"
            "1,2026-11-27T02:00:00Z,2026-11-27T02:00:12Z,nightly,succeeded,2,2,1,12.5,1.4.0,"
            "/srv/districtcast/outputs/nightly/20261127T020000Z,/srv/districtcast/nightly.yaml\n");
  const CommandResult json = runs({"--batches", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j.size(), 1U);
  EXPECT_EQ(j[0]["name"], "nightly");
  EXPECT_EQ(j[0]["scenarios_succeeded"], 2);
  EXPECT_EQ(j[0]["scenarios_total"], 2);
  EXPECT_EQ(j[0]["alerts"], 1);
  EXPECT_EQ(j[0]["wall_seconds"], 12.5);

  const CommandResult none = runs({"--batches", "--status", "failed"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_TRUE(contains(none.out, "no batches with status failed in ")) << none.out;
}

TEST_F(CliRuns, EmptyResultIsAFriendlyLine) {
  const CommandResult r = runs({"--status", "interrupted"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "no runs with status interrupted in " + catalog().string() + "\n");

  const CommandResult typo = runs({"--scenario", "trilion_club"});
  EXPECT_EQ(typo.exit_code, 0) << typo.err;
  EXPECT_TRUE(contains(typo.out, "no runs with scenario 'trilion_club' in " + catalog().string() +
                                     "; did you mean 'trillion_club'?"))
      << typo.out;

  const CommandResult csv = runs({"--status", "interrupted", "--format", "csv"});
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.substr(0, 3), "id,") << "csv: still the header";
  EXPECT_TRUE(contains(csv.err, "no runs with status interrupted"));
  const CommandResult json = runs({"--status", "interrupted", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(json.out), nlohmann::json::array());
}

TEST_F(CliRuns, ARunningRowOfADeadProcessIsShownInterrupted) {
  {
    Catalog cat = Catalog::open(catalog());
    RunRecord r;
    r.scenario = "ghost";
    r.started_at = "2026-11-29T02:00:00Z";
    r.process.pid = 0;  // no such process
    r.id = cat.begin_run(r);
  }
  const CommandResult csv = runs({"--scenario", "ghost", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(contains(csv.out, ",ghost,interrupted,")) << csv.out;
  // The status filter goes by what is shown.
  EXPECT_TRUE(contains(runs({"--status", "interrupted", "--format", "csv"}).out, ",ghost,interrupted,"));
  EXPECT_FALSE(contains(runs({"--status", "running", "--format", "csv"}).out, ",ghost,"));
  RunQuery ghost;
  ghost.scenario = "ghost";
  EXPECT_EQ(Catalog::open(catalog()).runs(ghost).at(0).status, RunStatus::running) << "runs only reads the catalog";
}

TEST_F(CliRuns, LongNamesAreShortenedInTheTable) {
  {
    Catalog cat = Catalog::open(catalog());
    RunRecord r;
    r.scenario = "trillion_club[nanshan.growth.mean=0.06,chaoyang.growth.mean=0.05]";
    r.started_at = "2026-11-29T02:00:00Z";
    r.directory = "/srv/districtcast/outputs/very/long/directory/name/that/goes/on/and/on/trillion_club/20261129T020000Z";
    r.process = ProcessIdentity::current();  // alive: `runs` leaves it running
    r.id = cat.begin_run(r);
  }
  const CommandResult table = runs({"--limit", "1"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "  trillion_club[nanshan.growth.mean=0\u2026  running")) << table.out;
  EXPECT_TRUE(contains(table.out, "  \u2026")) << table.out;
  EXPECT_TRUE(contains(table.out, "/trillion_club/20261129T020000Z\n")) << table.out;
  EXPECT_FALSE(contains(table.out, "/srv/districtcast/outputs/very")) << table.out;
  const CommandResult csv = runs({"--limit", "1", "--format", "csv"});
  EXPECT_TRUE(contains(csv.out, ",\"trillion_club[nanshan.growth.mean=0.06,chaoyang.growth.mean=0.05]\",running,"))
      << csv.out;
}

TEST(CliRunsCatalog, MissingCatalogIsNotCreated) {
  TempDir dir;
  const fs::path file = dir.path() / "sub" / "catalog.sqlite";
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, std::vector<std::string>{"--batches"}}) {
    std::vector<std::string> args{"runs", "--catalog", file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "districtcast runs: no run catalog at " + file.string() +
                         " yet: 'districtcast run' and 'districtcast batch' record runs there (or pass --catalog)\n");
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(file.parent_path()));
  }
}

TEST(CliRunsCatalog, NotACatalogIsARuntimeFailure) {
  TempDir dir;
  const fs::path file = dir.write("catalog.sqlite", "this is not a database, just text long enough to have a header\n");
  const CommandResult r = run_cli({"runs", "--catalog", file.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(r.err, "districtcast runs: ")) << r.err;
  EXPECT_TRUE(contains(r.err, file.string())) << r.err;
}

TEST(CliRunsCatalog, UsageErrors) {
  TempDir dir;
  const fs::path file = dir.path() / "catalog.sqlite";
  write_history_catalog(file);
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases{
      {{"--status", "sucess"}, "--status must be running, succeeded, failed or interrupted (got 'sucess')"},
      {{"--status", "faild"}, "did you mean 'failed'?"},
      {{"--format", "yaml"}, "--format must be table, csv or json (got 'yaml')"},
      {{"--limit", "ten"}, "--limit expects a whole number, got 'ten'"},
      {{"--batches", "--scenario", "x"}, "--scenario selects runs"},
      {{"extra"}, "unexpected argument 'extra'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"runs", "--catalog", file.string()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CommandResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << c.expected << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.expected)) << r.err;
    EXPECT_TRUE(contains(r.err, "Try 'districtcast runs --help'.")) << r.err;
  }
}

TEST(CliRunsCatalog, HelpHasUsageExamplesAndExitCodes) {
  const CommandResult r = run_cli({"runs", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"Usage: districtcast runs [options]", "--catalog", "--scenario", "--batch ", "--status",
                           "--batches", "--limit", "--format", "Examples:", "Exit codes:"}) {
    EXPECT_TRUE(contains(r.out, text)) << text;
  }
}

/// `run --catalog` records each run (once the run command records runs; skipped before that).
TEST(CliRunsCatalog, RunsRecordedByRunAreListed) {
  TempDir dir;
  const fs::path scenario = dir.write("tiny.yaml", std::string("name: tiny\npaths: 200\n") + std::string(kMinimalScenario));
  const fs::path cat = dir.path() / "catalog.sqlite";
  for (int i = 0; i < 2; ++i) {
    const CommandResult run = run_cli({"run", scenario.string(), "--out", (dir.path() / ("out" + std::to_string(i))).string(), "--catalog",
                                       cat.string(), "--quiet", "--threads", "1"});
    if (run.exit_code == 2 && contains(run.err, "catalog")) GTEST_SKIP() << "run does not take --catalog yet: " << run.err;
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  if (!fs::exists(cat)) GTEST_SKIP() << "run does not record runs in the catalog yet";
  const CommandResult r = run_cli({"runs", "--catalog", cat.string(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2U);
  EXPECT_EQ(j[0]["scenario"], "tiny");
  EXPECT_EQ(j[0]["status"], "succeeded");
  EXPECT_EQ(j[0]["paths"], 200);
  EXPECT_GT(j[0]["id"].get<int>(), j[1]["id"].get<int>());
  EXPECT_TRUE(fs::is_directory(j[0]["directory"].get<std::string>()));

  const CommandResult h = run_cli({"history", "--catalog", cat.string(), "--scenario", "tiny", "--district", "pudong",
                                   "--year", "2029", "--format", "csv"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_EQ(std::count(h.out.begin(), h.out.end(), '\n'), 3) << h.out;
}

}  // namespace
}  // namespace districtcast::testing
