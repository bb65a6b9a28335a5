#include "engine/scenario_compose.hpp"

#include "engine/scenario_compose_detail.hpp"
#include "engine/scenario_loader.hpp"
#include "engine/scenario_yaml_guard.hpp"
#include "engine/sha256.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

namespace districtcast {
namespace scenario_detail {
namespace {

namespace fs = std::filesystem;
using Origin = Validator::NodeOrigin;

/// Deepest nesting the composition walks (yaml-cpp's parser stops far below anything a scenario needs).
constexpr int kMaxDepth = 256;
/// Most nodes indexed for locating diagnostics (bounds the work on documents full of aliases).
constexpr std::size_t kMaxIndexedNodes = 4'000'000;
/// How far past `to` a range value may be and still count as `to` (a fraction of `step`).
constexpr double kRangeTolerance = 1e-9;

const std::regex kScenarioNamePattern{"[A-Za-z0-9_][A-Za-z0-9_.-]*"};

Origin no_position(std::string file) { return Origin{std::move(file), YAML::Mark::null_mark()}; }

// yaml-cpp pitfall: `a = b` on a YAML::Node that refers to a node makes that node share b's content (it
// changes every document holding it). Handles are rebound with reset(); only nodes made here (new
// mappings and lists, and their entries) are ever assigned to.

/// The value of `key` in mapping `map` (an undefined node when absent or when `map` is not a mapping).
YAML::Node lookup(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    segments.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return segments;
}

/// Context of a node for the merge and override rules: "districts", "districts[]", "districts[].sectors", ...
std::string child_context(const std::string& context, const std::string& key) {
  return context.empty() ? key : context + "." + key;
}

/// The key that identifies entries of the list at `context` ("id", "name"), or "" for lists merged whole.
std::string list_key(const std::string& context) {
  if (context == "districts" || context == "districts[].sectors") return "id";
  if (context == "scheduled_shocks") return "name";
  return "";
}

/// What an entry of the list at `context` is called in messages.
std::string entry_noun(const std::string& context) {
  if (context == "districts") return "district";
  if (context == "districts[].sectors") return "sector";
  if (context == "scheduled_shocks") return "scheduled shock";
  return "entry";
}

/// A mapping that is a value rather than a block: a distribution ({normal: [...]}) or the probabilities of
/// an initial regime. The merge replaces it whole.
bool is_value_map(const YAML::Node& node, const std::string& context) {
  if (Validator::looks_like_distribution(node)) return true;
  const auto ends_with = [&](std::string_view suffix) {
    return context.size() >= suffix.size() && context.compare(context.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return context == "national.regimes.initial" || ends_with(".initial_regime");
}

/// The text of `entry[key]` when `entry` is a mapping with that key as a scalar.
std::optional<std::string> entry_id(const YAML::Node& entry, const std::string& key) {
  if (key.empty() || !entry.IsMap()) return std::nullopt;
  const YAML::Node id = lookup(entry, key);
  if (!id.IsDefined() || !id.IsScalar()) return std::nullopt;
  return id.Scalar();
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// Plain text that reads back as the same plain scalar inside a flow collection.
bool flow_safe(const std::string& text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_.+-/()%^~= ").find(c) != std::string_view::npos;
  });
}

// ---------------------------------------------------------------------------------------------- merging

class Composer {
public:
  Composer(SourceMap& sources, std::string fallback_file) : sources_(sources), fallback_(std::move(fallback_file)) {}

  /// `child` deep-merged over `base` (docs/scenario-format.md, "Composition").
  YAML::Node merge(const YAML::Node& base, const YAML::Node& child, const std::string& context, int depth) {
    if (depth > kMaxDepth) return child;
    if (base.IsMap() && child.IsMap() && !is_value_map(base, context) && !is_value_map(child, context)) {
      return merge_maps(base, child, context, depth);
    }
    const std::string key = list_key(context);
    if (!key.empty() && base.IsSequence() && child.IsSequence()) return merge_lists(base, child, key, context, depth);
    return child;
  }

  /// A new node standing for `original` (a copy being changed): registered at the original's origin.
  YAML::Node made_like(YAML::NodeType::value type, const YAML::Node& original) {
    YAML::Node node(type);
    sources_.add_node(node, sources_.locate_or(original, fallback_));
    return node;
  }
  /// A new node written by `origin` (a key created by an override).
  YAML::Node made_at(const YAML::Node& node, const Origin& origin) {
    sources_.add_node(node, origin);
    return node;
  }

private:
  YAML::Node merge_maps(const YAML::Node& base, const YAML::Node& child, const std::string& context, int depth) {
    YAML::Node out = made_like(YAML::NodeType::Map, child);
    std::set<std::string> done;
    for (auto it = base.begin(); it != base.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string name = it->first.Scalar();
      // Not inherited: the parent's own name, sweep, and what makes it a file of a chain.
      if (context.empty() && (name == "name" || name == "sweep" || name == "extends" || name == "kind")) continue;
      if (!done.insert(name).second) {  // a duplicate key of the parent: kept, for validation to report
        out[it->first] = it->second;
        continue;
      }
      bool in_child = false;
      for (auto c = child.begin(); c != child.end(); ++c) {
        if (!c->first.IsScalar() || c->first.Scalar() != name) continue;
        in_child = true;
        // An empty value in the child removes the inherited key.
        if (!c->second.IsNull()) out[c->first] = merge(it->second, c->second, child_context(context, name), depth + 1);
        break;
      }
      if (!in_child) out[it->first] = it->second;
    }
    std::set<std::string> merged_from_child;
    for (auto c = child.begin(); c != child.end(); ++c) {
      const bool scalar_key = c->first.IsScalar();
      if (scalar_key && done.count(c->first.Scalar()) > 0 && merged_from_child.insert(c->first.Scalar()).second) continue;
      out[c->first] = c->second;  // a new key (or a duplicate of the child, reported by validation)
    }
    return out;
  }

  YAML::Node merge_lists(const YAML::Node& base, const YAML::Node& child, const std::string& key,
                         const std::string& context, int depth) {
    std::vector<YAML::Node> entries;
    for (std::size_t i = 0; i < base.size(); ++i) entries.push_back(base[i]);
    std::vector<bool> merged(entries.size(), false);
    std::vector<YAML::Node> appended;
    for (std::size_t i = 0; i < child.size(); ++i) {
      const YAML::Node entry = child[i];
      const auto id = entry_id(entry, key);
      bool matched = false;
      for (std::size_t j = 0; id && j < entries.size(); ++j) {
        if (merged[j] || entry_id(entries[j], key) != id) continue;
        entries[j].reset(merge(entries[j], entry, context + "[]", depth + 1));
        merged[j] = matched = true;
        break;
      }
      if (!matched) appended.push_back(entry);
    }
    YAML::Node out = made_like(YAML::NodeType::Sequence, child);
    for (const auto& e : entries) out.push_back(e);
    for (const auto& e : appended) out.push_back(e);
    return out;
  }

  SourceMap& sources_;
  std::string fallback_;
};

// ---------------------------------------------------------------------------------------------- overrides

/// Sets one dot path in a composed document, copying (never changing) the nodes on the way.
class PathSetter {
public:
  PathSetter(Composer& composer, Origin origin) : composer_(composer), origin_(std::move(origin)) {}

  struct Problem {
    std::string path;
    std::string message;
  };

  /// The document with `segments` set to `value` (removed when `value` is null); nullopt + problem() if
  /// the path does not lead anywhere.
  std::optional<YAML::Node> set(const YAML::Node& root, const std::vector<std::string>& segments, const YAML::Node& value) {
    segments_ = &segments;
    value_.reset(value);
    problem_.reset();
    YAML::Node out = set_in(root, 0, "", "");
    if (problem_) return std::nullopt;
    return out;
  }
  [[nodiscard]] const Problem& problem() const { return *problem_; }

private:
  YAML::Node fail(std::string path, std::string message) {
    if (!problem_) problem_ = Problem{std::move(path), std::move(message)};
    return YAML::Node();
  }

  YAML::Node set_in(const YAML::Node& node, std::size_t i, const std::string& path, const std::string& context) {
    const std::string& segment = (*segments_)[i];
    const bool last = i + 1 == segments_->size();
    const bool remove = last && value_.IsNull();
    if (node.IsMap()) {
      YAML::Node out = composer_.made_like(YAML::NodeType::Map, node);
      bool found = false;
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!found && it->first.IsScalar() && it->first.Scalar() == segment) {
          found = true;
          if (remove) continue;
          out[it->first] = last ? value_ : set_in(it->second, i + 1, Validator::join(path, segment), child_context(context, segment));
          if (problem_) return {};
        } else {
          out[it->first] = it->second;
        }
      }
      if (!found && !remove) add_key(out, i, path, context);
      return out;
    }
    if (!node.IsDefined() || node.IsNull()) {  // missing (or empty) mappings are created
      if (remove) return node;
      YAML::Node out = composer_.made_at(YAML::Node(YAML::NodeType::Map), origin_);
      add_key(out, i, path, context);
      return out;
    }
    if (node.IsSequence()) return set_in_list(node, i, path, context);
    return fail(path, fmt::format("{} is a single value ({}): '{}' cannot be set inside it",
                                  path.empty() ? "the document" : path, describe_type(node), segment));
  }

