#include "engine/compare.hpp"

#include "engine/diagnostic.hpp"
#include "engine/distribution_distance.hpp"
#include "engine/progress.hpp"
#include "engine/quantile_sketch.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace districtcast {
namespace {

namespace fs = std::filesystem;

/// A summary cell: district (sector) x metric x year.
using CellKey = std::tuple<std::string, std::string, Metric, int>;
/// A threshold cell: district x metric x threshold x year.
using ThresholdKey = std::tuple<std::string, Metric, double, int>;

CellKey cell_key(const SummaryRow& r) { return {r.district, r.sector, r.metric, r.year}; }
CellKey cell_key(const ThresholdRow& r) { return {r.district, "", r.metric, r.year}; }
ThresholdKey threshold_key(const ThresholdRow& r) { return {r.district, r.metric, r.threshold, r.year}; }

std::optional<double> finite(double x) { return std::isfinite(x) ? std::optional<double>(x) : std::nullopt; }

std::optional<double> relative(double diff, double base) {
  return base != 0.0 ? finite(diff / std::fabs(base)) : std::nullopt;
}

/// Histogram bins per cell.
std::map<CellKey, std::vector<HistogramBin>> histograms_by_cell(const ResultTables& t) {
  std::map<CellKey, std::vector<HistogramBin>> cells;
  for (const auto& h : t.histograms) {
    cells[{h.district, h.sector, h.metric, h.year}].push_back(HistogramBin{h.lower, h.upper, h.probability});
  }
  return cells;
}

/// Counts compared-nowhere cells per series for the "only in A/B" notes.
class UnmatchedCells {
public:
  void add(const std::string& district, const std::string& sector, const std::string& what) {
    const std::string label =
        sector.empty() ? fmt::format("district '{}'", district) : fmt::format("sector '{}.{}'", district, sector);
    auto it = std::find_if(groups_.begin(), groups_.end(), [&](const Group& g) { return g.label == label; });
    if (it == groups_.end()) it = groups_.insert(groups_.end(), Group{label, {}, 0});
    if (std::find(it->what.begin(), it->what.end(), what) == it->what.end()) it->what.push_back(what);
    ++it->cells;
    ++total_;
  }
  /// "3 cells only in A, not compared: district 'futian' (gdp, firm_stock; 3 cells)", or "" when none.
  [[nodiscard]] std::string note(const char* side) const {
    if (total_ == 0) return "";
    std::string text = fmt::format("{} cell{} only in {}, not compared: ", total_, total_ == 1 ? "" : "s", side);
    constexpr std::size_t kShown = 4;
    for (std::size_t i = 0; i < groups_.size() && i < kShown; ++i) {
      text += fmt::format("{}{} ({}; {} cell{})", i == 0 ? "" : ", ", groups_[i].label, fmt::join(groups_[i].what, ", "),
                          groups_[i].cells, groups_[i].cells == 1 ? "" : "s");
    }
    if (groups_.size() > kShown) text += fmt::format(" and {} more series", groups_.size() - kShown);
    return text;
  }

private:
  struct Group {
    std::string label;
    std::vector<std::string> what;
    std::size_t cells = 0;
  };
  std::vector<Group> groups_;
  std::size_t total_ = 0;
};

/// Builds the rows of one pair of runs.
class PairComparer {
public:
  PairComparer(const RunData& a, const RunData& b, std::string scenario, const CompareOptions& options)
      : a_(a), b_(b), scenario_(std::move(scenario)), noise_z_(options.noise_z),
        hist_a_(histograms_by_cell(a.tables)), hist_b_(histograms_by_cell(b.tables)) {
    for (std::size_t i = 0; i < a.tables.quantile_names.size(); ++i) {
      const auto& names_b = b.tables.quantile_names;
      const auto j = std::find(names_b.begin(), names_b.end(), a.tables.quantile_names[i]);
      if (j != names_b.end()) common_quantiles_.emplace_back(i, static_cast<std::size_t>(j - names_b.begin()));
    }
  }

