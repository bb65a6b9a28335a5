#pragma once
/// \file Reading finished run and batch directories back into typed values (for compare and report).
/// A run directory is read from its summary.json and manifest.json only (the CSV files hold the same
/// numbers), so reading never depends on CSV quoting or column order.

#include "engine/result_tables.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// A sector of a split district, as listed in summary.json.
struct RunSectorInfo {
  std::string id, name;
  double share = 0.0;
};

/// A district as listed in summary.json: identity, base-year GDP, sectors and observed history.
struct RunDistrictInfo {
  std::string id, name;
  double base_gdp = 0.0;
  std::vector<RunSectorInfo> sectors;
  /// Observed nominal GDP by calendar year (the scenario's `history`, if any), ascending years.
  std::map<int, double> history;
};

/// Everything a finished run directory says.
struct RunData {
  std::filesystem::path directory;
  std::string scenario;  ///< scenario name
  std::string units;     ///< e.g. "billion CNY"
  int base_year = 0;
  int horizon = 0;
  std::uint64_t seed = 0;
  std::vector<RunDistrictInfo> districts;  ///< in file order
  ResultTables tables;                     ///< every table of summary.json (paths, quantile names, rows)
  nlohmann::ordered_json manifest;         ///< manifest.json as written
  /// Convenience accessors into the manifest ("" when absent).
  [[nodiscard]] std::string engine_version() const;
  [[nodiscard]] std::string scenario_sha256() const;
};

/// What a directory given to compare/report holds.
enum class ResultDirectoryKind { run, batch, neither };

/// run: has manifest.json and summary.json; batch: has batch.json; otherwise neither.
[[nodiscard]] ResultDirectoryKind classify_result_directory(const std::filesystem::path& dir);

/// Reads a run directory. On failure returns nullopt and sets `problem` to one clear sentence
/// (e.g. "outputs/x: not a run directory (no summary.json)", "summary.json: row 3: missing 'mean'").
[[nodiscard]] std::optional<RunData> read_run(const std::filesystem::path& dir, std::string& problem);

/// One scenario entry of a batch directory's batch.json.
struct BatchEntry {
  std::string scenario;             ///< scenario (or sweep variant) name, e.g. "trillion_club[nanshan.growth.mean=0.06]"
  std::string status;               ///< "succeeded", "failed" or "invalid"
  std::filesystem::path directory;  ///< absolute (batch dir / relative entry); empty unless succeeded
  std::string error;                ///< why it failed (empty when it succeeded)
};

/// Reads `dir/batch.json`; entries in batch order. nullopt + `problem` on failure.
[[nodiscard]] std::optional<std::vector<BatchEntry>> read_batch_index(const std::filesystem::path& dir,
                                                                      std::string& problem);

}  // namespace districtcast
