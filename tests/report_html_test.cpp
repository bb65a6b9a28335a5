/// \file Tests of the HTML report: sections and charts of a run, probabilities and manifest values,
/// escaping, offline-only references, quantile fallbacks, comparisons, batches and atomic writing.

#include "engine/report_html.hpp"
#include "engine/svg_chart.hpp"
#include "tests/report_fixture.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>

namespace districtcast {
namespace {
namespace fs = std::filesystem;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// Replaces a district's first-crossing rows with `years` (first year, probability) plus "never".
void set_first_crossing(RunData& run, const std::string& district, const std::vector<std::pair<int, double>>& years,
                        double never) {
  auto& rows = run.tables.first_crossing;
  std::erase_if(rows, [&](const FirstCrossingRow& r) { return r.district == district; });
  for (const auto& [year, p] : years) rows.push_back({district, Metric::gdp, 1000, "trillion club", year, p});
  rows.push_back({district, Metric::gdp, 1000, "trillion club", std::nullopt, never});
}

ThresholdRow& threshold_row(RunData& run, const std::string& district, int year) {
  for (auto& r : run.tables.thresholds) {
    if (r.district == district && r.year == year) return r;
  }
  throw std::logic_error("no threshold row");
}

/// Checks that the document references nothing outside itself.
void expect_offline(const std::string& html) {
  EXPECT_FALSE(contains(html, "http://"));
  EXPECT_FALSE(contains(html, "https://"));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, "<link"));
  EXPECT_FALSE(contains(html, "@import"));
  EXPECT_FALSE(contains(html, "url("));
  const std::regex reference("<[^<>]*\\s(src|href)\\s*=\\s*[\"']?([^\"' >]*)", std::regex::icase);  // in tags only
  for (auto it = std::sregex_iterator(html.begin(), html.end(), reference); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[2].str().substr(0, 1), "#") << "only in-page links: " << (*it)[0].str();
  }
}

TEST(ReportHtml, RunReportHasEverySection) {
  const std::string html = render_run_report(testing::sample_run());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_EQ(testing::unbalanced_tags(html), "");
  EXPECT_EQ(count(html, "<figure class=\"chart fan gdp\">"), 2U) << "one GDP fan chart per district";
  EXPECT_TRUE(contains(html, ">Nanshan \u2014 GDP, billion CNY</h3>"));
  EXPECT_TRUE(contains(html, ">Chaoyang \u2014 GDP, billion CNY</h3>"));
  EXPECT_EQ(count(html, "<figure class=\"chart fan firm-stock\">"), 1U) << "only Nanshan has firms";
  EXPECT_EQ(count(html, "<figure class=\"chart fan firm-births\">"), 1U);
  EXPECT_EQ(count(html, "<figure class=\"chart crossing\">"), 2U) << "district x threshold";
  EXPECT_EQ(count(html, "<figure class=\"chart sectors\">"), 1U);
  EXPECT_TRUE(contains(html, "Shaded: 5th\u201395th and 25th\u201375th percentiles of 100,000 simulated paths"));
  EXPECT_TRUE(contains(html, ">GDP (billion CNY)</text>"));
  EXPECT_TRUE(contains(html, ">firms</text>"));
  EXPECT_TRUE(contains(html, "<title>2019: 642 (observed)</title>")) << "history drawn";
  EXPECT_TRUE(contains(html, "<title>2024: 923 (observed)</title>")) << "base year joins the history";
  EXPECT_TRUE(contains(html, ">trillion club (1,000)</text>")) << "threshold line label";
  EXPECT_TRUE(contains(html, ">IT and software: median</text>"));
  EXPECT_TRUE(contains(html, "id=\"probabilities\""));
  EXPECT_TRUE(contains(html, "id=\"manifest\""));
  EXPECT_TRUE(contains(html, "@media print"));
  EXPECT_TRUE(contains(html, "page-break-inside: avoid"));
  expect_offline(html);
}

