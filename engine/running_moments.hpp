#pragma once
/// \file Count, mean, variance, min and max of a stream of doubles; mergeable (Welford / Chan et al.).

#include <cstdint>
#include <limits>
#include <span>

namespace districtcast {

/// Streaming first and second moments with exact min/max.
/// Contract: add() is Welford's update; merge() is Chan et al.'s pairwise combination. Results depend on
/// the order of add()/merge() calls only through floating-point rounding, so callers that need
/// byte-identical results must add and merge in a fixed order. O(1) memory.
class RunningMoments {
public:
  /// Adds one observation (must be finite).
  void add(double x) noexcept;
  /// Adds a batch of finite observations: its mean and M2 by two passes (no per-value division, so it
  /// vectorises), then a Chan merge. Equal to add() of each value up to rounding; deterministic for a
  /// given sequence of batches. A constant batch adds its value as the mean and M2 = 0 exactly (so
  /// identical paths report sd 0). A mean of finite values stays finite even when their sum would overflow
  /// (values near DBL_MAX); M2 and the variance may still overflow to inf for such values, which
  /// check_finite_tables() reports before anything is written. Values up to kMaxGdpLevel (1e140) in
  /// magnitude never overflow anything, for any number of paths up to kMaxPaths.
  void add_batch(std::span<const double> values) noexcept;
  /// Combines another accumulator into this one, as if its observations had been added after ours.
  void merge(const RunningMoments& other) noexcept;

  /// Number of observations.
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  /// Sample mean; 0 when empty.
  [[nodiscard]] double mean() const noexcept { return mean_; }
  /// Unbiased sample variance (divisor n-1); 0 when fewer than two observations.
  [[nodiscard]] double variance() const noexcept;
  /// Square root of variance().
  [[nodiscard]] double standard_deviation() const noexcept;
  /// Monte Carlo standard error of the mean, sd / sqrt(n); 0 when empty.
  [[nodiscard]] double standard_error() const noexcept;
  /// Smallest observation; +inf when empty.
  [[nodiscard]] double min() const noexcept { return min_; }
  /// Largest observation; -inf when empty.
  [[nodiscard]] double max() const noexcept { return max_; }

private:
  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace districtcast