  void add_key(YAML::Node& out, std::size_t i, const std::string& path, const std::string& context) {
    const std::string& segment = (*segments_)[i];
    const YAML::Node key = composer_.made_at(YAML::Node(segment), origin_);
    const bool last = i + 1 == segments_->size();
    out[key] = last ? value_ : set_in(YAML::Node(YAML::NodeType::Undefined), i + 1, Validator::join(path, segment),
                                      child_context(context, segment));
  }

  YAML::Node set_in_list(const YAML::Node& list, std::size_t i, const std::string& path, const std::string& context) {
    const std::string& segment = (*segments_)[i];
    const bool last = i + 1 == segments_->size();
    const std::string key = list_key(context);
    std::optional<std::size_t> selected;
    std::vector<std::string> ids;
    for (std::size_t j = 0; j < list.size(); ++j) {
      const auto id = entry_id(list[j], key);
      if (!id) continue;
      ids.push_back(*id);
      if (!selected && *id == segment) selected = j;
    }
    const bool is_index = !segment.empty() && segment.find_first_not_of("0123456789") == std::string::npos;
    if (!selected && is_index) {
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
      if (ec != std::errc() || ptr != segment.data() + segment.size() || index >= list.size()) {
        return fail(path, fmt::format("index {} is out of range: the list has {} {}", segment, list.size(),
                                      list.size() == 1 ? "entry" : "entries"));
      }
      selected = index;
    }
    if (!selected) {
      if (key.empty()) {
        return fail(path, fmt::format("select an entry of this list by its 0-based index (got '{}')", segment));
      }
      const std::string suggestion = closest_match(segment, ids);
      return fail(path, fmt::format("unknown {} '{}'{} (select a list entry by its {} or its 0-based index)",
                                    entry_noun(context), segment,
                                    suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion), key));
    }
    YAML::Node out = composer_.made_like(YAML::NodeType::Sequence, list);
    for (std::size_t j = 0; j < list.size(); ++j) {
      if (j != *selected) {
        out.push_back(list[j]);
        continue;
      }
      if (last && value_.IsNull()) continue;  // an empty value removes the entry
      YAML::Node entry = last ? value_ : set_in(list[j], i + 1, Validator::index(path, j), context + "[]");
      if (problem_) return {};
      out.push_back(entry);
    }
    return out;
  }

