/// \file Quantile column names.

#include "engine/quantile_names.hpp"

#include <gtest/gtest.h>

namespace districtcast {
namespace {

TEST(QuantileNames, ShortestPercentileForm) {
  EXPECT_EQ(quantile_column_name(0.05), "p5");
  EXPECT_EQ(quantile_column_name(0.5), "p50");
  EXPECT_EQ(quantile_column_name(0.025), "p2.5");
  EXPECT_EQ(quantile_column_name(0.999), "p99.9");
  EXPECT_EQ(quantile_column_name(0.07), "p7");  // 0.07 * 100 = 7.000000000000001 in binary
  EXPECT_EQ(quantile_column_name(0.001), "p0.1");
}

}  // namespace
}  // namespace districtcast
