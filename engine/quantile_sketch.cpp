/// \file DDSketch-style quantile sketch: log buckets, dense growable stores, integer counts.
#include "engine/quantile_sketch.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace districtcast {

namespace {

constexpr double kMaxDouble = std::numeric_limits<double>::max();

/// Largest |bucket index| allowed; leaves headroom for growth slack in int32 arithmetic.
constexpr std::int32_t kMaxAbsIndexInt = std::numeric_limits<std::int32_t>::max() / 4;  // whole buckets
constexpr double kMaxAbsIndex = kMaxAbsIndexInt;

/// Smallest slack (in buckets) added whenever a store grows.
constexpr std::int64_t kMinSlack = 16;

}  // namespace

namespace {

/// A cheap, monotone stand-in for log2: for m = 2^e * (1 + f), f in [0, 1), returns e + f (exact at
/// powers of two, linear in m within each octave). Subnormals are scaled into the normal range first.
/// approx_log2 of a normal (or zero) m, without branches so that loops over it vectorise: the exponent
/// field converted to double by the 2^52 trick, plus the fraction.
inline double approx_log2_normal(double m) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(m);
  const double exponent = (std::bit_cast<double>(((bits >> 52) & 0x7FF) | 0x4330000000000000ull) - 0x1p52) - 1023.0;
  const double fraction = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull) - 1.0;
  return exponent + fraction;
}

double approx_log2(double m) noexcept {
  if (m < std::numeric_limits<double>::min()) return approx_log2(m * 0x1p64) - 64.0;
  return approx_log2_normal(m);
}

/// Inverse of approx_log2: 2^floor(y) * (1 + y - floor(y)).
double approx_exp2(double y) noexcept {
  const double e = std::floor(y);
  return std::ldexp(1.0 + (y - e), static_cast<int>(e));
}

/// The bucket index of magnitude m >= zero_threshold (log2_m = approx_log2(m)), without branches: both
/// regimes are computed and one is selected; ceil and the int conversion go through an int32 truncation
/// (|log2_m c| < 2^29 by the constructor's check, also for m = 0 in add_batch's zero lanes), and the linear
/// quotient is capped at K before its conversion.
inline std::int32_t bucket_index(double m, double log2_m, const detail::SketchIndexParams& p) noexcept {
  const double lin = static_cast<double>(static_cast<std::int32_t>(std::min((m - p.z) / p.two_z, p.linear)));
  const double y = log2_m * p.per_octave;
  const double truncated = static_cast<double>(static_cast<std::int32_t>(y));
  double log_index = truncated < y ? truncated + 1.0 : truncated;
  log_index = p.has_linear && log_index < p.first_log ? p.first_log : log_index;
  const double chosen =
      m < p.log_start ? (lin < p.last_linear ? lin : p.last_linear) : log_index - p.first_log + p.linear;
  return static_cast<std::int32_t>(chosen);
}

/// index[i] = bucket_index(|x[i]|) for i < n, a vectorisable loop. Precondition: zero_threshold >= DBL_MIN
/// (so every |x[i]| that reaches a store is normal).
void bucket_indices(const double* x, std::size_t n, const detail::SketchIndexParams& p, std::int32_t* index) {
  for (std::size_t i = 0; i < n; ++i) {
    const double m = std::fabs(x[i]);
    index[i] = bucket_index(m, approx_log2_normal(m), p);
  }
}

}  // namespace

QuantileSketch::QuantileSketch(SketchAccuracy accuracy) : accuracy_(accuracy), gamma_(0.0), per_octave_(0.0) {
  const double alpha = accuracy_.relative;
  if (!(alpha > 0.0 && alpha < 1.0)) throw std::invalid_argument("QuantileSketch: relative accuracy must be in (0, 1)");
  if (!(accuracy_.zero_threshold >= 0.0) || !std::isfinite(accuracy_.zero_threshold)) {
    throw std::invalid_argument("QuantileSketch: zero_threshold must be finite and >= 0");
  }
  gamma_ = (1.0 + alpha) / (1.0 - alpha);
  // Within an octave approx_log2 is linear in m, so a bucket spans 2^e / c in m and its upper/lower
  // ratio is at most 1 + 1/c (at the bottom of the octave). The midpoint-in-ratio representative
  // 2 lo hi / (lo + hi) is then within (r - 1) / (r + 1) <= alpha of every value iff r <= gamma, i.e.
  // c >= 1 / (gamma - 1): about 1.44x the buckets of exact log buckets, for an index without std::log.
  per_octave_ = std::ceil(1.0 / (gamma_ - 1.0));
  if (!(per_octave_ > 0.0) || !std::isfinite(per_octave_)) {
    throw std::invalid_argument("QuantileSketch: relative accuracy too small");
  }
  // The smallest magnitude that reaches a store is zero_threshold (or the smallest subnormal when the
  // threshold is 0); the largest is DBL_MAX. Both indices must fit comfortably in int32.
  const double min_magnitude =
      accuracy_.zero_threshold > 0.0 ? accuracy_.zero_threshold : std::numeric_limits<double>::denorm_min();
  const double max_abs_log2 = std::max(approx_log2(kMaxDouble), std::fabs(approx_log2(min_magnitude)));
  if (max_abs_log2 * per_octave_ + 2.0 > kMaxAbsIndex) {
    throw std::invalid_argument("QuantileSketch: relative accuracy too small for int32 bucket indices");
  }
  const double z = accuracy_.zero_threshold;
  if (z > 0.0) {
    // Linear buckets of width 2z up to where alpha * m reaches z, then log buckets.
    linear_buckets_ = static_cast<std::int32_t>(std::ceil((z / alpha - z) / (2.0 * z)));
    log_start_ = z + 2.0 * z * linear_buckets_;
    first_log_index_ = static_cast<std::int32_t>(std::ceil(approx_log2(log_start_) * per_octave_));
  }
}

