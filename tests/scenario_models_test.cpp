/// \file Tests of the scenario keys read by engine/scenario_models.cpp (regime switching, national.regimes,
/// jumps, sectors, firm_feedback), of `scheduled_shocks` (engine/scenario_loader.cpp) and of uncertain model
/// parameters (Validator::param in engine/scenario_validator.hpp): the resolved values of valid files, and one
/// check per validation error with its YAML path, message and line:column.
///
/// Every scenario text starts right after `R"yaml(`, so its first key is on line 1. Tests that start with
/// GTEST_SKIP() << "BUG: ..." show the intended behaviour of an input the loader currently mishandles.
#include "engine/scenario_json.hpp"
#include "engine/scenario_loader.hpp"
#include "tests/loader_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast {
namespace {

using testing::all_errors;
using testing::FirstErrorIs;
LoadResult load(std::string_view yaml) { return testing::load_text(yaml); }

#define EXPECT_FIRST_ERROR(yaml, path, words, line, column) \
  EXPECT_TRUE(FirstErrorIs(load(yaml), 0, path, words, line, column))


/// One regime_switching district with its own chain boom/bust (lines 1-13); its `regimes` list bust first.
/// Stationary distribution: p = P(boom -> bust) = 0.1, q = P(bust -> boom) = 0.3, pi = (q, p) / (p + q).
constexpr std::string_view kOwnChain = R"yaml(base_year: 2024
horizon: 5
districts:
  - id: a
    gdp: 100
    growth:
      model: regime_switching
      transition:
        boom: [0.9, 0.1]
        bust: [0.3, 0.7]
      regimes:
        bust: {mean: -0.01, volatility: 0.03}
        boom: {mean: 0.06, volatility: 0.01, persistence: 0.5}
)yaml";

/// Head of a regime_switching district (lines 1-7); the next line is 8, `growth` keys at column 7.
#define REGIME_HEAD \
  "base_year: 2024\nhorizon: 5\ndistricts:\n  - id: a\n    gdp: 100\n    growth:\n      model: regime_switching\n"
/// Valid `regimes` for the boom/bust chain (3 lines).
#define BOOM_BUST_REGIMES \
  "      regimes:\n        boom: {mean: 0.06, volatility: 0.01}\n        bust: {mean: -0.01, volatility: 0.03}\n"

/// Head of a one-district scenario (lines 1-5); the district's next key is on line 6, column 5.
#define DISTRICT_HEAD "base_year: 2024\nhorizon: 5\ndistricts:\n  - id: a\n    gdp: 100\n"

/// Districts a and bb (bb split into sectors it and rest) and `scheduled_shocks:` (lines 1-10); the first
/// shock starts on line 11.
#define SHOCK_HEAD                                                    \
  "base_year: 2024\nhorizon: 5\ndistricts:\n"                         \
  "  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n"         \
  "  - id: bb\n    gdp: 1\n    sectors:\n"                            \
  "      - {id: it, share: 0.5, growth: {mean: 0, volatility: 0.1}}\n" \
  "      - {id: rest, share: 0.5, growth: {mean: 0, volatility: 0.1}}\n" \
  "scheduled_shocks:\n"

// ================================================================================================ valid files

