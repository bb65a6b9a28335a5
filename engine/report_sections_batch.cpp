#include "engine/report_sections_batch.hpp"

#include "engine/report_data.hpp"
#include "engine/report_quantiles.hpp"
#include "engine/report_text.hpp"
#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <string_view>

namespace districtcast::report_detail {

using svg::escape;
using svg::format_number;

std::string batch_summary(const std::vector<RunData>& runs) {
  std::vector<Member> members;
  members.reserve(runs.size());
  for (const auto& r : runs) members.push_back({&r, "", svg::kBlue, false});
  const auto districts = all_districts(members);
  std::string html;
  auto header = [&]() {
    std::string h = "<thead><tr><th>scenario</th><th class=\"num\">last year</th>";
    for (const auto& [id, name] : districts) h += "<th class=\"num\">" + escape(name) + "</th>";
    return h + "</tr></thead>\n";
  };
  for (const auto& t : all_thresholds(members)) {
    html += heading(3, "", "P(reached by the last year): " + threshold_text(t, runs.front()));
    html += "<div class=\"table-wrap\"><table class=\"batch-probabilities\">\n" + header() + "<tbody>\n";
    for (const auto& run : runs) {
      html += fmt::format("<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>", escape(run.scenario), last_year(run));
      for (const auto& [id, name] : districts) {
        const auto* r = threshold_row(run, id, t, last_year(run));
        html += "<td class=\"num\">" +
                (r ? probability_cell(r->p_reached_by, binomial_se(r->p_reached_by, run.tables.paths))
                   : std::string("\u2014")) +
                "</td>";
      }
      html += "</tr>\n";
    }
    html += "</tbody>\n</table></div>\n";
  }
  const std::string units = runs.front().units;
  html += heading(3, "", "Median GDP in the last year" + (units.empty() ? "" : " (" + units + ")"));
  html += "<div class=\"table-wrap\"><table class=\"batch-gdp\">\n" + header() + "<tbody>\n";
  bool used_mean = false;
  for (const auto& run : runs) {
    const QuantileChoice q = choose_quantiles(run.tables.quantile_names);
    html += fmt::format("<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>", escape(run.scenario), last_year(run));
    for (const auto& [id, name] : districts) {
      const auto rows = series_rows(run, id, "", Metric::gdp);
      std::string cell = "\u2014";
      if (!rows.empty() && rows.back()->year == last_year(run)) {
        const auto* r = rows.back();
        double v = r->mean;
        if (q.median && *q.median < r->quantiles.size()) {
          v = r->quantiles[*q.median];
        } else {
          used_mean = true;
        }
        cell = escape(format_number(v, value_decimals(Metric::gdp, v)));
      }
      html += "<td class=\"num\">" + cell + "</td>";
    }
    html += "</tr>\n";
  }
  html += "</tbody>\n</table></div>\n";
  if (used_mean) html += "<p class=\"note\">Scenarios without a p50 column show the mean instead.</p>\n";
  return html;
}

std::string history_section(const std::vector<HistorySeries>& series) {
  if (series.empty()) return "";
  std::string html =
      "<p class=\"note\">Each point is one run of the scenario recorded in the run catalog, oldest on the left "
      "(the date under the axis is when the run started); hover over a point for its run id, value, paths and "
      "seed. A shaded band, where shown, is \u00b12 Monte Carlo standard errors. A dashed vertical marker means "
      "the scenario's resolved inputs (its scenario_sha256) changed between two runs, so a step there may be a "
      "changed assumption rather than news.</p>\n";
  html += "<div class=\"charts history\">\n";
  constexpr std::string_view kNamespace = " xmlns=\"http://www.w3.org/2000/svg\"";
  for (const auto& s : series) {
    std::string chart = history_chart_svg(s);
    if (const auto at = chart.find(kNamespace); at != std::string::npos) chart.erase(at, kNamespace.size());
    html += "<figure class=\"chart history\">\n" + chart + "\n</figure>\n";
  }
  return html + "</div>\n";
}

}  // namespace districtcast::report_detail
