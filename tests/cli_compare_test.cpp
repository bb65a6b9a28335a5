/// \file `districtcast compare` end to end: formats, filters, notes, --fail-if and every exit code (0, 1, 2, 3),
/// on the hand-made directories of tests/data/compare and on two real runs of a tiny scenario.

#include "engine/compare_writers.hpp"
#include "engine/report_html.hpp"
#include "engine/run_reader.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <sstream>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::run_cli;
using testing::source_path;
using testing::TempDir;

std::string fixture(const std::string& name) { return source_path("tests/data/compare/" + name).string(); }

CommandResult compare(std::vector<std::string> args) {
  args.insert(args.begin(), "compare");
  return run_cli(args);
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string expected_csv(const std::string& a, const std::string& b) {
  CompareProblem problem;
  const auto c = compare_directories(a, b, CompareOptions{}, problem);
  if (!c) throw std::runtime_error(problem.message);
  return compare_csv(*c);
}

TEST(CliCompare, HelpDescribesOptionsFieldsAndExitCodes) {
  const CommandResult r = compare({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"Usage: districtcast compare A B [options]", "--format", "--out", "--district", "--metric",
                           "--year", "--noise-z", "--fail-if", "scenario,district,sector,metric,year,stat,a,b,diff,"
                           "rel_change,z,beyond_noise", "abs_rel_change", "beyond_noise=true", "p_above:<threshold>",
                           "ks", "w1", "Examples:", "3 when a --fail-if rule matched", "Exit codes:"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
  }
}

TEST(CliCompare, TableIsTheDefaultAndNotesGoToStderr) {
  const CommandResult r = compare({fixture("run_a"), fixture("run_b")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("== handmade ==\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nthreshold probabilities\n"), std::string::npos);
  EXPECT_EQ(r.err,
            "districtcast compare: note: different engine versions (A 0.1.0, B 0.2.0)\n"
            "districtcast compare: note: different scenario_sha256 (A aaaaaaaaaaaa..., B bbbbbbbbbbbb...): different "
            "assumptions: differences are not only Monte Carlo noise\n"
            "districtcast compare: note: different seeds (A 1, B 2): z assumes independent runs\n"
            "districtcast compare: note: different paths (A 10,000, B 40,000)\n"
            "districtcast compare: note: 2 cells only in A, not compared: district 'futian' (gdp; 2 cells)\n"
            "districtcast compare: note: 2 cells only in B, not compared: district 'nanshan' (firm_stock, gdp "
            "thresholds; 2 cells)\n");
}

TEST(CliCompare, CsvIsPureAndJsonCarriesTheNotes) {
  const CommandResult csv = compare({fixture("run_a"), fixture("run_b"), "--format", "csv"});
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, expected_csv(fixture("run_a"), fixture("run_b")));
  EXPECT_EQ(line_count(csv.out), 37u);
  EXPECT_EQ(line_count(csv.err), 6u);  // the notes

  const CommandResult json = compare({fixture("run_a"), fixture("run_b"), "-f", "json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.err, "");
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["notes"].size(), 6u);
  EXPECT_EQ(doc["rows"].size(), 36u);
}

TEST(CliCompare, OutWritesTheFileInstead) {
  const TempDir tmp;
  const fs::path file = tmp.path() / "diff.csv";
  const CommandResult r = compare({fixture("run_a"), fixture("run_b"), "--format=csv", "--out", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(testing::read_file(file), expected_csv(fixture("run_a"), fixture("run_b")));
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);  // no temporary left
  const CommandResult bad = compare({fixture("run_a"), fixture("run_b"), "--out", (tmp.path() / "no/such/x").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("cannot write " + (tmp.path() / "no/such/x").string()), std::string::npos) << bad.err;
}

TEST(CliCompare, FiltersApplyToEveryFormat) {
  const CommandResult csv = compare({fixture("run_a"), fixture("run_b"), "--format", "csv", "--district", "nanshan",
                                     "--metric", "firm_stock,gdp", "--metric", "firm_stock", "--year", "2025"});
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(line_count(csv.out), 1u + 8u + 6u + 8u);  // gdp (with thresholds), firm_stock (with thresholds), sector
  const CommandResult json = compare({fixture("run_a"), fixture("run_b"), "--format", "json", "--year", "2026"});
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["rows"].size(), 6u + 2u + 6u);
  const CommandResult table = compare({fixture("run_a"), fixture("run_b"), "--metric", "firm_stock"});
  EXPECT_EQ(table.out.find(" gdp "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("firm_stock  2025"), std::string::npos) << table.out;
}

TEST(CliCompare, BatchDirectoriesStackMatchedScenarios) {
  const CommandResult r = compare({fixture("batch_a"), fixture("batch_b"), "--format", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(line_count(r.out), 37u);
  EXPECT_NE(r.out.find("\nbase,nanshan,,gdp,2025,mean,"), std::string::npos);
  EXPECT_NE(r.err.find("note: scenario 'gone' only in A\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("note: scenario 'boom' not compared: failed in B (simulation diverged)\n"), std::string::npos);
  EXPECT_NE(r.err.find("note: base: different seeds (A 1, B 2)"), std::string::npos);
}

TEST(CliCompare, HtmlOverlaysTwoRunsInOneSelfContainedReport) {
  TempDir tmp;
  const fs::path html = tmp.path() / "overlay.html";
  const CommandResult r = compare({fixture("run_a"), fixture("run_b"), "--format", "csv", "--html", html.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string text = testing::read_file(html);
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_EQ(text.find("src=\"http"), std::string::npos);
  const auto a = read_run(fixture("run_a"), *std::make_unique<std::string>());
  const auto b = read_run(fixture("run_b"), *std::make_unique<std::string>());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(text, render_comparison_report(*a, *b));
  // Batches are compared scenario by scenario; an overlay needs two runs.
  const CommandResult batches = compare({fixture("batch_a"), fixture("batch_b"), "--html", (tmp.path() / "x.html").string()});
  EXPECT_EQ(batches.exit_code, 2);
  EXPECT_NE(batches.err.find("two run directories"), std::string::npos) << batches.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "x.html"));
  // An unwritable --html: exit 1, unless an alert rule matched (then 3: the alert is not lost).
  const std::string nowhere = (tmp.path() / "missing-dir" / "o.html").string();
  EXPECT_EQ(compare({fixture("run_a"), fixture("run_b"), "--html", nowhere}).exit_code, 1);
  EXPECT_EQ(compare({fixture("run_a"), fixture("run_b"), "--html", nowhere, "--fail-if", "stat=mean,abs_change>=0"}).exit_code, 3);
}

TEST(CliCompare, UnreadableDirectoriesExitOne) {
  const TempDir tmp;
  const CommandResult absent = compare({(tmp.path() / "absent").string(), fixture("run_b")});
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_EQ(absent.err, "districtcast compare: " + (tmp.path() / "absent").string() + ": no such directory\n");
  EXPECT_EQ(absent.out, "");
  fs::copy(fixture("run_b"), tmp.path());
  tmp.write("summary.json", "{\"scenario\": 1}");
  const CommandResult bad = compare({fixture("run_a"), tmp.path().string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "districtcast compare: " + (tmp.path() / "summary.json").string() +
                         ": scenario: expected a string, got a number\n");
}

TEST(CliCompare, UsageErrorsExitTwoBeforeReadingAnything) {
  const std::string a = fixture("run_a"), b = fixture("run_b");
  const std::string nowhere = "/nonexistent/districtcast/run";  // never read: usage problems come first
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{a}, "give two directories: A (the reference) and B (the new run or batch)"},
      {{a, b, b}, "give exactly two directories (got 3)"},
      {{nowhere, nowhere, "--format", "html"}, "--format must be table, csv or json (got 'html')"},
      {{nowhere, nowhere, "--noise-z", "0"}, "--noise-z expects a positive number, got '0'"},
      {{nowhere, nowhere, "--noise-z", "abc"}, "--noise-z expects a positive number, got 'abc'"},
      {{nowhere, nowhere, "--metric", "gdq"}, "--metric: unknown metric 'gdq'; did you mean 'gdp'?"},
      {{nowhere, nowhere, "--year", "2030,"}, "--year has an empty item in '2030,'"},
      {{nowhere, nowhere, "--year", "soon"}, "--year expects a year, got 'soon'"},
      {{nowhere, nowhere, "--fail-if", "metric=gdp,rel_chnage>0.02"},
       "--fail-if 'metric=gdp,rel_chnage>0.02': unknown field 'rel_chnage'; did you mean 'rel_change'?"},
      {{nowhere, nowhere, "--fail-if", "metric=gpd,z>4"}, "--fail-if 'metric=gpd,z>4': unknown metric 'gpd'; did you "
                                                          "mean 'gdp'?"},
      {{nowhere, nowhere, "--fail-if", "z>four"}, "--fail-if 'z>four': 'four' is not a number (in 'z>four')"},
      {{nowhere, nowhere, "--html", ""}, "--html needs a file name"},
      {{a, fixture("batch_b")}, "A (" + a + ") is a run directory but B (" + fixture("batch_b") +
                                    ") is a batch directory: compare two run directories or two batch directories"},
      {{a, b, "--district", "nanshn"}, "--district 'nanshn' matches no compared row; did you mean 'nanshan'?"},
      {{a, b, "--fail-if", "district=nanshn,z>0"},
       "--fail-if 'district=nanshn,z>0': district=nanshn selects no compared row; did you mean 'nanshan'?"},
  };
  for (const auto& [args, message] : cases) {
    const CommandResult r = compare(args);
    EXPECT_EQ(r.exit_code, 2) << message;
    EXPECT_EQ(r.out, "") << message;
    EXPECT_EQ(r.err, "districtcast compare: " + message + "\nTry 'districtcast compare --help'.\n");
  }
}

TEST(CliCompare, FailIfRulesExitThreeAfterTheOutput) {
  const std::string a = fixture("run_a"), b = fixture("run_b");
  const CommandResult met = compare({a, b, "--format", "csv", "--fail-if", "metric=gdp,stat=p50,rel_change>0.005"});
  EXPECT_EQ(met.exit_code, 3) << met.err;
  EXPECT_EQ(met.out, expected_csv(a, b));
  EXPECT_NE(met.err.find("districtcast compare: --fail-if 'metric=gdp,stat=p50,rel_change>0.005' met by 1 row:\n"
                         "  handmade nanshan gdp 2025 p50: a=1000 b=1010 diff=10 rel_change=0.01 z=6.71674 "
                         "beyond_noise=true\n"),
            std::string::npos)
      << met.err;

  // Rules are ORed: one unmet rule and one met rule exit 3; only the met rule is printed.
  const CommandResult ored =
      compare({a, b, "--fail-if", "abs_rel_change>0.5", "--fail-if", "stat=p_above,beyond_noise=true"});
  EXPECT_EQ(ored.exit_code, 3);
  EXPECT_EQ(ored.err.find("abs_rel_change>0.5"), std::string::npos);
  EXPECT_NE(ored.err.find("--fail-if 'stat=p_above,beyond_noise=true' met by 2 rows:\n"), std::string::npos) << ored.err;

  const CommandResult unmet = compare({a, b, "--fail-if", "abs_rel_change>0.5", "--fail-if", "stat=ks,diff>0.5,sector="});
  EXPECT_EQ(unmet.exit_code, 0) << unmet.err;
  EXPECT_EQ(unmet.err.find("met by"), std::string::npos);

  // Up to 10 rows per rule.
  const CommandResult many = compare({a, b, "--format", "csv", "--fail-if", "diff>=0"});
  EXPECT_EQ(many.exit_code, 3);
  EXPECT_NE(many.err.find("met by 36 rows:\n"), std::string::npos) << many.err;
  EXPECT_NE(many.err.find("\n  ... and 26 more\n"), std::string::npos) << many.err;

  // Rules see the filtered rows only: gdp's beyond-noise mean is filtered out here.
  const CommandResult filtered = compare({a, b, "--metric", "firm_stock", "--fail-if", "stat=mean,beyond_noise=true"});
  EXPECT_EQ(filtered.exit_code, 0) << filtered.err;
  // An empty field never matches: rel_change is undefined where a = 0.
  const CommandResult empty = compare({a, b, "--fail-if", "metric=firm_stock,stat=p_above,abs_rel_change>=0"});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  // --noise-z changes which rows are beyond noise.
  EXPECT_EQ(compare({a, b, "--noise-z", "10", "--fail-if", "sector=,stat=mean,beyond_noise=true"}).exit_code, 0);
  EXPECT_EQ(compare({a, b, "--noise-z", "8", "--fail-if", "sector=,stat=mean,beyond_noise=true"}).exit_code, 3);
}

TEST(CliCompare, TwoRealRunsWithDifferentSeeds) {
  const TempDir tmp;
  const fs::path scenario = tmp.write("tiny.yaml", R"yaml(name: tiny
base_year: 2024
horizon: 2
paths: 2000
districts:
  - id: nanshan
    gdp: 900
    growth: {mean: 0.05, volatility: 0.02}
    firms: {stock: 60000, births: {rate: 8000}, exit_hazard: [0.06]}
  - id: futian
    gdp: 1000
    growth: {mean: 0.04, volatility: 0.03}
thresholds:
  - {metric: gdp, value: 1000}
outputs:
  quantiles: [0.05, 0.5, 0.95]
)yaml");
  for (const char* seed : {"1", "2"}) {
    const CommandResult run = run_cli({"run", scenario.string(), "--seed", seed, "--quiet", "--out",
                                       (tmp.path() / (std::string("seed") + seed)).string()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const std::string a = (tmp.path() / "seed1").string(), b = (tmp.path() / "seed2").string();
  // Same model, independent seeds: nothing beyond Monte Carlo noise.
  const CommandResult quiet = compare({a, b, "--format", "csv", "--fail-if", "beyond_noise=true"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "districtcast compare: note: different seeds (A 1, B 2): z assumes independent runs\n");
  // 2 districts: gdp, gdp_growth (+ 3 firm metrics for nanshan) x 2 years x 6 stats, + thresholds 2 x 2 x 2.
  EXPECT_EQ(line_count(quiet.out), 1u + (2u + 2u + 3u) * 2u * 6u + 8u);
  // A strict rule is met.
  const CommandResult strict =
      compare({a, b, "--format", "csv", "--fail-if", "metric=gdp,stat=mean,abs_rel_change>0.00001"});
  EXPECT_EQ(strict.exit_code, 3) << strict.err;
  EXPECT_NE(strict.err.find("met by 4 rows"), std::string::npos) << strict.err;
  // The same run twice: every difference is 0 and the note says common random numbers.
  const CommandResult same = compare({a, a, "--format", "csv", "--fail-if", "abs_change>0"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.err, "districtcast compare: note: same seed (1): common random numbers: z from independent SEs is "
                      "conservative\n");
}

}  // namespace
}  // namespace districtcast
