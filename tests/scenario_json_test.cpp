/// \file Tests of to_json (the resolved scenario written to the manifest) and scenario_sha256.
#include "engine/scenario_json.hpp"

#include "engine/scenario_loader.hpp"

#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace districtcast {
namespace {

using Json = nlohmann::ordered_json;

Scenario load_ok(std::string_view yaml) {
  LoadResult r = load_scenario_text(yaml, "test.yaml", "default_name");
  std::string errors;
  for (const auto& d : r.errors) errors += "\n  " + d.to_string();
  EXPECT_TRUE(r.ok()) << errors;
  return r.ok() ? std::move(*r.scenario) : Scenario{};
}

constexpr std::string_view kMinimal = testing::kMinimalScenario;

constexpr std::string_view kFull = R"yaml(name: full
description: Every key written out
base_year: 2023
horizon: 12
paths: 5000
seed: 42
units: million USD
national:
  growth: {mean: 0.04, volatility: 0.01, persistence: 0.7, initial: 0.05, shocks: student_t, dof: 6}
  inflation: {mean: 0.02, volatility: 0.005, persistence: 0.6}
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
      births: {model: negative_binomial, rate: 39092, trend: 0.02, gdp_elasticity: 2.5, dispersion: 80}
      exit_hazard: [0.016, 0.063, 0.095, 0.062]
  - id: haidian
    gdp: 1168.1
    growth: {mean: 0.06, volatility: 0.02, national_beta: 0.8}
    firms:
      stock: 100
      births: {rate: 12.5}
      exit_hazard: [0.1]
correlation:
  - [pudong, haidian, 0.45]
thresholds:
  - {metric: gdp, value: 2000, label: two trillion}
  - {metric: firm_stock, value: 500000}
outputs:
  quantiles: [0.025, 0.5, 0.975]
  histogram_bins: 40
)yaml";

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> out;
  for (const auto& [key, value] : object.items()) out.push_back(key);
  return out;
}

TEST(ScenarioJson, MinimalScenarioHasEveryResolvedDefault) {
  const Json j = to_json(load_ok(kMinimal));
  EXPECT_EQ(keys(j), (std::vector<std::string>{"name", "description", "base_year", "horizon", "paths", "seed", "units",
                                               "national", "districts", "correlation", "thresholds", "overtaking",
                                               "antithetic", "outputs"}));
  EXPECT_EQ(j["name"], "default_name");
  EXPECT_EQ(j["description"], "");
  EXPECT_EQ(j["base_year"], 2024);
  EXPECT_EQ(j["horizon"], 5);
  EXPECT_EQ(j["paths"], 100000);
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["units"], "billion CNY");
  EXPECT_TRUE(j["national"].is_object());
  EXPECT_TRUE(j["national"].empty());
  ASSERT_EQ(j["districts"].size(), 1U);
  const Json& d = j["districts"][0];
  EXPECT_EQ(d["id"], "pudong");
  EXPECT_EQ(d["name"], "pudong");
  EXPECT_EQ(d["gdp"], 1770.0);
  EXPECT_FALSE(d.contains("firms"));
  const Json& g = d["growth"];
  EXPECT_EQ(keys(g), (std::vector<std::string>{"model", "mean", "volatility", "national_beta", "shocks"}));
  EXPECT_EQ(g["model"], "lognormal");
  EXPECT_EQ(g["mean"], 0.05);
  EXPECT_EQ(g["volatility"], 0.02);
  EXPECT_EQ(g["national_beta"], 1.0);
  EXPECT_EQ(g["shocks"], "normal");
  EXPECT_EQ(j["correlation"], Json::array());
  EXPECT_EQ(j["thresholds"], Json::array());
  EXPECT_EQ(j["overtaking"], Json::array());  // one district: no pair
  EXPECT_EQ(j["antithetic"], false);
  EXPECT_EQ(j["outputs"]["quantiles"], Json({0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95}));
  EXPECT_EQ(j["outputs"]["histogram_bins"], 20);
}

