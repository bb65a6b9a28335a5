/// \file `districtcast history`: one figure (e.g. nanshan gdp 2030 p50) across the runs in the run catalog.

#include "engine/catalog.hpp"
#include "engine/cli.hpp"
#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/compare_writers.hpp"
#include "engine/csv_field.hpp"
#include "engine/diagnostic.hpp"
#include "engine/history_chart.hpp"
#include "engine/metric.hpp"
#include "engine/svg_chart.hpp"
#include "engine/text_table.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace districtcast::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* kCommand = "history";
constexpr std::size_t kNamesListed = 12;

constexpr const char* kUsage =
    "Usage: districtcast history --scenario NAME --district ID --year YEAR [options]\n\n"
    "Shows one figure across the runs recorded in the run catalog, oldest first: the statistic (default the\n"
    "median, p50) of a metric (default gdp) of a district (or one of its sectors) in a year, per run, with\n"
    "the change from the previous run, its Monte Carlo standard error when known (stat mean), paths, seed\n"
    "and engine version. A run whose resolved scenario (scenario_sha256) differs from the previous one is\n"
    "marked 'inputs changed': a step there may be a changed assumption rather than news. Only succeeded\n"
    "runs unless --all. The catalog is only read (never created). See docs/cli.md.\n\n"
    "Options";

constexpr const char* kMoreHelp =
    "\nExamples:\n"
    "  districtcast history --scenario trillion_club --district nanshan --year 2030\n"
    "  districtcast history --scenario trillion_club --district chaoyang --year 2030 --stat p_reached_by:1000\n"
    "  districtcast history --scenario tech_boom --district haidian --year 2035 --stat mean --limit 30 \\\n"
    "      --svg haidian.svg\n"
    "  districtcast history --scenario trillion_club --district nanshan --year 2030 --format csv > nanshan.csv\n"
    "  districtcast history --scenario trillion_club --district nanshan --year 2030 --batch nightly\n\n"
    "stat is mean, sd, mc_se, a quantile column (p5, p50, ...), p_above:<threshold> or\n"
    "p_reached_by:<threshold> (the names of 'districtcast compare').\n"
    "history exits with 2 on a usage error, when the catalog does not exist or when nothing matches (the\n"
    "message says what the newest run of the scenario has), 1 when the catalog cannot be read or --svg\n"
    "cannot be written.\n";

struct HistoryArgs {
  std::string catalog, scenario, district, sector, metric = "gdp", year, stat = "p50", limit, svg, batch;
  std::string format = "table";
  bool all = false;
};

po::options_description visible_options(HistoryArgs& o) {
  po::options_description d(kUsage, 110, 60);
  d.add_options()("help,h", "show this help")(
      "scenario", po::value(&o.scenario)->value_name("NAME"), "the scenario (or sweep variant) name (required)")(
      "district", po::value(&o.district)->value_name("ID"), "the district id (required)")(
      "year", po::value(&o.year)->value_name("YEAR"), "the calendar year (required)")(
      "metric", po::value(&o.metric)->value_name("NAME"),
      "gdp (default), gdp_growth, gdp_share, firm_births, firm_exits or firm_stock")(
      "stat", po::value(&o.stat)->value_name("STAT"),
      "p50 (default), mean, sd, mc_se, another quantile, p_above:<threshold> or p_reached_by:<threshold>")(
      "sector", po::value(&o.sector)->value_name("ID"), "a sector of the district (default: the district total)")(
      "limit", po::value(&o.limit)->value_name("N"), "only the newest N runs (default 0 = all); still oldest first")(
      "all", po::bool_switch(&o.all), "include failed (and interrupted) runs that stored the figure")(
      "batch", po::value(&o.batch)->value_name("NAME"),
      "only runs of batches with this name, e.g. nightly (default: every run of the scenario, ad-hoc runs too)")(
      "format,f", po::value(&o.format)->value_name("FMT"),
      "table (default; aligned, with a summary line), csv (one row per run, with a header) or json")(
      "svg", po::value(&o.svg)->value_name("FILE"), "also write the line chart to FILE (an SVG image)")(
      "catalog", po::value(&o.catalog)->value_name("PATH"),
      "the run catalog (default: $DISTRICTCAST_CATALOG, else outputs/catalog.sqlite)");
  return d;
}

/// Prints `rows` under `header` in aligned columns (text_table.hpp).
void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& right) {
  fmt::print("{}", aligned_table(header, rows, right));
}

