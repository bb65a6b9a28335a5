/// \file Unit tests for QuantileSketch: error bound vs exact order statistics, exact merge, cdf, buckets,
/// bounded memory.
#include "engine/quantile_sketch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

namespace districtcast {
namespace {

constexpr std::array<double, 11> kQs = {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999};
constexpr std::size_t kN = 200000;

/// 0-based rank of the q-quantile, floor(q (n-1)), as documented.
std::size_t rank_of(double q, std::size_t n) {
  return static_cast<std::size_t>(std::floor(q * static_cast<double>(n - 1)));
}

QuantileSketch build(const std::vector<double>& data, SketchAccuracy acc = {}) {
  QuantileSketch s(acc);
  for (const double x : data) s.add(x);
  return s;
}

/// Checks |quantile(q) - x_(k)| <= max(alpha |x_(k)|, zero_threshold) (+1e-12 relative slack) for the
/// standard q grid plus q = 0 and q = 1.
void expect_within_bound(const QuantileSketch& s, std::vector<double> data) {
  ASSERT_EQ(s.count(), data.size());
  std::sort(data.begin(), data.end());
  const SketchAccuracy& acc = s.accuracy();
  std::vector<double> qs(kQs.begin(), kQs.end());
  qs.push_back(0.0);
  qs.push_back(1.0);
  for (const double q : qs) {
    const double exact = data[rank_of(q, data.size())];
    const double got = s.quantile(q);
    const double bound = std::max(acc.relative * std::fabs(exact), acc.zero_threshold) + 1e-12 * std::fabs(exact);
    EXPECT_LE(std::fabs(got - exact), bound) << "q=" << q << " exact=" << exact << " got=" << got;
  }
}

std::vector<double> lognormal_data(std::uint64_t seed, double mu, double sigma, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(mu, sigma);
  std::vector<double> v(n);
  for (double& x : v) x = dist(rng);
  return v;
}

std::vector<double> normal_data(std::uint64_t seed, double mean, double sd, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mean, sd);
  std::vector<double> v(n);
  for (double& x : v) x = dist(rng);
  return v;
}

/// Normal, lognormal, exact zeros and sub-threshold values of both signs.
std::vector<double> mixed_data(std::uint64_t seed, std::size_t n, double zero_threshold) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::lognormal_distribution<double> lognormal(std::log(1000.0), 0.2);
  std::uniform_real_distribution<double> tiny(-zero_threshold, zero_threshold);
  std::uniform_int_distribution<int> pick(0, 9);
  std::vector<double> v(n);
  for (double& x : v) {
    const int p = pick(rng);
    if (p < 4) {
      x = normal(rng);
    } else if (p < 8) {
      x = lognormal(rng);
    } else if (p == 8) {
      x = 0.0;
    } else {
      x = tiny(rng);
    }
  }
  return v;
}

void expect_same_buckets(const QuantileSketch& a, const QuantileSketch& b) {
  const std::vector<SketchBucket> ba = a.buckets();
  const std::vector<SketchBucket> bb = b.buckets();
  ASSERT_EQ(ba.size(), bb.size());
  for (std::size_t i = 0; i < ba.size(); ++i) {
    EXPECT_EQ(ba[i].lower, bb[i].lower) << i;
    EXPECT_EQ(ba[i].upper, bb[i].upper) << i;
    EXPECT_EQ(ba[i].representative, bb[i].representative) << i;
    EXPECT_EQ(ba[i].count, bb[i].count) << i;
  }
}

void expect_identical(const QuantileSketch& a, const QuantileSketch& b) {
  EXPECT_EQ(a.count(), b.count());
  expect_same_buckets(a, b);
  for (int i = 0; i <= 1000; ++i) {
    const double q = i / 1000.0;
    EXPECT_EQ(a.quantile(q), b.quantile(q)) << "q=" << q;
  }
  for (const double q : kQs) EXPECT_EQ(a.quantile(q), b.quantile(q)) << "q=" << q;
  for (const double x : {-3.0, -1e-6, 0.0, 1e-6, 0.5, 999.0, 1000.0, 1e6}) EXPECT_EQ(a.cdf(x), b.cdf(x)) << x;
}

// ---------------------------------------------------------------------------------------------------
// Bucket mapping by hand

