/// \file Tests of load_scenario_text / load_scenario_file: defaults, and one test per class of validation error,
/// each checking the YAML path, the message and the line:column of the offending node.
///
/// Every scenario text starts right after `R"yaml(`, so its first key is on line 1.
#include "engine/scenario_loader.hpp"
#include "tests/loader_test_support.hpp"

#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using districtcast::testing::TempDir;

using testing::all_errors;
using testing::FirstErrorIs;
LoadResult load(std::string_view yaml) { return testing::load_text(yaml); }


// ------------------------------------------------------------------------------------------- valid files

constexpr std::string_view kMinimal = testing::kMinimalScenario;

TEST(ScenarioLoader, MinimalScenarioResolvesEveryDefault) {
  const LoadResult r = load_scenario_text(kMinimal, "test.yaml", "my_default");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_TRUE(r.errors.empty());
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.name, "my_default");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.base_year, 2024);
  EXPECT_EQ(s.horizon, 5);
  EXPECT_EQ(s.paths, 100000U);
  EXPECT_EQ(s.seed, 1U);
  EXPECT_EQ(s.units, "billion CNY");
  EXPECT_FALSE(s.national.growth.has_value());
  EXPECT_FALSE(s.national.inflation.has_value());
  ASSERT_EQ(s.districts.size(), 1U);
  const DistrictSpec& d = s.districts[0];
  EXPECT_EQ(d.id, "pudong");
  EXPECT_EQ(d.name, "pudong");
  EXPECT_EQ(d.gdp, 1770.0);
  EXPECT_EQ(d.growth.model, "lognormal");
  EXPECT_EQ(d.growth.mean, 0.05);
  EXPECT_EQ(d.growth.volatility, 0.02);
  EXPECT_EQ(d.growth.persistence, 0.0);
  EXPECT_FALSE(d.growth.initial.has_value());
  EXPECT_EQ(d.growth.national_beta, 1.0);
  EXPECT_EQ(d.growth.shocks.kind, models::ShockKind::normal);
  EXPECT_FALSE(d.firms.has_value());
  EXPECT_TRUE(s.correlation.empty());
  EXPECT_TRUE(s.thresholds.empty());
  EXPECT_EQ(s.outputs.quantiles, (std::vector<double>{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95}));
  EXPECT_EQ(s.outputs.histogram_bins, 20);
}

constexpr std::string_view kFull = R"yaml(name: full-test.v2
description: Every key written out
base_year: 2023
horizon: 12
paths: 5000
seed: 42
units: million USD
national:
  growth:
    mean: 0.04
    volatility: 0.01
    persistence: 0.7
    initial: 0.05
    shocks: student_t
    dof: 6
  inflation:
    mean: 0.02
    volatility: 0.005
    persistence: -0.6
    initial: -0.01
    shocks: normal
districts:
  - id: pudong
    name: Pudong New Area
    gdp: 1770.5
    growth:
      model: ar1
      mean: 0.05
      volatility: 0.011
      persistence: 0.4
      initial: 0.053
      national_beta: 1.2
      shocks: student_t
      dof: 4.5
    firms:
      stock: 463400
      births:
        model: negative_binomial
        rate: 39092
        trend: 0.02
        gdp_elasticity: 2.5
        dispersion: 80
      exit_hazard: [0.016, 0.063, 0.095, 0.062]
  - id: haidian_2
    name: Haidian
    gdp: 1168.1
    growth:
      model: lognormal
      mean: 0.06
      volatility: 0.0
      national_beta: -0.8
      shocks: normal
    firms:
      stock: 0
      births:
        model: poisson
        rate: 12.5
        trend: -0.1
        gdp_elasticity: 0
      exit_hazard: [0, 1]
correlation:
  - [pudong, haidian_2, 0.45]
thresholds:
  - {metric: gdp, value: 2000, label: two trillion}
  - {metric: firm_stock, value: 500000}
outputs:
  quantiles: [0.025, 0.5, 0.975]
  histogram_bins: 40
)yaml";