/// A difference as printed in csv and json: 15 significant digits, so 1240.1 - 1234.5 is 5.6, not
/// 5.599999999999909.
double rounded(double value) {
  if (!std::isfinite(value)) return value;
  const std::string text = fmt::format("{:.15g}", value);
  double out = value;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

/// "+5.6", "-3.2", "0.0" (a sign on every non-zero change).
std::string signed_number(double value, int decimals) {
  const std::string text = svg::format_number(value, decimals);
  return text.find_first_not_of("0.,") == std::string::npos || text.front() == '-' ? text : "+" + text;
}

/// "nanshan gdp 2030 p50" or "nanshan/software gdp 2030 p50".
std::string cell_text(const HistoryQuery& q) {
  return fmt::format("{}{} {} {} {}", q.district, q.sector.empty() ? "" : "/" + q.sector, q.metric, q.year, q.stat);
}

/// The names, comma-separated (the first kNamesListed, then "...").
std::string listed(const std::set<std::string>& names) {
  std::string out;
  std::size_t i = 0;
  for (const auto& n : names) {
    if (i == kNamesListed) return out + ", ...";
    out += (i++ > 0 ? ", " : "") + n;
  }
  return out;
}

/// "; did you mean 'x'? (NOUN: a, b, c)" or " (NOUN: a, b, c)".
std::string hint(const std::string& value, const std::set<std::string>& names, const std::string& noun) {
  const std::string best = closest_match(value, std::vector<std::string>(names.begin(), names.end()));
  return fmt::format("{} ({}: {})", best.empty() ? "" : fmt::format("; did you mean '{}'?", best), noun, listed(names));
}

/// Why `query` matched no run: what the catalog and the newest (succeeded) run of the scenario have.
std::string explain_no_points(const Catalog& catalog, const HistoryQuery& q) {
  const std::string file = catalog.file().string();
  RunQuery of_scenario;
  of_scenario.scenario = q.scenario;
  of_scenario.limit = 0;
  const auto runs = catalog.runs(of_scenario);
  if (runs.empty()) {
    RunQuery all;
    all.limit = 0;
    std::set<std::string> scenarios;
    for (const auto& r : catalog.runs(all)) scenarios.insert(r.scenario);
    if (scenarios.empty()) return fmt::format("the run catalog {} has no runs yet", file);
    return fmt::format("no runs of scenario '{}' in {}{}", q.scenario, file, hint(q.scenario, scenarios, "scenarios"));
  }
  const RunRecord* reference = nullptr;
  for (const auto& r : runs) {  // newest first
    if (r.status == RunStatus::succeeded) {
      reference = &r;
      break;
    }
  }
  if (!reference && !q.include_failed) {
    return fmt::format("scenario '{}' has no succeeded run in {} ({} run{}, newest {}: {}); --all includes failed runs",
                       q.scenario, file, runs.size(), runs.size() == 1 ? "" : "s", runs.front().id,
                       to_string(runs.front().status));
  }
  if (!reference) reference = &runs.front();
  const std::string which = fmt::format("run {} (the newest {}run of {})", reference->id,
                                        reference->status == RunStatus::succeeded ? "succeeded " : "", q.scenario);
  const auto stats = catalog.stats(reference->id);
  if (stats.empty()) return fmt::format("{} has no statistics in the catalog", which);

  std::set<std::string> names;
  for (const auto& s : stats) names.insert(s.district);
  if (!names.count(q.district)) {
    return fmt::format("district '{}' is not in {}{}", q.district, which, hint(q.district, names, "districts"));
  }
  names.clear();
  for (const auto& s : stats) {
    if (s.district == q.district && !s.sector.empty()) names.insert(s.sector);
  }
  if (!q.sector.empty() && !names.count(q.sector)) {
    if (names.empty()) return fmt::format("district '{}' has no sectors in {}", q.district, which);
    return fmt::format("sector '{}' of {} is not in {}{}", q.sector, q.district, which, hint(q.sector, names, "sectors"));
  }
  auto same_series = [&](const StatRecord& s) { return s.district == q.district && s.sector == q.sector; };
  names.clear();
  for (const auto& s : stats) {
    if (same_series(s)) names.insert(s.metric);
  }
  if (!names.count(q.metric)) {
    return fmt::format("metric '{}' of {}{} is not in {}{}", q.metric, q.district, q.sector.empty() ? "" : "/" + q.sector,
                       which, hint(q.metric, names, "metrics"));
  }
  std::set<int> years;
  for (const auto& s : stats) {
    if (same_series(s) && s.metric == q.metric) years.insert(s.year);
  }
  if (!years.count(q.year)) {
    return fmt::format("year {} is not in {} (its years: {}-{})", q.year, which, *years.begin(), *years.rbegin());
  }
  names.clear();
  for (const auto& s : stats) {
    if (same_series(s) && s.metric == q.metric && s.year == q.year) names.insert(s.stat);
  }
  if (!names.count(q.stat)) {
    return fmt::format("stat '{}' of {} {} {} is not in {}{}", q.stat, q.district, q.metric, q.year, which,
                       hint(q.stat, names, "stats"));
  }
  return fmt::format("no {}run of {} in {} has {}", q.include_failed ? "" : "succeeded ", q.scenario, file,
                     cell_text(q));
}

/// The y-axis label: the scenario's units for GDP levels (from the newest run's manifest when readable).
std::string axis_label(const Catalog& catalog, const HistoryQuery& q, const std::vector<HistoryPoint>& points) {
  if (q.stat.rfind("p_above:", 0) == 0 || q.stat.rfind("p_reached_by:", 0) == 0) return "probability";
  if (q.metric == "gdp_growth") return "log growth";
  if (q.metric == "gdp_share") return "share of district GDP";
  if (q.metric == "firm_births" || q.metric == "firm_exits" || q.metric == "firm_stock") return "firms";
  if (q.metric != "gdp") return q.metric;
  try {
    if (const auto run = catalog.run(points.back().run_id)) {
      std::ifstream in(fs::path(run->directory) / "manifest.json");
      const auto json = nlohmann::json::parse(in, nullptr, false);
      if (json.is_object() && json.contains("resolved_scenario") && json["resolved_scenario"].is_object()) {
        const auto& s = json["resolved_scenario"];
        if (s.contains("units") && s["units"].is_string()) return "GDP (" + s["units"].get<std::string>() + ")";
      }
    }
  } catch (const std::exception&) {
    // No units then.
  }
  return "GDP";
}


void print_csv(const std::vector<HistoryPoint>& points) {
  fmt::print("run_id,batch_id,started_at,value,change,mc_se,paths,seed,engine_version,scenario_sha256,inputs_changed\n");
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    const bool changed = i > 0 && p.scenario_sha256 != points[i - 1].scenario_sha256;
    fmt::print("{},{},{},{},{},{},{},{},{},{},{}\n", p.run_id, p.batch_id ? std::to_string(*p.batch_id) : "",
               csv_field(p.started_at), p.value, i > 0 ? fmt::format("{}", rounded(p.value - points[i - 1].value)) : "",
               p.mc_se ? fmt::format("{}", *p.mc_se) : "", p.paths, p.seed, csv_field(p.engine_version),
               csv_field(p.scenario_sha256), changed ? "true" : "false");
  }
}