QuantileSketch::IndexParams QuantileSketch::index_params() const noexcept {
  const double z = accuracy_.zero_threshold;
  return IndexParams{z,
                     2.0 * z,
                     static_cast<double>(linear_buckets_),
                     static_cast<double>(linear_buckets_ - 1),
                     static_cast<double>(first_log_index_),
                     per_octave_,
                     log_start_,
                     linear_buckets_ > 0};
}

std::int32_t QuantileSketch::index_of(double magnitude) const noexcept {
  // magnitude is finite and >= zero_threshold here.
  return bucket_index(magnitude, approx_log2(magnitude), index_params());
}

double QuantileSketch::log_bucket_bound(std::int32_t i) const noexcept {
  return approx_exp2(static_cast<double>(i) / per_octave_);
}

double QuantileSketch::representative(std::int32_t index) const noexcept {
  if (index < linear_buckets_ && linear_buckets_ > 0) return 2.0 * accuracy_.zero_threshold * (static_cast<double>(index) + 1.0);
  // Log bucket i = (B(i-1), B(i)] with B(i) = approx_exp2(i / c); report 2 lo hi / (lo + hi).
  // The first log bucket is clipped below at m_log, and so is its representative.
  const std::int32_t i = index - linear_buckets_ + first_log_index_;
  const double lo = std::max(log_bucket_bound(i - 1), log_start_);
  const double hi = std::min(log_bucket_bound(i), kMaxDouble);  // no finite value lies above DBL_MAX
  if (!(lo > 0.0)) return hi;  // below the subnormal range (zero_threshold 0 only)
  const double ratio = hi / lo;  // in (1, gamma]: no overflow, unlike lo + hi near DBL_MAX
  return std::min(lo * (2.0 * ratio / (1.0 + ratio)), kMaxDouble);
}

void QuantileSketch::Store::extend(std::int32_t lo, std::int32_t hi) {
  const std::int64_t size = static_cast<std::int64_t>(counts.size());
  const std::int64_t old_lo = offset;
  const std::int64_t old_hi = old_lo + size;  // exclusive
  std::int64_t new_lo = 0;
  std::int64_t new_hi = 0;
  if (size == 0) {
    const std::int64_t need = static_cast<std::int64_t>(hi) - lo + 1;
    const std::int64_t half_slack = std::max(kMinSlack, need / 4) / 2;
    new_lo = lo - half_slack;
    new_hi = static_cast<std::int64_t>(hi) + 1 + half_slack;
  } else {
    new_lo = std::min<std::int64_t>(old_lo, lo);
    new_hi = std::max<std::int64_t>(old_hi, static_cast<std::int64_t>(hi) + 1);
    if (new_lo == old_lo && new_hi == old_hi) return;
    // Geometric growth: add >= 25% of the new size as slack on each side that had to grow, so a range
    // that keeps widening (e.g. sorted input) costs amortised O(1) copies per bucket.
    const std::int64_t slack = std::max(kMinSlack, (new_hi - new_lo) / 4);
    if (new_lo < old_lo) new_lo -= slack;
    if (new_hi > old_hi) new_hi += slack;
  }
  new_lo = std::max<std::int64_t>(new_lo, std::numeric_limits<std::int32_t>::min());
  new_hi = std::min<std::int64_t>(new_hi, std::numeric_limits<std::int32_t>::max());

  std::vector<Count> grown(static_cast<std::size_t>(new_hi - new_lo), 0);
  if (size > 0) std::copy(counts.begin(), counts.end(), grown.begin() + (old_lo - new_lo));
  counts.swap(grown);
  offset = static_cast<std::int32_t>(new_lo);
}

