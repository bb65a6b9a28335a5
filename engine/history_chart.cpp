#include "engine/history_chart.hpp"

#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace districtcast {
namespace {

using svg::escape;
using svg::format_number;

constexpr const char* kNamespace = "http://www.w3.org/2000/svg";
constexpr double kCharWidth = 5.6;  // average advance of a 10 px sans-serif character
constexpr std::size_t kMaxDateLabels = 8;
constexpr std::string_view kChangeLabel = "assumptions changed";

/// A coordinate with at most one decimal ("12", "12.5").
std::string num(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

/// Number of code points in UTF-8 text (to estimate its width).
std::size_t display_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0U) != 0x80U ? 1 : 0;
  return n;
}

std::string text_element(double x, double y, std::string_view text, std::string_view anchor, double size,
                         std::string_view extra = "") {
  return fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\" fill=\"{}\"{}>{}</text>", num(x),
                     num(y), num(size), anchor, svg::kInk, extra, escape(text));
}

/// Text with a white halo so it stays readable over the line and the band.
std::string halo_text(double x, double y, std::string_view text, std::string_view anchor, double size) {
  return text_element(x, y, text, anchor, size,
                      " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"");
}

std::string open_svg(int width, int height, std::string_view title) {
  return fmt::format(
      "<svg xmlns=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\" "
      "font-family=\"system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif\">"
      "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
      kNamespace, width, height, width, height, escape(title), width, height);
}

std::string title_element(std::string_view title) {
  if (title.empty()) return "";
  return text_element(8, 15, title, "start", 12, " font-weight=\"600\"");
}

/// "2026-11-29" from "2026-11-29T02:00:00Z" (the text as is when it is shorter).
std::string date_of(const std::string& started_at) { return started_at.substr(0, std::min<std::size_t>(10, started_at.size())); }

/// `value` with about two significant digits (for standard errors).
std::string two_significant(double value) {
  if (!std::isfinite(value) || value == 0.0) return format_number(value, 0);
  const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(std::fabs(value)))), 0, 12);
  return format_number(value, decimals);
}

std::string points_attribute(const std::vector<std::pair<double, double>>& points) {
  std::string out;
  for (const auto& [x, y] : points) {
    if (!out.empty()) out += ' ';
    out += num(x) + "," + num(y);
  }
  return out;
}

}  // namespace

int history_value_decimals(const std::vector<HistoryPoint>& points) {
  double largest = 0.0;
  for (const auto& p : points) {
    if (std::isfinite(p.value)) largest = std::max(largest, std::fabs(p.value));
  }
  if (largest == 0.0) return 1;
  return std::clamp(3 - static_cast<int>(std::floor(std::log10(largest))), 1, 6);
}

