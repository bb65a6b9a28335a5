/// \file Statistical tests of the whole path generator against the closed forms of docs/models.md.
/// Tolerances are 4 Monte Carlo standard errors (plus the sketch's 0.1% bound for quantiles).

#include "tests/test_support.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_loader.hpp"
#include "engine/simulation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace districtcast {
namespace {

Scenario load(const std::string& yaml) { return testing::load_valid_scenario(yaml); }

/// Inverse standard normal CDF for the few probabilities used here (Acklam's rational approximation,
/// relative error < 1.2e-9).
double normal_quantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - 0.02425) return -normal_quantile(1 - p);
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

RunOutcome run(const Simulation& simulation, std::uint64_t paths, std::uint64_t seed, unsigned threads = 1) {
  RunSettings settings;
  settings.paths = paths;
  settings.seed = seed;
  settings.threads = threads;
  return run_simulation(simulation, settings);
}

const char* kLognormal = R"yaml(
base_year: 2024
horizon: 6
districts:
  - id: nanshan
    gdp: 950
    growth: {model: lognormal, mean: 0.05, volatility: 0.02}
)yaml";

// log Y_T ~ Normal(log Y0 + T mu, sigma^2 T): every quantile of Y_T is known. The sample quantile's MC
// standard error is sqrt(q (1 - q) / n) / f(x_q) with f the lognormal density at x_q.
TEST(Simulation, LognormalGdpQuantilesMatchClosedForm) {
  const Scenario scenario = load(kLognormal);
  const Simulation simulation(scenario);
  const std::uint64_t n = 200000;
  const RunOutcome outcome = run(simulation, n, 11);
  const double mu = 0.05, sigma = 0.02, y0 = 950.0, T = 6.0;
  const double s = sigma * std::sqrt(T);
  const std::size_t cell = simulation.layout().cell(*simulation.layout().find_series(0, Metric::gdp), 6);
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const double z = normal_quantile(q);
    const double exact = y0 * std::exp(mu * T + s * z);
    const double density = std::exp(-z * z / 2) / (std::sqrt(2 * std::numbers::pi) * s * exact);
    const double mc_se = std::sqrt(q * (1 - q) / static_cast<double>(n)) / density;
    EXPECT_NEAR(outcome.totals->sketch(cell).quantile(q), exact, 4 * mc_se + 0.001 * exact) << "q=" << q;
  }
  const RunningMoments& m = outcome.totals->moments(cell);
  const double mean = y0 * std::exp(mu * T + s * s / 2);
  EXPECT_NEAR(m.mean(), mean, 4 * m.standard_error());
  const double sd = mean * std::sqrt(std::exp(s * s) - 1);
  EXPECT_NEAR(m.standard_deviation(), sd, 4 * sd / std::sqrt(2.0 * static_cast<double>(n)) * 1.5);
}

// ar1: E[g_t] = mu + phi^t (initial - mu), Var[g_t] = sigma^2 (1 - phi^{2t}) / (1 - phi^2).
TEST(Simulation, Ar1GrowthMeanAndVarianceMatchClosedForm) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 8
districts:
  - id: haidian
    gdp: 1100
    growth: {model: ar1, mean: 0.05, volatility: 0.02, persistence: 0.6, initial: 0.09}
)yaml");
  const Simulation simulation(scenario);
  const std::uint64_t n = 100000;
  const RunOutcome outcome = run(simulation, n, 5);
  const std::size_t series = *simulation.layout().find_series(0, Metric::gdp_growth);
  const double mu = 0.05, sigma = 0.02, phi = 0.6, initial = 0.09;
  for (std::size_t t : {1u, 2u, 5u, 8u}) {
    const RunningMoments& m = outcome.totals->moments(simulation.layout().cell(series, t));
    const double td = static_cast<double>(t);
    const double mean = mu + std::pow(phi, td) * (initial - mu);
    const double variance = sigma * sigma * (1 - std::pow(phi, 2 * td)) / (1 - phi * phi);
    EXPECT_NEAR(m.mean(), mean, 4 * m.standard_error()) << "t=" << t;
    // Normal data: SE of the sample variance is variance * sqrt(2 / (n - 1)).
    EXPECT_NEAR(m.variance(), variance, 4 * variance * std::sqrt(2.0 / static_cast<double>(n - 1))) << "t=" << t;
  }
}

