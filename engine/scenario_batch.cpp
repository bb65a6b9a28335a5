#include "engine/scenario_batch.hpp"

#include "engine/alert_rules.hpp"
#include "engine/random_stream.hpp"
#include "engine/scenario_compose_detail.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <glob.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>
#include <system_error>

namespace districtcast {
namespace {

using namespace scenario_detail;
namespace fs = std::filesystem;

bool has_glob_characters(const std::string& item) { return item.find_first_of("*?[") != std::string::npos; }

bool has_scenario_extension(const fs::path& file) {
  const std::string ext = file.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

bool regular_file(const fs::path& file) {
  std::error_code ec;
  return fs::is_regular_file(file, ec);
}

/// The scenario files one item stands for, or why it stands for none.
struct Expansion {
  std::vector<std::string> files;
  std::string problem;
  bool explicit_file = false;  ///< the item names one file (not a directory or a glob)
};

Expansion expand_item(const std::string& item) {
  Expansion out;
  std::error_code ec;
  const fs::path path(item);
  const auto status = fs::status(path, ec);
  if (!ec && fs::is_directory(status)) {
    std::vector<std::string> names;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path file = it->path();
      if (has_scenario_extension(file) && regular_file(file) && !is_batch_file(file)) {
        names.push_back(file.filename().string());
      }
    }
    if (ec) {
      out.problem = fmt::format("cannot list the directory: {}", ec.message());
      return out;
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) out.files.push_back((path / name).string());
    if (out.files.empty()) out.problem = "this directory has no scenario files (*.yaml, *.yml)";
    return out;
  }
  if (!ec && fs::exists(status)) {
    if (!fs::is_regular_file(status)) {
      out.problem = "is not a regular file";
    } else {
      out.files.push_back(item);
      out.explicit_file = true;
    }
    return out;
  }
  if (has_glob_characters(item)) {
    glob_t matches{};
    const int rc = glob(item.c_str(), 0, nullptr, &matches);
    if (rc == 0) {
      for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
        const std::string match = matches.gl_pathv[i];
        if (regular_file(match) && !is_batch_file(match)) out.files.push_back(match);
      }
    }
    globfree(&matches);
    std::sort(out.files.begin(), out.files.end());
    if (out.files.empty()) out.problem = "matches no scenario file";
    return out;
  }
  out.problem = "no such file or directory";
  return out;
}

/// The jobs of one scenario file: one, or one per variant of its sweep.
void add_jobs(BatchPlan& plan, const std::string& file, const ComposeOptions& options) {
  Composition c = compose_file(file, options);
  if (c.variants.empty()) {
    BatchJob job;
    job.name = c.name;
    job.file = file;
    job.errors = std::move(c.errors);
    plan.jobs.push_back(std::move(job));
    return;
  }
  for (auto& v : c.variants) {
    BatchJob job;
    job.name = v.name;
    job.file = file;
    job.scenario = std::move(v.scenario);
    job.errors = std::move(v.errors);
    plan.jobs.push_back(std::move(job));
  }
}

void assign_directory_names(BatchPlan& plan) {
  std::set<std::string> used, used_names;
  for (BatchJob& job : plan.jobs) {
    // The same scenario twice (two items naming one file): "-2" keeps its rows apart in the batch outputs.
    std::string unique_name = job.name;
    for (int k = 2; used_names.count(unique_name) > 0; ++k) unique_name = fmt::format("{}-{}", job.name, k);
    used_names.insert(unique_name);
    job.name = unique_name;
    const std::string base = variant_directory_name(job.name);
    std::string name = base;
    for (int k = 2; used.count(name) > 0; ++k) name = fmt::format("{}-{}", base, k);
    used.insert(name);
    job.directory_name = name;
  }
}

/// `set: {KEY: VALUE, ...}` of a batch file or item, as overrides located in the batch file.
void read_set(Validator& v, const YAML::Node& node, const std::string& path, const std::string& origin,
              std::vector<OverrideSpec>& out) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    v.error(node, path, fmt::format("expected a mapping of KEY: VALUE overrides, e.g. {{paths: 20000}}, got {}", describe_type(node)));
    return;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      v.error(it->first, path, "keys must be dot paths such as districts.nanshan.growth.mean");
      continue;
    }
    const std::string key = it->first.Scalar();
    const std::string kpath = Validator::join(path, key);
    if (auto problem = override_key_problem(key)) {
      v.error(it->first, kpath, *problem);
      continue;
    }
    if (!seen.insert(key).second) {
      v.error(it->first, kpath, "duplicate key");
      continue;
    }
    out.push_back(OverrideSpec{Override{key, flow_text(it->second), origin}, it->second, it->first});
  }
}

