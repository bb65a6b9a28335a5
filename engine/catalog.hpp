#pragma once
/// \file The run catalog: an embedded SQLite database (default outputs/catalog.sqlite) recording every run
/// and batch — identity, status, timings, result directory — and each run's summary statistics, so history
/// queries need no CSV parsing. Schema versioned (PRAGMA user_version) with forward migrations, WAL
/// journal, every write in a transaction, busy timeout for concurrent writers. docs/catalog.md has the
/// schema; only catalog.cpp sees SQLite.

#include "engine/process_identity.hpp"
#include "engine/result_tables.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast {

/// A catalog that cannot be opened, migrated, read or written (message names the file and SQLite's reason).
class CatalogError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Status of a run or batch. `running` rows whose process died are turned `interrupted` by
/// Catalog::recover_interrupted(). A batch in which some scenarios failed is `failed` with
/// scenarios_succeeded > 0 (the batch.json status says "partial").
enum class RunStatus { running, succeeded, failed, interrupted };

/// "running", "succeeded", "failed", "interrupted".
[[nodiscard]] std::string_view to_string(RunStatus status) noexcept;
/// Inverse of to_string; nullopt for anything else.
[[nodiscard]] std::optional<RunStatus> run_status_from_string(std::string_view text) noexcept;

/// A row of table `batches`: one `districtcast batch` invocation.
struct BatchRecord {
  std::int64_t id = 0;      ///< assigned by begin_batch
  std::string name;         ///< batch name (the batch file's `name`, or "batch"/the scenario name)
  std::string batch_file;   ///< absolute path of the batch file; "" for command-line items
  std::string out_root;     ///< absolute directory holding this batch's result directories (<out>/<name>)
  std::string directory;    ///< the batch directory once committed; while running or when interrupted, the
                            ///< hidden staging directory holding the finished scenarios (for --resume)
  RunStatus status = RunStatus::running;
  std::string started_at;   ///< ISO 8601 UTC, e.g. 2026-11-29T02:00:00Z
  std::string finished_at;  ///< "" while running
  double wall_seconds = 0.0;
  std::string engine_version;
  std::string command_line;
  unsigned threads = 1;
  ProcessIdentity process;  ///< who runs (ran) it
  std::int64_t scenarios_total = 0;
  std::int64_t scenarios_succeeded = 0;
  std::int64_t alerts = 0;  ///< alert rules that fired (0 when none or no comparison)
};

/// A row of table `runs`: one scenario simulated, by `districtcast run` or as part of a batch.
struct RunRecord {
  std::int64_t id = 0;                  ///< assigned by begin_run
  std::optional<std::int64_t> batch_id; ///< the batch it belongs to; nullopt for `run`
  std::string scenario;                 ///< scenario (or sweep variant) name
  std::string scenario_sha256;
  std::string engine_version;
  std::uint64_t seed = 0;
  std::uint64_t paths = 0;              ///< requested; finish_run records the paths actually run
  unsigned threads = 1;
  std::string started_at;               ///< ISO 8601 UTC
  std::string finished_at;              ///< "" while running
  double wall_seconds = 0.0;
  RunStatus status = RunStatus::running;
  std::string directory;          ///< result directory (where it will be while running); for a batch run the
                                  ///< directory inside the committed batch directory
  std::string staging_directory;  ///< where it is being written ("" once finished)
  std::string error;              ///< why it failed ("" otherwise)
  ProcessIdentity process;
};

/// One summary statistic of a run: a tidy row of table `run_stats`. `stat` is "mean", "sd", "mc_se", a
/// quantile column name ("p50"), or for thresholds "p_above:<threshold>" / "p_reached_by:<threshold>"
/// (threshold_text form, the same names as `districtcast compare`).
struct StatRecord {
  std::string district;
  std::string sector;  ///< "" for district totals (and always for thresholds)
  std::string metric;  ///< "gdp", "firm_stock", ...
  int year = 0;
  std::string stat;
  double value = 0.0;
};

/// The statistics stored for a run: every summary row (mean, sd, mc_se, each quantile) and every threshold
/// row (p_above, p_reached_by), in table order.
[[nodiscard]] std::vector<StatRecord> stat_records(const ResultTables& tables);

/// Which runs `Catalog::runs` lists (newest first).
struct RunQuery {
  std::string scenario;               ///< "" = any
  std::string batch_name;             ///< "" = any; else only runs of batches with this name
  std::optional<RunStatus> status;    ///< nullopt = any
  std::optional<std::int64_t> batch_id;
  std::size_t limit = 20;             ///< 0 = no limit
};

/// Which batches `Catalog::batches` lists (newest first).
struct BatchQuery {
  std::string name;                   ///< "" = any
  std::string out_root;               ///< "" = any
  std::optional<RunStatus> status;
  std::size_t limit = 20;             ///< 0 = no limit
};