TEST(ScenarioLoader, FullScenarioKeepsEveryValue) {
  const LoadResult r = load(kFull);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.name, "full-test.v2");
  EXPECT_EQ(s.description, "Every key written out");
  EXPECT_EQ(s.base_year, 2023);
  EXPECT_EQ(s.horizon, 12);
  EXPECT_EQ(s.paths, 5000U);
  EXPECT_EQ(s.seed, 42U);
  EXPECT_EQ(s.units, "million USD");

  ASSERT_TRUE(s.national.growth.has_value());
  const models::Ar1Spec& ng = *s.national.growth;
  EXPECT_EQ(ng.mean, 0.04);
  EXPECT_EQ(ng.volatility, 0.01);
  EXPECT_EQ(ng.persistence, 0.7);
  EXPECT_EQ(ng.initial, 0.05);
  EXPECT_EQ(ng.shocks.kind, models::ShockKind::student_t);
  EXPECT_EQ(ng.shocks.dof, 6.0);
  ASSERT_TRUE(s.national.inflation.has_value());
  const models::Ar1Spec& ni = *s.national.inflation;
  EXPECT_EQ(ni.mean, 0.02);
  EXPECT_EQ(ni.volatility, 0.005);
  EXPECT_EQ(ni.persistence, -0.6);
  EXPECT_EQ(ni.initial, -0.01);
  EXPECT_EQ(ni.shocks.kind, models::ShockKind::normal);

  ASSERT_EQ(s.districts.size(), 2U);
  const DistrictSpec& p = s.districts[0];
  EXPECT_EQ(p.id, "pudong");
  EXPECT_EQ(p.name, "Pudong New Area");
  EXPECT_EQ(p.gdp, 1770.5);
  EXPECT_EQ(p.growth.model, "ar1");
  EXPECT_EQ(p.growth.mean, 0.05);
  EXPECT_EQ(p.growth.volatility, 0.011);
  EXPECT_EQ(p.growth.persistence, 0.4);
  EXPECT_EQ(p.growth.initial, 0.053);
  EXPECT_EQ(p.growth.national_beta, 1.2);
  EXPECT_EQ(p.growth.shocks.kind, models::ShockKind::student_t);
  EXPECT_EQ(p.growth.shocks.dof, 4.5);
  ASSERT_TRUE(p.firms.has_value());
  EXPECT_EQ(p.firms->stock, 463400U);
  EXPECT_EQ(p.firms->births.model, "negative_binomial");
  EXPECT_EQ(p.firms->births.rate, 39092.0);
  EXPECT_EQ(p.firms->births.trend, 0.02);
  EXPECT_EQ(p.firms->births.gdp_elasticity, 2.5);
  EXPECT_EQ(p.firms->births.dispersion, 80.0);
  EXPECT_EQ(p.firms->exit_hazard, (std::vector<double>{0.016, 0.063, 0.095, 0.062}));

  const DistrictSpec& h = s.districts[1];
  EXPECT_EQ(h.id, "haidian_2");
  EXPECT_EQ(h.name, "Haidian");
  EXPECT_EQ(h.gdp, 1168.1);
  EXPECT_EQ(h.growth.model, "lognormal");
  EXPECT_EQ(h.growth.mean, 0.06);
  EXPECT_EQ(h.growth.volatility, 0.0);
  EXPECT_EQ(h.growth.national_beta, -0.8);
  EXPECT_EQ(h.growth.shocks.kind, models::ShockKind::normal);
  ASSERT_TRUE(h.firms.has_value());
  EXPECT_EQ(h.firms->stock, 0U);
  EXPECT_EQ(h.firms->births.model, "poisson");
  EXPECT_EQ(h.firms->births.rate, 12.5);
  EXPECT_EQ(h.firms->births.trend, -0.1);
  EXPECT_EQ(h.firms->births.gdp_elasticity, 0.0);
  EXPECT_FALSE(h.firms->births.dispersion.has_value());
  EXPECT_EQ(h.firms->exit_hazard, (std::vector<double>{0.0, 1.0}));

  ASSERT_EQ(s.correlation.size(), 1U);
  EXPECT_EQ(s.correlation[0].a, "pudong");
  EXPECT_EQ(s.correlation[0].b, "haidian_2");
  EXPECT_EQ(s.correlation[0].rho, 0.45);

  ASSERT_EQ(s.thresholds.size(), 2U);
  EXPECT_EQ(s.thresholds[0].metric, Metric::gdp);
  EXPECT_EQ(s.thresholds[0].value, 2000.0);
  EXPECT_EQ(s.thresholds[0].label, "two trillion");
  EXPECT_EQ(s.thresholds[1].metric, Metric::firm_stock);
  EXPECT_EQ(s.thresholds[1].value, 500000.0);
  EXPECT_EQ(s.thresholds[1].label, "firm_stock >= 500000");  // default label

  EXPECT_EQ(s.outputs.quantiles, (std::vector<double>{0.025, 0.5, 0.975}));
  EXPECT_EQ(s.outputs.histogram_bins, 40);
}

TEST(ScenarioLoader, WholeNumbersInFloatingFormAreAccepted) {
  const LoadResult r = load(R"yaml(base_year: 2024.0
horizon: 5
paths: 2e5
seed: 18446744073709551615
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.scenario->base_year, 2024);
  EXPECT_EQ(r.scenario->paths, 200000U);
  EXPECT_EQ(r.scenario->seed, 18446744073709551615U);
}

// --------------------------------------------------------------------------------------- unknown keys

TEST(ScenarioLoader, UnknownTopLevelKeySuggestsTheKnownOne) {
  // Also reported: `horizon` is then missing (second error).
  EXPECT_ERRORS(2, R"yaml(base_year: 2024
horizn: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
                "horizn", WORDS("unknown key", "did you mean 'horizon'?"), 2, 1);
}

