/// \file Unit tests for models/regime_chain: validation messages, exact inverse-CDF draws (zero-probability
/// states never chosen), stationary distributions and occupancy against closed forms, and simulated state
/// frequencies against occupancy() and stationary() by Monte Carlo.
#include "models/regime_chain.hpp"

#include "engine/random_stream.hpp"

#include <boost/random/uniform_01.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace districtcast::models {
namespace {

/// The largest double below 1.
const double kJustBelowOne = std::nextafter(1.0, 0.0);

RegimeChainSpec make_spec(std::vector<std::string> regimes, std::vector<std::vector<double>> transition,
                          std::vector<double> initial) {
  RegimeChainSpec spec;
  spec.regimes = std::move(regimes);
  spec.transition = std::move(transition);
  spec.initial = std::move(initial);
  return spec;
}

/// A valid three-regime chain.
RegimeChainSpec three_regimes() {
  return make_spec({"boom", "slowdown", "crisis"},
                   {{0.85, 0.12, 0.03}, {0.30, 0.60, 0.10}, {0.20, 0.40, 0.40}}, {1.0, 0.0, 0.0});
}

/// The error of check_regime_chain(spec), or "" when it passes.
std::string error_of(const RegimeChainSpec& spec) { return check_regime_chain(spec).value_or(""); }

/// max_j |(pi P)_j - pi_j|.
double stationarity_residual(const RegimeChain& chain, const std::vector<double>& pi) {
  double worst = 0.0;
  for (std::size_t j = 0; j < chain.size(); ++j) {
    double x = 0.0;
    for (std::size_t i = 0; i < chain.size(); ++i) x += pi[i] * chain.spec().transition[i][j];
    worst = std::max(worst, std::fabs(x - pi[j]));
  }
  return worst;
}

TEST(CheckRegimeChain, AcceptsValidChains) {
  EXPECT_EQ(check_regime_chain(three_regimes()), std::nullopt);
  EXPECT_EQ(check_regime_chain(make_spec({"only"}, {{1.0}}, {1.0})), std::nullopt);
  // Sums within kProbabilitySumTolerance pass.
  EXPECT_EQ(check_regime_chain(make_spec({"a", "b"}, {{0.5, 0.5 + 5e-10}, {1.0, 0.0}}, {0.5 - 5e-10, 0.5})),
            std::nullopt);
  // The largest allowed size.
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kMaxRegimes; ++i) names.push_back("r" + std::to_string(i));
  std::vector<double> uniform(kMaxRegimes, 1.0 / static_cast<double>(kMaxRegimes));
  EXPECT_EQ(check_regime_chain(make_spec(names, std::vector<std::vector<double>>(kMaxRegimes, uniform), uniform)),
            std::nullopt);
}

TEST(CheckRegimeChain, RejectsBadRegimeLists) {
  EXPECT_EQ(error_of(make_spec({}, {}, {})), "at least one regime is required");

  std::vector<std::string> names;
  for (std::size_t i = 0; i <= kMaxRegimes; ++i) names.push_back("r" + std::to_string(i));
  std::vector<double> uniform(kMaxRegimes + 1, 1.0 / static_cast<double>(kMaxRegimes + 1));
  EXPECT_EQ(error_of(make_spec(names, std::vector<std::vector<double>>(kMaxRegimes + 1, uniform), uniform)),
            "at most 16 regimes (got 17)");

  RegimeChainSpec spec = three_regimes();
  spec.regimes[2] = "boom";
  EXPECT_EQ(error_of(spec), "duplicate regime name 'boom'");
}

TEST(CheckRegimeChain, RejectsBadTransitionShapes) {
  RegimeChainSpec spec = three_regimes();
  spec.transition.pop_back();
  EXPECT_EQ(error_of(spec), "transition has 2 rows, expected 3 (one per regime)");

  spec = three_regimes();
  spec.transition[2] = {0.5, 0.5};
  EXPECT_EQ(error_of(spec), "transition row 'crisis' has 2 entries, expected 3 (one per regime)");
}

