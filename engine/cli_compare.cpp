/// \file `districtcast compare A B`: differences between two runs or two batches (docs/comparing.md).

#include "engine/alert_rules.hpp"
#include "engine/cli.hpp"
#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/report_html.hpp"
#include "engine/run_reader.hpp"
#include "engine/compare.hpp"
#include "engine/compare_writers.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace districtcast::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* kCommand = "compare";
constexpr std::size_t kRowsShownPerRule = 10;

struct CompareArgs {
  std::vector<std::string> directories;
  std::string format = "table";
  std::string out;
  std::vector<std::string> districts, metrics, years, rules;
  std::string noise_z;
  std::string html;
};

po::options_description visible_options(CompareArgs& o) {
  po::options_description d(
      "Usage: districtcast compare A B [options]\n\n"
      "Compares two run directories, or two batch directories (runs matched by scenario name), cell by cell:\n"
      "per district (and sector) x metric x year the change in the mean and in each quantile, the change in\n"
      "each threshold probability (p_above, p_reached_by), each with a z-score from both runs' Monte Carlo\n"
      "standard errors, and the Kolmogorov-Smirnov (ks) and Wasserstein-1 (w1) distances between the\n"
      "histograms. A is the reference (\"before\"), B the new run: diff = B - A. Notes on stderr say when the\n"
      "runs differ in engine version, assumptions (scenario_sha256), seed, paths or quantiles, and which\n"
      "cells only one run has. See docs/comparing.md.\n\n"
      "Options",
      110, 60);
  d.add_options()("help,h", "show this help")(
      "format,f", po::value(&o.format)->value_name("FMT"),
      "table (default; aligned, for reading), csv (tidy rows) or json (rows, pairs and notes)")(
      "out,o", po::value(&o.out)->value_name("FILE"), "write the output to FILE instead of stdout")(
      "district", po::value(&o.districts)->composing()->value_name("ID"),
      "only these districts (with their sectors); repeatable or a comma list")(
      "metric", po::value(&o.metrics)->composing()->value_name("NAME"),
      "only these metrics (gdp, gdp_growth, gdp_share, firm_births, firm_exits, firm_stock); repeatable or a "
      "comma list")("year", po::value(&o.years)->composing()->value_name("YEAR"),
                    "only these years; repeatable or a comma list")(
      "noise-z", po::value(&o.noise_z)->value_name("X"),
      "a difference is beyond Monte Carlo noise when |z| > X (default 4)")(
      "fail-if", po::value(&o.rules)->composing()->value_name("RULE"),
      "exit with code 3 (after writing the output) when RULE matches a compared row (after the filters "
      "above); repeatable, rules are ORed; see below")(
      "html", po::value(&o.html)->value_name("FILE"),
      "also write an HTML report with both runs overlaid (two run directories only; docs/reports.md)");
  return d;
}

constexpr const char* kMoreHelp =
    "\nCSV columns: scenario,district,sector,metric,year,stat,a,b,diff,rel_change,z,beyond_noise; one row per\n"
    "district (sector empty for district totals) x metric x year x stat. stat is mean, a quantile (p5, p50, ...),\n"
    "p_above:<threshold>, p_reached_by:<threshold>, ks or w1. diff = b - a (ks, w1: the distance), rel_change =\n"
    "diff / |a| (w1: w1 / |mean of A|), z = diff / sqrt(se_a^2 + se_b^2), beyond_noise = |z| > --noise-z.\n"
    "Empty fields are undefined (e.g. rel_change when a = 0).\n\n"
    "Rules (--fail-if RULE): comma-joined conditions, all of which must hold for a row:\n"
    "  filters, with '=':       scenario, district, sector (sector= selects district totals), metric, year,\n"
    "                           stat (mean, p50, ..., ks, w1; p_above matches every p_above:<threshold>,\n"
    "                           p_above:1000 one threshold; likewise p_reached_by)\n"
    "  comparisons, with '>', '<', '>=', '<=' or '=' and a number:\n"
    "                           diff, abs_change (|diff|), rel_change, abs_rel_change (|rel_change|), z,\n"
    "                           abs_z (|z|), a, b; and beyond_noise=true or beyond_noise=false\n"
    "  A condition on an empty (undefined) field does not hold. Each matching rule is printed to stderr\n"
    "  with up to 10 of its rows. A filter value that selects no compared row is a usage error.\n\n"
    "Examples:\n"
    "  districtcast compare outputs/trillion_club/20261127T020000Z outputs/trillion_club/20261128T020000Z\n"
    "  districtcast compare A B --district nanshan,chaoyang --metric gdp --year 2030\n"
    "  districtcast compare nightly/2026-11-27 nightly/2026-11-28 --format csv --out diff.csv \\\n"
    "      --fail-if 'metric=gdp,stat=p50,abs_rel_change>0.02' --fail-if 'stat=p_above,beyond_noise=true'\n\n"
    "compare exits with 1 when A or B cannot be read, 2 on a usage error (also a run compared with a batch),\n"
    "3 when a --fail-if rule matched (the output is written first).\n";