  Composer& composer_;
  Origin origin_;
  const std::vector<std::string>* segments_ = nullptr;
  YAML::Node value_;
  std::optional<Problem> problem_;
};

// ---------------------------------------------------------------------------------------------- sweeps

struct SweepAxis {
  std::string key;  ///< as written under sweep.over
  std::vector<std::string> segments;
  YAML::Node key_node;
  std::vector<YAML::Node> values;
  std::vector<std::string> texts;  ///< each value's text in variant names
};

struct Sweep {
  std::vector<SweepAxis> axes;
  bool distinct_seeds = false;
  std::size_t variants = 0;
};

/// A range value in shortest form after rounding to 12 significant digits (0.03 + 2 * 0.01 is "0.05").
std::string range_text(double x) {
  const double rounded = std::stod(fmt::format("{:.12g}", x));
  return fmt::format("{}", rounded == 0.0 ? 0.0 : rounded);
}

/// Text of a swept value in a variant name: a scalar as written, anything else as compact flow YAML.
std::string value_text(const YAML::Node& node) { return node.IsScalar() ? node.Scalar() : flow_text(node); }

std::optional<Sweep> read_sweep(Validator& v, const YAML::Node& node, const std::string& path, Composer& composer,
                                SourceMap& sources, const std::string& fallback) {
  if (!v.check_map(node, path, to_strings({"over", "seeds"}))) return std::nullopt;
  const std::size_t errors_before = v.error_count();
  Sweep sweep;
  if (auto n = Validator::optional(node, "seeds")) {
    if (auto mode = v.choice(*n, Validator::join(path, "seeds"), {"common", "distinct"})) sweep.distinct_seeds = *mode == "distinct";
  }
  const auto over = v.required(node, path, "over");
  if (!over) return std::nullopt;
  const std::string opath = Validator::join(path, "over");
  if (!over->IsMap() || over->size() == 0) {
    v.error(*over, opath,
            fmt::format("expected one or more swept keys, e.g. {{districts.nanshan.growth.mean: {{values: [0.05, 0.06]}}}}, "
                        "got {}", describe_type(*over)));
    return std::nullopt;
  }
  double product = 1.0;
  for (auto it = over->begin(); it != over->end(); ++it) {
    if (!it->first.IsScalar()) {
      v.error(it->first, opath, "keys must be dot paths such as districts.nanshan.growth.mean");
      continue;
    }
    SweepAxis axis;
    axis.key = it->first.Scalar();
    axis.key_node.reset(it->first);
    axis.segments = split_key(axis.key);
    const std::string kpath = Validator::join(opath, axis.key);
    if (auto problem = override_key_problem(axis.key)) {
      v.error(it->first, kpath, *problem);
      continue;
    }
    if (axis.segments.front() == "name") {
      v.error(it->first, kpath, "name cannot be swept: each variant is named after the scenario and its sweep point");
      continue;
    }
    bool clash = false;
    for (const SweepAxis& other : sweep.axes) {
      if (other.key == axis.key) {
        v.error(it->first, kpath, "this key is swept twice");
        clash = true;
      } else if (other.key.rfind(axis.key + ".", 0) == 0 || axis.key.rfind(other.key + ".", 0) == 0) {
        v.error(it->first, kpath, fmt::format("overlaps the swept key '{}': one is inside the other", other.key));
        clash = true;
      }
    }
    if (clash) continue;
    const YAML::Node spec = it->second;
    if (!v.check_map(spec, kpath, to_strings({"values", "range"}))) continue;
    const auto values = Validator::optional(spec, "values");
    const auto range = Validator::optional(spec, "range");
    if (values && range) {
      v.error(spec, kpath, "give either values or range, not both");
      continue;
    }
    if (!values && !range) {
      v.error(spec, kpath, "missing values: [...] or range: {from, to, step}");
      continue;
    }
    if (values) {
      const std::string vpath = Validator::join(kpath, "values");
      if (!v.sequence(*values, vpath)) continue;
      if (values->size() == 0) {
        v.error(*values, vpath, "must list at least one value");
        continue;
      }
      for (std::size_t i = 0; i < values->size(); ++i) {
        axis.values.push_back((*values)[i]);
        axis.texts.push_back(value_text((*values)[i]));
      }
    } else {
      const std::string rpath = Validator::join(kpath, "range");
      if (!v.check_map(*range, rpath, to_strings({"from", "to", "step"}))) continue;
      std::optional<double> from, to, step;
      if (auto n = v.required(*range, rpath, "from")) from = v.number(*n, Validator::join(rpath, "from"), kAnyNumber);
      if (auto n = v.required(*range, rpath, "to")) to = v.number(*n, Validator::join(rpath, "to"), kAnyNumber);
      if (auto n = v.required(*range, rpath, "step")) step = v.number(*n, Validator::join(rpath, "step"), kPositive);
      if (!from || !to || !step) continue;
      if (*to < *from) {
        v.error(lookup(*range, "to"), Validator::join(rpath, "to"), fmt::format("must be >= from ({}) (got {})", *from, *to));
        continue;
      }
      const double steps = std::floor((*to - *from) / *step + kRangeTolerance);
      if (!(steps + 1.0 <= static_cast<double>(kMaxSweepVariants))) {
        v.error(*range, rpath,
                fmt::format("expands to {} values; a sweep has at most {} variants", steps + 1.0, kMaxSweepVariants));
        continue;
      }
      const Origin origin = sources.locate_or(*range, fallback);
      for (std::size_t k = 0; k <= static_cast<std::size_t>(steps); ++k) {
        const std::string text = range_text(*from + static_cast<double>(k) * *step);
        axis.values.push_back(composer.made_at(YAML::Node(text), origin));
        axis.texts.push_back(text);
      }
    }
    product *= static_cast<double>(axis.values.size());
    sweep.axes.push_back(std::move(axis));
  }
  if (v.error_count() != errors_before) return std::nullopt;
  if (product > static_cast<double>(kMaxSweepVariants)) {
    std::vector<std::string> counts;
    for (const auto& axis : sweep.axes) counts.push_back(std::to_string(axis.values.size()));
    v.error(*over, opath,
            fmt::format("the sweep has {} variants ({}); at most {} are allowed", product, fmt::join(counts, " x "),
                        kMaxSweepVariants));
    return std::nullopt;
  }
  sweep.variants = static_cast<std::size_t>(product);
  return sweep;
}

/// `<name>[k1=v1,k2=v2]`, each key without a leading "districts.".
std::string variant_name(const std::string& name, const Sweep& sweep, const std::vector<std::size_t>& point) {
  std::vector<std::string> parts;
  for (std::size_t a = 0; a < sweep.axes.size(); ++a) {
    std::string key = sweep.axes[a].key;
    if (key.rfind("districts.", 0) == 0) key = key.substr(10);
    parts.push_back(key + "=" + sweep.axes[a].texts[point[a]]);
  }
  return fmt::format("{}[{}]", name, fmt::join(parts, ","));
}

// ---------------------------------------------------------------------------------------------- the chain

/// Checks `kind` (absent or `scenario`); a batch file gets the message that says how to run it.
bool check_kind(const Document& doc, std::vector<Diagnostic>& errors) {
  const YAML::Node kind = lookup(doc.root, "kind");
  if (!kind.IsDefined()) return true;
  Validator v(doc.display);
  if (kind.IsScalar() && kind.Scalar() == "batch") {
    v.error(kind, "kind", "this is a batch file: run it with 'districtcast batch FILE'");
  } else {
    v.choice(kind, "kind", {"scenario"});
  }
  auto found = v.take_errors();
  errors.insert(errors.end(), found.begin(), found.end());
  return found.empty();
}

bool check_mapping(const Document& doc, std::vector<Diagnostic>& errors) {
  if (doc.root.IsMap()) return true;
  Validator v(doc.display);
  v.error(doc.root, "",
          doc.root.IsNull() ? "the file is empty: a scenario is a mapping with at least base_year, horizon and districts"
                            : fmt::format("a scenario is a mapping (key: value lines), got {}", describe_type(doc.root)));
  auto found = v.take_errors();
  errors.insert(errors.end(), found.begin(), found.end());
  return false;
}

fs::path identity_of(const fs::path& file) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(file, ec);
  if (ec) canonical = fs::absolute(file, ec).lexically_normal();
  return canonical;
}

