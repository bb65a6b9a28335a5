/// \file `districtcast history` end to end on a catalog written through the Catalog API (every id, time,
/// hash and value known): table, csv and json contents, the change column and the inputs-changed marker,
/// --stat mean with mc_se, --all, --limit, --svg, did-you-mean for every part of the figure, the missing
/// catalog and usage errors; and report_history_series (the batch report's series) from the same catalog.

#include "engine/catalog.hpp"
#include "engine/history_chart.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace districtcast::testing {

namespace {

StatRecord gdp_stat(const std::string& district, const std::string& sector, int year, const std::string& name,
                    double value) {
  return StatRecord{district, sector, "gdp", year, name, value};
}

void add_history_run(Catalog& catalog, const std::string& scenario, const std::string& started_at,
                     const std::string& sha, RunStatus status, std::optional<std::int64_t> batch_id, double p50,
                     std::optional<std::pair<double, double>> mean_se, const std::string& error = "") {
  RunRecord r;
  r.batch_id = batch_id;
  r.scenario = scenario;
  r.scenario_sha256 = sha;
  r.engine_version = "1.4.0";
  r.seed = 20261128;
  r.paths = 100000;
  r.threads = 4;
  r.started_at = started_at;
  r.directory = "/srv/districtcast/outputs/" + scenario + "/" + started_at.substr(0, 10);
  r.id = catalog.begin_run(r);
  r.status = status;
  r.finished_at = started_at.substr(0, 11) + "02:01:00Z";
  r.wall_seconds = 1.25;
  r.error = error;
  if (status != RunStatus::succeeded) r.directory = "";
  const auto id = static_cast<double>(r.id);
  std::vector<StatRecord> stats{gdp_stat("nanshan", "", 2029, "p50", p50 - 100), gdp_stat("nanshan", "", 2030, "p50", p50),
                                gdp_stat("nanshan", "software", 2030, "p50", 400 + id),
                                gdp_stat("chaoyang", "", 2030, "p50", 1000 + id)};
  if (mean_se) {
    stats.push_back(gdp_stat("nanshan", "", 2030, "mean", mean_se->first));
    stats.push_back(gdp_stat("nanshan", "", 2030, "mc_se", mean_se->second));
  }
  catalog.finish_run(r, stats);
}

}  // namespace

/// Writes this catalog to `file` (shared with cli_runs_test.cpp):
///
///   batch 1 "nightly" 2026-11-27T02:00:00Z succeeded 2/2, 1 alert, 12.5 s
///   run 1 trillion_club 2026-11-25T02:00:00Z succeeded sha aaa  nanshan gdp 2030 p50 1234.5, mean 1240.5 ± 0.44
///   run 2 trillion_club 2026-11-26T02:00:00Z succeeded sha aaa  p50 1240.0, mean 1245.0 ± 0.46
///   run 3 trillion_club 2026-11-27T02:00:00Z succeeded sha bbb  p50 1251.5, mean 1255.0 ± 0.45  (batch 1)
///   run 4 tech_boom     2026-11-27T02:05:00Z succeeded sha ccc  p50 1300.0                      (batch 1)
///   run 5 trillion_club 2026-11-28T02:00:00Z failed "disk full" sha bbb  p50 1190.0
///
/// Every run also has nanshan gdp 2029 p50 (p50 - 100), chaoyang gdp 2030 p50 (1000 + run id) and the
/// sector nanshan/software gdp 2030 p50 (400 + run id). Paths 100,000, seed 20261128, engine 1.4.0, 1.25 s;
/// a succeeded run's directory is /srv/districtcast/outputs/SCENARIO/YYYY-MM-DD, a failed run's "".
void write_history_catalog(const std::filesystem::path& file) {
  Catalog catalog = Catalog::open(file);
  BatchRecord b;
  b.name = "nightly";
  b.batch_file = "/srv/districtcast/nightly.yaml";
  b.out_root = "/srv/districtcast/outputs/nightly";
  b.directory = "/srv/districtcast/outputs/nightly/20261127T020000Z";
  b.started_at = "2026-11-27T02:00:00Z";
  b.engine_version = "1.4.0";
  b.command_line = "districtcast batch nightly.yaml";
  b.scenarios_total = 2;
  b.id = catalog.begin_batch(b);
  add_history_run(catalog, "trillion_club", "2026-11-25T02:00:00Z", "aaa", RunStatus::succeeded, std::nullopt, 1234.5,
                  std::pair{1240.5, 0.44});
  add_history_run(catalog, "trillion_club", "2026-11-26T02:00:00Z", "aaa", RunStatus::succeeded, std::nullopt, 1240.0,
                  std::pair{1245.0, 0.46});
  add_history_run(catalog, "trillion_club", "2026-11-27T02:00:00Z", "bbb", RunStatus::succeeded, b.id, 1251.5,
                  std::pair{1255.0, 0.45});
  add_history_run(catalog, "tech_boom", "2026-11-27T02:05:00Z", "ccc", RunStatus::succeeded, b.id, 1300.0,
                  std::nullopt);
  add_history_run(catalog, "trillion_club", "2026-11-28T02:00:00Z", "bbb", RunStatus::failed, std::nullopt, 1190.0,
                  std::nullopt, "disk full");
  b.status = RunStatus::succeeded;
  b.finished_at = "2026-11-27T02:00:12Z";
  b.wall_seconds = 12.5;
  b.scenarios_succeeded = 2;
  b.alerts = 1;
  catalog.finish_batch(b);
}

namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// A temporary directory holding the catalog above as catalog.sqlite.
class CliHistory : public ::testing::Test {
protected:
  void SetUp() override { write_history_catalog(catalog()); }
  [[nodiscard]] fs::path catalog() const { return dir_.path() / "catalog.sqlite"; }
  [[nodiscard]] CommandResult history(std::vector<std::string> args) const {
    args.insert(args.begin(), "history");
    args.push_back("--catalog");
    args.push_back(catalog().string());
    return run_cli(args);
  }
  TempDir dir_;
};

const std::vector<std::string> kNanshan2030{"--scenario", "trillion_club", "--district", "nanshan", "--year", "2030"};

std::vector<std::string> nanshan_2030(std::vector<std::string> more = {}) {
  std::vector<std::string> args = kNanshan2030;
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(CliHistory, TableShowsEveryRunOldestFirstWithChangesAndMarker) {
  const CommandResult r = history(nanshan_2030());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "run  started_at                p50  change  mc_se    paths      seed  engine  note\n"
            "  1  2026-11-25T02:00:00Z  1,234.5       -      -  100,000  20261128  1.4.0\n"
            "  2  2026-11-26T02:00:00Z  1,240.0    +5.5      -  100,000  20261128  1.4.0\n"
            "  3  2026-11-27T02:00:00Z  1,251.5   +11.5      -  100,000  20261128  1.4.0   inputs changed\n"
            "trillion_club nanshan gdp 2030 p50: 1,234.5 -> 1,251.5 (+17.0, +1.4%) over 3 runs, 2026-11-25 to "
            "2026-11-27; inputs changed 1 time\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliHistory, CsvIsTidyWithChangeAndInputsChanged) {
  const CommandResult r = history(nanshan_2030({"--format", "csv"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "run_id,batch_id,started_at,value,change,mc_se,paths,seed,engine_version,scenario_sha256,inputs_changed\n"
            "1,,2026-11-25T02:00:00Z,1234.5,,,100000,20261128,1.4.0,aaa,false\n"
            "2,,2026-11-26T02:00:00Z,1240,5.5,,100000,20261128,1.4.0,aaa,false\n"
            "3,1,2026-11-27T02:00:00Z,1251.5,11.5,,100000,20261128,1.4.0,bbb,true\n");
}

TEST_F(CliHistory, JsonHasTheQueryAndEveryPoint) {
  const CommandResult r = history(nanshan_2030({"--format", "json", "--stat", "mean"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["scenario"], "trillion_club");
  EXPECT_EQ(j["district"], "nanshan");
  EXPECT_EQ(j["sector"], "");
  EXPECT_EQ(j["metric"], "gdp");
  EXPECT_EQ(j["year"], 2030);
  EXPECT_EQ(j["stat"], "mean");
  ASSERT_EQ(j["points"].size(), 3U);
  const auto& p = j["points"];
  EXPECT_EQ(p[0]["run_id"], 1);
  EXPECT_TRUE(p[0]["batch_id"].is_null());
  EXPECT_EQ(p[0]["value"], 1240.5);
  EXPECT_TRUE(p[0]["change"].is_null());
  EXPECT_EQ(p[0]["mc_se"], 0.44);
  EXPECT_EQ(p[0]["inputs_changed"], false);
  EXPECT_EQ(p[1]["change"], 4.5);
  EXPECT_EQ(p[1]["mc_se"], 0.46);
  EXPECT_EQ(p[2]["run_id"], 3);
  EXPECT_EQ(p[2]["batch_id"], 1);
  EXPECT_EQ(p[2]["started_at"], "2026-11-27T02:00:00Z");
  EXPECT_EQ(p[2]["value"], 1255.0);
  EXPECT_EQ(p[2]["change"], 10.0);
  EXPECT_EQ(p[2]["paths"], 100000);
  EXPECT_EQ(p[2]["seed"], 20261128);
  EXPECT_EQ(p[2]["engine_version"], "1.4.0");
  EXPECT_EQ(p[2]["scenario_sha256"], "bbb");
  EXPECT_EQ(p[2]["inputs_changed"], true);
}

TEST_F(CliHistory, MeanShowsMcSeInTheTable) {
  const CommandResult r = history(nanshan_2030({"--stat", "mean"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "  1  2026-11-25T02:00:00Z  1,240.5       -   0.44  100,000")) << r.out;
  EXPECT_TRUE(contains(r.out, "  3  2026-11-27T02:00:00Z  1,255.0   +10.0   0.45  100,000")) << r.out;
}

TEST_F(CliHistory, AllIncludesFailedRunsAndLimitKeepsTheNewest) {
  const CommandResult all = history(nanshan_2030({"--all", "--format", "csv"}));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_TRUE(contains(all.out, "\n5,,2026-11-28T02:00:00Z,1190,-61.5,,100000,20261128,1.4.0,bbb,false\n")) << all.out;

  const CommandResult limited = history(nanshan_2030({"--limit", "2", "--format", "csv"}));
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  EXPECT_EQ(limited.out,
            "run_id,batch_id,started_at,value,change,mc_se,paths,seed,engine_version,scenario_sha256,inputs_changed\n"
            "2,,2026-11-26T02:00:00Z,1240,,,100000,20261128,1.4.0,aaa,false\n"
            "3,1,2026-11-27T02:00:00Z,1251.5,11.5,,100000,20261128,1.4.0,bbb,true\n");
}

TEST_F(CliHistory, SectorAndOtherDistrict) {
  const CommandResult sector = history(nanshan_2030({"--sector", "software", "--format", "csv"}));
  ASSERT_EQ(sector.exit_code, 0) << sector.err;
  EXPECT_TRUE(contains(sector.out, "\n1,,2026-11-25T02:00:00Z,401,,")) << sector.out;
  EXPECT_TRUE(contains(sector.out, "\n3,1,2026-11-27T02:00:00Z,403,1,")) << sector.out;

  const CommandResult table = history(nanshan_2030({"--sector", "software"}));
  EXPECT_TRUE(contains(table.out, "trillion_club nanshan/software gdp 2030 p50: 401.0 -> 403.0")) << table.out;

  const CommandResult one = history({"--scenario", "tech_boom", "--district", "nanshan", "--year", "2030"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_TRUE(contains(one.out, "tech_boom nanshan gdp 2030 p50: 1,300.0 in 1 run (2026-11-27)")) << one.out;
}

TEST_F(CliHistory, SvgWritesTheChartAtomically) {
  const fs::path svg = dir_.path() / "nanshan.svg";
  const CommandResult r = history(nanshan_2030({"--svg", svg.string(), "--format", "csv"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "wrote " + svg.string())) << r.err;
  const std::string text = read_file(svg);
  EXPECT_EQ(text.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0U);
  EXPECT_EQ(text.substr(text.size() - 7), "</svg>\n");
  std::size_t points = 0;
  for (auto pos = text.find("<circle class=\"point\""); pos != std::string::npos;
       pos = text.find("<circle class=\"point\"", pos + 1)) {
    ++points;
  }
  EXPECT_EQ(points, 3U);
  EXPECT_TRUE(contains(text, "trillion_club \u00b7 nanshan \u00b7 gdp 2030 \u00b7 p50"));
  EXPECT_TRUE(contains(text, ">assumptions changed</text>"));
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST_F(CliHistory, DidYouMeanForEveryPartOfTheFigure) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases{
      {{"--scenario", "trilion_club", "--district", "nanshan", "--year", "2030"},
       "no runs of scenario 'trilion_club' in " + catalog().string() +
           "; did you mean 'trillion_club'? (scenarios: tech_boom, trillion_club)"},
      {{"--scenario", "trillion_club", "--district", "nanshn", "--year", "2030"},
       "district 'nanshn' is not in run 3 (the newest succeeded run of trillion_club); did you mean 'nanshan'? "
       "(districts: chaoyang, nanshan)"},
      {nanshan_2030({"--sector", "sofware"}), "sector 'sofware' of nanshan is not in run 3 (the newest succeeded run "
                                              "of trillion_club); did you mean 'software'? (sectors: software)"},
      {{"--scenario", "trillion_club", "--district", "nanshan", "--year", "2040"},
       "year 2040 is not in run 3 (the newest succeeded run of trillion_club) (its years: 2029-2030)"},
      {nanshan_2030({"--stat", "p5O"}), "stat 'p5O' of nanshan gdp 2030 is not in run 3 (the newest succeeded run of "
                                        "trillion_club); did you mean 'p50'? (stats: mc_se, mean, p50)"},
      {nanshan_2030({"--metric", "firm_stock"}), "metric 'firm_stock' of nanshan is not in run 3 (the newest succeeded "
                                                 "run of trillion_club) (metrics: gdp)"},
  };
  for (const auto& c : cases) {
    const CommandResult r = history(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.expected;
    EXPECT_TRUE(contains(r.err, c.expected)) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

TEST_F(CliHistory, UsageErrorsNameTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases{
      {{"--district", "nanshan", "--year", "2030"}, "missing --scenario"},
      {{"--scenario", "trillion_club", "--year", "2030"}, "missing --district"},
      {{"--scenario", "trillion_club", "--district", "nanshan"}, "missing --year"},
      {{"--scenario", "trillion_club", "--district", "nanshan", "--year", "20x0"}, "--year expects a year, got '20x0'"},
      {nanshan_2030({"--metric", "gpd"}), "unknown metric 'gpd'; did you mean 'gdp'?"},
      {nanshan_2030({"--format", "xml"}), "--format must be table, csv or json"},
      {nanshan_2030({"--limit", "-1"}), "--limit"},
      {nanshan_2030({"--bogus"}), "bogus"},
      {nanshan_2030({"nanshan"}), "unexpected argument 'nanshan'"},
  };
  for (const auto& c : cases) {
    const CommandResult r = history(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.expected << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.expected)) << r.err;
    EXPECT_TRUE(contains(r.err, "Try 'districtcast history --help'.")) << r.err;
  }
}

TEST(CliHistoryCatalog, MissingCatalogIsNotCreated) {
  TempDir dir;
  const fs::path file = dir.path() / "nope" / "catalog.sqlite";
  const CommandResult r = run_cli({"history", "--scenario", "trillion_club", "--district", "nanshan", "--year", "2030",
                                   "--catalog", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "no run catalog at " + file.string() +
                                  " yet: 'districtcast run' and 'districtcast batch' record runs there (or pass "
                                  "--catalog)"))
      << r.err;
  EXPECT_FALSE(fs::exists(file));
  EXPECT_FALSE(fs::exists(file.parent_path()));

  // Without --catalog: outputs/catalog.sqlite in the working directory (unless $DISTRICTCAST_CATALOG is set).
  if (const char* env = std::getenv("DISTRICTCAST_CATALOG"); env != nullptr && *env != '\0') return;
  const CommandResult defaulted =
      run_cli({"history", "--scenario", "x", "--district", "y", "--year", "2030"}, dir.path());
  EXPECT_EQ(defaulted.exit_code, 2);
  EXPECT_TRUE(contains(defaulted.err, "no run catalog at ")) << defaulted.err;
  EXPECT_FALSE(fs::exists(dir.path() / "outputs"));
}

TEST(CliHistoryCatalog, HelpHasUsageExamplesAndExitCodes) {
  const CommandResult r = run_cli({"history", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"Usage: districtcast history --scenario NAME --district ID --year YEAR", "--metric",
                           "--stat", "--sector", "--limit", "--all", "--format", "--svg", "--catalog", "Examples:",
                           "inputs changed", "Exit codes:"}) {
    EXPECT_TRUE(contains(r.out, text)) << text;
  }
}

TEST_F(CliHistory, ReportHistorySeriesFromTheCatalog) {
  const Catalog cat = Catalog::open(catalog());
  RunData run;
  run.scenario = "trillion_club";
  run.units = "billion CNY";
  run.base_year = 2024;
  run.horizon = 6;  // final year 2030
  run.districts = {{"nanshan", "Nanshan", 1000, {}, {}}, {"chaoyang", "Chaoyang", 900, {}, {}}, {"pudong", "Pudong", 1700, {}, {}}};
  run.tables.quantile_names = {"p5", "p50", "p95"};
  RunData no_median = run;
  no_median.tables.quantile_names = {"p5", "p95"};
  no_median.districts.resize(1);

  const auto series = report_history_series(cat, {run, no_median}, "", 2);
  ASSERT_EQ(series.size(), 4U);
  EXPECT_EQ(series[0].title, "trillion_club \u00b7 nanshan \u00b7 gdp 2030 \u00b7 p50");
  EXPECT_EQ(series[0].units, "billion CNY");
  ASSERT_EQ(series[0].points.size(), 2U) << "the last 2 succeeded runs";
  EXPECT_EQ(series[0].points[0].run_id, 2);
  EXPECT_EQ(series[0].points[1].run_id, 3);
  EXPECT_EQ(series[0].points[1].value, 1251.5);
  EXPECT_FALSE(series[0].points[1].mc_se);
  EXPECT_EQ(series[1].title, "trillion_club \u00b7 chaoyang \u00b7 gdp 2030 \u00b7 p50");
  ASSERT_EQ(series[1].points.size(), 2U);
  EXPECT_EQ(series[1].points[1].value, 1003.0);
  EXPECT_EQ(series[2].title, "trillion_club \u00b7 pudong \u00b7 gdp 2030 \u00b7 p50");
  EXPECT_TRUE(series[2].points.empty());
  EXPECT_EQ(series[3].title, "trillion_club \u00b7 nanshan \u00b7 gdp 2030 \u00b7 mean");
  ASSERT_EQ(series[3].points.size(), 2U);
  EXPECT_EQ(series[3].points[1].value, 1255.0);
  ASSERT_TRUE(series[3].points[1].mc_se);
  EXPECT_EQ(*series[3].points[1].mc_se, 0.45);
}

}  // namespace
}  // namespace districtcast::testing