TEST(ScenarioLoader, UnknownTopLevelKeyWithoutSuggestionListsTheAllowedKeys) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
colour: red
)yaml",
               "colour", WORDS("unknown key", "allowed here:", "base_year", "correlation", "outputs"), 5, 1);
}

TEST(ScenarioLoader, UnknownNestedKeySuggestsVolatility) {
  // Also reported: `volatility` is then missing (second error).
  EXPECT_ERRORS(2, R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatilty: 0.02
)yaml",
                "districts[0].growth.volatilty", WORDS("unknown key", "did you mean 'volatility'?"), 8, 7);
}

// ------------------------------------------------------------------------------ keys of another model

TEST(ScenarioLoader, PersistenceDoesNotApplyToLognormal) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: 0.02
      persistence: 0.5
)yaml",
               "districts[0].growth.persistence", WORDS("does not apply", "'lognormal'", "ar1"), 9, 7);
}

TEST(ScenarioLoader, DispersionDoesNotApplyToPoisson) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth: {mean: 0.05, volatility: 0.02}
    firms:
      stock: 1000
      births:
        rate: 100
        dispersion: 20
      exit_hazard: [0.1]
)yaml",
               "districts[0].firms.births.dispersion", WORDS("does not apply", "'poisson'", "negative_binomial"), 11, 9);
}

TEST(ScenarioLoader, DofOnlyAppliesWithStudentT) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: 0.02
      dof: 5
)yaml",
               "districts[0].growth.dof", WORDS("only applies", "student_t"), 9, 12);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
national:
  growth:
    mean: 0.05
    volatility: 0.02
    shocks: normal
    dof: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "national.growth.dof", WORDS("only applies", "student_t"), 8, 10);
}

// ------------------------------------------------------------------------------------- missing keys

TEST(ScenarioLoader, MissingRequiredTopLevelKey) {
  EXPECT_ERROR(R"yaml(horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "base_year", WORDS("missing required key"), 1, 1);
}

TEST(ScenarioLoader, MissingRequiredDistrictKey) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    growth:
      mean: 0.05
      volatility: 0.02
)yaml",
               "districts[0].gdp", WORDS("missing required key"), 4, 5);
}

TEST(ScenarioLoader, MissingKeyRequiredByTheChosenModel) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth: {mean: 0.05, volatility: 0.02}
    firms:
      stock: 1000
      births:
        model: negative_binomial
        rate: 100
      exit_hazard: [0.1]
)yaml",
               "districts[0].firms.births.dispersion", WORDS("missing required key", "negative_binomial"), 10, 9);
}

// --------------------------------------------------------------------------------------- wrong types

TEST(ScenarioLoader, WrongTypeTextForANumber) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: lots
    growth: {mean: 0.05, volatility: 0.02}
)yaml",
               "districts[0].gdp", WORDS("expected a number", "'lots'"), 5, 10);
  // Text that merely contains "inf" or "nan" is not a number either (not "must be finite").
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: banana
    growth: {mean: 0.05, volatility: 0.02}
)yaml",
               "districts[0].gdp", WORDS("expected a number", "'banana'"), 5, 10);
}

TEST(ScenarioLoader, WrongTypeListWhereAMappingIsExpected) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth: [0.05, 0.02]
)yaml",
               "districts[0].growth", WORDS("expected a mapping", "got a list"), 6, 13);
}

TEST(ScenarioLoader, WrongTypeMappingWhereAListIsExpected) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  pudong: {gdp: 1770}
)yaml",
               "districts", WORDS("expected a list", "got a mapping"), 4, 3);
}

TEST(ScenarioLoader, WrongTypeQuotedNumber) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: "0.05"
)yaml",
               "districts[0].growth.volatility", WORDS("expected a number", "the string \"0.05\""), 8, 19);
}

TEST(ScenarioLoader, WrongTypeNullForANumber) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean:
      volatility: 0.02
)yaml",
               "districts[0].growth.mean", WORDS("expected a number", "null"), 7, 7);  // at the key
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
)yaml",
               "districts[0].growth", WORDS("expected a mapping", "null"), 6, 5);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: ~
    growth: {mean: 0.05, volatility: 0.02}
)yaml",
               "districts[0].gdp", WORDS("expected a number", "null"), 5, 5);
}

// -------------------------------------------------------------------------------------- out of range

struct RangeCase {
  std::string_view yaml;
  std::string path;
  std::string words;
  int line;
  int column;
};