/// A file and the files it extends, top first.
struct Chain {
  std::vector<Document> files;
  std::vector<fs::path> identities;
};

/// Follows `extends` from `top` (already parsed); false (with diagnostics) on any problem.
bool follow_extends(Document top, const fs::path& top_identity, Chain& chain, std::vector<Diagnostic>& errors) {
  const fs::path top_dir = fs::path(top.display).parent_path();
  const auto short_name = [&](const std::string& display) {
    if (top_dir.empty()) return display;
    const fs::path relative = fs::path(display).lexically_relative(top_dir);
    return relative.empty() ? display : relative.string();
  };
  chain.files.push_back(std::move(top));
  chain.identities.push_back(top_identity);
  while (true) {
    const Document& doc = chain.files.back();
    if (!check_mapping(doc, errors) || !check_kind(doc, errors)) return false;
    const YAML::Node extends = lookup(doc.root, "extends");
    if (!extends.IsDefined()) return true;
    Validator v(doc.display);
    const auto fail = [&](std::string message) {
      v.error(extends, "extends", std::move(message));
      auto found = v.take_errors();
      errors.insert(errors.end(), found.begin(), found.end());
      return false;
    };
    if (!extends.IsScalar() || extends.Scalar().empty()) {
      return fail(fmt::format("expected the path of the scenario file this one extends, got {}",
                              extends.IsScalar() ? "an empty text" : describe_type(extends)));
    }
    const std::optional<std::string> target = extends.Scalar();
    const fs::path parent = fs::path(doc.display).parent_path() / fs::path(*target);
    const std::string display = parent.lexically_normal().string();
    const fs::path identity = identity_of(parent);
    if (const auto seen = std::find(chain.identities.begin(), chain.identities.end(), identity); seen != chain.identities.end()) {
      std::vector<std::string> names;
      for (const auto& f : chain.files) names.push_back(short_name(f.display));
      names.push_back(short_name(chain.files[static_cast<std::size_t>(seen - chain.identities.begin())].display));
      return fail(fmt::format("extends cycle: {}", fmt::join(names, " -> ")));
    }
    if (chain.files.size() >= kMaxExtendsDepth) {
      return fail(fmt::format("extends chain too long: at most {} files (a file and the files it extends)", kMaxExtendsDepth));
    }
    std::string problem;
    const auto text = read_text_file(parent, problem);
    if (!text) return fail(fmt::format("cannot read the parent scenario {}: {}", display, problem));
    auto root = parse_yaml(*text, display, errors);
    if (!root) return false;
    chain.files.push_back(Document{display, *root});
    chain.identities.push_back(identity);
  }
}

