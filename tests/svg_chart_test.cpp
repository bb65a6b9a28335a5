/// \file Tests of the SVG chart primitives: ticks, number formatting, escaping, scales, and the fan and bar
/// charts' structure (bands as polygons, reference lines, tooltips, balanced markup).

#include "engine/svg_chart.hpp"
#include "tests/report_fixture.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <regex>
#include <sstream>

namespace districtcast::svg {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

/// True when step is 1, 2, 2.5 or 5 times a power of ten.
bool is_nice(double step) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(step)));
  const double m = step / magnitude;
  for (double nice : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (std::fabs(m - nice) < 1e-9) return true;
  }
  return false;
}

TEST(SvgChart, NiceTicksOfZeroTo1234AreMultiplesOf250) {
  const Ticks t = nice_ticks(0, 1234);
  EXPECT_DOUBLE_EQ(t.step, 250);
  EXPECT_EQ(t.values, (std::vector<double>{0, 250, 500, 750, 1000, 1250}));
}

TEST(SvgChart, NiceTicksCoverRandomRangesWithNiceSteps) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-4, 7), unit(0, 1);
  for (int i = 0; i < 2000; ++i) {
    const double scale = std::pow(10.0, exponent(rng));
    const double a = (unit(rng) * 2 - 0.5) * scale;
    const double b = a + unit(rng) * scale + scale * 1e-6;
    const Ticks t = nice_ticks(a, b, 5);
    ASSERT_GE(t.values.size(), 2U);
    EXPECT_LE(t.values.front(), a + 1e-9 * scale) << a << " " << b;
    EXPECT_GE(t.values.back(), b - 1e-9 * scale) << a << " " << b;
    EXPECT_TRUE(is_nice(t.step)) << t.step;
    EXPECT_LE(t.values.size(), 12U) << a << " " << b;  // about 5 intervals, never a cluttered axis
    for (std::size_t k = 1; k < t.values.size(); ++k) EXPECT_NEAR(t.values[k] - t.values[k - 1], t.step, t.step * 1e-9);
  }
}

TEST(SvgChart, NiceTicksHandleDegenerateAndReversedRanges) {
  const Ticks same = nice_ticks(5, 5);
  EXPECT_LE(same.values.front(), 5);
  EXPECT_GE(same.values.back(), 5);
  EXPECT_LT(same.values.front(), same.values.back());
  const Ticks zero = nice_ticks(0, 0);
  EXPECT_LT(zero.values.front(), zero.values.back());
  const Ticks reversed = nice_ticks(100, 0);
  EXPECT_EQ(reversed.values.front(), 0);
  EXPECT_EQ(reversed.values.back(), 100);
  const Ticks nan = nice_ticks(std::nan(""), 3);
  EXPECT_GE(nan.values.size(), 2U);
  const Ticks negative = nice_ticks(-0.3, 0.7);
  EXPECT_EQ(negative.values.front(), -0.4);  // step 0.2
  for (double v : negative.values) EXPECT_FALSE(std::signbit(v) && v == 0.0) << "no negative zero";
}

TEST(SvgChart, TickDecimalsPrintEveryMultipleExactly) {
  EXPECT_EQ(tick_decimals(250), 0);
  EXPECT_EQ(tick_decimals(1), 0);
  EXPECT_EQ(tick_decimals(0.5), 1);
  EXPECT_EQ(tick_decimals(2.5), 1);
  EXPECT_EQ(tick_decimals(0.25), 2);
  EXPECT_EQ(tick_decimals(0.002), 3);
}

TEST(SvgChart, FormatNumberGroupsThousands) {
  EXPECT_EQ(format_number(1234567.891, 1), "1,234,567.9");
  EXPECT_EQ(format_number(1234, 0), "1,234");
  EXPECT_EQ(format_number(999.96, 1), "1,000.0");
  EXPECT_EQ(format_number(123, 0), "123");
  EXPECT_EQ(format_number(-1234.4, 0), "-1,234");
  EXPECT_EQ(format_number(-0.004, 2), "0.00");
  EXPECT_EQ(format_number(0.25, 2), "0.25");
  EXPECT_EQ(format_number(100000, 0), "100,000");
  EXPECT_EQ(format_number(std::nan(""), 1), "n/a");
}

