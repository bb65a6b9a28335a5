#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

namespace districtcast::svg {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_number(double value, int decimals) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "\u221e" : "\u2212\u221e";
  decimals = std::clamp(decimals, 0, 12);
  std::string digits = fmt::format("{:.{}f}", std::fabs(value), decimals);
  const bool negative = value < 0 && digits.find_first_not_of("0.") != std::string::npos;
  const auto point = digits.find('.');
  std::string integer = digits.substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : digits.substr(point);
  std::string grouped;
  for (std::size_t i = 0; i < integer.size(); ++i) {
    if (i > 0 && (integer.size() - i) % 3 == 0) grouped += ',';
    grouped += integer[i];
  }
  return (negative ? "-" : "") + grouped + fraction;
}

std::string format_percent(double probability, int decimals) {
  if (std::isnan(probability)) return "n/a";
  if (probability <= 0.0) return "0%";
  if (probability >= 1.0) return "100%";
  const double smallest = std::pow(10.0, -decimals) / 100.0;  // 0.001 for one decimal
  if (probability < smallest) return "<" + format_number(smallest * 100.0, decimals) + "%";
  if (probability > 1.0 - smallest) return ">" + format_number(100.0 - smallest * 100.0, decimals) + "%";
  return format_number(probability * 100.0, decimals) + "%";
}