/// Appends the diagnostics of `from` that `to` does not already hold (the same problem in several variants).
void append_unique(std::vector<Diagnostic>& to, const std::vector<Diagnostic>& from) {
  const std::size_t before = to.size();
  for (const auto& d : from) {
    const bool seen = std::any_of(to.begin(), to.begin() + static_cast<std::ptrdiff_t>(before), [&](const Diagnostic& e) {
      return e.file == d.file && e.path == d.path && e.message == d.message && e.line == d.line && e.column == d.column;
    });
    if (!seen) to.push_back(d);
  }
}

/// Validates one composed document.
ComposedVariant validate(const YAML::Node& root, const std::string& display, const std::string& default_name,
                         const SourceMap& sources) {
  ComposedVariant result;
  Validator v(display);
  v.set_locator([&sources](const YAML::Node& node) { return sources.locate(node); });
  Scenario scenario;
  try {
    scenario = read_scenario_root(v, root, default_name);
  } catch (const YAML::Exception& e) {
    v.error_at(e.mark, "", fmt::format("could not read the document: {}", e.msg));
  }
  result.name = scenario.name.empty() ? default_name : scenario.name;
  if (v.error_count() > 0) {
    result.errors = v.take_errors();
  } else {
    result.scenario = std::move(scenario);
  }
  return result;
}

/// The scenario name a composed document asks for (before validation).
std::string requested_name(const YAML::Node& root, const std::string& default_name) {
  const YAML::Node name = lookup(root, "name");
  return name.IsDefined() && name.IsScalar() ? name.Scalar() : default_name;
}

