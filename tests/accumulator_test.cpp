/// \file The path functional: cell statistics and threshold counters on hand-made paths.

#include "engine/accumulator.hpp"
#include "engine/scenario_loader.hpp"

#include <gtest/gtest.h>

namespace districtcast {
namespace {

/// One district, gdp only, horizon 3, base gdp 90, thresholds 100 and 80 (already reached at base).
struct Fixture {
  Scenario scenario;
  ResultLayout layout;
  static Scenario make() {
    LoadResult r = load_scenario_text(R"yaml(
base_year: 2020
horizon: 3
districts:
  - {id: a, gdp: 90, growth: {mean: 0.05, volatility: 0.1}}
thresholds:
  - {metric: gdp, value: 100}
  - {metric: gdp, value: 80}
  - {metric: gdp_growth, value: 0.1}
)yaml",
                                      "t.yaml", "t");
    return *r.scenario;
  }
  Fixture() : scenario(make()), layout(scenario) {}
  /// values for gdp (3 years) then growth (3 years)
  void add(Accumulator& acc, std::vector<double> gdp, std::vector<double> growth) const {
    std::vector<double> values(layout.cell_count());
    for (std::size_t t = 1; t <= 3; ++t) {
      values[layout.cell(0, t)] = gdp[t - 1];
      values[layout.cell(1, t)] = growth[t - 1];
    }
    acc.add_path(values);
  }
};

TEST(Accumulator, CountsThresholdsReachedByAndFirstCrossing) {
  const Fixture f;
  Accumulator acc(f.layout);
  f.add(acc, {95, 105, 99}, {0.0, 0.2, 0.0});   // crosses 100 in year 2, dips back
  f.add(acc, {101, 102, 103}, {0.1, 0.0, 0.0});  // crosses in year 1
  f.add(acc, {91, 92, 93}, {0.0, 0.0, 0.0});     // never
  ASSERT_EQ(acc.paths(), 3u);
  ASSERT_EQ(f.layout.threshold_series().size(), 3u);
  // threshold 0: gdp >= 100
  EXPECT_EQ(acc.above(0, 1), 1u);
  EXPECT_EQ(acc.above(0, 2), 2u);
  EXPECT_EQ(acc.above(0, 3), 1u);
  EXPECT_EQ(acc.reached_by(0, 1), 1u);
  EXPECT_EQ(acc.reached_by(0, 2), 2u);
  EXPECT_EQ(acc.reached_by(0, 3), 2u);
  EXPECT_EQ(acc.first_crossing(0, 0), 0u);  // base 90 < 100
  EXPECT_EQ(acc.first_crossing(0, 1), 1u);
  EXPECT_EQ(acc.first_crossing(0, 2), 1u);
  EXPECT_EQ(acc.first_crossing(0, 3), 0u);
  EXPECT_EQ(acc.first_crossing(0, 4), 1u);  // never
  // threshold 1: gdp >= 80 already at base: first crossing is the base year for every path
  EXPECT_TRUE(f.layout.threshold_series()[1].reached_at_base);
  EXPECT_EQ(acc.first_crossing(1, 0), 3u);
  EXPECT_EQ(acc.reached_by(1, 1), 3u);
  // threshold 2: growth >= 0.1 (a flow: the base year never counts)
  EXPECT_FALSE(f.layout.threshold_series()[2].reached_at_base);
  EXPECT_EQ(acc.first_crossing(2, 1), 1u);
  EXPECT_EQ(acc.first_crossing(2, 2), 1u);
  EXPECT_EQ(acc.first_crossing(2, 4), 1u);
}

/// Three districts, gdp only, horizon 2: a (base 100) and b (base 120) with overtaking [a, b] and [b, a],
/// c (base 50); threshold gdp >= 110 defines a club of all three.
struct EventsFixture {
  Scenario scenario;
  ResultLayout layout;
  static Scenario make() {
    LoadResult r = load_scenario_text(R"yaml(
base_year: 2020
horizon: 2
districts:
  - {id: a, gdp: 100, growth: {mean: 0.05, volatility: 0.1}}
  - {id: b, gdp: 120, growth: {mean: 0.05, volatility: 0.1}}
  - {id: c, gdp: 50, growth: {mean: 0.05, volatility: 0.1}}
thresholds:
  - {metric: gdp, value: 110}
overtaking:
  - [a, b]
  - [b, a]
)yaml",
                                      "t.yaml", "t");
    return *r.scenario;
  }
  EventsFixture() : scenario(make()), layout(scenario) {}
  /// GDP of a, b, c in years 1 and 2.
  void add(Accumulator& acc, std::vector<double> a, std::vector<double> b, std::vector<double> c) const {
    std::vector<double> values(layout.cell_count(), 0.0);
    for (std::size_t t = 1; t <= 2; ++t) {
      values[layout.cell(*layout.find_series(0, Metric::gdp), t)] = a[t - 1];
      values[layout.cell(*layout.find_series(1, Metric::gdp), t)] = b[t - 1];
      values[layout.cell(*layout.find_series(2, Metric::gdp), t)] = c[t - 1];
    }
    acc.add_path(values);
  }
};