TEST(CheckRegimeChain, RejectsEntriesOutsideUnitInterval) {
  RegimeChainSpec spec = make_spec({"boom", "bust"}, {{-0.5, 1.5}, {0.5, 0.5}}, {0.5, 0.5});
  EXPECT_EQ(error_of(spec), "transition['boom'] -> 'boom' must be in [0, 1] (got -0.5)");
  spec.transition[0] = {0.0, 1.5};
  EXPECT_EQ(error_of(spec), "transition['boom'] -> 'bust' must be in [0, 1] (got 1.5)");
  spec.transition[0] = {1.0, 0.0};
  spec.transition[1] = {std::numeric_limits<double>::quiet_NaN(), 1.0};
  EXPECT_EQ(error_of(spec), "transition['bust'] -> 'boom' must be in [0, 1] (got nan)");
  spec.transition[1] = {0.0, std::numeric_limits<double>::infinity()};
  EXPECT_EQ(error_of(spec), "transition['bust'] -> 'bust' must be in [0, 1] (got inf)");
}

TEST(CheckRegimeChain, RejectsRowsNotSummingToOne) {
  RegimeChainSpec spec = three_regimes();
  spec.transition[1] = {0.5, 0.4, 0.0};
  EXPECT_EQ(error_of(spec), "transition row 'slowdown' sums to 0.9, must sum to 1");
  spec.transition[1] = {0.5, 0.25, 0.5};
  EXPECT_EQ(error_of(spec), "transition row 'slowdown' sums to 1.25, must sum to 1");
  spec.transition[1] = {0.5, 0.5 + 1e-8, 0.0};  // just outside the tolerance
  EXPECT_NE(error_of(spec).find("transition row 'slowdown' sums to 1.00000001"), std::string::npos) << error_of(spec);
}

TEST(CheckRegimeChain, RejectsBadInitialDistribution) {
  RegimeChainSpec spec = three_regimes();
  spec.initial = {1.0, 0.0};
  EXPECT_EQ(error_of(spec), "initial probabilities have 2 entries, expected 3 (one per regime)");
  spec.initial = {0.5, 0.5, -0.25};
  EXPECT_EQ(error_of(spec), "initial['crisis'] must be in [0, 1] (got -0.25)");
  spec.initial = {0.5, 0.5, 0.2};
  EXPECT_EQ(error_of(spec), "initial probabilities sum to 1.2, must sum to 1");
}

TEST(RegimeChain, SingleRegime) {
  const RegimeChain chain(make_spec({"only"}, {{1.0}}, {1.0}));
  EXPECT_EQ(chain.size(), 1u);
  for (const double u : {0.0, 0.5, kJustBelowOne}) {
    EXPECT_EQ(chain.first(u), 0);
    EXPECT_EQ(chain.next(0, u), 0);
  }
  const std::array<double, 4> u{0.1, 0.9, 0.0, kJustBelowOne};
  std::array<std::uint8_t, 3> states{7, 7, 7};
  chain.simulate(u, states);
  for (const std::uint8_t s : states) EXPECT_EQ(s, 0);
  EXPECT_EQ(chain.stationary(), std::vector<double>{1.0});
  const auto occupancy = chain.occupancy(3);
  ASSERT_EQ(occupancy.size(), 4u);
  for (const auto& p : occupancy) EXPECT_EQ(p, std::vector<double>{1.0});
}

TEST(RegimeChain, InverseCdfExactCases) {
  const RegimeChain chain(
      make_spec({"a", "b", "c"}, {{0.2, 0.5, 0.3}, {0.0, 1.0, 0.0}, {1.0, 0.0, 0.0}}, {0.2, 0.5, 0.3}));
  const std::array<std::pair<double, std::uint8_t>, 7> cases{
      {{0.0, 0}, {0.1, 0}, {0.2, 1}, {0.69, 1}, {0.7, 2}, {0.999999, 2}, {kJustBelowOne, 2}}};
  for (const auto& [u, expected] : cases) {
    EXPECT_EQ(chain.next(0, u), expected) << "u " << u;
    EXPECT_EQ(chain.first(u), expected) << "u " << u;
  }
  for (const double u : {0.0, 0.3, kJustBelowOne}) {
    EXPECT_EQ(chain.next(1, u), 1) << "u " << u;
    EXPECT_EQ(chain.next(2, u), 0) << "u " << u;
  }
}