  ComparedPair run() {
    ComparedPair pair;
    pair.scenario = scenario_;
    pair.a = run_side(a_);
    pair.b = run_side(b_);
    for (const auto& [ia, ib] : common_quantiles_) pair.quantiles.push_back(a_.tables.quantile_names[ia]);

    std::map<CellKey, const SummaryRow*> cells_b;
    for (const auto& r : b_.tables.summary) cells_b.emplace(cell_key(r), &r);
    std::map<ThresholdKey, const ThresholdRow*> thresholds_b;
    for (const auto& r : b_.tables.thresholds) thresholds_b.emplace(threshold_key(r), &r);
    std::map<CellKey, std::vector<const ThresholdRow*>> thresholds_a_by_cell;
    for (const auto& r : a_.tables.thresholds) thresholds_a_by_cell[cell_key(r)].push_back(&r);

    std::set<CellKey> cells_a;
    std::set<ThresholdKey> thresholds_a;
    for (const auto& ra : a_.tables.summary) {
      cells_a.insert(cell_key(ra));
      const auto it = cells_b.find(cell_key(ra));
      if (it == cells_b.end()) {
        only_a_.add(ra.district, ra.sector, std::string(to_string(ra.metric)));
        continue;
      }
      add_cell_rows(ra, *it->second, pair.rows);
      if (const auto t = thresholds_a_by_cell.find(cell_key(ra)); t != thresholds_a_by_cell.end()) {
        for (const ThresholdRow* ta : t->second) {
          thresholds_a.insert(threshold_key(*ta));
          add_threshold_rows(*ta, thresholds_b, pair.rows);
        }
      }
    }
    // Threshold rows whose cell has no summary row in both runs (not written by the engine, but possible).
    for (const auto& ta : a_.tables.thresholds) {
      if (thresholds_a.insert(threshold_key(ta)).second) add_threshold_rows(ta, thresholds_b, pair.rows);
    }
    for (const auto& rb : b_.tables.summary) {
      if (!cells_a.count(cell_key(rb))) only_b_.add(rb.district, rb.sector, std::string(to_string(rb.metric)));
    }
    for (const auto& tb : b_.tables.thresholds) {
      if (!thresholds_a.count(threshold_key(tb))) {
        only_b_.add(tb.district, "", fmt::format("{} thresholds", to_string(tb.metric)));
      }
    }
    pair.notes = notes();
    return pair;
  }

private:
  CompareRow row(const SummaryRow& r, std::string stat) const {
    CompareRow out;
    out.scenario = scenario_;
    out.district = r.district;
    out.sector = r.sector;
    out.metric = r.metric;
    out.year = r.year;
    out.stat = std::move(stat);
    return out;
  }

  /// A row comparing value a with value b, given each one's standard error.
  CompareRow difference(CompareRow out, double a, double b, std::optional<double> se_a,
                        std::optional<double> se_b) const {
    out.a = finite(a);
    out.b = finite(b);
    if (out.a && out.b) {
      const double diff = b - a;
      out.diff = finite(diff);
      out.rel_change = relative(diff, a);
      const NoiseTest noise = test_noise(diff, se_a, se_b, noise_z_);
      out.z = noise.z;
      out.beyond_noise = noise.beyond_noise;
    }
    return out;
  }

  /// The standard error of quantile `name` (value `value`) of a cell with `paths` draws and histogram `bins`.
  static std::optional<double> quantile_se(const std::string& name, Metric metric, double value,
                                           std::uint64_t paths, const std::vector<HistogramBin>* bins) {
    const auto q = quantile_level(name);
    if (!q || bins == nullptr) return std::nullopt;
    const double r = quantile_resolution(metric, value);
    return quantile_standard_error(*q, paths, histogram_density(*bins, value, r), r);
  }

  void add_cell_rows(const SummaryRow& ra, const SummaryRow& rb, std::vector<CompareRow>& rows) {
    rows.push_back(difference(row(rb, "mean"), ra.mean, rb.mean, ra.mc_se, rb.mc_se));
    const auto ha = hist_a_.find(cell_key(ra));
    const auto hb = hist_b_.find(cell_key(rb));
    const std::vector<HistogramBin>* bins_a = ha == hist_a_.end() ? nullptr : &ha->second;
    const std::vector<HistogramBin>* bins_b = hb == hist_b_.end() ? nullptr : &hb->second;
    for (const auto& [ia, ib] : common_quantiles_) {
      if (ia >= ra.quantiles.size() || ib >= rb.quantiles.size()) continue;
      const std::string& name = a_.tables.quantile_names[ia];
      const double qa = ra.quantiles[ia], qb = rb.quantiles[ib];
      rows.push_back(difference(row(rb, name), qa, qb, quantile_se(name, ra.metric, qa, a_.tables.paths, bins_a),
                                quantile_se(name, rb.metric, qb, b_.tables.paths, bins_b)));
    }
    std::string problem = "no histogram in A";
    std::optional<DistributionDistance> d;
    if (bins_a != nullptr && bins_b != nullptr) {
      d = histogram_distance(*bins_a, *bins_b, problem);
    } else if (bins_a != nullptr) {
      problem = "no histogram in B";
    }
    if (!d) {
      if (histogram_problems_++ == 0) {
        first_histogram_problem_ = fmt::format("{}{}{} {} {}: {}", ra.district, ra.sector.empty() ? "" : ".",
                                               ra.sector, to_string(ra.metric), ra.year, problem);
      }
      return;
    }
    CompareRow ks = row(rb, "ks");
    ks.diff = finite(d->ks);
    rows.push_back(std::move(ks));
    CompareRow w1 = row(rb, "w1");
    w1.diff = finite(d->w1);
    if (w1.diff) w1.rel_change = relative(*w1.diff, ra.mean);
    rows.push_back(std::move(w1));
  }

