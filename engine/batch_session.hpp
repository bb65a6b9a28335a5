#pragma once
/// \file A batch run as an unattended job (docs/operations.md): take the lock of the batch's output root,
/// open the run catalog and mark runs of dead processes interrupted, pick up an interrupted attempt
/// (--resume), run the jobs recording each in the catalog, compare with the previous runs and test the
/// alerts, commit the batch directory atomically, and prune by the retention policy. The CLI only parses
/// flags, draws the progress bar and maps the result to an exit code.

#include "engine/batch_runner.hpp"
#include "engine/catalog.hpp"
#include "engine/run_log.hpp"
#include "engine/scenario_batch.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// How to run a batch.
struct BatchSessionOptions {
  std::filesystem::path catalog_file;                 ///< catalog_path(--catalog)
  std::optional<std::filesystem::path> exact_out;     ///< --out DIR; nullopt: <out root>/<name>/<UTC time>
  bool overwrite = false;                             ///< --overwrite (with exact_out)
  bool resume = false;                                ///< --resume
  unsigned threads = 1;
  bool write_reports = true;
  std::string command_line;
  const std::atomic<bool>* cancel = nullptr;
  double noise_z = 4.0;                               ///< for compare_with: previous
  RunLog* log = nullptr;                              ///< required
  /// Progress hooks for a terminal bar (as in BatchRunOptions).
  std::function<void(const BatchJob& job, std::size_t index, std::size_t count)> on_job_start;
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
  std::function<void()> on_job_end;
};

/// How it ended.
enum class BatchSessionStatus {
  completed,    ///< the batch directory is committed (some scenarios may have failed: outcome)
  interrupted,  ///< cancelled: nothing published; finished scenarios kept for --resume (kept_directory)
  busy,         ///< another process holds the lock: nothing done (exit 75)
  rejected,     ///< the output directory cannot be used as asked (exit 2)
  failed,       ///< lock, catalog or I/O failure (exit 1)
};

/// What run_batch_session did.
struct BatchSessionResult {
  BatchSessionStatus status = BatchSessionStatus::failed;
  std::string message;                    ///< why, for busy / rejected / failed
  std::filesystem::path directory;        ///< the committed batch directory (completed)
  std::filesystem::path kept_directory;   ///< interrupted: the hidden directory holding finished scenarios ("" if none)
  BatchOutcome outcome;
  std::int64_t batch_id = 0;              ///< its catalog id
  std::size_t resumed = 0;                ///< scenarios taken over from an interrupted attempt
  std::size_t alerts_fired = 0;           ///< alert rules that matched
  std::vector<BatchRecord> pruned;        ///< removed by retention
};

/// The directory holding the batch's result directories: `<out root>/<name>` by default (out root: the batch
/// file's `out`, else outputs/batches), or the parent of --out DIR. Absolute and lexically normal.
[[nodiscard]] std::filesystem::path batch_results_parent(const BatchPlan& plan,
                                                         const std::optional<std::filesystem::path>& exact_out);

/// Runs `plan` (validated: at least one job with a scenario) as described in the file comment.
[[nodiscard]] BatchSessionResult run_batch_session(const BatchPlan& plan, const BatchSessionOptions& options);

}  // namespace districtcast
