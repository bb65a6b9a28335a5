/// \file NumericFaults: per-site records of numerical faults, merged by sums and minima.
#include "engine/numeric_faults.hpp"

#include <gtest/gtest.h>

namespace districtcast {
namespace {

TEST(NumericFaults, RecordsCountsFirstPathAndFirstYearPerSiteAndKind) {
  NumericFaults f;
  EXPECT_FALSE(f.any());
  EXPECT_EQ(f.at(3, FaultKind::gdp_overflow).paths, 0u);
  f.record(2, FaultKind::gdp_overflow, 40, 17);
  f.record(2, FaultKind::gdp_overflow, 12, 30);
  f.record(2, FaultKind::gdp_underflow, 99, 5);
  EXPECT_TRUE(f.any());
  EXPECT_EQ(f.sites(), 3u);
  const FaultRecord r = f.at(2, FaultKind::gdp_overflow);
  EXPECT_EQ(r.paths, 2u);
  EXPECT_EQ(r.first_path, 12u);
  EXPECT_EQ(r.first_year, 17u);
  EXPECT_EQ(f.at(2, FaultKind::gdp_underflow).paths, 1u);
  EXPECT_EQ(f.at(0, FaultKind::firm_overflow).paths, 0u);
}

TEST(NumericFaults, MergeIsOrderFreeAndBounded) {
  NumericFaults a, b, c;
  a.record(0, FaultKind::firm_overflow, 5, 9);
  a.exclude(1);
  b.record(4, FaultKind::gdp_overflow, 1000, 3);
  b.record(0, FaultKind::firm_overflow, 2, 11);
  b.exclude(3);
  c.record(0, FaultKind::firm_overflow, 700, 1);
  NumericFaults abc = a, cba = c;
  abc.merge(b);
  abc.merge(c);
  cba.merge(b);
  cba.merge(a);
  for (const NumericFaults* m : {&abc, &cba}) {
    EXPECT_EQ(m->sites(), 5u);
    EXPECT_EQ(m->excluded_paths(), 4u);
    const FaultRecord r = m->at(0, FaultKind::firm_overflow);
    EXPECT_EQ(r.paths, 3u);
    EXPECT_EQ(r.first_path, 2u);
    EXPECT_EQ(r.first_year, 1u);
    EXPECT_EQ(m->at(4, FaultKind::gdp_overflow).first_path, 1000u);
  }
  // Memory depends on sites, not on how many paths were recorded.
  NumericFaults many;
  for (std::uint64_t p = 0; p < 100000; ++p) many.record(1, FaultKind::gdp_underflow, p, 1 + p % 7);
  EXPECT_EQ(many.sites(), 2u);
  EXPECT_EQ(many.at(1, FaultKind::gdp_underflow).paths, 100000u);
}

}  // namespace
}  // namespace districtcast