TEST(QuantileSketch, BucketRepresentativesByHand) {
  // alpha = 0.25 -> gamma = 5/3 -> c = ceil(1 / (gamma - 1)) = ceil(1.5) = 2 buckets per octave of approx_log2
  // (m = 2^e (1 + f) -> e + f). Bucket i = (B(i-1), B(i)], B(i) = approx_exp2(i / 2):
  // i = 0: (0.75, 1], i = 1: (1, 1.5], i = 2: (1.5, 2], i = 3: (2, 3]; representative 2 lo hi / (lo + hi).
  const SketchAccuracy acc{0.25, 1e-3};
  const double tol = 1e-12;
  const auto single = [&](double x) {
    QuantileSketch s(acc);
    s.add(x);
    return s;
  };
  EXPECT_NEAR(single(1.0).quantile(0.5), 6.0 / 7.0, tol);    // (0.75, 1]: 2 * 0.75 * 1 / 1.75
  EXPECT_NEAR(single(1.2).quantile(0.5), 1.2, tol);          // (1, 1.5]: 2 * 1 * 1.5 / 2.5
  EXPECT_NEAR(single(2.0).quantile(0.5), 12.0 / 7.0, tol);   // (1.5, 2]
  EXPECT_NEAR(single(-2.0).quantile(0.5), -12.0 / 7.0, tol); // mirrored
  EXPECT_NEAR(single(100.0).quantile(0.5), 768.0 / 7.0, 1e-10);  // 100 = 64 * 1.5625 -> (96, 128]
  EXPECT_EQ(single(5e-4).quantile(0.5), 0.0);           // below zero_threshold
  EXPECT_EQ(single(-5e-4).quantile(0.5), 0.0);
  EXPECT_EQ(single(std::nextafter(1e-3, 0.0)).buckets().front().representative, 0.0);
  EXPECT_GT(single(1e-3).quantile(0.5), 0.0);  // |x| == zero_threshold is not in the zero bucket
  EXPECT_LT(single(-1e-3).quantile(0.5), 0.0);

  QuantileSketch s(acc);
  for (const double x : {2.0, 2.2, -2.0, 0.0, 1.2, 1.9}) s.add(x);
  const std::vector<SketchBucket> b = s.buckets();
  ASSERT_EQ(b.size(), 5U);
  EXPECT_NEAR(b[0].lower, -2.0, tol);
  EXPECT_NEAR(b[0].upper, -1.5, tol);
  EXPECT_NEAR(b[0].representative, -12.0 / 7.0, tol);
  EXPECT_EQ(b[0].count, 1U);
  EXPECT_EQ(b[1].lower, -1e-3);
  EXPECT_EQ(b[1].upper, 1e-3);
  EXPECT_EQ(b[1].representative, 0.0);
  EXPECT_EQ(b[1].count, 1U);
  EXPECT_NEAR(b[2].lower, 1.0, tol);
  EXPECT_NEAR(b[2].upper, 1.5, tol);
  EXPECT_EQ(b[2].count, 1U);
  EXPECT_NEAR(b[3].lower, 1.5, tol);
  EXPECT_NEAR(b[3].upper, 2.0, tol);
  EXPECT_NEAR(b[3].representative, 12.0 / 7.0, tol);
  EXPECT_EQ(b[3].count, 2U);  // 1.9 and 2.0
  EXPECT_NEAR(b[4].lower, 2.0, tol);
  EXPECT_NEAR(b[4].upper, 3.0, tol);
  EXPECT_NEAR(b[4].representative, 2.4, tol);
  EXPECT_EQ(b[4].count, 1U);  // 2.2
}

// ---------------------------------------------------------------------------------------------------
// Error bound against exact order statistics

TEST(QuantileSketch, LognormalWithinBound) {
  const std::vector<double> data = lognormal_data(1, std::log(1000.0), 0.2, kN);
  expect_within_bound(build(data), data);
}

TEST(QuantileSketch, WideLognormalWithinBound) {
  const std::vector<double> data = lognormal_data(2, 0.0, 3.0, kN);
  expect_within_bound(build(data), data);
  expect_within_bound(build(data, {1e-2, 1e-4}), data);
}