TEST(ScenarioModels, RegimeSwitchingOwnChainFollowsTheTransitionOrder) {
  const LoadResult r = load(std::string(kOwnChain) + "      national_beta: 0.5\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const models::GrowthSpec& g = r.scenario->districts[0].growth;
  EXPECT_EQ(g.model, "regime_switching");
  EXPECT_FALSE(g.national_chain);
  EXPECT_EQ(g.chain.regimes, (std::vector<std::string>{"boom", "bust"}));
  EXPECT_EQ(g.chain.transition, (std::vector<std::vector<double>>{{0.9, 0.1}, {0.3, 0.7}}));
  // `regimes` is reordered to the transition's order.
  ASSERT_EQ(g.regimes.size(), 2U);
  EXPECT_EQ(g.regimes[0].name, "boom");
  EXPECT_EQ(g.regimes[0].mean, 0.06);
  EXPECT_EQ(g.regimes[0].volatility, 0.01);
  EXPECT_EQ(g.regimes[0].persistence, 0.5);
  EXPECT_EQ(g.regimes[1].name, "bust");
  EXPECT_EQ(g.regimes[1].mean, -0.01);
  EXPECT_EQ(g.regimes[1].volatility, 0.03);
  EXPECT_EQ(g.regimes[1].persistence, 0.0);
  EXPECT_EQ(g.national_beta, 0.5);
  EXPECT_FALSE(g.jumps.has_value());
  // No initial_regime: the stationary distribution, (q, p) / (p + q) = (0.75, 0.25).
  const double p = 0.1;
  const double q = 0.3;
  ASSERT_EQ(g.chain.initial.size(), 2U);
  EXPECT_NEAR(g.chain.initial[0], q / (p + q), 1e-12);
  EXPECT_NEAR(g.chain.initial[1], p / (p + q), 1e-12);
  EXPECT_TRUE(r.scenario->parameters.empty());
  EXPECT_FALSE(r.scenario->national.regimes.has_value());
}

TEST(ScenarioModels, InitialRegimeByNameOrByProbabilities) {
  const auto initial = [](const std::string& line) {
    const LoadResult r = load(std::string(kOwnChain) + line);
    EXPECT_TRUE(r.ok()) << line << all_errors(r);
    return r.ok() ? r.scenario->districts[0].growth.chain.initial : std::vector<double>{};
  };
  EXPECT_EQ(initial("      initial_regime: bust\n"), (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(initial("      initial_regime: boom\n"), (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(initial("      initial_regime: {bust: 0.8, boom: 0.2}\n"), (std::vector<double>{0.2, 0.8}));
  EXPECT_EQ(initial("      initial_regime: {bust: 1}\n"), (std::vector<double>{0.0, 1.0}));  // unlisted: 0
  // An empty value means "not given": the stationary distribution.
  const std::vector<double> empty = initial("      initial_regime:\n");
  ASSERT_EQ(empty.size(), 2U);
  EXPECT_NEAR(empty[0], 0.75, 1e-12);
  EXPECT_NEAR(empty[1], 0.25, 1e-12);
}

constexpr std::string_view kNationalChain = R"yaml(base_year: 2024
horizon: 5
national:
  regimes:
    transition:
      normal: [0.8, 0.2]
      crisis: [0.5, 0.5]
    initial: crisis
districts:
  - id: a
    gdp: 100
    growth:
      model: regime_switching
      regimes:
        normal: {mean: 0.05, volatility: 0.01}
        crisis: {mean: -0.02, volatility: 0.04}
  - id: b
    gdp: 50
    growth:
      model: regime_switching
      national_beta: 0
      regimes:
        crisis: {mean: -0.05, volatility: 0.05, persistence: 0.3}
        normal: {mean: 0.07, volatility: 0.02}
)yaml";

TEST(ScenarioModels, DistrictsWithoutTransitionFollowTheNationalChain) {
  const LoadResult r = load(kNationalChain);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Scenario& s = *r.scenario;
  ASSERT_TRUE(s.national.regimes.has_value());
  const models::RegimeChainSpec& chain = *s.national.regimes;
  EXPECT_EQ(chain.regimes, (std::vector<std::string>{"normal", "crisis"}));
  EXPECT_EQ(chain.transition, (std::vector<std::vector<double>>{{0.8, 0.2}, {0.5, 0.5}}));
  EXPECT_EQ(chain.initial, (std::vector<double>{0.0, 1.0}));
  ASSERT_EQ(s.districts.size(), 2U);
  for (const DistrictSpec& d : s.districts) {
    SCOPED_TRACE(d.id);
    EXPECT_EQ(d.growth.model, "regime_switching");
    EXPECT_TRUE(d.growth.national_chain);
    EXPECT_EQ(d.growth.chain.regimes, chain.regimes);
    EXPECT_EQ(d.growth.chain.transition, chain.transition);
    EXPECT_EQ(d.growth.chain.initial, chain.initial);
    ASSERT_EQ(d.growth.regimes.size(), 2U);
    EXPECT_EQ(d.growth.regimes[0].name, "normal");
    EXPECT_EQ(d.growth.regimes[1].name, "crisis");
  }
  // b lists crisis first: its regimes follow the chain's order too.
  EXPECT_EQ(s.districts[1].growth.regimes[0].mean, 0.07);
  EXPECT_EQ(s.districts[1].growth.regimes[1].mean, -0.05);
  EXPECT_EQ(s.districts[1].growth.regimes[1].persistence, 0.3);
  EXPECT_EQ(s.districts[1].growth.national_beta, 0.0);
}

TEST(ScenarioModels, NationalChainInitialDefaultsToStationaryAndAcceptsAMap) {
  std::string stationary(kNationalChain);
  stationary.replace(stationary.find("    initial: crisis\n"), 20, "");
  const LoadResult r = load(stationary);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  // p = P(normal -> crisis) = 0.2, q = P(crisis -> normal) = 0.5: pi = (q, p) / (p + q) = (5/7, 2/7).
  const std::vector<double>& initial = r.scenario->national.regimes->initial;
  ASSERT_EQ(initial.size(), 2U);
  EXPECT_NEAR(initial[0], 0.5 / 0.7, 1e-12);
  EXPECT_NEAR(initial[1], 0.2 / 0.7, 1e-12);
  EXPECT_EQ(r.scenario->districts[1].growth.chain.initial, initial);

  std::string map(kNationalChain);
  map.replace(map.find("initial: crisis"), 15, "initial: {normal: 0.25, crisis: 0.75}");
  const LoadResult m = load(map);
  ASSERT_TRUE(m.ok()) << all_errors(m);
  EXPECT_EQ(m.scenario->national.regimes->initial, (std::vector<double>{0.25, 0.75}));
  EXPECT_EQ(m.scenario->districts[0].growth.chain.initial, (std::vector<double>{0.25, 0.75}));
}

TEST(ScenarioModels, OwnTransitionWinsOverTheNationalChain) {
  std::string yaml(kNationalChain);
  yaml.replace(yaml.find("      national_beta: 0\n"), 23,
               "      transition: {crisis: [0.6, 0.4], normal: [0.1, 0.9]}\n      initial_regime: normal\n");
  const LoadResult r = load(yaml);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const models::GrowthSpec& b = r.scenario->districts[1].growth;
  EXPECT_FALSE(b.national_chain);
  EXPECT_EQ(b.chain.regimes, (std::vector<std::string>{"crisis", "normal"}));
  EXPECT_EQ(b.chain.initial, (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(b.regimes[0].name, "crisis");
  EXPECT_EQ(b.regimes[0].mean, -0.05);
  EXPECT_TRUE(r.scenario->districts[0].growth.national_chain);
}

TEST(ScenarioModels, JumpsUnderGrowthAndUnderNational) {
  const LoadResult r = load(R"yaml(base_year: 2024
horizon: 5
national:
  jumps: {rate: 0.2, size_mean: -0.03, size_sd: 0.01}
districts:
  - id: a
    gdp: 100
    growth:
      mean: 0.05
      volatility: 0.02
      jumps: {rate: 0.1, size_mean: -0.05}
  - id: b
    gdp: 100
    growth:
      model: ar1
      mean: 0.05
      volatility: 0.02
      jumps:
        rate: 0
        size_mean: 0.04
        size_sd: 0.02
  - id: c
    gdp: 100
    growth: {mean: 0.05, volatility: 0.02, jumps: }
)yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Scenario& s = *r.scenario;
  EXPECT_FALSE(s.national.growth.has_value());
  ASSERT_TRUE(s.national.jumps.has_value());
  EXPECT_EQ(s.national.jumps->rate, 0.2);
  EXPECT_EQ(s.national.jumps->size_mean, -0.03);
  EXPECT_EQ(s.national.jumps->size_sd, 0.01);
  ASSERT_TRUE(s.districts[0].growth.jumps.has_value());
  EXPECT_EQ(s.districts[0].growth.jumps->rate, 0.1);
  EXPECT_EQ(s.districts[0].growth.jumps->size_mean, -0.05);
  EXPECT_EQ(s.districts[0].growth.jumps->size_sd, 0.0);  // default
  EXPECT_FALSE(s.districts[0].growth.jumps->size_sd.uncertain());
  ASSERT_TRUE(s.districts[1].growth.jumps.has_value());
  EXPECT_EQ(s.districts[1].growth.model, "ar1");
  EXPECT_EQ(s.districts[1].growth.jumps->rate, 0.0);
  EXPECT_EQ(s.districts[1].growth.jumps->size_mean, 0.04);
  EXPECT_EQ(s.districts[1].growth.jumps->size_sd, 0.02);
  EXPECT_FALSE(s.districts[2].growth.jumps.has_value());  // `jumps:` left empty
}

TEST(ScenarioModels, SectorsSplitADistrict) {
  const LoadResult r = load(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: a
    name: Alpha
    gdp: 200
    sector_correlation: 0.3
    sectors:
      - id: it
        name: Information technology
        share: 0.25
        growth: {mean: 0.08, volatility: 0.03}
        firms:
          stock: 1000
          births: {rate: 100}
          exit_hazard: [0.1]
        firm_feedback: {elasticity: 0.2, lag: 2}
      - id: other
        share: 0.75
        growth:
          model: ar1
          mean: 0.03
          volatility: 0.01
          persistence: 0.4
        firms:
          stock: 500
          births: {rate: 40}
          exit_hazard: [0.05]
  - id: b
    gdp: 100
    sectors:
      - {id: only, share: 1, growth: {mean: 0.02, volatility: 0.01}}
  - id: c
    gdp: 100
    sectors:
      - {id: x, share: 0.5, growth: {mean: 0.02, volatility: 0.01}}
      - {id: y, share: 0.5, growth: {mean: 0.02, volatility: 0.01}, firms: {stock: 7, births: {rate: 1}, exit_hazard: [0.1]}}
)yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Scenario& s = *r.scenario;
  ASSERT_EQ(s.districts.size(), 3U);
  const DistrictSpec& a = s.districts[0];
  EXPECT_EQ(a.name, "Alpha");
  EXPECT_EQ(a.gdp, 200.0);
  EXPECT_EQ(a.sector_correlation, 0.3);
  EXPECT_FALSE(a.firms.has_value());
  ASSERT_EQ(a.sectors.size(), 2U);
  const SectorSpec& it = a.sectors[0];
  EXPECT_EQ(it.id, "it");
  EXPECT_EQ(it.name, "Information technology");
  EXPECT_EQ(it.share, 0.25);
  EXPECT_EQ(it.growth.model, "lognormal");
  EXPECT_EQ(it.growth.mean, 0.08);
  EXPECT_EQ(it.growth.volatility, 0.03);
  ASSERT_TRUE(it.firms.has_value());
  EXPECT_EQ(it.firms->stock, 1000U);
  EXPECT_EQ(it.firms->births.rate, 100.0);
  ASSERT_TRUE(it.firms->feedback.has_value());
  EXPECT_EQ(it.firms->feedback->elasticity, 0.2);
  EXPECT_EQ(it.firms->feedback->lag, 2);
  const SectorSpec& other = a.sectors[1];
  EXPECT_EQ(other.id, "other");
  EXPECT_EQ(other.name, "other");  // defaults to the id
  EXPECT_EQ(other.share, 0.75);
  EXPECT_EQ(other.growth.model, "ar1");
  EXPECT_EQ(other.growth.persistence, 0.4);
  ASSERT_TRUE(other.firms.has_value());
  EXPECT_FALSE(other.firms->feedback.has_value());
  EXPECT_TRUE(a.has_firms());
  EXPECT_EQ(a.firm_stock(), 1500U);

  const DistrictSpec& b = s.districts[1];
  EXPECT_EQ(b.sector_correlation, 0.0);  // default
  ASSERT_EQ(b.sectors.size(), 1U);
  EXPECT_EQ(b.sectors[0].share, 1.0);
  EXPECT_FALSE(b.has_firms());
  EXPECT_EQ(b.firm_stock(), 0U);

  const DistrictSpec& c = s.districts[2];
  EXPECT_TRUE(c.has_firms());  // one sector with firms is enough
  EXPECT_EQ(c.firm_stock(), 7U);
}

TEST(ScenarioModels, FirmFeedbackOnADistrict) {
  const LoadResult r = load(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: a
    gdp: 100
    growth: {mean: 0.05, volatility: 0.02}
    firms: {stock: 100, births: {rate: 10}, exit_hazard: [0.1]}
    firm_feedback: {elasticity: 0.15}
  - id: b
    gdp: 100
    growth: {mean: 0.05, volatility: 0.02}
    firms: {stock: 100, births: {rate: 10}, exit_hazard: [0.1]}
    firm_feedback:
      elasticity: -0.1
      lag: 3
  - id: c
    gdp: 100
    growth: {mean: 0.05, volatility: 0.02}
    firms: {stock: 7, births: {rate: 10}, exit_hazard: [0.1]}
    firm_feedback:
)yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Scenario& s = *r.scenario;
  ASSERT_TRUE(s.districts[0].firms->feedback.has_value());
  EXPECT_EQ(s.districts[0].firms->feedback->elasticity, 0.15);
  EXPECT_EQ(s.districts[0].firms->feedback->lag, 1);  // default
  ASSERT_TRUE(s.districts[1].firms->feedback.has_value());
  EXPECT_EQ(s.districts[1].firms->feedback->elasticity, -0.1);
  EXPECT_EQ(s.districts[1].firms->feedback->lag, 3);
  EXPECT_FALSE(s.districts[2].firms->feedback.has_value());  // `firm_feedback:` left empty
  EXPECT_TRUE(s.districts[2].has_firms());
  EXPECT_EQ(s.districts[2].firm_stock(), 7U);
}

TEST(ScenarioModels, ScheduledShocksResolveDefaultsAndTargets) {
  const LoadResult r = load(SHOCK_HEAD R"yaml(  - name: export_controls
    year: 2025
    probability: 0.3
    growth_impact: -0.02
  - name: stimulus
    year: 2029
    probability: 1
    growth_impact: 0.01
    persistence: 0.5
    districts: [a, bb.it]
  - {name: property, year: 2027, probability: 0, growth_impact: -0.1, persistence: 1, districts: [bb]}
  - {name: nothing, year: 2026, probability: 0.1, growth_impact: 0, districts: }
)yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const std::vector<ScheduledShockSpec>& shocks = r.scenario->scheduled_shocks;
  ASSERT_EQ(shocks.size(), 4U);
  EXPECT_EQ(shocks[0].name, "export_controls");
  EXPECT_EQ(shocks[0].year, 2025);  // base_year + 1 is the first allowed year
  EXPECT_EQ(shocks[0].probability, 0.3);
  EXPECT_EQ(shocks[0].growth_impact, -0.02);
  EXPECT_EQ(shocks[0].persistence, 0.0);  // default
  EXPECT_FALSE(shocks[0].persistence.uncertain());
  EXPECT_TRUE(shocks[0].targets.empty());  // default: every district
  EXPECT_EQ(shocks[1].name, "stimulus");
  EXPECT_EQ(shocks[1].year, 2029);  // base_year + horizon is the last
  EXPECT_EQ(shocks[1].probability, 1.0);
  EXPECT_EQ(shocks[1].persistence, 0.5);
  EXPECT_EQ(shocks[1].targets, (std::vector<std::string>{"a", "bb.it"}));
  EXPECT_EQ(shocks[2].targets, (std::vector<std::string>{"bb"}));
  EXPECT_EQ(shocks[2].persistence, 1.0);
  EXPECT_EQ(shocks[2].probability, 0.0);
  EXPECT_TRUE(shocks[3].targets.empty());  // `districts:` left empty
  EXPECT_TRUE(r.scenario->parameters.empty());
}

TEST(ScenarioModels, UncertainParametersAreRegisteredInReadingOrder) {
  const LoadResult r = load(R"yaml(base_year: 2024
horizon: 5
national:
  growth:
    mean: 0.04
    volatility: {lognormal: [-4, 0.5]}
  jumps: {rate: 0.1, size_mean: {normal: [-0.05, 0.01]}}
districts:
  - id: a
    gdp: 100
    growth:
      mean: {normal: [0.05, 0.01]}
      volatility: 0.02
      jumps: {rate: {triangular: [0, 0.1, 0.5]}, size_mean: -0.05}
    firms:
      stock: 100
      births: {rate: {uniform: [80, 120]}}
      exit_hazard: [0.1]
    firm_feedback: {elasticity: {beta: [2, 6, 0.1, 0.5]}}
  - id: b
    gdp: 100
    sectors:
      - id: it
        share: 1
        growth:
          model: regime_switching
          transition:
            slow: [0.8, 0.2]
            fast: [0.4, 0.6]
          regimes:
            fast: {mean: 0.06, volatility: {beta: [2, 2, 0, 0.04]}}
            slow: {mean: {normal: [0.01, 0.005]}, volatility: 0.02}
scheduled_shocks:
  - name: export_controls
    year: 2027
    probability: {beta: [2, 8]}
    growth_impact: {uniform: [-0.04, -0.01]}
    persistence: {triangular: [0, 0.5, 1]}
)yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Scenario& s = *r.scenario;
  struct Expected {
    const char* key;
    const char* path;
    models::ParamFamily family;
    std::vector<double> args;
    double mean;
  };
  const std::vector<Expected> expected{
      {"national.growth.volatility", "national.growth.volatility", models::ParamFamily::lognormal, {-4, 0.5},
       std::exp(-4 + 0.125)},
      {"national.jumps.size_mean", "national.jumps.size_mean", models::ParamFamily::normal, {-0.05, 0.01}, -0.05},
      {"a.growth.mean", "districts[0].growth.mean", models::ParamFamily::normal, {0.05, 0.01}, 0.05},
      {"a.growth.jumps.rate", "districts[0].growth.jumps.rate", models::ParamFamily::triangular, {0, 0.1, 0.5}, 0.2},
      {"a.firms.births.rate", "districts[0].firms.births.rate", models::ParamFamily::uniform, {80, 120}, 100},
      {"a.firm_feedback.elasticity", "districts[0].firm_feedback.elasticity", models::ParamFamily::beta,
       {2, 6, 0.1, 0.5}, 0.2},
      // Regimes are read in the chain's order (slow, fast), not the order of `regimes`.
      {"b.it.growth.regimes.slow.mean", "districts[1].sectors[0].growth.regimes.slow.mean", models::ParamFamily::normal,
       {0.01, 0.005}, 0.01},
      {"b.it.growth.regimes.fast.volatility", "districts[1].sectors[0].growth.regimes.fast.volatility",
       models::ParamFamily::beta, {2, 2, 0, 0.04}, 0.02},
      {"scheduled_shocks.export_controls.probability", "scheduled_shocks[0].probability", models::ParamFamily::beta,
       {2, 8, 0, 1}, 0.2},
      {"scheduled_shocks.export_controls.growth_impact", "scheduled_shocks[0].growth_impact",
       models::ParamFamily::uniform, {-0.04, -0.01}, -0.025},
      {"scheduled_shocks.export_controls.persistence", "scheduled_shocks[0].persistence",
       models::ParamFamily::triangular, {0, 0.5, 1}, 0.5},
  };
  ASSERT_EQ(s.parameters.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].key);
    EXPECT_EQ(s.parameters[i].key, expected[i].key);
    EXPECT_EQ(s.parameters[i].path, expected[i].path);
    EXPECT_EQ(s.parameters[i].distribution.family, expected[i].family);
    EXPECT_EQ(s.parameters[i].distribution.args, expected[i].args);
    EXPECT_NEAR(s.parameters[i].distribution.mean(), expected[i].mean, 1e-12);
  }
  // Each Param points at its slot and holds the distribution's mean.
  const auto check = [&](const models::Param& p, std::int32_t slot) {
    EXPECT_TRUE(p.uncertain());
    EXPECT_EQ(p.slot, slot);
    EXPECT_DOUBLE_EQ(p.value, expected[static_cast<std::size_t>(slot)].mean);
  };
  {
    SCOPED_TRACE("params");
    check(s.national.growth->volatility, 0);
    check(s.national.jumps->size_mean, 1);
    const DistrictSpec& a = s.districts[0];
    check(a.growth.mean, 2);
    check(a.growth.jumps->rate, 3);
    check(a.firms->births.rate, 4);
    check(a.firms->feedback->elasticity, 5);
    const models::GrowthSpec& it = s.districts[1].sectors[0].growth;
    ASSERT_EQ(it.regimes.size(), 2U);
    EXPECT_EQ(it.regimes[0].name, "slow");
    check(it.regimes[0].mean, 6);
    check(it.regimes[1].volatility, 7);
    check(s.scheduled_shocks[0].probability, 8);
    check(s.scheduled_shocks[0].growth_impact, 9);
    check(s.scheduled_shocks[0].persistence, 10);
  }
  // Fixed numbers stay fixed.
  EXPECT_FALSE(s.national.growth->mean.uncertain());
  EXPECT_EQ(s.national.growth->mean, 0.04);
  EXPECT_FALSE(s.districts[0].growth.volatility.uncertain());
  EXPECT_FALSE(s.districts[1].sectors[0].growth.regimes[0].volatility.uncertain());
  EXPECT_FALSE(s.districts[1].sectors[0].growth.regimes[1].mean.uncertain());
}

TEST(ScenarioModels, DistributionsWhoseSupportFitsTheRangeAreAccepted) {
  // volatility >= 0: lognormal, beta, uniform from 0, a degenerate normal; persistence in (-1, 1): a uniform
  // strictly inside; probability in [0, 1]: beta on [0, 1] and uniform [0, 1].
  const LoadResult r = load(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {mean: {triangular: [0, 0, 0.1]}, volatility: {lognormal: [-4, 0.3]}}}
  - {id: b, gdp: 1, growth: {mean: 0, volatility: {beta: [1, 1]}}}
  - {id: c, gdp: 1, growth: {mean: 0, volatility: {uniform: [0, 0.1]}}}
  - {id: d, gdp: 1, growth: {mean: 0, volatility: {normal: [0.02, 0]}}}
  - {id: e, gdp: 1, growth: {model: ar1, mean: 0, volatility: 0.1, persistence: {uniform: [-0.9, 0.99]}}}
scheduled_shocks:
  - {name: s, year: 2025, probability: {uniform: [0, 1]}, growth_impact: {normal: [-0.02, 0.05]}}
)yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.scenario->parameters.size(), 8U);
}

// ====================================================================================== regime switching errors

TEST(ScenarioModels, TransitionRowMustSumToOne) {
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom: [0.9, 0.2]\n        bust: [0.3, 0.7]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.boom", WORDS("this transition row sums to 1.1", "must sum to 1"), 9, 15);
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom: [0.9, 0.1]\n        bust: [0.3, 0.6]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.bust", WORDS("this transition row sums to", "must sum to 1"), 10, 15);
}

TEST(ScenarioModels, TransitionRowOfWrongLength) {
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom: [0.9, 0.05, 0.05]\n        bust: [0.3, 0.7]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.boom",
               WORDS("this transition row has 3 entries, expected 2 (one per regime: boom, bust)"), 9, 15);
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom: [0.9, 0.1]\n        bust: 1\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.bust", WORDS("expected a list", "'1'"), 10, 15);
  EXPECT_ERROR(REGIME_HEAD "      transition: [[0.9, 0.1], [0.3, 0.7]]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition", WORDS("expected one row per regime", "a list of 2 entries"), 8, 19);
  EXPECT_ERROR(REGIME_HEAD "      transition: {}\n" BOOM_BUST_REGIMES, "districts[0].growth.transition",
               WORDS("must list between 1 and 16 regimes (got 0)"), 8, 19);
}

TEST(ScenarioModels, InvalidTransitionProbability) {
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom: [1.2, -0.2]\n        bust: [0.3, 0.7]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.boom[0]", WORDS("must be in [0, 1] (got 1.2)"), 9, 16);
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom: [0.9, 0.1]\n        bust: [0.3, seven]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.bust[1]", WORDS("expected a number", "'seven'"), 10, 21);
}

TEST(ScenarioModels, DuplicateRegimeName) {
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom: [0.9, 0.1]\n        boom: [0.3, 0.7]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.boom", WORDS("duplicate key"), 10, 9);
}

TEST(ScenarioModels, InvalidRegimeName) {
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        Boom: [0.9, 0.1]\n        bust: [0.3, 0.7]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.Boom", WORDS("'Boom' is not a valid regime name"), 9, 9);
}

TEST(ScenarioModels, InitialRegimeUnknownNameSuggestsOne) {
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: bom\n", "districts[0].growth.initial_regime",
               WORDS("unknown value 'bom'", "did you mean 'boom'?"), 14, 23);
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: recession\n", "districts[0].growth.initial_regime",
               WORDS("unknown value 'recession'", "expected one of boom, bust"), 14, 23);
}