std::string history_chart_svg(const HistorySeries& series, int width, int height) {
  width = std::max(width, 240);
  height = std::max(height, 120);
  const double w = width;
  const double h = height;
  const std::string aria = series.title.empty() ? std::string("history") : series.title;

  if (series.points.empty()) {
    return open_svg(width, height, aria + ": no runs yet") + title_element(series.title) +
           text_element(w / 2, h / 2 + 4, "no runs yet", "middle", 12, " fill-opacity=\"0.8\"") +
           "</svg>";
  }

  const double left = 66.0;
  const double right = w - 16.0;
  const double top = series.title.empty() ? 12.0 : 28.0;
  const double bottom = h - 26.0;
  const auto& points = series.points;
  const std::size_t n = points.size();

  // y range: every value and every band edge.
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  auto include = [&](double v) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  };
  for (const auto& p : points) {
    include(p.value);
    if (p.mc_se && std::isfinite(*p.mc_se)) {
      include(p.value - 2.0 * *p.mc_se);
      include(p.value + 2.0 * *p.mc_se);
    }
  }
  if (!std::isfinite(lo)) {
    lo = 0.0;
    hi = 1.0;
  }
  const svg::Ticks ticks = svg::nice_ticks(lo, hi, 4);
  const svg::LinearScale x{-0.5, static_cast<double>(n) - 0.5, left, right};
  const svg::LinearScale y{ticks.values.front(), ticks.values.back(), bottom, top};
  auto px = [&](std::size_t i) { return x(static_cast<double>(i)); };
  auto py = [&](double v) { return y(std::isfinite(v) ? v : ticks.values.front()); };

  std::string grid, band, changes, line, labels, hover;

  // Axes: grid lines and labels at the y ticks, the frame's left and bottom lines, the units.
  const int tick_digits = svg::tick_decimals(ticks.step);
  for (double v : ticks.values) {
    const double ty = py(v);
    grid += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e3e3\" stroke-width=\"1\"/>", num(left),
                        num(ty), num(right), num(ty));
    labels += text_element(left - 6, ty + 3.5, format_number(v, tick_digits), "end", 10);
  }
  grid += fmt::format("<path d=\"M{},{} V{} H{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\"/>", num(left), num(top),
                      num(bottom), num(right), svg::kInk);
  if (!series.units.empty()) {
    labels += text_element(0, 0, series.units, "middle", 11,
                           fmt::format(" transform=\"translate(14,{}) rotate(-90)\"", num((top + bottom) / 2)));
  }

  // Date labels under the axis: at most kMaxDateLabels (fewer on a narrow chart), a repeated date once.
  const double date_width = 10.0 * kCharWidth;
  const auto max_labels = std::clamp<std::size_t>(static_cast<std::size_t>((right - left) / (date_width + 8.0)), 1,
                                                  kMaxDateLabels);
  const std::size_t every = (n + max_labels - 1) / max_labels;
  std::string previous_date;
  for (std::size_t i = 0; i < n; i += every) {
    const std::string date = date_of(points[i].started_at);
    grid += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>", num(px(i)),
                        num(bottom), num(px(i)), num(bottom + 4), svg::kInk);
    if (date == previous_date) continue;
    previous_date = date;
    const double half = static_cast<double>(display_length(date)) * kCharWidth / 2.0;
    const double cx = std::clamp(px(i), half + 2.0, std::max(half + 2.0, w - half - 2.0));
    labels += text_element(cx, bottom + 16, date, "middle", 10);
  }

  // The ±2 mc_se band over each stretch of consecutive points with a known mc_se (an error bar for a lone one).
  const int decimals = history_value_decimals(points);
  for (std::size_t i = 0; i < n;) {
    if (!points[i].mc_se || !std::isfinite(*points[i].mc_se)) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < n && points[end].mc_se && std::isfinite(*points[end].mc_se)) ++end;
    if (end - i == 1) {
      const double se = *points[i].mc_se;
      band += fmt::format(
          "<line class=\"band\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-opacity=\"0.35\" "
          "stroke-width=\"6\"/>",
          num(px(i)), num(py(points[i].value - 2 * se)), num(px(i)), num(py(points[i].value + 2 * se)), svg::kBlue);
    } else {
      std::vector<std::pair<double, double>> polygon;
      for (std::size_t k = i; k < end; ++k) polygon.emplace_back(px(k), py(points[k].value - 2 * *points[k].mc_se));
      for (std::size_t k = end; k-- > i;) polygon.emplace_back(px(k), py(points[k].value + 2 * *points[k].mc_se));
      band += fmt::format(
          "<polygon class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"><title>{}</title>"
          "</polygon>",
          points_attribute(polygon), svg::kBlue, escape("\u00b12 Monte Carlo standard errors"));
    }
    i = end;
  }

  // A dashed vertical line half way between two runs whose resolved scenarios differ.
  struct Span {
    double x0, x1;
  };
  std::array<std::vector<Span>, 2> rows;  // labels placed in each of two rows at the top of the plot
  const double label_width = static_cast<double>(kChangeLabel.size()) * 5.3;
  for (std::size_t i = 1; i < n; ++i) {
    if (points[i].scenario_sha256 == points[i - 1].scenario_sha256) continue;
    const double cx = (px(i - 1) + px(i)) / 2.0;
    const std::string tooltip =
        fmt::format("assumptions changed between run {} and run {} (scenario_sha256 {} \u2192 {})", points[i - 1].run_id,
                    points[i].run_id, points[i - 1].scenario_sha256.substr(0, 12), points[i].scenario_sha256.substr(0, 12));
    changes += fmt::format(
        "<line class=\"change\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"5 3\"><title>{}</title></line>",
        num(cx), num(top), num(cx), num(bottom), svg::kVermillion, escape(tooltip));
    // The label right of the line (left of it near the right edge), in the first row where it overlaps no
    // other label; none when neither row has room (the line's tooltip still says it).
    const bool to_right = cx + 3.0 + label_width <= right;
    const Span span = to_right ? Span{cx + 3.0, cx + 3.0 + label_width} : Span{cx - 3.0 - label_width, cx - 3.0};
    if (span.x0 < left) continue;
    for (std::size_t row = 0; row < 2; ++row) {
      const bool free = std::none_of(rows[row].begin(), rows[row].end(),
                                     [&](const Span& o) { return span.x0 < o.x1 + 4.0 && o.x0 < span.x1 + 4.0; });
      if (!free) continue;
      rows[row].push_back(span);
      labels += halo_text(to_right ? cx + 3.0 : cx - 3.0, top + 9.0 + 11.0 * static_cast<double>(row), kChangeLabel,
                          to_right ? "start" : "end", 9.5);
      break;
    }
  }

  // The line and one marker per run with its tooltip.
  std::vector<std::pair<double, double>> polyline;
  for (std::size_t i = 0; i < n; ++i) polyline.emplace_back(px(i), py(points[i].value));
  if (n > 1) {
    line += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
                        points_attribute(polyline), svg::kBlue);
  }
  const double column = (right - left) / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = points[i];
    std::string tooltip = fmt::format("{} run {}: {}", date_of(p.started_at), p.run_id, format_number(p.value, decimals));
    if (p.mc_se && std::isfinite(*p.mc_se)) tooltip += fmt::format(" (\u00b1{} = 2 mc_se)", two_significant(2 * *p.mc_se));
    tooltip += fmt::format("\n{} paths, seed {}", format_number(static_cast<double>(p.paths), 0), p.seed);
    if (i > 0 && p.scenario_sha256 != points[i - 1].scenario_sha256) tooltip += "\nassumptions changed";
    line += fmt::format(
        "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"3.2\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\">"
        "<title>{}</title></circle>",
        num(polyline[i].first), num(polyline[i].second), svg::kBlue, escape(tooltip));
    hover += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0\"><title>{}</title></rect>",
        num(polyline[i].first - column / 2), num(top), num(column), num(bottom - top), escape(tooltip));
  }

  return open_svg(width, height, aria) + title_element(series.title) + "<g class=\"grid\">" + grid +
         "</g><g class=\"data\">" + band + changes + "</g><g class=\"front\">" + line + "</g><g class=\"labels\">" +
         labels + "</g><g class=\"hover\">" + hover + "</g></svg>";
}

std::vector<HistorySeries> report_history_series(const Catalog& catalog, const std::vector<RunData>& runs,
                                                 const std::string& batch_name, std::size_t limit) {
  std::vector<HistorySeries> out;
  for (const auto& run : runs) {
    const auto& names = run.tables.quantile_names;
    const bool has_median = std::find(names.begin(), names.end(), "p50") != names.end();
    const int year = run.base_year + run.horizon;
    for (const auto& district : run.districts) {
      HistoryQuery query;
      query.scenario = run.scenario;
      query.district = district.id;
      query.metric = "gdp";
      query.year = year;
      query.stat = has_median ? "p50" : "mean";
      query.limit = limit;
      query.include_failed = false;
      query.batch_name = batch_name;
      HistorySeries series;
      series.title = fmt::format("{} \u00b7 {} \u00b7 gdp {} \u00b7 {}", run.scenario, district.id, year, query.stat);
      series.units = run.units;
      series.points = catalog.history(query);
      out.push_back(std::move(series));
    }
  }
  return out;
}

}  // namespace districtcast