Ticks nice_ticks(double low, double high, int target_intervals) {
  if (!std::isfinite(low) || !std::isfinite(high)) {
    low = 0.0;
    high = 1.0;
  }
  if (low > high) std::swap(low, high);
  if (high - low <= 1e-12 * std::max(1.0, std::fabs(high))) {
    const double pad = low == 0.0 ? 1.0 : std::fabs(low) * 0.05;
    low -= pad;
    high += pad;
  }
  target_intervals = std::max(1, target_intervals);
  const double raw = (high - low) / target_intervals;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalised = raw / magnitude;
  double multiple = 10.0;
  for (double m : {1.0, 2.0, 2.5, 5.0}) {
    if (normalised <= m * (1.0 + 1e-9)) {
      multiple = m;
      break;
    }
  }
  Ticks ticks;
  ticks.step = multiple * magnitude;
  const auto first = static_cast<long long>(std::floor(low / ticks.step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(high / ticks.step - 1e-9));
  for (long long k = first; k <= last; ++k) {
    double v = static_cast<double>(k) * ticks.step;
    if (std::fabs(v) < ticks.step * 1e-9) v = 0.0;
    ticks.values.push_back(v);
  }
  if (ticks.values.size() < 2) ticks.values.push_back(ticks.values.back() + ticks.step);
  return ticks;
}

int tick_decimals(double step) {
  step = std::fabs(step);
  if (!(step > 0.0) || !std::isfinite(step)) return 0;
  int d = 0;
  double scaled = step;
  while (d < 12 && std::fabs(scaled - std::round(scaled)) > 1e-6 * scaled) {
    ++d;
    scaled *= 10.0;
  }
  return d;
}

std::vector<int> year_ticks(int first, int last, int max_ticks) {
  if (first > last) std::swap(first, last);
  if (first == last) return {first};
  max_ticks = std::max(2, max_ticks);
  for (long long magnitude = 1;; magnitude *= 10) {
    for (long long m : {1LL, 2LL, 5LL}) {
      const long long step = m * magnitude;
      const long long lo = (first % step == 0) ? first : first + (step - ((first % step) + step) % step);
      std::vector<int> ticks;
      for (long long y = lo; y <= last; y += step) ticks.push_back(static_cast<int>(y));
      if (ticks.size() < 2) return {first, last};
      if (static_cast<int>(ticks.size()) <= max_ticks) return ticks;
    }
  }
}

double LinearScale::operator()(double value) const {
  if (d1 == d0) return (r0 + r1) / 2.0;
  return r0 + (value - d0) / (d1 - d0) * (r1 - r0);
}

const char* series_colour(std::size_t index) {
  static constexpr std::array<const char*, 7> kPalette{"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                       "#E69F00", "#56B4E9", "#F0E442"};
  return kPalette[index % kPalette.size()];
}

namespace {

constexpr double kWidth = 640.0;
constexpr double kPlotLeft = 84.0;
constexpr double kPlotRight = 620.0;
constexpr double kPlotTop = 14.0;
constexpr double kPlotBottom = 290.0;
constexpr double kLegendTop = 346.0;
constexpr double kLegendLeft = 24.0;
constexpr double kLegendRow = 18.0;
constexpr double kCharWidth = 6.0;  // average advance of an 11 px sans-serif character

/// Number of code points in UTF-8 text (to estimate its width).
std::size_t display_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0U) != 0x80U ? 1 : 0;
  return n;
}

std::string num(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

enum class Swatch { band, line, dashed_line, dots, bar, reference };

struct LegendItem {
  std::string label;
  std::string colour;
  Swatch swatch = Swatch::line;
  double opacity = 1.0;
};

/// A plot area with its scales and the layers of SVG text drawn into it (back to front).
struct Plot {
  LinearScale x, y;
  std::string grid, data, front, labels, hover;
  std::vector<LegendItem> legend;

  [[nodiscard]] double px(double v) const { return x(v); }
  [[nodiscard]] double py(double v) const { return y(v); }
};

std::string text_element(double x, double y, std::string_view text, std::string_view anchor, double size = 11,
                         std::string_view extra = "") {
  return fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\" fill=\"{}\"{}>{}</text>", num(x),
                     num(y), num(size), anchor, kInk, extra, escape(text));
}

/// Text with a white halo so it stays readable over bands and lines.
std::string halo_text(double x, double y, std::string_view text, std::string_view anchor, double size = 11) {
  return text_element(x, y, text, anchor, size,
                      " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"");
}

std::string points_attribute(const std::vector<std::pair<double, double>>& points) {
  std::string out;
  for (const auto& [x, y] : points) {
    if (!out.empty()) out += ' ';
    out += num(x) + "," + num(y);
  }
  return out;
}

/// Axes: horizontal grid lines at the y ticks, the frame's left and bottom lines, tick marks and labels,
/// and the two axis titles.
void draw_axes(Plot& plot, const std::vector<std::pair<double, std::string>>& x_ticks,
               const std::vector<std::pair<double, std::string>>& y_ticks, std::string_view x_title,
               std::string_view y_title) {
  for (const auto& [value, label] : y_ticks) {
    const double y = plot.py(value);
    plot.grid += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e3e3\" stroke-width=\"1\"/>",
                             num(kPlotLeft), num(y), num(kPlotRight), num(y));
    plot.labels += text_element(kPlotLeft - 7, y + 4, label, "end");
  }
  for (const auto& [value, label] : x_ticks) {
    const double x = plot.px(value);
    plot.grid += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
                             num(x), num(kPlotBottom), num(x), num(kPlotBottom + 5), kInk);
    plot.labels += text_element(x, kPlotBottom + 18, label, "middle");
  }
  plot.grid += fmt::format(
      "<path d=\"M{},{} V{} H{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\"/>", num(kPlotLeft), num(kPlotTop),
      num(kPlotBottom), num(kPlotRight), kInk);
  plot.labels += text_element((kPlotLeft + kPlotRight) / 2, kPlotBottom + 37, x_title, "middle", 12);
  const double mid_y = (kPlotTop + kPlotBottom) / 2;
  plot.labels += text_element(0, 0, y_title, "middle", 12,
                              fmt::format(" transform=\"translate(16,{}) rotate(-90)\"", num(mid_y)));
}

