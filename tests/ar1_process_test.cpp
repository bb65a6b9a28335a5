/// \file Unit tests for models/ar1_process: exact deterministic paths, exact paths for given innovations,
/// and the closed-form mean and variance of x_t checked by Monte Carlo.
#include "tests/test_support.hpp"
#include "models/ar1_process.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace districtcast::models {
namespace {

using Moments = districtcast::testing::SampleMoments;

Ar1Spec make_spec(double mean, double volatility, double persistence, std::optional<double> initial) {
  Ar1Spec spec;
  spec.mean = mean;
  spec.volatility = volatility;
  spec.persistence = persistence;
  spec.initial = initial;
  return spec;
}

TEST(Ar1Process, InitialDefaultsToMean) {
  EXPECT_EQ(Ar1Process(make_spec(0.03, 0.01, 0.5, std::nullopt)).initial(), 0.03);
  EXPECT_EQ(Ar1Process(make_spec(0.03, 0.01, 0.5, 0.07)).initial(), 0.07);
  const Ar1Process p(make_spec(0.03, 0.01, 0.5, 0.07));
  EXPECT_EQ(p.spec().persistence, 0.5);
  EXPECT_EQ(p.spec().volatility, 0.01);
}

TEST(Ar1Process, DeterministicDecayIsExact) {
  // Dyadic values make every operation exact: x_t = m + phi^t (x0 - m) = 0.5 + (+-0.5)^t bit for bit.
  // The innovations are non-zero on purpose: with volatility 0 they must have no effect.
  constexpr std::size_t kH = 40;
  const std::vector<double> eta(kH, 1.75);
  for (const double phi : {0.5, -0.5}) {
    const Ar1Process p(make_spec(0.5, 0.0, phi, 1.5));
    std::vector<double> x(kH);
    p.simulate(eta, x);
    for (std::size_t t = 1; t <= kH; ++t) {
      EXPECT_EQ(x[t - 1], 0.5 + std::pow(phi, static_cast<double>(t))) << "phi " << phi << " t " << t;
    }
  }
}

TEST(Ar1Process, DeterministicDecayGeneralValues) {
  // Non-dyadic values: the recursion and the closed form agree to rounding (relative 1e-13).
  constexpr std::size_t kH = 30;
  const double m = 0.031;
  const double phi = 0.73;
  const double x0 = 0.094;
  const Ar1Process p(make_spec(m, 0.0, phi, x0));
  const std::vector<double> eta(kH, -0.3);
  std::vector<double> x(kH);
  p.simulate(eta, x);
  for (std::size_t t = 1; t <= kH; ++t) {
    const double expected = m + std::pow(phi, static_cast<double>(t)) * (x0 - m);
    EXPECT_NEAR(x[t - 1], expected, 1e-13 * std::fabs(expected)) << "t " << t;
  }
}

TEST(Ar1Process, NoInitialStaysAtMeanWithoutNoise) {
  const Ar1Process p(make_spec(0.042, 0.0, 0.9, std::nullopt));
  const std::vector<double> eta(10, 2.0);
  std::vector<double> x(10);
  p.simulate(eta, x);
  for (const double v : x) EXPECT_EQ(v, 0.042);
}

TEST(Ar1Process, ExactPathForGivenInnovations) {
  // m = 0.25, phi = 0.5, s = 0.5, x0 = 1: x1 = 0.25 + 0.5 * 0.75 + 0.5 * 1 = 1.125,
  // x2 = 0.25 + 0.5 * 0.875 - 0.5 = 0.1875, x3 = 0.25 + 0.5 * (-0.0625) + 0.5 * 2 = 1.21875 (all exact).
  const Ar1Process p(make_spec(0.25, 0.5, 0.5, 1.0));
  const std::array<double, 3> eta{1.0, -1.0, 2.0};
  std::array<double, 3> x{};
  p.simulate(eta, x);
  EXPECT_EQ(x[0], 1.125);
  EXPECT_EQ(x[1], 0.1875);
  EXPECT_EQ(x[2], 1.21875);
}

TEST(Ar1Process, EmptyHorizonWritesNothing) {
  const Ar1Process p(make_spec(0.25, 0.5, 0.5, 1.0));
  p.simulate(std::span<const double>(), std::span<double>());  // must not touch memory
  SUCCEED();
}

TEST(Ar1Process, MeanAndVarianceMatchClosedForm) {
  // E[x_t] = m + phi^t (x0 - m), Var[x_t] = s^2 (1 - phi^{2t}) / (1 - phi^2). Innovations are standard normal
  // draws from one Philox stream per (path, year), as the engine draws them. Tolerances: 4 SE with
  // SE(mean) = sqrt(sample var / n) and SE(variance) = sqrt((m4 - m2^2) / n) from the sample fourth moment
  // (for normal x_t this is ~ sqrt(2 sigma^4 / n), the chi-square relation; checked as well).
  constexpr std::size_t kPaths = 200000;
  constexpr std::size_t kH = 20;
  const double m = 0.02;
  const double s = 0.01;
  const double phi = 0.8;
  const double x0 = 0.06;
  const Ar1Process process(make_spec(m, s, phi, x0));
  const std::array<std::size_t, 3> years{1, 5, 20};
  std::array<std::vector<double>, 3> at;
  for (auto& v : at) v.reserve(kPaths);
  std::vector<double> eta(kH);
  std::vector<double> x(kH);
  const ShockSpec normal;
  for (std::size_t p = 0; p < kPaths; ++p) {
    for (std::size_t t = 0; t < kH; ++t) {
      eta[t] = draw_shock(normal, 31337, static_cast<std::uint32_t>(p), kNationalScope, Variable::national_growth,
                          static_cast<std::uint32_t>(t + 1));
    }
    process.simulate(eta, x);
    for (std::size_t i = 0; i < years.size(); ++i) at[i].push_back(x[years[i] - 1]);
  }
  for (std::size_t i = 0; i < years.size(); ++i) {
    const auto t = static_cast<double>(years[i]);
    const double mean = m + std::pow(phi, t) * (x0 - m);
    const double var = s * s * (1.0 - std::pow(phi, 2.0 * t)) / (1.0 - phi * phi);
    const Moments mo(at[i]);
    EXPECT_NEAR(mo.mean, mean, 4.0 * mo.mean_se()) << "t " << t;
    EXPECT_NEAR(mo.variance(), var, 4.0 * mo.variance_se()) << "t " << t;
    EXPECT_NEAR(mo.variance(), var, 4.0 * std::sqrt(2.0 * var * var / (mo.n - 1.0))) << "t " << t;
  }
}

}  // namespace
}  // namespace districtcast::models
