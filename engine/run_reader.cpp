#include "engine/run_reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kManifestFile = "manifest.json";

/// A problem inside one JSON document; the message starts with the JSON location (e.g. "summary[3]: ...").
class ReadError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

const char* type_name(const Json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

/// Typed access to the fields of one JSON object; every failure names the field.
class Fields {
public:
  Fields(const Json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) fail("", fmt::format("expected an object, got {}", type_name(object_)));
  }

  [[nodiscard]] bool has(const std::string& key) const { return object_.contains(key) && !object_[key].is_null(); }

  [[nodiscard]] const Json& get(const std::string& key) const {
    if (!object_.contains(key)) fail("", fmt::format("missing '{}'", key));
    return object_[key];
  }

  [[nodiscard]] double number(const std::string& key) const {
    const Json& j = get(key);
    if (!j.is_number()) fail(key, fmt::format("expected a number, got {}", type_name(j)));
    return j.get<double>();
  }

  /// A number, or `if_null` for JSON null (the infinite histogram bounds).
  [[nodiscard]] double number_or(const std::string& key, double if_null) const {
    return get(key).is_null() ? if_null : number(key);
  }

  [[nodiscard]] long long integer(const std::string& key, long long low, long long high) const {
    const Json& j = get(key);
    const double x = j.is_number() ? j.get<double>() : std::nan("");
    if (!j.is_number() || x != std::floor(x)) fail(key, fmt::format("expected a whole number, got {}", j.dump()));
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(high)) {
      fail(key, fmt::format("must be in [{}, {}], got {}", low, high, j.dump()));
    }
    const long long v = j.is_number_integer() ? j.get<long long>() : static_cast<long long>(x);
    if (v < low || v > high) fail(key, fmt::format("must be in [{}, {}], got {}", low, high, j.dump()));
    return v;
  }

  [[nodiscard]] std::uint64_t unsigned_integer(const std::string& key) const {
    const Json& j = get(key);
    if (j.is_number_unsigned()) return j.get<std::uint64_t>();
    return static_cast<std::uint64_t>(integer(key, 0, std::numeric_limits<long long>::max()));
  }

  [[nodiscard]] int year(const std::string& key) const { return static_cast<int>(integer(key, -100000, 100000)); }

  [[nodiscard]] std::string string(const std::string& key) const {
    const Json& j = get(key);
    if (!j.is_string()) fail(key, fmt::format("expected a string, got {}", type_name(j)));
    return j.get<std::string>();
  }

  /// A string, or "" when the key is absent or null.
  [[nodiscard]] std::string optional_string(const std::string& key) const { return has(key) ? string(key) : ""; }

  [[nodiscard]] Metric metric(const std::string& key) const {
    const std::string name = string(key);
    const auto m = metric_from_string(name);
    if (!m) fail(key, fmt::format("unknown metric '{}'", name));
    return *m;
  }

  /// The array under `key`; an absent key is an empty array when `required` is false.
  [[nodiscard]] const Json& array(const std::string& key, bool required = true) const {
    static const Json empty = Json::array();
    if (!required && !object_.contains(key)) return empty;
    const Json& j = get(key);
    if (!j.is_array()) fail(key, fmt::format("expected an array, got {}", type_name(j)));
    return j;
  }

  [[nodiscard]] std::string at(const std::string& key, std::size_t index) const {
    return fmt::format("{}{}{}[{}]", where_, where_.empty() ? "" : ".", key, index);
  }
  [[nodiscard]] std::string at(const std::string& key) const {
    return fmt::format("{}{}{}", where_, where_.empty() ? "" : ".", key);
  }

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    const std::string location = key.empty() ? where_ : at(key);
    throw ReadError(location.empty() ? message : location + ": " + message);
  }

private:
  const Json& object_;
  std::string where_;
};

/// Calls `read_row(Fields)` for each element of the array `key` of `doc`.
template <typename ReadRow>
void for_each_row(const Fields& doc, const std::string& key, bool required, ReadRow read_row) {
  const Json& rows = doc.array(key, required);
  for (std::size_t i = 0; i < rows.size(); ++i) read_row(Fields(rows[i], doc.at(key, i)));
}

/// Reads and parses a JSON file whose top level must be an object; nullopt + problem on failure.
std::optional<Json> load_json_object(const fs::path& file, std::string& problem) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    problem = fmt::format("{}: cannot open for reading", file.string());
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    problem = fmt::format("{}: read error", file.string());
    return std::nullopt;
  }
  Json doc;
  try {  // the parse error's position is only in the exception; it does not leave this function
    doc = Json::parse(text.str());
  } catch (const Json::parse_error& e) {
    std::string detail = e.what();
    if (const auto end = detail.find("] "); detail.rfind("[json.exception", 0) == 0 && end != std::string::npos) {
      detail = detail.substr(end + 2);
    }
    problem = fmt::format("{}: not valid JSON ({})", file.string(), detail);
    return std::nullopt;
  }
  if (!doc.is_object()) {
    problem = fmt::format("{}: expected a JSON object at the top level, got {}", file.string(), type_name(doc));
    return std::nullopt;
  }
  return doc;
}