/// The legend rows below the x axis title; returns the height they need.
std::string draw_legend(const std::vector<LegendItem>& items, double& total_height) {
  std::string out;
  double x = kLegendLeft;
  double y = kLegendTop;
  for (const auto& item : items) {
    const double width = 26.0 + static_cast<double>(display_length(item.label)) * kCharWidth + 14.0;
    if (x > kLegendLeft && x + width > kWidth - 4) {
      x = kLegendLeft;
      y += kLegendRow;
    }
    const double cy = y - 4;
    switch (item.swatch) {
      case Swatch::band:
        out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"20\" height=\"10\" fill=\"{}\" fill-opacity=\"{}\"/>",
                           num(x), num(cy - 5), item.colour, item.opacity);
        break;
      case Swatch::bar:
        out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"11\" fill=\"{}\" fill-opacity=\"{}\"/>",
                           num(x + 4), num(cy - 6), item.colour, item.opacity);
        break;
      case Swatch::line:
      case Swatch::dashed_line:
      case Swatch::reference:
        out += fmt::format(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>", num(x), num(cy),
            num(x + 20), num(cy), item.colour, item.swatch == Swatch::reference ? "1.5" : "2.2",
            item.swatch == Swatch::line ? "" : " stroke-dasharray=\"5 3\"");
        break;
      case Swatch::dots:
        out += fmt::format(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"/>"
            "<circle cx=\"{}\" cy=\"{}\" r=\"3.2\" fill=\"{}\"/>",
            num(x), num(cy), num(x + 20), num(cy), item.colour, num(x + 10), num(cy), item.colour);
        break;
    }
    out += text_element(x + 26, y, item.label, "start");
    x += width;
  }
  total_height = items.empty() ? kLegendTop - 8 : y + 10;
  return out;
}

std::string finish_svg(const Plot& plot, std::string_view title) {
  double height = 0;
  const std::string legend = draw_legend(plot.legend, height);
  return fmt::format(
      "<svg viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" "
      "aria-label=\"{}\" font-family=\"inherit\">"
      "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>"
      "<g class=\"grid\">{}</g><g class=\"data\">{}</g><g class=\"front\">{}</g><g class=\"labels\">{}</g>"
      "<g class=\"legend\">{}</g><g class=\"hover\">{}</g></svg>",
      num(kWidth), num(height), escape(title), num(kWidth), num(height), plot.grid, plot.data, plot.front,
      plot.labels, legend, plot.hover);
}

/// Transparent full-height column with a tooltip (hovering anywhere above a year shows its numbers).
std::string hover_column(double x0, double x1, std::string_view tooltip) {
  return fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0\"><title>{}</title></rect>",
      num(x0), num(kPlotTop), num(std::max(0.0, x1 - x0)), num(kPlotBottom - kPlotTop), escape(tooltip));
}

/// A label's box in pixels.
struct Box {
  double x0, y0, x1, y1;
  [[nodiscard]] bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

/// What a label should not cover: for each x pixel column, the vertical extents (in pixels) of the drawn
/// data there, sampled every 3 px, plus boxes of labels already placed.
struct Occupancy {
  std::vector<std::vector<std::pair<double, double>>> columns;  // per sampled column: [top, bottom] spans
  std::vector<Box> boxes;
  [[nodiscard]] bool free(const Box& b) const {
    for (const auto& other : boxes) {
      if (b.overlaps(other)) return false;
    }
    for (double x = std::max(b.x0, kPlotLeft); x <= std::min(b.x1, kPlotRight); x += 3.0) {
      const auto i = static_cast<std::size_t>((x - kPlotLeft) / 3.0);
      if (i >= columns.size()) break;
      for (const auto& [top, bottom] : columns[i]) {
        if (top < b.y1 && b.y0 < bottom) return false;
      }
    }
    return true;
  }
};

/// Piecewise-linear interpolation of (x, y) points at x (nullopt outside their range).
std::optional<double> interpolate(const std::vector<std::pair<double, double>>& points, double x) {
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const auto& [xa, ya] = points[i];
    const auto& [xb, yb] = points[i + 1];
    if (x >= xa && x <= xb) return xb == xa ? ya : ya + (yb - ya) * (x - xa) / (xb - xa);
  }
  if (points.size() == 1 && std::fabs(points[0].first - x) < 1.5) return points[0].second;
  return std::nullopt;
}