TEST(QuantileSketch, NormalGrowthRatesWithinBound) {
  const std::vector<double> data = normal_data(3, 0.05, 0.02, kN);
  ASSERT_LT(*std::min_element(data.begin(), data.end()), 0.0);  // the data really has negatives
  expect_within_bound(build(data), data);
}

TEST(QuantileSketch, StandardNormalWithinBound) {
  const std::vector<double> data = normal_data(4, 0.0, 1.0, kN);
  expect_within_bound(build(data), data);
  expect_within_bound(build(data, {5e-2, 1e-3}), data);
}

TEST(QuantileSketch, ZerosAndSubThresholdValuesWithinBound) {
  const SketchAccuracy acc{};
  std::vector<double> data = mixed_data(5, kN, acc.zero_threshold);
  // Concentrate mass around zero so that several checked quantiles land on zero / sub-threshold values.
  std::mt19937_64 rng(55);
  std::uniform_real_distribution<double> tiny(-acc.zero_threshold, acc.zero_threshold);
  std::normal_distribution<double> small(0.0, 1e-4);
  for (std::size_t i = 0; i < kN / 2; ++i) data.push_back(i % 3 == 0 ? 0.0 : (i % 3 == 1 ? tiny(rng) : small(rng)));
  data.push_back(-0.0);
  data.push_back(acc.zero_threshold);   // exactly at the threshold: goes to a store
  data.push_back(-acc.zero_threshold);
  expect_within_bound(build(data, acc), data);
}

TEST(QuantileSketch, IntegerCountDataWithinBoundAndExactHistogram) {
  std::mt19937_64 rng(6);
  std::poisson_distribution<int> poisson(3.0);
  std::uniform_int_distribution<int> uniform(0, 50);
  std::vector<double> data(kN);
  for (std::size_t i = 0; i < kN; ++i) data[i] = static_cast<double>(i % 2 == 0 ? poisson(rng) : uniform(rng));
  const QuantileSketch s = build(data);
  expect_within_bound(s, data);

  // gamma ~ 1.002, so every integer 1..50 has its own bucket: the buckets are the exact histogram.
  std::map<int, std::uint64_t> histogram;
  for (const double x : data) ++histogram[static_cast<int>(x)];
  const std::vector<SketchBucket> buckets = s.buckets();
  ASSERT_EQ(buckets.size(), histogram.size());
  std::size_t i = 0;
  for (const auto& [value, n] : histogram) {
    const SketchBucket& b = buckets[i++];
    EXPECT_EQ(b.count, n) << value;
    EXPECT_NEAR(b.representative, value, 1e-3 * value + 1e-12) << value;
    if (value == 0) {
      EXPECT_EQ(b.representative, 0.0);
    }
  }
}

TEST(QuantileSketch, ExtremeMagnitudes) {
  const double dmax = std::numeric_limits<double>::max();
  struct Case {
    SketchAccuracy acc;
    std::vector<double> data;
  };
  // Dense stores span the occupied log range, so the full 1e-300..DBL_MAX range uses a coarse alpha.
  const std::vector<Case> cases = {
      {{1e-4, 1e-5}, {dmax, -dmax, 0.5 * dmax, std::nextafter(dmax, 0.0), -1e300, 1e300, 3e307}},
      {{1e-4, 1e-300}, {1e-300, -1e-300, 5e-301, -5e-301, 2e-300, 1.5e-299, -7e-298, 0.0}},
      {{1e-2, 1e-300}, {dmax, -dmax, 1e300, -1e300, 1e-300, -1e-299, 5e-301, 0.0, 1.0, 0.5 * dmax}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.acc.relative);
    const QuantileSketch s = build(c.data, c.acc);
    std::vector<double> sorted = c.data;
    std::sort(sorted.begin(), sorted.end());
    const double n1 = static_cast<double>(sorted.size() - 1);
    for (std::size_t k = 0; k < sorted.size(); ++k) {
      // q in the middle of rank k's interval, so floor(q (n-1)) = k without rounding doubt.
      const double q = std::min(1.0, (static_cast<double>(k) + 0.5) / n1);
      const double exact = sorted[rank_of(q, sorted.size())];
      const double got = s.quantile(q);
      ASSERT_TRUE(std::isfinite(got)) << k;
      EXPECT_LE(std::fabs(got - exact),
                std::max(c.acc.relative * std::fabs(exact), c.acc.zero_threshold) + 1e-12 * std::fabs(exact))
          << "k=" << k << " exact=" << exact << " got=" << got;
    }
    for (const SketchBucket& b : s.buckets()) {
      EXPECT_TRUE(std::isfinite(b.lower) && std::isfinite(b.upper) && std::isfinite(b.representative));
      EXPECT_LE(b.lower, b.representative);
      EXPECT_LE(b.representative, b.upper);
    }
    EXPECT_EQ(s.cdf(dmax), 1.0);
    EXPECT_EQ(s.cdf(std::nextafter(s.quantile(0.0), -dmax)), 0.0);  // just below every representative
    EXPECT_EQ(s.cdf(s.quantile(0.0)), 1.0 / static_cast<double>(c.data.size()));
  }
}