void QuantileSketch::Store::add(std::int32_t index, std::uint64_t n) {
  std::int64_t pos = static_cast<std::int64_t>(index) - offset;
  if (pos < 0 || pos >= static_cast<std::int64_t>(counts.size())) [[unlikely]] {
    extend(index, index);
    pos = static_cast<std::int64_t>(index) - offset;
  }
  counts[static_cast<std::size_t>(pos)] += static_cast<Count>(n);
}

void QuantileSketch::Store::merge(const Store& other) {
  // Only the occupied part of `other` matters; its slack must not inflate this store.
  std::size_t first = 0;
  std::size_t last = other.counts.size();
  while (first < last && other.counts[first] == 0) ++first;
  if (first == last) return;
  while (other.counts[last - 1] == 0) --last;
  const std::int32_t lo = other.offset + static_cast<std::int32_t>(first);
  const std::int32_t hi = other.offset + static_cast<std::int32_t>(last - 1);
  extend(lo, hi);  // no-op if already covered (always the case when other aliases *this)
  const std::size_t shift = static_cast<std::size_t>(lo - offset);
  for (std::size_t j = first; j < last; ++j) counts[shift + (j - first)] += other.counts[j];
}

void QuantileSketch::add(double x) {
  if (!std::isfinite(x)) [[unlikely]] {
    throw std::invalid_argument("QuantileSketch::add: observation must be finite");
  }
  if (count_ >= kMaxCount) [[unlikely]] {
    throw std::overflow_error("QuantileSketch::add: a sketch holds at most 2^32 - 1 observations");
  }
  const double m = std::fabs(x);
  if (m < accuracy_.zero_threshold || m == 0.0) {
    ++zero_count_;
  } else if (x > 0.0) {
    positive_.add(index_of(m), 1);
  } else {
    negative_.add(index_of(m), 1);
  }
  ++count_;
}

void QuantileSketch::add_batch(std::span<const double> values) {
  bool finite = true;
  for (const double x : values) finite &= std::fabs(x) <= kMaxDouble;
  if (!finite) [[unlikely]] {
    throw std::invalid_argument("QuantileSketch::add: observation must be finite");
  }
  if (values.size() > kMaxCount - count_) [[unlikely]] {
    throw std::overflow_error("QuantileSketch::add: a sketch holds at most 2^32 - 1 observations");
  }
  const double z = accuracy_.zero_threshold;
  if (!(z >= std::numeric_limits<double>::min())) {  // subnormal magnitudes need approx_log2's rescaling
    for (const double x : values) add(x);
    return;
  }
  const IndexParams params = index_params();
  constexpr std::size_t kChunk = 256;
  std::int32_t index[kChunk];
  for (std::size_t base = 0; base < values.size(); base += kChunk) {
    const std::size_t n = std::min(kChunk, values.size() - base);
    const double* x = values.data() + base;
    bucket_indices(x, n, params, index);
    // Bump counts through hoisted pointers; a store is only re-read after it had to grow.
    std::uint64_t zeros = 0;
    Store* stores[2] = {&positive_, &negative_};
    Count* counts[2] = {positive_.counts.data(), negative_.counts.data()};
    std::int64_t offsets[2] = {positive_.offset, negative_.offset};
    std::uint64_t sizes[2] = {positive_.counts.size(), negative_.counts.size()};
    for (std::size_t i = 0; i < n; ++i) {
      if (std::fabs(x[i]) < z) {
        ++zeros;
        continue;
      }
      const int side = x[i] > 0.0 ? 0 : 1;
      auto pos = static_cast<std::uint64_t>(index[i] - offsets[side]);
      if (pos >= sizes[side]) [[unlikely]] {
        Store& store = *stores[side];
        store.extend(index[i], index[i]);
        counts[side] = store.counts.data();
        offsets[side] = store.offset;
        sizes[side] = store.counts.size();
        pos = static_cast<std::uint64_t>(index[i] - offsets[side]);
      }
      ++counts[side][pos];
    }
    zero_count_ += zeros;
  }
  count_ += values.size();
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (!(other.accuracy_ == accuracy_)) {
    throw std::invalid_argument("QuantileSketch::merge: sketches have different accuracy parameters");
  }
  if (other.count_ == 0) return;
  if (count_ + other.count_ > kMaxCount) {
    throw std::overflow_error("QuantileSketch::merge: a sketch holds at most 2^32 - 1 observations");
  }
  positive_.merge(other.positive_);
  negative_.merge(other.negative_);
  zero_count_ += other.zero_count_;
  count_ += other.count_;
}