/// Checks that `dir` is a directory holding `file`; returns a problem or "".
std::string expect_file(const fs::path& dir, const char* file, const char* kind) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return fmt::format("{}: no such directory", dir.string());
  if (!fs::is_directory(dir, ec)) return fmt::format("{}: not a directory", dir.string());
  if (!fs::is_regular_file(dir / file, ec)) return fmt::format("{}: not a {} directory (no {})", dir.string(), kind, file);
  return "";
}

void read_districts(const Fields& doc, RunData& run) {
  for_each_row(doc, "districts", false, [&](const Fields& f) {
    RunDistrictInfo d;
    d.id = f.string("id");
    d.name = f.has("name") ? f.string("name") : d.id;
    d.base_gdp = f.has("base_gdp") ? f.number("base_gdp") : 0.0;
    for_each_row(f, "sectors", false, [&](const Fields& s) {
      d.sectors.push_back(RunSectorInfo{s.string("id"), s.has("name") ? s.string("name") : s.string("id"),
                                        s.has("share") ? s.number("share") : 0.0});
    });
    if (f.has("history")) {
      const Json& history = f.get("history");
      if (!history.is_object()) f.fail("history", fmt::format("expected an object, got {}", type_name(history)));
      const Fields years(history, f.at("history"));
      for (const auto& [key, value] : history.items()) {
        int year = 0;
        std::size_t used = 0;
        try {
          year = std::stoi(key, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != key.size() || key.empty()) years.fail("", fmt::format("'{}' is not a year", key));
        d.history[year] = years.number(key);
      }
    }
    run.districts.push_back(std::move(d));
  });
}

void read_summary_rows(const Fields& doc, ResultTables& t) {
  for_each_row(doc, "summary", true, [&](const Fields& f) {
    SummaryRow r;
    r.district = f.string("district");
    r.sector = f.optional_string("sector");
    r.metric = f.metric("metric");
    r.year = f.year("year");
    r.mean = f.number("mean");
    r.sd = f.number("sd");
    r.mc_se = f.number("mc_se");
    for (const auto& name : t.quantile_names) r.quantiles.push_back(f.number(name));
    t.summary.push_back(std::move(r));
  });
}

void read_histogram_rows(const Fields& doc, ResultTables& t) {
  for_each_row(doc, "histograms", false, [&](const Fields& f) {
    t.histograms.push_back(HistogramRow{f.string("district"), f.optional_string("sector"), f.metric("metric"),
                                        f.year("year"), f.number_or("bin_lower", -kInf),
                                        f.number_or("bin_upper", kInf), f.number("probability")});
  });
}

void read_probability_rows(const Fields& doc, ResultTables& t) {
  for_each_row(doc, "thresholds", false, [&](const Fields& f) {
    t.thresholds.push_back(ThresholdRow{f.string("district"), f.metric("metric"), f.number("threshold"),
                                        f.optional_string("label"), f.year("year"), f.number("p_above"),
                                        f.number("p_reached_by"), f.number("mc_se")});
  });
  for_each_row(doc, "first_crossing", false, [&](const Fields& f) {
    FirstCrossingRow r{f.string("district"), f.metric("metric"), f.number("threshold"), f.optional_string("label"),
                       std::nullopt, f.number("probability")};
    const Json& first = f.get("first_year");
    if (first.is_string()) {
      if (first.get<std::string>() != "never") f.fail("first_year", "expected a year or \"never\"");
    } else {
      r.first_year = f.year("first_year");
    }
    t.first_crossing.push_back(std::move(r));
  });
  for_each_row(doc, "events", false, [&](const Fields& f) {
    EventRow r;
    r.event = f.string("event");
    r.district = f.optional_string("district");
    r.other = f.optional_string("other");
    r.metric = f.metric("metric");
    if (f.has("threshold")) r.threshold = f.number("threshold");
    r.label = f.optional_string("label");
    r.year = f.year("year");
    if (f.has("districts")) r.districts = f.unsigned_integer("districts");
    r.probability = f.number("probability");
    r.mc_se = f.number("mc_se");
    t.events.push_back(std::move(r));
  });
}

void read_driver_rows(const Fields& doc, ResultTables& t) {
  for_each_row(doc, "regimes", false, [&](const Fields& f) {
    t.regimes.push_back(
        RegimeRow{f.string("chain"), f.string("regime"), f.year("year"), f.number("probability"), f.number("mc_se")});
  });
  for_each_row(doc, "shocks", false, [&](const Fields& f) {
    t.shocks.push_back(
        ShockRow{f.string("kind"), f.string("shock"), f.year("year"), f.number("frequency"), f.number("mc_se")});
  });
  for_each_row(doc, "parameters", false, [&](const Fields& f) {
    ParameterRow r;
    r.parameter = f.string("parameter");
    r.family = f.string("family");
    const Json& args = f.array("args");
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (!args[i].is_number()) f.fail(fmt::format("args[{}]", i), "expected a number");
      r.args.push_back(args[i].get<double>());
    }
    r.target_mean = f.number("target_mean");
    r.target_sd = f.number("target_sd");
    r.mean = f.number("mean");
    r.sd = f.number("sd");
    r.mc_se = f.number("mc_se");
    for (const auto& name : t.quantile_names) r.quantiles.push_back(f.number(name));
    t.parameters.push_back(std::move(r));
  });
}