/// Splits repeatable, comma-separated option values; returns a problem or "".
std::string split_list(const std::vector<std::string>& values, const char* flag, std::vector<std::string>& out) {
  for (const auto& value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      const std::size_t comma = std::min(value.find(',', start), value.size());
      std::string item = value.substr(start, comma - start);
      if (item.empty()) return fmt::format("{} has an empty item in '{}'", flag, value);
      out.push_back(std::move(item));
      start = comma + 1;
    }
  }
  return "";
}

/// Parses every option that needs no input file; returns a usage problem or "".
std::string parse_options(const CompareArgs& o, CompareFormat& format, CompareOptions& options,
                          CompareFilter& filter, std::vector<AlertRule>& rules) {
  if (o.directories.size() != 2) {
    return o.directories.size() < 2 ? "give two directories: A (the reference) and B (the new run or batch)"
                                    : fmt::format("give exactly two directories (got {})", o.directories.size());
  }
  const auto f = compare_format_from_string(o.format);
  if (!f) return fmt::format("--format must be table, csv or json (got '{}')", o.format);
  format = *f;
  if (!o.noise_z.empty()) {
    double x = 0.0;
    const char* end = o.noise_z.data() + o.noise_z.size();
    const auto [ptr, ec] = std::from_chars(o.noise_z.data(), end, x);
    if (ec != std::errc() || ptr != end || !std::isfinite(x) || !(x > 0.0)) {
      return fmt::format("--noise-z expects a positive number, got '{}'", o.noise_z);
    }
    options.noise_z = x;
  }
  if (auto p = split_list(o.districts, "--district", filter.districts); !p.empty()) return p;
  std::vector<std::string> metric_names, years;
  if (auto p = split_list(o.metrics, "--metric", metric_names); !p.empty()) return p;
  for (const auto& name : metric_names) {
    const auto m = metric_from_string(name);
    if (!m) {
      std::vector<std::string> names;
      names.reserve(kAllMetrics.size());
      for (Metric known : kAllMetrics) names.emplace_back(to_string(known));
      const std::string suggestion = closest_match(name, names);
      return fmt::format("--metric: unknown metric '{}'{}", name,
                         suggestion.empty() ? fmt::format(" (metrics: {})", fmt::join(names, ", "))
                                            : fmt::format("; did you mean '{}'?", suggestion));
    }
    filter.metrics.push_back(*m);
  }
  if (auto p = split_list(o.years, "--year", years); !p.empty()) return p;
  for (const auto& text : years) {
    int year = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
    if (ec != std::errc() || ptr != text.data() + text.size()) return fmt::format("--year expects a year, got '{}'", text);
    filter.years.push_back(year);
  }
  for (const auto& text : o.rules) {
    std::string problem;
    auto rule = parse_alert_rule(text, problem);
    if (!rule) return fmt::format("--fail-if '{}': {}", text, problem);
    rules.push_back(std::move(*rule));
  }
  return "";
}


