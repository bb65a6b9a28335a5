#include "engine/report_sections_charts.hpp"

#include "engine/report_quantiles.hpp"
#include "engine/report_text.hpp"
#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>

namespace districtcast::report_detail {

using svg::escape;
using svg::format_number;

namespace {

/// A chart in a <figure>: title heading at `level`, the SVG, and `caption` (HTML); `kind` adds CSS classes.
std::string figure(const std::string& title, const std::string& chart, const std::string& caption,
                   const std::string& kind, int level) {
  return fmt::format("<figure class=\"chart {}\">\n<h{} class=\"chart-title\">{}</h{}>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                     kind, level, escape(title), level, chart, caption);
}

/// The caption sentence about which runs are drawn and what the shading means.
std::string band_caption(const std::vector<Member>& members, bool observed, bool thresholds) {
  std::string text;
  for (const auto& m : members) {
    const QuantileChoice q = choose_quantiles(m.run->tables.quantile_names);
    const std::string centre = q.median ? "line: median" : "line: mean (the run has no p50)";
    if (m.tag.empty()) {
      text += fmt::format("Shaded: {} of {} simulated paths; {}.", q.caption, paths_text(*m.run), centre);
    } else {
      text += fmt::format("{} ({}{}): {}, shaded {} of {} paths, {}. ", m.tag,
                          m.colour == svg::kBlue ? "blue" : "vermillion", m.dashed ? ", dashed" : "",
                          m.run->scenario, q.caption, paths_text(*m.run), centre);
    }
  }
  if (observed) text += " Black dots: observed values (the last one is the base year).";
  if (thresholds) text += " Dashed: thresholds.";
  text += " Hover a year for its numbers.";
  return escape(text);
}

/// One member's fan of `metric` for a district (or a sector when `sector` is set), values times `scale`.
std::optional<svg::FanSeries> fan_series(const Member& m, const std::string& district, const std::string& sector,
                                         Metric metric, double scale = 1.0) {
  const auto rows = series_rows(*m.run, district, sector, metric);
  if (rows.empty()) return std::nullopt;
  const QuantileChoice q = choose_quantiles(m.run->tables.quantile_names);
  svg::FanSeries s;
  s.name = m.tag;
  s.colour = m.colour;
  s.dashed_centre = m.dashed;
  s.outer_label = q.outer_label;
  s.inner_label = q.inner_label;
  s.centre_label = q.centre_label;
  auto column = [&](std::optional<std::size_t> index, std::vector<double>& out) {
    if (!index) return;
    for (const auto* r : rows) out.push_back(*index < r->quantiles.size() ? r->quantiles[*index] * scale : std::nan(""));
  };
  for (const auto* r : rows) s.years.push_back(r->year);
  column(q.outer_low, s.outer_low);
  column(q.outer_high, s.outer_high);
  column(q.inner_low, s.inner_low);
  column(q.inner_high, s.inner_high);
  if (q.median) {
    column(q.median, s.centre);
  } else {
    for (const auto* r : rows) s.centre.push_back(r->mean * scale);
  }
  if (sector.empty() && metric == Metric::gdp) {
    if (const auto* d = find_district(*m.run, district)) s.start = std::make_pair(m.run->base_year, d->base_gdp);
  } else if (sector.empty() && metric == Metric::firm_stock) {
    if (const auto stock = base_firm_stock(*m.run, district)) s.start = std::make_pair(m.run->base_year, *stock);
  }
  return s;
}

}  // namespace

std::string fan_figure(const std::vector<Member>& members, const std::string& district, const std::string& name,
                       Metric metric, int level) {
  svg::FanChartSpec spec;
  const RunData& first = *members.front().run;
  spec.first_year = first.base_year;
  spec.last_year = last_year(first);
  double typical = 0.0;
  for (const auto& m : members) {
    auto s = fan_series(m, district, "", metric);
    if (!s) continue;
    spec.first_year = std::min(spec.first_year, m.run->base_year);
    spec.last_year = std::max(spec.last_year, last_year(*m.run));
    if (!s->centre.empty()) typical = std::max(typical, std::fabs(s->centre.back()));
    spec.series.push_back(std::move(*s));
  }
  std::string title;
  if (metric == Metric::gdp) {
    title = name + " \u2014 GDP" + (first.units.empty() ? "" : ", " + first.units);
    spec.y_title = "GDP" + (first.units.empty() ? "" : " (" + first.units + ")");
    for (const auto& m : members) {
      if (const auto* d = find_district(*m.run, district)) {
        spec.observed = d->history;
        spec.observed.emplace(m.run->base_year, d->base_gdp);
        spec.first_year = std::min(spec.first_year, spec.observed.begin()->first);
        break;
      }
    }
    spec.observed_label = "observed";
  } else if (metric == Metric::firm_stock) {
    title = name + " \u2014 active firms at the end of each year";
    spec.y_title = "firms";
  } else {
    title = name + " \u2014 firm births per year";
    spec.y_title = "firms";
  }
  spec.title = title;
  spec.value_decimals = value_decimals(metric, typical);
  std::set<double> seen;
  for (const auto& m : members) {
    for (const auto& t : all_thresholds({m})) {
      if (t.metric != metric || !threshold_row(*m.run, district, t, last_year(*m.run))) continue;
      if (seen.insert(t.value).second) spec.references.push_back({t.value, t.label.empty() ? "threshold" : t.label});
    }
  }
  const char* kind = metric == Metric::gdp ? "fan gdp" : (metric == Metric::firm_stock ? "fan firm-stock" : "fan firm-births");
  return figure(title, svg::fan_chart(spec), band_caption(members, !spec.observed.empty(), !spec.references.empty()),
                kind, level);
}

std::string sector_figure(const std::vector<Member>& members, const std::string& district, const std::string& name,
                          int level) {
  svg::FanChartSpec spec;
  spec.title = name + " \u2014 sector shares of GDP";
  spec.y_title = "share of district GDP (%)";
  spec.first_year = members.front().run->base_year;
  spec.last_year = last_year(*members.front().run);
  spec.value_decimals = 1;
  for (const auto& m : members) {
    const auto* d = find_district(*m.run, district);
    if (!d) continue;
    for (std::size_t i = 0; i < d->sectors.size(); ++i) {
      Member sector_member = m;
      sector_member.colour = svg::series_colour(i);
      const std::string sector_name = d->sectors[i].name.empty() ? d->sectors[i].id : d->sectors[i].name;
      sector_member.tag = m.tag.empty() ? sector_name : m.tag + " " + sector_name;
      auto s = fan_series(sector_member, district, d->sectors[i].id, Metric::gdp_share, 100.0);
      if (!s) continue;
      if (!s->inner_low.empty()) {  // one band per sector: the inner one when there are two
        s->outer_low.clear();
        s->outer_high.clear();
      } else {
        std::swap(s->inner_low, s->outer_low);
        std::swap(s->inner_high, s->outer_high);
        s->inner_label = s->outer_label;
      }
      if (m.dashed) {  // the second run of a comparison: median only, to keep the chart readable
        s->inner_low.clear();
        s->inner_high.clear();
      }
      s->start = std::make_pair(m.run->base_year, d->sectors[i].share * 100.0);
      spec.series.push_back(std::move(*s));
    }
  }
  if (spec.series.empty()) return "";
  std::string caption = "Each sector's median share of the district's nominal GDP";
  caption += members.size() > 1 ? " (A solid with its band, B dashed)" : "";
  caption += ", shaded: its inner percentile band; the lines start at the base-year shares.";
  return figure(spec.title, svg::fan_chart(spec), escape(caption), "sectors", level);
}

std::string crossing_figure(const std::vector<Member>& members, const std::string& district, const std::string& name,
                            const Threshold& t, int level) {
  const RunData& first = *members.front().run;
  int lo = first.base_year + 1;
  int hi = last_year(first);
  bool any = false;
  for (const auto& m : members) {
    for (const auto* r : crossing_rows(*m.run, district, t)) {
      any = true;
      if (r->first_year) lo = std::min(lo, *r->first_year);
    }
    hi = std::max(hi, last_year(*m.run));
  }
  if (!any) return "";
  svg::BarChartSpec spec;
  for (int y = lo; y <= hi; ++y) spec.categories.push_back(std::to_string(y));
  spec.categories.emplace_back("never");
  spec.muted_category = spec.categories.size() - 1;
  spec.cumulative_count = spec.categories.size() - 1;
  spec.x_title = "first year at or above the threshold";
  for (const auto& m : members) {
    svg::BarSeries s;
    s.name = m.tag;
    s.colour = m.colour;
    s.dashed_cumulative = m.dashed;
    s.probability.assign(spec.categories.size(), 0.0);
    const auto rows = crossing_rows(*m.run, district, t);
    if (rows.empty()) continue;
    for (const auto* r : rows) {
      const std::size_t i = r->first_year ? static_cast<std::size_t>(*r->first_year - lo) : spec.categories.size() - 1;
      if (i < s.probability.size()) s.probability[i] += r->probability;
    }
    spec.series.push_back(std::move(s));
  }
  const std::string condition =
      fmt::format("{} \u2265 {}{}", metric_title(t.metric), format_number(t.value, value_decimals(t.metric, t.value)),
                  t.metric == Metric::gdp ? units_suffix(first) : "");
  const std::string title = name + " \u2014 when is " + condition + " first reached?";
  spec.title = title;
  std::string caption = fmt::format("Bars: probability that {} first reaches {}{} in that year", name, condition,
                                    t.label.empty() ? "" : " (" + t.label + ")");
  if (lo <= first.base_year) caption += fmt::format(" (a bar at {} means it is already there)", first.base_year);
  caption += fmt::format("; \u201cnever\u201d: not by {}. Line: probability of having reached it by that year.", hi);
  return figure(title, svg::probability_bar_chart(spec), escape(caption), "crossing", level);
}

}  // namespace districtcast::report_detail