  void add_threshold_rows(const ThresholdRow& ta, const std::map<ThresholdKey, const ThresholdRow*>& thresholds_b,
                          std::vector<CompareRow>& rows) {
    const auto it = thresholds_b.find(threshold_key(ta));
    if (it == thresholds_b.end()) {
      only_a_.add(ta.district, "", fmt::format("{} thresholds", to_string(ta.metric)));
      return;
    }
    const ThresholdRow& tb = *it->second;
    CompareRow base;
    base.scenario = scenario_;
    base.district = ta.district;
    base.metric = ta.metric;
    base.year = ta.year;
    const std::string t = threshold_text(ta.threshold);
    base.stat = "p_above:" + t;
    rows.push_back(difference(base, ta.p_above, tb.p_above, ta.mc_se, tb.mc_se));
    base.stat = "p_reached_by:" + t;
    const auto binomial_se = [](double p, std::uint64_t n) -> std::optional<double> {
      if (n == 0) return std::nullopt;
      return finite(std::sqrt(std::max(0.0, p * (1.0 - p)) / static_cast<double>(n)));
    };
    rows.push_back(difference(base, ta.p_reached_by, tb.p_reached_by, binomial_se(ta.p_reached_by, a_.tables.paths),
                              binomial_se(tb.p_reached_by, b_.tables.paths)));
  }

  std::vector<std::string> notes() const {
    std::vector<std::string> out;
    const RunSide a = run_side(a_), b = run_side(b_);
    if (a.scenario != b.scenario) out.push_back(fmt::format("different scenarios (A {}, B {})", a.scenario, b.scenario));
    if (!a.engine_version.empty() && !b.engine_version.empty() && a.engine_version != b.engine_version) {
      out.push_back(fmt::format("different engine versions (A {}, B {})", a.engine_version, b.engine_version));
    }
    if (!a.scenario_sha256.empty() && !b.scenario_sha256.empty() && a.scenario_sha256 != b.scenario_sha256) {
      out.push_back(fmt::format(
          "different scenario_sha256 (A {}..., B {}...): different assumptions: differences are not only Monte "
          "Carlo noise",
          a.scenario_sha256.substr(0, 12), b.scenario_sha256.substr(0, 12)));
    }
    if (a.seed != b.seed) {
      out.push_back(fmt::format("different seeds (A {}, B {}): z assumes independent runs", a.seed, b.seed));
    } else {
      out.push_back(fmt::format(
          "same seed ({}): common random numbers: z from independent SEs is conservative", a.seed));
    }
    if (a.paths != b.paths) {
      out.push_back(fmt::format("different paths (A {}, B {})", with_thousands(a.paths), with_thousands(b.paths)));
    }
    if (a_.tables.quantile_names != b_.tables.quantile_names) {
      std::vector<std::string> common;
      for (const auto& [ia, ib] : common_quantiles_) common.push_back(a_.tables.quantile_names[ia]);
      out.push_back(fmt::format("different quantile sets (A {}; B {}): only common quantiles compared ({})",
                                fmt::join(a_.tables.quantile_names, " "), fmt::join(b_.tables.quantile_names, " "),
                                common.empty() ? std::string("none") : fmt::format("{}", fmt::join(common, " "))));
    }
    if (auto n = only_a_.note("A"); !n.empty()) out.push_back(std::move(n));
    if (auto n = only_b_.note("B"); !n.empty()) out.push_back(std::move(n));
    if (histogram_problems_ > 0) {
      out.push_back(fmt::format("{} cell{} without a usable histogram in both runs: no ks/w1 rows (first: {})",
                                histogram_problems_, histogram_problems_ == 1 ? "" : "s", first_histogram_problem_));
    }
    return out;
  }