TEST(ScenarioModels, InitialRegimeProbabilitiesMustSumToOne) {
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: {boom: 0.5, bust: 0.4}\n",
               "districts[0].growth.initial_regime", WORDS("initial regime probabilities sum to 0.9", "must sum to 1"),
               14, 23);
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: {boom: 1.5, bust: 1}\n",
               "districts[0].growth.initial_regime.boom", WORDS("must be in [0, 1] (got 1.5)"), 14, 30);
  // An invalid entry counts as 0 for the sum, which (0 + 1) then holds: one error each.
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: {boom: -0.5, bust: 1}\n",
               "districts[0].growth.initial_regime.boom", WORDS("must be in [0, 1] (got -0.5)"), 14, 30);
}

TEST(ScenarioModels, InitialRegimeUnknownNameInTheMapSuggestsOne) {
  // The first diagnostic; the count is checked by InitialRegimeSumIsNotCheckedAfterInvalidEntries.
  EXPECT_FIRST_ERROR(std::string(kOwnChain) + "      initial_regime: {boom: 0.5, bost: 0.5}\n",
                     "districts[0].growth.initial_regime.bost", WORDS("unknown key", "did you mean 'bust'?"), 14, 35);
}

TEST(ScenarioModels, InitialRegimeSumIsNotCheckedAfterInvalidEntries) {
  EXPECT_ERRORS(2, std::string(kOwnChain) + "      initial_regime: {boom: 1.5, bust: -0.5}\n",
                "districts[0].growth.initial_regime.boom", WORDS("must be in [0, 1] (got 1.5)"), 14, 30);
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: {boom: 0.5, bost: 0.5}\n",
               "districts[0].growth.initial_regime.bost", WORDS("unknown key", "did you mean 'bust'?"), 14, 35);
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: {boom: {uniform: [0.2, 0.4]}, bust: 0.7}\n",
               "districts[0].growth.initial_regime.boom", WORDS("must be a fixed number"), 14, 30);
}

