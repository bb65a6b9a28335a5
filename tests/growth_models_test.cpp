/// \file Unit tests for the district growth models (models/growth_model.hpp, growth_registry.cpp,
/// growth_lognormal.cpp, growth_ar1.cpp): registry contents, exact paths for given inputs, and the ar1
/// closed-form mean and variance checked by Monte Carlo.
#include "tests/test_support.hpp"
#include "models/growth_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace districtcast::models {
namespace {

using Moments = districtcast::testing::SampleMoments;

/// Builds the registered model `spec.model`; fails the test if it is not registered.
std::unique_ptr<const GrowthModel> build(const GrowthSpec& spec) {
  const GrowthModelEntry* entry = find_growth_model(spec.model);
  EXPECT_NE(entry, nullptr) << spec.model;
  if (entry == nullptr) return nullptr;
  return entry->make(spec);
}

/// Runs `model` on the given inputs and returns g_1..g_H.
std::vector<double> run(const GrowthModel& model, std::span<const double> eps, std::span<const double> dev,
                        double dev0) {
  std::vector<double> g(eps.size());
  model.simulate(GrowthInputs{eps, dev, dev0, {}, {}}, g);
  return g;
}

GrowthSpec spec_of(std::string model, double mean, double volatility, double beta) {
  GrowthSpec s;
  s.model = std::move(model);
  s.mean = mean;
  s.volatility = volatility;
  s.national_beta = beta;
  return s;
}

TEST(GrowthRegistry, ListsLognormalAr1AndRegimeSwitching) {
  const auto models = growth_models();
  ASSERT_EQ(models.size(), 3u);
  EXPECT_EQ(models[0].name, "lognormal");
  EXPECT_EQ(models[1].name, "ar1");
  EXPECT_EQ(models[2].name, "regime_switching");
  for (const auto& e : models) {
    EXPECT_FALSE(e.summary.empty()) << e.name;
    EXPECT_NE(e.make, nullptr) << e.name;
  }
}

TEST(GrowthRegistry, FindByName) {
  const GrowthModelEntry* lognormal = find_growth_model("lognormal");
  const GrowthModelEntry* ar1 = find_growth_model("ar1");
  ASSERT_NE(lognormal, nullptr);
  ASSERT_NE(ar1, nullptr);
  EXPECT_EQ(lognormal->name, "lognormal");
  EXPECT_EQ(ar1->name, "ar1");
  EXPECT_EQ(lognormal, &growth_models()[0]);  // points into the registry, stable
  EXPECT_EQ(find_growth_model("unknown"), nullptr);
  EXPECT_EQ(find_growth_model(""), nullptr);
  EXPECT_EQ(find_growth_model("AR1"), nullptr);  // names are case-sensitive
  EXPECT_EQ(find_growth_model("ar"), nullptr);
}

TEST(GrowthRegistry, ExtraKeys) {
  const GrowthModelEntry* ar1 = find_growth_model("ar1");
  ASSERT_NE(ar1, nullptr);
  const std::vector<std::string_view> expected{"persistence", "initial"};
  EXPECT_EQ(ar1->extra_keys, expected);
  EXPECT_TRUE(find_growth_model("lognormal")->extra_keys.empty());
}

TEST(GrowthModels, MeanIsMu) {
  for (const char* name : {"lognormal", "ar1"}) {
    const auto model = build(spec_of(name, 0.047, 0.02, 0.8));
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->mean(), 0.047) << name;
  }
}

