#include "engine/alert_rules.hpp"

#include "engine/diagnostic.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace districtcast {
namespace {

using Key = RuleFilter::Key;
using Field = RuleComparison::Field;
using Op = RuleComparison::Op;

struct FilterName {
  const char* name;
  Key key;
};
constexpr FilterName kFilters[] = {{"scenario", Key::scenario}, {"district", Key::district}, {"sector", Key::sector},
                                   {"metric", Key::metric},     {"year", Key::year},         {"stat", Key::stat}};

struct FieldName {
  const char* name;
  Field field;
};
constexpr FieldName kFields[] = {{"diff", Field::diff},
                                 {"abs_change", Field::abs_change},
                                 {"rel_change", Field::rel_change},
                                 {"abs_rel_change", Field::abs_rel_change},
                                 {"z", Field::z},
                                 {"abs_z", Field::abs_z},
                                 {"a", Field::a},
                                 {"b", Field::b},
                                 {"beyond_noise", Field::beyond_noise}};

constexpr const char* kComparisonList = "diff, abs_change, rel_change, abs_rel_change, z, abs_z, a, b or beyond_noise";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> parse_number(std::string_view text) {
  double x = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, x);
  if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::optional<int> parse_year(std::string_view text) {
  int y = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, y);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return y;
}

const char* op_text(Op op) {
  switch (op) {
    case Op::greater: return ">";
    case Op::less: return "<";
    case Op::greater_equal: return ">=";
    case Op::less_equal: return "<=";
    case Op::equal: return "=";
  }
  return "?";
}

/// A threshold stat family: "p_above:<t>" -> {"p_above", t}.
struct ThresholdStat {
  std::string family;
  std::optional<double> threshold;  ///< nullopt for the bare family name
};

std::optional<ThresholdStat> threshold_stat(std::string_view stat) {
  for (const char* family : {"p_above", "p_reached_by"}) {
    const std::string_view f(family);
    if (stat == f) return ThresholdStat{family, std::nullopt};
    if (stat.size() > f.size() && stat.substr(0, f.size()) == f && stat[f.size()] == ':') {
      const auto t = parse_number(stat.substr(f.size() + 1));
      if (!t) return std::nullopt;
      return ThresholdStat{family, t};
    }
  }
  return std::nullopt;
}

/// "" when `stat` names a stat (mean, ks, w1, a quantile, a threshold family or threshold stat), else a problem.
std::string stat_problem(const std::string& stat) {
  if (stat == "mean" || stat == "ks" || stat == "w1" || quantile_level(stat) || threshold_stat(stat)) return "";
  if (stat.rfind("p_above:", 0) == 0 || stat.rfind("p_reached_by:", 0) == 0) {
    return fmt::format("stat '{}': the threshold after ':' is not a number", stat);
  }
  const std::string suggestion = closest_match(stat, {"mean", "ks", "w1", "p_above", "p_reached_by", "p5", "p50", "p95"});
  return fmt::format("unknown stat '{}'{}", stat,
                     suggestion.empty() ? std::string(" (stats: mean, p<percent> such as p50, p_above, p_above:<threshold>, "
                                                      "p_reached_by, p_reached_by:<threshold>, ks, w1)")
                                        : fmt::format("; did you mean '{}'?", suggestion));
}

bool stat_matches(const std::string& wanted, const std::string& stat) {
  if (wanted == stat) return true;
  if (const auto w = threshold_stat(wanted)) {
    const auto s = threshold_stat(stat);
    return s && s->family == w->family && (!w->threshold || w->threshold == s->threshold);
  }
  const auto qw = quantile_level(wanted), qs = quantile_level(stat);
  return qw && qs && *qw == *qs;
}

bool filter_matches(const RuleFilter& f, const CompareRow& row) {
  switch (f.key) {
    case Key::scenario: return row.scenario == f.value;
    case Key::district: return row.district == f.value;
    case Key::sector: return row.sector == f.value;
    case Key::metric: return to_string(row.metric) == f.value;
    case Key::year: return parse_year(f.value) == row.year;
    case Key::stat: return stat_matches(f.value, row.stat);
  }
  return false;
}

