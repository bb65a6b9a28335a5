#pragma once
/// \file Comparing two runs (or two batches of runs, matched by scenario name) cell by cell: the change
/// in the mean, in each quantile and in each threshold probability, with a z-score from both runs' Monte
/// Carlo standard errors, and the Kolmogorov–Smirnov and Wasserstein-1 distances between the histograms
/// (docs/comparing.md).

#include "engine/metric.hpp"
#include "engine/run_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// One compared statistic of one cell: a tidy row of the comparison (CSV columns
/// scenario,district,sector,metric,year,stat,a,b,diff,rel_change,z,beyond_noise). An empty optional is
/// "not defined" (an empty CSV field, JSON null).
struct CompareRow {
  std::string scenario;  ///< B's scenario name (the matched scenario name when comparing batches)
  std::string district;
  std::string sector;  ///< empty for district totals
  Metric metric = Metric::gdp;
  int year = 0;
  /// "mean", a quantile column name ("p50"), "p_above:<threshold>", "p_reached_by:<threshold>", "ks", "w1".
  std::string stat;
  std::optional<double> a, b;  ///< the statistic in A and B (empty for ks and w1)
  std::optional<double> diff;  ///< b - a; the distance itself for ks and w1
  std::optional<double> rel_change;  ///< diff / |a| (w1: w1 / |mean of A|); empty when that is 0, and for ks
  std::optional<double> z;           ///< diff / sqrt(se_a^2 + se_b^2); empty when no standard error is defined
  bool beyond_noise = false;         ///< |z| > noise_z, or a non-zero diff where both standard errors are 0
};

/// The outcome of testing a difference against Monte Carlo noise.
struct NoiseTest {
  std::optional<double> z;
  bool beyond_noise = false;
};

/// z = diff / sqrt(se_a^2 + se_b^2) with beyond_noise = |z| > noise_z. Without a standard error (either
/// nullopt) z is empty and beyond_noise false; when both are 0, z is empty and beyond_noise = (diff != 0).
[[nodiscard]] NoiseTest test_noise(double diff, std::optional<double> se_a, std::optional<double> se_b,
                                   double noise_z);

/// The probability level of a quantile column name: "p5" -> 0.05, "p2.5" -> 0.025; nullopt unless the name
/// is "p" + a number in (0, 100).
[[nodiscard]] std::optional<double> quantile_level(const std::string& name);

/// How far a reported quantile x of `metric` may lie from the exact sample quantile: the quantile sketch's
/// bound r = max(0.001 |x|, 1e-5) (SketchAccuracy), plus 0.5 for the whole-number count metrics (firm_*),
/// which report rounded quantiles.
[[nodiscard]] double quantile_resolution(Metric metric, double x);

/// Standard error of a reported q-quantile of n draws: sqrt(q (1 - q) / (n f^2) + r^2 / 3), the asymptotic
/// sampling error of the sample quantile (density f at the quantile) plus the sketch's rounding error, taken
/// as uniform on [-r, r] (r = `resolution`). nullopt when the density is missing or not positive, n is 0 or
/// q is outside (0, 1).
[[nodiscard]] std::optional<double> quantile_standard_error(double q, std::uint64_t n, std::optional<double> density,
                                                            double resolution);

/// A threshold in the shortest form that reads back to the same double (1000, 1500.5): the <threshold> of
/// the p_above:/p_reached_by: stat names.
[[nodiscard]] std::string threshold_text(double threshold);

/// Options of a comparison.
struct CompareOptions {
  double noise_z = 4.0;  ///< |z| above this is beyond Monte Carlo noise
};

/// One side of a compared pair, for headers and notes.
struct RunSide {
  std::filesystem::path directory;
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint64_t paths = 0;
  std::string engine_version;   ///< "" when the manifest does not say
  std::string scenario_sha256;  ///< "" when the manifest does not say
};

/// The identity of a run (directory, scenario, seed, paths, version, hash).
[[nodiscard]] RunSide run_side(const RunData& run);

/// Two runs compared.
struct ComparedPair {
  std::string scenario;                ///< the rows' scenario label
  RunSide a, b;
  std::vector<std::string> quantiles;  ///< the quantile columns both runs have, in A's order
  std::vector<CompareRow> rows;        ///< per common cell: mean, quantiles, ks, w1, then its threshold stats
  std::vector<std::string> notes;      ///< about this pair (versions, hashes, seeds, paths, unmatched cells)
};

/// Compares run `a` with run `b`; rows are labelled `scenario`. Cells (district, sector, metric, year;
/// for thresholds also the threshold) that only one run has are counted in a note, not compared.
[[nodiscard]] ComparedPair compare_runs(const RunData& a, const RunData& b, const std::string& scenario,
                                        const CompareOptions& options);

/// Everything `districtcast compare A B` reports.
struct Comparison {
  std::filesystem::path a, b;  ///< the directories as given
  bool batches = false;        ///< true when A and B are batch directories
  double noise_z = 4.0;
  std::vector<ComparedPair> pairs;  ///< one for two runs; one per matched scenario for two batches
  std::vector<std::string> notes;   ///< all notes: batch matching, then each pair's (prefixed "<scenario>: " for batches)
};

/// Why compare_directories failed: a usage error (a run and a batch directory) or an unreadable input.
struct CompareProblem {
  std::string message;
  bool usage = false;
};

/// Compares two run directories, or two batch directories (succeeded entries matched by scenario name;
/// scenarios in only one batch or not succeeded in one are notes). nullopt + `problem` when a directory is
/// neither kind, cannot be read, or one is a run and the other a batch (problem.usage).
[[nodiscard]] std::optional<Comparison> compare_directories(const std::filesystem::path& a,
                                                            const std::filesystem::path& b,
                                                            const CompareOptions& options, CompareProblem& problem);

/// Which rows to show and test: a row is kept when every non-empty list contains its value (a district
/// filter keeps that district's sector rows too).
struct CompareFilter {
  std::vector<std::string> districts;
  std::vector<Metric> metrics;
  std::vector<int> years;
  /// True when `row` passes every non-empty list.
  [[nodiscard]] bool keeps(const CompareRow& row) const;
};

/// Removes the rows `filter` does not keep from every pair.
void apply_filter(Comparison& comparison, const CompareFilter& filter);

/// "" when every value of `filter` matches some row of `comparison`; else a sentence naming the first value
/// that matches none (with a did-you-mean for districts), e.g. "--district 'nanshn' matches no compared
/// row; did you mean 'nanshan'?".
[[nodiscard]] std::string check_filter(const Comparison& comparison, const CompareFilter& filter);

/// Every row of every pair, in order.
[[nodiscard]] std::vector<CompareRow> all_rows(const Comparison& comparison);

}  // namespace districtcast