TEST(ScenarioModels, InitialRegimeAsAListSaysBothForms) {
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: [0.75, 0.25]\n", "districts[0].growth.initial_regime",
               WORDS("regime name", "boom"), 14, 23);
}

TEST(ScenarioModels, MeanAtTopLevelOfRegimeSwitching) {
  EXPECT_ERROR(REGIME_HEAD "      mean: 0.05\n      transition: {boom: [0.9, 0.1], bust: [0.3, 0.7]}\n" BOOM_BUST_REGIMES,
               "districts[0].growth.mean", WORDS("regime_switching takes mean, volatility and persistence per regime", "regimes:"), 8,
               13);
  EXPECT_ERROR(REGIME_HEAD "      transition: {boom: [0.9, 0.1], bust: [0.3, 0.7]}\n      volatility: 0.02\n" BOOM_BUST_REGIMES,
               "districts[0].growth.volatility", WORDS("regime_switching takes mean, volatility and persistence per regime"), 9, 19);
}

TEST(ScenarioModels, PersistenceAtTopLevelOfRegimeSwitchingPointsToRegimes) {
  EXPECT_ERROR(REGIME_HEAD "      persistence: 0.5\n      transition: {boom: [0.9, 0.1], bust: [0.3, 0.7]}\n" BOOM_BUST_REGIMES,
               "districts[0].growth.persistence", WORDS("per regime", "regimes"), 8, 20);
}