std::optional<double> field_value(Field field, const CompareRow& row) {
  const auto abs = [](std::optional<double> x) { return x ? std::optional<double>(std::fabs(*x)) : std::nullopt; };
  switch (field) {
    case Field::diff: return row.diff;
    case Field::abs_change: return abs(row.diff);
    case Field::rel_change: return row.rel_change;
    case Field::abs_rel_change: return abs(row.rel_change);
    case Field::z: return row.z;
    case Field::abs_z: return abs(row.z);
    case Field::a: return row.a;
    case Field::b: return row.b;
    case Field::beyond_noise: return row.beyond_noise ? 1.0 : 0.0;
  }
  return std::nullopt;
}

bool comparison_holds(const RuleComparison& c, const CompareRow& row) {
  const auto x = field_value(c.field, row);
  if (!x) return false;
  switch (c.op) {
    case Op::greater: return *x > c.value;
    case Op::less: return *x < c.value;
    case Op::greater_equal: return *x >= c.value;
    case Op::less_equal: return *x <= c.value;
    case Op::equal: return *x == c.value;
  }
  return false;
}

/// The value of a filter's field in `row`, as text (for did-you-mean suggestions).
std::string row_value(Key key, const CompareRow& row) {
  switch (key) {
    case Key::scenario: return row.scenario;
    case Key::district: return row.district;
    case Key::sector: return row.sector;
    case Key::metric: return std::string(to_string(row.metric));
    case Key::year: return std::to_string(row.year);
    case Key::stat: return row.stat;
  }
  return "";
}

/// Parses one `key OP value` condition into `rule`; returns a problem or "".
std::string parse_condition(std::string_view condition, AlertRule& rule) {
  // Sweep variant names contain '=' (x[a=1]): `scenario=` takes everything after its first '=' as the name.
  if (const std::string_view prefix = "scenario="; condition.substr(0, prefix.size()) == prefix) {
    const std::string value(trim(condition.substr(prefix.size())));
    if (value.empty()) return "'scenario=' needs a value";
    rule.filters.push_back(RuleFilter{RuleFilter::Key::scenario, value});
    return "";
  }
  const std::size_t at = condition.find_first_of("<>=");
  if (at == std::string_view::npos) {
    return fmt::format("condition '{}' has no operator (=, >, <, >=, <=)", condition);
  }
  Op op = Op::equal;
  std::size_t op_length = 1;
  if (condition[at] != '=') {
    const bool or_equal = at + 1 < condition.size() && condition[at + 1] == '=';
    op = condition[at] == '>' ? (or_equal ? Op::greater_equal : Op::greater) : (or_equal ? Op::less_equal : Op::less);
    op_length = or_equal ? 2 : 1;
  }
  const std::string key(trim(condition.substr(0, at)));
  const std::string value(trim(condition.substr(at + op_length)));
  if (key.empty()) return fmt::format("condition '{}' has no field before '{}'", condition, op_text(op));
  if (value.find_first_of("<>=") != std::string::npos) {
    return fmt::format("condition '{}' has more than one operator", condition);
  }
  for (const auto& f : kFilters) {
    if (key != f.name) continue;
    if (op != Op::equal) return fmt::format("'{}' takes only '=' (got '{}' in '{}')", key, op_text(op), condition);
    if (value.empty() && f.key != Key::sector) {
      return fmt::format("'{}=' needs a value", key);
    }
    if (f.key == Key::metric && !metric_from_string(value)) {
      std::vector<std::string> names;
      names.reserve(kAllMetrics.size());
      for (Metric m : kAllMetrics) names.emplace_back(to_string(m));
      const std::string suggestion = closest_match(value, names);
      return fmt::format("unknown metric '{}'{}", value,
                         suggestion.empty() ? fmt::format(" (metrics: {})", fmt::join(names, ", "))
                                            : fmt::format("; did you mean '{}'?", suggestion));
    }
    if (f.key == Key::year && !parse_year(value)) return fmt::format("year '{}' is not a whole number", value);
    if (f.key == Key::stat) {
      if (auto problem = stat_problem(value); !problem.empty()) return problem;
    }
    rule.filters.push_back(RuleFilter{f.key, value});
    return "";
  }
  for (const auto& f : kFields) {
    if (key != f.name) continue;
    RuleComparison c{f.field, op, 0.0};
    if (f.field == Field::beyond_noise) {
      if (op != Op::equal) return fmt::format("'beyond_noise' takes only '=' (got '{}' in '{}')", op_text(op), condition);
      if (value != "true" && value != "false") {
        return fmt::format("beyond_noise must be true or false (got '{}')", value);
      }
      c.value = value == "true" ? 1.0 : 0.0;
    } else {
      const auto x = parse_number(value);
      if (!x) return fmt::format("'{}' is not a number (in '{}')", value, condition);
      c.value = *x;
    }
    rule.comparisons.push_back(c);
    return "";
  }
  const std::string suggestion = closest_match(key, rule_field_names());
  return fmt::format("unknown field '{}'{}", key,
                     suggestion.empty() ? fmt::format(" (fields: {})", fmt::join(rule_field_names(), ", "))
                                        : fmt::format("; did you mean '{}'?", suggestion));
}

}  // namespace