/// One figure across runs: `districtcast history`.
struct HistoryQuery {
  std::string scenario;  ///< required
  std::string district;  ///< required
  std::string sector;    ///< "" = district total
  std::string metric = "gdp";
  int year = 0;          ///< required
  std::string stat = "p50";
  std::size_t limit = 0; ///< the newest N points (0 = all); the result is still oldest first
  bool include_failed = false;  ///< false: succeeded runs only
  std::string batch_name;       ///< "" = any run; else only runs of batches with this name (a nightly series)
};

/// The figure in one run.
struct HistoryPoint {
  std::int64_t run_id = 0;
  std::optional<std::int64_t> batch_id;
  std::string started_at;
  std::string scenario_sha256;  ///< a change marks a changed assumption
  std::string engine_version;
  std::uint64_t seed = 0;
  std::uint64_t paths = 0;
  double value = 0.0;
  std::optional<double> mc_se;  ///< the run's mc_se of the same cell when stat is "mean"
};

/// An open catalog. Not thread-safe: one Catalog per thread. Moves only.
class Catalog {
public:
  /// The schema version this engine writes; open() migrates older files up to it, step by step, each step
  /// in a transaction.
  static constexpr int kSchemaVersion = 1;

  /// Opens `file` (creating it and its parent directories), sets WAL mode, foreign keys and a 10 s busy
  /// timeout, and migrates it to kSchemaVersion. A file written by a newer engine (higher version) or not a
  /// SQLite database throws CatalogError with a clear message.
  [[nodiscard]] static Catalog open(const std::filesystem::path& file);

  /// Opens an existing catalog for reading only (`runs`, `history`, `schedule`'s check): never creates,
  /// migrates or changes the file, so a user who may only read it can query it. Throws CatalogError when
  /// the file is absent, not a database, or not at kSchemaVersion. Calling a writing member throws.
  [[nodiscard]] static Catalog open_read_only(const std::filesystem::path& file);

  Catalog(Catalog&&) noexcept;
  Catalog& operator=(Catalog&&) noexcept;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;
  ~Catalog();

  [[nodiscard]] const std::filesystem::path& file() const noexcept;
  /// PRAGMA user_version of the open file (kSchemaVersion after open()).
  [[nodiscard]] int schema_version() const;

  /// Inserts `batch` (its id ignored) and returns the new id.
  std::int64_t begin_batch(const BatchRecord& batch);
  /// Updates the batch's status, directory, finished_at, wall_seconds, scenarios_total,
  /// scenarios_succeeded and alerts from `batch` (matched by batch.id).
  void finish_batch(const BatchRecord& batch);
  /// Inserts `run` (its id ignored) and returns the new id.
  std::int64_t begin_run(const RunRecord& run);
  /// Updates the run's status, directory, staging_directory, error, paths, finished_at and wall_seconds
  /// from `run` (matched by run.id) and, in the same transaction, stores `stats` for it (replacing any).
  void finish_run(const RunRecord& run, const std::vector<StatRecord>& stats = {});

  /// Marks every `running` batch and run whose process is no longer alive (ProcessIdentity::alive) as
  /// interrupted (finished_at = now), in one transaction; returns the runs so marked, then callers may
  /// remove their staging directories.
  struct Recovered {
    std::vector<BatchRecord> batches;
    std::vector<RunRecord> runs;
  };
  Recovered recover_interrupted();

  [[nodiscard]] std::optional<RunRecord> run(std::int64_t id) const;
  [[nodiscard]] std::optional<BatchRecord> batch(std::int64_t id) const;
  /// Runs matching `query`, newest first (by started_at, then id).
  [[nodiscard]] std::vector<RunRecord> runs(const RunQuery& query) const;
  /// Batches matching `query`, newest first.
  [[nodiscard]] std::vector<BatchRecord> batches(const BatchQuery& query) const;
  /// The stored statistics of a run, in insertion order.
  [[nodiscard]] std::vector<StatRecord> stats(std::int64_t run_id) const;
  /// The figure `query` names across runs, oldest first.
  [[nodiscard]] std::vector<HistoryPoint> history(const HistoryQuery& query) const;
  /// The newest succeeded run of `scenario` in a batch named `batch_name`, other than those of batch
  /// `exclude_batch_id` (the batch now running); nullopt when there is none.
  [[nodiscard]] std::optional<RunRecord> previous_successful_run(const std::string& scenario,
                                                                 const std::string& batch_name,
                                                                 std::int64_t exclude_batch_id) const;
  /// Deletes a batch with its runs and their statistics (one transaction).
  void delete_batch(std::int64_t id);
  /// Deletes a run and its statistics.
  void delete_run(std::int64_t id);

private:
  struct Impl;
  explicit Catalog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The catalog file to use: `flag` when given, else $DISTRICTCAST_CATALOG when set and non-empty, else
/// outputs/catalog.sqlite (relative to the working directory).
[[nodiscard]] std::filesystem::path catalog_path(const std::string& flag);

/// The catalog of a batch: `flag` when given, else the batch file's `catalog` (resolved against the batch
/// file, so the batch records into the same catalog from any working directory), else catalog_path("").
[[nodiscard]] std::filesystem::path batch_catalog_path(const std::string& flag,
                                                       const std::optional<std::filesystem::path>& batch_file_catalog);

}  // namespace districtcast
