/// \file Statistical and exact tests of the scenario drivers in the path generator (docs/models.md):
/// regime switching, jumps, scheduled shocks, sectors, firm feedback, uncertain parameters and common random
/// numbers. Tolerances are 4 Monte Carlo standard errors.

#include "tests/test_support.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_loader.hpp"
#include "engine/simulation.hpp"
#include "models/regime_chain.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace districtcast {
namespace {

Scenario load(const std::string& yaml) { return testing::load_valid_scenario(yaml); }

RunOutcome run(const Simulation& simulation, std::uint64_t paths, std::uint64_t seed) {
  RunSettings settings;
  settings.paths = paths;
  settings.seed = seed;
  return run_simulation(simulation, settings);
}

/// One path's cell values.
std::vector<double> path_values(const Simulation& simulation, std::uint64_t seed, std::uint64_t path) {
  PathWorkspace work = simulation.make_workspace();
  std::vector<double> values(simulation.layout().cell_count());
  simulation.simulate_path(seed, path, work, values);
  return values;
}

/// The values of `series` on one path, years 1..H.
std::vector<double> series_of(const Simulation& simulation, const std::vector<double>& values, std::size_t series) {
  const std::size_t h = simulation.layout().horizon();
  const auto first = values.begin() + static_cast<std::ptrdiff_t>(simulation.layout().cell(series, 1));
  return {first, first + static_cast<std::ptrdiff_t>(h)};
}

std::size_t driver(const Simulation& simulation, DriverKind kind, const std::string& name, const std::string& detail = {}) {
  const auto found = simulation.layout().find_driver(kind, name, detail);
  EXPECT_TRUE(found.has_value()) << name << " " << detail;
  return simulation.layout().driver_series(found.value_or(0));
}

double proportion_tolerance(double p, std::uint64_t n) {
  return 4.0 * std::sqrt(p * (1.0 - p) / static_cast<double>(n)) + 1e-12;
}

// ---------------------------------------------------------------------------------------- regime switching

const char* kOwnChain = R"yaml(
base_year: 2024
horizon: 30
districts:
  - id: a
    gdp: 100
    growth:
      model: regime_switching
      regimes:
        boom: {mean: 0.08, volatility: 0.0}
        normal: {mean: 0.05, volatility: 0.0}
        bust: {mean: -0.02, volatility: 0.0}
      transition:
        boom: [0.7, 0.2, 0.1]
        normal: [0.1, 0.8, 0.1]
        bust: [0.2, 0.4, 0.4]
      initial_regime: boom
)yaml";

TEST(SimulationDrivers, RegimeOccupancyMatchesInitialTimesPowersAndTheStationaryDistribution) {
  const Simulation simulation(load(kOwnChain));
  const std::uint64_t n = 100000;
  const RunOutcome outcome = run(simulation, n, 11);
  const models::RegimeChain chain(simulation.scenario().districts[0].growth.chain);
  const auto occupancy = chain.occupancy(30);
  const auto stationary = chain.stationary();
  const std::vector<std::string> names{"boom", "normal", "bust"};
  for (std::size_t t : {1u, 2u, 5u, 30u}) {
    double total = 0.0;
    for (std::size_t k = 0; k < 3; ++k) {
      const double p = t == 30 ? stationary[k] : occupancy[t][k];
      const double observed =
          outcome.totals->moments(simulation.layout().cell(driver(simulation, DriverKind::regime, "a", names[k]), t)).mean();
      EXPECT_NEAR(observed, p, proportion_tolerance(p, n)) << "year " << t << " regime " << names[k];
      total += observed;
    }
    EXPECT_NEAR(total, 1.0, 1e-12);
  }
  // At t = 30 the chain has forgotten its start (second eigenvalue^30 ~ 1e-7).
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(occupancy[30][k], stationary[k], 1e-6);
}

