#include "engine/scenario_loader.hpp"

#include "engine/correlation.hpp"
#include "engine/progress.hpp"
#include "engine/quantile_names.hpp"
#include "engine/random_stream.hpp"
#include "engine/scenario_compose_detail.hpp"
#include "engine/scenario_models.hpp"
#include "engine/scenario_validator.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

namespace districtcast {
namespace {
using namespace scenario_detail;

/// Starts with a letter, digit or '_' (so never ".", ".." or a hidden name like our staging directories).
const std::regex kScenarioNamePattern{"[A-Za-z0-9_][A-Za-z0-9_.-]*"};

/// The district id in `node` if it names one of `ids`; else reports the problem (with a did-you-mean).
std::optional<std::string> district_id(Validator& v, const YAML::Node& node, const std::string& path,
                                       const std::vector<std::string>& ids) {
  auto id = v.string(node, path);
  if (!id) return std::nullopt;
  if (std::find(ids.begin(), ids.end(), *id) == ids.end()) {
    const std::string suggestion = closest_match(*id, ids);
    v.error(node, path,
            fmt::format("unknown district '{}'{}", *id,
                        suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion)));
    return std::nullopt;
  }
  return id;
}

void read_correlation(Validator& v, const YAML::Node& node, const std::string& path, Scenario& s) {
  if (node.IsNull() || !v.sequence(node, path)) return;
  std::vector<std::string> ids;
  for (const auto& d : s.districts) ids.push_back(d.id);
  std::set<std::pair<std::string, std::string>> pairs;
  const std::size_t errors_before = v.error_count();
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string epath = Validator::index(path, i);
    if (!entry.IsSequence() || entry.size() != 3) {
      v.error(entry, epath, fmt::format("expected [district_a, district_b, rho], got {}", describe_type(entry)));
      continue;
    }
    CorrelationSpec c;
    const auto a = district_id(v, entry[0], Validator::index(epath, 0), ids);
    const auto b = district_id(v, entry[1], Validator::index(epath, 1), ids);
    const bool valid = a && b;
    if (valid) {
      c.a = *a;
      c.b = *b;
    }
    auto rho = v.number(entry[2], Validator::index(epath, 2), kCorrelation);
    if (!valid || !rho) continue;
    c.rho = *rho;
    if (c.a == c.b) {
      v.error(entry, epath, fmt::format("a district's correlation with itself is always 1 ('{}' twice)", c.a));
      continue;
    }
    if (!pairs.insert(std::minmax(c.a, c.b)).second) {
      v.error(entry, epath, fmt::format("the pair ({}, {}) is listed twice", c.a, c.b));
      continue;
    }
    s.correlation.push_back(c);
  }
  if (v.error_count() != errors_before || s.correlation.empty()) return;
  const SquareMatrix matrix = correlation_matrix(s.districts.size(), resolve_correlation(s.districts, s.correlation));
  const CholeskyResult factor = cholesky_semidefinite(matrix);
  if (!factor.lower) {
    v.error(node, path,
            fmt::format("the correlation matrix is {}: the correlations involving '{}' cannot hold together",
                        factor.problem, ids[factor.failed_row]));
  }
}