TEST(LognormalGrowth, ExactForGivenInputs) {
  // g_t = mu + beta dev_t + sigma eps_t with dyadic numbers (every operation exact):
  // mu 0.25, beta 0.5, sigma 0.125 -> 0.25 + 0.125 + 0.125, 0.25 - 0.25 - 0.25, 0.25 + 0 + 0.0625, 0.25 + 0.5 + 0.
  // persistence, initial and national_deviation_0 must be ignored.
  GrowthSpec spec = spec_of("lognormal", 0.25, 0.125, 0.5);
  spec.persistence = 0.9;
  spec.initial = 5.0;
  const auto model = build(spec);
  ASSERT_NE(model, nullptr);
  const std::array<double, 4> eps{1.0, -2.0, 0.5, 0.0};
  const std::array<double, 4> dev{0.25, -0.5, 0.0, 1.0};
  const std::vector<double> expected{0.5, -0.25, 0.3125, 0.75};
  EXPECT_EQ(run(*model, eps, dev, 3.0), expected);
  EXPECT_EQ(run(*model, eps, dev, 0.0), expected);
}

TEST(LognormalGrowth, MatchesFormulaForGeneralValues) {
  const double mu = 0.061;
  const double beta = 1.3;
  const double sigma = 0.027;
  const auto model = build(spec_of("lognormal", mu, sigma, beta));
  ASSERT_NE(model, nullptr);
  const std::array<double, 5> eps{0.31, -1.7, 2.2, -0.05, 0.9};
  const std::array<double, 5> dev{-0.012, 0.004, 0.0, 0.021, -0.033};
  const std::vector<double> g = run(*model, eps, dev, 0.01);
  for (std::size_t t = 0; t < eps.size(); ++t) EXPECT_NEAR(g[t], mu + beta * dev[t] + sigma * eps[t], 1e-15) << t;
}

TEST(Ar1Growth, ExactForGivenInputs) {
  // mu 0.25, beta 0.5, sigma 0.5, phi 0.5, initial 1, dev0 0.5: u_0 = 1 - 0.25 - 0.5 * 0.5 = 0.5;
  // u_1 = 0.25 + 0.5 = 0.75,     g_1 = 0.25 + 0.125 + 0.75    = 1.125
  // u_2 = 0.375 - 1 = -0.625,    g_2 = 0.25 - 0.25 - 0.625    = -0.625
  // u_3 = -0.3125 + 0.25,        g_3 = 0.25 + 0 - 0.0625      = 0.1875   (all dyadic, exact)
  GrowthSpec spec = spec_of("ar1", 0.25, 0.5, 0.5);
  spec.persistence = 0.5;
  spec.initial = 1.0;
  const auto model = build(spec);
  ASSERT_NE(model, nullptr);
  const std::array<double, 3> eps{1.0, -2.0, 0.5};
  const std::array<double, 3> dev{0.25, -0.5, 0.0};
  EXPECT_EQ(run(*model, eps, dev, 0.5), (std::vector<double>{1.125, -0.625, 0.1875}));
  // dev0 = 0 changes u_0 to 0.75: u = 0.875, -0.5625, -0.03125.
  EXPECT_EQ(run(*model, eps, dev, 0.0), (std::vector<double>{1.25, -0.5625, 0.21875}));
}

TEST(Ar1Growth, WithoutInitialStartsAtZeroDeviation) {
  // initial absent means g_0 = mu + beta dev0, i.e. u_0 = 0 whatever dev0 is:
  // u = 0.5, -0.75, -0.125 -> g = 0.875, -0.75, 0.125; identical to initial = mu + beta dev0 given explicitly.
  GrowthSpec spec = spec_of("ar1", 0.25, 0.5, 0.5);
  spec.persistence = 0.5;
  const auto model = build(spec);
  ASSERT_NE(model, nullptr);
  const std::array<double, 3> eps{1.0, -2.0, 0.5};
  const std::array<double, 3> dev{0.25, -0.5, 0.0};
  const std::vector<double> expected{0.875, -0.75, 0.125};
  EXPECT_EQ(run(*model, eps, dev, 0.5), expected);
  EXPECT_EQ(run(*model, eps, dev, -3.0), expected);
  spec.initial = 0.25 + 0.5 * 0.5;
  EXPECT_EQ(run(*build(spec), eps, dev, 0.5), expected);
}