Composition compose(Document top, const fs::path& top_identity, const std::string& default_name,
                    const ComposeOptions& options) {
  Composition result;
  result.name = default_name;
  Chain chain;
  if (!follow_extends(std::move(top), top_identity, chain, result.errors)) return result;
  const std::string& display = chain.files.front().display;

  SourceMap sources;
  for (const auto& doc : chain.files) sources.add_document(doc.display, doc.root);
  for (const auto& doc : options.documents) sources.add_document(doc.display, doc.root);
  Composer composer(sources, display);

  // The merge: the farthest ancestor first, each file over the result so far.
  YAML::Node root = chain.files.back().root;
  for (std::size_t i = chain.files.size() - 1; i-- > 0;) root.reset(composer.merge(root, chain.files[i].root, "", 0));

  if (options.rename) {
    PathSetter setter(composer, sources.locate_or(*options.rename, display));
    root.reset(*setter.set(root, {"name"}, *options.rename));
  }

  // The sweep (not inherited: only the top file's, or the batch item's replacement).
  YAML::Node sweep_node = options.replace_sweep ? options.sweep : lookup(chain.files.front().root, "sweep");
  const std::string sweep_path = options.replace_sweep ? options.sweep_path : "sweep";
  std::optional<Sweep> sweep;
  if (sweep_node.IsDefined() && !sweep_node.IsNull()) {
    Validator v(display);
    v.set_locator([&sources](const YAML::Node& node) { return sources.locate(node); });
    sweep = read_sweep(v, sweep_node, sweep_path, composer, sources, display);
    if (sweep && !options.allow_sweep) {
      v.error(sweep_node, sweep_path,
              fmt::format("this file declares a sweep of {} variants: load it as a set of scenarios "
                          "(run every variant with 'districtcast batch FILE')", sweep->variants));
    }
    auto found = v.take_errors();
    result.errors.insert(result.errors.end(), found.begin(), found.end());
    if (sweep) result.variant_count = sweep->variants;
  }

  // Overrides, in order.
  std::vector<std::string> applied;
  for (const OverrideSpec& o : options.overrides) {
    const std::string label = fmt::format("{} {}={}", o.text.origin, o.text.key, o.text.value);
    const auto report = [&](std::string path, std::string message) {
      if (o.at) {
        result.errors.push_back(sources.diagnostic(*o.at, label, std::move(path), std::move(message)));
      } else {
        result.errors.push_back(Diagnostic{label, std::move(path), std::move(message), 0, 0});
      }
    };
    if (auto problem = override_key_problem(o.text.key)) {
      report("", *problem);
      continue;
    }
    if (sweep) {
      const auto swept = std::find_if(sweep->axes.begin(), sweep->axes.end(), [&](const SweepAxis& a) {
        return o.text.key == a.key || o.text.key.rfind(a.key + ".", 0) == 0;
      });
      if (swept != sweep->axes.end()) {
        report("", fmt::format("'{}' is swept; {} cannot also set it", swept->key, o.text.origin));
        continue;
      }
    }
    YAML::Node value;
    if (o.value) {
      value.reset(*o.value);
    } else {
      std::vector<Diagnostic> parse_errors;
      const auto parsed = parse_yaml(o.text.value, label, parse_errors);
      if (!parsed) {
        for (const auto& d : parse_errors) report("", d.message);
        continue;
      }
      value.reset(*parsed);
      sources.add_document(label, value, false);
    }
    const Origin origin = o.at ? sources.locate_or(*o.at, label) : no_position(label);
    PathSetter setter(composer, origin);
    if (auto changed = setter.set(root, split_key(o.text.key), value)) {
      root.reset(*changed);
      applied.push_back(o.text.key + "=" + o.text.value);
    } else {
      report(setter.problem().path, setter.problem().message);
    }
  }
  result.name = requested_name(root, default_name);
  if (!result.errors.empty()) return result;

  ScenarioProvenance provenance;
  for (const auto& doc : chain.files) provenance.files.push_back(doc.display);
  provenance.overrides = applied;

  if (!sweep) {
    ComposedVariant variant = validate(root, display, default_name, sources);
    if (variant.scenario) variant.scenario->provenance = provenance;
    result.variants.push_back(std::move(variant));
    return result;
  }

  // Every swept key must lead somewhere: checked once, with the first value of each.
  for (const SweepAxis& axis : sweep->axes) {
    PathSetter setter(composer, sources.locate_or(axis.key_node, display));
    if (!setter.set(root, axis.segments, axis.values.front())) {
      result.errors.push_back(sources.diagnostic(axis.key_node, display, Validator::join(sweep_path + ".over", axis.key),
                                                 setter.problem().path.empty()
                                                     ? setter.problem().message
                                                     : fmt::format("{}: {}", setter.problem().path, setter.problem().message)));
    }
  }
  if (!result.errors.empty()) return result;

  std::vector<std::size_t> point(sweep->axes.size(), 0);
  for (std::size_t n = 0; n < sweep->variants; ++n) {
    YAML::Node variant_root = root;
    for (std::size_t a = 0; a < sweep->axes.size(); ++a) {
      PathSetter setter(composer, sources.locate_or(sweep->axes[a].values[point[a]], display));
      if (auto changed = setter.set(variant_root, sweep->axes[a].segments, sweep->axes[a].values[point[a]])) {
        variant_root.reset(*changed);
      }
    }
    const std::string name = variant_name(result.name, *sweep, point);
    ComposedVariant variant = validate(variant_root, display, default_name, sources);
    variant.name = name;
    if (variant.scenario) {
      Scenario& s = *variant.scenario;
      s.provenance = provenance;
      s.provenance.variant_of = s.name;
      for (std::size_t a = 0; a < sweep->axes.size(); ++a) {
        s.provenance.sweep_point.emplace_back(sweep->axes[a].key, sweep->axes[a].texts[point[a]]);
      }
      s.name = name;
      if (sweep->distinct_seeds) s.seed = distinct_variant_seed(s.seed, name);
    }
    result.variants.push_back(std::move(variant));
    for (std::size_t a = sweep->axes.size(); a-- > 0;) {  // the last key fastest
      if (++point[a] < sweep->axes[a].values.size()) break;
      point[a] = 0;
    }
  }
  return result;
}

