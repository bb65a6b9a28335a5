#pragma once
/// \file Internal to the scenario loader (engine/scenario_*.cpp): typed reading of YAML nodes with
/// diagnostics that carry a YAML path and line:column. Sees yaml-cpp; nothing outside engine/scenario* may
/// include it.

#include "engine/diagnostic.hpp"
#include "engine/random_stream.hpp"
#include "engine/scenario.hpp"
#include "models/param_distribution.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace districtcast::scenario_detail {

/// Most uncertain parameters one scenario may have.
inline constexpr std::size_t kMaxUncertainParameters = 1000;


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
  /// The bounds are printed to 6 significant digits (DBL_MIN as 2.22507e-308, not its exact 17 digits).
  [[nodiscard]] std::string describe() const {
    const bool has_low = std::isfinite(low);
    const bool has_high = std::isfinite(high);
    if (has_low && has_high) {
      return fmt::format("must be in {}{:.6g}, {:.6g}{}", low_open ? "(" : "[", low, high, high_open ? ")" : "]");
    }
    if (has_low) return fmt::format("must be {} {:.6g}", low_open ? ">" : ">=", low);
    if (has_high) return fmt::format("must be {} {:.6g}", high_open ? "<" : "<=", high);
    return "must be a finite number";
  }
};

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline const Range kAnyNumber{};
inline const Range kNonNegative{0.0, kInf};
inline const Range kPositive{0.0, kInf, true};
inline const Range kOpenUnit{-1.0, 1.0, true, true};
inline const Range kProbability{0.0, 1.0};
inline const Range kCorrelation{-1.0, 1.0};

