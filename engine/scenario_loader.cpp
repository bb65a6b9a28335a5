#include "engine/scenario_loader.hpp"

#include "engine/correlation.hpp"
#include "engine/quantile_names.hpp"
#include "engine/random_stream.hpp"

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

/// An allowed numeric interval; open ends exclude the bound.
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false;
  bool high_open = false;

  [[nodiscard]] bool contains(double x) const {
    const bool above = low_open ? x > low : x >= low;
    const bool below = high_open ? x < high : x <= high;
    return above && below;
  }
  [[nodiscard]] std::string describe() const {
    const bool has_low = std::isfinite(low);
    const bool has_high = std::isfinite(high);
    if (has_low && has_high) {
      return fmt::format("must be in {}{}, {}{}", low_open ? "(" : "[", low, high, high_open ? ")" : "]");
    }
    if (has_low) return fmt::format("must be {} {}", low_open ? ">" : ">=", low);
    if (has_high) return fmt::format("must be {} {}", high_open ? "<" : "<=", high);
    return "must be a finite number";
  }
};

constexpr double kInf = std::numeric_limits<double>::infinity();
const Range kAnyNumber{};
const Range kNonNegative{0.0, kInf};
const Range kPositive{0.0, kInf, true};
const Range kOpenUnit{-1.0, 1.0, true, true};
const Range kProbability{0.0, 1.0};
const Range kCorrelation{-1.0, 1.0};