// With a national factor, g = mu + beta (n_t - m) + sigma eps: Var[g_1] = beta^2 s_n^2 + sigma^2 and the
// GDP level includes inflation: E[log Y_1] = log Y0 + mu + E[pi_1].
TEST(Simulation, NationalFactorAndInflationEnterGrowthAndLevels) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 2
national:
  growth: {mean: 0.04, volatility: 0.01, persistence: 0.5, initial: 0.06}
  inflation: {mean: 0.02, volatility: 0.0, persistence: 0.5, initial: 0.0}
districts:
  - id: a
    gdp: 100
    growth: {mean: 0.05, volatility: 0.02, national_beta: 2.0}
)yaml");
  const Simulation simulation(scenario);
  const std::uint64_t n = 100000;
  const RunOutcome outcome = run(simulation, n, 3);
  const ResultLayout& layout = simulation.layout();
  const RunningMoments& g1 = outcome.totals->moments(layout.cell(*layout.find_series(0, Metric::gdp_growth), 1));
  // E[n_1 - m] = 0.5 (0.06 - 0.04) = 0.01, so E[g_1] = 0.05 + 2 * 0.01.
  EXPECT_NEAR(g1.mean(), 0.07, 4 * g1.standard_error());
  const double variance = 4 * 0.01 * 0.01 + 0.02 * 0.02;
  EXPECT_NEAR(g1.variance(), variance, 4 * variance * std::sqrt(2.0 / static_cast<double>(n - 1)));
  // Inflation is deterministic here: pi_1 = 0.02 + 0.5 (0 - 0.02) = 0.01, pi_2 = 0.015.
  std::vector<double> values(layout.cell_count());
  PathWorkspace work = simulation.make_workspace();
  simulation.simulate_path(3, 17, work, values);
  const double g_1 = values[layout.cell(*layout.find_series(0, Metric::gdp_growth), 1)];
  const double g_2 = values[layout.cell(*layout.find_series(0, Metric::gdp_growth), 2)];
  const std::size_t gdp = *layout.find_series(0, Metric::gdp);
  EXPECT_NEAR(values[layout.cell(gdp, 1)], 100 * std::exp(g_1 + 0.01), 1e-9);
  EXPECT_NEAR(values[layout.cell(gdp, 2)], 100 * std::exp(g_1 + 0.01 + g_2 + 0.015), 1e-9);
}

// Correlated district shocks: corr(g_a, g_b) = rho. SE of a sample correlation ~ (1 - rho^2) / sqrt(n).
TEST(Simulation, DistrictShocksHaveTheRequestedCorrelation) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 3
districts:
  - {id: a, gdp: 100, growth: {mean: 0.05, volatility: 0.02}}
  - {id: b, gdp: 100, growth: {mean: 0.03, volatility: 0.04}}
  - {id: c, gdp: 100, growth: {mean: 0.03, volatility: 0.01, shocks: student_t, dof: 6}}
correlation:
  - [a, b, 0.6]
  - [b, c, -0.3]
)yaml");
  const Simulation simulation(scenario);
  const ResultLayout& layout = simulation.layout();
  const std::size_t n = 60000;
  std::vector<double> values(layout.cell_count());
  PathWorkspace work = simulation.make_workspace();
  const auto cell = [&](std::size_t d) { return layout.cell(*layout.find_series(d, Metric::gdp_growth), 2); };
  double sa = 0, sb = 0, sc = 0, saa = 0, sbb = 0, scc = 0, sab = 0, sbc = 0, sac = 0;
  for (std::size_t p = 0; p < n; ++p) {
    simulation.simulate_path(9, p, work, values);
    const double a = values[cell(0)], b = values[cell(1)], c = values[cell(2)];
    sa += a; sb += b; sc += c;
    saa += a * a; sbb += b * b; scc += c * c;
    sab += a * b; sbc += b * c; sac += a * c;
  }
  const double nd = static_cast<double>(n);
  const auto corr = [&](double sx, double sy, double sxx, double syy, double sxy) {
    return (sxy / nd - sx / nd * sy / nd) /
           std::sqrt((sxx / nd - sx * sx / nd / nd) * (syy / nd - sy * sy / nd / nd));
  };
  EXPECT_NEAR(corr(sa, sb, saa, sbb, sab), 0.6, 4 * (1 - 0.36) / std::sqrt(nd));
  EXPECT_NEAR(corr(sb, sc, sbb, scc, sbc), -0.3, 4 * (1 - 0.09) / std::sqrt(nd) * 1.5);  // t-shocks: wider SE
  EXPECT_NEAR(corr(sa, sc, saa, scc, sac), 0.0, 4 / std::sqrt(nd) * 1.5);
  // Unit variance of the t-shocked district's innovations is preserved: Var[g_c] = 0.01^2.
  EXPECT_NEAR(std::sqrt(scc / nd - sc * sc / nd / nd), 0.01, 0.01 * 0.02);
}