TEST(ScenarioJson, FullScenarioHasEveryField) {
  const Json j = to_json(load_ok(kFull));
  EXPECT_EQ(j["name"], "full");
  EXPECT_EQ(j["description"], "Every key written out");
  EXPECT_EQ(j["base_year"], 2023);
  EXPECT_EQ(j["horizon"], 12);
  EXPECT_EQ(j["paths"], 5000);
  EXPECT_EQ(j["seed"], 42);
  EXPECT_EQ(j["units"], "million USD");

  const Json& ng = j["national"]["growth"];
  EXPECT_EQ(ng["mean"], 0.04);
  EXPECT_EQ(ng["volatility"], 0.01);
  EXPECT_EQ(ng["persistence"], 0.7);
  EXPECT_EQ(ng["initial"], 0.05);
  EXPECT_EQ(ng["shocks"], "student_t");
  EXPECT_EQ(ng["dof"], 6.0);
  const Json& ni = j["national"]["inflation"];
  EXPECT_EQ(ni["mean"], 0.02);
  EXPECT_EQ(ni["volatility"], 0.005);
  EXPECT_EQ(ni["persistence"], 0.6);
  EXPECT_EQ(ni["initial"], 0.02);  // resolved: absent initial means the long-run mean
  EXPECT_EQ(ni["shocks"], "normal");
  EXPECT_FALSE(ni.contains("dof"));

  ASSERT_EQ(j["districts"].size(), 2U);
  const Json& p = j["districts"][0];
  EXPECT_EQ(p["id"], "pudong");
  EXPECT_EQ(p["name"], "Pudong New Area");
  EXPECT_EQ(p["gdp"], 1770.5);
  const Json& pg = p["growth"];
  EXPECT_EQ(pg["model"], "ar1");
  EXPECT_EQ(pg["mean"], 0.05);
  EXPECT_EQ(pg["volatility"], 0.011);
  EXPECT_EQ(pg["persistence"], 0.4);
  EXPECT_EQ(pg["initial"], 0.053);
  EXPECT_EQ(pg["national_beta"], 1.2);
  EXPECT_EQ(pg["shocks"], "student_t");
  EXPECT_EQ(pg["dof"], 4.5);
  const Json& pf = p["firms"];
  EXPECT_EQ(pf["stock"], 463400);
  EXPECT_EQ(pf["births"]["model"], "negative_binomial");
  EXPECT_EQ(pf["births"]["rate"], 39092.0);
  EXPECT_EQ(pf["births"]["trend"], 0.02);
  EXPECT_EQ(pf["births"]["gdp_elasticity"], 2.5);
  EXPECT_EQ(pf["births"]["dispersion"], 80.0);
  EXPECT_EQ(pf["exit_hazard"], Json({0.016, 0.063, 0.095, 0.062}));

  const Json& h = j["districts"][1];
  EXPECT_EQ(h["name"], "haidian");
  EXPECT_EQ(h["growth"]["model"], "lognormal");
  EXPECT_EQ(h["growth"]["national_beta"], 0.8);
  EXPECT_FALSE(h["growth"].contains("persistence"));
  EXPECT_EQ(h["firms"]["births"]["model"], "poisson");
  EXPECT_EQ(h["firms"]["births"]["rate"], 12.5);
  EXPECT_EQ(h["firms"]["births"]["trend"], 0.0);
  EXPECT_EQ(h["firms"]["births"]["gdp_elasticity"], 0.0);
  EXPECT_FALSE(h["firms"]["births"].contains("dispersion"));

  EXPECT_EQ(j["correlation"], Json::parse(R"([["pudong", "haidian", 0.45]])"));
  ASSERT_EQ(j["thresholds"].size(), 2U);
  EXPECT_EQ(j["thresholds"][0], Json::parse(R"({"metric": "gdp", "value": 2000.0, "label": "two trillion"})"));
  EXPECT_EQ(j["thresholds"][1]["metric"], "firm_stock");
  EXPECT_EQ(j["thresholds"][1]["value"], 500000.0);
  EXPECT_EQ(j["thresholds"][1]["label"], "firm_stock >= 500000");
  EXPECT_EQ(j["outputs"]["quantiles"], Json({0.025, 0.5, 0.975}));
  EXPECT_EQ(j["outputs"]["histogram_bins"], 40);
}

