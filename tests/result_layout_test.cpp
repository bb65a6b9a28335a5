/// \file Result layout: series order, cells and threshold series.

#include "engine/result_layout.hpp"
#include "engine/scenario_loader.hpp"

#include <gtest/gtest.h>

namespace districtcast {
namespace {

TEST(ResultLayout, SeriesPerDistrictAndMetricInOrder) {
  LoadResult r = load_scenario_text(R"yaml(
base_year: 2024
horizon: 3
districts:
  - {id: a, gdp: 950, growth: {mean: 0.05, volatility: 0.03}}
  - id: b
    gdp: 1200
    growth: {mean: 0.02, volatility: 0.01}
    firms: {stock: 10, births: {rate: 1}, exit_hazard: [0.1]}
thresholds: [{metric: gdp, value: 1000}, {metric: firm_stock, value: 5}]
)yaml",
                                    "t.yaml", "t");
  ASSERT_TRUE(r.ok());
  const ResultLayout layout(*r.scenario);
  ASSERT_EQ(layout.series().size(), 2u + 5u);
  EXPECT_EQ(layout.series()[0].metric, Metric::gdp);
  EXPECT_EQ(layout.series()[1].metric, Metric::gdp_growth);
  EXPECT_EQ(layout.series()[2].district, 1u);
  EXPECT_EQ(layout.series()[6].metric, Metric::firm_stock);
  EXPECT_EQ(*layout.series()[0].base_value, 950.0);
  EXPECT_FALSE(layout.series()[1].base_value.has_value());
  EXPECT_EQ(*layout.series()[6].base_value, 10.0);
  EXPECT_EQ(layout.cell_count(), 7u * 3u);
  EXPECT_EQ(layout.cell(1, 1), 3u);
  EXPECT_EQ(layout.find_series(0, Metric::firm_births), std::nullopt);
  EXPECT_EQ(layout.find_series(1, Metric::firm_exits), 5u);
  ASSERT_EQ(layout.threshold_series().size(), 3u);  // gdp for a and b, firm_stock for b
  EXPECT_FALSE(layout.threshold_series()[0].reached_at_base);
  EXPECT_TRUE(layout.threshold_series()[1].reached_at_base);
  EXPECT_TRUE(layout.threshold_series()[2].reached_at_base);
}

}  // namespace
}  // namespace districtcast