TEST(QuantileSketch, ZeroThresholdZeroKeepsSubnormalsAndExactZero) {
  const SketchAccuracy acc{1e-3, 0.0};
  const std::vector<double> data = {0.0, -0.0, 1e-310, -1e-310, 1e-300, 2.0};
  const QuantileSketch s = build(data, acc);
  expect_within_bound(s, data);
  // Exact zeros are reported exactly (bound max(alpha * 0, 0) = 0).
  EXPECT_EQ(s.quantile(0.4), 0.0);  // rank floor(0.4 * 5) = 2 -> a zero
  EXPECT_EQ(s.buckets().size(), 5U);
}

// ---------------------------------------------------------------------------------------------------
// Batch insertion

TEST(QuantileSketch, AddBatchCountsExactlyWhatAddCounts) {
  // Both regimes (linear buckets near zero, log buckets), both signs, the zero bucket, bucket edges, the
  // extremes of double, several accuracies, and batches cut at odd sizes across the 256-value chunks.
  std::mt19937_64 rng(99);
  std::normal_distribution<double> growth(0.05, 0.03);
  std::vector<double> mixed;
  for (int i = 0; i < 3000; ++i) mixed.push_back(growth(rng));
  for (const double x : lognormal_data(5, 8.0, 0.4, 3000)) mixed.push_back(x);
  for (int k = -3; k <= 3; ++k) {
    for (const double edge : {1e-5, 3e-5, 1e-2, 0.0100001, 1.0, 2.0}) {
      mixed.push_back(std::nextafter(edge, 0.0) * (k < 0 ? -1.0 : 1.0));
      mixed.push_back(edge * (k < 0 ? -1.0 : 1.0));
      mixed.push_back(std::nextafter(edge, 10.0) * (k < 0 ? -1.0 : 1.0));
    }
  }
  for (const double x : {0.0, -0.0, 9.99e-6, -9.99e-6, 1e-300, std::numeric_limits<double>::max(),
                         -std::numeric_limits<double>::max(), 1e300, 1e-200}) {
    mixed.push_back(x);
  }
  std::shuffle(mixed.begin(), mixed.end(), rng);
  for (const SketchAccuracy acc : {SketchAccuracy{}, SketchAccuracy{1e-2, 1e-3}, SketchAccuracy{1e-2, 1e-300},
                                   SketchAccuracy{1e-2, 0.0}}) {
    SCOPED_TRACE(acc.zero_threshold);
    const QuantileSketch one_by_one = build(mixed, acc);
    QuantileSketch batched(acc);
    std::size_t at = 0;
    for (const std::size_t size : {1u, 255u, 256u, 257u, 1000u, 7u}) {
      const std::size_t n = std::min(size, mixed.size() - at);
      batched.add_batch(std::span<const double>(mixed).subspan(at, n));
      at += n;
    }
    batched.add_batch(std::span<const double>(mixed).subspan(at));
    expect_identical(one_by_one, batched);
  }
}

TEST(QuantileSketch, AddBatchRejectsNonFiniteValuesWithoutChangingTheSketch) {
  QuantileSketch s;
  s.add(2.0);
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()}) {
    const std::vector<double> values = {1.0, 3.0, bad, 4.0};
    EXPECT_THROW(s.add_batch(values), std::invalid_argument);
    EXPECT_EQ(s.count(), 1U);
    EXPECT_EQ(s.buckets().size(), 1U);
  }
}