/// Reference lines: in range as dashed lines with a label placed where it covers no band, line or other
/// label (right or left end, above or below the line; right above when nothing is free); out of range as
/// notes stacked at the top or bottom edge.
void draw_references(Plot& plot, const std::vector<ReferenceLine>& references, double y_min, double y_max,
                     int decimals, Occupancy& occupancy) {
  std::vector<ReferenceLine> inside;
  int above = 0, below = 0;
  for (const auto& r : references) {
    const std::string value = format_number(r.value, decimals);
    const std::string name = r.label.empty() ? value : r.label + " (" + value + ")";
    if (r.value > y_max) {
      plot.labels += halo_text(kPlotRight - 4, kPlotTop + 12 + 14 * above++, "\u25b2 " + name + ", above the chart",
                               "end", 10.5);
    } else if (r.value < y_min) {
      plot.labels += halo_text(kPlotRight - 4, kPlotBottom - 6 - 14 * below++, "\u25bc " + name + ", below the chart",
                               "end", 10.5);
    } else {
      inside.push_back(r);
    }
  }
  std::sort(inside.begin(), inside.end(), [](const auto& a, const auto& b) { return a.value > b.value; });
  for (const auto& r : inside) {
    const double y = plot.py(r.value);
    const std::string value = format_number(r.value, decimals);
    const std::string name = r.label.empty() ? value : r.label + " (" + value + ")";
    plot.front += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"7 4\">"
        "<title>{}</title></line>",
        num(kPlotLeft), num(y), num(kPlotRight), num(y), kInk, escape(name));
    const double width = static_cast<double>(display_length(name)) * 5.9;
    struct Candidate {
      double x;
      const char* anchor;
      double baseline;
    };
    const std::array<Candidate, 4> candidates{{{kPlotRight - 4, "end", y - 5},
                                               {kPlotLeft + 6, "start", y - 5},
                                               {kPlotRight - 4, "end", y + 14},
                                               {kPlotLeft + 6, "start", y + 14}}};
    const Candidate* chosen = nullptr;
    for (const auto& c : candidates) {
      const double x0 = c.anchor[0] == 'e' ? c.x - width : c.x;
      const Box box{x0 - 2, c.baseline - 11, x0 + width + 2, c.baseline + 3};
      if (box.y0 < kPlotTop || box.y1 > kPlotBottom) continue;
      if (occupancy.free(box)) {
        chosen = &c;
        break;
      }
    }
    if (!chosen) chosen = y - 16 < kPlotTop ? &candidates[2] : &candidates[0];
    const double x0 = chosen->anchor[0] == 'e' ? chosen->x - width : chosen->x;
    occupancy.boxes.push_back({x0 - 2, chosen->baseline - 11, x0 + width + 2, chosen->baseline + 3});
    plot.labels += halo_text(chosen->x, chosen->baseline, name, chosen->anchor, 10.5);
  }
}

/// Values of one series with its optional start point prepended, as (year, value) pairs.
std::vector<std::pair<double, double>> with_start(const FanSeries& s, const std::vector<double>& values) {
  std::vector<std::pair<double, double>> out;
  if (s.start) out.emplace_back(s.start->first, s.start->second);
  for (std::size_t i = 0; i < s.years.size() && i < values.size(); ++i) out.emplace_back(s.years[i], values[i]);
  return out;
}

void draw_band(Plot& plot, const FanSeries& s, const std::vector<double>& low, const std::vector<double>& high,
               double opacity, const std::string& label) {
  if (low.empty() || high.empty()) return;
  std::vector<std::pair<double, double>> polygon;
  for (const auto& [x, y] : with_start(s, low)) polygon.emplace_back(plot.px(x), plot.py(y));
  const auto upper = with_start(s, high);
  for (auto it = upper.rbegin(); it != upper.rend(); ++it) polygon.emplace_back(plot.px(it->first), plot.py(it->second));
  plot.data += fmt::format("<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"{}\" stroke=\"none\"/>",
                           points_attribute(polygon), s.colour, opacity);
  plot.legend.push_back({s.name.empty() ? label : s.name + ": " + label, s.colour, Swatch::band, opacity});
}

std::string prefixed(const std::string& name, const std::string& label) {
  return name.empty() ? label : name + ": " + label;
}

}  // namespace