void read_thresholds(Validator& v, const YAML::Node& node, const std::string& path, Scenario& s) {
  if (node.IsNull() || !v.sequence(node, path)) return;
  const bool any_firms = std::any_of(s.districts.begin(), s.districts.end(), [](const auto& d) { return d.has_firms(); });
  std::vector<std::string> metric_names;
  for (Metric m : kAllMetrics) metric_names.emplace_back(to_string(m));
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string epath = Validator::index(path, i);
    if (!v.check_map(entry, epath, to_strings({"metric", "value", "label"}))) continue;
    ThresholdSpec t;
    bool valid = true;
    if (auto n = v.required(entry, epath, "metric")) {
      if (auto name = v.choice(*n, Validator::join(epath, "metric"), metric_names)) {
        t.metric = *metric_from_string(*name);
        if (t.metric == Metric::gdp_share) {
          v.error(*n, Validator::join(epath, "metric"), "thresholds apply to district totals; gdp_share is a sector metric");
          valid = false;
        } else if (is_firm_metric(t.metric) && !any_firms) {
          v.error(*n, Validator::join(epath, "metric"), fmt::format("no district has a firms block, so '{}' is never computed", *name));
          valid = false;
        }
      } else {
        valid = false;
      }
    } else {
      valid = false;
    }
    if (auto n = v.required(entry, epath, "value")) {
      if (auto value = v.number(*n, Validator::join(epath, "value"), kAnyNumber)) t.value = *value; else valid = false;
    } else {
      valid = false;
    }
    if (auto n = Validator::optional(entry, "label")) t.label = v.string(*n, Validator::join(epath, "label")).value_or("");
    if (t.label.empty()) t.label = fmt::format("{} >= {}", to_string(t.metric), t.value);
    const bool duplicate = std::any_of(s.thresholds.begin(), s.thresholds.end(), [&](const ThresholdSpec& other) {
      return other.metric == t.metric && other.value == t.value;
    });
    if (valid && duplicate) {
      v.error(entry, epath, fmt::format("duplicate threshold: {} {} is already listed", to_string(t.metric), t.value));
      valid = false;
    }
    if (valid) s.thresholds.push_back(t);
  }
}

void read_overtaking(Validator& v, const YAML::Node& node, const std::string& path, Scenario& s) {
  if (node.IsNull()) return;  // `overtaking:` with every entry commented out: no pair, like `[]`
  if (!v.sequence(node, path)) return;
  if (node.size() > kMaxOvertakingPairs) {
    v.error(node, path, fmt::format("at most {} pairs can be tracked (got {})", kMaxOvertakingPairs, node.size()));
    return;
  }
  std::vector<std::string> ids;
  for (const auto& d : s.districts) ids.push_back(d.id);
  const bool flat = node.size() == 2 && node[0].IsScalar() && node[1].IsScalar();
  std::map<std::pair<std::string, std::string>, std::size_t> first_entry;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string epath = Validator::index(path, i);
    if (!entry.IsSequence() || entry.size() != 2) {
      v.error(entry, epath,
              fmt::format("expected [district, other], got {}{}", describe_type(entry),
                          flat ? fmt::format("; a pair is a list inside the list: [[{}, {}]]", node[0].Scalar(),
                                             node[1].Scalar())
                               : ""));
      if (flat) return;  // one message for the flat pair
      continue;
    }
    const auto district = district_id(v, entry[0], Validator::index(epath, 0), ids);
    const auto other = district_id(v, entry[1], Validator::index(epath, 1), ids);
    if (!district || !other) continue;
    if (*district == *other) {
      v.error(entry, epath, fmt::format("a district cannot overtake itself ('{}' twice)", *district));
    } else if (auto [it, inserted] = first_entry.emplace(std::pair{*district, *other}, i); !inserted) {
      v.error(entry, epath,
              fmt::format("the pair [{}, {}] is listed twice (also {})", *district, *other, Validator::index(path, it->second)));
    } else {
      s.overtaking.push_back(OvertakingSpec{*district, *other});
    }
  }
}

/// Every ordered pair of districts, in file order (the default of `overtaking` for small scenarios).
std::vector<OvertakingSpec> all_overtaking_pairs(const Scenario& s) {
  std::vector<OvertakingSpec> pairs;
  if (s.districts.size() > kMaxDefaultOvertakingDistricts) return pairs;
  for (const auto& a : s.districts) {
    for (const auto& b : s.districts) {
      if (a.id != b.id) pairs.push_back(OvertakingSpec{a.id, b.id});
    }
  }
  return pairs;
}

