/// \file Unit tests for models/param_distribution: sample moments against the closed forms, support,
/// determinism, validation messages, descriptions and family names.
#include "tests/test_support.hpp"
#include "models/param_distribution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace districtcast::models {
namespace {

constexpr std::size_t kDraws = 200000;
constexpr std::uint32_t kScope = 123;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

using Moments = districtcast::testing::SampleMoments;

/// A distribution that must be valid (the test fails, and the call throws, otherwise).
ParamDistribution make(ParamFamily family, const std::vector<double>& args) {
  const ParamDistributionResult result = make_param_distribution(family, args);
  EXPECT_EQ(result.error, "");
  return result.distribution.value();
}

/// The error message for arguments that must be invalid.
std::string error_of(ParamFamily family, const std::vector<double>& args) {
  const ParamDistributionResult result = make_param_distribution(family, args);
  EXPECT_FALSE(result.distribution.has_value());
  return result.error;
}

/// The parameter stream of `path`.
RandomStream stream_of(std::uint64_t seed, std::uint64_t path) {
  return PathStreams(seed, path).stream(kScope, Variable::parameter, 0);
}

/// kDraws draws of `d`, one per path 0, 1, ... (each from its own stream).
std::vector<double> sample(const ParamDistribution& d, std::uint64_t seed) {
  std::vector<double> x(kDraws);
  for (std::size_t path = 0; path < x.size(); ++path) {
    RandomStream stream = stream_of(seed, path);
    x[path] = d.draw(stream);
  }
  return x;
}

/// Sample mean within 4 SE of mean(), unbiased sample variance within 4 SE of sd()^2 (SE from the sample
/// fourth central moment), every draw inside [support_low(), support_high()].
void expect_draws_match(const ParamDistribution& d, std::uint64_t seed) {
  SCOPED_TRACE(d.describe());
  const std::vector<double> x = sample(d, seed);
  const Moments m(x);
  const double sd = d.standard_deviation();
  EXPECT_NEAR(m.mean, d.mean(), 4.0 * m.mean_se());
  EXPECT_NEAR(m.variance(), sd * sd, 4.0 * m.variance_se());
  std::size_t outside = 0;
  for (const double v : x) outside += (v >= d.support_low() && v <= d.support_high()) ? 0 : 1;
  EXPECT_EQ(outside, 0u) << "support [" << d.support_low() << ", " << d.support_high() << "]";
}

TEST(ParamDistribution, NormalDrawsMatchClosedForms) {
  expect_draws_match(make(ParamFamily::normal, {0.05, 0.01}), 1);
  expect_draws_match(make(ParamFamily::normal, {-2.0, 3.0}), 2);
}

TEST(ParamDistribution, UniformDrawsMatchClosedForms) {
  expect_draws_match(make(ParamFamily::uniform, {0.02, 0.08}), 3);
}

TEST(ParamDistribution, TriangularDrawsMatchClosedForms) {
  expect_draws_match(make(ParamFamily::triangular, {0.01, 0.035, 0.06}), 4);  // symmetric
  expect_draws_match(make(ParamFamily::triangular, {0.01, 0.015, 0.06}), 5);  // skewed right
  expect_draws_match(make(ParamFamily::triangular, {0.0, 1.0, 1.0}), 6);      // mode at high
}

TEST(ParamDistribution, LognormalDrawsMatchClosedForms) {
  expect_draws_match(make(ParamFamily::lognormal, {-3.0, 0.5}), 7);
}

TEST(ParamDistribution, BetaDrawsMatchClosedForms) {
  expect_draws_match(make(ParamFamily::beta, {2.0, 5.0}), 8);
  expect_draws_match(make(ParamFamily::beta, {2.0, 5.0, 0.1, 0.4}), 9);  // scaled
  expect_draws_match(make(ParamFamily::beta, {0.5, 0.5, -1.0, 1.0}), 10); // U-shaped, alpha < 1
}

TEST(ParamDistribution, ClosedFormsMatchHandComputedValues) {
  const ParamDistribution normal = make(ParamFamily::normal, {0.05, 0.01});
  EXPECT_DOUBLE_EQ(normal.mean(), 0.05);
  EXPECT_DOUBLE_EQ(normal.standard_deviation(), 0.01);
  const ParamDistribution uniform = make(ParamFamily::uniform, {0.0, 1.0});
  EXPECT_DOUBLE_EQ(uniform.mean(), 0.5);
  EXPECT_DOUBLE_EQ(uniform.standard_deviation(), 1.0 / std::sqrt(12.0));
  const ParamDistribution triangular = make(ParamFamily::triangular, {0.0, 0.0, 3.0});
  EXPECT_DOUBLE_EQ(triangular.mean(), 1.0);
  EXPECT_DOUBLE_EQ(triangular.standard_deviation(), std::sqrt(0.5));  // (a^2 + b^2 + c^2 - ...) / 18 = 9 / 18
  const ParamDistribution lognormal = make(ParamFamily::lognormal, {0.0, 1.0});
  EXPECT_DOUBLE_EQ(lognormal.mean(), std::exp(0.5));
  EXPECT_DOUBLE_EQ(lognormal.standard_deviation(), std::sqrt((std::exp(1.0) - 1.0) * std::exp(1.0)));
  const double unit_sd = std::sqrt(10.0 / (49.0 * 8.0));  // alpha beta / ((alpha + beta)^2 (alpha + beta + 1))
  const ParamDistribution beta = make(ParamFamily::beta, {2.0, 5.0});
  EXPECT_DOUBLE_EQ(beta.mean(), 2.0 / 7.0);
  EXPECT_DOUBLE_EQ(beta.standard_deviation(), unit_sd);
  const ParamDistribution scaled = make(ParamFamily::beta, {2.0, 5.0, 0.1, 0.4});
  EXPECT_DOUBLE_EQ(scaled.mean(), 0.1 + 0.3 * 2.0 / 7.0);
  EXPECT_DOUBLE_EQ(scaled.standard_deviation(), 0.3 * unit_sd);
}

TEST(ParamDistribution, SupportBounds) {
  const ParamDistribution normal = make(ParamFamily::normal, {0.05, 0.01});
  EXPECT_EQ(normal.support_low(), -kInfinity);
  EXPECT_EQ(normal.support_high(), kInfinity);
  const ParamDistribution lognormal = make(ParamFamily::lognormal, {-3.0, 0.5});
  EXPECT_EQ(lognormal.support_low(), 0.0);
  EXPECT_EQ(lognormal.support_high(), kInfinity);
  const ParamDistribution uniform = make(ParamFamily::uniform, {0.02, 0.08});
  EXPECT_EQ(uniform.support_low(), 0.02);
  EXPECT_EQ(uniform.support_high(), 0.08);
  const ParamDistribution triangular = make(ParamFamily::triangular, {0.01, 0.03, 0.06});
  EXPECT_EQ(triangular.support_low(), 0.01);
  EXPECT_EQ(triangular.support_high(), 0.06);
  const ParamDistribution beta = make(ParamFamily::beta, {2.0, 5.0});
  EXPECT_EQ(beta.support_low(), 0.0);
  EXPECT_EQ(beta.support_high(), 1.0);
  const ParamDistribution scaled = make(ParamFamily::beta, {2.0, 5.0, 0.1, 0.4});
  EXPECT_EQ(scaled.support_low(), 0.1);
  EXPECT_EQ(scaled.support_high(), 0.4);
}

TEST(ParamDistribution, ZeroSdReturnsTheConstant) {
  const ParamDistribution normal = make(ParamFamily::normal, {0.05, 0.0});
  const ParamDistribution lognormal = make(ParamFamily::lognormal, {-3.0, 0.0});
  for (std::uint64_t path = 0; path < 100; ++path) {
    RandomStream stream = stream_of(11, path);
    ASSERT_EQ(normal.draw(stream), 0.05);
    ASSERT_EQ(lognormal.draw(stream), std::exp(-3.0));
  }
  EXPECT_EQ(normal.mean(), 0.05);
  EXPECT_EQ(normal.standard_deviation(), 0.0);
  EXPECT_EQ(normal.support_low(), 0.05);
  EXPECT_EQ(normal.support_high(), 0.05);
  EXPECT_EQ(lognormal.mean(), std::exp(-3.0));
  EXPECT_EQ(lognormal.standard_deviation(), 0.0);
  EXPECT_EQ(lognormal.support_low(), std::exp(-3.0));
  EXPECT_EQ(lognormal.support_high(), std::exp(-3.0));
}

TEST(ParamDistribution, SameStreamGivesSameDraw) {
  const std::vector<ParamDistribution> all = {
      make(ParamFamily::normal, {0.05, 0.01}),          make(ParamFamily::uniform, {0.02, 0.08}),
      make(ParamFamily::triangular, {0.01, 0.03, 0.06}), make(ParamFamily::lognormal, {-3.0, 0.5}),
      make(ParamFamily::beta, {2.0, 5.0, 0.1, 0.4})};
  for (const ParamDistribution& d : all) {
    RandomStream first = stream_of(42, 7);
    RandomStream second = stream_of(42, 7);
    RandomStream copy = first;
    const double x = d.draw(first);
    EXPECT_EQ(d.draw(second), x) << d.describe();
    EXPECT_EQ(d.draw(copy), x) << d.describe();
    RandomStream other_path = stream_of(42, 8);
    EXPECT_NE(d.draw(other_path), x) << d.describe();
  }
}

TEST(ParamDistribution, ArityErrors) {
  EXPECT_EQ(error_of(ParamFamily::normal, {}), "normal takes [mean, sd] (2 numbers), got 0");
  EXPECT_EQ(error_of(ParamFamily::normal, {0.05}), "normal takes [mean, sd] (2 numbers), got 1");
  EXPECT_EQ(error_of(ParamFamily::normal, {0.05, 0.01, 0.0}), "normal takes [mean, sd] (2 numbers), got 3");
  EXPECT_EQ(error_of(ParamFamily::uniform, {0.1}), "uniform takes [low, high] (2 numbers), got 1");
  EXPECT_EQ(error_of(ParamFamily::uniform, {0.1, 0.2, 0.3}), "uniform takes [low, high] (2 numbers), got 3");
  EXPECT_EQ(error_of(ParamFamily::triangular, {0.1, 0.2}),
            "triangular takes [low, mode, high] (3 numbers), got 2");
  EXPECT_EQ(error_of(ParamFamily::triangular, {0.1, 0.2, 0.3, 0.4}),
            "triangular takes [low, mode, high] (3 numbers), got 4");
  EXPECT_EQ(error_of(ParamFamily::lognormal, {-3.0}), "lognormal takes [m, s] (2 numbers), got 1");
  EXPECT_EQ(error_of(ParamFamily::lognormal, {-3.0, 0.5, 1.0}), "lognormal takes [m, s] (2 numbers), got 3");
  for (const std::size_t count : {0u, 1u, 3u, 5u}) {
    EXPECT_EQ(error_of(ParamFamily::beta, std::vector<double>(count, 1.0)),
              "beta takes [alpha, beta] or [alpha, beta, low, high] (2 or 4 numbers), got " + std::to_string(count));
  }
}

TEST(ParamDistribution, ConstraintErrors) {
  EXPECT_EQ(error_of(ParamFamily::normal, {0.05, -1.0}), "sd must be >= 0 (got -1)");
  EXPECT_EQ(error_of(ParamFamily::uniform, {0.2, 0.1}), "uniform needs low < high (got [0.2, 0.1])");
  EXPECT_EQ(error_of(ParamFamily::uniform, {0.1, 0.1}), "uniform needs low < high (got [0.1, 0.1])");
  EXPECT_EQ(error_of(ParamFamily::triangular, {0.3, 0.2, 0.1}), "triangular needs low < high (got [0.3, 0.2, 0.1])");
  EXPECT_EQ(error_of(ParamFamily::triangular, {0.1, 0.1, 0.1}), "triangular needs low < high (got [0.1, 0.1, 0.1])");
  EXPECT_EQ(error_of(ParamFamily::triangular, {0.1, 0.5, 0.3}),
            "triangular needs low <= mode <= high (got [0.1, 0.5, 0.3])");
  EXPECT_EQ(error_of(ParamFamily::triangular, {0.1, 0.05, 0.3}),
            "triangular needs low <= mode <= high (got [0.1, 0.05, 0.3])");
  EXPECT_EQ(error_of(ParamFamily::lognormal, {-3.0, -0.5}), "s must be >= 0 (got -0.5)");
  EXPECT_EQ(error_of(ParamFamily::beta, {0.0, 5.0}), "alpha must be >= 0.05 (got 0)");
  EXPECT_EQ(error_of(ParamFamily::beta, {-2.0, 5.0, 0.1, 0.4}), "alpha must be >= 0.05 (got -2)");
  EXPECT_EQ(error_of(ParamFamily::beta, {2.0, 0.0}), "beta must be >= 0.05 (got 0)");
  EXPECT_EQ(error_of(ParamFamily::beta, {2.0, -1.5, 0.1, 0.4}), "beta must be >= 0.05 (got -1.5)");
  EXPECT_EQ(error_of(ParamFamily::beta, {2.0, 5.0, 0.4, 0.1}), "beta needs low < high (got [0.4, 0.1])");
  EXPECT_EQ(error_of(ParamFamily::beta, {2.0, 5.0, 0.4, 0.4}), "beta needs low < high (got [0.4, 0.4])");
}

TEST(ParamDistribution, BoundaryArgumentsAreValid) {
  EXPECT_TRUE(make_param_distribution(ParamFamily::normal, {0.05, 0.0}).distribution.has_value());
  EXPECT_TRUE(make_param_distribution(ParamFamily::lognormal, {-3.0, 0.0}).distribution.has_value());
  EXPECT_TRUE(make_param_distribution(ParamFamily::triangular, {0.1, 0.1, 0.3}).distribution.has_value());
  EXPECT_TRUE(make_param_distribution(ParamFamily::triangular, {0.1, 0.3, 0.3}).distribution.has_value());
  EXPECT_TRUE(make_param_distribution(ParamFamily::uniform, {-0.1, 0.1}).distribution.has_value());
}

TEST(ParamDistribution, ArgumentsAreStoredAsWrittenAndBetaOnUnitInterval) {
  EXPECT_EQ(make(ParamFamily::triangular, {0.01, 0.03, 0.06}).args, (std::vector<double>{0.01, 0.03, 0.06}));
  const ParamDistribution beta = make(ParamFamily::beta, {2.0, 5.0});
  EXPECT_EQ(beta.family, ParamFamily::beta);
  EXPECT_EQ(beta.args, (std::vector<double>{2.0, 5.0, 0.0, 1.0}));
  EXPECT_EQ(make(ParamFamily::beta, {2.0, 5.0, 0.1, 0.4}).args, (std::vector<double>{2.0, 5.0, 0.1, 0.4}));
}

TEST(ParamDistribution, Describe) {
  EXPECT_EQ(make(ParamFamily::normal, {0.05, 0.01}).describe(), "normal(0.05, 0.01)");
  EXPECT_EQ(make(ParamFamily::uniform, {0.02, 0.08}).describe(), "uniform(0.02, 0.08)");
  EXPECT_EQ(make(ParamFamily::triangular, {0.01, 0.03, 0.06}).describe(), "triangular(0.01, 0.03, 0.06)");
  EXPECT_EQ(make(ParamFamily::lognormal, {-3.0, 0.5}).describe(), "lognormal(-3, 0.5)");
  EXPECT_EQ(make(ParamFamily::beta, {2.0, 5.0}).describe(), "beta(2, 5)");
  EXPECT_EQ(make(ParamFamily::beta, {2.0, 5.0, 0.0, 1.0}).describe(), "beta(2, 5)");
  EXPECT_EQ(make(ParamFamily::beta, {2.0, 5.0, 0.1, 0.4}).describe(), "beta(2, 5) on [0.1, 0.4]");
  EXPECT_EQ(make(ParamFamily::beta, {0.5, 1.5, 0.0, 2.0}).describe(), "beta(0.5, 1.5) on [0, 2]");
}

TEST(ParamDistribution, FamilyNames) {
  const std::vector<std::string> expected = {"normal", "uniform", "triangular", "lognormal", "beta"};
  EXPECT_EQ(param_family_names(), expected);
  for (const std::string& name : param_family_names()) {
    const std::optional<ParamFamily> family = param_family_from_string(name);
    ASSERT_TRUE(family.has_value()) << name;
    EXPECT_EQ(to_string(*family), name);
  }
  EXPECT_EQ(param_family_from_string("beta"), ParamFamily::beta);
  EXPECT_FALSE(param_family_from_string("Normal").has_value());
  EXPECT_FALSE(param_family_from_string("gamma").has_value());
  EXPECT_FALSE(param_family_from_string("").has_value());
}

TEST(ParamDistribution, SmallestBetaShapesNeverDrawNaN) {
  const ParamDistribution beta = make(ParamFamily::beta, {kMinBetaShape, kMinBetaShape});
  for (std::uint32_t path = 0; path < 200000; ++path) {
    RandomStream stream = PathStreams(77, path).stream(123, Variable::parameter, 0);
    const double x = beta.draw(stream);
    ASSERT_TRUE(x >= 0.0 && x <= 1.0) << "path " << path << ": " << x;
  }
}

}  // namespace
}  // namespace districtcast::models
