/// \file Unit tests for models/firm_dynamics: hazard indexing, expected births, accounting identities of
/// simulate(), cohort ageing, Monte Carlo checks of births, exits and stock, stream use and reproducibility.
#include "tests/test_support.hpp"
#include "models/firm_dynamics.hpp"

#include "models/count_sampling.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace districtcast::models {
namespace {

using Moments = districtcast::testing::SampleMoments;

/// A firm spec with the given base stock, births (rate, trend, elasticity, model) and exit hazards.
FirmSpec firm_spec(std::uint64_t stock, double rate, double trend, double elasticity, std::vector<double> hazard,
                   std::string model = "poisson", std::optional<double> dispersion = std::nullopt) {
  FirmSpec spec;
  spec.stock = stock;
  spec.births.model = std::move(model);
  spec.births.rate = rate;
  spec.births.trend = trend;
  spec.births.gdp_elasticity = elasticity;
  spec.births.dispersion = dispersion;
  spec.exit_hazard = std::move(hazard);
  return spec;
}

/// The outputs of one simulated path (births, exits, stock for t = 1..H).
struct Path {
  std::vector<double> births;
  std::vector<double> exits;
  std::vector<double> stock;
  bool operator==(const Path&) const = default;
};

/// Simulates one path of `firms` with the streams of (seed, path) and district scope `scope`.
Path run(const FirmDynamics& firms, std::uint64_t seed, std::uint64_t path, std::uint32_t scope,
         const std::vector<double>& growth) {
  const std::size_t h = growth.size();
  Path out{std::vector<double>(h), std::vector<double>(h), std::vector<double>(h)};
  std::vector<std::uint64_t> cohorts(h + 1);
  std::vector<double> g = growth;
  EXPECT_EQ(firms.simulate(PathStreams(seed, path), scope, g, {}, cohorts, FirmPath{out.births, out.exits, out.stock}),
            0u);
  return out;
}

const std::uint32_t kScope = district_scope("nanshan");

TEST(FirmDynamics, ConstructorRejectsUnknownModelAndEmptyHazard) {
  EXPECT_THROW(FirmDynamics(firm_spec(10, 1.0, 0.0, 0.0, {0.1}, "geometric"), 0.0), std::invalid_argument);
  EXPECT_THROW(FirmDynamics(firm_spec(10, 1.0, 0.0, 0.0, {}), 0.0), std::invalid_argument);
  EXPECT_NO_THROW(FirmDynamics(firm_spec(10, 1.0, 0.0, 0.0, {0.1}, "negative_binomial", 3.0), 0.0));
}

TEST(FirmDynamics, HazardIndexing) {
  // Age 0 = base-year stock -> last entry; age a in 1..K -> entry a-1; ages beyond K -> last entry.
  const FirmDynamics f(firm_spec(10, 1.0, 0.0, 0.0, {0.1, 0.2, 0.3, 0.4}), 0.0);
  EXPECT_EQ(f.hazard(0), 0.4);
  EXPECT_EQ(f.hazard(1), 0.1);
  EXPECT_EQ(f.hazard(2), 0.2);
  EXPECT_EQ(f.hazard(3), 0.3);
  EXPECT_EQ(f.hazard(4), 0.4);
  EXPECT_EQ(f.hazard(5), 0.4);
  EXPECT_EQ(f.hazard(1000), 0.4);
  const FirmDynamics single(firm_spec(10, 1.0, 0.0, 0.0, {0.07}), 0.0);
  for (const std::size_t age : {0u, 1u, 2u, 50u}) EXPECT_EQ(single.hazard(age), 0.07) << age;
}

TEST(FirmDynamics, ExpectedBirthsFormula) {
  // lambda_t = rate (1 + trend)^(t-1) exp(elasticity (g_t - mu)).
  const double mu = 0.03;
  const FirmDynamics f(firm_spec(0, 250.0, 0.04, 1.5, {0.1}), mu);
  EXPECT_DOUBLE_EQ(f.expected_births(1, mu), 250.0);
  EXPECT_DOUBLE_EQ(f.expected_births(4, mu), 250.0 * std::pow(1.04, 3.0));
  EXPECT_DOUBLE_EQ(f.expected_births(4, 0.05), 250.0 * std::pow(1.04, 3.0) * std::exp(1.5 * 0.02));
  EXPECT_DOUBLE_EQ(f.expected_births(2, -0.07), 250.0 * 1.04 * std::exp(1.5 * -0.10));
  const FirmDynamics declining(firm_spec(0, 100.0, -0.1, 0.0, {0.1}), mu);
  EXPECT_DOUBLE_EQ(declining.expected_births(3, 0.5), 81.0);  // elasticity 0: growth has no effect
  EXPECT_DOUBLE_EQ(declining.expected_births(3, -0.5), 81.0);
  const FirmDynamics none(firm_spec(0, 0.0, 0.2, 2.0, {0.1}), mu);
  EXPECT_EQ(none.expected_births(5, 0.3), 0.0);
}

TEST(FirmDynamics, AccountingIdentitiesOnEveryPathAndYear) {
  // S_t = S_{t-1} - exits_t + births_t, 0 <= exits_t <= S_{t-1}, all counts integral. Over-dispersed births
  // and a varying growth path so that births respond to growth.
  const FirmDynamics f(firm_spec(5000, 400.0, 0.02, 0.5, {0.3, 0.15, 0.1, 0.08}, "negative_binomial", 4.0), 0.05);
  const std::vector<double> growth{0.05, 0.02, 0.09, -0.04, 0.06, 0.05, 0.11, 0.0, 0.03, 0.05, 0.07, 0.04};
  for (std::uint64_t p = 0; p < 3000; ++p) {
    const Path path = run(f, 42, p, kScope, growth);
    double previous = 5000.0;
    for (std::size_t t = 0; t < growth.size(); ++t) {
      ASSERT_GE(path.exits[t], 0.0);
      ASSERT_GE(path.births[t], 0.0);
      ASSERT_LE(path.exits[t], previous) << "path " << p << " year " << t + 1 << ": exits exceed the alive stock";
      ASSERT_EQ(path.stock[t], previous - path.exits[t] + path.births[t]) << "path " << p << " year " << t + 1;
      ASSERT_EQ(path.stock[t], std::floor(path.stock[t]));
      ASSERT_EQ(path.exits[t], std::floor(path.exits[t]));
      ASSERT_EQ(path.births[t], std::floor(path.births[t]));
      previous = path.stock[t];
    }
  }
}

TEST(FirmDynamics, ZeroHazardMeansNoExits) {
  const FirmDynamics f(firm_spec(1000, 50.0, 0.0, 0.0, {0.0, 0.0, 0.0}), 0.0);
  const std::vector<double> growth(10, 0.0);
  for (std::uint64_t p = 0; p < 200; ++p) {
    const Path path = run(f, 7, p, kScope, growth);
    double stock = 1000.0;
    for (std::size_t t = 0; t < growth.size(); ++t) {
      ASSERT_EQ(path.exits[t], 0.0);
      stock += path.births[t];
      ASSERT_EQ(path.stock[t], stock);
    }
  }
}

TEST(FirmDynamics, UnitHazardMeansEveryAliveFirmExits) {
  // Every firm alive at the end of t-1 exits in t: exits_t = S_{t-1}, S_t = births_t.
  for (const std::vector<double>& hazard : {std::vector<double>{1.0}, std::vector<double>{1.0, 1.0, 1.0}}) {
    const FirmDynamics f(firm_spec(1000, 50.0, 0.0, 0.0, hazard), 0.0);
    const std::vector<double> growth(8, 0.0);
    for (std::uint64_t p = 0; p < 200; ++p) {
      const Path path = run(f, 8, p, kScope, growth);
      double previous = 1000.0;
      for (std::size_t t = 0; t < growth.size(); ++t) {
        ASSERT_EQ(path.exits[t], previous) << "year " << t + 1;
        ASSERT_EQ(path.stock[t], path.births[t]) << "year " << t + 1;
        previous = path.stock[t];
      }
    }
  }
}

TEST(FirmDynamics, CohortsAgeThroughTheHazardList) {
  // hazard [1, 0]: base stock (last entry 0) never exits; a cohort exits entirely in its first year (age 1):
  //   exits_1 = 0, exits_t = births_{t-1}, S_t = N + births_t.
  // hazard [0, 0, 1]: the base stock (last entry 1) exits in year 1; a cohort survives ages 1 and 2 and exits
  // at age 3 (= K, the last entry): exits_1 = N, exits_2 = exits_3 = 0, exits_t = births_{t-3}.
  const std::vector<double> growth(10, 0.0);
  const FirmDynamics first_year(firm_spec(300, 40.0, 0.0, 0.0, {1.0, 0.0}), 0.0);
  const FirmDynamics third_year(firm_spec(300, 40.0, 0.0, 0.0, {0.0, 0.0, 1.0}), 0.0);
  for (std::uint64_t p = 0; p < 200; ++p) {
    const Path a = run(first_year, 9, p, kScope, growth);
    const Path b = run(third_year, 9, p, kScope, growth);
    EXPECT_EQ(a.exits[0], 0.0);
    EXPECT_EQ(b.exits[0], 300.0);
    EXPECT_EQ(b.exits[1], 0.0);
    EXPECT_EQ(b.exits[2], 0.0);
    for (std::size_t t = 0; t < growth.size(); ++t) {
      EXPECT_EQ(a.stock[t], 300.0 + a.births[t]) << "year " << t + 1;
      if (t >= 1) {
        EXPECT_EQ(a.exits[t], a.births[t - 1]) << "year " << t + 1;
      }
      if (t >= 3) {
        EXPECT_EQ(b.exits[t], b.births[t - 3]) << "year " << t + 1;
      }
    }
    if (HasFailure()) return;  // one broken path is enough output
  }
}

TEST(FirmDynamics, BirthsMeanAndPoissonVariance) {
  // Elasticity 0: E[B_t] = rate (1 + trend)^(t-1) and, Poisson, Var[B_t] = E[B_t], whatever the growth path.
  // 4 SE with SE(mean) = sqrt(sample var / n), SE(var) = sqrt((m4 - m2^2) / n). Hazard 0: no exit draws.
  constexpr std::size_t kPaths = 40000;
  const double rate = 40.0;
  const double trend = 0.1;
  const FirmDynamics f(firm_spec(100, rate, trend, 0.0, {0.0}), 0.03);
  const std::vector<double> growth{0.1, -0.2, 0.03, 0.5, -0.4, 0.0, 0.2, 0.03};
  std::vector<std::vector<double>> births(growth.size(), std::vector<double>(kPaths));
  for (std::size_t p = 0; p < kPaths; ++p) {
    const Path path = run(f, 11, p, kScope, growth);
    for (std::size_t t = 0; t < growth.size(); ++t) births[t][p] = path.births[t];
  }
  for (std::size_t t = 1; t <= growth.size(); ++t) {
    const double lambda = rate * std::pow(1.0 + trend, static_cast<double>(t - 1));
    const Moments m(births[t - 1]);
    EXPECT_NEAR(m.mean, lambda, 4.0 * m.mean_se()) << "year " << t;
    EXPECT_NEAR(m.variance(), lambda, 4.0 * m.variance_se()) << "year " << t;
  }
}

TEST(FirmDynamics, BirthsRespondToGrowthWithElasticity) {
  // E[B_t] = rate (1 + trend)^(t-1) exp(e (g_t - mu)); with e = 3 and g_t - mu = +-0.2 the factors are
  // exp(+-0.6), far beyond 4 SE = 4 sqrt(sample var / n).
  constexpr std::size_t kPaths = 20000;
  const double rate = 30.0;
  const double trend = 0.05;
  const double e = 3.0;
  const double mu = 0.04;
  const FirmDynamics f(firm_spec(0, rate, trend, e, {0.0}), mu);
  const std::vector<double> growth{0.24, -0.16, 0.04, 0.24};
  std::vector<std::vector<double>> births(growth.size(), std::vector<double>(kPaths));
  for (std::size_t p = 0; p < kPaths; ++p) {
    const Path path = run(f, 12, p, kScope, growth);
    for (std::size_t t = 0; t < growth.size(); ++t) births[t][p] = path.births[t];
  }
  for (std::size_t t = 1; t <= growth.size(); ++t) {
    const double lambda = rate * std::pow(1.0 + trend, static_cast<double>(t - 1)) * std::exp(e * (growth[t - 1] - mu));
    EXPECT_DOUBLE_EQ(f.expected_births(static_cast<int>(t), growth[t - 1]), lambda);
    const Moments m(births[t - 1]);
    EXPECT_NEAR(m.mean, lambda, 4.0 * m.mean_se()) << "year " << t;
  }
}

TEST(FirmDynamics, ExitsUseLastHazardForBaseStockAndCohortHazards) {
  // exits_1 ~ Binomial(N, h_last): mean N h_K, variance N h_K (1 - h_K).
  // exits_2 = Binomial(survivors, h_K) + Binomial(B_1, h_1): mean N (1 - h_K) h_K + rate h_1.
  // 4 SE with SE(mean) = sqrt(sample var / n), SE(var) = sqrt((m4 - m2^2) / n).
  constexpr std::size_t kPaths = 40000;
  const double n_firms = 10000.0;
  const double rate = 100.0;
  const std::vector<double> hazard{0.5, 0.2, 0.05};
  const FirmDynamics f(firm_spec(10000, rate, 0.0, 0.0, hazard), 0.0);
  const std::vector<double> growth(2, 0.0);
  std::vector<double> exits1(kPaths);
  std::vector<double> exits2(kPaths);
  for (std::size_t p = 0; p < kPaths; ++p) {
    const Path path = run(f, 13, p, kScope, growth);
    exits1[p] = path.exits[0];
    exits2[p] = path.exits[1];
  }
  const double h_last = hazard.back();
  const Moments m1(exits1);
  EXPECT_NEAR(m1.mean, n_firms * h_last, 4.0 * m1.mean_se());
  EXPECT_NEAR(m1.variance(), n_firms * h_last * (1.0 - h_last), 4.0 * m1.variance_se());
  const Moments m2(exits2);
  EXPECT_NEAR(m2.mean, n_firms * (1.0 - h_last) * h_last + rate * hazard.front(), 4.0 * m2.mean_se());
}

TEST(FirmDynamics, StockDecaysGeometricallyWithoutBirths) {
  // Rate 0, base stock N, hazard h for the base stock (last entry): S_t ~ Binomial(N, q_t), q_t = (1 - h)^t,
  // so E[S_t] = N (1 - h)^t with SE sqrt(N q_t (1 - q_t) / paths). The first entry 0.9 must not be used.
  constexpr std::size_t kPaths = 20000;
  const double n_firms = 200.0;
  const double h = 0.1;
  const FirmDynamics f(firm_spec(200, 0.0, 0.0, 0.0, {0.9, h}), 0.0);
  const std::vector<double> growth(10, 0.0);
  std::vector<double> sum(growth.size(), 0.0);
  for (std::size_t p = 0; p < kPaths; ++p) {
    const Path path = run(f, 14, p, kScope, growth);
    for (std::size_t t = 0; t < growth.size(); ++t) {
      ASSERT_EQ(path.births[t], 0.0);
      sum[t] += path.stock[t];
    }
  }
  for (std::size_t t = 1; t <= growth.size(); ++t) {
    const double q = std::pow(1.0 - h, static_cast<double>(t));
    const double se = std::sqrt(n_firms * q * (1.0 - q) / static_cast<double>(kPaths));
    EXPECT_NEAR(sum[t - 1] / static_cast<double>(kPaths), n_firms * q, 4.0 * se) << "year " << t;
  }
}

TEST(FirmDynamics, UsesTheDocumentedStreams) {
  // Year-1 exits come from (scope, firm_exits, 1) and births of year t from (scope, firm_births, t).
  const FirmDynamics f(firm_spec(5000, 75.0, 0.1, 0.0, {0.2, 0.07}), 0.0);
  const std::vector<double> growth(5, 0.0);
  const PathStreams streams(15, 321);
  const Path path = run(f, 15, 321, kScope, growth);
  RandomStream exits_stream = streams.stream(kScope, Variable::firm_exits, 1);
  EXPECT_EQ(path.exits[0], static_cast<double>(draw_binomial(5000, 0.07, exits_stream)));
  for (std::uint32_t t = 1; t <= growth.size(); ++t) {
    RandomStream births_stream = streams.stream(kScope, Variable::firm_births, t);
    EXPECT_EQ(path.births[t - 1], static_cast<double>(f.births_model().draw(f.expected_births(static_cast<int>(t), 0.0),
                                                                            births_stream)))
        << "year " << t;
  }
}

TEST(FirmDynamics, Reproducible) {
  const FirmDynamics f(firm_spec(5000, 300.0, 0.02, 0.7, {0.25, 0.12, 0.08}, "negative_binomial", 5.0), 0.04);
  const std::vector<double> growth{0.05, 0.01, 0.08, 0.04, -0.02, 0.06};
  const Path a = run(f, 16, 99, kScope, growth);
  EXPECT_EQ(run(f, 16, 99, kScope, growth), a);
  EXPECT_NE(run(f, 16, 100, kScope, growth), a);                        // other path
  EXPECT_NE(run(f, 17, 99, kScope, growth), a);                         // other seed
  EXPECT_NE(run(f, 16, 99, district_scope("haidian"), growth), a);      // other district
  // Scratch contents and extra scratch length do not matter.
  Path b{std::vector<double>(growth.size()), std::vector<double>(growth.size()), std::vector<double>(growth.size())};
  std::vector<std::uint64_t> dirty(growth.size() + 5, 123456789);
  std::vector<double> g = growth;
  EXPECT_EQ(f.simulate(PathStreams(16, 99), kScope, g, {}, dirty, FirmPath{b.births, b.exits, b.stock}), 0u);
  EXPECT_EQ(b, a);
  // Simulating again with the same scratch gives the same path.
  EXPECT_EQ(f.simulate(PathStreams(16, 99), kScope, g, {}, dirty, FirmPath{b.births, b.exits, b.stock}), 0u);
  EXPECT_EQ(b, a);
}

TEST(FirmDynamics, OverflowingBirthsOrStockStopThePathAndNameTheYear) {
  // Expected births 1e15, then 2e15 > kMaxExpectedBirths in year 2.
  const FirmDynamics doubling(firm_spec(0, 1e15, 1.0, 0.0, {0.0}), 0.0);
  std::vector<double> g(4, 0.0);
  std::vector<double> births(4), exits(4), stock(4);
  std::vector<std::uint64_t> cohorts(5);
  EXPECT_EQ(doubling.simulate(PathStreams(1, 0), kScope, g, {}, cohorts, FirmPath{births, exits, stock}), 2u);
  EXPECT_TRUE(std::isfinite(births[0]));
  EXPECT_EQ(births[0], std::floor(births[0]));
  for (std::size_t t = 1; t < 4; ++t) EXPECT_TRUE(std::isnan(births[t]) && std::isnan(stock[t])) << t;
  // A stock beyond 2^53 (no longer exact in a double) in year 1.
  const FirmDynamics crowded(firm_spec(9'000'000'000'000'000, 1e15, 0.0, 0.0, {0.0}), 0.0);
  EXPECT_EQ(crowded.simulate(PathStreams(1, 0), kScope, g, {}, cohorts, FirmPath{births, exits, stock}), 1u);
  EXPECT_TRUE(std::isnan(stock[0]));
  // Just below: 2^53 - 1e15 - 1e9 firms, births ~ 1e15 +- 3.2e7: in range, exact integers.
  const FirmDynamics full(firm_spec((std::uint64_t{1} << 53) - 1'000'001'000'000'000, 1e15, 0.0, 0.0, {0.0}), 0.0);
  std::vector<double> one(1, 0.0);
  EXPECT_EQ(full.simulate(PathStreams(1, 0), kScope, one, {}, cohorts,
                          FirmPath{std::span(births).first(1), std::span(exits).first(1), std::span(stock).first(1)}),
            0u);
  EXPECT_LE(stock[0], kMaxFirmCount);
  EXPECT_EQ(stock[0], std::floor(stock[0]));
}

}  // namespace
}  // namespace districtcast::models