void read_outputs(Validator& v, const YAML::Node& node, const std::string& path, OutputSpec& out) {
  if (node.IsNull()) return;
  if (!v.check_map(node, path, to_strings({"quantiles", "histogram_bins"}))) return;
  if (auto n = Validator::optional(node, "quantiles")) {
    const std::string qpath = Validator::join(path, "quantiles");
    if (v.sequence(*n, qpath)) {
      std::vector<double> quantiles;
      if (n->size() == 0 || n->size() > 99) v.error(*n, qpath, "must list between 1 and 99 quantiles");
      for (std::size_t i = 0; i < n->size(); ++i) {
        auto q = v.number((*n)[i], Validator::index(qpath, i), Range{0.0, 1.0, true, true});
        if (!q) continue;
        if (!quantiles.empty() && *q <= quantiles.back()) {
          v.error((*n)[i], Validator::index(qpath, i), "quantiles must be strictly increasing");
          continue;
        }
        if (!quantiles.empty() && quantile_column_name(*q) == quantile_column_name(quantiles.back())) {
          v.error((*n)[i], Validator::index(qpath, i),
                  fmt::format("too close to the previous quantile: both are named {}", quantile_column_name(*q)));
          continue;
        }
        quantiles.push_back(*q);
      }
      if (!quantiles.empty()) out.quantiles = quantiles;
    }
  }
  if (auto n = Validator::optional(node, "histogram_bins")) {
    out.histogram_bins = static_cast<int>(v.unsigned_integer(*n, Validator::join(path, "histogram_bins"), 1, 1000).value_or(20));
  }
}

PrecisionSpec read_precision(Validator& v, const YAML::Node& node, const std::string& path, const Scenario& s) {
  PrecisionSpec spec;
  if (!v.check_map(node, path, to_strings({"target", "metrics", "max_paths"}))) return spec;
  if (auto n = v.required(node, path, "target")) {
    spec.target = v.number(*n, Validator::join(path, "target"), Range{0.0, 1.0, true, true}).value_or(spec.target);
  }
  if (auto n = Validator::optional(node, "metrics")) {
    const std::string mpath = Validator::join(path, "metrics");
    std::vector<std::string> names;
    for (Metric m : kAllMetrics) names.emplace_back(to_string(m));
    const bool any_firms = std::any_of(s.districts.begin(), s.districts.end(), [](const auto& d) { return d.has_firms(); });
    if (v.sequence(*n, mpath)) {
      if (n->size() == 0) v.error(*n, mpath, "must list at least one metric");
      spec.metrics.clear();
      for (std::size_t i = 0; i < n->size(); ++i) {
        const auto name = v.choice((*n)[i], Validator::index(mpath, i), names);
        if (!name) continue;
        const Metric m = *metric_from_string(*name);
        if (is_firm_metric(m) && !any_firms) {
          v.error((*n)[i], Validator::index(mpath, i), fmt::format("no district has a firms block, so '{}' is never computed", *name));
        } else if (std::find(spec.metrics.begin(), spec.metrics.end(), m) == spec.metrics.end()) {
          spec.metrics.push_back(m);
        }
      }
    }
  }
  spec.max_paths = std::max<std::uint64_t>(spec.max_paths, s.paths);
  if (auto n = Validator::optional(node, "max_paths")) {
    const auto max_paths = v.unsigned_integer(*n, Validator::join(path, "max_paths"), 1, kMaxPaths);
    if (max_paths && *max_paths < s.paths) {
      v.error(*n, Validator::join(path, "max_paths"),
              fmt::format("must be >= paths ({}): the first round already runs paths paths", s.paths));
    } else if (max_paths) {
      spec.max_paths = *max_paths;
    }
  }
  return spec;
}