TEST(ScenarioModels, RegimesMustListEveryRegimeOfTheChain) {
  EXPECT_ERROR(REGIME_HEAD "      transition: {boom: [0.9, 0.1], bust: [0.3, 0.7]}\n"
                           "      regimes:\n        boom: {mean: 0.06, volatility: 0.01}\n",
               "districts[0].growth.regimes.bust", WORDS("missing regime 'bust'", "boom, bust"), 10, 9);
  EXPECT_ERROR(REGIME_HEAD "      transition: {boom: [0.9, 0.1], bust: [0.3, 0.7]}\n" BOOM_BUST_REGIMES
                           "        busts: {mean: 0, volatility: 0.1}\n",
               "districts[0].growth.regimes.busts", WORDS("unknown key", "did you mean 'bust'?"), 12, 9);
  EXPECT_ERROR(REGIME_HEAD "      transition: {boom: [0.9, 0.1], bust: [0.3, 0.7]}\n"
                           "      regimes:\n        boom: {mean: 0.06}\n        bust: {mean: -0.01, volatility: 0.03}\n",
               "districts[0].growth.regimes.boom.volatility", WORDS("missing required key"), 10, 15);
  EXPECT_ERROR(REGIME_HEAD "      transition: {boom: [0.9, 0.1], bust: [0.3, 0.7]}\n",
               "districts[0].growth.regimes", WORDS("missing required key"), 7, 7);
}

TEST(ScenarioModels, RegimeSwitchingNeedsAChain) {
  EXPECT_ERROR(REGIME_HEAD BOOM_BUST_REGIMES, "districts[0].growth.transition",
               WORDS("missing required key", "transition", "national.regimes"), 7, 7);
}

constexpr std::string_view kNationalHead = R"yaml(base_year: 2024
horizon: 5
national:
  regimes:
    transition:
      normal: [0.8, 0.2]
      crisis: [0.5, 0.5]
districts:
  - id: a
    gdp: 100
    growth:
      model: regime_switching
)yaml";

TEST(ScenarioModels, InitialRegimeWithTheNationalChain) {
  EXPECT_ERROR(std::string(kNationalHead) + "      initial_regime: crisis\n      regimes:\n"
                                            "        normal: {mean: 0.05, volatility: 0.01}\n"
                                            "        crisis: {mean: -0.02, volatility: 0.04}\n",
               "districts[0].growth.initial_regime", WORDS("follows the national chain", "national.regimes.initial"), 13,
               23);
}

TEST(ScenarioModels, NationalRegimesErrors) {
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
national:
  regimes:
    initial: normal
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "national.regimes.transition", WORDS("missing required key"), 5, 5);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
national:
  regimes:
    transition: {normal: [0.8, 0.2], crisis: [0.5, 0.5]}
    initial: crisys
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "national.regimes.initial", WORDS("unknown value 'crisys'", "did you mean 'crisis'?"), 6, 14);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
national:
  regimes:
    transition: {normal: [0.8, 0.2], crisis: [0.5, 0.5]}
    initial_regime: crisis
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "national.regimes.initial_regime", WORDS("unknown key", "transition, initial"), 6, 5);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
national:
  regimes:
    transition: {normal: [0.8, 0.2], crisis: [0.5, 0.5]}
    initial: {normal: 0.5, crisis: 0.6}
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "national.regimes.initial", WORDS("sum to 1.1", "must sum to 1"), 6, 14);
}

TEST(ScenarioModels, InvalidNationalChainIsReportedOnce) {
  std::string yaml(kNationalHead);
  yaml.replace(yaml.find("[0.5, 0.5]"), 10, "[0.5, 0.4]");
  EXPECT_ERROR(yaml + "      regimes:\n        normal: {mean: 0.05, volatility: 0.01}\n"
                      "        crisis: {mean: -0.02, volatility: 0.04}\n",
               "national.regimes.transition.crisis", WORDS("sums to 0.9", "must sum to 1"), 7, 15);
}

TEST(ScenarioModels, RegimeKeysOnlyApplyToRegimeSwitching) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: 0.02\n"
                             "      transition: {boom: [0.9, 0.1], bust: [0.3, 0.7]}\n",
               "districts[0].growth.transition", WORDS("does not apply to growth model 'lognormal'", "regime_switching"),
               9, 7);
}

TEST(ScenarioModels, TransitionRowGivenEmptyPointsAtItsKey) {
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom:\n        bust: [0.3, 0.7]\n" BOOM_BUST_REGIMES,
               "districts[0].growth.transition.boom", WORDS("expected a list", "nothing (null)"), 9, 9);
}

// ================================================================================================= jumps errors

TEST(ScenarioModels, JumpErrors) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: 0.02\n"
                             "      jumps: {rate: -0.1, size_mean: -0.05}\n",
               "districts[0].growth.jumps.rate", WORDS("must be in [0, 1000] (got -0.1)"), 9, 21);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: 0.02\n"
                             "      jumps: {rate: 1001, size_mean: -0.05}\n",
               "districts[0].growth.jumps.rate", WORDS("must be in [0, 1000] (got 1001)"), 9, 21);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: 0.02\n      jumps: {rate: 0.1}\n",
               "districts[0].growth.jumps.size_mean", WORDS("missing required key"), 9, 14);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: 0.02\n"
                             "      jumps: {rate: 0.1, size_mean: 0, size_sd: -0.01}\n",
               "districts[0].growth.jumps.size_sd", WORDS("must be >= 0 (got -0.01)"), 9, 49);
  // A misspelt key, and (second error) the required size_mean it was meant to be.
  EXPECT_ERRORS(2, DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: 0.02\n"
                                "      jumps: {rate: 0.1, size: -0.05}\n",
                "districts[0].growth.jumps.size", WORDS("unknown key", "rate, size_mean, size_sd"), 9, 26);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