// ---------------------------------------------------------------------------------------------------
// Merge

TEST(QuantileSketch, MergeOfShardsEqualsSingleSketchInAnyOrder) {
  const SketchAccuracy acc{};
  const std::vector<double> data = mixed_data(7, kN, acc.zero_threshold);
  const QuantileSketch whole = build(data, acc);

  // Uneven shards, including an empty one and a single-element one.
  const std::vector<std::size_t> cuts = {0, 1, 1, 5000, 60000, 60001, 123456, 190000, kN};
  std::vector<QuantileSketch> shards;
  for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
    QuantileSketch s(acc);
    for (std::size_t i = cuts[c]; i < cuts[c + 1]; ++i) s.add(data[i]);
    shards.push_back(s);
  }

  QuantileSketch forward(acc);
  for (const QuantileSketch& s : shards) forward.merge(s);
  expect_identical(forward, whole);

  QuantileSketch reverse(acc);
  for (auto it = shards.rbegin(); it != shards.rend(); ++it) reverse.merge(*it);
  expect_identical(reverse, whole);

  std::vector<std::size_t> order(shards.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 3; ++trial) {
    std::shuffle(order.begin(), order.end(), rng);
    QuantileSketch shuffled = shards[order[0]];  // merge into a non-empty shard, not into an empty sketch
    for (std::size_t i = 1; i < order.size(); ++i) shuffled.merge(shards[order[i]]);
    expect_identical(shuffled, whole);
  }

  // Pairwise tree reduction.
  std::vector<QuantileSketch> level = shards;
  while (level.size() > 1) {
    std::vector<QuantileSketch> next;
    for (std::size_t i = 0; i < level.size(); i += 2) {
      next.push_back(level[i]);
      if (i + 1 < level.size()) next.back().merge(level[i + 1]);
    }
    level = next;
  }
  expect_identical(level.front(), whole);
  expect_within_bound(level.front(), data);
}

TEST(QuantileSketch, SelfMergeDoublesCounts) {
  const std::vector<double> data = normal_data(8, 0.0, 1.0, 1000);
  QuantileSketch s = build(data);
  const std::vector<SketchBucket> before = s.buckets();
  s.merge(s);
  const std::vector<SketchBucket> after = s.buckets();
  EXPECT_EQ(s.count(), 2000U);
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i].count, 2 * before[i].count);
}

TEST(QuantileSketch, MergeDifferentAccuracyThrowsAndLeavesSketchUnchanged) {
  QuantileSketch a({1e-3, 1e-5});
  QuantileSketch b({1e-2, 1e-5});
  QuantileSketch c({1e-3, 1e-6});
  for (const double x : {1.0, 2.0, -3.0}) {
    a.add(x);
    b.add(x);
    c.add(x);
  }
  EXPECT_THROW(a.merge(b), std::invalid_argument);
  EXPECT_THROW(a.merge(c), std::invalid_argument);
  EXPECT_THROW(a.merge(QuantileSketch({1e-3, 0.0})), std::invalid_argument);  // even when empty
  EXPECT_EQ(a.count(), 3U);
  EXPECT_EQ(a.buckets().size(), 3U);
  EXPECT_NO_THROW(a.merge(QuantileSketch({1e-3, 1e-5})));
}

// ---------------------------------------------------------------------------------------------------
// Edge cases

