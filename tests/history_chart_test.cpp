/// \file Tests of the history line chart (one figure across runs) and of the batch report's History section:
/// markup, one marker per run, the mc_se band, assumption-change markers, escaping, the empty chart and the
/// y axis; report_history_series from a catalog is tested in cli_history_test.cpp.

#include "engine/history_chart.hpp"
#include "engine/report_html.hpp"
#include "engine/svg_chart.hpp"
#include "tests/report_fixture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace districtcast {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

HistoryPoint point(std::int64_t run_id, const std::string& date, double value, const std::string& sha,
                   std::optional<double> mc_se = std::nullopt) {
  HistoryPoint p;
  p.run_id = run_id;
  p.started_at = date + "T02:00:00Z";
  p.scenario_sha256 = sha;
  p.engine_version = "1.4.0";
  p.seed = 20261128;
  p.paths = 100000;
  p.value = value;
  p.mc_se = mc_se;
  return p;
}

HistorySeries sample_series(bool with_se) {
  HistorySeries s;
  s.title = "trillion_club \u00b7 nanshan \u00b7 gdp 2030 \u00b7 p50";
  s.units = "billion CNY";
  const std::vector<std::pair<double, std::string>> values{{1234.5, "aaa"}, {1240.0, "aaa"}, {1251.25, "bbb"},
                                                           {1249.0, "bbb"}, {1262.0, "ccc"}};
  for (std::size_t i = 0; i < values.size(); ++i) {
    s.points.push_back(point(static_cast<std::int64_t>(10 + i), "2026-11-2" + std::to_string(i + 1), values[i].first,
                             values[i].second, with_se ? std::optional<double>(0.45) : std::nullopt));
  }
  return s;
}

/// The x coordinates of the `<line class="change"` elements.
std::vector<double> change_xs(const std::string& svg) {
  std::vector<double> xs;
  const std::regex re("<line class=\"change\" x1=\"([-0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it) {
    xs.push_back(std::stod((*it)[1].str()));
  }
  return xs;
}

/// The (cx) of every point marker, in order.
std::vector<double> point_xs(const std::string& svg) {
  std::vector<double> xs;
  const std::regex re("<circle class=\"point\" cx=\"([-0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it) {
    xs.push_back(std::stod((*it)[1].str()));
  }
  return xs;
}

TEST(HistoryChart, IsOneStandaloneSvgWithAMarkerPerPoint) {
  const std::string svg = history_chart_svg(sample_series(false));
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0U);
  EXPECT_EQ(count(svg, "<svg"), 1U);
  EXPECT_EQ(count(svg, "</svg>"), 1U);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_EQ(testing::unbalanced_tags(svg), "");
  EXPECT_TRUE(contains(svg, "viewBox=\"0 0 560 200\""));
  EXPECT_EQ(count(svg, "<circle class=\"point\""), 5U);
  const auto xs = point_xs(svg);
  ASSERT_EQ(xs.size(), 5U);
  for (std::size_t i = 1; i < xs.size(); ++i) {
    EXPECT_GT(xs[i], xs[i - 1]) << "oldest first, left to right";
    EXPECT_NEAR(xs[i] - xs[i - 1], xs[1] - xs[0], 0.11) << "evenly spaced by run";
  }
  EXPECT_EQ(count(svg, "<polyline"), 1U);
  EXPECT_TRUE(contains(svg, "<title>2026-11-21 run 10: 1,234.5\n100,000 paths, seed 20261128</title>"));
  EXPECT_TRUE(contains(svg, ">2026-11-21</text>"));
  EXPECT_TRUE(contains(svg, ">2026-11-25</text>"));
  EXPECT_TRUE(contains(svg, ">billion CNY</text>"));
  EXPECT_TRUE(contains(svg, "trillion_club \u00b7 nanshan \u00b7 gdp 2030 \u00b7 p50</text>"));
  EXPECT_FALSE(contains(svg, "class=\"band\"")) << "no mc_se, no band";
  EXPECT_FALSE(contains(svg, "<script"));
}

