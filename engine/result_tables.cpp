#include "engine/result_tables.hpp"

#include "engine/quantile_names.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>
#include <utility>
#include <cmath>
#include <limits>

namespace districtcast {
namespace {

/// A cell's quantile: the sketch's estimate clamped to the exact [min, max] of the cell (which only moves
/// it closer to the exact order statistic) and, for counts, rounded to a whole number.
double cell_quantile(const QuantileSketch& sketch, const RunningMoments& moments, double q, bool counts) {
  const double v = std::clamp(sketch.quantile(q), moments.min(), moments.max());
  return counts ? std::round(v) : v;
}

std::vector<HistogramRow> histogram(const SummaryRow& cell, const QuantileSketch& sketch, const RunningMoments& moments,
                                    int bins, bool counts) {
  const double inf = std::numeric_limits<double>::infinity();
  double low = cell_quantile(sketch, moments, 0.001, counts);
  double high = cell_quantile(sketch, moments, 0.999, counts);
  const auto total = static_cast<double>(sketch.count());
  // Counts spanning fewer values than bins get one bin per whole number, [k - 0.5, k + 0.5).
  const bool unit_bins = counts && high - low + 1 <= bins;
  std::size_t inner = 1;
  if (unit_bins) {
    inner = static_cast<std::size_t>(high - low) + 1;
  } else if (low < high) {
    inner = static_cast<std::size_t>(bins);
  }
  const double width = unit_bins ? 1.0 : (high - low) / static_cast<double>(inner);
  std::vector<std::uint64_t> tally(inner + 2, 0);  // [0] lower tail, [1..inner] bins, [inner+1] upper tail
  for (const SketchBucket& bucket : sketch.buckets()) {
    double x = std::clamp(bucket.representative, moments.min(), moments.max());
    if (counts) x = std::round(x);
    std::size_t slot = 0;
    if (x < low) {
      slot = 0;
    } else if (x > high) {
      slot = inner + 1;
    } else if (inner == 1) {
      slot = 1;
    } else {
      const auto k = static_cast<std::size_t>(unit_bins ? x - low : std::floor((x - low) / width));
      slot = 1 + std::min(k, inner - 1);
    }
    tally[slot] += bucket.count;
  }
  if (unit_bins) {
    low -= 0.5;
    high += 0.5;
  }
  std::vector<HistogramRow> rows;
  auto add = [&](double lower, double upper, std::uint64_t n) {
    rows.push_back(HistogramRow{cell.district, cell.sector, cell.metric, cell.year, lower, upper,
                                total > 0 ? static_cast<double>(n) / total : 0.0});
  };
  add(-inf, low, tally[0]);
  for (std::size_t b = 0; b < inner; ++b) {
    const double lower = low + width * static_cast<double>(b);
    const double upper = b + 1 == inner ? high : low + width * static_cast<double>(b + 1);
    add(lower, upper, tally[b + 1]);
  }
  add(high, inf, tally[inner + 1]);
  return rows;
}

double proportion(std::uint64_t count, std::uint64_t total) {
  return total > 0 ? static_cast<double>(count) / static_cast<double>(total) : 0.0;
}

/// regimes.csv, shocks.csv and parameters.csv rows from the driver series.
void add_driver_rows(const Scenario& scenario, const Accumulator& totals, ResultTables& tables) {
  const ResultLayout& layout = totals.layout();
  for (std::size_t i = 0; i < layout.drivers().size(); ++i) {
    const DriverSeries& driver = layout.drivers()[i];
    const std::size_t series = layout.driver_series(i);
    if (driver.kind == DriverKind::parameter) {
      const std::size_t cell = layout.cell(series, 1);
      const RunningMoments& m = totals.moments(cell);
      const auto& distribution = scenario.parameters[driver.index].distribution;
      ParameterRow row{driver.name, std::string(models::to_string(distribution.family)), distribution.args,
                       distribution.mean(), distribution.standard_deviation(), m.mean(), m.standard_deviation(),
                       totals.mean_standard_error(cell), {}};
      for (double q : scenario.outputs.quantiles) row.quantiles.push_back(cell_quantile(totals.sketch(cell), m, q, false));
      tables.parameters.push_back(std::move(row));
      continue;
    }
    for (std::size_t t = 1; t <= layout.horizon(); ++t) {
      const std::size_t cell = layout.cell(series, t);
      const int year = layout.base_year() + static_cast<int>(t);
      const double mean = totals.moments(cell).mean();
      const double se = totals.mean_standard_error(cell);
      if (driver.kind == DriverKind::regime) {
        tables.regimes.push_back(RegimeRow{driver.name, driver.detail, year, mean, se});
      } else {
        tables.shocks.push_back(
            ShockRow{driver.kind == DriverKind::jumps ? "jumps" : "scheduled", driver.name, year, mean, se});
      }
    }
  }
}

}  // namespace

ResultTables build_result_tables(const Scenario& scenario, const Accumulator& totals) {
  const ResultLayout& layout = totals.layout();
  ResultTables tables;
  tables.paths = totals.paths();
  for (double q : scenario.outputs.quantiles) tables.quantile_names.push_back(quantile_column_name(q));

  for (std::size_t s = 0; s < layout.series().size(); ++s) {
    const SeriesKey& key = layout.series()[s];
    for (std::size_t t = 1; t <= layout.horizon(); ++t) {
      const std::size_t cell = layout.cell(s, t);
      const RunningMoments& m = totals.moments(cell);
      const DistrictSpec& district = scenario.districts[key.district];
      SummaryRow row{district.id, key.sector ? district.sectors[*key.sector].id : std::string(), key.metric,
                     layout.base_year() + static_cast<int>(t), m.mean(), m.standard_deviation(),
                     totals.mean_standard_error(cell), {}};
      const bool counts = is_firm_metric(key.metric);
      for (double q : scenario.outputs.quantiles) row.quantiles.push_back(cell_quantile(totals.sketch(cell), m, q, counts));
      auto bins = histogram(row, totals.sketch(cell), m, scenario.outputs.histogram_bins, counts);
      tables.histograms.insert(tables.histograms.end(), bins.begin(), bins.end());
      tables.summary.push_back(std::move(row));
    }
  }

  const auto n = totals.paths();
  for (std::size_t i = 0; i < layout.threshold_series().size(); ++i) {
    const ThresholdSeries& ts = layout.threshold_series()[i];
    const SeriesKey& key = layout.series()[ts.series];
    const ThresholdSpec& spec = scenario.thresholds[ts.threshold];
    const std::string& district = scenario.districts[key.district].id;
    for (std::size_t t = 1; t <= layout.horizon(); ++t) {
      tables.thresholds.push_back(ThresholdRow{district, key.metric, ts.value, spec.label,
                                               layout.base_year() + static_cast<int>(t),
                                               proportion(totals.above(i, t), n),
                                               proportion(totals.reached_by(i, t), n),
                                               totals.above_standard_error(i, t)});
    }
    const std::size_t first_k = key.base_value ? 0 : 1;  // only level metrics can cross in the base year
    for (std::size_t k = first_k; k <= layout.horizon() + 1; ++k) {
      std::optional<int> year;
      if (k <= layout.horizon()) year = layout.base_year() + static_cast<int>(k);
      tables.first_crossing.push_back(FirstCrossingRow{district, key.metric, ts.value, spec.label, year,
                                                       proportion(totals.first_crossing(i, k), n)});
    }
  }
  for (std::size_t i = 0; i < layout.overtaking_series().size(); ++i) {
    const OvertakingSeries& pair = layout.overtaking_series()[i];
    const std::string& a = scenario.districts[pair.district].id;
    const std::string& b = scenario.districts[pair.other].id;
    for (const bool by : {false, true}) {
      for (std::size_t t = 1; t <= layout.horizon(); ++t) {
        const double p = proportion(by ? totals.ahead_by(i, t) : totals.ahead(i, t), n);
        const double se = by ? totals.ahead_by_standard_error(i, t) : totals.ahead_standard_error(i, t);
        tables.events.push_back(EventRow{by ? "ahead_by" : "ahead", a, b, Metric::gdp, std::nullopt, "",
                                         layout.base_year() + static_cast<int>(t), std::nullopt, p, se});
      }
    }
  }
  for (std::size_t c = 0; c < layout.clubs().size(); ++c) {
    const ClubSeries& club = layout.clubs()[c];
    const ThresholdSpec& spec = scenario.thresholds[club.threshold];
    for (std::size_t t = 1; t <= layout.horizon(); ++t) {
      for (std::size_t k = 0; k <= club.count; ++k) {
        tables.events.push_back(EventRow{"club_size", "", "", spec.metric, spec.value, spec.label,
                                         layout.base_year() + static_cast<int>(t), k,
                                         proportion(totals.club_size(c, t, k), n),
                                         totals.club_size_standard_error(c, t, k)});
      }
    }
  }
  add_driver_rows(scenario, totals, tables);
  return tables;
}

std::string first_non_finite(const ResultTables& tables) {
  const auto where = [](const std::string& district, const std::string& sector, Metric metric, int year) {
    std::string place = fmt::format("district '{}'", district);
    if (!sector.empty()) place += fmt::format(" (sector {})", sector);
    return fmt::format("{}, {}, {}", place, to_string(metric), year);
  };
  // The name of the first non-finite value among `named`, or empty.
  const auto bad = [](std::initializer_list<std::pair<const char*, double>> named) -> std::string {
    for (const auto& [name, value] : named) {
      if (!std::isfinite(value)) return fmt::format("{} is {}", name, value);
    }
    return {};
  };
  for (const SummaryRow& r : tables.summary) {
    std::string what = bad({{"mean", r.mean}, {"sd", r.sd}, {"mc_se", r.mc_se}});
    for (std::size_t i = 0; what.empty() && i < r.quantiles.size(); ++i) {
      if (!std::isfinite(r.quantiles[i])) what = fmt::format("{} is {}", tables.quantile_names.at(i), r.quantiles[i]);
    }
    if (!what.empty()) return fmt::format("{}: {}", where(r.district, r.sector, r.metric, r.year), what);
  }
  for (const HistogramRow& r : tables.histograms) {
    // Open tails are -inf / +inf by design; an inner bound or a probability must be finite.
    std::string what = bad({{"probability", r.probability}});
    if (what.empty() && (std::isnan(r.lower) || r.lower == std::numeric_limits<double>::infinity())) {
      what = fmt::format("histogram bin_lower is {}", r.lower);
    }
    if (what.empty() && (std::isnan(r.upper) || r.upper == -std::numeric_limits<double>::infinity())) {
      what = fmt::format("histogram bin_upper is {}", r.upper);
    }
    if (what.empty() && std::isinf(r.lower) && std::isinf(r.upper)) what = "histogram bin is unbounded";
    if (!what.empty()) return fmt::format("{}: {}", where(r.district, r.sector, r.metric, r.year), what);
  }
  for (const ThresholdRow& r : tables.thresholds) {
    std::string what = bad({{"p_above", r.p_above}, {"p_reached_by", r.p_reached_by}, {"mc_se", r.mc_se}});
    if (!what.empty()) return fmt::format("{}: threshold {}: {}", where(r.district, "", r.metric, r.year), r.threshold, what);
  }
  for (const FirstCrossingRow& r : tables.first_crossing) {
    std::string what = bad({{"probability", r.probability}});
    if (!what.empty()) return fmt::format("district '{}', {}: first_crossing: {}", r.district, to_string(r.metric), what);
  }
  for (const EventRow& r : tables.events) {
    std::string what = bad({{"probability", r.probability}, {"mc_se", r.mc_se}});
    if (!what.empty()) return fmt::format("event {} '{}', {}: {}", r.event, r.district, r.year, what);
  }
  for (const RegimeRow& r : tables.regimes) {
    std::string what = bad({{"probability", r.probability}, {"mc_se", r.mc_se}});
    if (!what.empty()) return fmt::format("regime '{}' of {}, {}: {}", r.regime, r.chain, r.year, what);
  }
  for (const ShockRow& r : tables.shocks) {
    std::string what = bad({{"frequency", r.frequency}, {"mc_se", r.mc_se}});
    if (!what.empty()) return fmt::format("{} shock '{}', {}: {}", r.kind, r.shock, r.year, what);
  }
  for (const ParameterRow& r : tables.parameters) {
    std::string what = bad({{"mean", r.mean}, {"sd", r.sd}, {"mc_se", r.mc_se}});
    for (std::size_t i = 0; what.empty() && i < r.quantiles.size(); ++i) {
      if (!std::isfinite(r.quantiles[i])) what = fmt::format("{} is {}", tables.quantile_names.at(i), r.quantiles[i]);
    }
    if (!what.empty()) return fmt::format("parameter '{}': {}", r.parameter, what);
  }
  return {};
}

void check_finite_tables(const ResultTables& tables) {
  const std::string problem = first_non_finite(tables);
  if (problem.empty()) return;
  throw std::range_error("statistic not finite: " + problem +
                         " (the values are too large for double precision; reduce growth, volatility or horizon)");
}

}  // namespace districtcast