/// "HH:MM" (24-hour clock) -> schedule; nullopt when malformed.
std::optional<BatchSchedule> parse_schedule_time(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  BatchSchedule s;
  s.hour = (text[0] - '0') * 10 + (text[1] - '0');
  s.minute = (text[3] - '0') * 10 + (text[4] - '0');
  s.at = text;
  if (s.hour > 23 || s.minute > 59) return std::nullopt;
  return s;
}

/// `schedule`, `retention`, `compare_with` and `alerts` (docs/operations.md).
void read_nightly_keys(Validator& v, const YAML::Node& root, BatchPlan& plan, std::vector<YAML::Node>& alert_nodes) {
  if (auto n = Validator::optional(root, "schedule")) {
    if (v.check_map(*n, "schedule", to_strings({"at"}))) {
      if (auto at = v.required(*n, "schedule", "at")) {
        if (auto text = v.string(*at, "schedule.at")) {
          plan.schedule = parse_schedule_time(*text);
          if (!plan.schedule) {
            v.error(*at, "schedule.at", fmt::format("expected a time of day as HH:MM (24-hour clock, e.g. \"02:00\"), got \"{}\"", *text));
          }
        }
      }
    }
  }
  if (auto n = Validator::optional(root, "retention")) {
    if (v.check_map(*n, "retention", to_strings({"keep_days", "keep_last"}))) {
      RetentionPolicy policy;
      if (auto d = Validator::optional(*n, "keep_days")) {
        if (auto days = v.unsigned_integer(*d, "retention.keep_days", 0, 36500)) policy.keep_days = static_cast<int>(*days);
      }
      if (auto l = Validator::optional(*n, "keep_last")) {
        if (auto last = v.unsigned_integer(*l, "retention.keep_last", 1, 100000)) policy.keep_last = static_cast<int>(*last);
      }
      if (n->IsMap() && n->size() == 0) v.error(*n, "retention", "give keep_days, keep_last or both (e.g. {keep_days: 30, keep_last: 10})");
      plan.retention = policy;
    }
  }
  if (auto n = Validator::optional(root, "compare_with")) {
    if (auto choice = v.choice(*n, "compare_with", {"previous", "none"})) plan.compare_with_previous = *choice == "previous";
  }
  if (auto n = Validator::optional(root, "alerts")) {
    if (v.sequence(*n, "alerts")) {
      for (std::size_t i = 0; i < n->size(); ++i) {
        const std::string path = Validator::index("alerts", i);
        const auto text = v.string((*n)[i], path);
        if (!text) continue;
        std::string problem;
        if (!parse_alert_rule(*text, problem)) {
          v.error((*n)[i], path, fmt::format("'{}': {}", *text, problem));
          continue;
        }
        plan.alerts.push_back(*text);
        alert_nodes.push_back((*n)[i]);
      }
      if (!plan.alerts.empty() && !plan.compare_with_previous && !Validator::optional(root, "compare_with")) {
        plan.compare_with_previous = true;  // alerts compare with the previous run; saying so is optional
      } else if (!plan.alerts.empty() && !plan.compare_with_previous) {
        v.error(*n, "alerts", "alerts test the comparison with the previous run: they need compare_with: previous");
      }
    }
  }
}

