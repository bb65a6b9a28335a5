/// \file Reading run and batch directories back: every field of a hand-made run, a real run written by the
/// binary, and one clear sentence naming the file for every kind of malformed input.

#include "engine/run_reader.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using testing::source_path;
using testing::TempDir;

fs::path fixture(const std::string& name) { return source_path("tests/data/compare/" + name); }

/// Copies fixture run `name` into `tmp`/`name`, lets `edit` change its summary.json, and returns the copy.
fs::path edited_run(const TempDir& tmp, const std::string& name, const std::function<void(Json&)>& edit,
                    const std::string& file = "summary.json") {
  const fs::path dir = tmp.path() / name;
  fs::create_directories(dir);
  fs::copy(fixture(name), dir, fs::copy_options::overwrite_existing | fs::copy_options::recursive);
  Json doc = Json::parse(testing::read_file(dir / file));
  edit(doc);
  std::ofstream(dir / file, std::ios::binary) << doc.dump(1);
  return dir;
}

/// The problem read_run reports for `dir` (fails the test if it reads).
std::string read_problem(const fs::path& dir) {
  std::string problem;
  EXPECT_FALSE(read_run(dir, problem).has_value());
  return problem;
}

TEST(RunReader, ReadsEveryFieldOfAHandMadeRun) {
  std::string problem;
  const auto run = read_run(fixture("run_a"), problem);
  ASSERT_TRUE(run) << problem;
  EXPECT_EQ(run->directory, fixture("run_a"));
  EXPECT_EQ(run->scenario, "handmade");
  EXPECT_EQ(run->units, "billion CNY");
  EXPECT_EQ(run->base_year, 2024);
  EXPECT_EQ(run->horizon, 2);
  EXPECT_EQ(run->seed, 1u);
  EXPECT_EQ(run->tables.paths, 10000u);
  EXPECT_EQ(run->tables.quantile_names, (std::vector<std::string>{"p5", "p50", "p95"}));
  ASSERT_EQ(run->districts.size(), 2u);
  const RunDistrictInfo& nanshan = run->districts[0];
  EXPECT_EQ(nanshan.id, "nanshan");
  EXPECT_EQ(nanshan.name, "Nanshan");
  EXPECT_EQ(nanshan.base_gdp, 950.0);
  ASSERT_EQ(nanshan.sectors.size(), 1u);
  EXPECT_EQ(nanshan.sectors[0].id, "it");
  EXPECT_EQ(nanshan.sectors[0].name, "Information technology");
  EXPECT_EQ(nanshan.sectors[0].share, 0.5);
  EXPECT_EQ(nanshan.history, (std::map<int, double>{{2022, 880.5}, {2023, 910.0}, {2024, 950.0}}));
  EXPECT_TRUE(run->districts[1].sectors.empty());
  EXPECT_TRUE(run->districts[1].history.empty());

  ASSERT_EQ(run->tables.summary.size(), 7u);
  const SummaryRow& first = run->tables.summary[0];
  EXPECT_EQ(first.district, "nanshan");
  EXPECT_EQ(first.sector, "");
  EXPECT_EQ(first.metric, Metric::gdp);
  EXPECT_EQ(first.year, 2025);
  EXPECT_EQ(first.mean, 1000.0);
  EXPECT_EQ(first.sd, 100.0);
  EXPECT_EQ(first.mc_se, 1.0);
  EXPECT_EQ(first.quantiles, (std::vector<double>{850, 1000, 1150}));
  EXPECT_EQ(run->tables.summary[2].metric, Metric::firm_stock);
  EXPECT_EQ(run->tables.summary[3].sector, "it");

  ASSERT_EQ(run->tables.histograms.size(), 6u + 6u + 7u + 3u + 3u + 4u + 4u);
  EXPECT_EQ(run->tables.histograms[0].lower, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(run->tables.histograms[0].upper, 800.0);
  EXPECT_EQ(run->tables.histograms[0].probability, 0.01);
  EXPECT_EQ(run->tables.histograms[5].upper, std::numeric_limits<double>::infinity());

  ASSERT_EQ(run->tables.thresholds.size(), 3u);
  const ThresholdRow& t = run->tables.thresholds[0];
  EXPECT_EQ(t.district, "nanshan");
  EXPECT_EQ(t.metric, Metric::gdp);
  EXPECT_EQ(t.threshold, 1000.0);
  EXPECT_EQ(t.year, 2025);
  EXPECT_EQ(t.p_above, 0.5);
  EXPECT_EQ(t.p_reached_by, 0.6);
  EXPECT_EQ(t.mc_se, 0.005);
  EXPECT_TRUE(run->tables.first_crossing.empty());
  EXPECT_TRUE(run->tables.events.empty());

  EXPECT_EQ(run->engine_version(), "0.1.0");
  EXPECT_EQ(run->scenario_sha256(), std::string(64, 'a'));
  EXPECT_EQ(run->manifest["paths"], 10000);
}

TEST(RunReader, ReadsARunWrittenByTheEngine) {
  const TempDir tmp;
  const fs::path dir = tmp.path() / "run";
  const auto result = testing::run_cli({"run", source_path("tests/data/every_feature.yaml").string(), "--paths", "400",
                                        "--out", dir.string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::string problem;
  const auto run = read_run(dir, problem);
  ASSERT_TRUE(run) << problem;
  EXPECT_EQ(run->scenario, "every_feature");
  EXPECT_EQ(run->seed, 99u);
  EXPECT_EQ(run->tables.paths, 400u);
  EXPECT_EQ(run->base_year, 2024);
  EXPECT_EQ(run->horizon, 8);
  ASSERT_EQ(run->districts.size(), 3u);
  EXPECT_EQ(run->districts[0].sectors.size(), 2u);
  // Every table has as many rows as its CSV file.
  const auto rows = [&](const char* file) { return testing::read_csv(dir / file).rows.size(); };
  EXPECT_EQ(run->tables.summary.size(), rows("summary.csv"));
  EXPECT_EQ(run->tables.histograms.size(), rows("histograms.csv"));
  EXPECT_EQ(run->tables.thresholds.size(), rows("thresholds.csv"));
  EXPECT_EQ(run->tables.first_crossing.size(), rows("first_crossing.csv"));
  EXPECT_EQ(run->tables.events.size(), rows("events.csv"));
  EXPECT_EQ(run->tables.regimes.size(), rows("regimes.csv"));
  EXPECT_EQ(run->tables.shocks.size(), rows("shocks.csv"));
  EXPECT_EQ(run->tables.parameters.size(), rows("parameters.csv"));
  EXPECT_FALSE(run->tables.parameters.empty());
  EXPECT_EQ(run->tables.parameters[0].quantiles.size(), run->tables.quantile_names.size());
  // "never" reads as nullopt; the first_year column of the CSV agrees row by row.
  const auto crossings = testing::read_csv(dir / "first_crossing.csv");
  for (std::size_t i = 0; i < crossings.rows.size(); ++i) {
    const std::string& year = crossings.rows[i][crossings.column("first_year")];
    if (year == "never") {
      EXPECT_FALSE(run->tables.first_crossing[i].first_year.has_value());
    } else {
      EXPECT_EQ(run->tables.first_crossing[i].first_year, std::stoi(year));
    }
  }
  bool club = false;
  for (const auto& e : run->tables.events) club = club || (e.event == "club_size" && e.threshold && e.districts);
  EXPECT_TRUE(club);
  EXPECT_FALSE(run->engine_version().empty());
  EXPECT_EQ(run->scenario_sha256().size(), 64u);
}

TEST(RunReader, ClassifiesDirectories) {
  const TempDir tmp;
  EXPECT_EQ(classify_result_directory(fixture("run_a")), ResultDirectoryKind::run);
  EXPECT_EQ(classify_result_directory(fixture("batch_a")), ResultDirectoryKind::batch);
  EXPECT_EQ(classify_result_directory(tmp.path()), ResultDirectoryKind::neither);
  EXPECT_EQ(classify_result_directory(tmp.path() / "absent"), ResultDirectoryKind::neither);
  tmp.write("summary.json", "{}");  // a run needs both files
  EXPECT_EQ(classify_result_directory(tmp.path()), ResultDirectoryKind::neither);
}

TEST(RunReader, MissingDirectoriesAndFilesAreNamed) {
  const TempDir tmp;
  EXPECT_EQ(read_problem(tmp.path() / "absent"), (tmp.path() / "absent").string() + ": no such directory");
  const fs::path file = tmp.write("file", "x");
  EXPECT_EQ(read_problem(file), file.string() + ": not a directory");
  EXPECT_EQ(read_problem(tmp.path()), tmp.path().string() + ": not a run directory (no summary.json)");
  tmp.write("summary.json", "{}");
  EXPECT_EQ(read_problem(tmp.path()), tmp.path().string() + ": not a run directory (no manifest.json)");
}

TEST(RunReader, InvalidJsonNamesTheFileAndPosition) {
  const TempDir tmp;
  fs::copy(fixture("run_a"), tmp.path());
  tmp.write("summary.json", "{\"scenario\": \"x\",\n \"paths\": }");
  const std::string problem = read_problem(tmp.path());
  EXPECT_EQ(problem.rfind((tmp.path() / "summary.json").string() + ": not valid JSON (parse error at line 2", 0), 0u)
      << problem;
  tmp.write("summary.json", "[1, 2]");
  EXPECT_EQ(read_problem(tmp.path()),
            (tmp.path() / "summary.json").string() + ": expected a JSON object at the top level, got an array");
  fs::copy_file(fixture("run_a/summary.json"), tmp.path() / "summary.json", fs::copy_options::overwrite_existing);
  tmp.write("manifest.json", "{\"engine_version\": ");
  EXPECT_EQ(read_problem(tmp.path()).rfind((tmp.path() / "manifest.json").string() + ": not valid JSON (", 0), 0u);
}

TEST(RunReader, MalformedFieldsNameTheRowAndField) {
  const TempDir tmp;
  const std::string file = (tmp.path() / "run_a" / "summary.json").string();
  const auto problem_after = [&](const std::function<void(Json&)>& edit) {
    return read_problem(edited_run(tmp, "run_a", edit));
  };
  EXPECT_EQ(problem_after([](Json& d) { d["summary"][3].erase("mean"); }), file + ": summary[3]: missing 'mean'");
  EXPECT_EQ(problem_after([](Json& d) { d["summary"][0]["year"] = 2025.5; }),
            file + ": summary[0].year: expected a whole number, got 2025.5");
  EXPECT_EQ(problem_after([](Json& d) { d["summary"][1]["mean"] = "high"; }),
            file + ": summary[1].mean: expected a number, got a string");
  EXPECT_EQ(problem_after([](Json& d) { d["summary"][2]["metric"] = "gpd"; }),
            file + ": summary[2].metric: unknown metric 'gpd'");
  EXPECT_EQ(problem_after([](Json& d) { d["summary"][4].erase("p95"); }), file + ": summary[4]: missing 'p95'");
  EXPECT_EQ(problem_after([](Json& d) { d["summary"][0] = 5; }), file + ": summary[0]: expected an object, got a number");
  EXPECT_EQ(problem_after([](Json& d) { d["summary"] = Json::object(); }),
            file + ": summary: expected an array, got an object");
  EXPECT_EQ(problem_after([](Json& d) { d.erase("paths"); }), file + ": missing 'paths'");
  EXPECT_EQ(problem_after([](Json& d) { d["paths"] = -3; }), file + ": paths: must be in [0, 9223372036854775807], got -3");
  EXPECT_EQ(problem_after([](Json& d) { d["quantiles"][1] = 0.5; }), file + ": quantiles[1]: expected a string");
  EXPECT_EQ(problem_after([](Json& d) { d["histograms"][2]["bin_upper"] = "inf"; }),
            file + ": histograms[2].bin_upper: expected a number, got a string");
  EXPECT_EQ(problem_after([](Json& d) { d["thresholds"][1].erase("p_reached_by"); }),
            file + ": thresholds[1]: missing 'p_reached_by'");
  EXPECT_EQ(problem_after([](Json& d) { d["districts"][0]["history"] = Json{{"last year", 3}}; }),
            file + ": districts[0].history: 'last year' is not a year");
  EXPECT_EQ(problem_after([](Json& d) { d["districts"][0]["sectors"][0].erase("id"); }),
            file + ": districts[0].sectors[0]: missing 'id'");
  EXPECT_EQ(problem_after([](Json& d) {
              d["first_crossing"] = Json::array({Json{{"district", "nanshan"}, {"metric", "gdp"}, {"threshold", 1000},
                                                      {"first_year", "later"}, {"probability", 0.5}}});
            }),
            file + ": first_crossing[0].first_year: expected a year or \"never\"");
}

TEST(RunReader, FirstYearNeverAndAbsentOptionalArrays) {
  const TempDir tmp;
  const fs::path dir = edited_run(tmp, "run_a", [](Json& d) {
    d["first_crossing"] = Json::array({Json{{"district", "nanshan"}, {"metric", "gdp"}, {"threshold", 1000},
                                            {"label", "1 trillion"}, {"first_year", "never"}, {"probability", 0.25}},
                                       Json{{"district", "nanshan"}, {"metric", "gdp"}, {"threshold", 1000},
                                            {"label", "1 trillion"}, {"first_year", 2025}, {"probability", 0.75}}});
    for (const char* key : {"events", "regimes", "shocks", "parameters", "units", "districts"}) d.erase(key);
  });
  std::string problem;
  const auto run = read_run(dir, problem);
  ASSERT_TRUE(run) << problem;
  ASSERT_EQ(run->tables.first_crossing.size(), 2u);
  EXPECT_FALSE(run->tables.first_crossing[0].first_year.has_value());
  EXPECT_EQ(run->tables.first_crossing[0].label, "1 trillion");
  EXPECT_EQ(run->tables.first_crossing[1].first_year, 2025);
  EXPECT_TRUE(run->districts.empty());
  EXPECT_EQ(run->units, "");
}

TEST(RunReader, NeverThrowsOnTruncatedFiles) {
  const TempDir tmp;
  fs::copy(fixture("run_a"), tmp.path());
  const std::string text = testing::read_file(fixture("run_a/summary.json"));
  for (std::size_t length = 0; length < text.size(); length += 97) {
    tmp.write("summary.json", text.substr(0, length));
    std::string problem;
    EXPECT_NO_THROW({ EXPECT_FALSE(read_run(tmp.path(), problem).has_value()); });
    EXPECT_EQ(problem.rfind((tmp.path() / "summary.json").string() + ": ", 0), 0u) << problem;
  }
}

TEST(RunReader, ManifestAccessorsAreEmptyWhenAbsent) {
  RunData run;
  EXPECT_EQ(run.engine_version(), "");
  run.manifest = Json{{"engine_version", 3}, {"scenario_sha256", "abc"}};
  EXPECT_EQ(run.engine_version(), "");
  EXPECT_EQ(run.scenario_sha256(), "abc");
}

TEST(BatchIndex, ReadsEntriesInOrderWithAbsoluteDirectories) {
  std::string problem;
  const auto entries = read_batch_index(fixture("batch_a"), problem);
  ASSERT_TRUE(entries) << problem;
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].scenario, "base");
  EXPECT_EQ((*entries)[0].status, "succeeded");
  EXPECT_TRUE((*entries)[0].directory.is_absolute());
  EXPECT_TRUE(fs::equivalent((*entries)[0].directory, fixture("run_a")));
  EXPECT_EQ((*entries)[0].error, "");
  EXPECT_EQ((*entries)[3].scenario, "broken");
  EXPECT_EQ((*entries)[3].status, "failed");
  EXPECT_TRUE((*entries)[3].directory.empty());
  EXPECT_EQ((*entries)[3].error, "disk full");
}

TEST(BatchIndex, MalformedIndexesAreNamed) {
  const TempDir tmp;
  const std::string file = (tmp.path() / "batch.json").string();
  const auto problem_of = [&](const std::string& text) {
    tmp.write("batch.json", text);
    std::string problem;
    EXPECT_FALSE(read_batch_index(tmp.path(), problem).has_value());
    return problem;
  };
  EXPECT_EQ(problem_of("{\"kind\": \"districtcast-run\", \"scenarios\": []}"),
            file + ": kind: expected \"districtcast-batch\", got \"districtcast-run\"");
  EXPECT_EQ(problem_of("{\"kind\": \"districtcast-batch\"}"), file + ": missing 'scenarios'");
  EXPECT_EQ(problem_of("{\"scenarios\": [{\"scenario\": \"a\", \"status\": \"done\"}]}"),
            file + ": scenarios[0].status: expected \"succeeded\", \"failed\" or \"invalid\", got \"done\"");
  EXPECT_EQ(problem_of("{\"scenarios\": [{\"scenario\": \"a\", \"status\": \"succeeded\", \"directory\": null}]}"),
            file + ": scenarios[0].directory: missing for a succeeded scenario");
  EXPECT_EQ(problem_of("{\"scenarios\": [{\"status\": \"failed\"}]}"), file + ": scenarios[0]: missing 'scenario'");
  EXPECT_EQ(problem_of("{\"scenarios\": "), file.substr(0, file.size()) + ": not valid JSON (parse error at line 1, "
                                                                         "column 15: syntax error while parsing value - "
                                                                         "unexpected end of input; expected '[', '{', or "
                                                                         "a literal)");
  fs::remove(tmp.path() / "batch.json");
  std::string problem;
  EXPECT_FALSE(read_batch_index(tmp.path(), problem));
  EXPECT_EQ(problem, tmp.path().string() + ": not a batch directory (no batch.json)");
}

}  // namespace
}  // namespace districtcast