TEST(QuantileSketch, EmptySketch) {
  const QuantileSketch s;
  EXPECT_EQ(s.count(), 0U);
  EXPECT_EQ(s.quantile(0.0), 0.0);
  EXPECT_EQ(s.quantile(0.5), 0.0);
  EXPECT_EQ(s.quantile(1.0), 0.0);
  EXPECT_EQ(s.cdf(0.0), 0.0);
  EXPECT_EQ(s.cdf(1e300), 0.0);
  EXPECT_TRUE(std::isnan(build({1.0}).cdf(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(s.buckets().empty());
  EXPECT_EQ(s.memory_bytes(), sizeof(QuantileSketch));  // no heap storage until the first add

  // Empty is the identity of merge, on either side.
  const std::vector<double> data = normal_data(9, 5.0, 2.0, 1000);
  const QuantileSketch full = build(data);
  QuantileSketch into_empty;
  into_empty.merge(full);
  expect_identical(into_empty, full);
  QuantileSketch empty_into = full;
  empty_into.merge(QuantileSketch{});
  expect_identical(empty_into, full);
}

TEST(QuantileSketch, ExtremeQuantilesMatchMinAndMax) {
  for (const std::vector<double>& data :
       {lognormal_data(10, std::log(1000.0), 0.2, kN), normal_data(11, 0.0, 1.0, kN), normal_data(12, 0.05, 0.02, kN)}) {
    const QuantileSketch s = build(data);
    const double lo = *std::min_element(data.begin(), data.end());
    const double hi = *std::max_element(data.begin(), data.end());
    const double alpha = s.accuracy().relative;
    const double zt = s.accuracy().zero_threshold;
    EXPECT_LE(std::fabs(s.quantile(0.0) - lo), std::max(alpha * std::fabs(lo), zt) + 1e-12 * std::fabs(lo));
    EXPECT_LE(std::fabs(s.quantile(1.0) - hi), std::max(alpha * std::fabs(hi), zt) + 1e-12 * std::fabs(hi));
    EXPECT_LT(s.quantile(0.0), s.quantile(0.001));
    EXPECT_GT(s.quantile(1.0), s.quantile(0.999));
  }
}

TEST(QuantileSketch, QuantilesAreMonotoneInQ) {
  const std::vector<double> data = mixed_data(13, 50000, 1e-5);
  const QuantileSketch s = build(data);
  double prev = -std::numeric_limits<double>::infinity();
  for (int i = 0; i <= 10000; ++i) {
    const double v = s.quantile(i / 10000.0);
    EXPECT_GE(v, prev) << i;
    prev = v;
  }
}

TEST(QuantileSketch, InvalidArgumentsThrow) {
  QuantileSketch s;
  EXPECT_THROW(s.add(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  EXPECT_THROW(s.add(std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(s.add(-std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_EQ(s.count(), 0U);
  EXPECT_TRUE(s.buckets().empty());
  s.add(1.0);
  EXPECT_THROW((void)s.quantile(-0.01), std::invalid_argument);
  EXPECT_THROW((void)s.quantile(1.01), std::invalid_argument);
  EXPECT_THROW((void)s.quantile(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);

  EXPECT_THROW(QuantileSketch({0.0, 1e-5}), std::invalid_argument);
  EXPECT_THROW(QuantileSketch({1.0, 1e-5}), std::invalid_argument);
  EXPECT_THROW(QuantileSketch({-0.1, 1e-5}), std::invalid_argument);
  EXPECT_THROW(QuantileSketch({std::numeric_limits<double>::quiet_NaN(), 1e-5}), std::invalid_argument);
  EXPECT_THROW(QuantileSketch({1e-3, -1e-5}), std::invalid_argument);
  EXPECT_THROW(QuantileSketch({1e-3, std::numeric_limits<double>::infinity()}), std::invalid_argument);
  EXPECT_THROW(QuantileSketch({1e-9, 1e-5}), std::invalid_argument);  // index range would overflow int32
  EXPECT_NO_THROW(QuantileSketch({1e-4, 0.0}));
}

TEST(QuantileSketch, SingleRepeatedValue) {
  for (const double value : {12345.678, -0.75, 0.0, 3e-6}) {
    SCOPED_TRACE(value);
    QuantileSketch s;
    for (int i = 0; i < 100000; ++i) s.add(value);
    EXPECT_EQ(s.count(), 100000U);
    const std::vector<SketchBucket> b = s.buckets();
    ASSERT_EQ(b.size(), 1U);
    EXPECT_EQ(b[0].count, 100000U);
    const double v = s.quantile(0.0);
    EXPECT_LE(std::fabs(v - value), std::max(1e-3 * std::fabs(value), 1e-5) + 1e-12 * std::fabs(value));
    for (const double q : kQs) EXPECT_EQ(s.quantile(q), v);
    EXPECT_EQ(s.quantile(1.0), v);
    EXPECT_EQ(s.cdf(v), 1.0);
    EXPECT_EQ(s.cdf(std::nextafter(v, -1e300)), 0.0);
    EXPECT_LE(s.memory_bytes(), sizeof(QuantileSketch) + 64 * sizeof(std::uint64_t));
  }
}

// ---------------------------------------------------------------------------------------------------
// cdf and buckets

TEST(QuantileSketch, CdfIsMonotoneAndBracketsEmpiricalCdf) {
  const std::vector<double> raw = lognormal_data(14, std::log(1000.0), 0.2, kN);
  const QuantileSketch s = build(raw);
  std::vector<double> data = raw;
  std::sort(data.begin(), data.end());
  const double alpha = s.accuracy().relative;
  const auto ecdf = [&](double x) {  // fraction of observations <= x
    return static_cast<double>(std::upper_bound(data.begin(), data.end(), x) - data.begin()) /
           static_cast<double>(data.size());
  };
  const double lo = data.front();
  const double hi = data.back();
  double prev = 0.0;
  for (int i = 0; i <= 2000; ++i) {
    const double x = lo * 0.9 + (hi * 1.1 - lo * 0.9) * i / 2000.0;
    const double c = s.cdf(x);
    EXPECT_GE(c, prev) << x;
    EXPECT_LE(c, 1.0);
    prev = c;
    // rep <= x implies value <= x / (1 - alpha); rep > x implies value > x / (1 + alpha).
    EXPECT_GE(c, ecdf(x / (1.0 + alpha) * (1.0 - 1e-12))) << x;
    EXPECT_LE(c, ecdf(x / (1.0 - alpha) * (1.0 + 1e-12))) << x;
  }
  EXPECT_EQ(s.cdf(s.quantile(1.0)), 1.0);
  EXPECT_EQ(s.cdf(hi * (1.0 + alpha) * (1.0 + 1e-12)), 1.0);
  EXPECT_EQ(s.cdf(lo * (1.0 - alpha) * (1.0 - 1e-12)), 0.0);
  EXPECT_LT(s.cdf(std::nextafter(s.quantile(1.0), 0.0)), 1.0);
}

TEST(QuantileSketch, CdfWithNegativesAndZeros) {
  const double zt = 1e-5;
  const std::vector<double> data = mixed_data(15, kN, zt);
  const QuantileSketch s = build(data);
  // Everything below zero_threshold (negative store + zero bucket) has representative <= 0; every
  // positive-store value has representative > 0.
  const auto below_zt = std::count_if(data.begin(), data.end(), [&](double x) { return x < zt; });
  EXPECT_EQ(s.cdf(0.0), static_cast<double>(below_zt) / static_cast<double>(data.size()));
  const auto negative = std::count_if(data.begin(), data.end(), [&](double x) { return x <= -zt; });
  EXPECT_EQ(s.cdf(-std::numeric_limits<double>::denorm_min()),
            static_cast<double>(negative) / static_cast<double>(data.size()));
  EXPECT_EQ(s.cdf(-1e10), 0.0);
  EXPECT_EQ(s.cdf(1e10), 1.0);
  double prev = 0.0;
  for (int i = -3000; i <= 3000; ++i) {
    const double c = s.cdf(i / 1000.0);
    EXPECT_GE(c, prev);
    prev = c;
  }
}

TEST(QuantileSketch, BucketsAreOrderedDisjointAndSumToCount) {
  const double zt = 1e-5;
  const std::vector<double> data = mixed_data(16, kN, zt);
  const QuantileSketch s = build(data);
  const std::vector<SketchBucket> b = s.buckets();
  ASSERT_FALSE(b.empty());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    EXPECT_GT(b[i].count, 0U);
    total += b[i].count;
    EXPECT_LT(b[i].lower, b[i].representative) << i;
    EXPECT_LT(b[i].representative, b[i].upper) << i;
    if (std::fabs(b[i].representative) >= zt / 1e-3) {
      // Log regime: the representative is within alpha of both bounds, and the bounds' ratio <= gamma.
      const double inner = std::min(std::fabs(b[i].lower), std::fabs(b[i].upper));
      const double outer = std::max(std::fabs(b[i].lower), std::fabs(b[i].upper));
      const double rep = std::fabs(b[i].representative);
      EXPECT_LE(outer / inner, (1 + 1e-3) / (1 - 1e-3) * (1 + 1e-12)) << i;
      EXPECT_LE((outer - rep) / outer, 1e-3 * (1 + 1e-9)) << i;
      EXPECT_LE((rep - inner) / inner, 1e-3 * (1 + 1e-9)) << i;
    } else if (b[i].representative != 0.0) {
      // Linear regime (|x| < zero_threshold / alpha): width 2 zero_threshold, representative at the midpoint.
      EXPECT_NEAR(b[i].upper - b[i].lower, 2 * zt, 1e-12 * zt) << i;
      EXPECT_NEAR(b[i].representative, (b[i].lower + b[i].upper) / 2, 1e-12 * zt) << i;
    }
    if (i > 0) {
      EXPECT_LT(b[i - 1].representative, b[i].representative) << i;
      EXPECT_LE(b[i - 1].upper, b[i].lower + 1e-12 * std::fabs(b[i].lower)) << i;
    }
  }
  EXPECT_EQ(total, s.count());
  EXPECT_EQ(total, data.size());
  // Each bucket's count matches the data inside its bounds, away from rounding at the bucket edges.
  std::size_t checked = 0;
  for (std::size_t i = 0; i < b.size(); i += 97) {
    const SketchBucket& bk = b[i];
    const auto inside = std::count_if(data.begin(), data.end(), [&](double x) {
      return bk.representative == 0.0 ? (x > bk.lower && x < bk.upper)
                                      : (bk.representative > 0 ? (x > bk.lower && x <= bk.upper)
                                                               : (x >= bk.lower && x < bk.upper));
    });
    EXPECT_EQ(static_cast<std::uint64_t>(inside), bk.count) << i;
    ++checked;
  }
  EXPECT_GT(checked, 10U);
}

// ---------------------------------------------------------------------------------------------------
// Memory

TEST(QuantileSketch, MemoryBoundedOnBoundedSupport) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> dist(1.0, 1000.0);
  QuantileSketch s;
  for (std::size_t i = 0; i < kN; ++i) s.add(dist(rng));
  const std::size_t before = s.memory_bytes();
  for (std::size_t i = 0; i < 9 * kN; ++i) s.add(dist(rng));  // 10x the observations in total
  EXPECT_EQ(s.count(), 10 * kN);
  EXPECT_EQ(s.memory_bytes(), before);
  // log2(1000) octaves x ceil(1 / (gamma - 1)) = 9.97 x 500 = 4983 buckets of 4 bytes, plus growth slack.
  EXPECT_LT(before, 4983 * 4 * 3 / 2 + sizeof(QuantileSketch));
  EXPECT_GT(before, 4983 * 4);
}

TEST(QuantileSketch, MemoryBoundedOnLognormal) {
  std::mt19937_64 rng(18);
  std::lognormal_distribution<double> dist(std::log(1000.0), 0.2);
  QuantileSketch s;
  for (std::size_t i = 0; i < kN; ++i) s.add(dist(rng));
  const std::size_t before = s.memory_bytes();
  for (std::size_t i = 0; i < 9 * kN; ++i) s.add(dist(rng));
  // The unbounded tails widen slightly with n (about 4.4 -> 5.0 sd), so a few buckets may be added, but
  // memory is nowhere near proportional to n: ~1150 buckets of 4 bytes (1.44x exact-log buckets, see
  // quantile_sketch.hpp) plus growth slack.
  EXPECT_LE(s.memory_bytes(), before * 3 / 2);
  EXPECT_LT(before, std::size_t{18} * 1024);
  EXPECT_LT(s.memory_bytes(), std::size_t{24} * 1024);
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(QuantileSketch, MergeBeyondTheCountLimitThrows) {
  // Counts are 32-bit: a sketch holds at most 2^32 - 1 observations (every run has fewer paths).
  QuantileSketch big;
  big.add(1.0);
  QuantileSketch doubled = big;
  for (int i = 0; i < 32; ++i) {
    try {
      doubled.merge(doubled);
    } catch (const std::overflow_error&) {
      EXPECT_EQ(i, 31);  // 2^31 + 2^31 = 2^32 > 2^32 - 1
      EXPECT_EQ(doubled.count(), std::uint64_t{1} << 31);  // unchanged by the refused merge
      return;
    }
  }
  FAIL() << "no overflow after 2^32 observations";
}

}  // namespace
}  // namespace districtcast
