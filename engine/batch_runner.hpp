#pragma once
/// \file Running a planned batch: each valid scenario in turn (each using every thread) into its own
/// result directory inside the batch directory, then batch.json, batch_summary.csv and report.html.
/// A failing scenario is recorded and the others still run.

#include "engine/result_tables.hpp"
#include "engine/scenario_batch.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// File names a batch directory holds besides one directory per scenario.
inline constexpr const char* kBatchIndexFileName = "batch.json";
inline constexpr const char* kBatchSummaryFileName = "batch_summary.csv";

/// How one scenario of a batch ended.
struct BatchJobReport {
  std::string name;            ///< scenario or variant name
  std::string file;            ///< scenario file
  std::string directory_name;  ///< its directory in the batch directory (only meaningful when succeeded)
  std::string status;          ///< "succeeded", "failed" (while running or writing) or "invalid" (never ran)
  std::string error;           ///< why it failed (diagnostics joined by newlines); empty on success
  double wall_seconds = 0.0;
  std::optional<Scenario> scenario;  ///< as run (paths after convergence control); absent when invalid
};

/// Callbacks and settings of a batch run.
struct BatchRunOptions {
  unsigned threads = 1;
  const std::atomic<bool>* cancel = nullptr;
  bool write_reports = true;  ///< report.html per scenario and for the batch
  std::string command_line;   ///< recorded in batch.json
  /// Where the batch directory will be once committed (reports name it); empty: the directory written to.
  std::filesystem::path final_directory;
  /// Before each valid job: its index among all jobs (0-based) and the number of jobs.
  std::function<void(const BatchJob& job, std::size_t index, std::size_t count)> on_job_start;
  /// During a job: paths done and the current total.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
  /// After each job (invalid ones included).
  std::function<void(const BatchJobReport& report, std::size_t index, std::size_t count)> on_job_end;
};

/// The whole batch.
struct BatchOutcome {
  bool interrupted = false;  ///< `cancel` was set: the directory is incomplete (the caller discards it)
  std::vector<BatchJobReport> jobs;
  std::chrono::system_clock::time_point started_at, finished_at;
  double wall_seconds = 0.0;
  [[nodiscard]] std::size_t succeeded() const;
  /// "succeeded" (all), "partial" (some) or "failed" (none).
  [[nodiscard]] std::string status() const;
};

/// Runs `plan` into `dir` (an existing empty directory, normally a RunDirectory's staging directory):
/// `dir/<directory_name>/` per succeeded job (the files of a run directory), `batch.json` (status and
/// timings of each job), `batch_summary.csv` (every succeeded job's summary.csv rows with a leading
/// `scenario` column; quantile columns are the union, empty where a scenario lacks one) and report.html.
/// Throws std::runtime_error only when the batch files themselves cannot be written.
[[nodiscard]] BatchOutcome run_batch_into(const BatchPlan& plan, const std::filesystem::path& dir,
                                          const BatchRunOptions& options);

}  // namespace districtcast