/// Prints each rule that matches some row with up to kRowsShownPerRule rows; true when any matched.
bool report_rules(const std::vector<AlertRule>& rules, const std::vector<CompareRow>& rows) {
  bool any = false;
  for (const auto& rule : rules) {
    const std::vector<std::size_t> hits = matching_rows(rule, rows);
    if (hits.empty()) continue;
    any = true;
    fmt::print(stderr, "districtcast compare: --fail-if '{}' met by {} row{}:\n", rule.text, hits.size(),
               hits.size() == 1 ? "" : "s");
    for (std::size_t i = 0; i < hits.size() && i < kRowsShownPerRule; ++i) {
      fmt::print(stderr, "  {}\n", describe_row(rows[hits[i]]));
    }
    if (hits.size() > kRowsShownPerRule) fmt::print(stderr, "  ... and {} more\n", hits.size() - kRowsShownPerRule);
  }
  return any;
}

}  // namespace

int compare_command(const Args& args) {
  CompareArgs o;
  po::options_description visible = visible_options(o);
  po::options_description all = visible;
  all.add_options()("directories", po::value(&o.directories));
  po::positional_options_description positional;
  positional.add("directories", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(kCommand, e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << kMoreHelp << "\n" << kExitCodesHelp;
    std::cout.flush();
    return kSuccess;
  }
  CompareFormat format = CompareFormat::table;
  CompareOptions options;
  CompareFilter filter;
  std::vector<AlertRule> rules;
  if (auto problem = parse_options(o, format, options, filter, rules); !problem.empty()) {
    return usage_error(kCommand, problem);
  }
  if (vm.count("out") && o.out.empty()) return usage_error(kCommand, "--out needs a file name");
  if (vm.count("html") && o.html.empty()) return usage_error(kCommand, "--html needs a file name");
  if (!o.html.empty() && (classify_result_directory(o.directories[0]) == ResultDirectoryKind::batch ||
                          classify_result_directory(o.directories[1]) == ResultDirectoryKind::batch)) {
    return usage_error(kCommand, "--html overlays two runs: give two run directories (e.g. BATCH_A/trillion_club "
                                 "BATCH_B/trillion_club)");
  }

  try {
    CompareProblem problem;
    std::optional<Comparison> comparison = compare_directories(o.directories[0], o.directories[1], options, problem);
    if (!comparison) {
      if (problem.usage) return usage_error(kCommand, problem.message);
      fmt::print(stderr, "districtcast compare: {}\n", problem.message);
      return kRuntimeFailure;
    }
    const std::vector<CompareRow> unfiltered = all_rows(*comparison);
    if (auto p = check_filter(*comparison, filter); !p.empty()) return usage_error(kCommand, p);
    for (const auto& rule : rules) {
      if (auto p = check_rule_filters(rule, unfiltered); !p.empty()) {
        return usage_error(kCommand, fmt::format("--fail-if '{}': {}", rule.text, p));
      }
    }
    apply_filter(*comparison, filter);

    const std::string text = format_comparison(*comparison, format);
    if (o.out.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        fmt::print(stderr, "districtcast compare: error writing to stdout\n");
        return kRuntimeFailure;
      }
    } else if (auto p = write_file_atomically(o.out, text); !p.empty()) {
      fmt::print(stderr, "districtcast compare: {}\n", p);
      return kRuntimeFailure;
    }
    if (format != CompareFormat::json) {
      for (const auto& note : comparison->notes) fmt::print(stderr, "districtcast compare: note: {}\n", note);
    }
    // A matched alert rule decides the exit code even if the HTML cannot be written: a nightly script that
    // waits for 3 must not miss an alert because of a full disk.
    const bool alert = report_rules(rules, all_rows(*comparison));
    bool html_failed = false;
    if (!o.html.empty()) {
      std::string read_problem;
      const auto a = read_run(o.directories[0], read_problem);
      const auto b = a ? read_run(o.directories[1], read_problem) : std::nullopt;
      try {
        if (!a || !b) throw std::runtime_error(read_problem);
        write_report_file(o.html, render_comparison_report(*a, *b));
        fmt::print(stderr, "districtcast compare: wrote {}\n", o.html);
      } catch (const std::exception& e) {
        fmt::print(stderr, "districtcast compare: --html: {}\n", e.what());
        html_failed = true;
      }
    }
    if (alert) return kConditionMet;
    return html_failed ? kRuntimeFailure : kSuccess;
  } catch (const std::exception& e) {
    fmt::print(stderr, "districtcast compare: error: {}\n", e.what());
    return kRuntimeFailure;
  }
}

}  // namespace districtcast::cli