national:
  jumps: {rate: 0.1, size_sd: 0.01}
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "national.jumps.size_mean", WORDS("missing required key"), 4, 10);
  EXPECT_ERROR(R"yaml(base_year: 2024
horizon: 5
national:
  jumps:
    rate: -1
    size_mean: -0.05
districts:
  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "national.jumps.rate", WORDS("must be in [0, 1000] (got -1)"), 5, 11);
}

// =============================================================================================== sectors errors

TEST(ScenarioModels, SectorSharesMustSumToOne) {
  EXPECT_ERROR(DISTRICT_HEAD R"yaml(    sectors:
      - {id: it, share: 0.5, growth: {mean: 0, volatility: 0.1}}
      - {id: rest, share: 0.4, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "districts[0].sectors", WORDS("sector shares sum to 0.9", "must sum to 1"), 7, 7);
  EXPECT_ERROR(DISTRICT_HEAD R"yaml(    sectors:
      - {id: it, share: 0, growth: {mean: 0, volatility: 0.1}}
      - {id: rest, share: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "districts[0].sectors[0].share", WORDS("must be in (0, 1] (got 0)"), 7, 25);
  EXPECT_ERROR(DISTRICT_HEAD R"yaml(    sectors:
      - {id: it, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "districts[0].sectors[0].share", WORDS("missing required key"), 7, 9);
  EXPECT_ERROR(DISTRICT_HEAD "    sectors: []\n", "districts[0].sectors",
               WORDS("must list between 1 and 20 sectors (got 0)"), 6, 14);
}

TEST(ScenarioModels, UnitKeysAtDistrictLevelNextToSectors) {
  EXPECT_ERROR(DISTRICT_HEAD R"yaml(    growth: {mean: 0, volatility: 0.1}
    sectors:
      - {id: it, share: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "districts[0].growth", WORDS("with sectors, growth belongs to each sector",
                                            "districts[i].sectors[j].growth"),
               6, 13);
  EXPECT_ERROR(DISTRICT_HEAD R"yaml(    firms: {stock: 1, births: {rate: 1}, exit_hazard: [0.1]}
    sectors:
      - {id: it, share: 1, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "districts[0].firms", WORDS("with sectors, firms belongs to each sector"), 6, 12);
  EXPECT_ERROR(DISTRICT_HEAD R"yaml(    sectors:
      - {id: it, share: 1, growth: {mean: 0, volatility: 0.1}}
    firm_feedback: {elasticity: 0.1}
)yaml",
               "districts[0].firm_feedback", WORDS("with sectors, firm_feedback belongs to each sector"), 8, 20);
}

TEST(ScenarioModels, SectorCorrelationErrors) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth: {mean: 0, volatility: 0.1}\n    sector_correlation: 0.5\n",
               "districts[0].sector_correlation", WORDS("only applies with sectors"), 7, 25);
  for (const char* value : {"1.5", "-0.2"}) {
    SCOPED_TRACE(value);
    EXPECT_ERROR(std::string(DISTRICT_HEAD "    sector_correlation: ") + value +
                     "\n    sectors:\n      - {id: it, share: 1, growth: {mean: 0, volatility: 0.1}}\n",
                 "districts[0].sector_correlation", WORDS("must be in [0, 1] (got", value), 6, 25);
  }
  EXPECT_ERROR(DISTRICT_HEAD "    sector_correlation: {uniform: [0, 1]}\n"
                             "    sectors:\n      - {id: it, share: 1, growth: {mean: 0, volatility: 0.1}}\n",
               "districts[0].sector_correlation", WORDS("must be a fixed number"), 6, 25);
}

TEST(ScenarioModels, DuplicateSectorId) {
  // The first diagnostic; the count is checked by DuplicateSectorIdIsReportedOnce.
  EXPECT_FIRST_ERROR(DISTRICT_HEAD R"yaml(    sectors:
      - {id: it, share: 0.5, growth: {mean: 0, volatility: 0.1}}
      - {id: it, share: 0.5, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "districts[0].sectors[1].id", WORDS("duplicate sector id 'it'", "also districts[0].sectors[0]"), 8, 14);
}

TEST(ScenarioModels, DuplicateSectorIdIsReportedOnce) {
  EXPECT_ERROR(DISTRICT_HEAD R"yaml(    sectors:
      - {id: it, share: 0.5, growth: {mean: 0, volatility: 0.1}}
      - {id: it, share: 0.5, growth: {mean: 0, volatility: 0.1}}
)yaml",
               "districts[0].sectors[1].id", WORDS("duplicate sector id 'it'", "also districts[0].sectors[0]"), 8, 14);
}

TEST(ScenarioModels, InvalidSectorId) {
  for (const char* id : {"IT", "i-t", "'a.b'"}) {
    SCOPED_TRACE(id);
    EXPECT_ERROR(std::string(DISTRICT_HEAD "    sectors:\n      - {id: ") + id +
                     ", share: 1, growth: {mean: 0, volatility: 0.1}}\n",
                 "districts[0].sectors[0].id", WORDS("is not a valid sector id", "lower-case letters, digits and _"), 7,
                 14);
  }
}

TEST(ScenarioModels, EmptySectorsKeyMeansNoSectors) {
  const LoadResult r = load(DISTRICT_HEAD "    growth: {mean: 0.05, volatility: 0.02}\n    sectors:\n"
                                          "#      - {id: it, share: 1, growth: {mean: 0, volatility: 0.1}}\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_TRUE(r.scenario->districts[0].sectors.empty());
}

// ========================================================================================= firm_feedback errors

TEST(ScenarioModels, FirmFeedbackNeedsFirms) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth: {mean: 0, volatility: 0.1}\n    firm_feedback: {elasticity: 0.1}\n",
               "districts[0].firm_feedback", WORDS("needs a firms block here"), 7, 20);
  EXPECT_ERROR(DISTRICT_HEAD R"yaml(    sectors:
      - id: it
        share: 1
        growth: {mean: 0, volatility: 0.1}
        firm_feedback: {elasticity: 0.1}
)yaml",
               "districts[0].sectors[0].firm_feedback", WORDS("needs a firms block here"), 10, 24);
}

TEST(ScenarioModels, FirmFeedbackErrors) {
  const std::string head = DISTRICT_HEAD "    growth: {mean: 0, volatility: 0.1}\n"
                                         "    firms: {stock: 1, births: {rate: 1}, exit_hazard: [0.1]}\n";
  EXPECT_ERROR(head + "    firm_feedback: {elasticity: 0.1, lag: 0}\n", "districts[0].firm_feedback.lag",
               WORDS("must be in [1, 100] (got 0)"), 8, 43);
  EXPECT_ERROR(head + "    firm_feedback: {elasticity: 0.1, lag: 101}\n", "districts[0].firm_feedback.lag",
               WORDS("must be in [1, 100] (got 101)"), 8, 43);
  EXPECT_ERROR(head + "    firm_feedback: {elasticity: 0.1, lag: 1.5}\n", "districts[0].firm_feedback.lag",
               WORDS("expected a whole number (got 1.5)"), 8, 43);
  EXPECT_ERROR(head + "    firm_feedback: {lag: 2}\n", "districts[0].firm_feedback.elasticity",
               WORDS("missing required key"), 8, 20);
  EXPECT_ERROR(head + "    firm_feedback: {elasticity: 0.1, delay: 2}\n", "districts[0].firm_feedback.delay",
               WORDS("unknown key"), 8, 38);
}