TEST(SvgChart, FormatPercentShowsTailsHonestly) {
  EXPECT_EQ(format_percent(0.58572), "58.6%");
  EXPECT_EQ(format_percent(0.00034), "<0.1%");
  EXPECT_EQ(format_percent(0.99999), ">99.9%");
  EXPECT_EQ(format_percent(0.0), "0%");
  EXPECT_EQ(format_percent(1.0), "100%");
  EXPECT_EQ(format_percent(0.123456, 2), "12.35%");
}

TEST(SvgChart, YearTicksAreIntegersWithARoundStep) {
  EXPECT_EQ(year_ticks(2024, 2035, 12),
            (std::vector<int>{2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035}));
  EXPECT_EQ(year_ticks(2019, 2035, 12), (std::vector<int>{2020, 2022, 2024, 2026, 2028, 2030, 2032, 2034}));
  EXPECT_EQ(year_ticks(2000, 2100, 12), (std::vector<int>{2000, 2010, 2020, 2030, 2040, 2050, 2060, 2070, 2080, 2090,
                                                          2100}));
  EXPECT_EQ(year_ticks(2024, 2024), (std::vector<int>{2024}));
  EXPECT_EQ(year_ticks(2024, 2025, 12), (std::vector<int>{2024, 2025}));
}

TEST(SvgChart, LinearScaleMapsEndsAndMiddle) {
  const LinearScale y{0, 100, 290, 14};  // inverted: larger values higher up
  EXPECT_DOUBLE_EQ(y(0), 290);
  EXPECT_DOUBLE_EQ(y(100), 14);
  EXPECT_DOUBLE_EQ(y(50), 152);
  const LinearScale flat{3, 3, 10, 20};
  EXPECT_DOUBLE_EQ(flat(3), 15);
}