void print_json(const HistoryQuery& q, const std::vector<HistoryPoint>& points) {
  using Json = nlohmann::ordered_json;
  Json out;
  out["scenario"] = q.scenario;
  out["district"] = q.district;
  out["sector"] = q.sector;
  out["metric"] = q.metric;
  out["year"] = q.year;
  out["stat"] = q.stat;
  out["points"] = Json::array();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    Json j;
    j["run_id"] = p.run_id;
    j["batch_id"] = p.batch_id ? Json(*p.batch_id) : Json(nullptr);
    j["started_at"] = p.started_at;
    j["value"] = p.value;
    j["change"] = i > 0 ? Json(rounded(p.value - points[i - 1].value)) : Json(nullptr);
    j["mc_se"] = p.mc_se ? Json(*p.mc_se) : Json(nullptr);
    j["paths"] = p.paths;
    j["seed"] = p.seed;
    j["engine_version"] = p.engine_version;
    j["scenario_sha256"] = p.scenario_sha256;
    j["inputs_changed"] = i > 0 && p.scenario_sha256 != points[i - 1].scenario_sha256;
    out["points"].push_back(std::move(j));
  }
  fmt::print("{}\n", out.dump(2));
}

void print_table_with_summary(const HistoryQuery& q, const std::vector<HistoryPoint>& points) {
  const int decimals = history_value_decimals(points);
  std::vector<std::vector<std::string>> rows;
  std::size_t changes = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    const bool changed = i > 0 && p.scenario_sha256 != points[i - 1].scenario_sha256;
    if (changed) ++changes;
    rows.push_back({std::to_string(p.run_id), p.started_at, svg::format_number(p.value, decimals),
                    i > 0 ? signed_number(p.value - points[i - 1].value, decimals) : "-",
                    p.mc_se ? svg::format_number(*p.mc_se, decimals + 1) : "-",
                    svg::format_number(static_cast<double>(p.paths), 0), std::to_string(p.seed), p.engine_version,
                    changed ? "inputs changed" : ""});
  }
  print_table({"run", "started_at", q.stat, "change", "mc_se", "paths", "seed", "engine", "note"}, rows,
              {true, false, true, true, true, true, true, false, false});
  const auto& first = points.front();
  const auto& last = points.back();
  const std::string label = fmt::format("{} {}", q.scenario, cell_text(q));
  if (points.size() == 1) {
    fmt::print("{}: {} in 1 run ({})\n", label, svg::format_number(first.value, decimals), first.started_at.substr(0, 10));
    return;
  }
  const double change = last.value - first.value;
  const std::string relative =
      first.value != 0.0 ? fmt::format(", {}%", signed_number(change / std::fabs(first.value) * 100.0, 1)) : "";
  const std::string first_date = first.started_at.substr(0, 10);
  const std::string last_date = last.started_at.substr(0, 10);
  fmt::print("{}: {} -> {} ({}{}) over {} runs, {}{}\n", label, svg::format_number(first.value, decimals),
             svg::format_number(last.value, decimals), signed_number(change, decimals), relative, points.size(),
             first_date == last_date ? "on " + first_date : first_date + " to " + last_date,
             changes == 0 ? std::string() : fmt::format("; inputs changed {} time{}", changes, changes == 1 ? "" : "s"));
}

}  // namespace