TEST(HistoryChart, BandOnlyWithMcSe) {
  const std::string with = history_chart_svg(sample_series(true));
  EXPECT_EQ(count(with, "<polygon class=\"band\""), 1U);
  EXPECT_TRUE(contains(with, "<title>2026-11-21 run 10: 1,234.5 (\u00b10.90 = 2 mc_se)"));
  EXPECT_EQ(testing::unbalanced_tags(with), "");

  // mc_se only for some points: a band over each stretch, an error bar for a lone point.
  HistorySeries mixed = sample_series(false);
  mixed.points[0].mc_se = 0.5;
  mixed.points[1].mc_se = 0.5;
  mixed.points[3].mc_se = 0.5;
  const std::string partly = history_chart_svg(mixed);
  EXPECT_EQ(count(partly, "<polygon class=\"band\""), 1U);
  EXPECT_EQ(count(partly, "<line class=\"band\""), 1U);
  EXPECT_FALSE(contains(history_chart_svg(sample_series(false)), "band"));
}

TEST(HistoryChart, ChangeMarkersExactlyWhereTheHashChanges) {
  const std::string svg = history_chart_svg(sample_series(false));  // hashes aaa aaa bbb bbb ccc
  const auto changes = change_xs(svg);
  const auto xs = point_xs(svg);
  ASSERT_EQ(changes.size(), 2U);
  ASSERT_EQ(xs.size(), 5U);
  EXPECT_NEAR(changes[0], (xs[1] + xs[2]) / 2, 0.11) << "between run 11 and run 12";
  EXPECT_NEAR(changes[1], (xs[3] + xs[4]) / 2, 0.11) << "between run 13 and run 14";
  EXPECT_EQ(count(svg, ">assumptions changed</text>"), 2U);
  const std::regex changed_tooltip("<circle class=\"point\"[^>]*><title>[^<]*\nassumptions changed</title>");
  EXPECT_EQ(std::distance(std::sregex_iterator(svg.begin(), svg.end(), changed_tooltip), std::sregex_iterator()), 2)
      << "the tooltips of runs 12 and 14 say so";
  EXPECT_TRUE(contains(svg, "stroke-dasharray"));

  HistorySeries same = sample_series(false);
  for (auto& p : same.points) p.scenario_sha256 = "same";
  EXPECT_TRUE(change_xs(history_chart_svg(same)).empty());
  EXPECT_FALSE(contains(history_chart_svg(same), "assumptions changed"));
}