TEST(ScenarioLoader, OutOfRangeValues) {
  const RangeCase cases[] = {
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: -0.1
)yaml",
       "districts[0].growth.volatility", "must be >= 0 (got -0.1)", 8, 19},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      model: ar1
      mean: 0.05
      volatility: 0.02
      persistence: 1.0
)yaml",
       "districts[0].growth.persistence", "must be in (-1, 1) (got 1.0)", 10, 20},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: 0.02
      shocks: student_t
      dof: 2
)yaml",
       "districts[0].growth.dof", "must be > 2 (got 2)", 10, 12},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth: {mean: 0.05, volatility: 0.02}
    firms:
      stock: 1000
      births: {rate: 100}
      exit_hazard: [0.1, 1.5]
)yaml",
       "districts[0].firms.exit_hazard[1]", "must be in [0, 1] (got 1.5)", 10, 26},
      {R"yaml(base_year: 2024
horizon: 0
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
       "horizon", "must be in [1, 200] (got 0)", 2, 10},
      {R"yaml(base_year: 2024
horizon: 5
paths: 0
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
       "paths", "must be in [1, 4294967295] (got 0)", 3, 8},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
outputs:
  histogram_bins: 0
)yaml",
       "outputs.histogram_bins", "must be in [1, 1000] (got 0)", 6, 19},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
outputs:
  quantiles: [0.5, 1.0]
)yaml",
       "outputs.quantiles[1]", "must be in (0, 1) (got 1.0)", 6, 20},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
outputs:
  quantiles:
    - 0.5
    - 0.25
)yaml",
       "outputs.quantiles[1]", "strictly increasing", 8, 7},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
outputs:
  quantiles: [0.5, 0.5]
)yaml",
       "outputs.quantiles[1]", "strictly increasing", 6, 20},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 0
    growth: {mean: 0.05, volatility: 0.02}
)yaml",
       "districts[0].gdp", "must be in [2.22507e-308, 1e+140] (got 0)", 5, 10},
      {R"yaml(base_year: 2024
horizon: 5
seed: -1
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
       "seed", "must be in [0, 18446744073709551615] (got -1)", 3, 7},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth: {mean: 0.05, volatility: 0.02}
    firms:
      stock: 1000
      births: {rate: 100, trend: -1}
      exit_hazard: [0.1]
)yaml",
       "districts[0].firms.births.trend", "must be > -1 (got -1)", 9, 34},
      {R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
  - {id: b, gdp: 1, growth: {mean: 0, volatility: 0.1}}
correlation:
  - [a, b, 1.01]
)yaml",
       "correlation[0][2]", "must be in [-1, 1] (got 1.01)", 7, 12},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path + ": " + c.words);
    EXPECT_ERROR(c.yaml, c.path, WORDS(c.words), c.line, c.column);
  }
}

// ------------------------------------------------------------------------------ non-finite and huge

TEST(ScenarioLoader, NanAndInfinityAreRejected) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: .inf
    growth: {mean: 0.05, volatility: 0.02}
)yaml",
               "districts[0].gdp", WORDS("must be a finite number (got .inf)"), 5, 10);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: .nan
      volatility: 0.02
)yaml",
               "districts[0].growth.mean", WORDS("must be a finite number (got .nan)"), 7, 13);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: -.inf
      volatility: 0.02
)yaml",
               "districts[0].growth.mean", WORDS("must be a finite number (got -.inf)"), 7, 13);
  // Other spellings: YAML's capitalised forms and the bare words.
  for (const std::string spelling : {".NaN", ".Inf", "+.INF", "nan", "inf", "-infinity"}) {
    SCOPED_TRACE(spelling);
    const std::string yaml = "base_year: 2024\nhorizon: 5\ndistricts:\n  - id: a\n    gdp: 1\n    growth:\n"
                             "      mean: " + spelling + "\n      volatility: 0.02\n";
    EXPECT_ERROR(yaml, "districts[0].growth.mean", WORDS("must be a finite number"), 7, 13);
  }
}

TEST(ScenarioLoader, HugeNumbersAreOutOfRange) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1e400
    growth: {mean: 0.05, volatility: 0.02}
)yaml",
               "districts[0].gdp", WORDS("out of range", "1e400"), 5, 10);
  // Whole-number keys: a huge value is out of range, not "not a whole number".
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
paths: 1e400
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "paths", WORDS("must be in [1, 4294967295]", "1e400"), 3, 8);
  // 2^64 does not fit a seed, however it is written.
  for (const std::string seed : {"18446744073709551616", "18446744073709551615.0", "1.8446744073709552e19", "1e30"}) {
    SCOPED_TRACE(seed);
    const std::string yaml = "base_year: 2024\nhorizon: 5\nseed: " + seed +
                             "\ndistricts:\n  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n";
    EXPECT_ERROR(yaml, "seed", WORDS("must be in [0, 18446744073709551615]"), 3, 7);
  }
}

TEST(ScenarioLoader, NonIntegerWhereAWholeNumberIsRequired) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 2.5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "horizon", WORDS("expected a whole number", "2.5"), 2, 10);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth: {mean: 0.05, volatility: 0.02}
    firms:
      stock: 10.5
      births: {rate: 100}
      exit_hazard: [0.1]
)yaml",
               "districts[0].firms.stock", WORDS("expected a whole number", "10.5"), 8, 14);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: five
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "horizon", WORDS("expected a whole number", "'five'"), 2, 10);
}