TEST(Ar1Growth, DeterministicDecayToMean) {
  // sigma 0, no national deviation: g_t = mu + phi^t (initial - mu), exact for dyadic values.
  GrowthSpec spec = spec_of("ar1", 0.125, 0.0, 1.0);
  spec.persistence = -0.5;
  spec.initial = 1.125;
  const auto model = build(spec);
  ASSERT_NE(model, nullptr);
  const std::vector<double> eps(30, 1.0);  // ignored: volatility 0
  const std::vector<double> dev(30, 0.0);
  const std::vector<double> g = run(*model, eps, dev, 0.0);
  for (std::size_t t = 1; t <= g.size(); ++t) {
    EXPECT_EQ(g[t - 1], 0.125 + std::pow(-0.5, static_cast<double>(t))) << "t " << t;
  }
}

TEST(Ar1Growth, ZeroPersistenceEqualsLognormal) {
  GrowthSpec spec = spec_of("ar1", 0.061, 0.027, 1.3);
  spec.persistence = 0.0;
  spec.initial = 0.4;  // irrelevant when phi = 0
  GrowthSpec ln = spec;
  ln.model = "lognormal";
  const std::array<double, 4> eps{0.31, -1.7, 2.2, -0.05};
  const std::array<double, 4> dev{-0.012, 0.004, 0.0, 0.021};
  EXPECT_EQ(run(*build(spec), eps, dev, 0.02), run(*build(ln), eps, dev, 0.02));
}

TEST(Ar1Growth, MeanAndVarianceMatchClosedForm) {
  // E[g_t] = mu + phi^t (initial - mu), Var[g_t] = sigma^2 (1 - phi^{2t}) / (1 - phi^2) (no national factor).
  // Innovations: standard normal from one Philox stream per (path, year) as the engine draws them.
  // Tolerance 4 SE: SE(mean) = sqrt(sample var / n), SE(variance) = sqrt((m4 - m2^2) / n).
  constexpr std::size_t kPaths = 200000;
  constexpr std::size_t kH = 20;
  const double mu = 0.05;
  const double sigma = 0.02;
  const double phi = 0.6;
  const double initial = 0.11;
  GrowthSpec spec = spec_of("ar1", mu, sigma, 1.0);
  spec.persistence = phi;
  spec.initial = initial;
  const auto model = build(spec);
  ASSERT_NE(model, nullptr);
  const std::uint32_t scope = district_scope("nanshan");
  const std::array<std::size_t, 3> years{1, 5, 20};
  std::array<std::vector<double>, 3> at;
  for (auto& v : at) v.reserve(kPaths);
  std::vector<double> eps(kH);
  const std::vector<double> dev(kH, 0.0);
  std::vector<double> g(kH);
  for (std::size_t p = 0; p < kPaths; ++p) {
    for (std::size_t t = 0; t < kH; ++t) {
      eps[t] = draw_shock(spec.shocks, 8675309, static_cast<std::uint32_t>(p), scope, Variable::district_shock,
                          static_cast<std::uint32_t>(t + 1));
    }
    model->simulate(GrowthInputs{eps, dev, 0.0, {}, {}}, g);
    for (std::size_t i = 0; i < years.size(); ++i) at[i].push_back(g[years[i] - 1]);
  }
  for (std::size_t i = 0; i < years.size(); ++i) {
    const auto t = static_cast<double>(years[i]);
    const double mean = mu + std::pow(phi, t) * (initial - mu);
    const double var = sigma * sigma * (1.0 - std::pow(phi, 2.0 * t)) / (1.0 - phi * phi);
    const Moments m(at[i]);
    EXPECT_NEAR(m.mean, mean, 4.0 * m.mean_se()) << "t " << t;
    EXPECT_NEAR(m.variance(), var, 4.0 * m.variance_se()) << "t " << t;
  }
}

}  // namespace
}  // namespace districtcast::models