// ======================================================================================= scheduled shock errors

TEST(ScenarioModels, ScheduledShockYearOutsideTheHorizon) {
  for (const char* year : {"2024", "2030", "1990"}) {
    SCOPED_TRACE(year);
    EXPECT_ERROR(std::string(SHOCK_HEAD "  - name: s1\n    year: ") + year +
                     "\n    probability: 0.5\n    growth_impact: -0.01\n",
                 "scheduled_shocks[0].year", WORDS("must be in [2025, 2029] (got", year), 12, 11);
  }
  EXPECT_ERROR(SHOCK_HEAD "  - {name: s1, probability: 0.5, growth_impact: -0.01}\n", "scheduled_shocks[0].year",
               WORDS("missing required key"), 11, 5);
}

TEST(ScenarioModels, ScheduledShockUnknownTarget) {
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 0.5\n    growth_impact: -0.01\n"
                          "    districts: [a, bb.itt]\n",
               "scheduled_shocks[0].districts[1]",
               WORDS("unknown district or sector 'bb.itt'", "did you mean 'bb.it'?", "district.sector"), 15, 20);
  // A bare sector id: no suggestion, but the hint on how to name a sector.
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 0.5\n    growth_impact: -0.01\n"
                          "    districts: [rest]\n",
               "scheduled_shocks[0].districts[0]",
               WORDS("unknown district or sector 'rest'", "(a sector is written district.sector)"), 15, 17);
  // "district.sector" of a district without sectors.
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 0.5\n    growth_impact: -0.01\n"
                          "    districts: [a.it]\n",
               "scheduled_shocks[0].districts[0]", WORDS("unknown district or sector 'a.it'"), 15, 17);
}

TEST(ScenarioModels, ScheduledShockTargetListedTwice) {
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 0.5\n    growth_impact: -0.01\n"
                          "    districts: [a, bb.it, a]\n",
               "scheduled_shocks[0].districts[2]", WORDS("'a' is listed twice"), 15, 27);
}

TEST(ScenarioModels, ScheduledShockSectorAlsoCoveredByItsDistrict) {
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 0.5\n    growth_impact: -0.01\n"
                          "    districts: [bb, bb.it]\n",
               "scheduled_shocks[0].districts[1]", WORDS("bb.it", "bb"), 15, 21);
}

TEST(ScenarioModels, DuplicateScheduledShockName) {
  EXPECT_ERROR(SHOCK_HEAD "  - {name: s1, year: 2026, probability: 0.5, growth_impact: -0.01}\n"
                          "  - {name: s1, year: 2027, probability: 0.5, growth_impact: -0.01}\n",
               "scheduled_shocks[1].name", WORDS("duplicate shock name 's1'", "also scheduled_shocks[0]"), 12, 12);
  EXPECT_ERROR(SHOCK_HEAD "  - {name: Export, year: 2026, probability: 0.5, growth_impact: -0.01}\n",
               "scheduled_shocks[0].name", WORDS("'Export' is not a valid shock name"), 11, 12);
}

TEST(ScenarioModels, ScheduledShockEmptyDistrictList) {
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 0.5\n    growth_impact: -0.01\n"
                          "    districts: []\n",
               "scheduled_shocks[0].districts", WORDS("must list at least one district", "leave the key out"), 15, 16);
}

TEST(ScenarioModels, ScheduledShockProbabilityAndPersistenceRanges) {
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 1.5\n    growth_impact: -0.01\n",
               "scheduled_shocks[0].probability", WORDS("must be in [0, 1] (got 1.5)"), 13, 18);
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 0.5\n    growth_impact: -0.01\n"
                          "    persistence: 1.2\n",
               "scheduled_shocks[0].persistence", WORDS("must be in [0, 1] (got 1.2)"), 15, 18);
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: {normal: [0.5, 0.1]}\n    growth_impact: -0.01\n",
               "scheduled_shocks[0].probability", WORDS("normal(0.5, 0.1)", "must be in [0, 1]"), 13, 18);
  EXPECT_ERROR(SHOCK_HEAD "  - name: s1\n    year: 2026\n    probability: 0.5\n",
               "scheduled_shocks[0].growth_impact", WORDS("missing required key"), 11, 5);
}

// ================================================================================================ distributions

TEST(ScenarioModels, DistributionSupportOutsideTheRange) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: {normal: [0.02, 0.01]}\n",
               "districts[0].growth.volatility",
               WORDS("normal(0.02, 0.01) can take values in [-inf, inf]", "must be >= 0", "choose a distribution"), 8,
               19);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      model: ar1\n      mean: 0.05\n      volatility: 0.02\n"
                             "      persistence: {uniform: [0.5, 1.2]}\n",
               "districts[0].growth.persistence",
               WORDS("uniform(0.5, 1.2) can take values in [0.5, 1.2]", "must be in (-1, 1)"), 10, 20);
  // persistence in (-1, 1) is open: a bounded distribution reaching 1 is rejected.
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      model: ar1\n      mean: 0.05\n      volatility: 0.02\n"
                             "      persistence: {beta: [2, 2]}\n",
               "districts[0].growth.persistence", WORDS("beta(2, 2) can take values in [0, 1]", "must be in (-1, 1)"),
               10, 20);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: {triangular: [-0.01, 0.02, 0.05]}\n",
               "districts[0].growth.volatility", WORDS("triangular(-0.01, 0.02, 0.05)", "[-0.01, 0.05]"), 8, 19);
}

TEST(ScenarioModels, DistributionWithTheWrongNumberOfArguments) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {normal: [0.05]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.normal", WORDS("normal takes [mean, sd] (2 numbers), got 1"), 7, 22);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {triangular: [0, 0.1]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.triangular", WORDS("triangular takes [low, mode, high] (3 numbers), got 2"), 7,
               26);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {beta: [2, 2, 0]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.beta", WORDS("beta takes [alpha, beta] or [alpha, beta, low, high]", "got 3"), 7,
               20);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {uniform: []}\n      volatility: 0.02\n",
               "districts[0].growth.mean.uniform", WORDS("uniform takes [low, high] (2 numbers), got 0"), 7, 23);
}

TEST(ScenarioModels, DistributionConstraintViolated) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {uniform: [0.2, 0.1]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.uniform", WORDS("uniform needs low < high (got [0.2, 0.1])"), 7, 23);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {uniform: [0.1, 0.1]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.uniform", WORDS("uniform needs low < high"), 7, 23);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {normal: [0.05, -0.01]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.normal", WORDS("sd must be >= 0 (got -0.01)"), 7, 22);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {triangular: [0, 0.5, 0.3]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.triangular", WORDS("triangular needs low <= mode <= high"), 7, 26);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {lognormal: [-3, -1]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.lognormal", WORDS("s must be >= 0 (got -1)"), 7, 25);
}

TEST(ScenarioModels, BetaShapesBelowTheMinimum) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {beta: [0.01, 2]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.beta", WORDS("alpha must be >= 0.05 (got 0.01)"), 7, 20);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {beta: [2, 0.04]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.beta", WORDS("beta must be >= 0.05 (got 0.04)"), 7, 20);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {beta: [2, 2, 0.5, 0.5]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.beta", WORDS("beta needs low < high (got [0.5, 0.5])"), 7, 20);
  const LoadResult ok = load(DISTRICT_HEAD "    growth:\n      mean: {beta: [0.05, 0.05, -0.1, 0.1]}\n      volatility: 0.02\n");
  ASSERT_TRUE(ok.ok()) << all_errors(ok);
}