/// compose(), with any exception from yaml-cpp or the file system turned into a diagnostic (errors are values).
Composition compose_guarded(Document top, const fs::path& top_identity, const std::string& default_name,
                            const ComposeOptions& options) {
  const std::string display = top.display;
  try {
    return compose(std::move(top), top_identity, default_name, options);
  } catch (const YAML::Exception& e) {
    Composition failed;
    failed.name = default_name;
    failed.errors.push_back(Diagnostic{display, "", fmt::format("could not read the document: {}", e.msg), 0, 0});
    return failed;
  } catch (const fs::filesystem_error& e) {
    Composition failed;
    failed.name = default_name;
    failed.errors.push_back(Diagnostic{display, "", e.what(), 0, 0});
    return failed;
  }
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

LoadResult to_load_result(Composition c) {
  LoadResult r;
  r.errors = std::move(c.errors);
  for (auto& v : c.variants) append_unique(r.errors, v.errors);
  if (r.errors.empty() && c.variants.size() == 1) r.scenario = std::move(c.variants.front().scenario);
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------- SourceMap

void SourceMap::add_document(std::string display, const YAML::Node& root, bool positioned) {
  arena_.push_back(root);
  documents_.push_back(Entry{std::move(display), root, positioned});
  indexed_ = false;
  index_.clear();
}

void SourceMap::add_node(const YAML::Node& node, Validator::NodeOrigin origin) {
  arena_.push_back(node);
  made_.emplace_back(node, std::move(origin));
}

void SourceMap::build_index() const {
  std::size_t budget = kMaxIndexedNodes;
  const std::function<void(const YAML::Node&, std::size_t, int)> walk = [&](const YAML::Node& node, std::size_t doc, int depth) {
    if (budget == 0 || depth > kMaxDepth || !node.IsDefined()) return;
    --budget;
    index_[node.Mark().pos].emplace_back(node, doc);
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        walk(it->first, doc, depth + 1);
        walk(it->second, doc, depth + 1);
      }
    } else if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], doc, depth + 1);
    }
  };
  for (std::size_t d = 0; d < documents_.size(); ++d) walk(documents_[d].root, d, 0);
  indexed_ = true;
}

std::optional<Validator::NodeOrigin> SourceMap::locate(const YAML::Node& node) const {
  if (!node.IsDefined()) return std::nullopt;
  for (auto it = made_.rbegin(); it != made_.rend(); ++it) {
    if (it->first.is(node)) return it->second;
  }
  if (!indexed_) build_index();
  const YAML::Mark mark = node.Mark();
  const auto candidates = index_.find(mark.pos);
  if (candidates == index_.end()) return std::nullopt;
  for (const auto& [candidate, doc] : candidates->second) {
    if (!candidate.is(node)) continue;
    const Entry& entry = documents_[doc];
    return Validator::NodeOrigin{entry.display, entry.positioned ? mark : YAML::Mark::null_mark()};
  }
  return std::nullopt;
}

Validator::NodeOrigin SourceMap::locate_or(const YAML::Node& node, const std::string& fallback) const {
  if (auto origin = locate(node)) return *origin;
  return Validator::NodeOrigin{fallback, node.IsDefined() ? node.Mark() : YAML::Mark::null_mark()};
}

Diagnostic SourceMap::diagnostic(const YAML::Node& node, const std::string& fallback, std::string path,
                                 std::string message) const {
  const auto origin = locate_or(node, fallback);
  const bool positioned = origin.mark.line >= 0;
  return Diagnostic{origin.file, std::move(path), std::move(message), positioned ? origin.mark.line + 1 : 0,
                    positioned ? origin.mark.column + 1 : 0};
}

// ---------------------------------------------------------------------------------------------- helpers

std::optional<std::string> read_text_file(const std::filesystem::path& file, std::string& problem) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) {
    problem = "no such file";
    return std::nullopt;
  }
  if (std::filesystem::is_directory(status)) {
    problem = "is a directory, not a scenario file";
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    problem = "is not a regular file";
    return std::nullopt;
  }
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    problem = "cannot read the file size: " + ec.message();
    return std::nullopt;
  }
  if (size > kMaxScenarioBytes) {
    problem = fmt::format("file is {} bytes; scenario files are limited to {} bytes", size, kMaxScenarioBytes);
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    problem = "cannot open the file for reading (permission denied?)";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    problem = "error while reading the file";
    return std::nullopt;
  }
  return text.str();
}

std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& display, std::vector<Diagnostic>& errors) {
  Validator v(display);
  try {
    if (const auto problem = check_yaml_text(text)) {
      v.error_at(problem->mark, "", problem->message);
    } else {
      YAML::Node root = YAML::Load(std::string(text));
      if (const auto documents = check_single_document(text)) {
        v.error_at(documents->mark, "", documents->message);
      } else if (const auto limit = check_yaml_document(root)) {
        v.error_at(limit->mark, "", limit->message);
      } else {
        return root;
      }
    }
  } catch (const YAML::DeepRecursion& e) {
    v.error_at(e.mark, "", fmt::format("nested more than {} levels deep (lists and mappings inside each other)",
                                       kMaxYamlDepth));
  } catch (const YAML::Exception& e) {
    if (const auto tab = first_indentation_tab(text); tab && (e.mark.line < 0 || tab->line <= e.mark.line)) {
      v.error_at(*tab, "", "tab character in indentation: YAML indents with spaces only");
    } else {
      v.error_at(e.mark, "", fmt::format("not valid YAML: {}", e.msg));
    }
  }
  auto found = v.take_errors();
  errors.insert(errors.end(), found.begin(), found.end());
  return std::nullopt;
}

