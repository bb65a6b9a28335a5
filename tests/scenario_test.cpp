/// \file Helpers on the validated scenario structs.

#include "engine/scenario.hpp"

#include <gtest/gtest.h>

namespace districtcast {
namespace {

TEST(Scenario, ResolveCorrelationMapsIdsToIndices) {
  std::vector<DistrictSpec> districts(3);
  districts[0].id = "pudong";
  districts[1].id = "haidian";
  districts[2].id = "nanshan";
  const auto entries = resolve_correlation(districts, {{"nanshan", "pudong", 0.4}, {"haidian", "nanshan", 0.2}});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].a, 2u);
  EXPECT_EQ(entries[0].b, 0u);
  EXPECT_EQ(entries[0].rho, 0.4);
  EXPECT_EQ(entries[1].a, 1u);
  EXPECT_THROW((void)resolve_correlation(districts, {{"futian", "pudong", 0.1}}), std::invalid_argument);
}

}  // namespace
}  // namespace districtcast
