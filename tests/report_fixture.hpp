#pragma once
/// \file A hand-made RunData for the report tests: two districts (Nanshan with history, sectors and firms;
/// Chaoyang without), a GDP threshold of 1,000 billion CNY, club sizes and a full manifest. The numbers
/// follow a lognormal model so the charts look like a real run's.

#include "engine/quantile_names.hpp"
#include "engine/run_reader.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast::testing {

/// Standard normal quantile by bisection on erfc (accurate to ~1e-12; plenty for test data).
inline double normal_quantile(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

inline double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

/// A SummaryRow of a lognormal value with median `median` and log-sd `sigma` at the given percentiles.
inline SummaryRow lognormal_row(const std::string& district, const std::string& sector, Metric metric, int year,
                                double median, double sigma, const std::vector<double>& percentiles, bool whole) {
  SummaryRow r;
  r.district = district;
  r.sector = sector;
  r.metric = metric;
  r.year = year;
  r.mean = median * std::exp(sigma * sigma / 2);
  r.sd = r.mean * std::sqrt(std::exp(sigma * sigma) - 1);
  r.mc_se = r.sd / std::sqrt(100000.0);
  for (double p : percentiles) {
    double q = median * std::exp(sigma * normal_quantile(p / 100.0));
    r.quantiles.push_back(whole ? std::round(q) : q);
  }
  return r;
}

/// The sample run. `percentiles` are the quantile columns (default p5 ... p95).
inline RunData sample_run(const std::string& scenario = "trillion_club",
                          const std::vector<double>& percentiles = {5, 10, 25, 50, 75, 90, 95}) {
  RunData run;
  run.directory = "/runs/trillion_club/20261128T162441Z";
  run.scenario = scenario;
  run.units = "billion CNY";
  run.base_year = 2024;
  run.horizon = 11;
  run.seed = 20241231;
  run.tables.paths = 100000;
  for (double p : percentiles) run.tables.quantile_names.push_back(quantile_column_name(p / 100.0));

  RunDistrictInfo nanshan;
  nanshan.id = "nanshan";
  nanshan.name = "Nanshan";
  nanshan.base_gdp = 880.0;
  nanshan.history = {{2019, 642.0}, {2020, 650.0}, {2021, 759.0}, {2022, 794.0}, {2023, 850.0}};
  nanshan.sectors = {{"it", "IT and software", 0.45}, {"other", "other", 0.55}};
  RunDistrictInfo chaoyang;
  chaoyang.id = "chaoyang";
  chaoyang.name = "Chaoyang";
  chaoyang.base_gdp = 923.0;
  run.districts = {nanshan, chaoyang};

  struct Model {
    std::string id;
    double base, growth, sigma;
  };
  const std::vector<Model> models{{"nanshan", 880.0, 0.06, 0.035}, {"chaoyang", 923.0, 0.045, 0.03}};
  const double threshold = 1000.0;
  std::vector<std::vector<double>> above(models.size());
  for (std::size_t d = 0; d < models.size(); ++d) {
    const auto& m = models[d];
    for (int t = 1; t <= run.horizon; ++t) {
      const double median = m.base * std::exp(m.growth * t);
      const double sigma = m.sigma * std::sqrt(static_cast<double>(t));
      run.tables.summary.push_back(
          lognormal_row(m.id, "", Metric::gdp, 2024 + t, median, sigma, percentiles, false));
      above[d].push_back(normal_cdf(std::log(median / threshold) / sigma));
    }
  }
  // Nanshan's firms and sector shares.
  for (int t = 1; t <= run.horizon; ++t) {
    run.tables.summary.push_back(lognormal_row("nanshan", "", Metric::firm_births, 2024 + t,
                                               61000.0 * std::exp(0.01 * t), 0.05, percentiles, true));
    run.tables.summary.push_back(lognormal_row("nanshan", "", Metric::firm_stock, 2024 + t,
                                               520000.0 * std::exp(0.012 * t), 0.01 * std::sqrt(t * 1.0),
                                               percentiles, true));
    const double it = 0.45 + 0.006 * t;
    run.tables.summary.push_back(lognormal_row("nanshan", "it", Metric::gdp_share, 2024 + t, it,
                                               0.01 * std::sqrt(t * 1.0), percentiles, false));
    run.tables.summary.push_back(lognormal_row("nanshan", "other", Metric::gdp_share, 2024 + t, 1 - it,
                                               0.008 * std::sqrt(t * 1.0), percentiles, false));
  }
  // Thresholds and first crossings: p_reached_by as the running maximum of p_above.
  for (std::size_t d = 0; d < models.size(); ++d) {
    double reached = 0.0;
    for (int t = 1; t <= run.horizon; ++t) {
      const double p = above[d][static_cast<std::size_t>(t - 1)];
      const double previous = reached;
      reached = std::max(reached, p);
      run.tables.thresholds.push_back({models[d].id, Metric::gdp, threshold, "trillion club", 2024 + t, p, reached,
                                       std::sqrt(p * (1 - p) / 100000.0)});
      run.tables.first_crossing.push_back(
          {models[d].id, Metric::gdp, threshold, "trillion club", 2024 + t, reached - previous});
    }
    run.tables.first_crossing.push_back(
        {models[d].id, Metric::gdp, threshold, "trillion club", std::nullopt, 1.0 - reached});
  }
  // Club sizes, the two districts independent.
  for (int t = 1; t <= run.horizon; ++t) {
    const double a = above[0][static_cast<std::size_t>(t - 1)];
    const double b = above[1][static_cast<std::size_t>(t - 1)];
    const double p[3] = {(1 - a) * (1 - b), a * (1 - b) + (1 - a) * b, a * b};
    for (std::size_t k = 0; k < 3; ++k) {
      EventRow e;
      e.event = "club_size";
      e.metric = Metric::gdp;
      e.threshold = threshold;
      e.label = "trillion club";
      e.year = 2024 + t;
      e.districts = k;
      e.probability = p[k];
      e.mc_se = std::sqrt(p[k] * (1 - p[k]) / 100000.0);
      run.tables.events.push_back(e);
    }
  }

  run.manifest = {
      {"engine_version", "0.9.0"},
      {"scenario", scenario},
      {"scenario_file", "scenarios/trillion_club.yaml"},
      {"scenario_sha256", "3f2a9c0e5b7d41e8a6c2f0b9d8e7a6c5b4a3928170f6e5d4c3b2a1908f7e6d5c"},
      {"seed", 20241231},
      {"paths", 100000},
      {"threads", 8},
      {"block_size", 4096},
      {"simd_kernel", "avx2"},
      {"started_at", "2026-11-28T16:24:41Z"},
      {"finished_at", "2026-11-28T16:24:42Z"},
      {"wall_seconds", 0.56},
      {"peak_rss_bytes", 52428800},
      {"composition", {{"extends", "scenarios/base.yaml"}, {"overrides", {"nanshan.growth.mean=0.06"}}}},
      {"files_sha256",
       {{"summary.csv", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
        {"thresholds.csv", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"}}},
      {"resolved_scenario",
       {{"description", "Baseline forecast for two districts."},
        {"districts",
         {{{"id", "nanshan"},
           {"sectors",
            {{{"id", "it"}, {"firms", {{"stock", 200000}}}}, {{"id", "other"}, {"firms", {{"stock", 320000}}}}}}},
          {{"id", "chaoyang"}}}}}}};
  return run;
}

/// Checks that every element is closed in order (`<a>..</a>`, `<b/>`; `<!...>` and the contents of
/// <style> skipped); returns "" or a description of the first problem. (HTML void elements must be written
/// self-closed, as the report does.)
inline std::string unbalanced_tags(std::string_view text) {
  std::vector<std::string> open;
  std::size_t i = 0;
  while ((i = text.find('<', i)) != std::string_view::npos) {
    const std::size_t end = text.find('>', i);
    if (end == std::string_view::npos) return "unterminated tag at " + std::to_string(i);
    const std::string_view tag = text.substr(i + 1, end - i - 1);
    if (!tag.empty() && tag[0] == '!') {
      i = end + 1;
      continue;
    }
    if (!tag.empty() && tag[0] == '/') {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name)
        return "</" + name + "> at " + std::to_string(i) + " closes <" + (open.empty() ? "" : open.back()) + ">";
      open.pop_back();
    } else if (tag.empty() || tag.back() != '/') {
      const std::string name(tag.substr(0, tag.find_first_of(" \n\t")));
      if (name.empty()) return "empty tag at " + std::to_string(i);
      open.push_back(name);
      if (name == "style") {  // CSS may contain '>' (selectors)
        const std::size_t close = text.find("</style>", end);
        if (close == std::string_view::npos) return "unclosed <style>";
        i = close;
        continue;
      }
    }
    i = end + 1;
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

}  // namespace districtcast::testing