/// A misspelt district or a year outside every horizon would make an alert rule silently match nothing every
/// night: each filter of each rule must name something the batch's scenarios produce. Errors are batch
/// errors (nothing runs).
void check_alerts_select_something(const std::string& file, BatchPlan& plan, const std::vector<YAML::Node>& nodes) {
  std::vector<std::string> scenarios, districts, sectors;
  std::set<double> thresholds;
  std::set<int> years;
  for (const BatchJob& job : plan.jobs) {
    if (!job.scenario) continue;
    scenarios.push_back(job.name);
    const Scenario& s = *job.scenario;
    for (const auto& d : s.districts) {
      districts.push_back(d.id);
      for (const auto& sector : d.sectors) sectors.push_back(sector.id);
    }
    for (const auto& t : s.thresholds) thresholds.insert(t.value);
    for (int t = 1; t <= s.horizon; ++t) years.insert(s.base_year + t);
  }
  if (scenarios.empty()) return;  // every job is invalid: those errors say enough
  const auto known = [](const std::vector<std::string>& names, const std::string& value, const char* what) {
    if (std::find(names.begin(), names.end(), value) != names.end()) return std::string();
    const std::string suggestion = closest_match(value, names);
    return fmt::format("no scenario of this batch has {} '{}'{}", what, value,
                       suggestion.empty() ? std::string() : fmt::format("; did you mean '{}'?", suggestion));
  };
  Validator v(file);
  for (std::size_t i = 0; i < plan.alerts.size() && i < nodes.size(); ++i) {
    std::string ignored;
    const auto rule = parse_alert_rule(plan.alerts[i], ignored);
    if (!rule) continue;
    for (const RuleFilter& f : rule->filters) {
      std::string problem;
      switch (f.key) {
        case RuleFilter::Key::scenario: problem = known(scenarios, f.value, "the name"); break;
        case RuleFilter::Key::district: problem = known(districts, f.value, "a district"); break;
        case RuleFilter::Key::sector:
          if (!f.value.empty()) problem = known(sectors, f.value, "a sector");
          break;
        case RuleFilter::Key::year: {
          int year = 0;
          const auto [end, ec] = std::from_chars(f.value.data(), f.value.data() + f.value.size(), year);
          if (ec == std::errc() && end == f.value.data() + f.value.size() && years.count(year) == 0) {
            problem = fmt::format("year {} is outside every scenario's years ({}..{})", year, *years.begin(), *years.rbegin());
          }
          break;
        }
        case RuleFilter::Key::stat: {
          const auto colon = f.value.find(':');
          if (colon == std::string::npos) break;
          double threshold = 0.0;
          const char* first = f.value.data() + colon + 1;
          const char* last = f.value.data() + f.value.size();
          const auto [end, ec] = std::from_chars(first, last, threshold);
          if (ec != std::errc() || end != last) break;
          if (thresholds.count(threshold) == 0) {
            std::vector<std::string> listed;
            for (double t : thresholds) listed.push_back(fmt::format("{}", t));
            problem = fmt::format("no scenario of this batch has the threshold {} (thresholds: {})", f.value.substr(colon + 1),
                                  listed.empty() ? std::string("none") : fmt::format("{}", fmt::join(listed, ", ")));
          }
          break;
        }
        case RuleFilter::Key::metric: break;
      }
      if (!problem.empty()) v.error(nodes[i], Validator::index("alerts", i), fmt::format("'{}': {}", plan.alerts[i], problem));
    }
  }
  auto errors = v.take_errors();
  if (errors.empty()) return;
  plan.errors.insert(plan.errors.end(), errors.begin(), errors.end());
  plan.jobs.clear();
}

/// One entry of a batch file's `scenarios`.
struct BatchItem {
  std::vector<std::string> files;
  std::optional<YAML::Node> rename;
  std::vector<OverrideSpec> set;
  bool has_sweep = false;
  YAML::Node sweep;
  std::string path;  ///< YAML path of the entry
};