TEST(Accumulator, CountsOvertakingAndClubSizesOnHandMadePaths) {
  const EventsFixture f;
  Accumulator acc(f.layout);
  f.add(acc, {130, 110}, {125, 130}, {50, 60});  // a ahead in year 1 only; club: 2 (a, b) then 2 (a at 110 counts)
  f.add(acc, {100, 100}, {120, 120}, {200, 40});  // b always ahead; club: 2 (b, c) then 1 (b)
  f.add(acc, {90, 90}, {80, 80}, {10, 10});       // a ahead both years (b fell behind); club: 0 then 0
  ASSERT_EQ(f.layout.overtaking_series().size(), 2u);
  EXPECT_FALSE(f.layout.overtaking_series()[0].ahead_at_base);
  EXPECT_TRUE(f.layout.overtaking_series()[1].ahead_at_base);
  // [a, b]: ahead in year 1 on paths 1 and 3, in year 2 on path 3; ever ahead by year 1: 2, by year 2: 2.
  EXPECT_EQ(acc.ahead(0, 1), 2u);
  EXPECT_EQ(acc.ahead(0, 2), 1u);
  EXPECT_EQ(acc.ahead_by(0, 1), 2u);
  EXPECT_EQ(acc.ahead_by(0, 2), 2u);
  // [b, a]: b was ahead in the base year, so ahead_by counts every path from year 1.
  EXPECT_EQ(acc.ahead(1, 1), 1u);
  EXPECT_EQ(acc.ahead(1, 2), 2u);
  EXPECT_EQ(acc.ahead_by(1, 1), 3u);
  EXPECT_EQ(acc.ahead_by(1, 2), 3u);
  ASSERT_EQ(f.layout.clubs().size(), 1u);
  EXPECT_EQ(f.layout.clubs()[0].count, 3u);
  const std::vector<std::uint64_t> year1 = {acc.club_size(0, 1, 0), acc.club_size(0, 1, 1), acc.club_size(0, 1, 2),
                                            acc.club_size(0, 1, 3)};
  const std::vector<std::uint64_t> year2 = {acc.club_size(0, 2, 0), acc.club_size(0, 2, 1), acc.club_size(0, 2, 2),
                                            acc.club_size(0, 2, 3)};
  EXPECT_EQ(year1, (std::vector<std::uint64_t>{1, 0, 2, 0}));
  EXPECT_EQ(year2, (std::vector<std::uint64_t>{1, 1, 1, 0}));
  EXPECT_THROW((void)acc.club_size(0, 1, 4), std::out_of_range);
  // Merging adds the counters.
  Accumulator twice(f.layout);
  twice.merge(acc);
  twice.merge(acc);
  EXPECT_EQ(twice.ahead_by(1, 2), 6u);
  EXPECT_EQ(twice.club_size(0, 1, 2), 4u);
}

TEST(Accumulator, CellMomentsAndMergeEqualSequentialAdds) {
  const Fixture f;
  Accumulator all(f.layout), left(f.layout), right(f.layout);
  for (int i = 0; i < 10; ++i) {
    const double x = 90 + i;
    f.add(all, {x, x + 1, x + 2}, {0.01 * i, 0, 0});
    f.add(i < 4 ? left : right, {x, x + 1, x + 2}, {0.01 * i, 0, 0});
  }
  left.merge(right);
  EXPECT_EQ(left.paths(), 10u);
  EXPECT_DOUBLE_EQ(all.moments(0).mean(), 94.5);
  EXPECT_DOUBLE_EQ(left.moments(0).mean(), 94.5);
  EXPECT_NEAR(left.moments(0).variance(), all.moments(0).variance(), 1e-12);
  EXPECT_EQ(left.sketch(1).quantile(0.5), all.sketch(1).quantile(0.5));
  for (std::size_t t = 1; t <= 3; ++t) EXPECT_EQ(left.above(0, t), all.above(0, t));
}

TEST(Accumulator, MergeRejectsAnotherLayout) {
  const Fixture f, g;
  Accumulator a(f.layout), b(g.layout);
  EXPECT_THROW(a.merge(b), std::invalid_argument);
}

TEST(Accumulator, MemoryDoesNotGrowWithPaths) {
  const Fixture f;
  Accumulator acc(f.layout);
  for (int i = 0; i < 1000; ++i) f.add(acc, {90.0 + i % 20, 95, 99}, {0.01 * (i % 7), 0.02, 0.03});
  const std::size_t after_1000 = acc.memory_bytes();
  for (int i = 0; i < 100000; ++i) f.add(acc, {90.0 + i % 20, 95, 99}, {0.01 * (i % 7), 0.02, 0.03});
  EXPECT_EQ(acc.memory_bytes(), after_1000);
}

}  // namespace
}  // namespace districtcast