void check_unique_districts(Validator& v, const YAML::Node& list, const Scenario& s) {
  std::map<std::string, std::size_t> first_index;
  std::map<std::uint32_t, std::string> scopes;
  for (std::size_t i = 0; i < s.districts.size(); ++i) {
    const std::string& id = s.districts[i].id;
    if (id.empty()) continue;
    const std::string path = Validator::index("districts", i) + ".id";
    if (auto [it, inserted] = first_index.emplace(id, i); !inserted) {
      v.error(list[i]["id"], path, fmt::format("duplicate district id '{}' (also districts[{}])", id, it->second));
      continue;
    }
    std::set<std::string> stream_names{id};  // a set: a duplicate sector id is reported once, by read_sectors()
    for (const SectorSpec& sector : s.districts[i].sectors) stream_names.insert(id + "." + sector.id);
    for (const std::string& name : stream_names) {
      const std::uint32_t scope = district_scope(name);
      if (scope == kNationalScope) {
        v.error(list[i]["id"], path, fmt::format("'{}' collides with the national random stream; rename it", name));
      } else if (auto [it, inserted] = scopes.emplace(scope, name); !inserted) {
        v.error(list[i]["id"], path,
                fmt::format("'{}' and '{}' share a random-stream hash; rename one of them", it->second, name));
      }
    }
  }
}

/// The units a scheduled shock may target: "district" and "district.sector".
std::vector<std::string> shock_target_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const auto& d : s.districts) {
    names.push_back(d.id);
    for (const auto& sector : d.sectors) names.push_back(d.id + "." + sector.id);
  }
  return names;
}

void read_scheduled_shocks(Validator& v, const YAML::Node& node, const std::string& path, Scenario& s) {
  if (node.IsNull() || !v.sequence(node, path)) return;
  if (node.size() > kMaxScheduledShocks) {
    v.error(node, path, fmt::format("at most {} scheduled shocks (got {})", kMaxScheduledShocks, node.size()));
    return;
  }
  const std::vector<std::string> targets = shock_target_names(s);
  std::map<std::string, std::size_t> first_index;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string epath = Validator::index(path, i);
    if (!v.check_map(entry, epath,
                     to_strings({"name", "year", "probability", "growth_impact", "persistence", "districts"}))) {
      continue;
    }
    ScheduledShockSpec shock;
    if (auto n = v.required(entry, epath, "name")) {
      if (auto name = v.string(*n, Validator::join(epath, "name"))) {
        if (!is_valid_id(*name)) {
          v.error(*n, Validator::join(epath, "name"),
                  fmt::format("'{}' is not a valid shock name: use lower-case letters, digits and _", *name));
        } else if (auto [it, inserted] = first_index.emplace(*name, i); !inserted) {
          v.error(*n, Validator::join(epath, "name"),
                  fmt::format("duplicate shock name '{}' (also {})", *name, Validator::index(path, it->second)));
        }
        shock.name = *name;
      }
    }
    if (auto n = v.required(entry, epath, "year")) {
      const auto first = static_cast<std::uint64_t>(s.base_year) + 1;
      const auto last = static_cast<std::uint64_t>(s.base_year) + static_cast<std::uint64_t>(s.horizon);
      shock.year = static_cast<int>(v.unsigned_integer(*n, Validator::join(epath, "year"), first, last).value_or(first));
    }
    const std::string key = "scheduled_shocks." + shock.name;
    shock.probability = read_param(v, entry, epath, key, "probability", kProbability, true, 0.0);
    shock.growth_impact = read_param(v, entry, epath, key, "growth_impact", kAnyNumber, true, 0.0);
    shock.persistence = read_param(v, entry, epath, key, "persistence", kProbability, false, 0.0);
    if (auto n = Validator::optional(entry, "districts"); n && !n->IsNull()) {
      const std::string dpath = Validator::join(epath, "districts");
      if (v.sequence(*n, dpath)) {
        if (n->size() == 0) v.error(*n, dpath, "must list at least one district (leave the key out to hit every district)");
        for (std::size_t j = 0; j < n->size(); ++j) {
          const auto target = v.string((*n)[j], Validator::index(dpath, j));
          if (!target) continue;
          if (std::find(targets.begin(), targets.end(), *target) == targets.end()) {
            const std::string suggestion = closest_match(*target, targets);
            v.error((*n)[j], Validator::index(dpath, j),
                    fmt::format("unknown district or sector '{}'{} (a sector is written district.sector)", *target,
                                suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion)));
          } else if (std::find(shock.targets.begin(), shock.targets.end(), *target) != shock.targets.end()) {
            v.error((*n)[j], Validator::index(dpath, j), fmt::format("'{}' is listed twice", *target));
          } else if (const auto overlap = std::find_if(shock.targets.begin(), shock.targets.end(), [&](const std::string& t) {
                       return target->rfind(t + ".", 0) == 0 || t.rfind(*target + ".", 0) == 0;
                     });
                     overlap != shock.targets.end()) {
            v.error((*n)[j], Validator::index(dpath, j),
                    fmt::format("'{}' overlaps '{}': a district already covers all its sectors", *target, *overlap));
          } else {
            shock.targets.push_back(*target);
          }
        }
      }
    }
    s.scheduled_shocks.push_back(std::move(shock));
  }
}

