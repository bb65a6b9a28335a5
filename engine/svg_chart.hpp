#pragma once
/// \file Static SVG charts for the HTML report: nice axis ticks, number formatting, escaping, and two chart
/// kinds built from plain data (fan charts over calendar years, probability bar charts over categories).
/// Output is inline SVG text: presentation attributes only (no CSS classes needed, no script), tooltips as
/// <title> elements, every string escaped. Colours come from the Okabe-Ito colour-blind-safe palette.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast::svg {

/// `text` with & < > " ' replaced by entities: safe as XML/HTML text and as a quoted attribute value.
[[nodiscard]] std::string escape(std::string_view text);

/// `value` rounded to `decimals` (0..12) digits after the point, with a comma between thousands:
/// format_number(1234567.891, 1) == "1,234,567.9", format_number(-0.004, 2) == "0.00". NaN -> "n/a".
[[nodiscard]] std::string format_number(double value, int decimals);

/// Evenly spaced axis ticks: `values` run from a multiple of `step` at or below the low end of the range
/// to one at or above the high end; `step` is 1, 2, 2.5 or 5 times a power of ten, chosen so there are
/// about `target_intervals` intervals.
struct Ticks {
  std::vector<double> values;
  double step = 1.0;
};

/// Nice ticks covering [low, high] (swapped if reversed). An empty or non-finite range is widened
/// around its value so there are always at least two ticks. nice_ticks(0, 1234) -> 0, 250, ..., 1250.
[[nodiscard]] Ticks nice_ticks(double low, double high, int target_intervals = 5);

/// Digits after the point needed to print multiples of `step` exactly (0 for steps >= 1; 1 for 0.5 or
/// 0.25 -> 2, ...), at most 12.
[[nodiscard]] int tick_decimals(double step);

/// Integer ticks from `first` to `last` (both included when they fall on the step) with a step of 1, 2,
/// 5, 10, 20, 50, ... years, the smallest that gives at most `max_ticks` ticks; ticks are multiples of
/// the step (so 2025, 2030, 2035), except that a range shorter than the step gives {first, last}.
[[nodiscard]] std::vector<int> year_ticks(int first, int last, int max_ticks = 12);

/// Linear map of the data interval [d0, d1] onto the pixel interval [r0, r1] (d0 == d1 maps to the middle).
struct LinearScale {
  double d0 = 0.0, d1 = 1.0, r0 = 0.0, r1 = 1.0;
  [[nodiscard]] double operator()(double value) const;
};

/// The Okabe-Ito palette (Wong 2011, Nature Methods), distinguishable with every common colour-vision
/// deficiency; series_colour(i) cycles through its non-black colours, blue first.
[[nodiscard]] const char* series_colour(std::size_t index);
inline constexpr const char* kBlue = "#0072B2";
inline constexpr const char* kVermillion = "#D55E00";
inline constexpr const char* kInk = "#222222";
inline constexpr const char* kGrey = "#8C8C8C";

/// A labelled horizontal reference line (e.g. a threshold), drawn dashed; one outside the value range is
/// shown as a note at the chart's top or bottom edge instead of stretching the axis.
struct ReferenceLine {
  double value = 0.0;
  std::string label;
};

/// One fan (distribution over years) of a fan chart. Vectors are parallel to `years`; a band is drawn
/// when both of its bounds are non-empty, the centre line when `centre` is non-empty.
struct FanSeries {
  std::string name;                 ///< prefix of legend entries and tooltips, e.g. "A"; "" for a lone series
  std::string colour = kBlue;       ///< "#RRGGBB"
  bool dashed_centre = false;       ///< dashed centre line (the second run of a comparison)
  std::vector<int> years;           ///< ascending calendar years
  std::vector<double> outer_low, outer_high;  ///< e.g. p5, p95
  std::vector<double> inner_low, inner_high;  ///< e.g. p25, p75
  std::vector<double> centre;                 ///< median (or the mean when the run has no median)
  std::string outer_label = "5th\u201395th percentile";  ///< legend text of each element
  std::string inner_label = "25th\u201375th percentile";
  std::string centre_label = "median";
  /// A known starting value (year, value), e.g. the base-year GDP: every band and the centre line begin there.
  std::optional<std::pair<int, double>> start;
};

/// A fan chart: x = calendar years (integer ticks), y = value with nice ticks and thousands separators.
struct FanChartSpec {
  std::string title;   ///< accessible name of the figure (aria-label); the visible title is the page's
  std::string y_title; ///< e.g. "GDP (billion CNY)"
  int first_year = 0;  ///< x range
  int last_year = 0;
  std::vector<FanSeries> series;
  std::map<int, double> observed;  ///< observed values by year, drawn as black dots joined by a line
  std::string observed_label = "observed";
  std::vector<ReferenceLine> references;
  int value_decimals = 1;  ///< digits of values in tooltips
};

/// The fan chart as an <svg> element (viewBox 640 wide, about 360 high plus legend rows; width 100%).
[[nodiscard]] std::string fan_chart(const FanChartSpec& spec);

/// One series of bars (one bar per category) of a probability bar chart.
struct BarSeries {
  std::string name;  ///< legend prefix, e.g. "A"; "" for a lone series
  std::string colour = kBlue;
  bool dashed_cumulative = false;
  std::vector<double> probability;  ///< one per category, in [0, 1]
};

/// A probability bar chart: categories along x (e.g. years plus "never"), bars side by side per series,
/// y = probability in percent from 0 to 100; optionally each series' running sum over the first
/// `cumulative_count` categories as a line with dots.
struct BarChartSpec {
  std::string title;    ///< accessible name (aria-label)
  std::string x_title;  ///< e.g. "first year at or above the threshold"
  std::string y_title = "probability (%)";
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  std::size_t cumulative_count = 0;  ///< 0: no cumulative line
  std::string bar_label = "P(first reached in year)";
  std::string cumulative_label = "P(reached by year), cumulative";
  std::optional<std::size_t> muted_category;  ///< drawn in grey (e.g. "never")
};

/// The bar chart as an <svg> element (viewBox 640 wide, width 100%).
[[nodiscard]] std::string probability_bar_chart(const BarChartSpec& spec);

/// A percentage for tables and labels: "58.6%", "<0.1%" for (0, 0.001), ">99.9%" for (0.999, 1),
/// "0%" and "100%" exactly; `decimals` digits (default 1).
[[nodiscard]] std::string format_percent(double probability, int decimals = 1);

}  // namespace districtcast::svg