const std::vector<std::string>& rule_field_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& f : kFilters) out.emplace_back(f.name);
    for (const auto& f : kFields) out.emplace_back(f.name);
    return out;
  }();
  return names;
}

std::optional<AlertRule> parse_alert_rule(std::string_view text, std::string& problem) {
  AlertRule rule;
  rule.text = std::string(text);
  if (trim(text).empty()) {
    problem = "the rule is empty";
    return std::nullopt;
  }
  // A comma inside [...] belongs to a sweep variant name (scenario=x[a=1,b=2]), not between conditions.
  const auto next_comma = [&](std::size_t from) {
    int depth = 0;
    for (std::size_t i = from; i < text.size(); ++i) {
      if (text[i] == '[') ++depth;
      if (text[i] == ']' && depth > 0) --depth;
      if (text[i] == ',' && depth == 0) return i;
    }
    return text.size();
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = next_comma(start);
    const std::string_view condition = trim(text.substr(start, comma - start));
    if (condition.empty()) {
      problem = "empty condition (two commas in a row, or a comma at the start or end)";
      return std::nullopt;
    }
    if (auto p = parse_condition(condition, rule); !p.empty()) {
      problem = p;
      return std::nullopt;
    }
    start = comma + 1;
  }
  if (rule.comparisons.empty()) {
    problem = fmt::format("the rule has no comparison, so it would match every row it selects; add one on {}",
                          kComparisonList);
    return std::nullopt;
  }
  return rule;
}

bool rule_matches(const AlertRule& rule, const CompareRow& row) {
  return std::all_of(rule.filters.begin(), rule.filters.end(), [&](const auto& f) { return filter_matches(f, row); }) &&
         std::all_of(rule.comparisons.begin(), rule.comparisons.end(),
                     [&](const auto& c) { return comparison_holds(c, row); });
}

std::vector<std::size_t> matching_rows(const AlertRule& rule, const std::vector<CompareRow>& rows) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rule_matches(rule, rows[i])) out.push_back(i);
  }
  return out;
}

std::string check_rule_filters(const AlertRule& rule, const std::vector<CompareRow>& rows) {
  for (const auto& f : rule.filters) {
    if (std::any_of(rows.begin(), rows.end(), [&](const CompareRow& row) { return filter_matches(f, row); })) continue;
    const char* name = "";
    for (const auto& known : kFilters) {
      if (known.key == f.key) name = known.name;
    }
    std::vector<std::string> present;
    for (const auto& row : rows) {
      std::string v = row_value(f.key, row);
      if (std::find(present.begin(), present.end(), v) == present.end()) present.push_back(std::move(v));
    }
    const std::string suggestion = f.key == Key::year ? "" : closest_match(f.value, present);
    return fmt::format("{}={} selects no compared row{}", name, f.value,
                       suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion));
  }
  return "";
}

}  // namespace districtcast
