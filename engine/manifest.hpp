#pragma once
/// \file manifest.json: what was run, by which engine, when, and the SHA-256 of every result file.

#include "engine/convergence.hpp"
#include "engine/scenario.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace districtcast {

/// File name of the manifest in a run directory.
inline constexpr const char* kManifestFileName = "manifest.json";

/// Facts about a run that are not in the scenario.
struct RunFacts {
  std::string scenario_file;  ///< as given on the command line
  unsigned threads = 1;
  std::uint64_t block_size = 0;
  std::chrono::system_clock::time_point started_at;
  std::chrono::system_clock::time_point finished_at;
  double wall_seconds = 0.0;
  std::optional<PrecisionReport> precision;  ///< set when the run used convergence control
};

/// Peak resident set size of this process so far, in bytes (getrusage); 0 if unavailable.
[[nodiscard]] std::uint64_t peak_rss_bytes() noexcept;

/// ISO 8601 UTC with seconds, e.g. 2026-11-28T16:24:41Z.
[[nodiscard]] std::string iso8601_utc(std::chrono::system_clock::time_point t);

/// The manifest's `composition` object: `extends` (the files after the scenario's own, in chain order),
/// `overrides` ("key=value", in the order applied), and for a sweep variant `variant_of` and `sweep`
/// ({key: value}; a value that is a number or boolean in YAML is written as one). Only non-empty keys, so
/// the object is empty for a scenario read from one file without overrides.
[[nodiscard]] nlohmann::ordered_json composition_json(const ScenarioProvenance& provenance);

/// Writes `dir/manifest.json`: engine_version, scenario, scenario_sha256, seed, paths, threads, timings,
/// peak_rss_bytes, the precision report (with convergence control), the `composition` (when not empty), the SHA-256 of each result file already in `dir`, and the resolved scenario.
/// Throws on I/O failure.
void write_manifest(const std::filesystem::path& dir, const Scenario& scenario, const RunFacts& facts);

}  // namespace districtcast
