#include "engine/report_document.hpp"

#include "engine/report_sections_charts.hpp"
#include "engine/report_sections_manifest.hpp"
#include "engine/report_sections_tables.hpp"
#include "engine/report_text.hpp"
#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <utility>

namespace districtcast::report_detail {

using svg::escape;

namespace {

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  color: #1a1a1a; background: #ffffff; margin: 0 auto; max-width: 1280px; padding: 20px 24px 48px;
  font-size: 15px; line-height: 1.45; }
h1 { font-size: 26px; margin: 4px 0 6px; }
h2 { font-size: 21px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d0d0d0; }
h3 { font-size: 17px; margin: 22px 0 8px; }
h4, h5, h6 { font-size: 15px; margin: 16px 0 6px; }
.chart-title { font-size: 15px; margin: 0 0 4px; }
.meta { color: #404040; margin: 2px 0; }
.note { color: #404040; font-size: 13px; max-width: 960px; }
nav ul { margin: 6px 0; padding-left: 20px; columns: 2; }
a { color: #0a5a8c; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 24px 32px; align-items: start; }
figure.chart { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 13px; color: #404040; margin-top: 2px; }
table { border-collapse: collapse; font-size: 13.5px; margin: 8px 0 12px; }
.table-wrap { overflow-x: auto; }
th, td { border-bottom: 1px solid #dcdcdc; padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #9a9a9a; background: #f4f4f4; }
tbody th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead th.num { white-space: normal; }
td.mode { font-weight: 700; }
.se { color: #5a5a5a; font-size: 11.5px; }
code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px; }
code.hash { word-break: break-all; }
table.manifest td { max-width: 760px; word-break: break-word; }
.key { color: #404040; }
.scenario-section { border-top: 3px solid #0072B2; margin-top: 40px; }
.warning { background: #fff4e5; border-left: 4px solid #E69F00; padding: 6px 10px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; color: #000000; }
  h1, h2, h3, h4, .chart-title { color: #000000; break-after: avoid; page-break-after: avoid; }
  nav { display: none; }
  .charts { display: block; }
  figure.chart { margin: 0 auto 8mm; max-width: 175mm; break-inside: avoid; page-break-inside: avoid; }
  .meta, .note, figcaption, .se, .key { color: #000000; }
  table { font-size: 8.5pt; break-inside: auto; width: 100%; }
  th, td { padding: 2px 5px; }
  .num { white-space: normal; }
  .table-wrap { overflow: visible; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  a { color: #000000; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

}  // namespace

std::string document(const std::string& title, const std::string& body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
      "<meta name=\"generator\" content=\"districtcast\"/>\n<title>{}</title>\n<style>{}</style>\n</head>\n"
      "<body>\n{}</body>\n</html>\n",
      escape(title), kStyle, body);
}

std::string run_meta(const RunData& run, const std::string& tag) {
  std::string html;
  const std::string who = tag.empty() ? "" : "<strong>" + escape(tag) + "</strong>: ";
  std::string description;
  if (run.manifest.is_object() && run.manifest.contains("resolved_scenario") &&
      run.manifest["resolved_scenario"].is_object()) {
    const auto& rs = run.manifest["resolved_scenario"];
    if (rs.contains("description") && rs["description"].is_string()) description = rs["description"].get<std::string>();
  }
  html += fmt::format("<p class=\"meta\">{}<strong>{}</strong>{}</p>\n", who, escape(run.scenario),
                      description.empty() ? "" : " \u2014 " + escape(description));
  std::string engine;
  if (run.manifest.is_object() && run.manifest.contains("engine_version") && run.manifest["engine_version"].is_string())
    engine = ", districtcast " + run.manifest["engine_version"].get<std::string>();
  html += fmt::format(
      "<p class=\"meta\">Base year {}, forecast {}\u2013{} ({} years); {} simulated paths, seed {}; values in {}{}.</p>\n",
      run.base_year, run.base_year + 1, last_year(run), run.horizon, escape(paths_text(run)), run.seed,
      escape(run.units.empty() ? "the scenario's units" : run.units), escape(engine));
  html += fmt::format("<p class=\"meta\">Run directory: <code>{}</code></p>\n", escape(run.directory.string()));
  return html;
}

std::string run_sections(const std::vector<Member>& members, const std::string& id_prefix, int level) {
  const auto districts = all_districts(members);
  const auto thresholds = all_thresholds(members);
  std::string gdp, crossing, firms, sectors;
  for (const auto& [id, name] : districts) {
    if (any_rows(members, id, Metric::gdp)) gdp += fan_figure(members, id, name, Metric::gdp, level + 1);
  }
  for (const auto& t : thresholds) {
    for (const auto& [id, name] : districts) crossing += crossing_figure(members, id, name, t, level + 1);
  }
  for (const auto& [id, name] : districts) {
    if (any_rows(members, id, Metric::firm_stock)) firms += fan_figure(members, id, name, Metric::firm_stock, level + 1);
    if (any_rows(members, id, Metric::firm_births)) firms += fan_figure(members, id, name, Metric::firm_births, level + 1);
  }
  for (const auto& [id, name] : districts) sectors += sector_figure(members, id, name, level + 1);
  const std::string clubs = club_tables(members, level + 1);

  std::vector<std::pair<std::string, std::string>> toc{{"probabilities", "Key probabilities"}, {"gdp", "GDP by district"}};
  if (!crossing.empty()) toc.emplace_back("crossing", "When thresholds are first reached");
  if (!firms.empty()) toc.emplace_back("firms", "Firms");
  if (!sectors.empty()) toc.emplace_back("sectors", "Sector shares");
  if (!clubs.empty()) toc.emplace_back("clubs", "Club sizes");
  toc.emplace_back("manifest", "Manifest");

  std::string html = "<nav><ul>";
  for (const auto& [anchor, text] : toc) html += fmt::format("<li><a href=\"#{}{}\">{}</a></li>", escape(id_prefix), anchor, escape(text));
  html += "</ul></nav>\n";
  auto section = [&](const std::string& anchor, const std::string& title, const std::string& content) {
    html += "<section>\n" + heading(level, id_prefix + anchor, title) + content + "</section>\n";
  };
  section("probabilities", "Key probabilities", probability_table(members));
  section("gdp", "GDP by district", "<div class=\"charts\">\n" + gdp + "</div>\n");
  if (!crossing.empty()) section("crossing", "When thresholds are first reached", "<div class=\"charts\">\n" + crossing + "</div>\n");
  if (!firms.empty()) section("firms", "Firms", "<div class=\"charts\">\n" + firms + "</div>\n");
  if (!sectors.empty()) section("sectors", "Sector shares", "<div class=\"charts\">\n" + sectors + "</div>\n");
  if (!clubs.empty()) section("clubs", "Club sizes", clubs);
  section("manifest", "Manifest", manifest_section(members));
  return html;
}

}  // namespace districtcast::report_detail