// ------------------------------------------------------------------------------- ids and duplicates

TEST(ScenarioLoader, DuplicateDistrictId) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth: {mean: 0.05, volatility: 0.02}
  - id: pudong
    gdp: 1168
    growth: {mean: 0.05, volatility: 0.02}
)yaml",
               "districts[1].id", WORDS("duplicate district id 'pudong'", "districts[0]"), 7, 9);
}

TEST(ScenarioLoader, DuplicateYamlKey) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
horizon: 6
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "horizon", WORDS("duplicate key"), 3, 1);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: 0.02
      mean: 0.06
)yaml",
               "districts[0].growth.mean", WORDS("duplicate key"), 9, 7);
}

TEST(ScenarioLoader, InvalidDistrictIdCharacters) {
  for (const std::string id : {"Pudong", "pu-dong", "pu dong", "'pudong/2'", "\"\""}) {
    SCOPED_TRACE(id);
    const std::string yaml = "base_year: 2024\nhorizon: 5\ndistricts:\n  - id: " + id +
                             "\n    gdp: 1\n    growth: {mean: 0, volatility: 0.1}\n";
    EXPECT_ERROR(yaml, "districts[0].id", WORDS("is not a valid id", "lower-case letters, digits and _"), 4, 9);
  }
}

TEST(ScenarioLoader, EmptyDistrictList) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts: []
)yaml",
               "districts", WORDS("at least one district"), 3, 12);
}

// -------------------------------------------------------------------------------------- correlation

TEST(ScenarioLoader, UnknownDistrictInCorrelationSuggestsTheId) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: pudong, gdp: 1, growth: {mean: 0, volatility: 0.1}}
  - {id: haidian, gdp: 1, growth: {mean: 0, volatility: 0.1}}
correlation:
  - [pudong, haidain, 0.5]
)yaml",
               "correlation[0][1]", WORDS("unknown district 'haidain'", "did you mean 'haidian'?"), 7, 14);
}

TEST(ScenarioLoader, SelfCorrelation) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: pudong, gdp: 1, growth: {mean: 0, volatility: 0.1}}
  - {id: haidian, gdp: 1, growth: {mean: 0, volatility: 0.1}}
correlation:
  - [pudong, pudong, 0.5]
)yaml",
               "correlation[0]", WORDS("with itself", "'pudong'"), 7, 5);
}

TEST(ScenarioLoader, DuplicateCorrelationPair) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: pudong, gdp: 1, growth: {mean: 0, volatility: 0.1}}
  - {id: haidian, gdp: 1, growth: {mean: 0, volatility: 0.1}}
correlation:
  - [pudong, haidian, 0.5]
  - [haidian, pudong, 0.4]
)yaml",
               "correlation[1]", WORDS("listed twice", "haidian", "pudong"), 8, 5);
}

TEST(ScenarioLoader, MalformedCorrelationEntry) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: pudong, gdp: 1, growth: {mean: 0, volatility: 0.1}}
  - {id: haidian, gdp: 1, growth: {mean: 0, volatility: 0.1}}
correlation:
  - [pudong, haidian]
)yaml",
               "correlation[0]", WORDS("expected [district_a, district_b, rho]"), 7, 5);
}

/// Two districts, for the `overtaking` tests (the key follows on line 6).
#define TWO_DISTRICTS \
  "base_year: 2024\nhorizon: 5\ndistricts:\n"                     \
  "  - {id: pudong, gdp: 2, growth: {mean: 0, volatility: 0.1}}\n" \
  "  - {id: haidian, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n"

TEST(ScenarioLoader, OvertakingDefaultsToEveryOrderedPairOfASmallScenario) {
  const LoadResult r = load(TWO_DISTRICTS);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.scenario->overtaking,
            (std::vector<OvertakingSpec>{{"pudong", "haidian"}, {"haidian", "pudong"}}));
  // Above kMaxDefaultOvertakingDistricts districts the default is no pair (the count grows as D^2).
  std::string many = "base_year: 2024\nhorizon: 5\ndistricts:\n";
  for (std::size_t i = 0; i <= kMaxDefaultOvertakingDistricts; ++i) {
    many += "  - {id: d" + std::to_string(i) + ", gdp: 1, growth: {mean: 0, volatility: 0.1}}\n";
  }
  const LoadResult big = load(many);
  ASSERT_TRUE(big.ok()) << all_errors(big);
  EXPECT_TRUE(big.scenario->overtaking.empty());
}