TEST(ScenarioModels, DistributionOnAFixedOnlyKey) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: 0.05\n      volatility: 0.02\n      shocks: student_t\n"
                             "      dof: {normal: [5, 1]}\n",
               "districts[0].growth.dof",
               WORDS("must be a fixed number", "only model parameters can be drawn from a distribution", "{normal: ...}"),
               10, 12);
  EXPECT_ERROR(DISTRICT_HEAD "    growth: {mean: 0.05, volatility: 0.02}\n"
                             "    firms: {stock: 1, births: {rate: 1}, exit_hazard: [{uniform: [0.01, 0.02]}, 0.1]}\n",
               "districts[0].firms.exit_hazard[0]", WORDS("must be a fixed number", "{uniform: ...}"), 7, 56);
  EXPECT_ERROR(DISTRICT_HEAD "    sectors:\n      - {id: it, share: {uniform: [0.9, 1]}, growth: {mean: 0, volatility: 0.1}}\n",
               "districts[0].sectors[0].share", WORDS("must be a fixed number", "{uniform: ...}"), 7, 25);
  EXPECT_ERROR(REGIME_HEAD "      transition:\n        boom: [{uniform: [0.8, 0.9]}, 0.1]\n        bust: [0.3, 0.7]\n"
                           BOOM_BUST_REGIMES,
               "districts[0].growth.transition.boom[0]", WORDS("must be a fixed number", "{uniform: ...}"), 9, 16);
  EXPECT_ERROR("base_year: 2024\nhorizon: 5\ndistricts:\n  - id: a\n    gdp: {normal: [100, 5]}\n"
               "    growth: {mean: 0.05, volatility: 0.02}\n",
               "districts[0].gdp", WORDS("must be a fixed number", "{normal: ...}"), 5, 10);
  EXPECT_ERROR(std::string(kOwnChain) + "      initial_regime: {boom: {uniform: [0.2, 0.4]}, bust: 1}\n",
               "districts[0].growth.initial_regime.boom", WORDS("must be a fixed number"), 14, 30);
}

TEST(ScenarioModels, DistributionOnAWholeNumberKeySaysItMustBeFixed) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth: {mean: 0, volatility: 0.1}\n"
                             "    firms: {stock: 1, births: {rate: 1}, exit_hazard: [0.1]}\n"
                             "    firm_feedback: {elasticity: 0.1, lag: {uniform: [1, 3]}}\n",
               "districts[0].firm_feedback.lag", WORDS("must be a fixed whole number"), 8, 43);
  EXPECT_ERROR(SHOCK_HEAD "  - {name: s1, year: {uniform: [2026, 2028]}, probability: 0.5, growth_impact: -0.01}\n",
               "scheduled_shocks[0].year", WORDS("must be a fixed whole number"), 11, 22);
}

TEST(ScenarioModels, MappingThatIsNotADistribution) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {mean: 1}\n      volatility: 0.02\n", "districts[0].growth.mean",
               WORDS("expected a number or a distribution such as {normal: [mean, sd]}",
                     "families: normal, uniform, triangular, lognormal, beta"),
               7, 13);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {gaussian: [0.05, 0.01]}\n      volatility: 0.02\n",
               "districts[0].growth.mean", WORDS("expected a number or a distribution"), 7, 13);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {normal: [0.05, 0.01], uniform: [0, 0.1]}\n      volatility: 0.02\n",
               "districts[0].growth.mean", WORDS("a distribution has exactly one key (its family), got 2"), 7, 13);
}

TEST(ScenarioModels, FamilyKeyWithANonListValue) {
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {normal: 0.05}\n      volatility: 0.02\n",
               "districts[0].growth.mean.normal", WORDS("expected a list of numbers, e.g. [0.05, 0.01]", "got '0.05'"), 7,
               22);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {uniform: {low: 0, high: 0.1}}\n      volatility: 0.02\n",
               "districts[0].growth.mean.uniform", WORDS("expected a list of numbers", "got a mapping"), 7, 23);
  EXPECT_ERROR(DISTRICT_HEAD "    growth:\n      mean: {normal: [0.05, wide]}\n      volatility: 0.02\n",
               "districts[0].growth.mean.normal[1]", WORDS("expected a number", "'wide'"), 7, 29);
}

TEST(ScenarioModels, UncertainParameterKeysMustNotCollide) {
  EXPECT_ERRORS(2, R"yaml(base_year: 2024
horizon: 5
national:
  growth:
    mean: {normal: [0.04, 0.01]}
    volatility: 0.01
districts:
  - id: national
    gdp: 100
    growth:
      mean: {normal: [0.05, 0.01]}
      volatility: 0.02
)yaml",
               "districts[0].id", WORDS("'national' is reserved"), 8, 9);
  EXPECT_ERRORS(2, R"yaml(base_year: 2024
horizon: 5
districts:
  - id: scheduled_shocks
    gdp: 100
    growth: {model: ar1, mean: 0.05, volatility: 0.02, persistence: {uniform: [0, 0.5]}}
scheduled_shocks:
  - {name: growth, year: 2026, probability: 0.5, growth_impact: -0.01, persistence: {uniform: [0, 0.5]}}
)yaml",
               "districts[0].id", WORDS("'scheduled_shocks' is reserved"), 4, 9);
}

TEST(ScenarioModels, LognormalOnABirthRateIsAccepted) {
  const LoadResult r = load(DISTRICT_HEAD "    growth: {mean: 0, volatility: 0.1}\n"
                                          "    firms: {stock: 1, births: {rate: {lognormal: [3, 0.5]}}, exit_hazard: [0.1]}\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
}

}  // namespace
}  // namespace districtcast

// ------------------------------------------------------------------------------------------- history

namespace districtcast {
namespace {

/// A one-district scenario with growth (lines 1-6); `history` goes on line 7, column 5.
#define HISTORY_HEAD DISTRICT_HEAD "    growth: {mean: 0.05, volatility: 0.01}\n"

TEST(ScenarioModels, HistoryIsReadAsObservedGdpByYear) {
  const LoadResult r = load(HISTORY_HEAD "    history: {2019: 80.5, 2022: 95, 2024: 99.5}\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& history = r.scenario->districts[0].history;
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history.at(2019), 80.5);
  EXPECT_EQ(history.at(2022), 95.0);
  EXPECT_EQ(history.at(2024), 99.5);
}

TEST(ScenarioModels, HistoryAfterTheBaseYearIsRejected) {
  EXPECT_ERROR(HISTORY_HEAD "    history: {2023: 90, 2025: 110}\n", "districts[0].history.2025",
               WORDS("calendar years", "base year 2024", "2025"), 7, 25);
}

TEST(ScenarioModels, HistoryMustBeAMappingOfPositiveNumbers) {
  EXPECT_ERROR(HISTORY_HEAD "    history: [90, 95]\n", "districts[0].history", WORDS("mapping of year"), 7, 14);
  EXPECT_ERROR(HISTORY_HEAD "    history: {2023: -5}\n", "districts[0].history.2023", WORDS(">"), 7, 21);
  EXPECT_ERROR(HISTORY_HEAD "    history: {last: 5}\n", "districts[0].history.last", WORDS("calendar years"), 7, 15);
}

TEST(ScenarioModels, HistoryDoesNotChangeTheScenarioHash) {
  // Observed data is drawn in reports but never simulated, so it is not an assumption.
  const LoadResult plain = load(HISTORY_HEAD);
  const LoadResult with_history = load(HISTORY_HEAD "    history: {2023: 90}\n");
  ASSERT_TRUE(plain.ok() && with_history.ok());
  EXPECT_EQ(scenario_sha256(*plain.scenario), scenario_sha256(*with_history.scenario));
}

}  // namespace
}  // namespace districtcast
