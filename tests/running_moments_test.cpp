/// \file Unit tests for RunningMoments (Welford add, Chan et al. merge).
#include "engine/running_moments.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

namespace districtcast {
namespace {

/// Moments of data[begin, end) by sequential add().
RunningMoments accumulate(const std::vector<double>& data, std::size_t begin, std::size_t end) {
  RunningMoments m;
  for (std::size_t i = begin; i < end; ++i) m.add(data[i]);
  return m;
}

/// |a - b| <= rel * max(|a|, |b|) (exact equality also accepted, e.g. both 0).
void expect_rel_near(double a, double b, double rel) {
  EXPECT_LE(std::fabs(a - b), rel * std::max(std::fabs(a), std::fabs(b))) << "a=" << a << " b=" << b;
}

TEST(RunningMoments, KnownSmallData) {
  RunningMoments m;
  for (const double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) m.add(x);
  EXPECT_EQ(m.count(), 8U);
  EXPECT_DOUBLE_EQ(m.mean(), 5.0);
  // Sum of squared deviations is 32; unbiased divisor n-1 = 7 (population variance would be 4).
  EXPECT_DOUBLE_EQ(m.variance(), 32.0 / 7.0);
  EXPECT_DOUBLE_EQ(m.standard_deviation(), std::sqrt(32.0 / 7.0));
  EXPECT_DOUBLE_EQ(m.standard_error(), std::sqrt(32.0 / 7.0) / std::sqrt(8.0));
  EXPECT_EQ(m.min(), 2.0);
  EXPECT_EQ(m.max(), 9.0);
}

TEST(RunningMoments, NegativeValuesMinMax) {
  RunningMoments m;
  for (const double x : {-3.5, 1.25, -10.0, 0.0, 2.0}) m.add(x);
  EXPECT_EQ(m.min(), -10.0);
  EXPECT_EQ(m.max(), 2.0);
  EXPECT_DOUBLE_EQ(m.mean(), -10.25 / 5.0);
}

TEST(RunningMoments, LargeOffsetIsNumericallyStable) {
  // Naive sum-of-squares loses everything here; Welford keeps the variance exact-ish.
  RunningMoments m;
  for (const double d : {4.0, 7.0, 13.0, 16.0}) m.add(1e9 + d);
  EXPECT_DOUBLE_EQ(m.mean(), 1e9 + 10.0);
  EXPECT_NEAR(m.variance(), 30.0, 1e-6);
}

TEST(RunningMoments, EmptyAccumulator) {
  const RunningMoments m;
  EXPECT_EQ(m.count(), 0U);
  EXPECT_EQ(m.mean(), 0.0);
  EXPECT_EQ(m.variance(), 0.0);
  EXPECT_EQ(m.standard_deviation(), 0.0);
  EXPECT_EQ(m.standard_error(), 0.0);
  EXPECT_EQ(m.min(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(m.max(), -std::numeric_limits<double>::infinity());
}

TEST(RunningMoments, SingleElement) {
  RunningMoments m;
  m.add(-42.5);
  EXPECT_EQ(m.count(), 1U);
  EXPECT_EQ(m.mean(), -42.5);
  EXPECT_EQ(m.variance(), 0.0);
  EXPECT_EQ(m.standard_error(), 0.0);
  EXPECT_EQ(m.min(), -42.5);
  EXPECT_EQ(m.max(), -42.5);
}

TEST(RunningMoments, StandardErrorIsSdOverSqrtN) {
  std::mt19937_64 rng(20240601);
  std::normal_distribution<double> dist(3.0, 2.0);
  RunningMoments m;
  const std::size_t n = 40000;
  for (std::size_t i = 0; i < n; ++i) m.add(dist(rng));
  expect_rel_near(m.standard_error(), m.standard_deviation() / std::sqrt(static_cast<double>(n)), 1e-15);
  // Sanity against the generating distribution: sd ~ 2, se ~ 0.01.
  EXPECT_NEAR(m.standard_deviation(), 2.0, 0.05);
  EXPECT_NEAR(m.standard_error(), 0.01, 0.0005);
  EXPECT_NEAR(m.mean(), 3.0, 5.0 * m.standard_error());
}

TEST(RunningMoments, MergeEqualsSequentialAdd) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(std::log(1000.0), 0.5);
  std::vector<double> data(1000);
  for (double& x : data) x = dist(rng) - 1200.0;  // mix of signs
  const RunningMoments all = accumulate(data, 0, data.size());

  for (const std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{10},
                                  std::size_t{333}, std::size_t{500}, std::size_t{999}, std::size_t{1000}}) {
    SCOPED_TRACE(split);
    RunningMoments left = accumulate(data, 0, split);
    const RunningMoments right = accumulate(data, split, data.size());
    left.merge(right);
    EXPECT_EQ(left.count(), all.count());
    expect_rel_near(left.mean(), all.mean(), 1e-12);
    expect_rel_near(left.variance(), all.variance(), 1e-12);
    expect_rel_near(left.standard_error(), all.standard_error(), 1e-12);
    EXPECT_EQ(left.min(), all.min());
    EXPECT_EQ(left.max(), all.max());
  }
}

TEST(RunningMoments, MergeManyShardsAndEmptySides) {
  std::mt19937_64 rng(99);
  std::normal_distribution<double> dist(0.05, 0.02);
  std::vector<double> data(5000);
  for (double& x : data) x = dist(rng);
  const RunningMoments all = accumulate(data, 0, data.size());

  RunningMoments merged;
  merged.merge(RunningMoments{});  // empty into empty
  EXPECT_EQ(merged.count(), 0U);
  EXPECT_EQ(merged.min(), std::numeric_limits<double>::infinity());
  const std::vector<std::size_t> cuts = {0, 7, 7, 1000, 2500, 4999, 5000};
  for (std::size_t c = 0; c + 1 < cuts.size(); ++c) merged.merge(accumulate(data, cuts[c], cuts[c + 1]));
  merged.merge(RunningMoments{});  // empty into non-empty is a no-op
  EXPECT_EQ(merged.count(), all.count());
  expect_rel_near(merged.mean(), all.mean(), 1e-12);
  expect_rel_near(merged.variance(), all.variance(), 1e-12);
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
}

TEST(RunningMoments, SelfMergeDoublesCount) {
  RunningMoments m;
  for (const double x : {1.0, 2.0, 3.0, 4.0}) m.add(x);
  m.merge(m);
  RunningMoments expected;
  for (const double x : {1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0}) expected.add(x);
  EXPECT_EQ(m.count(), 8U);
  expect_rel_near(m.mean(), expected.mean(), 1e-15);
  expect_rel_near(m.variance(), expected.variance(), 1e-12);  // 10/7
  EXPECT_DOUBLE_EQ(m.variance(), 10.0 / 7.0);
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(RunningMoments, AddBatchEqualsSequentialAdds) {
  std::vector<double> values;
  for (int i = 0; i < 1000; ++i) values.push_back(1000.0 + 37.0 * std::sin(0.7 * i) + 0.01 * i);
  RunningMoments one_by_one;
  for (const double x : values) one_by_one.add(x);
  RunningMoments batched;
  for (std::size_t first = 0; first < values.size(); first += 128) {
    const std::size_t n = std::min<std::size_t>(128, values.size() - first);
    batched.add_batch(std::span<const double>(values).subspan(first, n));
  }
  batched.add_batch({});  // an empty batch changes nothing
  EXPECT_EQ(batched.count(), 1000u);
  EXPECT_NEAR(batched.mean(), one_by_one.mean(), 1e-12 * one_by_one.mean());
  EXPECT_NEAR(batched.variance(), one_by_one.variance(), 1e-10 * one_by_one.variance());
  EXPECT_EQ(batched.min(), one_by_one.min());
  EXPECT_EQ(batched.max(), one_by_one.max());
}

TEST(RunningMoments, ConstantBatchesGiveTheExactValueAndZeroVariance) {
  RunningMoments m;
  const std::vector<double> batch(128, 164.87212707001282);  // a value whose sum of copies rounds
  for (int i = 0; i < 5; ++i) m.add_batch(batch);
  m.add_batch(std::vector<double>(3, 164.87212707001282));
  EXPECT_EQ(m.mean(), 164.87212707001282);
  EXPECT_EQ(m.variance(), 0.0);
  EXPECT_EQ(m.standard_error(), 0.0);
}

TEST(RunningMoments, MeanOfValuesNearDblMaxStaysFinite) {
  const double big = std::numeric_limits<double>::max() / 2;
  std::vector<double> batch(64, big);
  batch[0] = big * 0.5;  // not constant: the general path, whose plain sum would overflow
  RunningMoments m;
  m.add_batch(batch);
  EXPECT_TRUE(std::isfinite(m.mean()));
  EXPECT_NEAR(m.mean(), big * (63.5 / 64.0), big * 1e-12);
  // Values within the GDP ceiling (1e140) never overflow the variance, even far apart.
  RunningMoments wide;
  std::vector<double> spread(1024);
  for (std::size_t i = 0; i < spread.size(); ++i) spread[i] = i % 2 == 0 ? 1e140 : -1e140;
  for (int i = 0; i < 100; ++i) wide.add_batch(spread);
  EXPECT_TRUE(std::isfinite(wide.variance()));
  EXPECT_NEAR(wide.standard_deviation(), 1e140, 1e136);
}

}  // namespace
}  // namespace districtcast