TEST(RegimeChain, ZeroProbabilityStateNeverChosen) {
  // Rows with leading, inner and trailing zeros; the non-zero entries do not sum to exactly 1 in floating
  // point (0.1 + 0.2 != 0.3), and row 'b' sums to 1 - 5e-10, so renormalisation rounds. Row 'd' and
  // `initial` are chosen so that the renormalised cumulative sum rounds to 1 - 2^-53 <= kJustBelowOne: only
  // forcing the cumulative sums to 1 from the last positive entry on keeps the trailing zero unreachable.
  const RegimeChain chain(make_spec({"a", "b", "c", "d", "e"},
                                    {{0.0, 0.1 / 0.3, 0.0, 0.2 / 0.3, 0.0},
                                     {1.0 / 3, 0.0, 1.0 / 3, 1.0 / 3 - 5e-10, 0.0},
                                     {0.0, 0.0, 0.7, 0.0, 0.3},
                                     {0.33, 0.0, 0.56, 0.11, 0.0},
                                     {0.1, 0.2, 0.3, 0.4, 0.0}},
                                    {0.33, 0.0, 0.56, 0.11, 0.0}));
  std::vector<double> us{0.0, 1e-300, 0.5, kJustBelowOne, std::nextafter(kJustBelowOne, 0.0)};
  for (int i = 1; i < 1000; ++i) us.push_back(i / 1000.0);
  for (std::size_t from = 0; from < chain.size(); ++from) {
    const auto& row = chain.spec().transition[from];
    for (const double u : us) {
      const std::uint8_t to = chain.next(static_cast<std::uint8_t>(from), u);
      ASSERT_LT(to, chain.size());
      EXPECT_GT(row[to], 0.0) << "from " << from << " u " << u << " chose " << int{to};
    }
  }
  for (const double u : us) EXPECT_GT(chain.spec().initial[chain.first(u)], 0.0) << "u " << u;
  // u just below 1 picks the last positive state, u = 0 the first one.
  EXPECT_EQ(chain.next(0, kJustBelowOne), 3);
  EXPECT_EQ(chain.next(1, kJustBelowOne), 3);
  EXPECT_EQ(chain.next(3, kJustBelowOne), 3);
  EXPECT_EQ(chain.next(4, kJustBelowOne), 3);
  EXPECT_EQ(chain.next(0, 0.0), 1);
  EXPECT_EQ(chain.next(2, 0.0), 2);
  EXPECT_EQ(chain.first(kJustBelowOne), 3);
  EXPECT_EQ(chain.first(0.0), 0);
  // Outside the precondition (u >= 1): still the last positive state, never a zero-probability one.
  EXPECT_EQ(chain.next(0, 1.0), 3);
  EXPECT_EQ(chain.next(2, 1.0), 4);
}

TEST(RegimeChain, RowsAreRenormalised) {
  const RegimeChain chain(make_spec({"a", "b"}, {{0.3, 0.7 - 6e-10}, {0.6 + 8e-10, 0.4}}, {0.25 + 5e-10, 0.75}));
  for (const auto& row : chain.spec().transition) EXPECT_NEAR(row[0] + row[1], 1.0, 1e-15);
  EXPECT_NEAR(chain.spec().initial[0] + chain.spec().initial[1], 1.0, 1e-15);
  EXPECT_NEAR(chain.spec().transition[0][0], 0.3 / (1.0 - 6e-10), 1e-16);
  EXPECT_EQ(chain.next(0, kJustBelowOne), 1);
  EXPECT_EQ(chain.next(1, kJustBelowOne), 1);
  EXPECT_EQ(chain.first(kJustBelowOne), 1);
}