std::optional<std::string> override_key_problem(const std::string& key) {
  if (key.empty()) return "the KEY of KEY=VALUE is empty";
  if (std::any_of(key.begin(), key.end(), [](unsigned char c) { return std::isspace(c) != 0; })) {
    return fmt::format("the key '{}' contains white space", key);
  }
  const auto segments = split_key(key);
  if (std::any_of(segments.begin(), segments.end(), [](const std::string& s) { return s.empty(); })) {
    return fmt::format("the key '{}' has an empty part: write a dot path such as districts.nanshan.growth.mean", key);
  }
  const std::string& first = segments.front();
  if (first == "extends") return "'extends' cannot be overridden: write a scenario file that extends this one";
  if (first == "sweep") return "'sweep' cannot be overridden: edit the sweep in the file (or a batch item's sweep)";
  if (first == "kind") return "'kind' cannot be overridden";
  return std::nullopt;
}

std::string flow_text(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!" || !flow_safe(node.Scalar())) return quoted(node.Scalar());
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      std::vector<std::string> parts;
      for (std::size_t i = 0; i < node.size(); ++i) parts.push_back(flow_text(node[i]));
      return fmt::format("[{}]", fmt::join(parts, ", "));
    }
    case YAML::NodeType::Map: {
      std::vector<std::string> parts;
      for (auto it = node.begin(); it != node.end(); ++it) parts.push_back(flow_text(it->first) + ": " + flow_text(it->second));
      return fmt::format("{{{}}}", fmt::join(parts, ", "));
    }
    default: return "null";
  }
}

bool is_valid_scenario_name(const std::string& name) { return std::regex_match(name, kScenarioNamePattern); }

Composition compose_file(const std::filesystem::path& file, const ComposeOptions& options) {
  const std::string display = file.string();
  Composition result;
  result.name = file.stem().string();
  std::string problem;
  const auto text = read_text_file(file, problem);
  if (!text) {
    result.errors.push_back(Diagnostic{display, "", problem, 0, 0});
    return result;
  }
  const auto root = parse_yaml(*text, display, result.errors);
  if (!root) return result;
  return compose_guarded(Document{display, *root}, identity_of(file), file.stem().string(), options);
}

Composition compose_text(std::string_view text, const std::string& display, const std::string& default_name,
                         const ComposeOptions& options) {
  Composition result;
  result.name = default_name;
  const auto root = parse_yaml(text, display, result.errors);
  if (!root) return result;
  return compose_guarded(Document{display, *root}, identity_of(display), default_name, options);
}

}  // namespace scenario_detail

std::optional<Override> parse_override(std::string_view text, std::string& problem) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    problem = fmt::format("expected KEY=VALUE (e.g. districts.nanshan.growth.mean=0.06), got '{}'", text);
    return std::nullopt;
  }
  Override o;
  o.key = std::string(text.substr(0, eq));
  o.value = std::string(text.substr(eq + 1));
  if (auto why = scenario_detail::override_key_problem(o.key)) {
    problem = fmt::format("'{}': {}", text, *why);
    return std::nullopt;
  }
  return o;
}

ScenarioSet load_scenario_set(const std::filesystem::path& file, const std::vector<Override>& overrides) {
  scenario_detail::ComposeOptions options;
  for (const auto& o : overrides) options.overrides.push_back(scenario_detail::OverrideSpec{o, std::nullopt, std::nullopt});
  scenario_detail::Composition c = scenario_detail::compose_file(file, options);
  ScenarioSet set;
  set.variant_count = c.variant_count;
  set.errors = std::move(c.errors);
  for (const auto& v : c.variants) scenario_detail::append_unique(set.errors, v.errors);
  if (set.errors.empty()) {
    for (auto& v : c.variants) set.scenarios.push_back(std::move(*v.scenario));
  }
  return set;
}

std::string variant_directory_name(const std::string& variant_name) {
  std::string out;
  for (const char c : variant_name) {
    if (c == '[' || c == ',') {
      out += '@';
    } else if (c == ']') {
      continue;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_.=@-").find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '_';
    }
  }
  if (out.empty() || out.front() == '.' || out.front() == '-') out.insert(out.begin(), '_');
  constexpr std::size_t kMaxLength = 200;
  if (out.size() > kMaxLength) out = out.substr(0, 183) + "-" + sha256_hex(variant_name).substr(0, 16);
  return out;
}

std::uint64_t distinct_variant_seed(std::uint64_t seed, const std::string& variant_name) {
  const std::string hex = sha256_hex(fmt::format("{}:{}", seed, variant_name));
  return std::stoull(hex.substr(0, 16), nullptr, 16);
}

LoadResult load_scenario_text(std::string_view yaml, const std::string& display_name, const std::string& default_name) {
  scenario_detail::ComposeOptions options;
  options.allow_sweep = false;
  return scenario_detail::to_load_result(scenario_detail::compose_text(yaml, display_name, default_name, options));
}

LoadResult load_scenario_file(const std::filesystem::path& file) {
  scenario_detail::ComposeOptions options;
  options.allow_sweep = false;
  return scenario_detail::to_load_result(scenario_detail::compose_file(file, options));
}

}  // namespace districtcast
