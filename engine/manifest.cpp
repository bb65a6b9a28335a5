#include "engine/manifest.hpp"
#include "engine/output_file.hpp"

#include "engine/result_writers.hpp"
#include "engine/scenario_json.hpp"
#include "engine/sha256.hpp"
#include "engine/normal_variates.hpp"
#include "engine/version.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace districtcast {

namespace {

/// A swept value in the manifest: a number or boolean when its YAML text is one, else the text.
nlohmann::ordered_json sweep_value_json(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  double value = 0.0;
  const char* begin = text.data() + (!text.empty() && text.front() == '+' ? 1 : 0);
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (!text.empty() && ec == std::errc() && ptr == end && std::isfinite(value)) return value;
  return text;
}

}  // namespace

nlohmann::ordered_json composition_json(const ScenarioProvenance& provenance) {
  nlohmann::ordered_json c = nlohmann::ordered_json::object();
  if (provenance.files.size() > 1) {
    c["extends"] = std::vector<std::string>(provenance.files.begin() + 1, provenance.files.end());
  }
  if (!provenance.overrides.empty()) c["overrides"] = provenance.overrides;
  if (!provenance.variant_of.empty()) c["variant_of"] = provenance.variant_of;
  if (!provenance.sweep_point.empty()) {
    nlohmann::ordered_json sweep = nlohmann::ordered_json::object();
    for (const auto& [key, value] : provenance.sweep_point) sweep[key] = sweep_value_json(value);
    c["sweep"] = sweep;
  }
  return c;
}


std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::uint64_t peak_rss_bytes() noexcept {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;  // Linux reports KiB
}

void write_manifest(const std::filesystem::path& dir, const Scenario& scenario, const RunFacts& facts) {
  nlohmann::ordered_json files = nlohmann::ordered_json::object();
  for (const auto& name : result_file_names()) files[name] = sha256_file_hex(dir / name);
  nlohmann::ordered_json doc;
  doc["engine_version"] = kEngineVersion;
  doc["scenario"] = scenario.name;
  doc["scenario_file"] = facts.scenario_file;
  doc["scenario_sha256"] = scenario_sha256(scenario);
  if (auto composition = composition_json(scenario.provenance); !composition.empty()) doc["composition"] = composition;
  doc["seed"] = scenario.seed;
  doc["paths"] = scenario.paths;
  doc["threads"] = facts.threads;
  doc["simd_kernel"] = std::string(to_string(active_kernel()));
  doc["block_size"] = facts.block_size;
  doc["started_at"] = iso8601_utc(facts.started_at);
  doc["finished_at"] = iso8601_utc(facts.finished_at);
  doc["wall_seconds"] = facts.wall_seconds;
  doc["peak_rss_bytes"] = peak_rss_bytes();
  if (facts.precision) {
    const PrecisionReport& p = *facts.precision;
    doc["precision"] = nlohmann::ordered_json{
        {"statistic", "relative Monte Carlo standard error of the mean, mc_se / |mean|, worst cell"},
        {"target", p.target},
        {"achieved", std::isfinite(p.achieved) ? nlohmann::ordered_json(p.achieved) : nlohmann::ordered_json(nullptr)},
        {"reached", p.reached},
        {"rounds", p.rounds},
        {"paths", p.paths},
        {"worst_cell", {{"district", p.worst_district}, {"metric", std::string(to_string(p.worst_metric))},
                        {"year", p.worst_year}}}};
  }
  doc["files_sha256"] = files;
  doc["resolved_scenario"] = to_json(scenario);
  OutputFile out(dir / kManifestFileName);
  out.print("{}\n", doc.dump(2));
  out.close();
}

}  // namespace districtcast