BatchPlan plan_batch_file(const std::string& item, const std::vector<OverrideSpec>& command_line) {
  BatchPlan plan;
  plan.batch_file = item;
  plan.name = fs::path(item).stem().string();
  std::string problem;
  const auto text = read_text_file(item, problem);
  if (!text) {
    plan.errors.push_back(Diagnostic{item, "", problem, 0, 0});
    return plan;
  }
  const auto parsed = parse_yaml(*text, item, plan.errors);
  if (!parsed) return plan;
  const YAML::Node& root = *parsed;
  Validator v(item);
  if (!v.check_map(root, "", to_strings({"kind", "name", "out", "paths", "seed", "set", "scenarios", "schedule",
                                          "retention", "compare_with", "alerts", "catalog"}))) {
    plan.errors = v.take_errors();
    return plan;
  }
  const fs::path dir = fs::path(item).parent_path();
  const auto relative = [&](const std::string& p) {
    const fs::path path(p);
    return path.is_absolute() ? path.lexically_normal() : (dir / path).lexically_normal();
  };
  const std::string origin = "batch " + item;
  std::vector<OverrideSpec> shared;
  if (auto n = Validator::optional(root, "kind")) v.choice(*n, "kind", {"batch"});
  if (auto n = Validator::optional(root, "name")) {
    if (auto name = v.string(*n, "name")) {
      if (!is_valid_scenario_name(*name)) {
        v.error(*n, "name",
                fmt::format("'{}' cannot name an output directory: use letters, digits, '_', '-' and '.', not starting "
                            "with '.' or '-'", *name));
      }
      plan.name = *name;
    }
  } else if (!is_valid_scenario_name(plan.name)) {
    v.error(root, "name", fmt::format("the file name '{}' cannot name an output directory: add a name key", plan.name));
  }
  if (auto n = Validator::optional(root, "out")) {
    if (auto out = v.string(*n, "out")) {
      if (out->empty()) {
        v.error(*n, "out", "expected a directory, got an empty text");
      } else {
        plan.out_root = relative(*out);
      }
    }
  }
  if (auto n = Validator::optional(root, "catalog")) {
    if (auto file = v.string(*n, "catalog")) {
      if (file->empty()) {
        v.error(*n, "catalog", "expected a file name, got an empty text");
      } else {
        plan.catalog = relative(*file);
      }
    }
  }
  for (const char* key : {"paths", "seed"}) {
    const auto n = Validator::optional(root, key);
    if (!n) continue;
    const bool paths = std::string_view(key) == "paths";
    if (v.unsigned_integer(*n, key, paths ? 1 : 0, paths ? kMaxPaths : std::numeric_limits<std::uint64_t>::max())) {
      YAML::Node key_node;
      for (auto it = root.begin(); it != root.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == key) key_node.reset(it->first);
      }
      shared.push_back(OverrideSpec{Override{key, n->Scalar(), origin}, *n, key_node});
    }
  }
  if (auto n = Validator::optional(root, "set")) read_set(v, *n, "set", origin, shared);
  std::vector<YAML::Node> alert_nodes;
  read_nightly_keys(v, root, plan, alert_nodes);

  std::vector<BatchItem> items;
  if (auto list = v.required(root, "", "scenarios")) {
    if (v.sequence(*list, "scenarios") && list->size() == 0) v.error(*list, "scenarios", "must list at least one scenario");
    for (std::size_t i = 0; list->IsSequence() && i < list->size(); ++i) {
      const YAML::Node entry = (*list)[i];
      BatchItem batch_item;
      batch_item.path = Validator::index("scenarios", i);
      YAML::Node file_node;
      std::string file_path = batch_item.path;
      if (entry.IsMap()) {
        if (!v.check_map(entry, batch_item.path, to_strings({"file", "name", "set", "sweep"}))) continue;
        const auto file = v.required(entry, batch_item.path, "file");
        if (!file) continue;
        file_node.reset(*file);
        file_path = Validator::join(batch_item.path, "file");
        if (auto n = Validator::optional(entry, "name")) batch_item.rename = *n;
        if (auto n = Validator::optional(entry, "set")) read_set(v, *n, Validator::join(batch_item.path, "set"), origin, batch_item.set);
        if (auto n = Validator::optional(entry, "sweep")) {
          batch_item.has_sweep = true;
          batch_item.sweep.reset(*n);
        }
      } else if (entry.IsScalar()) {
        file_node.reset(entry);
      } else {
        v.error(entry, batch_item.path,
                fmt::format("expected a scenario file (or directory, or glob), or {{file: ..., name: ..., set: ..., sweep: ...}}, "
                            "got {}", describe_type(entry)));
        continue;
      }
      const auto file = v.string(file_node, file_path);
      if (!file) continue;
      if (file->empty()) {
        v.error(file_node, file_path, "expected a scenario file, directory or glob, got an empty text");
        continue;
      }
      const std::string resolved = relative(*file).string();
      Expansion expansion = expand_item(resolved);
      if (!expansion.problem.empty()) {
        v.error(file_node, file_path, fmt::format("{}: {}", resolved, expansion.problem));
        continue;
      }
      if (expansion.explicit_file && is_batch_file(resolved)) {
        v.error(file_node, file_path, fmt::format("{} is a batch file: a batch cannot list another batch", resolved));
        continue;
      }
      if (batch_item.rename && expansion.files.size() != 1) {
        v.error(*batch_item.rename, Validator::join(batch_item.path, "name"),
                fmt::format("name renames one scenario, but this item stands for {} files", expansion.files.size()));
        continue;
      }
      batch_item.files = std::move(expansion.files);
      items.push_back(std::move(batch_item));
    }
  }
  plan.errors = v.take_errors();
  for (const OverrideSpec& o : command_line) {
    if (auto why = override_key_problem(o.text.key)) {
      plan.errors.push_back(Diagnostic{fmt::format("{} {}={}", o.text.origin, o.text.key, o.text.value), "", *why, 0, 0});
    }
  }
  if (!plan.errors.empty()) return plan;

  const Document batch_document{item, root};
  for (const BatchItem& batch_item : items) {
    ComposeOptions options;
    options.overrides = shared;
    options.overrides.insert(options.overrides.end(), batch_item.set.begin(), batch_item.set.end());
    options.overrides.insert(options.overrides.end(), command_line.begin(), command_line.end());
    options.rename = batch_item.rename;
    options.replace_sweep = batch_item.has_sweep;
    options.sweep.reset(batch_item.sweep);
    options.sweep_path = Validator::join(batch_item.path, "sweep");
    options.documents.push_back(batch_document);
    for (const std::string& file : batch_item.files) add_jobs(plan, file, options);
  }
  assign_directory_names(plan);
  check_alerts_select_something(item, plan, alert_nodes);
  return plan;
}

}  // namespace

