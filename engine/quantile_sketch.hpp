#pragma once
/// \file A DDSketch-style log-bucketed quantile sketch with integer counts (merge order cannot matter).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace districtcast {

/// Accuracy parameters of a QuantileSketch. Two sketches merge only if their parameters are equal.
struct SketchAccuracy {
  /// Relative accuracy alpha: every |value| >= zero_threshold is reported within alpha * |value|.
  double relative = 1e-3;
  /// Values with |value| < zero_threshold share one bucket reported as 0 (absolute error < zero_threshold).
  double zero_threshold = 1e-5;
  friend bool operator==(const SketchAccuracy&, const SketchAccuracy&) = default;
};

/// One occupied bucket of a sketch, for histogram construction.
struct SketchBucket {
  double lower;           ///< smallest value the bucket can hold (inclusive or exclusive per sign; see docs)
  double upper;           ///< largest value the bucket can hold
  double representative; ///< value reported for observations in this bucket
  std::uint64_t count;    ///< number of observations in the bucket
};

namespace detail {
/// The constants of QuantileSketch's bucket index (internal: shared by its scalar and batch index code).
struct SketchIndexParams {
  double z, two_z, linear, last_linear, first_log, per_octave, log_start;
  bool has_linear;
};
}  // namespace detail

/// Quantile sketch with a guaranteed error bound and memory independent of the number of observations.
///
/// Magnitudes m = |x| map to buckets in two regimes (z = zero_threshold, alpha = relative accuracy):
///  - m < z: the zero bucket, reported as 0;
///  - z <= m < m_log (about z / alpha, where alpha m first exceeds z): linear buckets of width 2z,
///    [z + 2zk, z + 2z(k+1)), reported at their midpoint (absolute error <= z);
///  - m >= m_log: log-like buckets (B(i-1), B(i)] with B(i) = approx_exp2(i / c), where approx_log2
///    (m = 2^e (1 + f) -> e + f) replaces log2 so that indexing needs no std::log, and
///    c = ceil(1 / (gamma - 1)), gamma = (1+alpha)/(1-alpha), buckets per octave makes every bucket's
///    upper/lower ratio <= gamma; reported as 2 lo hi / (lo + hi) (relative error <= alpha).
/// Negative values mirror positive ones in their own store. Hence for the exact sample quantile x_(k),
/// k = floor(q (n-1)) (0-based order statistic), quantile(q) returns v with
/// |v - x_(k)| <= max(alpha |x_(k)|, zero_threshold). The linear regime keeps values near zero (growth
/// rates) from needing thousands of log buckets for precision the absolute bound does not ask for.
/// Memory: O(1/alpha + log2(max|x| / m_log) / (2 alpha)) counters (dense over the occupied index range of
/// each sign), never O(n). Counts are integers, so merge() is exact and order-independent.
class QuantileSketch {
public:
  /// Creates an empty sketch. Throws std::invalid_argument unless 0 < relative < 1, zero_threshold is
  /// finite and >= 0, and the accuracy keeps every bucket index within int32 (relative >= ~2e-6).
  explicit QuantileSketch(SketchAccuracy accuracy = {});

  /// Adds one finite observation; throws std::invalid_argument for NaN or +-inf (sketch unchanged).
  void add(double x);
  /// Adds every value of `values`: the same counts as add() of each in turn, computed a chunk at a time
  /// with a branch-free (vectorisable) bucket index. Throws like add() before changing anything when any
  /// value is not finite or the sketch would exceed its capacity.
  void add_batch(std::span<const double> values);
  /// Adds all counts of `other`; precondition: other.accuracy() == accuracy() (else throws
  /// std::invalid_argument and leaves this sketch unchanged).
  void merge(const QuantileSketch& other);

  /// Number of observations.
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  /// The q-quantile, q in [0, 1], per the bound above; 0 when empty. Throws std::invalid_argument for q
  /// outside [0, 1] or NaN.
  [[nodiscard]] double quantile(double q) const;
  /// Fraction of observations in buckets whose representative value is <= x (approximate CDF); 0 when
  /// empty, NaN for NaN x.
  [[nodiscard]] double cdf(double x) const;
  /// Occupied buckets in ascending order of value (empty buckets skipped).
  [[nodiscard]] std::vector<SketchBucket> buckets() const;
  /// Bytes held by this sketch (object plus heap storage), for memory accounting.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  [[nodiscard]] const SketchAccuracy& accuracy() const noexcept { return accuracy_; }

private:
  /// A bucket counter. 32 bits halve the memory (and cache traffic) of the stores; a sketch holds at
  /// most kMaxCount observations, which covers every run (paths <= 2^32 - 1).
  using Count = std::uint32_t;
  static constexpr std::uint64_t kMaxCount = 0xFFFFFFFFull;
  /// Dense counters over a contiguous, growable range of bucket indices.
  struct Store {
    std::int32_t offset = 0;            ///< bucket index of counts[0]
    std::vector<Count> counts;  ///< counts[i] = observations in bucket offset + i
    void add(std::int32_t index, std::uint64_t n);
    void merge(const Store& other);
    /// Grows the range (geometrically, with slack) so that indices lo..hi (inclusive) are addressable.
    void extend(std::int32_t lo, std::int32_t hi);
  };
  using IndexParams = detail::SketchIndexParams;
  [[nodiscard]] IndexParams index_params() const noexcept;
  [[nodiscard]] std::int32_t index_of(double magnitude) const noexcept;
  [[nodiscard]] double representative(std::int32_t index) const noexcept;
  /// B(i) = approx_exp2(i / c): log bucket i holds (B(i-1), B(i)].
  [[nodiscard]] double log_bucket_bound(std::int32_t i) const noexcept;

  SketchAccuracy accuracy_;
  double gamma_;
  double per_octave_;  ///< c: log buckets per octave of approx_log2
  std::int32_t linear_buckets_ = 0;  ///< K: store indices 0..K-1 are linear buckets
  double log_start_ = 0.0;           ///< m_log = z + 2zK: smallest magnitude in the log regime
  std::int32_t first_log_index_ = 0; ///< DDSketch index i of m_log; store index = K + (i - i0)
  Store positive_;
  Store negative_;
  std::uint64_t zero_count_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace districtcast
