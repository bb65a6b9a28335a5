/// \file Unit tests for models/count_sampling: Poisson and binomial edge cases (exact, without consuming
/// draws) and Monte Carlo checks of mean and variance.
#include "tests/test_support.hpp"
#include "models/count_sampling.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace districtcast::models {
namespace {

constexpr std::size_t kSamples = 200000;

using Moments = districtcast::testing::SampleMoments;

/// A fresh stream for sample `path` of a test identified by `tag` (used as the scope).
RandomStream stream_for(std::uint64_t path, std::uint32_t tag) {
  return PathStreams(5150, path).stream(tag, Variable::firm_births, 1);
}

/// True if `s` has not been advanced: its next word equals the first word of a fresh stream with the same id.
bool untouched(RandomStream& s, std::uint64_t path, std::uint32_t tag) {
  RandomStream fresh = stream_for(path, tag);
  return s() == fresh();
}

/// kSamples Poisson(mean) draws, one stream per path.
std::vector<double> poisson_sample(double mean, std::uint32_t tag) {
  std::vector<double> x(kSamples);
  for (std::size_t p = 0; p < kSamples; ++p) {
    RandomStream s = stream_for(p, tag);
    x[p] = static_cast<double>(draw_poisson(mean, s));
  }
  return x;
}

/// kSamples Binomial(n, prob) draws, one stream per path; fails the test on a draw above n.
std::vector<double> binomial_sample(std::uint64_t n, double prob, std::uint32_t tag) {
  std::vector<double> x(kSamples);
  for (std::size_t p = 0; p < kSamples; ++p) {
    RandomStream s = stream_for(p, tag);
    const std::uint64_t k = draw_binomial(n, prob, s);
    EXPECT_LE(k, n);
    x[p] = static_cast<double>(k);
  }
  return x;
}

TEST(DrawPoisson, NonPositiveMeanGivesZeroWithoutDrawing) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double mean : {0.0, -0.0, -1.0, -1e300, -std::numeric_limits<double>::infinity(), nan}) {
    RandomStream s = stream_for(0, 1);
    EXPECT_EQ(draw_poisson(mean, s), 0u) << mean;
    EXPECT_TRUE(untouched(s, 0, 1)) << "mean " << mean << " consumed a draw";
  }
}

TEST(DrawPoisson, IsPureFunctionOfStreamState) {
  for (const double mean : {0.5, 20.0, 5000.0}) {
    RandomStream a = stream_for(3, 2);
    RandomStream b = stream_for(3, 2);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(draw_poisson(mean, a), draw_poisson(mean, b)) << mean;
  }
}

TEST(DrawPoisson, MeanAndVarianceEqualTheMean) {
  // E = Var = mean. SE(mean) = sqrt(sample var / n); SE(var) = sqrt((m4 - m2^2) / n) from the sample fourth
  // moment (exact Poisson mu4 = lambda + 3 lambda^2).
  std::uint32_t tag = 10;
  for (const double lambda : {0.5, 20.0, 5000.0}) {
    const Moments m(poisson_sample(lambda, ++tag));
    EXPECT_NEAR(m.mean, lambda, 4.0 * m.mean_se()) << "lambda " << lambda;
    EXPECT_NEAR(m.variance(), lambda, 4.0 * m.variance_se()) << "lambda " << lambda;
  }
}

TEST(DrawPoisson, ProbabilityOfZero) {
  // P(X = 0) = exp(-lambda); a fraction of n draws has SE sqrt(p (1 - p) / n).
  const double lambda = 0.5;
  const std::vector<double> x = poisson_sample(lambda, 20);
  double zeros = 0.0;
  for (const double v : x) zeros += v == 0.0 ? 1.0 : 0.0;
  const double p = std::exp(-lambda);
  const double n = static_cast<double>(x.size());
  EXPECT_NEAR(zeros / n, p, 4.0 * std::sqrt(p * (1.0 - p) / n));
}

TEST(DrawBinomial, EdgeCasesAreExactWithoutDrawing) {
  struct Case {
    std::uint64_t n;
    double p;
    std::uint64_t expected;
  };
  for (const Case& c : {Case{0, 0.5, 0}, Case{0, 1.0, 0}, Case{0, 0.0, 0}, Case{1000, 0.0, 0}, Case{1000, -0.0, 0},
                        Case{1000, 1.0, 1000}, Case{1, 1.0, 1}, Case{std::uint64_t{1} << 40, 1.0, std::uint64_t{1} << 40},
                        Case{std::uint64_t{1} << 40, 0.0, 0}}) {
    RandomStream s = stream_for(0, 3);
    EXPECT_EQ(draw_binomial(c.n, c.p, s), c.expected) << "n " << c.n << " p " << c.p;
    EXPECT_TRUE(untouched(s, 0, 3)) << "n " << c.n << " p " << c.p << " consumed a draw";
  }
}

TEST(DrawBinomial, IsPureFunctionOfStreamState) {
  RandomStream a = stream_for(4, 4);
  RandomStream b = stream_for(4, 4);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(draw_binomial(463400, 0.062, a), draw_binomial(463400, 0.062, b));
}

TEST(DrawBinomial, MeanAndVariance) {
  // E = n p, Var = n p (1 - p); tolerances as for Poisson (4 SE, SE of the variance from the sample m4).
  // (50, 0.9) exercises the p > 1/2 branch of the sampler.
  struct Case {
    std::uint64_t n;
    double p;
  };
  std::uint32_t tag = 30;
  for (const Case& c : {Case{1000, 0.063}, Case{463400, 0.062}, Case{50, 0.9}, Case{7, 0.3}}) {
    const Moments m(binomial_sample(c.n, c.p, ++tag));
    const double n = static_cast<double>(c.n);
    EXPECT_NEAR(m.mean, n * c.p, 4.0 * m.mean_se()) << "n " << c.n << " p " << c.p;
    EXPECT_NEAR(m.variance(), n * c.p * (1.0 - c.p), 4.0 * m.variance_se()) << "n " << c.n << " p " << c.p;
  }
}

}  // namespace
}  // namespace districtcast::models