bool is_batch_file(const std::filesystem::path& file) {
  std::string problem;
  const auto text = read_text_file(file, problem);
  if (!text || text->find("kind") == std::string::npos) return false;
  try {
    const YAML::Node root = YAML::Load(*text);
    if (!root.IsMap()) return false;
    const YAML::Node kind = root["kind"];
    return kind.IsDefined() && kind.IsScalar() && kind.Scalar() == "batch";
  } catch (const YAML::Exception&) {
    return false;
  }
}

BatchPlan plan_batch(const std::vector<std::string>& items, const std::vector<Override>& overrides) {
  std::vector<OverrideSpec> command_line;
  for (const auto& o : overrides) command_line.push_back(OverrideSpec{o, std::nullopt, std::nullopt});
  BatchPlan plan;
  plan.name = "batch";
  if (items.empty()) {
    plan.errors.push_back(Diagnostic{"", "", "no scenario given: name scenario files, directories, globs or one batch file", 0, 0});
    return plan;
  }
  for (const std::string& item : items) {
    if (!regular_file(item) || !is_batch_file(item)) continue;
    if (items.size() == 1) return plan_batch_file(item, command_line);
    plan.errors.push_back(Diagnostic{item, "", fmt::format("is a batch file: give it alone (got {} items)", items.size()), 0, 0});
  }
  for (const OverrideSpec& o : command_line) {
    if (auto why = override_key_problem(o.text.key)) {
      plan.errors.push_back(Diagnostic{fmt::format("{} {}={}", o.text.origin, o.text.key, o.text.value), "", *why, 0, 0});
    }
  }
  std::vector<std::string> files;
  for (const std::string& item : items) {
    Expansion expansion = expand_item(item);
    if (!expansion.problem.empty()) {
      plan.errors.push_back(Diagnostic{item, "", expansion.problem, 0, 0});
      continue;
    }
    files.insert(files.end(), expansion.files.begin(), expansion.files.end());
  }
  if (!plan.errors.empty()) return plan;
  ComposeOptions options;
  options.overrides = command_line;
  for (const std::string& file : files) add_jobs(plan, file, options);
  assign_directory_names(plan);
  // One scenario file (a sweep, say) names its batch: outputs/batches/nanshan_growth/..., not .../batch/...
  if (items.size() == 1 && regular_file(items.front())) {
    plan.name = variant_directory_name(std::filesystem::path(items.front()).stem().string());
    for (const BatchJob& job : plan.jobs) {
      if (!job.scenario) continue;
      const ScenarioProvenance& p = job.scenario->provenance;
      plan.name = p.variant_of.empty() ? job.scenario->name : p.variant_of;
      break;
    }
  }
  return plan;
}

}  // namespace districtcast
