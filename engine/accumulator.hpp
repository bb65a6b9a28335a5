#pragma once
/// \file Mergeable statistics of a set of paths: per-cell moments and sketches, threshold counters.

#include "engine/numeric_faults.hpp"
#include "engine/quantile_sketch.hpp"
#include "engine/result_layout.hpp"
#include "engine/running_moments.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace districtcast {

/// One quantile sketch per cell of a ResultLayout (index = cell). Sketch counts are integers, so a set
/// filled by several threads in any order merges to the same result.
using SketchSet = std::vector<QuantileSketch>;

/// An empty sketch set for `layout`.
[[nodiscard]] SketchSet make_sketch_set(const ResultLayout& layout, SketchAccuracy accuracy = {});

/// Statistics of every cell of a ResultLayout over the paths added so far. Memory depends on the layout
/// and the sketches' value ranges, never on the number of paths. Moments need a fixed add/merge order for
/// byte-identical results (the runner guarantees it); sketches and counters are integer counts.
class Accumulator {
public:
  /// Whether quantile sketches live in the accumulator or in a caller's SketchSet (so that a worker
  /// thread can keep one set for all its blocks instead of one per block).
  enum class Sketches { owned, external };

  Accumulator(const ResultLayout& layout, SketchAccuracy accuracy = {}, Sketches sketches = Sketches::owned);

  /// The path functional: records one path whose cell values are laid out as ResultLayout::cell().
  /// Sketch updates go to `external` when given (required with Sketches::external), else to our own.
  void add_path(std::span<const double> values, SketchSet* external = nullptr);
  /// Records `paths` paths stored one after another in `values` (path-major, cell_count() values each),
  /// cell by cell so that each cell's moments and sketch stay in cache while its values stream in. A
  /// cell's values enter its moments as one batch (RunningMoments::add_batch), so results depend on how
  /// paths are grouped into calls; the runner always groups them the same way (fixed batches per block).
  void add_paths(std::span<const double> values, std::size_t paths, SketchSet* external = nullptr);
  /// Adds another accumulator of the same layout, as if its paths came after ours (its sketches and
  /// numerical faults too).
  void merge(const Accumulator& other);
  /// Adds a sketch set filled by add_path(values, &set) into our own sketches.
  void merge_sketches(const SketchSet& set);
  /// Adds the numerical faults of paths simulated but left out of the statistics (see simulated_paths()).
  void add_faults(const NumericFaults& faults) { faults_.merge(faults); }

  /// Paths in the statistics (every moment, sketch and counter).
  [[nodiscard]] std::uint64_t paths() const noexcept { return paths_; }
  /// Paths simulated: paths() plus those left out for numerical faults (faults().excluded_paths()).
  [[nodiscard]] std::uint64_t simulated_paths() const noexcept { return paths_ + faults_.excluded_paths(); }
  /// Numerical faults recorded with add_faults() and merge(); merged by sums and minima (order-free).
  [[nodiscard]] const NumericFaults& faults() const noexcept { return faults_; }
  [[nodiscard]] const ResultLayout& layout() const noexcept { return *layout_; }
  [[nodiscard]] const RunningMoments& moments(std::size_t cell) const { return moments_[cell]; }
  /// Precondition: the accumulator owns its sketches.
  [[nodiscard]] const QuantileSketch& sketch(std::size_t cell) const { return sketches_.at(cell); }

