/// \file Unit tests for the firm-birth count models (models/births_model.hpp, births_registry.cpp,
/// births_poisson.cpp, births_negative_binomial.cpp): registry, variance(), and Monte Carlo mean/variance.
#include "tests/test_support.hpp"
#include "models/births_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast::models {
namespace {

constexpr std::size_t kSamples = 200000;

using Moments = districtcast::testing::SampleMoments;

/// Builds the registered births model `name` (with dispersion k if given); fails the test if unknown.
std::unique_ptr<const BirthsModel> build(const std::string& name, std::optional<double> dispersion = std::nullopt) {
  const BirthsModelEntry* entry = find_births_model(name);
  EXPECT_NE(entry, nullptr) << name;
  if (entry == nullptr) return nullptr;
  BirthsSpec spec;
  spec.model = name;
  spec.rate = 1.0;
  spec.dispersion = dispersion;
  return entry->make(spec);
}

/// kSamples draws of `model` with mean `lambda`, one stream per path index, streams tagged by `tag`.
std::vector<double> sample(const BirthsModel& model, double lambda, std::uint32_t tag) {
  std::vector<double> x(kSamples);
  for (std::size_t p = 0; p < kSamples; ++p) {
    RandomStream s = PathStreams(606, p).stream(tag, Variable::firm_births, 1);
    x[p] = static_cast<double>(model.draw(lambda, s));
  }
  return x;
}

TEST(BirthsRegistry, ListsPoissonAndNegativeBinomial) {
  const auto models = births_models();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].name, "poisson");
  EXPECT_EQ(models[1].name, "negative_binomial");
  for (const auto& e : models) {
    EXPECT_FALSE(e.summary.empty()) << e.name;
    EXPECT_NE(e.make, nullptr) << e.name;
    for (const auto& k : e.required_extra_keys) {  // required keys are a subset of the accepted ones
      EXPECT_NE(std::find(e.extra_keys.begin(), e.extra_keys.end(), k), e.extra_keys.end()) << e.name << " " << k;
    }
  }
}

TEST(BirthsRegistry, FindAndKeys) {
  const BirthsModelEntry* poisson = find_births_model("poisson");
  const BirthsModelEntry* nb = find_births_model("negative_binomial");
  ASSERT_NE(poisson, nullptr);
  ASSERT_NE(nb, nullptr);
  EXPECT_EQ(poisson->name, "poisson");
  EXPECT_EQ(nb->name, "negative_binomial");
  EXPECT_TRUE(poisson->extra_keys.empty());
  EXPECT_TRUE(poisson->required_extra_keys.empty());
  const std::vector<std::string_view> dispersion{"dispersion"};
  EXPECT_EQ(nb->extra_keys, dispersion);
  EXPECT_EQ(nb->required_extra_keys, dispersion);
  EXPECT_EQ(find_births_model("negbin"), nullptr);
  EXPECT_EQ(find_births_model("Poisson"), nullptr);
  EXPECT_EQ(find_births_model(""), nullptr);
}

TEST(BirthsModels, VarianceMethods) {
  const auto poisson = build("poisson");
  const auto nb = build("negative_binomial", 50.0);
  const auto nb2 = build("negative_binomial", 2.0);
  ASSERT_TRUE(poisson && nb && nb2);
  EXPECT_EQ(poisson->variance(0.0), 0.0);
  EXPECT_DOUBLE_EQ(poisson->variance(12.5), 12.5);
  EXPECT_DOUBLE_EQ(poisson->variance(30000.0), 30000.0);
  EXPECT_EQ(nb->variance(0.0), 0.0);
  EXPECT_DOUBLE_EQ(nb->variance(30000.0), 30000.0 + 30000.0 * 30000.0 / 50.0);  // 18 030 000
  EXPECT_DOUBLE_EQ(nb2->variance(12.0), 12.0 + 144.0 / 2.0);                     // 84
}

TEST(BirthsModels, ZeroMeanGivesZero) {
  for (const auto& model : {build("poisson"), build("negative_binomial", 2.0)}) {
    ASSERT_NE(model, nullptr);
    RandomStream s = PathStreams(1, 1).stream(1, Variable::firm_births, 1);
    EXPECT_EQ(model->draw(0.0, s), 0u);
    EXPECT_EQ(model->draw(-5.0, s), 0u);
  }
}

TEST(BirthsModels, DrawIsPureFunctionOfStreamState) {
  for (const auto& model : {build("poisson"), build("negative_binomial", 2.0)}) {
    ASSERT_NE(model, nullptr);
    RandomStream a = PathStreams(2, 9).stream(7, Variable::firm_births, 4);
    RandomStream b = PathStreams(2, 9).stream(7, Variable::firm_births, 4);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(model->draw(37.5, a), model->draw(37.5, b));
  }
}

TEST(PoissonBirths, MeanAndVarianceEqualLambda) {
  // E = Var = lambda; 4 SE with SE(mean) = sqrt(sample var / n), SE(var) = sqrt((m4 - m2^2) / n).
  const auto model = build("poisson");
  ASSERT_NE(model, nullptr);
  std::uint32_t tag = 100;
  for (const double lambda : {3.5, 30000.0}) {
    const Moments m(sample(*model, lambda, ++tag));
    EXPECT_NEAR(m.mean, lambda, 4.0 * m.mean_se()) << lambda;
    EXPECT_NEAR(m.variance(), lambda, 4.0 * m.variance_se()) << lambda;
    EXPECT_NEAR(m.variance(), model->variance(lambda), 4.0 * m.variance_se()) << lambda;
  }
}

TEST(NegativeBinomialBirths, MeanAndVariance) {
  // E = lambda, Var = lambda + lambda^2 / k; 4 SE as above. For (12, 2) the over-dispersion (Var 84 vs 12) and
  // for (30000, 50) (Var 1.8e7 vs 3e4) are far beyond the tolerance, so a Poisson would fail.
  struct Case {
    double lambda;
    double k;
  };
  std::uint32_t tag = 200;
  for (const Case& c : {Case{30000.0, 50.0}, Case{12.0, 2.0}, Case{0.7, 0.5}}) {
    const auto model = build("negative_binomial", c.k);
    ASSERT_NE(model, nullptr);
    const Moments m(sample(*model, c.lambda, ++tag));
    const double var = c.lambda + c.lambda * c.lambda / c.k;
    EXPECT_NEAR(m.mean, c.lambda, 4.0 * m.mean_se()) << "lambda " << c.lambda << " k " << c.k;
    EXPECT_NEAR(m.variance(), var, 4.0 * m.variance_se()) << "lambda " << c.lambda << " k " << c.k;
    EXPECT_NEAR(m.variance(), model->variance(c.lambda), 4.0 * m.variance_se());
  }
}

TEST(NegativeBinomialBirths, ProbabilityOfZero) {
  // P(X = 0) = (k / (k + lambda))^k for NB(mean lambda, size k); fraction SE sqrt(p (1 - p) / n).
  const double lambda = 12.0;
  const double k = 2.0;
  const auto model = build("negative_binomial", k);
  ASSERT_NE(model, nullptr);
  const std::vector<double> x = sample(*model, lambda, 300);
  double zeros = 0.0;
  for (const double v : x) zeros += v == 0.0 ? 1.0 : 0.0;
  const double n = static_cast<double>(x.size());
  const double p = std::pow(k / (k + lambda), k);  // 1/49
  EXPECT_NEAR(zeros / n, p, 4.0 * std::sqrt(p * (1.0 - p) / n));
}

}  // namespace
}  // namespace districtcast::models