std::string fan_chart(const FanChartSpec& spec) {
  // Value range over everything drawn, then references close enough to be worth showing in scale.
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  auto include = [&](double v) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  };
  for (const auto& s : spec.series) {
    for (const auto* values : {&s.outer_low, &s.outer_high, &s.inner_low, &s.inner_high, &s.centre}) {
      for (double v : *values) include(v);
    }
    if (s.start) include(s.start->second);
  }
  for (const auto& [year, v] : spec.observed) include(v);
  if (!std::isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  const double span = std::max(hi - lo, std::fabs(hi) * 0.05);
  for (const auto& r : spec.references) {
    if (r.value >= lo - 0.6 * span && r.value <= hi + 0.6 * span) {  // with room so it is not on the axis
      include(r.value - 0.03 * span);
      include(r.value + 0.03 * span);
    }
  }
  const Ticks ticks = nice_ticks(lo, hi, 5);
  const double y_min = ticks.values.front();
  const double y_max = ticks.values.back();

  int first_year = spec.first_year;
  int last_year = std::max(spec.last_year, first_year + 1);
  Plot plot;
  plot.x = {first_year - 0.4, last_year + 0.4, kPlotLeft, kPlotRight};
  plot.y = {y_min, y_max, kPlotBottom, kPlotTop};

  std::vector<std::pair<double, std::string>> x_ticks, y_ticks;
  for (int year : year_ticks(first_year, last_year, 12)) x_ticks.emplace_back(year, std::to_string(year));
  const int decimals = tick_decimals(ticks.step);
  for (double v : ticks.values) y_ticks.emplace_back(v, format_number(v, decimals));
  draw_axes(plot, x_ticks, y_ticks, "year", spec.y_title);

  for (const auto& s : spec.series) {
    draw_band(plot, s, s.outer_low, s.outer_high, 0.18, s.outer_label);
    draw_band(plot, s, s.inner_low, s.inner_high, 0.36, s.inner_label);
  }
  for (const auto& s : spec.series) {
    if (s.centre.empty()) continue;
    std::vector<std::pair<double, double>> line;
    for (const auto& [x, y] : with_start(s, s.centre)) line.emplace_back(plot.px(x), plot.py(y));
    plot.front += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.2\"{}/>",
                              points_attribute(line), s.colour,
                              s.dashed_centre ? " stroke-dasharray=\"6 3\"" : "");
    plot.legend.push_back(
        {prefixed(s.name, s.centre_label), s.colour, s.dashed_centre ? Swatch::dashed_line : Swatch::line, 1.0});
  }
  if (!spec.observed.empty()) {
    std::vector<std::pair<double, double>> line;
    for (const auto& [year, v] : spec.observed) line.emplace_back(plot.px(year), plot.py(v));
    if (line.size() > 1) {
      plot.front += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>",
                                points_attribute(line));
    }
    for (const auto& [year, v] : spec.observed) {
      plot.front += fmt::format(
          "<circle cx=\"{}\" cy=\"{}\" r=\"3.4\" fill=\"#000000\" stroke=\"#ffffff\" stroke-width=\"1\">"
          "<title>{}</title></circle>",
          num(plot.px(year)), num(plot.py(v)),
          escape(fmt::format("{}: {} ({})", year, format_number(v, spec.value_decimals), spec.observed_label)));
    }
    plot.legend.push_back({spec.observed_label, "#000000", Swatch::dots, 1.0});
  }
  // Where the data is, so threshold labels can avoid it.
  Occupancy occupancy;
  {
    std::vector<std::vector<std::pair<double, double>>> lows, highs;
    for (const auto& s : spec.series) {
      const auto& low = !s.outer_low.empty() ? s.outer_low : (!s.inner_low.empty() ? s.inner_low : s.centre);
      const auto& high = !s.outer_high.empty() ? s.outer_high : (!s.inner_high.empty() ? s.inner_high : s.centre);
      lows.push_back(with_start(s, low));
      highs.push_back(with_start(s, high));
    }
    std::vector<std::pair<double, double>> observed(spec.observed.begin(), spec.observed.end());
    for (double x = kPlotLeft; x <= kPlotRight; x += 3.0) {
      const double year = plot.x.d0 + (x - kPlotLeft) / (kPlotRight - kPlotLeft) * (plot.x.d1 - plot.x.d0);
      std::vector<std::pair<double, double>> spans;
      for (std::size_t k = 0; k < lows.size(); ++k) {
        const auto lo_v = interpolate(lows[k], year);
        const auto hi_v = interpolate(highs[k], year);
        if (lo_v && hi_v) spans.emplace_back(plot.py(*hi_v) - 2, plot.py(*lo_v) + 2);
      }
      if (const auto v = interpolate(observed, year)) spans.emplace_back(plot.py(*v) - 5, plot.py(*v) + 5);
      occupancy.columns.push_back(std::move(spans));
    }
  }
  draw_references(plot, spec.references, y_min, y_max, spec.value_decimals, occupancy);
  if (!spec.references.empty()) plot.legend.push_back({"threshold", kInk, Swatch::reference, 1.0});

  // Tooltips: one column per simulated year with every series' numbers.
  std::map<int, std::string> tooltips;
  for (const auto& s : spec.series) {
    for (std::size_t i = 0; i < s.years.size(); ++i) {
      std::string& t = tooltips[s.years[i]];
      if (t.empty()) t = std::to_string(s.years[i]);
      auto at = [&](const std::vector<double>& v) {
        return i < v.size() ? format_number(v[i], spec.value_decimals) : std::string();
      };
      if (!s.centre.empty()) t += fmt::format("\n{}: {}", prefixed(s.name, s.centre_label), at(s.centre));
      if (!s.inner_low.empty() && !s.inner_high.empty())
        t += fmt::format("\n{}: {} \u2013 {}", prefixed(s.name, s.inner_label), at(s.inner_low), at(s.inner_high));
      if (!s.outer_low.empty() && !s.outer_high.empty())
        t += fmt::format("\n{}: {} \u2013 {}", prefixed(s.name, s.outer_label), at(s.outer_low), at(s.outer_high));
    }
  }
  for (const auto& [year, text] : tooltips) {
    plot.hover += hover_column(plot.px(year - 0.5), plot.px(year + 0.5), text);
  }
  return finish_svg(plot, spec.title);
}