TEST(ScenarioJson, Ar1WithoutInitialIsNull) {
  const Json j = to_json(load_ok(R"yaml(base_year: 2024
horizon: 5
districts:
  - {id: a, gdp: 1, growth: {model: ar1, mean: 0, volatility: 0.1}}
)yaml"));
  const Json& g = j["districts"][0]["growth"];
  EXPECT_EQ(g["persistence"], 0.0);
  ASSERT_TRUE(g.contains("initial"));
  EXPECT_TRUE(g["initial"].is_null());
}

bool is_lower_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(ScenarioSha256, Is64HexCharacters) {
  const std::string hash = scenario_sha256(load_ok(kFull));
  EXPECT_EQ(hash.size(), 64U);
  EXPECT_TRUE(is_lower_hex(hash)) << hash;
}

TEST(ScenarioSha256, IsStable) {
  const Scenario s = load_ok(kFull);
  const std::string hash = scenario_sha256(s);
  EXPECT_EQ(scenario_sha256(s), hash);
  EXPECT_EQ(scenario_sha256(load_ok(kFull)), hash);
  // The same scenario written differently (key order, flow vs block style, comments) has the same hash.
  const Scenario a = load_ok(R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: 0.02
)yaml");
  const Scenario b = load_ok(R"yaml(# the same, reordered
districts: [{growth: {volatility: 2e-2, mean: 0.050}, gdp: 1770.0, id: pudong}]
horizon: 5
base_year: 2024
)yaml");
  EXPECT_EQ(scenario_sha256(a), scenario_sha256(b));
}

TEST(ScenarioSha256, IgnoresPathsAndSeed) {
  Scenario s = load_ok(kFull);
  const std::string hash = scenario_sha256(s);
  s.paths = 123;
  EXPECT_EQ(scenario_sha256(s), hash);
  s.seed = 987654321;
  EXPECT_EQ(scenario_sha256(s), hash);
  // ...but the manifest's JSON still records them.
  EXPECT_EQ(to_json(s)["paths"], 123);
  EXPECT_EQ(to_json(s)["seed"], 987654321);
}

TEST(ScenarioSha256, ChangesWhenAnyModelNumberChanges) {
  const Scenario base = load_ok(kFull);
  ASSERT_EQ(base.districts.size(), 2U);
  const std::string base_hash = scenario_sha256(base);
  const std::vector<std::pair<std::string, std::function<void(Scenario&)>>> changes{
      {"base_year", [](Scenario& s) { s.base_year += 1; }},
      {"horizon", [](Scenario& s) { s.horizon += 1; }},
      {"national.growth.mean", [](Scenario& s) { s.national.growth->mean.value += 0.001; }},
      {"national.growth.volatility", [](Scenario& s) { s.national.growth->volatility.value += 0.001; }},
      {"national.growth.persistence", [](Scenario& s) { s.national.growth->persistence = 0.5; }},
      {"national.growth.initial", [](Scenario& s) { s.national.growth->initial = 0.06; }},
      {"national.growth.dof", [](Scenario& s) { s.national.growth->shocks.dof = 7; }},
      {"national.inflation.mean", [](Scenario& s) { s.national.inflation->mean = 0.03; }},
      {"national.inflation.volatility", [](Scenario& s) { s.national.inflation->volatility = 0.006; }},
      {"national.inflation.persistence", [](Scenario& s) { s.national.inflation->persistence = 0.5; }},
      {"national.inflation.initial", [](Scenario& s) { s.national.inflation->initial = 0.0; }},
      {"national.inflation.shocks", [](Scenario& s) { s.national.inflation->shocks.kind = models::ShockKind::student_t; }},
      {"no national inflation", [](Scenario& s) { s.national.inflation.reset(); }},
      {"gdp", [](Scenario& s) { s.districts[0].gdp = 1771; }},
      {"gdp by one ulp", [](Scenario& s) { s.districts[0].gdp = std::nextafter(s.districts[0].gdp, 1e9); }},
      {"growth.model", [](Scenario& s) { s.districts[0].growth.model = "lognormal"; }},
      {"growth.mean", [](Scenario& s) { s.districts[0].growth.mean = 0.051; }},
      {"growth.volatility", [](Scenario& s) { s.districts[1].growth.volatility = 0.021; }},
      {"growth.persistence", [](Scenario& s) { s.districts[0].growth.persistence = 0.41; }},
      {"growth.initial", [](Scenario& s) { s.districts[0].growth.initial = 0.054; }},
      {"growth.initial absent", [](Scenario& s) { s.districts[0].growth.initial.reset(); }},
      {"growth.national_beta", [](Scenario& s) { s.districts[1].growth.national_beta = 0.9; }},
      {"growth.shocks", [](Scenario& s) { s.districts[1].growth.shocks.kind = models::ShockKind::student_t; }},
      {"growth.dof", [](Scenario& s) { s.districts[0].growth.shocks.dof = 5; }},
      {"firms.stock", [](Scenario& s) { s.districts[0].firms->stock += 1; }},
      {"firms.births.model", [](Scenario& s) { s.districts[1].firms->births.model = "negative_binomial"; }},
      {"firms.births.rate", [](Scenario& s) { s.districts[0].firms->births.rate.value += 1; }},
      {"firms.births.trend", [](Scenario& s) { s.districts[0].firms->births.trend = 0.03; }},
      {"firms.births.gdp_elasticity", [](Scenario& s) { s.districts[0].firms->births.gdp_elasticity = 2.0; }},
      {"firms.births.dispersion", [](Scenario& s) { s.districts[0].firms->births.dispersion = 81; }},
      {"firms.exit_hazard value", [](Scenario& s) { s.districts[0].firms->exit_hazard[2] = 0.096; }},
      {"firms.exit_hazard length", [](Scenario& s) { s.districts[0].firms->exit_hazard.push_back(0.062); }},
      {"no firms", [](Scenario& s) { s.districts[1].firms.reset(); }},
      {"correlation rho", [](Scenario& s) { s.correlation[0].rho = 0.46; }},
      {"no correlation", [](Scenario& s) { s.correlation.clear(); }},
      {"threshold value", [](Scenario& s) { s.thresholds[0].value = 2001; }},
      {"threshold metric", [](Scenario& s) { s.thresholds[0].metric = Metric::gdp_growth; }},
      {"quantiles", [](Scenario& s) { s.outputs.quantiles[1] = 0.4; }},
      {"histogram_bins", [](Scenario& s) { s.outputs.histogram_bins = 41; }},
  };
  for (const auto& [what, change] : changes) {
    Scenario changed = base;
    change(changed);
    EXPECT_NE(scenario_sha256(changed), base_hash) << what;
  }
}

}  // namespace
}  // namespace districtcast