TEST(HistoryChart, EscapesEveryString) {
  HistorySeries s = sample_series(false);
  s.title = "evil<script>alert('x')</script> & \"co\"";
  s.units = "<b>units</b>";
  s.points[0].started_at = "<2026>";
  s.points[1].scenario_sha256 = "<hash>";
  const std::string svg = history_chart_svg(s);
  EXPECT_FALSE(contains(svg, "<script"));
  EXPECT_FALSE(contains(svg, "<b>"));
  EXPECT_FALSE(contains(svg, "<2026>"));
  EXPECT_FALSE(contains(svg, "<hash>"));
  EXPECT_TRUE(contains(svg, "evil&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
  EXPECT_TRUE(contains(svg, "&lt;b&gt;units&lt;/b&gt;"));
  EXPECT_EQ(testing::unbalanced_tags(svg), "");
  const std::string empty = history_chart_svg({s.title, s.units, {}});
  EXPECT_FALSE(contains(empty, "<script"));
  EXPECT_EQ(testing::unbalanced_tags(empty), "");
}

TEST(HistoryChart, EmptySeriesSaysNoRunsYet) {
  const std::string svg = history_chart_svg({"trillion_club \u00b7 nanshan", "billion CNY", {}}, 400, 150);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0U);
  EXPECT_TRUE(contains(svg, ">no runs yet</text>"));
  EXPECT_TRUE(contains(svg, "viewBox=\"0 0 400 150\""));
  EXPECT_FALSE(contains(svg, "<circle"));
  EXPECT_EQ(testing::unbalanced_tags(svg), "");
}

TEST(HistoryChart, YTicksCoverTheValuesAndTheBand) {
  HistorySeries s = sample_series(true);
  s.points[2].value = 987.6;
  s.points[2].mc_se = 30.0;  // band down to 927.6
  const std::string svg = history_chart_svg(s);
  // y tick labels are right-aligned text at x = 60 (left of the plot).
  std::vector<double> ticks;
  const std::regex re("<text x=\"60\" y=\"[-0-9.]+\" font-size=\"10\" text-anchor=\"end\" fill=\"#222222\">([-0-9,.]+)</text>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it) {
    std::string t = (*it)[1].str();
    std::erase(t, ',');
    ticks.push_back(std::stod(t));
  }
  ASSERT_GE(ticks.size(), 3U);
  EXPECT_LE(ticks.front(), 927.6);
  EXPECT_GE(ticks.back(), 1262.0 + 0.9);
  const double step = ticks[1] - ticks[0];
  for (std::size_t i = 1; i < ticks.size(); ++i) EXPECT_NEAR(ticks[i] - ticks[i - 1], step, 1e-9);
}

TEST(HistoryChart, OnePointAndManyPoints) {
  HistorySeries one = sample_series(false);
  one.points.resize(1);
  const std::string svg = history_chart_svg(one);
  EXPECT_EQ(count(svg, "<circle class=\"point\""), 1U);
  EXPECT_EQ(count(svg, "<polyline"), 0U);
  EXPECT_TRUE(contains(svg, ">2026-11-21</text>"));

  HistorySeries many;
  many.title = "many";
  for (int i = 0; i < 60; ++i) {
    many.points.push_back(point(i + 1, fmt::format("2026-{:02}-{:02}", 1 + i / 28, 1 + i % 28), 100.0 + i, "h"));
  }
  const std::string lots = history_chart_svg(many);
  EXPECT_EQ(count(lots, "<circle class=\"point\""), 60U);
  const std::regex date(">2026-[0-9]{2}-[0-9]{2}</text>");
  const auto labels = static_cast<std::size_t>(
      std::distance(std::sregex_iterator(lots.begin(), lots.end(), date), std::sregex_iterator()));
  EXPECT_GE(labels, 2U);
  EXPECT_LE(labels, 8U) << "date labels thinned";
}

TEST(HistoryChart, ValueDecimalsFollowTheMagnitude) {
  EXPECT_EQ(history_value_decimals({}), 1);
  EXPECT_EQ(history_value_decimals({point(1, "2026-01-01", 1234.5, "h")}), 1);
  EXPECT_EQ(history_value_decimals({point(1, "2026-01-01", 12.345, "h")}), 2);
  EXPECT_EQ(history_value_decimals({point(1, "2026-01-01", 0.4242, "h")}), 4);
  EXPECT_EQ(history_value_decimals({point(1, "2026-01-01", 565651.0, "h")}), 1);
}

TEST(ReportHtmlHistory, BatchReportWithSeriesHasAHistorySection) {
  const RunData run = testing::sample_run();
  HistorySeries s = sample_series(true);
  HistorySeries empty{"trillion_club \u00b7 chaoyang \u00b7 gdp 2035 \u00b7 p50", "billion CNY", {}};
  const std::string html = render_batch_report("nightly", {run}, {}, {s, empty});
  EXPECT_EQ(testing::unbalanced_tags(html), "");
  EXPECT_TRUE(contains(html, "<h2 id=\"history\">History</h2>"));
  EXPECT_TRUE(contains(html, "<a href=\"#history\">History</a>"));
  EXPECT_TRUE(contains(html, "<div class=\"charts history\">"));
  EXPECT_EQ(count(html, "<figure class=\"chart history\">"), 2U);
  EXPECT_EQ(count(html, "<circle class=\"point\""), 5U);
  EXPECT_TRUE(contains(html, ">no runs yet</text>"));
  EXPECT_TRUE(contains(html, "Each point is one run"));
  EXPECT_TRUE(contains(html, "resolved inputs"));
  EXPECT_FALSE(contains(html, "http://")) << "inline charts need no namespace";
  // After the summary, before the first scenario.
  const auto summary = html.find("id=\"summary\"");
  const auto history = html.find("id=\"history\"");
  const auto first = html.find("id=\"s1\"");
  ASSERT_NE(history, std::string::npos);
  EXPECT_LT(summary, history);
  EXPECT_LT(history, first);
}

TEST(ReportHtmlHistory, BatchReportWithoutSeriesHasNoHistorySection) {
  const std::string html = render_batch_report("nightly", {testing::sample_run()});
  EXPECT_FALSE(contains(html, "id=\"history\""));
  EXPECT_FALSE(contains(html, "chart history"));
  EXPECT_EQ(html, render_batch_report("nightly", {testing::sample_run()}, {}, {}));
}

}  // namespace
}  // namespace districtcast
