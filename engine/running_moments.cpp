/// \file Welford / Chan et al. implementation of RunningMoments.
#include "engine/running_moments.hpp"

#include <algorithm>
#include <cmath>

namespace districtcast {

void RunningMoments::add(double x) noexcept {
  ++count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void RunningMoments::add_batch(std::span<const double> values) noexcept {
  if (values.empty()) return;
  // Sums in kLanes interleaved partial sums (lane j takes values j, j + kLanes, ...), combined in lane order:
  // a fixed order, so the same batch always gives the same bits, and independent chains the compiler can
  // keep in vector registers instead of one dependent add per value.
  constexpr std::size_t kLanes = 8;
  const std::size_t n = values.size();
  const std::size_t whole = n - n % kLanes;
  double sums[kLanes] = {};
  double lows[kLanes];
  double highs[kLanes];
  for (std::size_t j = 0; j < kLanes; ++j) lows[j] = highs[j] = values[0];
  for (std::size_t i = 0; i < whole; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) {
      const double x = values[i + j];
      sums[j] += x;
      lows[j] = x < lows[j] ? x : lows[j];
      highs[j] = x > highs[j] ? x : highs[j];
    }
  }
  double sum = 0.0;
  double low = values[0];
  double high = values[0];
  for (std::size_t j = 0; j < kLanes; ++j) {
    sum += sums[j];
    low = std::min(low, lows[j]);
    high = std::max(high, highs[j]);
  }
  for (std::size_t i = whole; i < n; ++i) {
    sum += values[i];
    low = std::min(low, values[i]);
    high = std::max(high, values[i]);
  }
  double mean = sum / static_cast<double>(n);
  if (low == high) {
    // A constant batch: its mean is that value and M2 is 0 exactly (a rounded sum / n could miss by an ulp).
    mean = low;
  } else if (!std::isfinite(sum) && std::isfinite(low) && std::isfinite(high)) [[unlikely]] {
    // Finite values whose sum overflowed (near DBL_MAX): average values / n instead, which cannot overflow.
    mean = 0.0;
    for (const double x : values) mean += x / static_cast<double>(n);
  }
  double squares[kLanes] = {};
  for (std::size_t i = 0; i < whole; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) squares[j] += (values[i + j] - mean) * (values[i + j] - mean);
  }
  double m2 = 0.0;
  for (std::size_t j = 0; j < kLanes; ++j) m2 += squares[j];
  for (std::size_t i = whole; i < n; ++i) m2 += (values[i] - mean) * (values[i] - mean);
  RunningMoments batch;
  batch.count_ = n;
  batch.mean_ = mean;
  batch.m2_ = m2;
  batch.min_ = low;
  batch.max_ = high;
  merge(batch);
}

void RunningMoments::merge(const RunningMoments& other) noexcept {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const RunningMoments b = other;  // copy: `other` may alias *this
  const std::uint64_t n = count_ + b.count_;
  const double na = static_cast<double>(count_);
  const double nb = static_cast<double>(b.count_);
  const double nn = static_cast<double>(n);
  const double delta = b.mean_ - mean_;
  mean_ += delta * (nb / nn);
  m2_ += b.m2_ + delta * delta * (na * nb / nn);
  count_ = n;
  min_ = std::min(min_, b.min_);
  max_ = std::max(max_, b.max_);
}

double RunningMoments::variance() const noexcept {
  if (count_ < 2) return 0.0;
  return std::max(0.0, m2_ / static_cast<double>(count_ - 1));
}

double RunningMoments::standard_deviation() const noexcept { return std::sqrt(variance()); }

double RunningMoments::standard_error() const noexcept {
  if (count_ == 0) return 0.0;
  return standard_deviation() / std::sqrt(static_cast<double>(count_));
}

}  // namespace districtcast
