/// \file Unit tests for models/shocks: unit-variance normal and Student-t innovations (moments, tails against
/// the exact distributions, fatter tails of t), determinism, names.
#include "tests/test_support.hpp"
#include "models/shocks.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace districtcast::models {
namespace {

constexpr std::size_t kSamples = 500000;

using Moments = districtcast::testing::SampleMoments;

/// kSamples draws of `spec`, one independent stream per path index (path = sample index), all under
/// `scope` so that different tests use disjoint streams.
std::vector<double> draws(const ShockSpec& spec, std::uint32_t scope, std::uint64_t seed = 4711) {
  std::vector<double> x(kSamples);
  draw_shocks(spec, seed, 0, scope, Variable::district_shock, 1, x);
  return x;
}

/// Fraction of |x| > c.
double tail_fraction(const std::vector<double>& x, double c) {
  const auto k = std::count_if(x.begin(), x.end(), [c](double v) { return std::fabs(v) > c; });
  return static_cast<double>(k) / static_cast<double>(x.size());
}

/// Exact P(|X| > c) of the unit-variance innovation: X = Z, or X = T_dof * sqrt((dof - 2) / dof).
double exact_tail(const ShockSpec& spec, double c) {
  if (spec.kind == ShockKind::normal) return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), c));
  const double t = c * std::sqrt(spec.dof / (spec.dof - 2.0));
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(spec.dof), t));
}

/// Standard error of a fraction estimated from n Bernoulli(p) draws: sqrt(p (1 - p) / n).
double fraction_se(double p, double n) { return std::sqrt(p * (1.0 - p) / n); }

ShockSpec student(double dof) { return {ShockKind::student_t, dof}; }

TEST(Shocks, ToString) {
  EXPECT_EQ(to_string(ShockKind::normal), "normal");
  EXPECT_EQ(to_string(ShockKind::student_t), "student_t");
}

TEST(Shocks, DefaultSpecIsNormal) {
  const ShockSpec spec;
  EXPECT_EQ(spec.kind, ShockKind::normal);
  EXPECT_GT(spec.dof, 2.0);
}

TEST(Shocks, DrawIsPureFunctionOfPathNotOfBatch) {
  // A path's innovation is the same whether drawn alone or at any position of any batch.
  for (const ShockSpec& spec : {ShockSpec{}, student(3.0), student(30.0)}) {
    std::vector<double> batch(300);
    draw_shocks(spec, 1, 1000, kNationalScope, Variable::national_growth, 2, batch);
    std::vector<double> shifted(77);
    draw_shocks(spec, 1, 1100, kNationalScope, Variable::national_growth, 2, shifted);
    for (std::uint32_t i = 0; i < batch.size(); ++i) {
      ASSERT_EQ(batch[i], draw_shock(spec, 1, 1000 + i, kNationalScope, Variable::national_growth, 2)) << i;
    }
    for (std::size_t i = 0; i < shifted.size(); ++i) ASSERT_EQ(shifted[i], batch[100 + i]) << i;
    EXPECT_NE(draw_shock(spec, 1, 5, kNationalScope, Variable::national_growth, 2),
              draw_shock(spec, 1, 6, kNationalScope, Variable::national_growth, 2));
    EXPECT_NE(draw_shock(spec, 1, 5, kNationalScope, Variable::national_growth, 2),
              draw_shock(spec, 1, 5, kNationalScope, Variable::national_growth, 3));
  }
}

TEST(Shocks, NormalHasMeanZeroVarianceOne) {
  const std::vector<double> x = draws(ShockSpec{}, 1);
  const Moments m(x);
  EXPECT_NEAR(m.mean, 0.0, 4.0 * m.mean_se());
  EXPECT_NEAR(m.variance(), 1.0, 4.0 * m.variance_se());
  EXPECT_NEAR(m.m4 / (m.m2 * m.m2), 3.0, 0.05);  // kurtosis of a normal; SE ~ sqrt(96 / n) ~ 0.014
}

TEST(Shocks, StudentTHasMeanZero) {
  // The mean's SE is sqrt(Var / n) = sqrt(1 / n) for every dof > 2 (the variance is 1 by construction).
  for (const double dof : {3.0, 5.0, 30.0}) {
    const std::vector<double> x = draws(student(dof), 10 + static_cast<std::uint32_t>(dof));
    const Moments m(x);
    EXPECT_NEAR(m.mean, 0.0, 4.0 * std::sqrt(1.0 / m.n)) << "dof " << dof;
  }
}

TEST(Shocks, StudentTHasVarianceOne) {
  // Only dof > 4 has a finite fourth moment (kurtosis 3 + 6 / (dof - 4)), so the sample variance has SE
  // sqrt((mu4 - 1) / n). The sample fourth moment of a heavy-tailed t underestimates mu4 more often than
  // not, so the larger of the sample and the exact mu4 is used. dof 3 is covered by the exact tail test.
  for (const double dof : {5.0, 30.0}) {
    const std::vector<double> x = draws(student(dof), 20 + static_cast<std::uint32_t>(dof));
    const Moments m(x);
    const double mu4 = std::max(m.m4, 3.0 + 6.0 / (dof - 4.0));
    const double se = std::sqrt((mu4 - 1.0) / m.n);
    EXPECT_NEAR(m.variance(), 1.0, 4.0 * se) << "dof " << dof;
    // Without the sqrt((dof - 2) / dof) scaling the variance would be dof / (dof - 2), i.e. 5/3 or 15/14.
    EXPECT_GT(std::fabs(dof / (dof - 2.0) - 1.0), 4.0 * se) << "test could not detect a missing scale";
  }
}

TEST(Shocks, TailProbabilitiesMatchExactDistribution) {
  // P(|X| > c) estimated by a fraction of n draws: SE sqrt(p (1 - p) / n) with the exact p.
  // Thresholds 1 and 3 test the body and the tail; for dof 3 this also pins the unit-variance scaling.
  for (const ShockSpec& spec : {ShockSpec{}, student(3.0), student(5.0), student(30.0)}) {
    const std::uint32_t scope = (spec.kind == ShockKind::normal ? 100u : 200u) + static_cast<std::uint32_t>(spec.dof);
    const std::vector<double> x = draws(spec, scope, 99);
    for (const double c : {1.0, 3.0}) {
      const double p = exact_tail(spec, c);
      EXPECT_NEAR(tail_fraction(x, c), p, 4.0 * fraction_se(p, static_cast<double>(x.size())))
          << to_string(spec.kind) << " dof " << spec.dof << " c " << c;
    }
  }
}

TEST(Shocks, StudentTHasFatterTailsThanNormal) {
  // P(|x| > 3): normal 0.0027; unit-variance t(30) ~ 0.0041, t(5) ~ 0.0117, t(3) ~ 0.0139. The difference
  // of two independent fractions has SE sqrt(se_t^2 + se_normal^2); require it beyond 4 of those.
  const std::vector<double> normal = draws(ShockSpec{}, 60, 2024);
  const double p_normal = tail_fraction(normal, 3.0);
  const double n = static_cast<double>(kSamples);
  for (const double dof : {3.0, 5.0, 30.0}) {
    const std::vector<double> t = draws(student(dof), 60, 2025);
    const double p_t = tail_fraction(t, 3.0);
    const double se = std::hypot(fraction_se(p_t, n), fraction_se(p_normal, n));
    EXPECT_GT(p_t - p_normal, 4.0 * se) << "dof " << dof << " p_t " << p_t << " p_normal " << p_normal;
  }
}

}  // namespace
}  // namespace districtcast::models