TEST(ScenarioLoader, OvertakingListsExactlyTheGivenPairs) {
  const LoadResult r = load(TWO_DISTRICTS "overtaking:\n  - [haidian, pudong]\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.scenario->overtaking, (std::vector<OvertakingSpec>{{"haidian", "pudong"}}));
  const LoadResult none = load(TWO_DISTRICTS "overtaking: []\n");
  ASSERT_TRUE(none.ok()) << all_errors(none);
  EXPECT_TRUE(none.scenario->overtaking.empty());
  // Every entry commented out leaves an empty value: no pair, like `[]` (and like empty thresholds).
  const LoadResult commented = load(TWO_DISTRICTS "overtaking:\n#  - [pudong, haidian]\n");
  ASSERT_TRUE(commented.ok()) << all_errors(commented);
  EXPECT_TRUE(commented.scenario->overtaking.empty());
}

TEST(ScenarioLoader, OvertakingErrors) {
  EXPECT_ERROR(TWO_DISTRICTS "overtaking:\n  - [haidain, pudong]\n", "overtaking[0][0]",
               WORDS("unknown district 'haidain'", "did you mean 'haidian'?"), 7, 6);
  EXPECT_ERROR(TWO_DISTRICTS "overtaking:\n  - [pudong, pudong]\n", "overtaking[0]",
               WORDS("cannot overtake itself", "'pudong'"), 7, 5);
  EXPECT_ERROR(TWO_DISTRICTS "overtaking:\n  - [pudong, haidian]\n  - [pudong, haidian]\n", "overtaking[1]",
               WORDS("listed twice", "[pudong, haidian]", "also overtaking[0]"), 8, 5);
  EXPECT_ERROR(TWO_DISTRICTS "overtaking:\n  - [pudong, haidian, 0.5]\n", "overtaking[0]",
               WORDS("expected [district, other]", "a list of 3 entries"), 7, 5);
  EXPECT_ERROR(TWO_DISTRICTS "overtaking: [pudong, haidian]\n", "overtaking[0]",
               WORDS("expected [district, other]", "a list inside the list: [[pudong, haidian]]"), 6, 14);
  EXPECT_ERROR(TWO_DISTRICTS "overtaking: pudong\n", "overtaking", WORDS("list"), 6, 13);
}

TEST(ScenarioLoader, AntitheticIsABooleanAndNeedsEvenPathCounts) {
  const LoadResult on = load(TWO_DISTRICTS "antithetic: true\npaths: 1000\n");
  ASSERT_TRUE(on.ok()) << all_errors(on);
  EXPECT_TRUE(on.scenario->antithetic);
  const LoadResult off = load(TWO_DISTRICTS "antithetic: false\npaths: 1001\n");
  ASSERT_TRUE(off.ok()) << all_errors(off);
  EXPECT_FALSE(off.scenario->antithetic);
  EXPECT_FALSE(load(TWO_DISTRICTS).scenario->antithetic);
  EXPECT_ERROR(TWO_DISTRICTS "antithetic: yes\n", "antithetic", WORDS("expected true or false", "'yes'"), 6, 13);
  EXPECT_ERROR(TWO_DISTRICTS "antithetic: true\npaths: 1001\n", "paths", WORDS("must be even", "1001"), 7, 8);
  EXPECT_ERROR(TWO_DISTRICTS "antithetic: true\npaths: 1000\nprecision: {target: 0.01, max_paths: 5001}\n",
               "precision.max_paths", WORDS("must be even", "5001"), 8, 38);
}

TEST(ScenarioLoader, CorrelationNotPositiveSemiDefinite) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
  - {id: b, gdp: 1, growth: {mean: 0, volatility: 0.1}}
  - {id: c, gdp: 1, growth: {mean: 0, volatility: 0.1}}
correlation:
  - [a, b, 0.9]
  - [a, c, 0.9]
  - [b, c, -0.9]
)yaml",
               "correlation", WORDS("not positive semi-definite", "'c'"), 8, 3);
}

TEST(ScenarioLoader, PerfectCorrelationIsAccepted) {
  const LoadResult r = load(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
  - {id: b, gdp: 1, growth: {mean: 0, volatility: 0.1}}
correlation:
  - [a, b, 1]
)yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
}

// --------------------------------------------------------------------------------------- thresholds

TEST(ScenarioLoader, FirmThresholdWithoutAnyFirms) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
thresholds:
  - {metric: gdp, value: 2}
  - {metric: firm_births, value: 100}
)yaml",
               "thresholds[1].metric", WORDS("no district has a firms block", "firm_births"), 7, 14);
}

TEST(ScenarioLoader, UnknownMetricName) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
thresholds:
  - metric: gdpp
    value: 2
)yaml",
               "thresholds[0].metric", WORDS("unknown value 'gdpp'", "did you mean 'gdp'?"), 6, 13);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
thresholds:
  - metric: population
    value: 2
)yaml",
               "thresholds[0].metric",
               WORDS("unknown value 'population'", "expected one of", "gdp_growth", "firm_stock"), 6, 13);
}

// ------------------------------------------------------------------------------------- model names

TEST(ScenarioLoader, UnknownGrowthModelSuggestsTheName) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      model: lognormel
      mean: 0.05
      volatility: 0.02
)yaml",
               "districts[0].growth.model", WORDS("unknown value 'lognormel'", "did you mean 'lognormal'?"), 7, 14);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      model: garch
      mean: 0.05
      volatility: 0.02
)yaml",
               "districts[0].growth.model", WORDS("unknown value 'garch'", "expected one of", "lognormal", "ar1"), 7,
               14);
}