/// Fills `run` from summary.json; throws ReadError.
void read_summary_document(const Json& json, RunData& run) {
  const Fields doc(json, "");
  run.scenario = doc.string("scenario");
  run.units = doc.optional_string("units");
  run.base_year = doc.has("base_year") ? doc.year("base_year") : 0;
  run.horizon = doc.has("horizon") ? static_cast<int>(doc.integer("horizon", 0, 100000)) : 0;
  run.seed = doc.has("seed") ? doc.unsigned_integer("seed") : 0;
  run.tables.paths = doc.unsigned_integer("paths");
  const Json& quantiles = doc.array("quantiles");
  for (std::size_t i = 0; i < quantiles.size(); ++i) {
    if (!quantiles[i].is_string()) doc.fail(doc.at("quantiles", i), "expected a string");
    run.tables.quantile_names.push_back(quantiles[i].get<std::string>());
  }
  read_districts(doc, run);
  read_summary_rows(doc, run.tables);
  read_histogram_rows(doc, run.tables);
  read_probability_rows(doc, run.tables);
  read_driver_rows(doc, run.tables);
}

std::string manifest_string(const Json& manifest, const char* key) {
  if (!manifest.is_object()) return "";
  const auto it = manifest.find(key);
  return it != manifest.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string RunData::engine_version() const { return manifest_string(manifest, "engine_version"); }

std::string RunData::scenario_sha256() const { return manifest_string(manifest, "scenario_sha256"); }

ResultDirectoryKind classify_result_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "summary.json", ec) && fs::is_regular_file(dir / kManifestFile, ec)) {
    return ResultDirectoryKind::run;
  }
  if (fs::is_regular_file(dir / "batch.json", ec)) return ResultDirectoryKind::batch;
  return ResultDirectoryKind::neither;
}

std::optional<RunData> read_run(const std::filesystem::path& dir, std::string& problem) {
  for (const char* file : {"summary.json", kManifestFile}) {
    if (auto p = expect_file(dir, file, "run"); !p.empty()) {
      problem = p;
      return std::nullopt;
    }
  }
  RunData run;
  run.directory = dir;
  const fs::path summary_file = dir / "summary.json";
  const auto summary = load_json_object(summary_file, problem);
  if (!summary) return std::nullopt;
  try {
    read_summary_document(*summary, run);
  } catch (const std::exception& e) {  // ReadError, or a JSON type error we did not foresee
    problem = fmt::format("{}: {}", summary_file.string(), e.what());
    return std::nullopt;
  }
  auto manifest = load_json_object(dir / kManifestFile, problem);
  if (!manifest) return std::nullopt;
  run.manifest = std::move(*manifest);
  return run;
}

std::optional<std::vector<BatchEntry>> read_batch_index(const std::filesystem::path& dir, std::string& problem) {
  if (auto p = expect_file(dir, "batch.json", "batch"); !p.empty()) {
    problem = p;
    return std::nullopt;
  }
  const fs::path file = dir / "batch.json";
  const auto json = load_json_object(file, problem);
  if (!json) return std::nullopt;
  std::error_code ec;
  fs::path base = fs::absolute(dir, ec);
  if (ec) base = dir;
  std::vector<BatchEntry> entries;
  try {
    const Fields doc(*json, "");
    if (doc.has("kind") && doc.string("kind") != "districtcast-batch") {
      doc.fail("kind", fmt::format("expected \"districtcast-batch\", got \"{}\"", doc.string("kind")));
    }
    for_each_row(doc, "scenarios", true, [&](const Fields& f) {
      BatchEntry e;
      e.scenario = f.string("scenario");
      e.status = f.string("status");
      if (e.status != "succeeded" && e.status != "failed" && e.status != "invalid") {
        f.fail("status", fmt::format("expected \"succeeded\", \"failed\" or \"invalid\", got \"{}\"", e.status));
      }
      e.error = f.optional_string("error");
      if (e.status == "succeeded") {
        const std::string relative = f.optional_string("directory");
        if (relative.empty()) f.fail("directory", "missing for a succeeded scenario");
        e.directory = (base / relative).lexically_normal();
      }
      entries.push_back(std::move(e));
    });
  } catch (const std::exception& e) {
    problem = fmt::format("{}: {}", file.string(), e.what());
    return std::nullopt;
  }
  return entries;
}

}  // namespace districtcast