// Two independent lognormal districts: log(A_t / B_t) ~ Normal(log(A_0 / B_0) + t (mu_A - mu_B),
// t (sigma_A^2 + sigma_B^2)), so P(A_t > B_t) is a normal tail; the club of districts >= 1100 has size
// k with the Poisson-binomial probabilities of the two marginal exceedance probabilities.
TEST(Simulation, OvertakingAndClubSizesMatchClosedForm) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 10
districts:
  - {id: a, gdp: 900, growth: {mean: 0.06, volatility: 0.03}}
  - {id: b, gdp: 1000, growth: {mean: 0.04, volatility: 0.02}}
thresholds:
  - {metric: gdp, value: 1100}
overtaking:
  - [a, b]
)yaml");
  const Simulation simulation(scenario);
  const std::uint64_t n = 100000;
  const RunOutcome outcome = run(simulation, n, 5);
  const Accumulator& acc = *outcome.totals;
  const auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const auto fraction = [n](std::uint64_t count) { return static_cast<double>(count) / static_cast<double>(n); };
  const auto tolerance = [n](double p) { return 4.0 * std::sqrt(p * (1.0 - p) / static_cast<double>(n)) + 1e-9; };
  for (std::size_t t = 1; t <= 10; ++t) {
    const double years = static_cast<double>(t);
    const double ahead = phi((std::log(0.9) + years * 0.02) / std::sqrt(years * (0.03 * 0.03 + 0.02 * 0.02)));
    EXPECT_NEAR(fraction(acc.ahead(0, t)), ahead, tolerance(ahead)) << "year " << t;
    EXPECT_GE(acc.ahead_by(0, t), acc.ahead(0, t));
    if (t > 1) {
      EXPECT_GE(acc.ahead_by(0, t), acc.ahead_by(0, t - 1));
    }
    const double pa = 1.0 - phi((std::log(1100.0 / 900.0) - years * 0.06) / (0.03 * std::sqrt(years)));
    const double pb = 1.0 - phi((std::log(1100.0 / 1000.0) - years * 0.04) / (0.02 * std::sqrt(years)));
    const double club[3] = {(1 - pa) * (1 - pb), pa * (1 - pb) + pb * (1 - pa), pa * pb};
    for (std::size_t k = 0; k <= 2; ++k) {
      EXPECT_NEAR(fraction(acc.club_size(0, t, k)), club[k], tolerance(club[k])) << "year " << t << " k " << k;
    }
  }
}

const char* kAntithetic = R"yaml(
base_year: 2024
horizon: 4
antithetic: true
districts:
  - {id: a, gdp: 1000, growth: {mean: 0.05, volatility: 0.04}}
  - {id: b, gdp: 900, growth: {mean: 0.07, volatility: 0.05, shocks: student_t, dof: 5}}
thresholds:
  - {metric: gdp, value: 1100}
overtaking:
  - [b, a]
)yaml";

// Path 2i + 1 uses the negated innovations of path 2i, for normal and Student-t shocks alike, also when the
// odd path is simulated alone (its partner's draw is then made separately).
TEST(Simulation, AntitheticPairsHaveExactlyNegatedInnovations) {
  const Simulation simulation(load(kAntithetic));
  PathWorkspace work = simulation.make_workspace();
  const std::size_t cells = simulation.layout().cell_count();
  std::vector<double> batch(cells * 4);
  simulation.simulate_paths(7, 10, 4, work, batch);  // paths 10..13
  for (std::size_t d = 0; d < 2; ++d) {
    const double mean = d == 0 ? 0.05 : 0.07;
    const std::size_t series = *simulation.layout().find_series(d, Metric::gdp_growth);
    for (std::size_t t = 1; t <= 4; ++t) {
      const std::size_t cell = simulation.layout().cell(series, t);
      for (std::size_t pair = 0; pair < 2; ++pair) {
        const double even = batch[2 * pair * cells + cell] - mean;
        const double odd = batch[(2 * pair + 1) * cells + cell] - mean;
        EXPECT_NE(even, 0.0);
        EXPECT_NEAR(odd, -even, 1e-16) << "district " << d << " year " << t << " pair " << pair;
      }
    }
  }
  std::vector<double> alone(cells);
  simulation.simulate_path(7, 11, work, alone);
  for (std::size_t c = 0; c < cells; ++c) EXPECT_EQ(alone[c], batch[cells + c]) << c;
}