TEST(ReportHtml, ProbabilityTableShowsValuesWithStandardErrors) {
  RunData run = testing::sample_run();
  auto& last = threshold_row(run, "chaoyang", 2035);
  last.p_above = 0.5857;
  last.mc_se = 0.0016;
  last.p_reached_by = 0.7311;
  threshold_row(run, "chaoyang", 2030).p_above = 0.25;
  set_first_crossing(run, "chaoyang", {{2025, 0.04647}, {2026, 0.58572}, {2027, 0.25611}}, 0.1117);
  set_first_crossing(run, "nanshan", {{2030, 0.2}, {2035, 0.1}}, 0.7);
  const std::string html = render_run_report(run);
  EXPECT_TRUE(contains(html, ">P(above) in 2030</th>"));
  EXPECT_TRUE(contains(html, ">P(above) in 2035</th>"));
  EXPECT_TRUE(contains(html, ">P(reached by 2035)</th>"));
  EXPECT_TRUE(contains(html, "trillion club (GDP \u2265 1,000 billion CNY)"));
  EXPECT_TRUE(contains(html, "58.6% <span class=\"se\">\u00b10.16</span>"));
  EXPECT_TRUE(contains(html, "25.0% <span class=\"se\">"));
  EXPECT_TRUE(contains(html, "73.1% <span class=\"se\">\u00b10.14</span>")) << "binomial se of p_reached_by";
  EXPECT_TRUE(contains(html, "<td class=\"num\">2026</td>")) << "median first year of Chaoyang";
  EXPECT_TRUE(contains(html, "<td class=\"num\">after 2035</td>")) << "Nanshan reaches it with < 50%";
  EXPECT_TRUE(contains(html, "<title>2026: 58.57%</title>")) << "first-crossing bar";
  EXPECT_TRUE(contains(html, "<title>by 2027: 88.83%</title>")) << "cumulative line";
  EXPECT_TRUE(contains(html, ">How many districts: trillion club"));
  EXPECT_TRUE(contains(html, "most likely"));
}

TEST(ReportHtml, ManifestSectionListsProvenance) {
  const std::string html = render_run_report(testing::sample_run());
  const auto manifest = html.substr(html.find("id=\"manifest\""));
  for (const char* value :
       {"0.9.0", "scenarios/trillion_club.yaml", "3f2a9c0e5b7d41e8a6c2f0b9d8e7a6c5b4a3928170f6e5d4c3b2a1908f7e6d5c",
        ">20241231<", ">100,000<", ">8<", "avx2", "2026-11-28T16:24:41Z", "2026-11-28T16:24:42Z", "0.56 s",
        "50.0 MiB (52,428,800 bytes)", "scenarios/base.yaml", "nanshan.growth.mean=0.06",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "thresholds.csv",
        "/runs/trillion_club/20261128T162441Z"}) {
    EXPECT_TRUE(contains(manifest, value)) << value;
  }
  EXPECT_TRUE(contains(html, "Baseline forecast for two districts.")) << "the scenario's description";
  EXPECT_FALSE(contains(manifest, "resolved_scenario")) << "too long for the report";
}

TEST(ReportHtml, EscapesEveryStringFromTheRunFiles) {
  RunData run = testing::sample_run("evil<&>[x=1,y=\"2\"]");
  run.districts[0].name = "Nan<i>shan</i>";
  for (auto& r : run.tables.thresholds) r.label = "<b>club</b>";
  run.manifest["simd_kernel"] = "<img src=x onerror=alert(1)>";
  run.directory = "/tmp/<dir>";
  for (const std::string& html :
       {render_run_report(run), render_comparison_report(run, testing::sample_run()), render_batch_report("b<1>", {run})}) {
    EXPECT_TRUE(contains(html, "evil&lt;&amp;&gt;[x=1,y=&quot;2&quot;]"));
    EXPECT_FALSE(contains(html, "evil<"));
    EXPECT_TRUE(contains(html, "Nan&lt;i&gt;shan&lt;/i&gt;"));
    EXPECT_FALSE(contains(html, "<i>"));
    EXPECT_FALSE(contains(html, "<b>club"));
    EXPECT_FALSE(contains(html, "<img"));
    EXPECT_FALSE(contains(html, "<dir>"));
    EXPECT_EQ(testing::unbalanced_tags(html), "");
    expect_offline(html);
  }
}

TEST(ReportHtml, MissingQuantilesFallBackAndSaySo) {
  const std::string narrow = render_run_report(testing::sample_run("narrow", {10, 50, 90}));
  EXPECT_TRUE(contains(narrow, ">10th\u201390th percentile</text>"));
  EXPECT_FALSE(contains(narrow, "25th"));
  EXPECT_TRUE(contains(narrow, "Shaded: 10th\u201390th percentiles of 100,000 simulated paths; line: median"));
  EXPECT_EQ(count(narrow, "<polygon"), 6U) << "one band per fan chart (4), one per sector (2)";

  const std::string no_median = render_run_report(testing::sample_run("no_median", {2.5, 10, 90, 97.5}));
  EXPECT_TRUE(contains(no_median, ">2.5th\u201397.5th percentile</text>"));
  EXPECT_TRUE(contains(no_median, ">10th\u201390th percentile</text>"));
  EXPECT_TRUE(contains(no_median, ">mean (no median in this run)</text>"));
  EXPECT_TRUE(contains(no_median, "line: mean (the run has no p50)"));

  const std::string wide = render_run_report(testing::sample_run("wide", {1, 5, 25, 50, 75, 95, 99}));
  EXPECT_TRUE(contains(wide, ">5th\u201395th percentile</text>")) << "p5-p95 preferred over the outermost pair";
  EXPECT_TRUE(contains(wide, ">25th\u201375th percentile</text>"));
  EXPECT_FALSE(contains(wide, "1st\u201399th"));
}