int history_command(const Args& args) {
  HistoryArgs o;
  po::options_description visible = visible_options(o);
  po::variables_map vm;
  if (auto exit_code = parse_flag_options(kCommand, args, visible, vm, kMoreHelp)) return *exit_code;
  if (o.scenario.empty()) return usage_error(kCommand, "missing --scenario NAME (the scenario whose runs to follow)");
  if (o.district.empty()) return usage_error(kCommand, "missing --district ID (e.g. --district nanshan)");
  if (o.year.empty()) return usage_error(kCommand, "missing --year YEAR (e.g. --year 2030)");
  if (o.format != "table" && o.format != "csv" && o.format != "json") {
    return usage_error(kCommand, fmt::format("--format must be table, csv or json (got '{}')", o.format));
  }
  HistoryQuery query;
  query.scenario = o.scenario;
  query.district = o.district;
  query.sector = o.sector;
  query.stat = o.stat;
  query.include_failed = o.all;
  query.batch_name = o.batch;
  {
    const char* end = o.year.data() + o.year.size();
    const auto [ptr, ec] = std::from_chars(o.year.data(), end, query.year);
    if (ec != std::errc() || ptr != end) return usage_error(kCommand, fmt::format("--year expects a year, got '{}'", o.year));
  }
  if (!metric_from_string(o.metric)) {
    std::vector<std::string> names;
    names.reserve(kAllMetrics.size());
    for (Metric m : kAllMetrics) names.emplace_back(to_string(m));
    const std::string best = closest_match(o.metric, names);
    return usage_error(kCommand, fmt::format("--metric: unknown metric '{}'{}", o.metric,
                                             best.empty() ? fmt::format(" (metrics: {})", listed({names.begin(), names.end()}))
                                                          : fmt::format("; did you mean '{}'?", best)));
  }
  query.metric = o.metric;
  if (o.stat.empty()) return usage_error(kCommand, "--stat needs a statistic name (e.g. p50 or mean)");
  if (vm.count("limit")) {
    std::uint64_t limit = 0;
    if (auto p = parse_count("--limit", o.limit, 0, 1'000'000'000, limit); !p.empty()) return usage_error(kCommand, p);
    query.limit = static_cast<std::size_t>(limit);
  }
  if (vm.count("svg") && o.svg.empty()) return usage_error(kCommand, "--svg needs a file name");
  if (vm.count("catalog") && o.catalog.empty()) return usage_error(kCommand, "--catalog needs a file name");

  const fs::path file = catalog_path(o.catalog);
  if (!catalog_exists_or_explain(kCommand, file)) return kUsageOrInvalidInput;
  try {
    const Catalog catalog = Catalog::open_read_only(file);
    const std::vector<HistoryPoint> points = catalog.history(query);
    if (points.empty()) {
      fmt::print(stderr, "districtcast {}: nothing to show for {} {}: {}\n", kCommand, query.scenario, cell_text(query),
                 explain_no_points(catalog, query));
      return kUsageOrInvalidInput;
    }
    if (o.format == "csv") {
      print_csv(points);
    } else if (o.format == "json") {
      print_json(query, points);
    } else {
      print_table_with_summary(query, points);
    }
    std::fflush(stdout);
    if (!o.svg.empty()) {
      HistorySeries series;
      series.title = fmt::format("{} \u00b7 {}{} \u00b7 {} {} \u00b7 {}", query.scenario, query.district,
                                 query.sector.empty() ? "" : "/" + query.sector, query.metric, query.year, query.stat);
      series.units = axis_label(catalog, query, points);
      series.points = points;
      if (auto p = write_file_atomically(o.svg, history_chart_svg(series) + "\n"); !p.empty()) {
        fmt::print(stderr, "districtcast {}: {}\n", kCommand, p);
        return kRuntimeFailure;
      }
      fmt::print(stderr, "districtcast {}: wrote {}\n", kCommand, o.svg);
    }
    return kSuccess;
  } catch (const std::exception& e) {
    fmt::print(stderr, "districtcast {}: {}\n", kCommand, e.what());
    return kRuntimeFailure;
  }
}

}  // namespace districtcast::cli