TEST(SimulationDrivers, GrowthFollowsTheRegimeOfEachYearAndTheNationalChainIsShared) {
  const Simulation simulation(load(R"yaml(
base_year: 2024
horizon: 12
national:
  regimes:
    transition:
      expansion: [0.8, 0.2]
      slowdown: [0.5, 0.5]
    initial: expansion
districts:
  - id: a
    gdp: 100
    growth:
      model: regime_switching
      regimes:
        slowdown: {mean: 0.01, volatility: 0}
        expansion: {mean: 0.07, volatility: 0}
  - id: b
    gdp: 100
    growth:
      model: regime_switching
      regimes:
        expansion: {mean: 0.09, volatility: 0}
        slowdown: {mean: -0.01, volatility: 0}
)yaml"));
  const ResultLayout& layout = simulation.layout();
  const std::size_t expansion = driver(simulation, DriverKind::regime, "national", "expansion");
  const std::size_t slowdown = driver(simulation, DriverKind::regime, "national", "slowdown");
  std::size_t slow_years = 0;
  for (std::uint64_t path = 0; path < 200; ++path) {
    const auto values = path_values(simulation, 3, path);
    const auto in_expansion = series_of(simulation, values, expansion);
    const auto in_slowdown = series_of(simulation, values, slowdown);
    const auto growth_a = series_of(simulation, values, *layout.find_series(0, Metric::gdp_growth));
    const auto growth_b = series_of(simulation, values, *layout.find_series(1, Metric::gdp_growth));
    for (std::size_t t = 0; t < 12; ++t) {
      ASSERT_EQ(in_expansion[t] + in_slowdown[t], 1.0);
      const bool expanding = in_expansion[t] == 1.0;
      slow_years += expanding ? 0 : 1;
      EXPECT_EQ(growth_a[t], expanding ? 0.07 : 0.01) << "path " << path << " year " << t;
      EXPECT_EQ(growth_b[t], expanding ? 0.09 : -0.01) << "path " << path << " year " << t;
    }
  }
  EXPECT_GT(slow_years, 0u);
}

// ------------------------------------------------------------------------------------------------- jumps

TEST(SimulationDrivers, JumpCountsArePoissonAndEveryJumpMovesGrowthBySizeMean) {
  const Simulation simulation(load(R"yaml(
base_year: 2024
horizon: 5
national:
  jumps: {rate: 0.1, size_mean: 0.5}
districts:
  - {id: a, gdp: 100, growth: {mean: 0, volatility: 0, jumps: {rate: 0.3, size_mean: -0.02}}}
  - {id: b, gdp: 100, growth: {mean: 0, volatility: 0}}
)yaml"));
  const std::uint64_t n = 100000;
  const RunOutcome outcome = run(simulation, n, 21);
  const ResultLayout& layout = simulation.layout();
  const std::size_t own = driver(simulation, DriverKind::jumps, "a");
  const std::size_t national = driver(simulation, DriverKind::jumps, "national");
  for (std::size_t t = 1; t <= 5; ++t) {
    for (const auto& [series, rate] : {std::pair{own, 0.3}, std::pair{national, 0.1}}) {
      const RunningMoments& m = outcome.totals->moments(layout.cell(series, t));
      // Poisson: mean = variance = rate.
      EXPECT_NEAR(m.mean(), rate, 4.0 * std::sqrt(rate / static_cast<double>(n))) << "year " << t;
      const double var_se = std::sqrt((rate + 3.0 * rate * rate - rate * rate) / static_cast<double>(n));
      EXPECT_NEAR(m.variance(), rate, 4.0 * var_se) << "year " << t;
    }
  }
  // Exact: growth of a = -0.02 N_a + 0.5 N_national; b only gets the national jumps.
  for (std::uint64_t path = 0; path < 300; ++path) {
    const auto values = path_values(simulation, 21, path);
    const auto n_a = series_of(simulation, values, own);
    const auto n_nat = series_of(simulation, values, national);
    const auto g_a = series_of(simulation, values, *layout.find_series(0, Metric::gdp_growth));
    const auto g_b = series_of(simulation, values, *layout.find_series(1, Metric::gdp_growth));
    for (std::size_t t = 0; t < 5; ++t) {
      EXPECT_NEAR(g_a[t], -0.02 * n_a[t] + 0.5 * n_nat[t], 1e-15);
      EXPECT_NEAR(g_b[t], 0.5 * n_nat[t], 1e-15);
    }
  }
}

TEST(SimulationDrivers, NormalJumpSizesHaveTheCompoundPoissonMoments) {
  const Simulation simulation(load(R"yaml(
base_year: 2024
horizon: 3
districts:
  - {id: a, gdp: 100, growth: {mean: 0, volatility: 0, jumps: {rate: 0.5, size_mean: -0.03, size_sd: 0.02}}}
)yaml"));
  const std::uint64_t n = 100000;
  const RunOutcome outcome = run(simulation, n, 8);
  // Sum of N ~ Poisson(l) jumps of Normal(m, s^2): mean l m, variance l (m^2 + s^2).
  const double mean = 0.5 * -0.03, variance = 0.5 * (0.03 * 0.03 + 0.02 * 0.02);
  for (std::size_t t = 1; t <= 3; ++t) {
    const RunningMoments& m =
        outcome.totals->moments(simulation.layout().cell(*simulation.layout().find_series(0, Metric::gdp_growth), t));
    EXPECT_NEAR(m.mean(), mean, 4.0 * std::sqrt(variance / static_cast<double>(n)));
    EXPECT_NEAR(m.variance(), variance, 0.05 * variance);  // ~4 SE of a sample variance of this mixture
  }
}

// -------------------------------------------------------------------------------------- scheduled shocks

const char* kScheduled = R"yaml(
base_year: 2024
horizon: 6
districts:
  - {id: a, gdp: 100, growth: {mean: 0.05, volatility: 0}}
  - {id: b, gdp: 100, growth: {mean: 0.05, volatility: 0}}
  - id: c
    gdp: 100
    sectors:
      - {id: it, share: 0.5, growth: {mean: 0.05, volatility: 0}}
      - {id: other, share: 0.5, growth: {mean: 0.05, volatility: 0}}
scheduled_shocks:
  - {name: export_controls, year: 2026, probability: 0.2, growth_impact: -0.02, persistence: 0.5,
     districts: [a, c.it]}
)yaml";

TEST(SimulationDrivers, AScheduledShockFiresInItsProbabilityOfPathsAndFadesAtItsPersistence) {
  const Simulation simulation(load(kScheduled));
  const std::uint64_t n = 100000;
  const RunOutcome outcome = run(simulation, n, 4);
  const ResultLayout& layout = simulation.layout();
  const std::size_t shock = driver(simulation, DriverKind::scheduled_shock, "export_controls");
  EXPECT_EQ(outcome.totals->moments(layout.cell(shock, 1)).mean(), 0.0);  // 2025: before the shock year
  for (std::size_t t = 2; t <= 6; ++t) {
    EXPECT_NEAR(outcome.totals->moments(layout.cell(shock, t)).mean(), 0.2, proportion_tolerance(0.2, n));
  }
  std::size_t fired_paths = 0;
  for (std::uint64_t path = 0; path < 300; ++path) {
    const auto values = path_values(simulation, 4, path);
    const bool fired = series_of(simulation, values, shock).back() == 1.0;
    fired_paths += fired ? 1 : 0;
    const auto g_a = series_of(simulation, values, *layout.find_series(0, Metric::gdp_growth));
    const auto g_b = series_of(simulation, values, *layout.find_series(1, Metric::gdp_growth));
    const auto g_it = series_of(simulation, values, *layout.find_sector_series(2, 0, Metric::gdp_growth));
    const auto g_other = series_of(simulation, values, *layout.find_sector_series(2, 1, Metric::gdp_growth));
    for (std::size_t t = 1; t <= 6; ++t) {
      const double hit = fired && t >= 2 ? -0.02 * std::pow(0.5, static_cast<double>(t - 2)) : 0.0;
      EXPECT_NEAR(g_a[t - 1], 0.05 + hit, 1e-15) << "path " << path << " year " << t;
      EXPECT_NEAR(g_it[t - 1], 0.05 + hit, 1e-15);
      EXPECT_EQ(g_b[t - 1], 0.05);      // not a target
      EXPECT_EQ(g_other[t - 1], 0.05);  // the other sector of c is not a target
    }
  }
  EXPECT_GT(fired_paths, 20u);
  EXPECT_LT(fired_paths, 100u);
}

// ------------------------------------------------------------------------------------------------ sectors

const char* kSectors = R"yaml(
base_year: 2024
horizon: 8
national:
  inflation: {mean: 0.02, volatility: 0.01}
districts:
  - id: a
    gdp: 1000
    sector_correlation: 0.4
    sectors:
      - id: it
        share: 0.3
        growth: {mean: 0.09, volatility: 0.04}
        firms: {stock: 1000, births: {rate: 200}, exit_hazard: [0.1]}
        firm_feedback: {elasticity: 0.02, lag: 1}
      - id: industry
        share: 0.5
        growth: {model: ar1, mean: 0.03, volatility: 0.02, persistence: 0.5}
        firms: {stock: 500, births: {rate: 60}, exit_hazard: [0.05]}
      - {id: services, share: 0.2, growth: {mean: 0.05, volatility: 0.01}}
)yaml";

TEST(SimulationDrivers, SectorSumsEqualDistrictTotalsOnEveryPath) {
  const Simulation simulation(load(kSectors));
  const ResultLayout& layout = simulation.layout();
  ASSERT_TRUE(layout.find_sector_series(0, 2, Metric::gdp_share).has_value());
  EXPECT_FALSE(layout.find_sector_series(0, 2, Metric::firm_stock).has_value());  // services has no firms
  EXPECT_FALSE(layout.find_series(0, Metric::gdp_share).has_value());             // totals have no share
  for (std::uint64_t path = 0; path < 200; ++path) {
    const auto values = path_values(simulation, 9, path);
    const auto total = [&](Metric m) { return series_of(simulation, values, *layout.find_series(0, m)); };
    const auto sector = [&](std::size_t k, Metric m) {
      return series_of(simulation, values, *layout.find_sector_series(0, k, m));
    };
    const auto gdp = total(Metric::gdp);
    const auto growth = total(Metric::gdp_growth);
    double previous = 1000.0, previous_it = 300.0;
    for (std::size_t t = 0; t < 8; ++t) {
      const double sum = sector(0, Metric::gdp)[t] + sector(1, Metric::gdp)[t] + sector(2, Metric::gdp)[t];
      EXPECT_EQ(gdp[t], sum) << "path " << path << " year " << t;
      double shares = 0.0;
      for (std::size_t k = 0; k < 3; ++k) shares += sector(k, Metric::gdp_share)[t];
      EXPECT_NEAR(shares, 1.0, 1e-12);
      EXPECT_NEAR(sector(0, Metric::gdp_share)[t], sector(0, Metric::gdp)[t] / gdp[t], 1e-15);
      // Total real growth: log change of the summed GDP less inflation, which the IT sector's own nominal
      // and real growth imply: pi_t = ln(Y_it,t / Y_it,t-1) - g_it,t.
      const double inflation = std::log(sector(0, Metric::gdp)[t] / previous_it) - sector(0, Metric::gdp_growth)[t];
      EXPECT_NEAR(growth[t], std::log(gdp[t] / previous) - inflation, 1e-12);
      previous = gdp[t];
      previous_it = sector(0, Metric::gdp)[t];
      for (Metric m : {Metric::firm_births, Metric::firm_exits, Metric::firm_stock}) {
        EXPECT_EQ(total(m)[t], sector(0, m)[t] + sector(1, m)[t]) << to_string(m);
      }
    }
  }
}

TEST(SimulationDrivers, SectorInnovationsHaveTheDeclaredCorrelation) {
  // Two sectors with zero means and equal volatilities: corr(g_it, g_other) = c.
  const Simulation simulation(load(R"yaml(
base_year: 2024
horizon: 1
districts:
  - id: a
    gdp: 100
    sector_correlation: 0.6
    sectors:
      - {id: x, share: 0.5, growth: {mean: 0, volatility: 0.1}}
      - {id: y, share: 0.5, growth: {mean: 0, volatility: 0.1}}
)yaml"));
  const std::size_t n = 40000;
  double sxy = 0, sxx = 0, syy = 0;
  PathWorkspace work = simulation.make_workspace();
  std::vector<double> values(simulation.layout().cell_count());
  const std::size_t x = simulation.layout().cell(*simulation.layout().find_sector_series(0, 0, Metric::gdp_growth), 1);
  const std::size_t y = simulation.layout().cell(*simulation.layout().find_sector_series(0, 1, Metric::gdp_growth), 1);
  for (std::uint64_t path = 0; path < n; ++path) {
    simulation.simulate_path(31, path, work, values);
    sxy += values[x] * values[y];
    sxx += values[x] * values[x];
    syy += values[y] * values[y];
  }
  const double rho = sxy / std::sqrt(sxx * syy);
  // SE of a sample correlation ~ (1 - rho^2) / sqrt(n).
  EXPECT_NEAR(rho, 0.6, 4.0 * (1 - 0.36) / std::sqrt(static_cast<double>(n)));
}

// ----------------------------------------------------------------------------------------- firm feedback

TEST(SimulationDrivers, FirmFeedbackAddsElasticityTimesLogBirthsOverBaselineAfterTheLag) {
  const std::string common = R"yaml(
base_year: 2024
horizon: 8
districts:
  - id: a
    gdp: 100
    growth: {mean: 0.05, volatility: 0.03}
    firms: {stock: 1000, births: {rate: 100, trend: 0.1, gdp_elasticity: 2}, exit_hazard: [0.1]}
)yaml";
  const Simulation without(load(common));
  const Simulation with(load(common + "    firm_feedback: {elasticity: 0.05, lag: 2}\n"));
  const ResultLayout& layout = with.layout();
  for (std::uint64_t path = 0; path < 200; ++path) {
    const auto base = path_values(without, 6, path);
    const auto fed = path_values(with, 6, path);
    const auto g0 = series_of(without, base, *layout.find_series(0, Metric::gdp_growth));
    const auto g1 = series_of(with, fed, *layout.find_series(0, Metric::gdp_growth));
    const auto births = series_of(with, fed, *layout.find_series(0, Metric::firm_births));
    for (std::size_t t = 1; t <= 8; ++t) {
      double expected = g0[t - 1];
      if (t > 2) {
        const double baseline = 100.0 * std::pow(1.1, static_cast<double>(t - 2 - 1));
        expected += 0.05 * std::log((1.0 + births[t - 2 - 1]) / (1.0 + baseline));
      }
      EXPECT_NEAR(g1[t - 1], expected, 1e-14) << "path " << path << " year " << t;
    }
  }
}

// ---------------------------------------------------------------------------------- uncertain parameters

TEST(SimulationDrivers, ParameterDrawsReproduceTheirDistributionsMoments) {
  const Simulation simulation(load(R"yaml(
base_year: 2024
horizon: 2
districts:
  - id: a
    gdp: 100
    growth: {model: ar1, mean: {normal: [0.05, 0.01]}, volatility: {lognormal: [-4, 0.3]},
             persistence: {beta: [2, 5, -0.5, 0.9]}}
  - id: b
    gdp: 100
    growth: {mean: {uniform: [0.02, 0.08]}, volatility: {triangular: [0.01, 0.015, 0.05]}}
)yaml"));
  const std::uint64_t n = 100000;
  const RunOutcome outcome = run(simulation, n, 13);
  const Scenario& s = simulation.scenario();
  ASSERT_EQ(s.parameters.size(), 5u);
  for (const UncertainParameter& p : s.parameters) {
    const RunningMoments& m =
        outcome.totals->moments(simulation.layout().cell(driver(simulation, DriverKind::parameter, p.key), 1));
    const double mean = p.distribution.mean(), sd = p.distribution.standard_deviation();
    EXPECT_NEAR(m.mean(), mean, 4.0 * sd / std::sqrt(static_cast<double>(n))) << p.key;
    EXPECT_NEAR(m.standard_deviation(), sd, 0.03 * sd) << p.key;  // > 4 SE of a sample sd for these shapes
    EXPECT_GE(m.min(), p.distribution.support_low()) << p.key;
    EXPECT_LE(m.max(), p.distribution.support_high()) << p.key;
  }
}

TEST(SimulationDrivers, EachPathUsesItsOwnParameterDraw) {
  // Volatility 0: growth equals the path's drawn mean in every year.
  const Simulation simulation(load(R"yaml(
base_year: 2024
horizon: 4
districts:
  - {id: a, gdp: 100, growth: {mean: {normal: [0.05, 0.02]}, volatility: 0}}
)yaml"));
  const std::size_t mean = driver(simulation, DriverKind::parameter, "a.growth.mean");
  std::vector<double> draws;
  for (std::uint64_t path = 0; path < 50; ++path) {
    const auto values = path_values(simulation, 2, path);
    const auto g = series_of(simulation, values, *simulation.layout().find_series(0, Metric::gdp_growth));
    const auto drawn = series_of(simulation, values, mean);
    for (std::size_t t = 0; t < 4; ++t) {
      EXPECT_EQ(g[t], drawn[0]);
      EXPECT_EQ(drawn[t], drawn[0]);
    }
    draws.push_back(drawn[0]);
  }
  std::sort(draws.begin(), draws.end());
  EXPECT_EQ(std::adjacent_find(draws.begin(), draws.end()), draws.end());  // all different
}

// ----------------------------------------------------------------------------------- common random numbers

const char* kCrnBase = R"yaml(
base_year: 2024
horizon: 6
national:
  growth: {mean: 0.04, volatility: 0.01}
districts:
  - id: a
    gdp: 100
    growth: {mean: MEAN_A, volatility: 0.03, jumps: {rate: 0.2, size_mean: -0.01}}
    firms: {stock: 100, births: {rate: 20}, exit_hazard: [0.1]}
  - id: b
    gdp: 200
    growth: {mean: {normal: [0.03, 0.01]}, volatility: 0.02}
correlation:
  - [a, b, 0.5]
scheduled_shocks:
  - {name: hit, year: 2026, probability: 0.3, growth_impact: -0.02}
)yaml";

std::string crn_scenario(const std::string& mean_a) {
  std::string yaml = kCrnBase;
  yaml.replace(yaml.find("MEAN_A"), 6, mean_a);
  return yaml;
}

TEST(SimulationDrivers, ScenariosDifferingInOneParameterShareEveryOtherDraw) {
  const Simulation base(load(crn_scenario("0.05")));
  const Simulation shifted(load(crn_scenario("0.06")));
  const Simulation uncertain(load(crn_scenario("{uniform: [0.04, 0.06]}")));
  const ResultLayout& layout = base.layout();
  const std::size_t b_gdp = *layout.find_series(1, Metric::gdp);
  const std::size_t a_growth = *layout.find_series(0, Metric::gdp_growth);
  const auto b_mean = [](const Simulation& s) {
    return s.layout().driver_series(*s.layout().find_driver(DriverKind::parameter, "b.growth.mean"));
  };
  const auto hit = [](const Simulation& s) {
    return s.layout().driver_series(*s.layout().find_driver(DriverKind::scheduled_shock, "hit"));
  };
  for (std::uint64_t path = 0; path < 100; ++path) {
    const auto v0 = path_values(base, 77, path);
    const auto v1 = path_values(shifted, 77, path);
    const auto v2 = path_values(uncertain, 77, path);
    // b's GDP, b's drawn mean and the shock's firing do not depend on a's mean, fixed or uncertain.
    EXPECT_EQ(series_of(base, v0, b_gdp), series_of(shifted, v1, b_gdp));
    EXPECT_EQ(series_of(base, v0, b_gdp), series_of(uncertain, v2, layout.find_series(1, Metric::gdp).value()));
    EXPECT_EQ(series_of(base, v0, b_mean(base)), series_of(uncertain, v2, b_mean(uncertain)));
    EXPECT_EQ(series_of(base, v0, hit(base)), series_of(uncertain, v2, hit(uncertain)));
    // a's growth moves by exactly the change of its mean (same innovations, jumps and shock).
    const auto g0 = series_of(base, v0, a_growth);
    const auto g1 = series_of(shifted, v1, a_growth);
    for (std::size_t t = 0; t < 6; ++t) EXPECT_NEAR(g1[t] - g0[t], 0.01, 1e-15);
  }
}

// ---------------------------------------------------------------------------------------- antithetic pairs

TEST(SimulationDrivers, AntitheticPairsShareParametersRegimesJumpsAndShocks) {
  std::string yaml = kOwnChain;
  const auto replace = [&](const std::string& from, const std::string& to) { yaml.replace(yaml.find(from), from.size(), to); };
  replace("boom: {mean: 0.08, volatility: 0.0}", "boom: {mean: {normal: [0.08, 0.01]}, volatility: 0.02}");
  replace("      initial_regime: boom", "      initial_regime: boom\n      jumps: {rate: 0.5, size_mean: -0.01, size_sd: 0.01}");
  yaml += "    firms: {stock: 10, births: {rate: 5}, exit_hazard: [0.1]}\n";
  yaml += "scheduled_shocks:\n  - {name: s, year: 2026, probability: 0.5, growth_impact: -0.01}\nantithetic: true\n";
  const Simulation simulation(load(yaml));
  const ResultLayout& layout = simulation.layout();
  for (std::uint64_t pair = 0; pair < 50; ++pair) {
    const auto even = path_values(simulation, 5, 2 * pair);
    const auto odd = path_values(simulation, 5, 2 * pair + 1);
    for (std::size_t i = 0; i < layout.drivers().size(); ++i) {
      EXPECT_EQ(series_of(simulation, even, layout.driver_series(i)), series_of(simulation, odd, layout.driver_series(i)))
          << layout.drivers()[i].name << " " << layout.drivers()[i].detail;
    }
  }
}

}  // namespace
}  // namespace districtcast
