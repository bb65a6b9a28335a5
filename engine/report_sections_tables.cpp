#include "engine/report_sections_tables.hpp"

#include "engine/report_text.hpp"
#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace districtcast::report_detail {

using svg::escape;
using svg::format_percent;

namespace {

/// Header cells for one measure per member: a single <th> alone, or a group with A / B sub-columns.
std::string measure_headers(const std::vector<Member>& members, const std::vector<std::string>& measures,
                            std::string& second_row) {
  std::string row;
  for (const auto& measure : measures) {
    row += fmt::format("<th class=\"num\" colspan=\"{}\">{}</th>", members.size(), escape(measure));
    if (members.size() > 1) {
      for (const auto& m : members) second_row += fmt::format("<th class=\"num\">{}</th>", escape(m.tag));
    }
  }
  return row;
}

}  // namespace

std::string probability_table(const std::vector<Member>& members) {
  const RunData& first = *members.front().run;
  const auto thresholds = all_thresholds(members);
  if (thresholds.empty()) return "<p>The scenario defines no thresholds.</p>\n";
  const int mid = middle_year(first);
  const int last = last_year(first);
  std::vector<std::string> measures;
  if (mid != last) measures.push_back(fmt::format("P(above) in {}", mid));
  measures.push_back(fmt::format("P(above) in {}", last));
  measures.push_back(fmt::format("P(reached by {})", last));
  measures.emplace_back("median first year");
  std::string second_row;
  const std::string header = measure_headers(members, measures, second_row);
  const bool two_rows = !second_row.empty();
  std::string html = "<div class=\"table-wrap\"><table class=\"probabilities\">\n<thead><tr>";
  html += fmt::format("<th{0}>threshold</th><th{0}>district</th>", two_rows ? " rowspan=\"2\"" : "");
  html += header + "</tr>\n";
  if (two_rows) html += "<tr>" + second_row + "</tr>\n";
  html += "</thead>\n<tbody>\n";
  const auto districts = all_districts(members);
  for (const auto& t : thresholds) {
    std::vector<std::pair<std::string, std::string>> rows_districts;
    for (const auto& [id, name] : districts) {
      for (const auto& m : members) {
        if (threshold_row(*m.run, id, t, last_year(*m.run)) || !crossing_rows(*m.run, id, t).empty()) {
          rows_districts.emplace_back(id, name);
          break;
        }
      }
    }
    bool first_row = true;
    for (const auto& [id, name] : rows_districts) {
      html += "<tr>";
      if (first_row) {
        html += fmt::format("<th scope=\"rowgroup\" rowspan=\"{}\">{}</th>", rows_districts.size(),
                            escape(threshold_text(t, first)));
        first_row = false;
      }
      html += "<td>" + escape(name) + "</td>";
      auto above_cells = [&, &district = id](int year) {  // (clang < 16 cannot capture a structured binding)
        for (const auto& m : members) {
          const auto* r = threshold_row(*m.run, district, t, year);
          html += "<td class=\"num\">" + (r ? probability_cell(r->p_above, r->mc_se) : std::string("\u2014")) + "</td>";
        }
      };
      if (mid != last) above_cells(mid);
      above_cells(last);
      for (const auto& m : members) {
        const auto* r = threshold_row(*m.run, id, t, last);
        html += "<td class=\"num\">" +
                (r ? probability_cell(r->p_reached_by, binomial_se(r->p_reached_by, m.run->tables.paths))
                   : std::string("\u2014")) +
                "</td>";
      }
      for (const auto& m : members) {
        const auto rows = crossing_rows(*m.run, id, t);
        html += "<td class=\"num\">" + (rows.empty() ? std::string("\u2014") : escape(median_first_year(*m.run, rows))) +
                "</td>";
      }
      html += "</tr>\n";
    }
  }
  html += "</tbody>\n</table></div>\n";
  html += fmt::format(
      "<p class=\"note\">P(above): probability that the value is at or above the threshold in that year. "
      "P(reached by): probability that it has been at or above the threshold in some year up to then (the base year "
      "counts). Median first year: the first year by which it is reached with probability \u2265 50%. "
      "\u00b1: Monte Carlo standard error in percentage points ({} paths{}).</p>\n",
      paths_text(first), members.size() > 1 ? " in A" : "");
  return html;
}

std::string club_tables(const std::vector<Member>& members, int level) {
  std::string html;
  const RunData& first = *members.front().run;
  std::vector<int> years{middle_year(first), last_year(first)};
  years.erase(std::unique(years.begin(), years.end()), years.end());
  for (const auto& t : all_thresholds(members)) {
    std::size_t max_k = 0;
    bool any = false;
    for (const auto& m : members) {
      for (const auto& e : m.run->tables.events) {
        if (e.event == "club_size" && e.metric == t.metric && e.threshold == t.value && e.districts) {
          max_k = std::max(max_k, *e.districts);
          any = true;
        }
      }
    }
    if (!any) continue;
    html += heading(level, "", "How many districts: " + threshold_text(t, first));
    html += "<div class=\"table-wrap\"><table class=\"club\">\n<thead><tr><th>run</th><th>year</th>";
    for (std::size_t k = 0; k <= max_k; ++k) html += fmt::format("<th class=\"num\">{}</th>", k);
    html += "<th>most likely</th></tr></thead>\n<tbody>\n";
    for (const auto& m : members) {
      for (int year : years) {
        std::vector<std::optional<double>> p(max_k + 1);
        for (const auto& e : m.run->tables.events) {
          if (e.event == "club_size" && e.metric == t.metric && e.threshold == t.value && e.year == year &&
              e.districts && *e.districts <= max_k)
            p[*e.districts] = e.probability;
        }
        std::size_t mode = 0;
        for (std::size_t k = 0; k <= max_k; ++k) {
          if (p[k].value_or(-1) > p[mode].value_or(-1)) mode = k;
        }
        html += fmt::format("<tr><td>{}</td><td>{}</td>", escape(m.tag.empty() ? m.run->scenario : m.tag + ": " + m.run->scenario),
                            year);
        for (std::size_t k = 0; k <= max_k; ++k) {
          const std::string cell = p[k] ? escape(format_percent(*p[k])) : "\u2014";
          html += k == mode && p[k] ? "<td class=\"num mode\">" + cell + "</td>" : "<td class=\"num\">" + cell + "</td>";
        }
        html += fmt::format("<td>{}</td></tr>\n",
                            p[mode] ? escape(fmt::format("{} district{} ({})", mode, mode == 1 ? "" : "s",
                                                         format_percent(*p[mode])))
                                    : "\u2014");
      }
    }
    html += "</tbody>\n</table></div>\n";
  }
  if (!html.empty()) {
    html += "<p class=\"note\">Each row: probability that exactly that many of the districts the threshold applies "
            "to are at or above it in that year (bold: the most likely number).</p>\n";
  }
  return html;
}

}  // namespace districtcast::report_detail
