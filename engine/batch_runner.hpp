#pragma once
/// \file Running a planned batch: each valid scenario in turn (each using every thread) into its own
/// result directory inside the batch directory, then batch.json, batch_summary.csv and report.html.
/// A failing scenario is recorded and the others still run.

#include "engine/history_chart.hpp"
#include "engine/result_tables.hpp"
#include "engine/run_reader.hpp"
#include "engine/scenario_batch.hpp"

#include <nlohmann/json.hpp>

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
inline constexpr const char* kBatchLogFileName = "batch.log";  ///< the structured log of the batch run

struct BatchOutcome;

/// How one scenario of a batch ended.
struct BatchJobReport {
  std::string name;            ///< scenario or variant name
  std::string file;            ///< scenario file
  std::string directory_name;  ///< its directory in the batch directory (only meaningful when succeeded)
  std::string status;          ///< "succeeded", "failed" (while running or writing) or "invalid" (never ran)
  std::string error;           ///< why it failed (diagnostics joined by newlines); empty on success
  double wall_seconds = 0.0;
  std::optional<Scenario> scenario;  ///< as run (paths after convergence control); absent when invalid
  bool resumed = false;  ///< succeeded by taking over the finished result of an interrupted attempt (not run again)
  /// The job's result tables, only during on_job_end and only when it succeeded (else nullptr).
  const ResultTables* tables = nullptr;
};

/// What the caller adds once every job has ended (before batch.json and report.html are written).
struct BatchFinish {
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();  ///< merged into batch.json's top level
  std::vector<HistorySeries> history;  ///< the report's History section
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
  /// A directory of an interrupted attempt of this batch (--resume): a job whose directory there is complete
  /// and was made from the same resolved scenario (scenario_sha256), seed, paths and engine version is moved
  /// in instead of run again (resumable_result). Empty: run everything.
  std::filesystem::path resume_from;
  /// After the last job, with the finished outcome and every succeeded run read back (directories named as
  /// they will be after commit); files it writes into the batch directory are kept.
  std::function<BatchFinish(const BatchOutcome& outcome, const std::vector<RunData>& runs)> on_jobs_done;
};

/// True when `candidate` is a complete run directory (manifest.json and summary.json) of `scenario` as
/// planned: same scenario_sha256, seed and engine version, and the same paths (or, under convergence
/// control, any paths: the precision target is part of the hashed scenario).
[[nodiscard]] bool resumable_result(const Scenario& scenario, const std::filesystem::path& candidate);

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
/// `dir/<directory_name>/` per succeeded job (the files of a run directory; written as the hidden
/// `dir/.<directory_name>.partial` and renamed when complete, so a killed batch leaves only whole results), `batch.json` (status and
/// timings of each job), `batch_summary.csv` (every succeeded job's summary.csv rows with a leading
/// `scenario` column; quantile columns are the union, empty where a scenario lacks one) and report.html.
/// Throws std::runtime_error only when the batch files themselves cannot be written.
[[nodiscard]] BatchOutcome run_batch_into(const BatchPlan& plan, const std::filesystem::path& dir,
                                          const BatchRunOptions& options);

}  // namespace districtcast