// With pairs, every reported standard error is that of the n/2 pair means: checked against a direct
// computation over the same simulated paths; for growth (linear in the innovations) the pair means are
// constant, so the error of its mean is 0 where independent paths would give sd / sqrt(n).
TEST(Simulation, AntitheticStandardErrorsUsePairMeans) {
  const Simulation simulation(load(kAntithetic));
  const std::uint64_t n = 4000;
  const RunOutcome outcome = run(simulation, n, 3, 2);
  const Accumulator& acc = *outcome.totals;
  const ResultLayout& layout = simulation.layout();
  PathWorkspace work = simulation.make_workspace();
  std::vector<double> x(layout.cell_count()), y(layout.cell_count());
  const std::size_t gdp = layout.cell(*layout.find_series(0, Metric::gdp), 4);
  const std::size_t growth = layout.cell(*layout.find_series(0, Metric::gdp_growth), 4);
  std::vector<double> pair_gdp;
  double above_sum = 0.0, above_squares = 0.0, ahead_sum = 0.0, ahead_squares = 0.0;
  for (std::uint64_t p = 0; p < n; p += 2) {
    simulation.simulate_path(3, p, work, x);
    simulation.simulate_path(3, p + 1, work, y);
    pair_gdp.push_back(0.5 * (x[gdp] + y[gdp]));
    const double above = 0.5 * ((x[gdp] >= 1100 ? 1 : 0) + (y[gdp] >= 1100 ? 1 : 0));
    above_sum += above;
    above_squares += above * above;
    const std::size_t b_gdp = layout.cell(*layout.find_series(1, Metric::gdp), 4);
    const double ahead = 0.5 * ((x[b_gdp] > x[gdp] ? 1 : 0) + (y[b_gdp] > y[gdp] ? 1 : 0));
    ahead_sum += ahead;
    ahead_squares += ahead * ahead;
  }
  const double pairs = static_cast<double>(n / 2);
  double mean = 0.0, m2 = 0.0;
  for (const double v : pair_gdp) mean += v / pairs;
  for (const double v : pair_gdp) m2 += (v - mean) * (v - mean);
  EXPECT_NEAR(acc.mean_standard_error(gdp), std::sqrt(m2 / (pairs - 1.0) / pairs), 1e-9 * mean);
  EXPECT_LT(acc.mean_standard_error(gdp), acc.moments(gdp).standard_error());
  EXPECT_LT(acc.mean_standard_error(growth), 1e-12);
  EXPECT_GT(acc.moments(growth).standard_error(), 1e-4);
  const auto proportion_se = [pairs](double sum, double squares) {
    const double p = sum / pairs;
    return std::sqrt(std::max(0.0, squares / pairs - p * p) / pairs);
  };
  EXPECT_NEAR(acc.above_standard_error(0, 4), proportion_se(above_sum, above_squares), 1e-12);
  EXPECT_NEAR(acc.ahead_standard_error(0, 4), proportion_se(ahead_sum, ahead_squares), 1e-12);
  // The pair-mean estimator stays unbiased: GDP's mean against the closed form of district a.
  const double exact = 1000.0 * std::exp(0.05 * 4 + 0.5 * 0.04 * 0.04 * 4);
  EXPECT_NEAR(acc.moments(gdp).mean(), exact, 4 * acc.mean_standard_error(gdp));
}

TEST(Simulation, PathIsAPureFunctionOfSeedAndPath) {
  const Scenario scenario = load(kLognormal);
  const Simulation simulation(scenario);
  std::vector<double> alone(simulation.layout().cell_count());
  std::vector<double> in_sequence(simulation.layout().cell_count());
  PathWorkspace work = simulation.make_workspace();
  simulation.simulate_path(1, 500, work, alone);
  for (std::uint64_t p = 0; p <= 500; ++p) simulation.simulate_path(1, p, work, in_sequence);
  EXPECT_EQ(alone, in_sequence);
  simulation.simulate_path(2, 500, work, in_sequence);
  EXPECT_NE(alone, in_sequence);
}

// Adding a district never changes the draws of the others (streams are keyed by the district id).
TEST(Simulation, AddingADistrictLeavesOtherDistrictsUnchanged) {
  const Scenario one = load(kLognormal);
  const Scenario two = load(std::string(kLognormal) + "  - {id: futian, gdp: 600, growth: {mean: 0.04, volatility: 0.03}}\n");
  const Simulation a(one), b(two);
  std::vector<double> va(a.layout().cell_count()), vb(b.layout().cell_count());
  PathWorkspace wa = a.make_workspace(), wb = b.make_workspace();
  for (std::uint64_t p = 0; p < 50; ++p) {
    a.simulate_path(4, p, wa, va);
    b.simulate_path(4, p, wb, vb);
    for (std::size_t t = 1; t <= 6; ++t) {
      EXPECT_EQ(va[a.layout().cell(*a.layout().find_series(0, Metric::gdp), t)],
                vb[b.layout().cell(*b.layout().find_series(0, Metric::gdp), t)]);
    }
  }
}