std::string describe_type(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Scalar: return node.Tag() == "!" ? fmt::format("the string \"{}\"", node.Scalar())
                                                          : fmt::format("'{}'", node.Scalar());
    case YAML::NodeType::Sequence:
      return node.size() == 1 ? "a list of 1 entry" : fmt::format("a list of {} entries", node.size());
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

/// Collects diagnostics and turns YAML nodes into typed values.
class Validator {
public:
  explicit Validator(std::string file) : file_(std::move(file)) {}

  void error(const YAML::Node& at, const std::string& path, std::string message) {
    Diagnostic d{file_, path, std::move(message), 0, 0};
    if (at.IsDefined()) {
      YAML::Mark mark = at.Mark();
      // An empty value (`mean:`) has no position of its own (yaml-cpp gives the next token's): use its key's.
      if (at.IsNull()) {
        if (const auto key = key_marks_.find(path); key != key_marks_.end()) mark = key->second;
      }
      if (mark.line >= 0) {
        d.line = mark.line + 1;
        d.column = mark.column + 1;
      }
    }
    errors_.push_back(std::move(d));
  }
  void error_at(const YAML::Mark& mark, const std::string& path, std::string message) {
    errors_.push_back(Diagnostic{file_, path, std::move(message), mark.line >= 0 ? mark.line + 1 : 0,
                                 mark.line >= 0 ? mark.column + 1 : 0});
  }
  [[nodiscard]] std::size_t error_count() const { return errors_.size(); }
  std::vector<Diagnostic> take_errors() { return std::move(errors_); }

  /// Checks that `node` is a mapping whose keys are unique strings from `allowed`. Keys in `elsewhere`
  /// are known but do not apply here; their value explains why. Returns false if `node` is not a map.
  bool check_map(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed,
                 const std::map<std::string, std::string>& elsewhere = {}) {
    if (!node.IsMap()) {
      error(node, path, fmt::format("expected a mapping (key: value lines), got {}", describe_type(node)));
      return false;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        error(key, path, "keys must be plain words");
        continue;
      }
      const std::string name = key.Scalar();
      const std::string key_path = join(path, name);
      key_marks_.emplace(key_path, key.Mark());
      if (!seen.insert(name).second) {
        error(key, key_path, "duplicate key");
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      if (const auto why = elsewhere.find(name); why != elsewhere.end()) {
        error(key, key_path, why->second);
        continue;
      }
      const std::string suggestion = closest_match(name, allowed);
      error(key, key_path,
            suggestion.empty() ? fmt::format("unknown key (allowed here: {})", fmt::join(allowed, ", "))
                               : fmt::format("unknown key; did you mean '{}'?", suggestion));
    }
    return true;
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string index(const std::string& path, std::size_t i) { return fmt::format("{}[{}]", path, i); }

  /// A required child: reports "missing required key" at the parent when absent.
  std::optional<YAML::Node> required(const YAML::Node& map, const std::string& path, const std::string& key) {
    const YAML::Node child = map[key];
    if (!child.IsDefined()) {
      error(map, join(path, key), "missing required key");
      return std::nullopt;
    }
    return child;
  }
  static std::optional<YAML::Node> optional(const YAML::Node& map, const std::string& key) {
    const YAML::Node child = map[key];
    if (!child.IsDefined()) return std::nullopt;
    return child;
  }

  std::optional<double> number(const YAML::Node& node, const std::string& path, const Range& range) {
    if (!is_plain_scalar(node)) {
      error(node, path, fmt::format("expected a number, got {}", describe_type(node)));
      return std::nullopt;
    }
    const std::string& text = node.Scalar();
    // YAML's .inf/-.inf/.nan (any case); from_chars does not read them. Its own inf/nan forms are caught by
    // the isfinite check below; other text (e.g. "banana") is "expected a number".
    std::string lowered = text.substr(!text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lowered == ".inf" || lowered == ".nan") {
      error(node, path, fmt::format("must be a finite number (got {})", text));
      return std::nullopt;
    }
    double value = 0.0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (!text.empty() && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range) {
      error(node, path, fmt::format("number out of range (got {})", text));
      return std::nullopt;
    }
    if (ec != std::errc() || ptr != end || text.empty()) {
      error(node, path, fmt::format("expected a number, got {}", describe_type(node)));
      return std::nullopt;
    }
    if (!std::isfinite(value)) {
      error(node, path, fmt::format("must be a finite number (got {})", text));
      return std::nullopt;
    }
    if (!range.contains(value)) {
      error(node, path, fmt::format("{} (got {})", range.describe(), text));
      return std::nullopt;
    }
    return value;
  }

  /// An integer in [low, high]; accepts exact integral forms such as 1e6.
  std::optional<std::uint64_t> unsigned_integer(const YAML::Node& node, const std::string& path, std::uint64_t low,
                                                std::uint64_t high) {
    if (!is_plain_scalar(node)) {
      error(node, path, fmt::format("expected a whole number, got {}", describe_type(node)));
      return std::nullopt;
    }
    const std::string& text = node.Scalar();
    std::uint64_t value = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (!text.empty() && *begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc() && ptr == end && !text.empty()) {
      if (value < low || value > high) {
        error(node, path, fmt::format("must be in [{}, {}] (got {})", low, high, text));
        return std::nullopt;
      }
      return value;
    }
    if (!text.empty() && text[0] == '-' && text.find_first_not_of("-0123456789") == std::string::npos) {
      error(node, path, fmt::format("must be in [{}, {}] (got {})", low, high, text));
      return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range && ptr == end) {  // all digits, above 2^64 - 1
      error(node, path, fmt::format("must be in [{}, {}] (got {})", low, high, text));
      return std::nullopt;
    }
    // Fall back to a floating form that is an exact whole number, e.g. 2e6.
    double as_double = 0.0;
    auto [dptr, dec] = std::from_chars(begin, end, as_double);
    if (dptr == end && (dec == std::errc::result_out_of_range || (dec == std::errc() && std::isfinite(as_double)))) {
      if (dec == std::errc() && as_double != std::floor(as_double)) {
        error(node, path, fmt::format("expected a whole number (got {})", text));
        return std::nullopt;
      }
      // 2^64 (the double nearest to UINT64_MAX) would overflow the conversion below.
      if (dec != std::errc() || as_double < static_cast<double>(low) || as_double > static_cast<double>(high) ||
          as_double >= 18446744073709551616.0) {
        error(node, path, fmt::format("must be in [{}, {}] (got {})", low, high, text));
        return std::nullopt;
      }
      return static_cast<std::uint64_t>(as_double);
    }
    error(node, path, fmt::format("expected a whole number, got {}", describe_type(node)));
    return std::nullopt;
  }

  std::optional<std::string> string(const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar()) {
      error(node, path, fmt::format("expected text, got {}", describe_type(node)));
      return std::nullopt;
    }
    return node.Scalar();
  }

  /// true or false (YAML 1.2 core schema spellings: true/false, True/False, TRUE/FALSE).
  std::optional<bool> boolean(const YAML::Node& node, const std::string& path) {
    if (is_plain_scalar(node)) {
      const std::string& text = node.Scalar();
      if (text == "true" || text == "True" || text == "TRUE") return true;
      if (text == "false" || text == "False" || text == "FALSE") return false;
    }
    error(node, path, fmt::format("expected true or false, got {}", describe_type(node)));
    return std::nullopt;
  }

  /// A string that must be one of `choices`.
  std::optional<std::string> choice(const YAML::Node& node, const std::string& path,
                                    const std::vector<std::string>& choices) {
    auto text = string(node, path);
    if (!text) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
    const std::string suggestion = closest_match(*text, choices);
    error(node, path,
          fmt::format("unknown value '{}'; {}", *text,
                      suggestion.empty() ? fmt::format("expected one of {}", fmt::join(choices, ", "))
                                         : fmt::format("did you mean '{}'?", suggestion)));
    return std::nullopt;
  }

  bool sequence(const YAML::Node& node, const std::string& path) {
    if (node.IsSequence()) return true;
    error(node, path, fmt::format("expected a list, got {}", describe_type(node)));
    return false;
  }

private:
  std::string file_;
  std::vector<Diagnostic> errors_;
  std::map<std::string, YAML::Mark> key_marks_;  ///< where each key seen by check_map() is, by YAML path
};

/// Starts with a letter, digit or '_' (so never ".", ".." or a hidden name like our staging directories).
const std::regex kScenarioNamePattern{"[A-Za-z0-9_][A-Za-z0-9_.-]*"};
const std::regex kDistrictIdPattern{"[a-z0-9_]+"};

std::vector<std::string> to_strings(std::initializer_list<const char*> list) { return {list.begin(), list.end()}; }

/// Reads shocks/dof into `spec`; "dof" is only allowed with student_t.
void read_shocks(Validator& v, const YAML::Node& map, const std::string& path, models::ShockSpec& spec) {
  if (auto node = Validator::optional(map, "shocks")) {
    if (auto kind = v.choice(*node, Validator::join(path, "shocks"), {"normal", "student_t"})) {
      spec.kind = *kind == "normal" ? models::ShockKind::normal : models::ShockKind::student_t;
    }
  }
  if (auto node = Validator::optional(map, "dof")) {
    if (spec.kind != models::ShockKind::student_t) {
      v.error(*node, Validator::join(path, "dof"), "only applies with shocks: student_t");
    } else if (auto dof = v.number(*node, Validator::join(path, "dof"), Range{2.0, kInf, true})) {
      spec.dof = *dof;
    }
  }
}

std::optional<models::Ar1Spec> read_ar1(Validator& v, const YAML::Node& node, const std::string& path) {
  if (!v.check_map(node, path, to_strings({"mean", "volatility", "persistence", "initial", "shocks", "dof"}))) {
    return std::nullopt;
  }
  models::Ar1Spec spec;
  if (auto n = v.required(node, path, "mean")) spec.mean = v.number(*n, Validator::join(path, "mean"), kAnyNumber).value_or(0);
  if (auto n = v.required(node, path, "volatility")) {
    spec.volatility = v.number(*n, Validator::join(path, "volatility"), kNonNegative).value_or(0);
  }
  if (auto n = Validator::optional(node, "persistence")) {
    spec.persistence = v.number(*n, Validator::join(path, "persistence"), kOpenUnit).value_or(0);
  }
  if (auto n = Validator::optional(node, "initial")) spec.initial = v.number(*n, Validator::join(path, "initial"), kAnyNumber);
  read_shocks(v, node, path, spec.shocks);
  return spec;
}

NationalSpec read_national(Validator& v, const YAML::Node& node, const std::string& path) {
  NationalSpec national;
  if (node.IsNull()) return national;
  if (!v.check_map(node, path, to_strings({"growth", "inflation"}))) return national;
  if (auto n = Validator::optional(node, "growth"); n && !n->IsNull()) national.growth = read_ar1(v, *n, Validator::join(path, "growth"));
  if (auto n = Validator::optional(node, "inflation"); n && !n->IsNull()) {
    national.inflation = read_ar1(v, *n, Validator::join(path, "inflation"));
  }
  return national;
}

std::vector<std::string> registry_names_growth() {
  std::vector<std::string> names;
  for (const auto& e : models::growth_models()) names.emplace_back(e.name);
  return names;
}
std::vector<std::string> registry_names_births() {
  std::vector<std::string> names;
  for (const auto& e : models::births_models()) names.emplace_back(e.name);
  return names;
}

/// Keys some other registered model accepts, mapped to "only applies to ..." messages.
template <typename Entries>
std::map<std::string, std::string> keys_of_other_models(const Entries& entries, const std::string& field,
                                                         const std::string& chosen) {
  std::map<std::string, std::vector<std::string>> owners;
  for (const auto& e : entries) {
    for (auto key : e.extra_keys) owners[std::string(key)].emplace_back(e.name);
  }
  std::map<std::string, std::string> messages;
  for (const auto& [key, models] : owners) {
    messages[key] = fmt::format("does not apply to {} '{}' (only to {})", field, chosen, fmt::join(models, ", "));
  }
  return messages;
}

models::GrowthSpec read_growth(Validator& v, const YAML::Node& node, const std::string& path) {
  models::GrowthSpec spec;
  if (!node.IsMap()) {
    v.check_map(node, path, {});
    return spec;
  }
  const models::GrowthModelEntry* entry = models::find_growth_model("lognormal");
  bool model_known = true;
  if (auto n = Validator::optional(node, "model")) {
    if (auto name = v.choice(*n, Validator::join(path, "model"), registry_names_growth())) {
      entry = models::find_growth_model(*name);
    } else {
      model_known = false;
    }
  }
  spec.model = std::string(entry->name);
  std::vector<std::string> allowed =
      to_strings({"model", "mean", "volatility", "national_beta", "shocks", "dof"});
  // With an unknown model name (already reported), accept every model's keys rather than blaming
  // them on a model the user never chose.
  for (const auto& other : models::growth_models()) {
    if (!model_known || &other == entry) {
      for (auto key : other.extra_keys) allowed.emplace_back(key);
    }
  }
  auto elsewhere = keys_of_other_models(models::growth_models(), "growth model", spec.model);
  for (const auto& key : allowed) elsewhere.erase(key);
  v.check_map(node, path, allowed, elsewhere);

  if (auto n = v.required(node, path, "mean")) spec.mean = v.number(*n, Validator::join(path, "mean"), kAnyNumber).value_or(0);
  if (auto n = v.required(node, path, "volatility")) {
    spec.volatility = v.number(*n, Validator::join(path, "volatility"), kNonNegative).value_or(0);
  }
  if (auto n = Validator::optional(node, "national_beta")) {
    spec.national_beta = v.number(*n, Validator::join(path, "national_beta"), kAnyNumber).value_or(1);
  }
  const auto accepts = [&](std::string_view key) {
    return std::find(entry->extra_keys.begin(), entry->extra_keys.end(), key) != entry->extra_keys.end();
  };
  if (accepts("persistence")) {
    if (auto n = Validator::optional(node, "persistence")) {
      spec.persistence = v.number(*n, Validator::join(path, "persistence"), kOpenUnit).value_or(0);
    }
  }
  if (accepts("initial")) {
    if (auto n = Validator::optional(node, "initial")) spec.initial = v.number(*n, Validator::join(path, "initial"), kAnyNumber);
  }
  read_shocks(v, node, path, spec.shocks);
  return spec;
}

std::optional<models::FirmSpec> read_firms(Validator& v, const YAML::Node& node, const std::string& path) {
  if (!v.check_map(node, path, to_strings({"stock", "births", "exit_hazard"}))) return std::nullopt;
  models::FirmSpec spec;
  if (auto n = v.required(node, path, "stock")) {
    spec.stock = v.unsigned_integer(*n, Validator::join(path, "stock"), 0, std::uint64_t{1} << 53).value_or(0);
  }
  if (auto births = v.required(node, path, "births")) {
    const std::string bpath = Validator::join(path, "births");
    if (!births->IsMap()) {
      v.check_map(*births, bpath, {});
    } else {
      const models::BirthsModelEntry* entry = models::find_births_model("poisson");
      if (auto n = Validator::optional(*births, "model")) {
        if (auto name = v.choice(*n, Validator::join(bpath, "model"), registry_names_births())) {
          entry = models::find_births_model(*name);
        }
      }
      auto& b = spec.births;
      b.model = std::string(entry->name);
      std::vector<std::string> allowed = to_strings({"model", "rate", "trend", "gdp_elasticity"});
      for (auto key : entry->extra_keys) allowed.emplace_back(key);
      auto elsewhere = keys_of_other_models(models::births_models(), "births model", b.model);
      for (const auto& key : allowed) elsewhere.erase(key);
      v.check_map(*births, bpath, allowed, elsewhere);
      if (auto n = v.required(*births, bpath, "rate")) {
        b.rate = v.number(*n, Validator::join(bpath, "rate"), Range{0.0, 1e15}).value_or(0);
      }
      if (auto n = Validator::optional(*births, "trend")) {
        b.trend = v.number(*n, Validator::join(bpath, "trend"), Range{-1.0, kInf, true}).value_or(0);
      }
      if (auto n = Validator::optional(*births, "gdp_elasticity")) {
        b.gdp_elasticity = v.number(*n, Validator::join(bpath, "gdp_elasticity"), kAnyNumber).value_or(0);
      }
      for (auto key : entry->required_extra_keys) {
        if (!Validator::optional(*births, std::string(key))) {
          v.error(*births, Validator::join(bpath, std::string(key)),
                  fmt::format("missing required key (births model '{}' needs it)", b.model));
        }
      }
      const bool takes_dispersion =
          std::find(entry->extra_keys.begin(), entry->extra_keys.end(), "dispersion") != entry->extra_keys.end();
      if (auto n = Validator::optional(*births, "dispersion"); n && takes_dispersion) {
        b.dispersion = v.number(*n, Validator::join(bpath, "dispersion"), kPositive);
      }
    }
  }
  if (auto n = v.required(node, path, "exit_hazard")) {
    const std::string hpath = Validator::join(path, "exit_hazard");
    if (v.sequence(*n, hpath)) {
      if (n->size() == 0) v.error(*n, hpath, "must list at least one hazard");
      for (std::size_t i = 0; i < n->size(); ++i) {
        if (auto h = v.number((*n)[i], Validator::index(hpath, i), kProbability)) spec.exit_hazard.push_back(*h);
      }
    }
  }
  return spec;
}

DistrictSpec read_district(Validator& v, const YAML::Node& node, const std::string& path) {
  DistrictSpec d;
  if (!v.check_map(node, path, to_strings({"id", "name", "gdp", "growth", "firms"}))) return d;
  if (auto n = v.required(node, path, "id")) {
    if (auto id = v.string(*n, Validator::join(path, "id"))) {
      if (!std::regex_match(*id, kDistrictIdPattern)) {
        v.error(*n, Validator::join(path, "id"),
                fmt::format("'{}' is not a valid id: use lower-case letters, digits and _", *id));
      } else {
        d.id = *id;
      }
    }
  }
  if (auto n = Validator::optional(node, "name")) d.name = v.string(*n, Validator::join(path, "name")).value_or("");
  if (d.name.empty()) d.name = d.id;
  if (auto n = v.required(node, path, "gdp")) d.gdp = v.number(*n, Validator::join(path, "gdp"), kPositive).value_or(1);
  if (auto n = v.required(node, path, "growth")) d.growth = read_growth(v, *n, Validator::join(path, "growth"));
  if (auto n = Validator::optional(node, "firms"); n && !n->IsNull()) d.firms = read_firms(v, *n, Validator::join(path, "firms"));
  return d;
}

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
  const bool any_firms = std::any_of(s.districts.begin(), s.districts.end(), [](const auto& d) { return d.firms.has_value(); });
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
        if (is_firm_metric(t.metric) && !any_firms) {
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
    const bool any_firms =
        std::any_of(s.districts.begin(), s.districts.end(), [](const auto& d) { return d.firms.has_value(); });
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
    const std::uint32_t scope = district_scope(id);
    if (scope == kNationalScope) {
      v.error(list[i]["id"], path, fmt::format("id '{}' collides with the national random stream; rename it", id));
    } else if (auto [it, inserted] = scopes.emplace(scope, id); !inserted) {
      v.error(list[i]["id"], path,
              fmt::format("ids '{}' and '{}' share a random-stream hash; rename one of them", it->second, id));
    }
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

Scenario read_scenario(Validator& v, const YAML::Node& root, const std::string& default_name) {
  Scenario s;
  if (!v.check_map(root, "", to_strings({"name", "description", "base_year", "horizon", "paths", "seed", "units",
                                          "national", "districts", "correlation", "thresholds", "overtaking",
                                          "outputs", "precision", "antithetic"}))) {
    return s;
  }
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
          s.districts.push_back(read_district(v, (*list)[i], Validator::index("districts", i)));
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
  return s;
}

/// Where the first tab inside a line's leading whitespace is, if any (a common cause of parse errors).
std::optional<YAML::Mark> first_indentation_tab(std::string_view text) {
  int line = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    for (std::size_t i = start; i < end && (text[i] == ' ' || text[i] == '\t'); ++i) {
      if (text[i] == '\t') {
        YAML::Mark mark;
        mark.line = line;
        mark.column = static_cast<int>(i - start);
        return mark;
      }
    }
    ++line;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

LoadResult load_scenario_text(std::string_view yaml, const std::string& display_name, const std::string& default_name) {
  Validator v(display_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    if (const auto tab = first_indentation_tab(yaml); tab && (e.mark.line < 0 || tab->line <= e.mark.line)) {
      v.error_at(*tab, "", "tab character in indentation: YAML indents with spaces only");
    } else {
      v.error_at(e.mark, "", fmt::format("not valid YAML: {}", e.msg));
    }
    return {std::nullopt, v.take_errors()};
  }
  if (!root.IsMap()) {
    v.error(root, "", root.IsNull() ? "the file is empty: a scenario is a mapping with at least base_year, horizon and districts"
                                    : fmt::format("a scenario is a mapping (key: value lines), got {}", describe_type(root)));
    return {std::nullopt, v.take_errors()};
  }
  Scenario scenario;
  try {
    scenario = read_scenario(v, root, default_name);
  } catch (const YAML::Exception& e) {
    v.error_at(e.mark, "", fmt::format("could not read the document: {}", e.msg));
  }
  if (v.error_count() > 0) return {std::nullopt, v.take_errors()};
  return {std::move(scenario), {}};
}

LoadResult load_scenario_file(const std::filesystem::path& file) {
  const std::string display = file.string();
  auto fail = [&](std::string message) {
    return LoadResult{std::nullopt, {Diagnostic{display, "", std::move(message), 0, 0}}};
  };
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) return fail("no such file");
  if (std::filesystem::is_directory(status)) return fail("is a directory, not a scenario file");
  if (!std::filesystem::is_regular_file(status)) return fail("is not a regular file");
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return fail("cannot read the file size: " + ec.message());
  if (size > kMaxScenarioBytes) {
    return fail(fmt::format("file is {} bytes; scenario files are limited to {} bytes", size, kMaxScenarioBytes));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("cannot open the file for reading (permission denied?)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail("error while reading the file");
  return load_scenario_text(text.str(), display, file.stem().string());
}

}  // namespace districtcast
