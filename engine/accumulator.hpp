#pragma once
/// \file Mergeable statistics of a set of paths: per-cell moments and sketches, threshold counters.

#include "engine/quantile_sketch.hpp"
#include "engine/result_layout.hpp"
#include "engine/running_moments.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace districtcast {

/// Statistics of every cell of a ResultLayout over the paths added so far. Memory depends on the layout
/// and the sketches' value ranges, never on the number of paths. Moments need a fixed add/merge order for
/// byte-identical results (the runner guarantees it); sketches and counters are integer counts.
class Accumulator {
public:
  Accumulator(const ResultLayout& layout, SketchAccuracy accuracy = {});

  /// The path functional: records one path whose cell values are laid out as ResultLayout::cell().
  void add_path(std::span<const double> values);
  /// Adds another accumulator of the same layout, as if its paths came after ours.
  void merge(const Accumulator& other);

  [[nodiscard]] std::uint64_t paths() const noexcept { return paths_; }
  [[nodiscard]] const ResultLayout& layout() const noexcept { return *layout_; }
  [[nodiscard]] const RunningMoments& moments(std::size_t cell) const { return moments_[cell]; }
  [[nodiscard]] const QuantileSketch& sketch(std::size_t cell) const { return sketches_[cell]; }

  /// Paths with value >= threshold in year t (1..horizon).
  [[nodiscard]] std::uint64_t above(std::size_t threshold_series, std::size_t year) const;
  /// Paths whose value reached the threshold in some year <= t (the base year counts for level metrics).
  [[nodiscard]] std::uint64_t reached_by(std::size_t threshold_series, std::size_t year) const;
  /// Paths whose first year at or above the threshold is year index k: 0 = base year, 1..horizon, and
  /// horizon + 1 = never within the horizon.
  [[nodiscard]] std::uint64_t first_crossing(std::size_t threshold_series, std::size_t k) const;
  /// Bytes held, for memory accounting.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

private:
  const ResultLayout* layout_;
  std::uint64_t paths_ = 0;
  std::vector<RunningMoments> moments_;
  std::vector<QuantileSketch> sketches_;
  std::vector<std::uint64_t> above_;       ///< [threshold_series][year-1]
  std::vector<std::uint64_t> reached_by_;  ///< [threshold_series][year-1]
  std::vector<std::uint64_t> first_;       ///< [threshold_series][0..horizon+1]
};

}  // namespace districtcast
