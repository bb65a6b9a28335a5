/// \file Comparing the hand-made runs of tests/data/compare: every compared value against its closed form,
/// noise flags, notes, batch matching and filters.

#include "engine/compare.hpp"
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

RunData read(const fs::path& dir) {
  std::string problem;
  auto run = read_run(dir, problem);
  if (!run) throw std::runtime_error(problem);
  return std::move(*run);
}

/// Copies fixture run `name` into `tmp`/`copy` and lets `edit` change its summary.json.
fs::path edited_copy(const TempDir& tmp, const std::string& name, const std::string& copy,
                     const std::function<void(Json&)>& edit) {
  const fs::path dir = tmp.path() / copy;
  fs::create_directories(dir);
  fs::copy(fixture(name), dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  Json doc = Json::parse(testing::read_file(dir / "summary.json"));
  edit(doc);
  std::ofstream(dir / "summary.json", std::ios::binary) << doc.dump(1);
  return dir;
}

const CompareRow& find_row(const std::vector<CompareRow>& rows, const std::string& district, const std::string& sector,
                           Metric metric, int year, const std::string& stat) {
  for (const auto& r : rows) {
    if (r.district == district && r.sector == sector && r.metric == metric && r.year == year && r.stat == stat) return r;
  }
  throw std::runtime_error("no row " + district + " " + sector + " " + std::string(to_string(metric)) + " " +
                           std::to_string(year) + " " + stat);
}

/// The standard error of a quantile: sampling part sqrt(q(1-q)/(n f^2)) and sketch resolution r (uniform).
double quantile_se(double q, double n, double f, double r) { return std::sqrt(q * (1 - q) / (n * f * f) + r * r / 3); }

class HandMadePair : public ::testing::Test {
protected:
  HandMadePair() : pair(compare_runs(read(fixture("run_a")), read(fixture("run_b")), "handmade", CompareOptions{})) {}
  const CompareRow& row(const std::string& district, const std::string& sector, Metric metric, int year,
                        const std::string& stat) const {
    return find_row(pair.rows, district, sector, metric, year, stat);
  }
  ComparedPair pair;
};

TEST_F(HandMadePair, RowsComeCellByCellInTheOrderOfA) {
  // 5 common cells x (mean, 3 quantiles, ks, w1) + 3 common threshold cells x (p_above, p_reached_by).
  ASSERT_EQ(pair.rows.size(), 5u * 6u + 3u * 2u);
  const std::vector<std::string> first_cell{"mean", "p5", "p50", "p95", "ks", "w1", "p_above:1000", "p_reached_by:1000"};
  for (std::size_t i = 0; i < first_cell.size(); ++i) {
    EXPECT_EQ(pair.rows[i].stat, first_cell[i]);
    EXPECT_EQ(pair.rows[i].scenario, "handmade");
    EXPECT_EQ(pair.rows[i].district, "nanshan");
    EXPECT_EQ(pair.rows[i].year, 2025);
  }
  EXPECT_EQ(pair.rows.back().sector, "it");
  EXPECT_EQ(pair.rows.back().year, 2026);
  EXPECT_EQ(pair.rows.back().stat, "w1");
  EXPECT_EQ(pair.quantiles, (std::vector<std::string>{"p5", "p50", "p95"}));
  EXPECT_EQ(pair.a.directory, fixture("run_a"));
  EXPECT_EQ(pair.b.paths, 40000u);
  EXPECT_EQ(pair.b.engine_version, "0.2.0");
}

TEST_F(HandMadePair, MeanDifferenceAndZ) {
  const CompareRow& r = row("nanshan", "", Metric::gdp, 2025, "mean");
  EXPECT_EQ(r.a, 1000.0);
  EXPECT_EQ(r.b, 1010.0);
  EXPECT_EQ(r.diff, 10.0);
  EXPECT_DOUBLE_EQ(r.rel_change.value(), 0.01);
  EXPECT_DOUBLE_EQ(r.z.value(), 10.0 / std::sqrt(1.0 * 1.0 + 0.5 * 0.5));  // 8.94
  EXPECT_TRUE(r.beyond_noise);
  const CompareRow& f = row("nanshan", "", Metric::firm_stock, 2025, "mean");
  EXPECT_DOUBLE_EQ(f.z.value(), 20.0 / std::sqrt(5.0 * 5.0 + 2.5 * 2.5));  // 3.58: within noise
  EXPECT_FALSE(f.beyond_noise);
  EXPECT_DOUBLE_EQ(f.rel_change.value(), 20.0 / 60000.0);
}

TEST_F(HandMadePair, QuantileZFromTheHistogramDensity) {
  // p5: A 850 at the centre of [800, 900) with 0.04 -> f = 0.0004; B 860 in [810, 910) likewise.
  const CompareRow& p5 = row("nanshan", "", Metric::gdp, 2025, "p5");
  EXPECT_EQ(p5.diff, 10.0);
  EXPECT_DOUBLE_EQ(p5.rel_change.value(), 10.0 / 850.0);
  EXPECT_DOUBLE_EQ(p5.z.value(), 10.0 / std::hypot(quantile_se(0.05, 10000, 0.0004, 0.85),
                                                   quantile_se(0.05, 40000, 0.0004, 0.86)));
  EXPECT_FALSE(p5.beyond_noise);  // 1.63
  // p50: A 1000 between two bins of 0.45 -> window (950, 1050) holds 0.45 -> f = 0.0045; B 1010 likewise.
  const CompareRow& p50 = row("nanshan", "", Metric::gdp, 2025, "p50");
  const double z50 = 10.0 / std::hypot(quantile_se(0.5, 10000, 0.0045, 1.0), quantile_se(0.5, 40000, 0.0045, 1.01));
  EXPECT_DOUBLE_EQ(p50.z.value(), z50);
  EXPECT_NEAR(z50, 6.7167, 1e-4);
  EXPECT_TRUE(p50.beyond_noise);
  const CompareRow& p95 = row("nanshan", "", Metric::gdp, 2025, "p95");
  EXPECT_DOUBLE_EQ(p95.z.value(), 10.0 / std::hypot(quantile_se(0.95, 10000, 0.0004, 1.15),
                                                    quantile_se(0.95, 40000, 0.0004, 1.16)));
  // firm_stock p50: A 60000 at the centre of [59800, 60200) (0.4 -> f = 0.001); B 60020: the window
  // (59820, 60220) holds 0.4 * 380/400 + 0.2 * 20/400 = 0.39 -> f = 0.000975. Counts add 0.5 to the resolution.
  const CompareRow& firms = row("nanshan", "", Metric::firm_stock, 2025, "p50");
  EXPECT_DOUBLE_EQ(firms.z.value(), 20.0 / std::hypot(quantile_se(0.5, 10000, 0.001, 60.5),
                                                      quantile_se(0.5, 40000, 0.000975, 60.52)));
  // Equal quantiles: z = 0, not beyond noise.
  EXPECT_EQ(row("nanshan", "", Metric::firm_stock, 2025, "p5").z, 0.0);
}

TEST_F(HandMadePair, ThresholdProbabilities) {
  const CompareRow& above = row("nanshan", "", Metric::gdp, 2025, "p_above:1000");
  EXPECT_EQ(above.a, 0.5);
  EXPECT_EQ(above.b, 0.55);
  EXPECT_DOUBLE_EQ(above.diff.value(), 0.55 - 0.5);
  EXPECT_DOUBLE_EQ(above.rel_change.value(), (0.55 - 0.5) / 0.5);
  // z from both rows' mc_se.
  EXPECT_DOUBLE_EQ(above.z.value(), (0.55 - 0.5) / std::hypot(0.005, std::sqrt(0.55 * 0.45 / 40000)));
  EXPECT_TRUE(above.beyond_noise);  // 8.95
  // p_reached_by: sqrt(p (1 - p) / paths) per run.
  const CompareRow& reached = row("nanshan", "", Metric::gdp, 2025, "p_reached_by:1000");
  EXPECT_DOUBLE_EQ(reached.z.value(),
                   (0.62 - 0.6) / std::sqrt(0.6 * 0.4 / 10000 + 0.62 * 0.38 / 40000));
  EXPECT_FALSE(reached.beyond_noise);  // 3.66
  // a = 0: rel_change undefined; A's standard error is 0, B's is not.
  const CompareRow& firms = row("nanshan", "", Metric::firm_stock, 2025, "p_above:70000");
  EXPECT_EQ(firms.a, 0.0);
  EXPECT_FALSE(firms.rel_change.has_value());
  EXPECT_DOUBLE_EQ(firms.z.value(), 0.002 / std::sqrt(0.002 * 0.998 / 40000));
  EXPECT_TRUE(firms.beyond_noise);
  // Both certain (p = 1, standard errors 0) and equal: z undefined, not beyond noise.
  const CompareRow& certain = row("nanshan", "", Metric::gdp, 2026, "p_reached_by:1000");
  EXPECT_EQ(certain.diff, 0.0);
  EXPECT_FALSE(certain.z.has_value());
  EXPECT_FALSE(certain.beyond_noise);
}

TEST_F(HandMadePair, DistributionDistances) {
  // B's histogram is A's shifted by +10, tails included: W1 = 10, KS = 0.45 * 10 / 100.
  const CompareRow& ks = row("nanshan", "", Metric::gdp, 2025, "ks");
  EXPECT_FALSE(ks.a.has_value());
  EXPECT_FALSE(ks.b.has_value());
  EXPECT_NEAR(ks.diff.value(), 0.045, 1e-12);
  EXPECT_FALSE(ks.rel_change.has_value());
  EXPECT_FALSE(ks.z.has_value());
  EXPECT_FALSE(ks.beyond_noise);
  const CompareRow& w1 = row("nanshan", "", Metric::gdp, 2025, "w1");
  EXPECT_NEAR(w1.diff.value(), 10.0, 1e-9);
  EXPECT_NEAR(w1.rel_change.value(), 10.0 / 1000.0, 1e-12);  // w1 / |mean of A|
  EXPECT_FALSE(w1.z.has_value());
  EXPECT_EQ(row("nanshan", "", Metric::gdp, 2026, "ks").diff, 0.0);
  EXPECT_EQ(row("nanshan", "", Metric::gdp, 2026, "w1").diff, 0.0);
  // Point masses at 500 and 501 (a sector with no spread): KS = 1, W1 = 1.
  EXPECT_EQ(row("nanshan", "it", Metric::gdp, 2025, "ks").diff, 1.0);
  EXPECT_NEAR(row("nanshan", "it", Metric::gdp, 2025, "w1").diff.value(), 1.0, 1e-12);
}

TEST_F(HandMadePair, ZeroStandardErrors) {
  // The sector is deterministic (sd 0) in both runs: a non-zero difference is beyond noise with z undefined.
  const CompareRow& mean = row("nanshan", "it", Metric::gdp, 2025, "mean");
  EXPECT_EQ(mean.diff, 1.0);
  EXPECT_FALSE(mean.z.has_value());
  EXPECT_TRUE(mean.beyond_noise);
  // Its quantiles lie in zero-width bins: no density, so no z and no flag.
  const CompareRow& p50 = row("nanshan", "it", Metric::gdp, 2025, "p50");
  EXPECT_FALSE(p50.z.has_value());
  EXPECT_FALSE(p50.beyond_noise);
  const CompareRow& same = row("nanshan", "it", Metric::gdp, 2026, "mean");
  EXPECT_EQ(same.diff, 0.0);
  EXPECT_EQ(same.rel_change, 0.0);
  EXPECT_FALSE(same.z.has_value());
  EXPECT_FALSE(same.beyond_noise);
}

TEST_F(HandMadePair, NotesSayWhatDiffers) {
  EXPECT_EQ(pair.notes,
            (std::vector<std::string>{
                "different engine versions (A 0.1.0, B 0.2.0)",
                "different scenario_sha256 (A aaaaaaaaaaaa..., B bbbbbbbbbbbb...): different assumptions: differences "
                "are not only Monte Carlo noise",
                "different seeds (A 1, B 2): z assumes independent runs",
                "different paths (A 10,000, B 40,000)",
                "2 cells only in A, not compared: district 'futian' (gdp; 2 cells)",
                "2 cells only in B, not compared: district 'nanshan' (firm_stock, gdp thresholds; 2 cells)",
            }));
}

TEST(Compare, SameRunHasNoDifferencesAndSaysCommonRandomNumbers) {
  const RunData a = read(fixture("run_a"));
  const ComparedPair pair = compare_runs(a, a, "handmade", CompareOptions{});
  EXPECT_EQ(pair.rows.size(), 7u * 6u + 3u * 2u);
  for (const auto& r : pair.rows) {
    EXPECT_EQ(r.diff, 0.0) << r.stat;
    EXPECT_FALSE(r.beyond_noise) << r.stat;
    if (r.z) {
      EXPECT_EQ(*r.z, 0.0);
    }
  }
  EXPECT_EQ(pair.notes, (std::vector<std::string>{
                            "same seed (1): common random numbers: z from independent SEs is conservative"}));
}

TEST(Compare, DifferentQuantileSetsCompareTheCommonOnes) {
  const TempDir tmp;
  const fs::path b = edited_copy(tmp, "run_a", "b", [](Json& d) {
    d["quantiles"] = Json::array({"p5", "p50", "p90"});
    for (auto& row : d["summary"]) {
      row["p90"] = row["p95"];
      row.erase("p95");
    }
    d["scenario"] = "handmade_v2";
  });
  const ComparedPair pair = compare_runs(read(fixture("run_a")), read(b), "handmade_v2", CompareOptions{});
  EXPECT_EQ(pair.quantiles, (std::vector<std::string>{"p5", "p50"}));
  EXPECT_EQ(pair.rows.size(), 7u * 5u + 3u * 2u);
  for (const auto& r : pair.rows) {
    EXPECT_NE(r.stat, "p95");
    EXPECT_NE(r.stat, "p90");
    EXPECT_EQ(r.scenario, "handmade_v2");
  }
  EXPECT_EQ(pair.notes, (std::vector<std::string>{
                            "different scenarios (A handmade, B handmade_v2)",
                            "same seed (1): common random numbers: z from independent SEs is conservative",
                            "different quantile sets (A p5 p50 p95; B p5 p50 p90): only common quantiles compared (p5 "
                            "p50)"}));
}

TEST(Compare, NoiseThresholdIsAnOption) {
  CompareOptions options;
  options.noise_z = 10.0;
  const ComparedPair pair = compare_runs(read(fixture("run_a")), read(fixture("run_b")), "x", options);
  EXPECT_FALSE(find_row(pair.rows, "nanshan", "", Metric::gdp, 2025, "mean").beyond_noise);  // 8.94 < 10
  EXPECT_TRUE(find_row(pair.rows, "nanshan", "it", Metric::gdp, 2025, "mean").beyond_noise);  // zero SEs
}

TEST(Compare, MissingHistogramsAreANoteNotARow) {
  const TempDir tmp;
  const fs::path b = edited_copy(tmp, "run_a", "b", [](Json& d) { d["histograms"] = Json::array(); });
  const ComparedPair pair = compare_runs(read(fixture("run_a")), read(b), "x", CompareOptions{});
  for (const auto& r : pair.rows) {
    EXPECT_NE(r.stat, "ks");
    EXPECT_NE(r.stat, "w1");
    if (r.stat == "p50") {
      EXPECT_FALSE(r.z.has_value());  // no density in B
    }
  }
  EXPECT_EQ(pair.notes.back(),
            "7 cells without a usable histogram in both runs: no ks/w1 rows (first: nanshan gdp 2025: no histogram in B)");
}

TEST(Compare, RunDirectories) {
  CompareProblem problem;
  const auto c = compare_directories(fixture("run_a"), fixture("run_b"), CompareOptions{}, problem);
  ASSERT_TRUE(c) << problem.message;
  EXPECT_FALSE(c->batches);
  ASSERT_EQ(c->pairs.size(), 1u);
  EXPECT_EQ(c->pairs[0].scenario, "handmade");  // B's scenario name
  EXPECT_EQ(c->notes, c->pairs[0].notes);
  EXPECT_EQ(all_rows(*c).size(), 36u);
}

TEST(Compare, BatchDirectoriesAreMatchedByScenarioName) {
  CompareProblem problem;
  const auto c = compare_directories(fixture("batch_a"), fixture("batch_b"), CompareOptions{}, problem);
  ASSERT_TRUE(c) << problem.message;
  EXPECT_TRUE(c->batches);
  ASSERT_EQ(c->pairs.size(), 1u);
  EXPECT_EQ(c->pairs[0].scenario, "base");
  for (const auto& r : all_rows(*c)) EXPECT_EQ(r.scenario, "base");
  EXPECT_EQ(all_rows(*c).size(), 36u);
  ASSERT_EQ(c->notes.size(), 4u + 6u);
  EXPECT_EQ(std::vector<std::string>(c->notes.begin(), c->notes.begin() + 5),
            (std::vector<std::string>{"scenario 'boom' not compared: failed in B (simulation diverged)",
                                      "scenario 'gone' only in A",
                                      "scenario 'broken' not compared: failed in A (disk full)",
                                      "scenario 'new' only in B",
                                      "base: different engine versions (A 0.1.0, B 0.2.0)"}));
}

TEST(Compare, BatchPairsStackInTheOrderOfA) {
  const TempDir tmp;
  for (const char* side : {"a", "b"}) {
    const fs::path dir = tmp.path() / side;
    fs::create_directories(dir);
    const std::string run = std::string("run_") + side;
    tmp.write(std::string(side) + "/batch.json",
              Json{{"kind", "districtcast-batch"},
                   {"scenarios", Json::array({Json{{"scenario", "second"}, {"status", "succeeded"},
                                                   {"directory", fixture(run).string()}},
                                              Json{{"scenario", "first"}, {"status", "succeeded"},
                                                   {"directory", fixture(run).string()}}})}}
                  .dump());
  }
  CompareProblem problem;
  const auto c = compare_directories(tmp.path() / "a", tmp.path() / "b", CompareOptions{}, problem);
  ASSERT_TRUE(c) << problem.message;
  ASSERT_EQ(c->pairs.size(), 2u);
  EXPECT_EQ(c->pairs[0].scenario, "second");
  EXPECT_EQ(c->pairs[1].scenario, "first");
  const auto rows = all_rows(*c);
  EXPECT_EQ(rows.size(), 72u);
  EXPECT_EQ(rows.front().scenario, "second");
  EXPECT_EQ(rows.back().scenario, "first");
}

TEST(Compare, DirectoryProblems) {
  const TempDir tmp;
  CompareProblem problem;
  EXPECT_FALSE(compare_directories(fixture("run_a"), fixture("batch_b"), CompareOptions{}, problem));
  EXPECT_TRUE(problem.usage);
  EXPECT_EQ(problem.message, "A (" + fixture("run_a").string() + ") is a run directory but B (" +
                                 fixture("batch_b").string() +
                                 ") is a batch directory: compare two run directories or two batch directories");
  problem = {};
  EXPECT_FALSE(compare_directories(tmp.path() / "absent", fixture("run_b"), CompareOptions{}, problem));
  EXPECT_FALSE(problem.usage);
  EXPECT_EQ(problem.message, (tmp.path() / "absent").string() + ": no such directory");
  EXPECT_FALSE(compare_directories(fixture("run_a"), tmp.path(), CompareOptions{}, problem));
  EXPECT_EQ(problem.message, tmp.path().string() +
                                 ": neither a run directory (summary.json and manifest.json) nor a batch directory "
                                 "(batch.json)");
  // A succeeded batch entry whose run directory is gone cannot be read.
  tmp.write("batch.json", R"({"scenarios": [{"scenario": "base", "status": "succeeded", "directory": "gone"}]})");
  EXPECT_FALSE(compare_directories(fixture("batch_a"), tmp.path(), CompareOptions{}, problem));
  EXPECT_FALSE(problem.usage);
  EXPECT_EQ(problem.message, (tmp.path() / "gone").string() + ": no such directory");
  // A malformed run is named.
  const fs::path bad = edited_copy(tmp, "run_b", "bad", [](Json& d) { d["summary"][0].erase("sd"); });
  EXPECT_FALSE(compare_directories(fixture("run_a"), bad, CompareOptions{}, problem));
  EXPECT_EQ(problem.message, (bad / "summary.json").string() + ": summary[0]: missing 'sd'");
}

TEST(Compare, FiltersKeepRowsAndCheckTheirValues) {
  CompareProblem problem;
  auto c = compare_directories(fixture("run_a"), fixture("run_b"), CompareOptions{}, problem);
  ASSERT_TRUE(c);
  CompareFilter filter;
  EXPECT_EQ(check_filter(*c, filter), "");
  filter.metrics = {Metric::firm_stock};
  EXPECT_EQ(check_filter(*c, filter), "");
  Comparison firms = *c;
  apply_filter(firms, filter);
  EXPECT_EQ(all_rows(firms).size(), 6u + 2u);
  filter = CompareFilter{{"nanshan"}, {}, {2026}};
  Comparison nanshan = *c;
  apply_filter(nanshan, filter);
  EXPECT_EQ(all_rows(nanshan).size(), 6u + 2u + 6u);  // gdp with its thresholds, and the sector
  for (const auto& r : all_rows(nanshan)) EXPECT_EQ(r.year, 2026);

  EXPECT_EQ(check_filter(*c, CompareFilter{{"nanshn"}, {}, {}}),
            "--district 'nanshn' matches no compared row; did you mean 'nanshan'?");
  EXPECT_EQ(check_filter(*c, CompareFilter{{"futian"}, {}, {}}),
            "--district 'futian' matches no compared row (districts: nanshan)");
  EXPECT_EQ(check_filter(*c, CompareFilter{{}, {Metric::gdp_growth}, {}}),
            "--metric 'gdp_growth' matches no compared row");
  EXPECT_EQ(check_filter(*c, CompareFilter{{}, {}, {2030}}), "--year 2030 matches no compared row (years 2025-2026)");
}

TEST(Compare, Helpers) {
  EXPECT_EQ(quantile_level("p5"), 0.05);
  EXPECT_EQ(quantile_level("p2.5"), 0.025);
  EXPECT_EQ(quantile_level("p50"), 0.5);
  EXPECT_DOUBLE_EQ(quantile_level("p99.9").value(), 0.999);
  for (const char* bad : {"p", "p0", "p100", "x5", "p5x", "", "mean"}) EXPECT_FALSE(quantile_level(bad)) << bad;

  EXPECT_EQ(threshold_text(1000), "1000");
  EXPECT_EQ(threshold_text(1500.5), "1500.5");
  EXPECT_EQ(threshold_text(0.1), "0.1");

  EXPECT_EQ(quantile_resolution(Metric::gdp, 1000), 1.0);
  EXPECT_EQ(quantile_resolution(Metric::gdp, -2000), 2.0);
  EXPECT_EQ(quantile_resolution(Metric::gdp_growth, 0.000001), 1e-5);
  EXPECT_EQ(quantile_resolution(Metric::firm_stock, 60000), 60.5);

  EXPECT_DOUBLE_EQ(quantile_standard_error(0.5, 100, 0.5, 0.0).value(), 0.1);  // sqrt(0.25/100)/0.5
  EXPECT_DOUBLE_EQ(quantile_standard_error(0.5, 100, 0.5, 0.3).value(), std::sqrt(0.01 + 0.03));
  EXPECT_FALSE(quantile_standard_error(0.5, 100, std::nullopt, 0.0));
  EXPECT_FALSE(quantile_standard_error(0.5, 100, 0.0, 0.0));
  EXPECT_FALSE(quantile_standard_error(0.5, 0, 0.5, 0.0));

  NoiseTest t = test_noise(3.0, 0.6, 0.8, 4.0);
  EXPECT_DOUBLE_EQ(t.z.value(), 3.0);
  EXPECT_FALSE(t.beyond_noise);
  t = test_noise(-5.0, 0.6, 0.8, 4.0);
  EXPECT_DOUBLE_EQ(t.z.value(), -5.0);
  EXPECT_TRUE(t.beyond_noise);
  t = test_noise(1.0, 0.0, 0.0, 4.0);
  EXPECT_FALSE(t.z);
  EXPECT_TRUE(t.beyond_noise);
  t = test_noise(0.0, 0.0, 0.0, 4.0);
  EXPECT_FALSE(t.z);
  EXPECT_FALSE(t.beyond_noise);
  t = test_noise(10.0, std::nullopt, 1.0, 4.0);
  EXPECT_FALSE(t.z);
  EXPECT_FALSE(t.beyond_noise);
}

}  // namespace
}  // namespace districtcast
