#pragma once
/// \file One scenario run from a validated Scenario to a complete set of result files in a directory:
/// shared by `run` and `batch` (the CLI only parses flags and picks the directory).

#include "engine/manifest.hpp"
#include "engine/result_tables.hpp"
#include "engine/scenario.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace districtcast {

/// How to run one scenario.
struct RunJobOptions {
  std::string scenario_file;                  ///< recorded in the manifest
  unsigned threads = 1;                       ///< results are identical for any value
  const std::atomic<bool>* cancel = nullptr;  ///< polled between blocks
  /// Called with the number of paths done (in block order) and the current total (which convergence
  /// control may raise between rounds).
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
  bool write_report = true;  ///< also write report.html (after the manifest)
  /// The directory report.html names as the run directory: where the files will be once the staging
  /// directory they are written to is committed (empty: the directory written to).
  std::filesystem::path final_directory;
};

/// What happened.
struct RunJobResult {
  bool interrupted = false;     ///< `cancel` became true: `dir` holds no complete result (the caller discards it)
  std::uint64_t paths_done = 0; ///< paths simulated
  Scenario scenario;            ///< as run (paths raised by convergence control)
  RunFacts facts;               ///< timings and precision as written to the manifest
  /// The result tables as written (empty when interrupted): a batch stacks the summary rows and the run
  /// catalog stores the statistics without reading the files back.
  ResultTables tables;
};

/// File name of the HTML report written next to the results.
inline constexpr const char* kReportFileName = "report.html";

/// Every file a run directory may hold: result_file_names(), manifest.json and report.html.
[[nodiscard]] std::vector<std::string> run_directory_file_names();

/// Simulates `scenario` and writes every result file, manifest.json and (with write_report) report.html
/// into `dir`, which must exist (normally a RunDirectory's staging directory). Throws std::runtime_error
/// on I/O failure, std::overflow_error with Simulation::describe_faults() (district, year, path count) when
/// any path's GDP or firm counts left the representable range, and std::range_error when a statistic is
/// not finite (check_finite_tables()); both before any file is written. When interrupted, returns early
/// with `interrupted` set and writes nothing more.
[[nodiscard]] RunJobResult run_scenario_into(Scenario scenario, const std::filesystem::path& dir,
                                             const RunJobOptions& options);

}  // namespace districtcast