std::string probability_bar_chart(const BarChartSpec& spec) {
  const std::size_t n = std::max<std::size_t>(1, spec.categories.size());
  const std::size_t series_count = std::max<std::size_t>(1, spec.series.size());
  double max_value = 0.0;
  for (const auto& s : spec.series) {
    for (double p : s.probability) max_value = std::max(max_value, p);
  }
  Ticks ticks;
  if (spec.cumulative_count > 0) {
    ticks.step = 20;
    ticks.values = {0, 20, 40, 60, 80, 100};
  } else {
    ticks = nice_ticks(0, std::max(max_value * 100.0, 1.0), 5);
  }
  Plot plot;
  plot.x = {-0.5, static_cast<double>(n) - 0.5, kPlotLeft, kPlotRight};
  plot.y = {0.0, ticks.values.back(), kPlotBottom, kPlotTop};

  const double category_px = (kPlotRight - kPlotLeft) / static_cast<double>(n);
  const auto label_every = static_cast<std::size_t>(std::ceil(38.0 / category_px));
  std::vector<std::pair<double, std::string>> x_ticks, y_ticks;
  for (std::size_t i = 0; i < spec.categories.size(); ++i) {
    const bool muted = spec.muted_category && *spec.muted_category == i;
    if (i % label_every == 0 || muted || i + 1 == spec.categories.size()) {
      // Skip a label that would collide with the always-shown last one.
      if (!muted && i + 1 != spec.categories.size() && (spec.categories.size() - 1 - i) < label_every) continue;
      x_ticks.emplace_back(static_cast<double>(i), spec.categories[i]);
    }
  }
  const int decimals = tick_decimals(ticks.step);
  for (double v : ticks.values) y_ticks.emplace_back(v, format_number(v, decimals));
  draw_axes(plot, x_ticks, y_ticks, spec.x_title, spec.y_title);

  // The running sums first, so bar labels can keep clear of their lines.
  struct Cumulative {
    std::vector<std::pair<double, double>> line;  // pixels
    std::vector<double> values;
  };
  std::vector<Cumulative> cumulative(spec.cumulative_count > 0 ? spec.series.size() : 0);
  for (std::size_t k = 0; k < cumulative.size(); ++k) {
    double sum = 0.0;
    for (std::size_t i = 0; i < spec.cumulative_count && i < spec.series[k].probability.size(); ++i) {
      sum = std::min(sum + spec.series[k].probability[i], 1.0);
      cumulative[k].values.push_back(sum);
      cumulative[k].line.emplace_back(plot.px(static_cast<double>(i)), plot.py(sum * 100.0));
    }
  }
  auto clear_of_lines = [&](double x0, double y0, double x1, double y1) {
    for (const auto& c : cumulative) {
      for (std::size_t j = 0; j < c.line.size(); ++j) {
        const auto& a = c.line[j];
        const auto& b = j + 1 < c.line.size() ? c.line[j + 1] : c.line[j];
        for (int t = 0; t <= 40; ++t) {
          const double x = a.first + (b.first - a.first) * t / 40.0;
          const double y = a.second + (b.second - a.second) * t / 40.0;
          if (x >= x0 - 3 && x <= x1 + 3 && y >= y0 - 3 && y <= y1 + 3) return false;
        }
      }
    }
    return true;
  };

  const double group = 0.8;
  const double bar_width = group / static_cast<double>(series_count);
  const bool value_labels = series_count == 1 && category_px >= 30.0;
  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    const auto& s = spec.series[k];
    for (std::size_t i = 0; i < s.probability.size() && i < spec.categories.size(); ++i) {
      const double p = s.probability[i];
      const double x0 = static_cast<double>(i) - group / 2 + bar_width * static_cast<double>(k);
      const double top = plot.py(p * 100.0);
      const bool muted = spec.muted_category && *spec.muted_category == i;
      const std::string colour = muted && series_count == 1 ? kGrey : s.colour;
      plot.data += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"{}\"><title>{}</title></rect>",
          num(plot.px(x0) + 0.5), num(top), num(std::max(0.5, plot.px(x0 + bar_width) - plot.px(x0) - 1.0)),
          num(std::max(0.0, kPlotBottom - top)), colour, muted && series_count > 1 ? 0.45 : 0.85,
          escape(fmt::format("{}{}: {}", s.name.empty() ? "" : s.name + ", ", spec.categories[i],
                             format_percent(p, 2))));
      if (!value_labels || p < 0.005) continue;
      // Above the bar if that is clear of the cumulative line, else inside it (at its top or half way
      // down), else none (the tooltip still has it).
      const std::string label = format_percent(p, 1);
      const double x = plot.px(static_cast<double>(i));
      const double half = static_cast<double>(display_length(label)) * 5.6 / 2.0;
      const double height = kPlotBottom - top;
      auto inside = [&](double baseline) {
        plot.labels += fmt::format(
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#ffffff\">{}</text>", num(x),
            num(baseline), escape(label));
      };
      if (clear_of_lines(x - half, top - 14, x + half, top - 2)) {
        plot.labels += halo_text(x, top - 4, label, "middle", 10);
      } else if (height >= 18 && clear_of_lines(x - half, top + 3, x + half, top + 15)) {
        inside(top + 13);
      } else if (height >= 26 && clear_of_lines(x - half, top + height / 2 - 6, x + half, top + height / 2 + 6)) {
        inside(top + height / 2 + 4);
      }
    }
    plot.legend.push_back({prefixed(s.name, spec.bar_label), s.colour, Swatch::bar, 0.85});
  }
  for (std::size_t k = 0; k < cumulative.size(); ++k) {
    const auto& s = spec.series[k];
    // A lone series draws its running sum in ink so it stands apart from the bars.
    const std::string colour = series_count == 1 ? std::string(kInk) : s.colour;
    std::string dots;
    for (std::size_t i = 0; i < cumulative[k].line.size(); ++i) {
      dots += fmt::format(
          "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"1.6\">"
          "<title>{}</title></circle>",
          num(cumulative[k].line[i].first), num(cumulative[k].line[i].second), colour,
          escape(fmt::format("{}by {}: {}", s.name.empty() ? "" : s.name + ", ", spec.categories[i],
                             format_percent(cumulative[k].values[i], 2))));
    }
    plot.front += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\"{}/>",
                              points_attribute(cumulative[k].line), colour,
                              s.dashed_cumulative ? " stroke-dasharray=\"6 3\"" : "");
    plot.front += dots;
    plot.legend.push_back({prefixed(s.name, spec.cumulative_label), colour,
                           s.dashed_cumulative ? Swatch::dashed_line : Swatch::line, 1.0});
  }
  return finish_svg(plot, spec.title);
}

}  // namespace districtcast::svg