// Firm births with elasticity 0: E[B_t] = rate (1 + trend)^(t-1); Poisson Var = mean; NB Var = mean + mean^2/k.
TEST(Simulation, FirmBirthsMatchClosedForm) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 4
districts:
  - id: p
    gdp: 100
    growth: {mean: 0.05, volatility: 0.02}
    firms:
      stock: 1000
      births: {rate: 200, trend: 0.1}
      exit_hazard: [0.1]
  - id: q
    gdp: 100
    growth: {mean: 0.05, volatility: 0.02}
    firms:
      stock: 1000
      births: {model: negative_binomial, rate: 200, trend: 0.1, dispersion: 20}
      exit_hazard: [0.1]
)yaml");
  const Simulation simulation(scenario);
  const std::uint64_t n = 50000;
  const RunOutcome outcome = run(simulation, n, 8);
  const ResultLayout& layout = simulation.layout();
  for (std::size_t d : {0u, 1u}) {
    for (std::size_t t : {1u, 4u}) {
      const RunningMoments& m = outcome.totals->moments(layout.cell(*layout.find_series(d, Metric::firm_births), t));
      const double mean = 200 * std::pow(1.1, static_cast<double>(t) - 1);
      const double variance = d == 0 ? mean : mean + mean * mean / 20;
      EXPECT_NEAR(m.mean(), mean, 4 * std::sqrt(variance / static_cast<double>(n))) << d << " " << t;
      // SE of a sample variance ~ variance * sqrt(2 / n) for near-normal counts; doubled for NB skew.
      EXPECT_NEAR(m.variance(), variance, 8 * variance * std::sqrt(2.0 / static_cast<double>(n))) << d << " " << t;
    }
    // Year-1 exits of the base stock: Binomial(1000, 0.1).
    const RunningMoments& exits = outcome.totals->moments(layout.cell(*layout.find_series(d, Metric::firm_exits), 1));
    EXPECT_NEAR(exits.mean(), 100, 4 * std::sqrt(90.0 / static_cast<double>(n)));
  }
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(Simulation, GdpOverflowIsReportedWithDistrictYearAndPath) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 200
districts:
  - {id: boom, gdp: 1e120, growth: {mean: 5, volatility: 0}}
)yaml");
  const Simulation simulation(scenario);
  std::vector<double> values(simulation.layout().cell_count());
  PathWorkspace work = simulation.make_workspace();
  try {
    simulation.simulate_path(1, 3, work, values);
    FAIL() << "expected an overflow error";
  } catch (const std::overflow_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("district 'boom': gdp overflows"), std::string::npos) << message;
    EXPECT_NE(message.find("from 2034"), std::string::npos) << message;  // 1e120 e^(5t) > 1e140 first at t = 10
    EXPECT_NE(message.find("on 1 of 1 paths (first: path 3)"), std::string::npos) << message;
  }
  // The counting overload records instead of throwing and flags the path.
  NumericFaults faults;
  std::vector<std::uint8_t> faulted(1, 0);
  simulation.simulate_paths(1, 3, 1, work, values, faults, faulted);
  EXPECT_EQ(faulted[0], 1);
  const FaultRecord r = faults.at(0, FaultKind::gdp_overflow);
  EXPECT_EQ(r.paths, 1u);
  EXPECT_EQ(r.first_path, 3u);
  EXPECT_EQ(r.first_year, 10u);
}

TEST(Simulation, ExplodingBirthRatesAreReported) {
  const Scenario scenario = load(R"yaml(
base_year: 2024
horizon: 60
districts:
  - id: a
    gdp: 100
    growth: {mean: 0.05, volatility: 0.01}
    firms: {stock: 1000, births: {rate: 40000, trend: 2}, exit_hazard: [0.06]}
)yaml");
  const Simulation simulation(scenario);
  std::vector<double> values(simulation.layout().cell_count());
  PathWorkspace work = simulation.make_workspace();
  try {
    simulation.simulate_path(1, 0, work, values);
    FAIL() << "expected an overflow error";
  } catch (const std::overflow_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("district 'a': firm counts overflow"), std::string::npos) << message;
    // 40000 * 3^(t-1) > 1e15 first at t = 23 (3^22 = 3.1e10).
    EXPECT_NE(message.find("from 2047"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace districtcast