// With an unknown model name, keys of real models are not blamed on a model the user never chose.
TEST(ScenarioLoader, UnknownGrowthModelDoesNotRejectOtherModelsKeys) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      model: ar2
      mean: 0.05
      volatility: 0.02
      persistence: 0.5
)yaml",
               "districts[0].growth.model", WORDS("unknown value 'ar2'", "did you mean 'ar1'?"), 7, 14);
}

// ------------------------------------------------------------------------------- whole-file problems

TEST(ScenarioLoader, YamlSyntaxErrorHasTheParserPosition) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: [1, 2
districts: []
)yaml",
               "", WORDS("not valid YAML", "end of sequence flow not found"), 3, 10);
  EXPECT_ERROR("base_year: 2024\n\thorizon: 5\n", "", WORDS("tab character in indentation", "spaces only"), 2, 1);
}

TEST(ScenarioLoader, EmptyFile) {
  EXPECT_ERROR("", "", WORDS("the file is empty", "base_year", "horizon", "districts"), 0, 0);
  EXPECT_ERROR("# only a comment\n\n", "", WORDS("the file is empty"), 0, 0);
}

TEST(ScenarioLoader, TopLevelListInsteadOfMapping) {
  EXPECT_ERROR(R"yaml(- base_year: 2024
- horizon: 5
)yaml",
               "", WORDS("a scenario is a mapping", "got a list"), 1, 1);
  EXPECT_ERROR("just some words\n", "", WORDS("a scenario is a mapping", "'just some words'"), 1, 1);
}

TEST(ScenarioLoader, ScenarioNameThatCannotNameADirectory) {
  EXPECT_ERROR(R"yaml(name: growth/fast
base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "name", WORDS("'growth/fast' cannot name an output directory"), 1, 7);
  // "." and ".." match the allowed characters but would write into outputs/ or its parent.
  for (const std::string name : {"..", ".", "a b", "\"\""}) {
    SCOPED_TRACE(name);
    const std::string yaml = "name: " + name +
                             "\nbase_year: 2024\nhorizon: 5\ndistricts:\n"
                             "  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n";
    EXPECT_ERROR(yaml, "name", WORDS("cannot name an output directory"), 1, 7);
  }
}

TEST(ScenarioLoader, DefaultNameThatCannotNameADirectory) {
  const LoadResult r = load_scenario_text(kMinimal, "my scenario.yaml", "my scenario");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1U) << all_errors(r);
  EXPECT_EQ(r.errors[0].path, "name");
  EXPECT_NE(r.errors[0].message.find("'my scenario'"), std::string::npos) << r.errors[0].message;
  EXPECT_NE(r.errors[0].message.find("add a name key"), std::string::npos) << r.errors[0].message;
}

// ------------------------------------------------------------------------------------ many errors

TEST(ScenarioLoader, EveryErrorInAFileIsReported) {
  const LoadResult r = load(R"yaml(base_year: 2024
horizon: 0
paths: -5
districts:
  - id: pudong
    gdp: -1
    growth:
      mean: 0.05
      volatility: -0.2
  - id: Haidian
    gdp: 1
    growth: {mean: 0, volatility: 0.1, persistence: 0.3}
outputs:
  histogram_bins: 0
)yaml");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 7U) << all_errors(r);
  const std::vector<std::pair<std::string, int>> expected{
      {"horizon", 2},
      {"paths", 3},
      {"districts[0].gdp", 6},
      {"districts[0].growth.volatility", 9},
      {"districts[1].id", 10},
      {"districts[1].growth.persistence", 12},
      {"outputs.histogram_bins", 14},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.errors[i].path, expected[i].first) << i;
    EXPECT_EQ(r.errors[i].line, expected[i].second) << i;
    EXPECT_EQ(r.errors[i].file, "test.yaml") << i;
  }
}

// ------------------------------------------------------------------------------------------- files

TEST(ScenarioLoaderFile, LoadsAValidFileNamedAfterItsStem) {
  TempDir dir;
  const fs::path file = dir.write("my_scenario.yaml", std::string(kMinimal));
  const LoadResult r = load_scenario_file(file);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.scenario->name, "my_scenario");
}

TEST(ScenarioLoaderFile, ErrorsNameTheFile) {
  TempDir dir;
  const fs::path file = dir.write("bad.yaml", "base_year: 2024\nhorizon: 0\n"
                                              "districts:\n  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n");
  const LoadResult r = load_scenario_file(file);
  ASSERT_EQ(r.errors.size(), 1U) << all_errors(r);
  EXPECT_EQ(r.errors[0].file, file.string());
  EXPECT_EQ(r.errors[0].to_string(), file.string() + ": horizon: must be in [1, 200] (got 0) (line 2, col 10)");
}