  /// Paths with value >= threshold in year t (1..horizon).
  [[nodiscard]] std::uint64_t above(std::size_t threshold_series, std::size_t year) const;
  /// Paths whose value reached the threshold in some year <= t (the base year counts for level metrics).
  [[nodiscard]] std::uint64_t reached_by(std::size_t threshold_series, std::size_t year) const;
  /// Paths whose first year at or above the threshold is year index k: 0 = base year, 1..horizon, and
  /// horizon + 1 = never within the horizon.
  [[nodiscard]] std::uint64_t first_crossing(std::size_t threshold_series, std::size_t k) const;
  /// Paths on which overtaking pair `pair`'s district has a higher GDP than the other in year t (1..horizon).
  [[nodiscard]] std::uint64_t ahead(std::size_t pair, std::size_t year) const;
  /// Paths on which the pair's district was ahead in some year <= t, the base year included.
  [[nodiscard]] std::uint64_t ahead_by(std::size_t pair, std::size_t year) const;
  /// Paths on which exactly k (0..club size) of club `club`'s series are at or above its threshold in year t.
  [[nodiscard]] std::uint64_t club_size(std::size_t club, std::size_t year, std::size_t k) const;
  /// Monte Carlo standard errors of the reported figures. Independent paths: sd / sqrt(n) for a mean and
  /// sqrt(p (1 - p) / n) for a probability. Antithetic pairs (layout().antithetic()): the same statistics of
  /// the n / 2 pair means, the estimator being the mean of the pair means (docs/models.md).
  [[nodiscard]] double mean_standard_error(std::size_t cell) const;
  [[nodiscard]] double above_standard_error(std::size_t threshold_series, std::size_t year) const;
  [[nodiscard]] double ahead_standard_error(std::size_t pair, std::size_t year) const;
  [[nodiscard]] double ahead_by_standard_error(std::size_t pair, std::size_t year) const;
  [[nodiscard]] double club_size_standard_error(std::size_t club, std::size_t year, std::size_t k) const;
  /// Bytes held, for memory accounting.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

private:
  /// Threshold, reached-by, first-crossing and club-size counters of path p of a batch of `paths` paths
  /// (with antithetic pairs, also each path's club sizes, for count_pairs()).
  void count_thresholds(std::span<const double> values, std::size_t p, std::size_t paths);
  /// Antithetic pairs only: pair-mean moments per cell and the "both of the pair" counters of the batch
  /// that add_paths() left in columns_ (an even number of paths starting with a pair's first path).
  void count_pairs(std::size_t paths);
  /// Standard error of a proportion count / n; `both` = pairs with both paths counted (antithetic only).
  [[nodiscard]] double proportion_standard_error(std::uint64_t count, std::uint64_t both) const;
  /// Overtaking counters of the `paths` paths whose cells add_paths() left in columns_ (cell-major).
  void count_overtaking(std::size_t paths);

  const ResultLayout* layout_;
  std::uint64_t paths_ = 0;
  NumericFaults faults_;
  std::vector<RunningMoments> moments_;
  SketchSet sketches_;  ///< empty with Sketches::external
  std::vector<std::uint64_t> above_;       ///< [threshold_series][year-1]
  std::vector<std::uint64_t> reached_by_;  ///< [threshold_series][year-1]
  std::vector<std::uint64_t> first_;       ///< [threshold_series][0..horizon+1]
  std::vector<std::uint64_t> ahead_;       ///< [pair][year-1]
  std::vector<std::uint64_t> ahead_by_;    ///< [pair][year-1]
  std::vector<std::size_t> club_offset_;   ///< start of each club's [year-1][k] block in club_
  std::vector<std::uint64_t> club_;        ///< [club][year-1][k], k = 0..club size
  std::vector<std::size_t> club_scratch_;  ///< one path's members at/above per year (count_thresholds)
  // Antithetic pairs only (empty otherwise): moments of pair means, and pairs where both paths count.
  std::vector<RunningMoments> pair_moments_;  ///< [cell]
  std::vector<std::uint64_t> above_both_;     ///< [threshold_series][year-1]
  std::vector<std::uint64_t> ahead_both_;     ///< [pair][year-1]
  std::vector<std::uint64_t> ahead_by_both_;  ///< [pair][year-1]
  std::vector<std::uint64_t> club_both_;      ///< as club_
  std::vector<std::uint32_t> batch_club_sizes_;  ///< scratch: [club][year-1][path of the batch]
  std::vector<double> pair_means_;               ///< scratch: one cell's pair means
  std::vector<double> now_ahead_;                ///< scratch of count_overtaking(): per path of the batch
  std::vector<double> columns_;            ///< scratch of add_paths(): the batch, cell-major
  std::vector<double> ever_ahead_;         ///< scratch of count_overtaking(): per path of the batch
};

}  // namespace districtcast