/// With antithetic pairs every path count must be even: `paths` and `precision.max_paths`.
void check_even_paths(Validator& v, const YAML::Node& root, const Scenario& s) {
  if (s.paths % 2 != 0) {
    const auto n = Validator::optional(root, "paths");
    v.error(n ? *n : root["antithetic"], "paths",
            fmt::format("must be even with antithetic: true (paths come in pairs), got {}", s.paths));
  }
  if (s.precision && s.precision->max_paths % 2 != 0) {
    const YAML::Node precision = root["precision"];
    const auto n = Validator::optional(precision, "max_paths");
    v.error(n ? *n : precision, "precision.max_paths",
            fmt::format("must be even with antithetic: true (paths come in pairs), got {}", s.precision->max_paths));
  }
}

/// paths x horizon (and precision.max_paths x horizon) within kMaxPathYears.
void check_path_years(Validator& v, const YAML::Node& root, const Scenario& s) {
  if (const auto problem = path_years_problem(s.paths, s.horizon)) {
    const auto n = Validator::optional(root, "paths");
    v.error(n ? *n : root, "paths", *problem);
  } else if (s.precision) {
    if (const auto max_problem = path_years_problem(s.precision->max_paths, s.horizon)) {
      v.error(root["precision"], "precision.max_paths", *max_problem);
    }
  }
}

/// True for a mapping with none of the keys every scenario has (base_year, horizon, districts; or extends,
/// which may bring them): some other YAML file, not a scenario with mistakes, so one message says so
/// instead of one per key.
bool is_foreign_mapping(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  for (const char* key : {"base_year", "horizon", "districts", "extends"}) {
    if (Validator::optional(root, key)) return false;
  }
  return true;
}