TEST(RegimeChain, SimulateFollowsNextForGivenUniforms) {
  const RegimeChain chain(three_regimes());
  const std::array<double, 7> u{0.5, 0.9, 0.95, 0.99, 0.1, 0.1, 0.92};
  std::array<std::uint8_t, 6> states{};
  chain.simulate(u, states);
  // s0 = boom (initial all on boom); 0.9 -> slowdown (0.85 <= u < 0.97); 0.95 -> crisis (0.9 <= u);
  // 0.99 -> crisis (u >= 0.6); 0.1 -> boom; 0.1 -> boom; 0.92 -> slowdown.
  const std::array<std::uint8_t, 6> expected{1, 2, 2, 0, 0, 1};
  EXPECT_EQ(states, expected);
  std::uint8_t s = chain.first(u[0]);
  for (std::size_t t = 1; t < u.size(); ++t) {
    s = chain.next(s, u[t]);
    EXPECT_EQ(states[t - 1], s) << "t " << t;
  }
}

TEST(RegimeChain, StationaryTwoStateClosedForm) {
  for (const auto& [p, q] : std::array<std::pair<double, double>, 5>{
           {{0.1, 0.3}, {0.5, 0.5}, {0.02, 0.9}, {1.0, 1.0}, {1e-6, 0.25}}}) {
    const RegimeChain chain(make_spec({"up", "down"}, {{1.0 - p, p}, {q, 1.0 - q}}, {1.0, 0.0}));
    const std::vector<double> pi = chain.stationary();
    ASSERT_EQ(pi.size(), 2u);
    EXPECT_NEAR(pi[0], q / (p + q), 1e-14) << "p " << p << " q " << q;
    EXPECT_NEAR(pi[1], p / (p + q), 1e-14) << "p " << p << " q " << q;
  }
}

TEST(RegimeChain, StationaryThreeStateIsInvariant) {
  const RegimeChain chain(three_regimes());
  const std::vector<double> pi = chain.stationary();
  ASSERT_EQ(pi.size(), 3u);
  EXPECT_NEAR(std::accumulate(pi.begin(), pi.end(), 0.0), 1.0, 1e-14);
  for (const double x : pi) EXPECT_GT(x, 0.0);
  EXPECT_LT(stationarity_residual(chain, pi), 1e-14);
  // Does not depend on `initial` for an irreducible chain.
  RegimeChainSpec other = three_regimes();
  other.initial = {0.0, 0.0, 1.0};
  const std::vector<double> pi2 = RegimeChain(other).stationary();
  for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(pi2[j], pi[j], 1e-14);
}