double QuantileSketch::quantile(double q) const {
  if (!(q >= 0.0 && q <= 1.0)) throw std::invalid_argument("QuantileSketch::quantile: q must be in [0, 1]");
  if (count_ == 0) return 0.0;
  const double rank = std::floor(q * static_cast<double>(count_ - 1));
  const std::uint64_t k = std::min(static_cast<std::uint64_t>(rank), count_ - 1);

  std::uint64_t cumulative = 0;
  // Negative values, most negative first: highest magnitude index first.
  for (std::size_t j = negative_.counts.size(); j-- > 0;) {
    cumulative += negative_.counts[j];
    if (cumulative > k) return -representative(negative_.offset + static_cast<std::int32_t>(j));
  }
  cumulative += zero_count_;
  if (cumulative > k) return 0.0;
  for (std::size_t j = 0; j < positive_.counts.size(); ++j) {
    cumulative += positive_.counts[j];
    if (cumulative > k) return representative(positive_.offset + static_cast<std::int32_t>(j));
  }
  // Unreachable when counts are consistent (cumulative == count_ > k).
  return 0.0;
}

double QuantileSketch::cdf(double x) const {
  if (count_ == 0) return 0.0;
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  // Representatives increase strictly with the index, so the buckets of a store whose representative
  // magnitude lies below a limit form a prefix of the dense range: binary search, then sum counts.
  const auto prefix_length = [this](const Store& store, auto&& below_limit) {
    std::size_t lo = 0;
    std::size_t hi = store.counts.size();
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (below_limit(representative(store.offset + static_cast<std::int32_t>(mid)))) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
  const auto sum = [](const Store& store, std::size_t first, std::size_t last) {
    std::uint64_t total = 0;
    for (std::size_t j = first; j < last; ++j) total += store.counts[j];
    return total;
  };

  std::uint64_t at_or_below = 0;
  if (x < 0.0) {
    // Negative bucket i reports -rep(i) <= x  <=>  rep(i) >= -x: the suffix after all rep(i) < -x.
    const double m = -x;
    const std::size_t first = prefix_length(negative_, [m](double r) { return r < m; });
    at_or_below = sum(negative_, first, negative_.counts.size());
  } else {
    const std::size_t last = prefix_length(positive_, [x](double r) { return r <= x; });
    at_or_below = (count_ - sum(positive_, 0, positive_.counts.size())) + sum(positive_, 0, last);
  }
  return static_cast<double>(at_or_below) / static_cast<double>(count_);
}

std::vector<SketchBucket> QuantileSketch::buckets() const {
  std::vector<SketchBucket> out;
  const double zt = accuracy_.zero_threshold;
  // Magnitude bounds of store bucket i: (gamma^(i-1), gamma^i], clipped to [zero_threshold, DBL_MAX]
  // (values below zero_threshold go to the zero bucket; no finite value exceeds DBL_MAX).
  // Linear store index k < K holds [z + 2zk, z + 2z(k+1)); log store index j holds
  // (gamma^(i-1), gamma^i] with i = j - K + i0, clipped below at m_log.
  const auto magnitude_lower = [&](std::int32_t j) {
    if (j < linear_buckets_ && linear_buckets_ > 0) return zt + 2.0 * zt * j;
    const std::int32_t i = j - linear_buckets_ + first_log_index_;
    return std::min(std::max(log_bucket_bound(i - 1), std::max(log_start_, zt)), kMaxDouble);
  };
  const auto magnitude_upper = [&](std::int32_t j) {
    if (j < linear_buckets_ && linear_buckets_ > 0) return zt + 2.0 * zt * (j + 1);
    const std::int32_t i = j - linear_buckets_ + first_log_index_;
    return std::min(log_bucket_bound(i), kMaxDouble);
  };
  for (std::size_t j = negative_.counts.size(); j-- > 0;) {
    if (negative_.counts[j] == 0) continue;
    const std::int32_t i = negative_.offset + static_cast<std::int32_t>(j);
    out.push_back({-magnitude_upper(i), -magnitude_lower(i), -representative(i), negative_.counts[j]});
  }
  if (zero_count_ > 0) out.push_back({-zt, zt, 0.0, zero_count_});
  for (std::size_t j = 0; j < positive_.counts.size(); ++j) {
    if (positive_.counts[j] == 0) continue;
    const std::int32_t i = positive_.offset + static_cast<std::int32_t>(j);
    out.push_back({magnitude_lower(i), magnitude_upper(i), representative(i), positive_.counts[j]});
  }
  return out;
}

std::size_t QuantileSketch::memory_bytes() const noexcept {
  return sizeof(*this) + (positive_.counts.capacity() + negative_.counts.capacity()) * sizeof(Count);
}

}  // namespace districtcast
