/// \file --fail-if rules: parsing (every field, operator and error) and matching rows, empty fields included.

#include "engine/alert_rules.hpp"

#include <gtest/gtest.h>

namespace districtcast {
namespace {

using Field = RuleComparison::Field;
using Op = RuleComparison::Op;
using Key = RuleFilter::Key;

AlertRule parse(const std::string& text) {
  std::string problem;
  auto rule = parse_alert_rule(text, problem);
  if (!rule) throw std::runtime_error(text + ": " + problem);
  return *rule;
}

std::string problem_of(const std::string& text) {
  std::string problem;
  EXPECT_FALSE(parse_alert_rule(text, problem).has_value()) << text;
  return problem;
}

CompareRow make_row(std::string stat, std::optional<double> a, std::optional<double> b, std::optional<double> z,
                    bool beyond = false) {
  CompareRow r;
  r.scenario = "trillion_club";
  r.district = "nanshan";
  r.metric = Metric::gdp;
  r.year = 2030;
  r.stat = std::move(stat);
  r.a = a;
  r.b = b;
  if (a && b) {
    r.diff = *b - *a;
    if (*a != 0) r.rel_change = (*b - *a) / std::abs(*a);
  }
  r.z = z;
  r.beyond_noise = beyond;
  return r;
}

TEST(AlertRules, ParsesFiltersAndComparisons) {
  const AlertRule rule = parse("metric=gdp, stat=p50 ,rel_change>0.02");
  EXPECT_EQ(rule.text, "metric=gdp, stat=p50 ,rel_change>0.02");
  ASSERT_EQ(rule.filters.size(), 2u);
  EXPECT_EQ(rule.filters[0].key, Key::metric);
  EXPECT_EQ(rule.filters[0].value, "gdp");
  EXPECT_EQ(rule.filters[1].key, Key::stat);
  EXPECT_EQ(rule.filters[1].value, "p50");
  ASSERT_EQ(rule.comparisons.size(), 1u);
  EXPECT_EQ(rule.comparisons[0].field, Field::rel_change);
  EXPECT_EQ(rule.comparisons[0].op, Op::greater);
  EXPECT_EQ(rule.comparisons[0].value, 0.02);
}

TEST(AlertRules, ScenarioFilterTakesSweepVariantNamesWithEqualsAndCommas) {
  const AlertRule rule = parse("scenario=sweep[a.growth.mean=0.05,b.growth.volatility=0.01],stat=p50,abs_rel_change>0.02");
  ASSERT_EQ(rule.filters.size(), 2u);
  EXPECT_EQ(rule.filters[0].key, Key::scenario);
  EXPECT_EQ(rule.filters[0].value, "sweep[a.growth.mean=0.05,b.growth.volatility=0.01]");
  EXPECT_EQ(rule.filters[1].key, Key::stat);
  ASSERT_EQ(rule.comparisons.size(), 1u);
  CompareRow row = make_row("p50", 100, 103, 9);
  row.scenario = "sweep[a.growth.mean=0.05,b.growth.volatility=0.01]";
  EXPECT_TRUE(rule_matches(rule, row));
  row.scenario = "sweep[a.growth.mean=0.06,b.growth.volatility=0.01]";
  EXPECT_FALSE(rule_matches(rule, row));
  EXPECT_NE(problem_of("scenario=,z>1").find("needs a value"), std::string::npos);
}

TEST(AlertRules, ParsesEveryFieldAndOperator) {
  const AlertRule rule = parse(
      "scenario=base,district=nanshan,sector=,metric=firm_stock,year=2030,stat=p_above:1000,diff>=1,abs_change<=2,"
      "rel_change<-0.5,abs_rel_change>1e-3,z=0,abs_z>4,a>0,b<10,beyond_noise=true");
  ASSERT_EQ(rule.filters.size(), 6u);
  EXPECT_EQ(rule.filters[2].key, Key::sector);
  EXPECT_EQ(rule.filters[2].value, "");
  EXPECT_EQ(rule.filters[4].key, Key::year);
  ASSERT_EQ(rule.comparisons.size(), 9u);
  const std::vector<std::pair<Field, Op>> expected{
      {Field::diff, Op::greater_equal}, {Field::abs_change, Op::less_equal}, {Field::rel_change, Op::less},
      {Field::abs_rel_change, Op::greater}, {Field::z, Op::equal}, {Field::abs_z, Op::greater},
      {Field::a, Op::greater}, {Field::b, Op::less}, {Field::beyond_noise, Op::equal}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(rule.comparisons[i].field, expected[i].first) << i;
    EXPECT_EQ(rule.comparisons[i].op, expected[i].second) << i;
  }
  EXPECT_EQ(rule.comparisons[2].value, -0.5);
  EXPECT_EQ(rule.comparisons[3].value, 1e-3);
  EXPECT_EQ(rule.comparisons[8].value, 1.0);
  EXPECT_EQ(parse("beyond_noise=false").comparisons[0].value, 0.0);
  for (const char* stat : {"mean", "ks", "w1", "p2.5", "p_above", "p_reached_by", "p_reached_by:1e3"}) {
    EXPECT_NO_THROW(parse(std::string("stat=") + stat + ",diff>0")) << stat;
  }
  EXPECT_EQ(rule_field_names().size(), 15u);
}

TEST(AlertRules, ParseErrorsAreClear) {
  EXPECT_EQ(problem_of(""), "the rule is empty");
  EXPECT_EQ(problem_of("metric=gdp,,z>4"), "empty condition (two commas in a row, or a comma at the start or end)");
  EXPECT_EQ(problem_of("z>4,"), "empty condition (two commas in a row, or a comma at the start or end)");
  EXPECT_EQ(problem_of("rel_chnage>0.02"), "unknown field 'rel_chnage'; did you mean 'rel_change'?");
  EXPECT_EQ(problem_of("quux>1"),
            "unknown field 'quux' (fields: scenario, district, sector, metric, year, stat, diff, abs_change, "
            "rel_change, abs_rel_change, z, abs_z, a, b, beyond_noise)");
  EXPECT_EQ(problem_of("metric=gdq,z>4"), "unknown metric 'gdq'; did you mean 'gdp'?");
  EXPECT_EQ(problem_of("metric=population,z>4"),
            "unknown metric 'population' (metrics: gdp, gdp_growth, gdp_share, firm_births, firm_exits, firm_stock)");
  EXPECT_EQ(problem_of("rel_change>abc"), "'abc' is not a number (in 'rel_change>abc')");
  EXPECT_EQ(problem_of("z>"), "'' is not a number (in 'z>')");
  EXPECT_EQ(problem_of("z>inf"), "'inf' is not a number (in 'z>inf')");
  EXPECT_EQ(problem_of("year=2030.5,z>4"), "year '2030.5' is not a whole number");
  EXPECT_EQ(problem_of("stat=meen,z>4"), "unknown stat 'meen'; did you mean 'mean'?");
  EXPECT_EQ(problem_of("stat=p_above:lots,z>4"), "stat 'p_above:lots': the threshold after ':' is not a number");
  EXPECT_EQ(problem_of("stat=variance,z>4"),
            "unknown stat 'variance' (stats: mean, p<percent> such as p50, p_above, p_above:<threshold>, "
            "p_reached_by, p_reached_by:<threshold>, ks, w1)");
  EXPECT_EQ(problem_of("district>nanshan,z>4"), "'district' takes only '=' (got '>' in 'district>nanshan')");
  EXPECT_EQ(problem_of("district=,z>4"), "'district=' needs a value");
  EXPECT_EQ(problem_of("beyond_noise=yes"), "beyond_noise must be true or false (got 'yes')");
  EXPECT_EQ(problem_of("beyond_noise>0"), "'beyond_noise' takes only '=' (got '>' in 'beyond_noise>0')");
  EXPECT_EQ(problem_of("z"), "condition 'z' has no operator (=, >, <, >=, <=)");
  EXPECT_EQ(problem_of(">4"), "condition '>4' has no field before '>'");
  EXPECT_EQ(problem_of("z>=<4"), "condition 'z>=<4' has more than one operator");
  EXPECT_EQ(problem_of("metric=gdp,stat=p50"),
            "the rule has no comparison, so it would match every row it selects; add one on diff, abs_change, "
            "rel_change, abs_rel_change, z, abs_z, a, b or beyond_noise");
}

TEST(AlertRules, ComparisonsOnValues) {
  const CompareRow up = make_row("p50", 1000, 1030, 5.0, true);  // diff 30, rel_change 0.03
  EXPECT_TRUE(rule_matches(parse("metric=gdp,stat=p50,rel_change>0.02"), up));
  EXPECT_FALSE(rule_matches(parse("metric=gdp,stat=p50,rel_change>0.05"), up));
  EXPECT_FALSE(rule_matches(parse("metric=gdp_growth,rel_change>0.02"), up));
  EXPECT_FALSE(rule_matches(parse("stat=mean,rel_change>0.02"), up));
  EXPECT_TRUE(rule_matches(parse("diff=30"), up));
  EXPECT_TRUE(rule_matches(parse("diff>=30,diff<=30"), up));
  EXPECT_FALSE(rule_matches(parse("diff>30"), up));
  EXPECT_TRUE(rule_matches(parse("a=1000,b>1029"), up));
  EXPECT_TRUE(rule_matches(parse("z>4,abs_z>=5"), up));
  EXPECT_TRUE(rule_matches(parse("beyond_noise=true"), up));
  EXPECT_FALSE(rule_matches(parse("beyond_noise=false"), up));
  EXPECT_TRUE(rule_matches(parse("scenario=trillion_club,district=nanshan,sector=,year=2030,diff>0"), up));
  EXPECT_FALSE(rule_matches(parse("district=haidian,diff>0"), up));
  EXPECT_FALSE(rule_matches(parse("sector=it,diff>0"), up));
  EXPECT_FALSE(rule_matches(parse("year=2031,diff>0"), up));

  const CompareRow down = make_row("mean", 1000, 970, -5.0, true);
  EXPECT_FALSE(rule_matches(parse("rel_change>0.02"), down));
  EXPECT_TRUE(rule_matches(parse("abs_rel_change>0.02"), down));
  EXPECT_TRUE(rule_matches(parse("rel_change<-0.02"), down));
  EXPECT_TRUE(rule_matches(parse("abs_change>=30"), down));
  EXPECT_FALSE(rule_matches(parse("z>4"), down));
  EXPECT_TRUE(rule_matches(parse("abs_z>4"), down));
}

TEST(AlertRules, EmptyFieldsNeverMatch) {
  const CompareRow from_zero = make_row("p_above:1000", 0.0, 0.002, std::nullopt, true);  // rel_change and z empty
  EXPECT_FALSE(rule_matches(parse("rel_change>0"), from_zero));
  EXPECT_FALSE(rule_matches(parse("rel_change<1"), from_zero));
  EXPECT_FALSE(rule_matches(parse("abs_rel_change>=0"), from_zero));
  EXPECT_FALSE(rule_matches(parse("z<100"), from_zero));
  EXPECT_FALSE(rule_matches(parse("abs_z>=0"), from_zero));
  EXPECT_TRUE(rule_matches(parse("diff>0.001"), from_zero));
  EXPECT_TRUE(rule_matches(parse("beyond_noise=true"), from_zero));
  CompareRow ks = make_row("ks", std::nullopt, std::nullopt, std::nullopt);
  ks.diff = 0.2;
  EXPECT_FALSE(rule_matches(parse("a>=0"), ks));
  EXPECT_FALSE(rule_matches(parse("b<1"), ks));
  EXPECT_TRUE(rule_matches(parse("stat=ks,diff>0.1"), ks));
}

TEST(AlertRules, StatFamiliesAndNumericThresholds) {
  const CompareRow above = make_row("p_above:1000", 0.5, 0.6, 5.0, true);
  const CompareRow reached = make_row("p_reached_by:1000", 0.5, 0.6, 5.0, true);
  const CompareRow other = make_row("p_above:1500.5", 0.1, 0.2, 5.0, true);
  const AlertRule family = parse("stat=p_above,diff>0");
  EXPECT_TRUE(rule_matches(family, above));
  EXPECT_TRUE(rule_matches(family, other));
  EXPECT_FALSE(rule_matches(family, reached));
  EXPECT_TRUE(rule_matches(parse("stat=p_above:1000,diff>0"), above));
  EXPECT_TRUE(rule_matches(parse("stat=p_above:1e3,diff>0"), above));
  EXPECT_FALSE(rule_matches(parse("stat=p_above:1000,diff>0"), other));
  EXPECT_TRUE(rule_matches(parse("stat=p_above:1500.5,diff>0"), other));
  EXPECT_TRUE(rule_matches(parse("stat=p_reached_by,diff>0"), reached));
  EXPECT_FALSE(rule_matches(parse("stat=p_reached_by:1000,diff>0"), above));
  EXPECT_TRUE(rule_matches(parse("stat=p50.0,diff>0"), make_row("p50", 1, 2, 1.0)));  // same quantile level
}

TEST(AlertRules, MatchingRowsAndFilterChecks) {
  std::vector<CompareRow> rows{make_row("mean", 1000, 1001, 1.0), make_row("p50", 1000, 1100, 9.0, true),
                               make_row("p95", 1000, 1100, std::nullopt)};
  rows[2].sector = "it";
  EXPECT_EQ(matching_rows(parse("abs_change>50"), rows), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(matching_rows(parse("abs_change>50,sector="), rows), (std::vector<std::size_t>{1}));
  EXPECT_TRUE(matching_rows(parse("abs_change>500"), rows).empty());

  EXPECT_EQ(check_rule_filters(parse("district=nanshan,stat=p50,sector=it,z>0"), rows), "");
  EXPECT_EQ(check_rule_filters(parse("district=nanshn,z>0"), rows),
            "district=nanshn selects no compared row; did you mean 'nanshan'?");
  EXPECT_EQ(check_rule_filters(parse("stat=p90,z>0"), rows), "stat=p90 selects no compared row; did you mean 'p50'?");
  EXPECT_EQ(check_rule_filters(parse("year=2031,z>0"), rows), "year=2031 selects no compared row");
  EXPECT_EQ(check_rule_filters(parse("scenario=tech_boom,z>0"), rows), "scenario=tech_boom selects no compared row");
  EXPECT_EQ(check_rule_filters(parse("metric=firm_stock,z>0"), rows), "metric=firm_stock selects no compared row");
}

}  // namespace
}  // namespace districtcast