  const RunData& a_;
  const RunData& b_;
  std::string scenario_;
  double noise_z_;
  std::map<CellKey, std::vector<HistogramBin>> hist_a_, hist_b_;
  std::vector<std::pair<std::size_t, std::size_t>> common_quantiles_;  // index in A, index in B
  UnmatchedCells only_a_, only_b_;
  std::size_t histogram_problems_ = 0;
  std::string first_histogram_problem_;
};

/// "X: not a run directory (no summary.json and manifest.json) nor a batch directory (no batch.json)".
std::string neither_problem(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return fmt::format("{}: no such directory", dir.string());
  if (!fs::is_directory(dir, ec)) return fmt::format("{}: not a directory", dir.string());
  return fmt::format("{}: neither a run directory (summary.json and manifest.json) nor a batch directory (batch.json)",
                     dir.string());
}

/// Adds the pairs of two batches; false + problem when a matched run cannot be read.
bool compare_batches(const fs::path& dir_a, const fs::path& dir_b, const CompareOptions& options,
                     Comparison& out, CompareProblem& problem) {
  const auto entries_a = read_batch_index(dir_a, problem.message);
  if (!entries_a) return false;
  const auto entries_b = read_batch_index(dir_b, problem.message);
  if (!entries_b) return false;
  const auto find = [](const std::vector<BatchEntry>& entries, const std::string& name) {
    return std::find_if(entries.begin(), entries.end(), [&](const BatchEntry& e) { return e.scenario == name; });
  };
  std::set<std::string> seen;
  for (const auto& ea : *entries_a) {
    if (!seen.insert(ea.scenario).second) {
      out.notes.push_back(fmt::format("scenario '{}' appears more than once in A; only the first is compared", ea.scenario));
      continue;
    }
    const auto eb = find(*entries_b, ea.scenario);
    if (eb == entries_b->end()) {
      out.notes.push_back(fmt::format("scenario '{}' only in A", ea.scenario));
      continue;
    }
    if (ea.status != "succeeded" || eb->status != "succeeded") {
      std::vector<std::string> why;
      if (ea.status != "succeeded") why.push_back(fmt::format("{} in A{}", ea.status, ea.error.empty() ? "" : " (" + ea.error + ")"));
      if (eb->status != "succeeded") why.push_back(fmt::format("{} in B{}", eb->status, eb->error.empty() ? "" : " (" + eb->error + ")"));
      out.notes.push_back(fmt::format("scenario '{}' not compared: {}", ea.scenario, fmt::join(why, ", ")));
      continue;
    }
    const auto run_a = read_run(ea.directory, problem.message);
    if (!run_a) return false;
    const auto run_b = read_run(eb->directory, problem.message);
    if (!run_b) return false;
    out.pairs.push_back(compare_runs(*run_a, *run_b, ea.scenario, options));
  }
  for (const auto& eb : *entries_b) {
    if (find(*entries_a, eb.scenario) == entries_a->end()) {
      out.notes.push_back(fmt::format("scenario '{}' only in B", eb.scenario));
    }
  }
  if (out.pairs.empty()) out.notes.emplace_back("no scenario succeeded in both batches: nothing compared");
  for (const auto& pair : out.pairs) {
    for (const auto& note : pair.notes) out.notes.push_back(pair.scenario + ": " + note);
  }
  return true;
}

}  // namespace

NoiseTest test_noise(double diff, std::optional<double> se_a, std::optional<double> se_b, double noise_z) {
  if (!se_a || !se_b || !std::isfinite(*se_a) || !std::isfinite(*se_b) || !std::isfinite(diff)) return {};
  const double se = std::hypot(*se_a, *se_b);
  if (se == 0.0) return {std::nullopt, diff != 0.0};
  const double z = diff / se;
  if (!std::isfinite(z)) return {std::nullopt, true};
  return {z, std::fabs(z) > noise_z};
}

std::optional<double> quantile_level(const std::string& name) {
  if (name.size() < 2 || name[0] != 'p') return std::nullopt;
  double percent = 0.0;
  const char* end = name.data() + name.size();
  const auto [ptr, ec] = std::from_chars(name.data() + 1, end, percent);
  if (ec != std::errc() || ptr != end || !(percent > 0.0 && percent < 100.0)) return std::nullopt;
  return percent / 100.0;
}

double quantile_resolution(Metric metric, double x) {
  const SketchAccuracy accuracy;
  return std::max(accuracy.relative * std::fabs(x), accuracy.zero_threshold) + (is_firm_metric(metric) ? 0.5 : 0.0);
}