inline std::string describe_type(const YAML::Node& node) {
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

inline bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

/// Collects diagnostics and turns YAML nodes into typed values.
class Validator {
public:
  explicit Validator(std::string file) : file_(std::move(file)) {}

  /// Where a node was written: `file` (a scenario file, or an override such as "--set k=v") and its position
  /// (`mark.line < 0`: no position, e.g. a value given on the command line).
  struct NodeOrigin {
    std::string file;  ///< as diagnostics name it
    YAML::Mark mark;   ///< 0-based position; line < 0: none
  };
  /// Finds where a node of a composed document (extends, overrides, sweeps) was written; nullopt: unknown.
  using Locator = std::function<std::optional<NodeOrigin>(const YAML::Node&)>;
  /// Diagnostics then name the file (and position) the locator gives for the offending node, instead of
  /// the constructor's file and the node's own mark. Without one, every node is in that file.
  void set_locator(Locator locator) { locator_ = std::move(locator); }

  void error(const YAML::Node& at, const std::string& path, std::string message) {
    Diagnostic d{file_, path, std::move(message), 0, 0};
    if (at.IsDefined()) {
      NodeOrigin origin = locate(at);
      // An empty value (`mean:`) has no position of its own (yaml-cpp gives the next token's): use its key's.
      if (at.IsNull()) {
        if (const auto key = key_nodes_.find(path); key != key_nodes_.end()) origin = locate(key->second);
      }
      d.file = origin.file;
      if (origin.mark.line >= 0) {
        d.line = origin.mark.line + 1;
        d.column = origin.mark.column + 1;
      }
    }
    errors_.push_back(std::move(d));
  }
  void error_at(const YAML::Mark& mark, const std::string& path, std::string message) {
    errors_.push_back(Diagnostic{file_, path, std::move(message), mark.line >= 0 ? mark.line + 1 : 0,
                                 mark.line >= 0 ? mark.column + 1 : 0});
  }
  [[nodiscard]] std::size_t error_count() const { return errors_.size(); }
  /// Whether some error was reported at `path` or below it (e.g. "national.regimes").
  [[nodiscard]] bool has_error_under(const std::string& path) const {
    return std::any_of(errors_.begin(), errors_.end(), [&](const Diagnostic& d) {
      return d.path == path || d.path.rfind(path + ".", 0) == 0;
    });
  }
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
      const std::string& name = key.Scalar();
      const std::string key_path = join(path, name);
      key_nodes_.emplace(key_path, key);
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
    if (looks_like_distribution(node)) {
      error(node, path,
            fmt::format("must be a fixed number: only model parameters can be drawn from a distribution (got {{{}: ...}})",
                        node.begin()->first.Scalar()));
      return std::nullopt;
    }
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

  /// A model parameter: a number in `range`, or a distribution `{family: [args]}` whose whole support lies in
  /// `range` (then registered as uncertain under `key`, with Param::slot = its index in parameters()).
  std::optional<models::Param> param(const YAML::Node& node, const std::string& path, const std::string& key,
                                     const Range& range) {
    if (!looks_like_distribution(node)) {
      if (node.IsMap()) {
        error(node, path,
              fmt::format("expected a number or a distribution such as {{normal: [mean, sd]}} (families: {})",
                          fmt::join(models::param_family_names(), ", ")));
        return std::nullopt;
      }
      const auto value = number(node, path, range);
      if (!value) return std::nullopt;
      return models::Param(*value);
    }
    if (node.size() != 1) {
      error(node, path, fmt::format("a distribution has exactly one key (its family), got {}", node.size()));
      return std::nullopt;
    }
    const YAML::Node family_key = node.begin()->first;
    const YAML::Node args_node = node.begin()->second;
    const std::string family_path = join(path, family_key.Scalar());
    const auto family = models::param_family_from_string(family_key.Scalar());
    if (!args_node.IsSequence()) {
      error(args_node, family_path, fmt::format("expected a list of numbers, e.g. [0.05, 0.01], got {}", describe_type(args_node)));
      return std::nullopt;
    }
    std::vector<double> args;
    for (std::size_t i = 0; i < args_node.size(); ++i) {
      const auto a = number(args_node[i], index(family_path, i), Range{});
      if (!a) return std::nullopt;
      args.push_back(*a);
    }
    auto made = models::make_param_distribution(*family, args);
    if (!made.distribution) {
      error(args_node, family_path, made.error);
      return std::nullopt;
    }
    const double low = made.distribution->support_low();
    const double high = made.distribution->support_high();
    const auto inside = [&](double x, double bound) { return std::isinf(x) ? x == bound : range.contains(x); };
    if (!inside(low, range.low) || !inside(high, range.high)) {
      error(node, path,
            fmt::format("{} can take values in [{}, {}], but this parameter {}: choose a distribution inside that range "
                        "(uniform, triangular and beta are bounded; lognormal is positive)",
                        made.distribution->describe(), low, high, range.describe()));
      return std::nullopt;
    }
    if (parameters_.size() >= kMaxUncertainParameters) {
      error(node, path, fmt::format("at most {} parameters can be uncertain", kMaxUncertainParameters));
      return std::nullopt;
    }
    for (const auto& other : parameters_) {
      if (other.key == key) {
        error(node, path, fmt::format("'{}' is also the key of {}: rename a district, sector or shock", key, other.path));
        return std::nullopt;
      }
      if (name_scope(other.key) == name_scope(key)) {
        error(node, path, fmt::format("'{}' and '{}' share a random-stream hash; rename a district, sector or shock",
                                      other.key, key));
        return std::nullopt;
      }
    }
    models::Param p(made.distribution->mean());
    p.slot = static_cast<std::int32_t>(parameters_.size());
    parameters_.push_back(UncertainParameter{key, path, *made.distribution});
    return p;
  }
  /// The uncertain parameters registered by param(), in reading order.
  std::vector<UncertainParameter> take_parameters() { return std::move(parameters_); }

  /// A one-key mapping whose key is a distribution family name ({normal: ...}).
  static bool looks_like_distribution(const YAML::Node& node) {
    if (!node.IsMap() || node.size() == 0) return false;
    const YAML::Node key = node.begin()->first;
    return key.IsScalar() && models::param_family_from_string(key.Scalar()).has_value();
  }

  /// An integer in [low, high]; accepts exact integral forms such as 1e6.
  std::optional<std::uint64_t> unsigned_integer(const YAML::Node& node, const std::string& path, std::uint64_t low,
                                                std::uint64_t high) {
    if (looks_like_distribution(node)) {
      error(node, path,
            fmt::format("must be a fixed whole number: only model parameters can be drawn from a distribution (got {{{}: ...}})",
                        node.begin()->first.Scalar()));
      return std::nullopt;
    }
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
  NodeOrigin locate(const YAML::Node& node) const {
    if (locator_) {
      if (auto origin = locator_(node)) return *origin;
    }
    return NodeOrigin{file_, node.Mark()};
  }

  std::string file_;
  Locator locator_;
  std::vector<Diagnostic> errors_;
  std::map<std::string, YAML::Node> key_nodes_;  ///< each key seen by check_map(), by YAML path
  std::vector<UncertainParameter> parameters_;  ///< registered by param(), in reading order
};

inline std::vector<std::string> to_strings(std::initializer_list<const char*> list) { return {list.begin(), list.end()}; }

}  // namespace districtcast::scenario_detail