TEST(SvgChart, EscapeReplacesMarkupCharacters) {
  EXPECT_EQ(escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  EXPECT_EQ(escape("plain [x=1, y=2]"), "plain [x=1, y=2]");
}

FanChartSpec three_year_spec() {
  FanChartSpec spec;
  spec.title = "Nanshan \u2014 GDP";
  spec.y_title = "GDP (billion CNY)";
  spec.first_year = 2022;
  spec.last_year = 2027;
  FanSeries s;
  s.years = {2025, 2026, 2027};
  s.outer_low = {900, 950, 1000};
  s.outer_high = {1100, 1200, 1300};
  s.inner_low = {950, 1000, 1060};
  s.inner_high = {1050, 1120, 1200};
  s.centre = {1000, 1060, 1130};
  spec.series.push_back(s);
  spec.observed = {{2022, 800}, {2023, 850}};
  return spec;
}

/// Number of points in the `index`-th polygon of `svg`.
std::size_t polygon_points(const std::string& svg, std::size_t index) {
  const std::regex polygon("<polygon points=\"([^\"]*)\"");
  auto it = std::sregex_iterator(svg.begin(), svg.end(), polygon);
  for (std::size_t i = 0; i < index && it != std::sregex_iterator(); ++i) ++it;
  if (it == std::sregex_iterator()) return 0;
  std::istringstream points((*it)[1].str());
  std::size_t n = 0;
  for (std::string p; points >> p;) ++n;
  return n;
}

TEST(SvgChart, FanBandsArePolygonsOfTwiceTheYears) {
  FanChartSpec spec = three_year_spec();
  const std::string without_start = fan_chart(spec);
  EXPECT_EQ(count(without_start, "<polygon"), 2U);  // outer and inner band
  EXPECT_EQ(polygon_points(without_start, 0), 6U);
  EXPECT_EQ(polygon_points(without_start, 1), 6U);
  spec.series[0].start = std::make_pair(2024, 880.0);
  const std::string with_start = fan_chart(spec);
  EXPECT_EQ(polygon_points(with_start, 0), 8U);  // the base-year point joins both edges
}

TEST(SvgChart, FanChartHasAxesLabelsLegendAndTooltips) {
  const std::string svg = fan_chart(three_year_spec());
  EXPECT_EQ(testing::unbalanced_tags(svg), "");
  EXPECT_NE(svg.find("viewBox=\"0 0 640 "), std::string::npos);
  EXPECT_NE(svg.find("width=\"100%\""), std::string::npos);
  EXPECT_NE(svg.find(">GDP (billion CNY)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">year</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1,200</text>"), std::string::npos) << "y ticks with thousands separators";
  for (int year = 2022; year <= 2027; ++year) EXPECT_NE(svg.find(">" + std::to_string(year) + "</text>"), std::string::npos);
  EXPECT_NE(svg.find(">5th\u201395th percentile</text>"), std::string::npos);
  EXPECT_NE(svg.find(">median</text>"), std::string::npos);
  EXPECT_NE(svg.find(">observed</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "r=\"3.4\""), 2U) << "one dot per observed year";
  EXPECT_NE(svg.find("<title>2026\nmedian: 1,060.0"), std::string::npos) << "hover column of 2026";
  EXPECT_NE(svg.find("<title>2022: 800.0 (observed)</title>"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

TEST(SvgChart, ReferenceLinesInsideAreDashedAndOutsideAreNoted) {
  FanChartSpec spec = three_year_spec();
  spec.references = {{1000, "trillion <club>"}, {50000, "far away"}};
  const std::string svg = fan_chart(spec);
  EXPECT_NE(svg.find("stroke-dasharray=\"7 4\"><title>trillion &lt;club&gt; (1,000.0)</title>"), std::string::npos);
  EXPECT_NE(svg.find(">trillion &lt;club&gt; (1,000.0)</text>"), std::string::npos);
  EXPECT_NE(svg.find("far away (50,000.0), above the chart</text>"), std::string::npos);
  EXPECT_EQ(svg.find("<club>"), std::string::npos) << "labels are escaped";
  EXPECT_EQ(testing::unbalanced_tags(svg), "");
}

TEST(SvgChart, TwoSeriesGetPrefixedLegendsAndTheirColours) {
  FanChartSpec spec = three_year_spec();
  FanSeries b = spec.series[0];
  spec.series[0].name = "A";
  b.name = "B";
  b.colour = kVermillion;
  b.dashed_centre = true;
  for (double& v : b.centre) v += 30;
  spec.series.push_back(b);
  const std::string svg = fan_chart(spec);
  EXPECT_EQ(count(svg, "<polygon"), 4U);
  EXPECT_NE(svg.find(">A: median</text>"), std::string::npos);
  EXPECT_NE(svg.find(">B: median</text>"), std::string::npos);
  EXPECT_NE(svg.find("stroke=\"#D55E00\" stroke-width=\"2.2\" stroke-dasharray"), std::string::npos);
}

TEST(SvgChart, BarChartDrawsOneBarPerCategoryAndACumulativeLine) {
  BarChartSpec spec;
  spec.title = "first crossing";
  spec.x_title = "first year";
  spec.categories = {"2025", "2026", "2027", "never"};
  spec.series.push_back({"", kBlue, false, {0.1, 0.5, 0.3, 0.1}});
  spec.cumulative_count = 3;
  spec.muted_category = 3;
  const std::string svg = probability_bar_chart(spec);
  EXPECT_EQ(testing::unbalanced_tags(svg), "");
  EXPECT_EQ(count(svg, "<title>2026: 50.00%</title>"), 1U);
  EXPECT_EQ(count(svg, "<title>never: 10.00%</title>"), 1U);
  EXPECT_NE(svg.find("<title>by 2027: 90.00%</title>"), std::string::npos) << "running sum";
  EXPECT_EQ(count(svg, "<polyline"), 1U);
  EXPECT_NE(svg.find(">100</text>"), std::string::npos) << "probability axis up to 100%";
  EXPECT_NE(svg.find(">probability (%)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">50.0%</text>"), std::string::npos) << "value label";
  EXPECT_NE(svg.find(">never</text>"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#8C8C8C\""), std::string::npos) << "the never bar is grey";
}

TEST(SvgChart, ManyCategoriesThinOutTheirLabelsButKeepNever) {
  BarChartSpec spec;
  for (int y = 2025; y <= 2075; ++y) spec.categories.push_back(std::to_string(y));
  spec.categories.push_back("never");
  spec.series.push_back({"", kBlue, false, std::vector<double>(spec.categories.size(), 1.0 / 52)});
  const std::string svg = probability_bar_chart(spec);
  EXPECT_NE(svg.find(">never</text>"), std::string::npos);
  EXPECT_NE(svg.find(">2025</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">2026</text>"), std::string::npos) << "not every year is labelled";
}

}  // namespace
}  // namespace districtcast::svg