TEST(RegimeChain, StationaryOfPeriodicAndReducibleChains) {
  // Periodic but irreducible: unique pi = (1/2, 1/2).
  const RegimeChain flip(make_spec({"a", "b"}, {{0.0, 1.0}, {1.0, 0.0}}, {1.0, 0.0}));
  EXPECT_NEAR(flip.stationary()[0], 0.5, 1e-15);
  EXPECT_NEAR(flip.stationary()[1], 0.5, 1e-15);

  // Transient state + one closed class: still unique, all mass on the closed class.
  const RegimeChain absorbing(make_spec({"a", "b"}, {{0.5, 0.5}, {0.0, 1.0}}, {1.0, 0.0}));
  EXPECT_NEAR(absorbing.stationary()[0], 0.0, 1e-15);
  EXPECT_NEAR(absorbing.stationary()[1], 1.0, 1e-15);

  // Identity: every distribution is stationary; the Cesaro average from `initial` is `initial`.
  const RegimeChain identity(make_spec({"a", "b", "c"}, {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {0.25, 0.5, 0.25}));
  const std::vector<double> pi_identity = identity.stationary();
  EXPECT_NEAR(pi_identity[0], 0.25, 1e-12);
  EXPECT_NEAR(pi_identity[1], 0.5, 1e-12);
  EXPECT_NEAR(pi_identity[2], 0.25, 1e-12);

  // Two closed classes {a, b} and {c}, transient d: from d, mass 1/2 goes to each class; within {a, b}
  // the class's own stationary split (1/3, 2/3).
  const RegimeChain split(make_spec({"a", "b", "c", "d"},
                                    {{0.5, 0.5, 0.0, 0.0}, {0.25, 0.75, 0.0, 0.0}, {0.0, 0.0, 1.0, 0.0},
                                     {0.25, 0.0, 0.5, 0.25}},
                                    {0.0, 0.0, 0.0, 1.0}));
  // From d: absorbed into {a, b} with probability 0.25 / 0.75 = 1/3, into c with 2/3.
  const std::vector<double> pi_split = split.stationary();
  EXPECT_NEAR(pi_split[0], 1.0 / 9.0, 1e-3);
  EXPECT_NEAR(pi_split[1], 2.0 / 9.0, 1e-3);
  EXPECT_NEAR(pi_split[2], 2.0 / 3.0, 1e-3);
  EXPECT_NEAR(pi_split[3], 0.0, 1e-3);
  EXPECT_LT(stationarity_residual(split, pi_split), 1e-3);
}

TEST(RegimeChain, OccupancyMatchesHandComputedPowers) {
  // Dyadic values: every product is exact.
  const RegimeChain chain(make_spec({"a", "b", "c"}, {{0.5, 0.5, 0.0}, {0.25, 0.5, 0.25}, {0.0, 0.5, 0.5}},
                                    {0.5, 0.25, 0.25}));
  const auto p = chain.occupancy(2);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], (std::vector<double>{0.5, 0.25, 0.25}));
  // initial * P = (0.25 + 0.0625, 0.25 + 0.125 + 0.125, 0.0625 + 0.125).
  EXPECT_EQ(p[1], (std::vector<double>{0.3125, 0.5, 0.1875}));
  // initial * P^2 = (0.15625 + 0.125, 0.15625 + 0.25 + 0.09375, 0.125 + 0.09375).
  EXPECT_EQ(p[2], (std::vector<double>{0.28125, 0.5, 0.21875}));
  EXPECT_EQ(chain.occupancy(0).size(), 1u);
  // This chain's pi is (1/4, 1/2, 1/4).
  const auto long_run = chain.occupancy(200).back();
  EXPECT_NEAR(long_run[0], 0.25, 1e-12);
  EXPECT_NEAR(long_run[2], 0.25, 1e-12);
  EXPECT_NEAR(chain.stationary()[1], 0.5, 1e-15);
}

TEST(RegimeChain, SimulatedFrequenciesMatchOccupancyAndStationary) {
  constexpr std::uint64_t kSeed = 20240607;
  constexpr std::size_t kPaths = 100000;
  constexpr std::size_t kH = 30;
  constexpr std::uint32_t kScope = 7;
  const RegimeChain chain(three_regimes());  // started in 'boom'
  const std::size_t k = chain.size();

  std::vector<std::vector<double>> counts(kH + 1, std::vector<double>(k, 0.0));
  std::array<double, kH + 1> u{};
  std::array<std::uint8_t, kH> states{};
  boost::random::uniform_01<double> uniform;
  for (std::size_t path = 0; path < kPaths; ++path) {
    const PathStreams streams(kSeed, path);
    for (std::uint32_t year = 0; year <= kH; ++year) {
      RandomStream stream = streams.stream(kScope, Variable::regime, year);
      u[year] = uniform(stream);
    }
    chain.simulate(u, states);
    for (std::size_t t = 1; t <= kH; ++t) counts[t][states[t - 1]] += 1.0;
  }

  const auto occupancy = chain.occupancy(kH);
  const std::vector<double> pi = chain.stationary();
  // By t = 30 the chain has mixed far below the Monte Carlo error.
  for (std::size_t j = 0; j < k; ++j) EXPECT_NEAR(occupancy[kH][j], pi[j], 1e-6);

  const double n = static_cast<double>(kPaths);
  const auto expect_frequencies = [&](std::size_t t, const std::vector<double>& expected) {
    for (std::size_t j = 0; j < k; ++j) {
      const double p = expected[j];
      const double se = std::sqrt(p * (1.0 - p) / n);
      EXPECT_NEAR(counts[t][j] / n, p, 4.0 * se) << "t " << t << " regime " << chain.spec().regimes[j];
    }
  };
  for (const std::size_t t : {1u, 2u, 5u}) expect_frequencies(t, occupancy[t]);
  expect_frequencies(kH, pi);
}

}  // namespace
}  // namespace districtcast::models