TEST(ReportHtml, ComparisonOverlaysTwoRuns) {
  RunData b = testing::sample_run("tech_boom");
  for (auto& r : b.tables.summary) {
    for (double& q : r.quantiles) q *= 1.08;
  }
  b.manifest["files_sha256"]["summary.csv"] = "ffff";
  const std::string html = render_comparison_report(testing::sample_run(), b);
  EXPECT_EQ(testing::unbalanced_tags(html), "");
  EXPECT_TRUE(contains(html, "<title>trillion_club vs tech_boom \u2014 districtcast comparison</title>"));
  EXPECT_TRUE(contains(html, "<h1>trillion_club vs tech_boom"));
  EXPECT_EQ(count(html, "<figure class=\"chart fan gdp\">"), 2U);
  EXPECT_TRUE(contains(html, ">A: median</text>"));
  EXPECT_TRUE(contains(html, ">B: median</text>"));
  EXPECT_TRUE(contains(html, ">A: 5th\u201395th percentile</text>"));
  EXPECT_TRUE(contains(html, "#0072B2"));
  EXPECT_TRUE(contains(html, "#D55E00"));
  EXPECT_TRUE(contains(html, "<th class=\"num\">A</th><th class=\"num\">B</th>")) << "side-by-side columns";
  EXPECT_TRUE(contains(html, "<th>B: tech_boom</th>")) << "manifest column of B";
  EXPECT_TRUE(contains(html, "<td>no</td>")) << "summary.csv hashes differ";
  EXPECT_TRUE(contains(html, ">A: P(first reached in year)</text>"));
  expect_offline(html);
}

TEST(ReportHtml, ComparisonWithAManifestLackingHashesShowsDashes) {
  // One run lists file hashes, the other has no files_sha256 (or no manifest at all): no crash, a dash.
  RunData b = testing::sample_run("tech_boom");
  b.manifest.erase("files_sha256");
  const std::string html = render_comparison_report(testing::sample_run(), b);
  EXPECT_EQ(testing::unbalanced_tags(html), "");
  EXPECT_TRUE(contains(html, "<td><code class=\"hash\">\u2014</code></td>"));
  RunData c = testing::sample_run("no_manifest");
  c.manifest = nullptr;
  EXPECT_TRUE(contains(render_comparison_report(c, testing::sample_run()), "<td>no</td>"));
}

TEST(ReportHtml, BatchReportSummarisesScenariosThenShowsEach) {
  RunData a = testing::sample_run("trillion_club");
  RunData b = testing::sample_run("trillion_club[nanshan.growth.mean=0.06]");
  threshold_row(b, "chaoyang", 2035).p_reached_by = 0.4242;
  const std::string html = render_batch_report("sweep", {a, b}, {"headwinds: failed: disk full"});
  EXPECT_EQ(testing::unbalanced_tags(html), "");
  EXPECT_TRUE(contains(html, "<h1>sweep \u2014 districtcast batch report"));
  EXPECT_TRUE(contains(html, "headwinds: failed: disk full"));
  EXPECT_TRUE(contains(html, "P(reached by the last year): trillion club"));
  EXPECT_TRUE(contains(html, "42.4% <span class=\"se\">"));
  EXPECT_TRUE(contains(html, "Median GDP in the last year (billion CNY)"));
  double chaoyang_2035 = 0;
  for (const auto& r : a.tables.summary) {
    if (r.district == "chaoyang" && r.metric == Metric::gdp && r.year == 2035) chaoyang_2035 = r.quantiles[3];
  }
  EXPECT_TRUE(contains(html, "<td class=\"num\">" + svg::format_number(chaoyang_2035, 0) + "</td>"));
  EXPECT_TRUE(contains(html, "id=\"s1\""));
  EXPECT_TRUE(contains(html, "id=\"s2\""));
  EXPECT_TRUE(contains(html, "id=\"s2-manifest\""));
  EXPECT_EQ(count(html, "<figure class=\"chart fan gdp\">"), 4U);
  expect_offline(html);
}

TEST(ReportHtml, WriteReportFileReplacesAtomically) {
  testing::TempDir dir;
  const fs::path file = dir.path() / "report.html";
  write_report_file(file, "<p>one</p>");
  write_report_file(file, "<p>two</p>");
  EXPECT_EQ(testing::read_file(file), "<p>two</p>");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1U) << "no temporary file left behind";
  try {
    write_report_file(dir.path() / "missing" / "report.html", "x");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "cannot write report")) << e.what();
    EXPECT_TRUE(contains(e.what(), "missing/report.html")) << e.what();
  }
  EXPECT_THROW(write_report_file(dir.path(), "x"), std::runtime_error);
}

}  // namespace
}  // namespace districtcast