std::optional<double> quantile_standard_error(double q, std::uint64_t n, std::optional<double> density,
                                              double resolution) {
  if (!density || !(*density > 0.0) || n == 0 || !(q > 0.0 && q < 1.0)) return std::nullopt;
  const double sampling = q * (1.0 - q) / (static_cast<double>(n) * *density * *density);
  return finite(std::sqrt(sampling + resolution * resolution / 3.0));
}

std::string threshold_text(double threshold) { return fmt::format("{}", threshold); }

RunSide run_side(const RunData& run) {
  return RunSide{run.directory, run.scenario, run.seed, run.tables.paths, run.engine_version(), run.scenario_sha256()};
}

ComparedPair compare_runs(const RunData& a, const RunData& b, const std::string& scenario,
                          const CompareOptions& options) {
  return PairComparer(a, b, scenario, options).run();
}

std::optional<Comparison> compare_directories(const fs::path& a, const fs::path& b, const CompareOptions& options,
                                              CompareProblem& problem) {
  const ResultDirectoryKind kind_a = classify_result_directory(a), kind_b = classify_result_directory(b);
  if (kind_a == ResultDirectoryKind::neither) {
    problem = {neither_problem(a), false};
    return std::nullopt;
  }
  if (kind_b == ResultDirectoryKind::neither) {
    problem = {neither_problem(b), false};
    return std::nullopt;
  }
  if (kind_a != kind_b) {
    const auto name = [](ResultDirectoryKind k) { return k == ResultDirectoryKind::run ? "a run" : "a batch"; };
    problem = {fmt::format("A ({}) is {} directory but B ({}) is {} directory: compare two run directories or two "
                           "batch directories",
                           a.string(), name(kind_a), b.string(), name(kind_b)),
               true};
    return std::nullopt;
  }
  Comparison out;
  out.a = a;
  out.b = b;
  out.noise_z = options.noise_z;
  out.batches = kind_a == ResultDirectoryKind::batch;
  if (out.batches) {
    if (!compare_batches(a, b, options, out, problem)) return std::nullopt;
    return out;
  }
  const auto run_a = read_run(a, problem.message);
  if (!run_a) return std::nullopt;
  const auto run_b = read_run(b, problem.message);
  if (!run_b) return std::nullopt;
  out.pairs.push_back(compare_runs(*run_a, *run_b, run_b->scenario, options));
  out.notes = out.pairs.back().notes;
  return out;
}

bool CompareFilter::keeps(const CompareRow& row) const {
  const auto contains = [](const auto& list, const auto& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
  };
  return contains(districts, row.district) && contains(metrics, row.metric) && contains(years, row.year);
}

void apply_filter(Comparison& comparison, const CompareFilter& filter) {
  for (auto& pair : comparison.pairs) {
    std::erase_if(pair.rows, [&](const CompareRow& row) { return !filter.keeps(row); });
  }
}

std::string check_filter(const Comparison& comparison, const CompareFilter& filter) {
  std::vector<std::string> districts;
  std::set<Metric> metrics;
  std::set<int> years;
  for (const auto& row : all_rows(comparison)) {
    if (std::find(districts.begin(), districts.end(), row.district) == districts.end()) districts.push_back(row.district);
    metrics.insert(row.metric);
    years.insert(row.year);
  }
  for (const auto& d : filter.districts) {
    if (std::find(districts.begin(), districts.end(), d) != districts.end()) continue;
    const std::string suggestion = closest_match(d, districts);
    return fmt::format("--district '{}' matches no compared row{}", d,
                       suggestion.empty() ? fmt::format(" (districts: {})", fmt::join(districts, ", "))
                                          : fmt::format("; did you mean '{}'?", suggestion));
  }
  for (Metric m : filter.metrics) {
    if (!metrics.count(m)) return fmt::format("--metric '{}' matches no compared row", to_string(m));
  }
  for (int y : filter.years) {
    if (!years.count(y)) {
      return years.empty() ? fmt::format("--year {} matches no compared row", y)
                           : fmt::format("--year {} matches no compared row (years {}-{})", y, *years.begin(),
                                         *years.rbegin());
    }
  }
  return "";
}

std::vector<CompareRow> all_rows(const Comparison& comparison) {
  std::vector<CompareRow> rows;
  for (const auto& pair : comparison.pairs) rows.insert(rows.end(), pair.rows.begin(), pair.rows.end());
  return rows;
}

}  // namespace districtcast