Scenario read_scenario(Validator& v, const YAML::Node& root, const std::string& default_name) {
  Scenario s;
  const auto keys = to_strings({"kind", "extends", "sweep", "name", "description", "base_year", "horizon", "paths",
                                "seed", "units", "national", "districts", "correlation", "thresholds", "overtaking",
                                "outputs", "precision", "antithetic", "scheduled_shocks"});
  if (is_foreign_mapping(root)) {
    v.error(root, "", "not a districtcast scenario: it has none of base_year, horizon and districts, which every "
                      "scenario has (docs/scenario-format.md)");
    return s;
  }
  if (!v.check_map(root, "", keys)) return s;
  s.name = default_name;
  if (auto n = Validator::optional(root, "name")) s.name = v.string(*n, "name").value_or(default_name);
  if (!std::regex_match(s.name, kScenarioNamePattern)) {
    const auto n = Validator::optional(root, "name");
    const char* rule = "letters, digits, '_', '-' and '.', not starting with '.' or '-'";
    v.error(n ? *n : root, "name",
            n ? fmt::format("'{}' cannot name an output directory: use {}", s.name, rule)
              : fmt::format("the file name '{}' cannot name an output directory: add a name key ({})", s.name, rule));
  }
  if (auto n = Validator::optional(root, "description")) s.description = v.string(*n, "description").value_or("");
  if (auto n = v.required(root, "", "base_year")) s.base_year = static_cast<int>(v.unsigned_integer(*n, "base_year", 1900, 2200).value_or(2000));
  if (auto n = v.required(root, "", "horizon")) {
    s.horizon = static_cast<int>(v.unsigned_integer(*n, "horizon", 1, kMaxHorizon).value_or(1));
  }
  if (auto n = Validator::optional(root, "paths")) s.paths = v.unsigned_integer(*n, "paths", 1, kMaxPaths).value_or(1);
  if (auto n = Validator::optional(root, "seed")) {
    s.seed = v.unsigned_integer(*n, "seed", 0, std::numeric_limits<std::uint64_t>::max()).value_or(1);
  }
  if (auto n = Validator::optional(root, "units")) s.units = v.string(*n, "units").value_or(s.units);
  if (auto n = Validator::optional(root, "national")) s.national = read_national(v, *n, "national");
  if (auto list = v.required(root, "", "districts")) {
    if (v.sequence(*list, "districts")) {
      if (list->size() == 0) v.error(*list, "districts", "must list at least one district");
      if (list->size() > kMaxDistricts) {
        v.error(*list, "districts", fmt::format("at most {} districts are supported (got {})", kMaxDistricts, list->size()));
      } else {
        for (std::size_t i = 0; i < list->size(); ++i) {
          s.districts.push_back(read_district(v, (*list)[i], Validator::index("districts", i), s.national, s.base_year));
        }
        check_unique_districts(v, *list, s);
      }
    }
  }
  if (auto n = Validator::optional(root, "correlation")) read_correlation(v, *n, "correlation", s);
  if (auto n = Validator::optional(root, "thresholds")) read_thresholds(v, *n, "thresholds", s);
  if (auto n = Validator::optional(root, "overtaking")) {
    read_overtaking(v, *n, "overtaking", s);
  } else {
    s.overtaking = all_overtaking_pairs(s);
  }
  if (auto n = Validator::optional(root, "outputs")) read_outputs(v, *n, "outputs", s.outputs);
  if (auto n = Validator::optional(root, "precision"); n && !n->IsNull()) s.precision = read_precision(v, *n, "precision", s);
  if (auto n = Validator::optional(root, "antithetic")) {
    s.antithetic = v.boolean(*n, "antithetic").value_or(false);
    if (s.antithetic) check_even_paths(v, root, s);
  }
  if (auto n = Validator::optional(root, "scheduled_shocks")) read_scheduled_shocks(v, *n, "scheduled_shocks", s);
  check_path_years(v, root, s);
  s.parameters = v.take_parameters();
  return s;
}

}  // namespace

namespace scenario_detail {

// `kind`, `extends` and `sweep` are read by the composition (scenario_compose.cpp) before this runs.
Scenario read_scenario_root(Validator& v, const YAML::Node& root, const std::string& default_name) {
  return read_scenario(v, root, default_name);
}

}  // namespace scenario_detail

std::optional<std::string> path_years_problem(std::uint64_t paths, int horizon) {
  if (static_cast<double>(paths) * horizon <= kMaxPathYears) return std::nullopt;
  return fmt::format("{} paths x {} years is over the limit of {:.0e} path-years (docs/scenario-format.md, "
                     "\"Limits\")",
                     with_thousands(paths), horizon, kMaxPathYears);
}

// load_scenario_text() and load_scenario_file() are in scenario_compose.cpp: they compose (extends) first.

}  // namespace districtcast