TEST(ScenarioLoaderFile, MissingFile) {
  TempDir dir;
  const fs::path file = dir.path() / "nope.yaml";
  const LoadResult r = load_scenario_file(file);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].file, file.string());
  EXPECT_NE(r.errors[0].message.find("no such file"), std::string::npos) << r.errors[0].message;
  EXPECT_EQ(r.errors[0].to_string(), file.string() + ": no such file");
}

TEST(ScenarioLoaderFile, Directory) {
  TempDir dir;
  const LoadResult r = load_scenario_file(dir.path());
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].file, dir.path().string());
  EXPECT_NE(r.errors[0].message.find("is a directory"), std::string::npos) << r.errors[0].message;
}

TEST(ScenarioLoaderFile, TooLarge) {
  TempDir dir;
  const fs::path file = dir.write("huge.yaml", std::string(kMinimal));
  fs::resize_file(file, kMaxScenarioBytes + 1);  // sparse: no real disk use
  const LoadResult r = load_scenario_file(file);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1U);
  const std::string& m = r.errors[0].message;
  EXPECT_NE(m.find(std::to_string(kMaxScenarioBytes + 1) + " bytes"), std::string::npos) << m;
  EXPECT_NE(m.find("limited to " + std::to_string(kMaxScenarioBytes) + " bytes"), std::string::npos) << m;
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(ScenarioLoader, TabIndentationIsNamed) {
  const LoadResult r = load_scenario_text("base_year: 2024\nhorizon: 3\ndistricts:\n\t- id: a\n", "t.yaml", "t");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("tab character in indentation"), std::string::npos) << r.errors[0].to_string();
  EXPECT_EQ(r.errors[0].line, 4);
  EXPECT_EQ(r.errors[0].column, 1);
}

TEST(ScenarioLoader, NamesMayNotStartWithADot) {
  for (const char* name : {".hidden", "..", "-x"}) {
    const LoadResult r = load_scenario_text(std::string("name: \"") + name + R"("
base_year: 2024
horizon: 3
districts: [{id: a, gdp: 1, growth: {mean: 0.05, volatility: 0.02}}]
)",
                                            "t.yaml", "t");
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.errors[0].path, "name");
    EXPECT_NE(r.errors[0].message.find("not starting with"), std::string::npos) << r.errors[0].to_string();
  }
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(ScenarioLoader, PrecisionBlock) {
  const std::string head = "base_year: 2024\nhorizon: 3\npaths: 5000\n"
                           "districts: [{id: a, gdp: 1, growth: {mean: 0.05, volatility: 0.02}}]\n";
  const LoadResult ok = load_scenario_text(head + "precision: {target: 0.001}\n", "t.yaml", "t");
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(ok.scenario->precision.has_value());
  EXPECT_EQ(ok.scenario->precision->target, 0.001);
  EXPECT_EQ(ok.scenario->precision->metrics, std::vector<Metric>{Metric::gdp});
  EXPECT_EQ(ok.scenario->precision->max_paths, 10'000'000u);
  const LoadResult none = load_scenario_text(head, "t.yaml", "t");
  EXPECT_FALSE(none.scenario->precision.has_value());
  struct Case {
    const char* yaml;
    const char* path;
    const char* words;
  };
  for (const Case& c : {Case{"precision: {target: 0}\n", "precision.target", "must be in (0, 1)"},
                        Case{"precision: {target: 0.01, metrics: [gdpp]}\n", "precision.metrics[0]", "did you mean 'gdp'"},
                        Case{"precision: {target: 0.01, metrics: [firm_stock]}\n", "precision.metrics[0]", "no district has a firms block"},
                        Case{"precision: {target: 0.01, max_paths: 100}\n", "precision.max_paths", "must be >= paths"},
                        Case{"precision: {metrics: [gdp]}\n", "precision.target", "missing required key"},
                        Case{"precision: {target: 0.01, tolerance: 2}\n", "precision.tolerance", "unknown key"}}) {
    const LoadResult r = load_scenario_text(head + c.yaml, "t.yaml", "t");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.errors[0].path, c.path) << c.yaml;
    EXPECT_NE(r.errors[0].message.find(c.words), std::string::npos) << r.errors[0].to_string();
    EXPECT_EQ(r.errors[0].line, 5) << c.yaml;
  }
}

TEST(PathYearsProblem, TheLimitItselfIsAllowedAndOnePathMoreIsNot) {
  // 10^11 path-years: 10^9 paths x 100 years is exactly the limit.
  EXPECT_FALSE(path_years_problem(1'000'000'000, 100).has_value());
  EXPECT_FALSE(path_years_problem(1, 200).has_value());
  const auto over = path_years_problem(1'000'000'001, 100);
  ASSERT_TRUE(over.has_value());
  EXPECT_EQ(*over, "1,000,000,001 paths x 100 years is over the limit of 1e+11 path-years "
                   "(docs/scenario-format.md, \"Limits\")");
}

}  // namespace
}  // namespace districtcast
