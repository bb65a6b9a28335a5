#pragma once
/// \file `--fail-if` rules of `districtcast compare`: comma-joined conditions, all of which must hold for a
/// comparison row, e.g. "metric=gdp,stat=p50,abs_rel_change>0.02" (docs/comparing.md#alert-rules).

#include "engine/compare.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast {

/// A row selector of a rule: `key=value`.
struct RuleFilter {
  enum class Key { scenario, district, sector, metric, year, stat };
  Key key = Key::metric;
  std::string value;  ///< as written ("" for sector= selects district totals)
};

/// A numeric test of a rule: `field OP number` (beyond_noise: `beyond_noise=true|false`).
struct RuleComparison {
  enum class Field { diff, abs_change, rel_change, abs_rel_change, z, abs_z, a, b, beyond_noise };
  enum class Op { greater, less, greater_equal, less_equal, equal };
  Field field = Field::diff;
  Op op = Op::greater;
  double value = 0.0;  ///< for beyond_noise: 1 (true) or 0 (false)
};

/// A parsed --fail-if rule: matches a row when every filter and every comparison holds.
struct AlertRule {
  std::string text;  ///< the rule as written
  std::vector<RuleFilter> filters;
  std::vector<RuleComparison> comparisons;  ///< at least one
};

/// The rule's field names in documentation order: the filters (scenario district sector metric year stat),
/// then the comparison fields (diff abs_change rel_change abs_rel_change z abs_z a b beyond_noise).
[[nodiscard]] const std::vector<std::string>& rule_field_names();

/// Parses one rule. nullopt and `problem` set (one sentence, without the rule text) for an empty condition,
/// an unknown field (with a did-you-mean), a missing or wrong operator (filters and beyond_noise take
/// only '='), an unknown metric or stat, a year or number that does not parse, beyond_noise other than
/// true/false, or a rule without any comparison (it would match every row it selects).
[[nodiscard]] std::optional<AlertRule> parse_alert_rule(std::string_view text, std::string& problem);

/// True when every condition of `rule` holds for `row`. A comparison on an empty (undefined) field does
/// not hold. stat=p_above matches every p_above:<threshold> row (likewise p_reached_by); stat=p_above:1000
/// matches the threshold numerically (p_above:1e3 too).
[[nodiscard]] bool rule_matches(const AlertRule& rule, const CompareRow& row);

/// Indices of the rows `rule` matches, in order.
[[nodiscard]] std::vector<std::size_t> matching_rows(const AlertRule& rule, const std::vector<CompareRow>& rows);

/// "" when each filter of `rule` selects at least one of `rows`; else a sentence naming the first filter that
/// selects none (with a did-you-mean among the values present), so a misspelt district cannot silently
/// disable an alert.
[[nodiscard]] std::string check_rule_filters(const AlertRule& rule, const std::vector<CompareRow>& rows);

}  // namespace districtcast
