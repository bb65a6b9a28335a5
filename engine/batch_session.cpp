#include "engine/batch_session.hpp"

#include "engine/compare_writers.hpp"
#include "engine/manifest.hpp"
#include "engine/output_lock.hpp"
#include "engine/previous_comparison.hpp"
#include "engine/report_html.hpp"
#include "engine/retention.hpp"
#include "engine/run_directory.hpp"
#include "engine/run_job.hpp"
#include "engine/run_recovery.hpp"
#include "engine/scenario_json.hpp"
#include "engine/version.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>

namespace districtcast {
namespace fs = std::filesystem;
namespace {

std::string now_text() { return iso8601_utc(std::chrono::system_clock::now()); }

/// Marks what dead processes left behind interrupted (run_recovery.hpp) and logs it.
void recover(Catalog& catalog, RunLog& log) {
  const Catalog::Recovered recovered = recover_dead_runs(catalog);
  for (const BatchRecord& b : recovered.batches) {
    log.warn("marked_interrupted", {{"kind", "batch"}, {"id", std::to_string(b.id)}, {"batch", b.name},
                                    {"started_at", b.started_at}, {"process", b.process.describe()},
                                    {"kept", b.directory}});
  }
  for (const RunRecord& r : recovered.runs) {
    log.warn("marked_interrupted", {{"kind", "run"}, {"id", std::to_string(r.id)}, {"scenario", r.scenario},
                                    {"started_at", r.started_at}, {"process", r.process.describe()}});
  }
}

/// The newest attempt of this batch, when it was interrupted and its finished scenarios are still there.
std::optional<BatchRecord> resume_source(const Catalog& catalog, const BatchPlan& plan, const fs::path& parent) {
  BatchQuery query;
  query.name = plan.name;
  query.out_root = parent.string();
  query.limit = 1;
  const auto newest = catalog.batches(query);
  if (newest.empty() || newest.front().status != RunStatus::interrupted || newest.front().directory.empty()) {
    return std::nullopt;
  }
  std::error_code ec;
  if (!fs::is_directory(newest.front().directory, ec)) return std::nullopt;
  return newest.front();
}

}  // namespace

fs::path batch_results_parent(const BatchPlan& plan, const std::optional<fs::path>& exact_out) {
  if (exact_out) {
    fs::path clean = fs::absolute(*exact_out).lexically_normal();
    if (clean.filename().empty()) clean = clean.parent_path();
    return clean.parent_path();
  }
  const fs::path root = plan.out_root.value_or(fs::path("outputs") / "batches");
  return (fs::absolute(root) / plan.name).lexically_normal();
}

BatchSessionResult run_batch_session(const BatchPlan& plan, const BatchSessionOptions& options) {
  RunLog& log = *options.log;
  BatchSessionResult result;
  const auto session_start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start).count(); };
  const fs::path parent = batch_results_parent(plan, options.exact_out);

  // 1. One batch at a time per output root.
  LockProblem lock_problem;
  std::optional<LockHolder> stale;
  const fs::path lock_file = batch_lock_file(parent, options.exact_out);
  std::optional<OutputLock> lock = OutputLock::try_acquire(lock_file, options.command_line, lock_problem, &stale);
  if (!lock) {
    result.status = lock_problem.busy ? BatchSessionStatus::busy : BatchSessionStatus::failed;
    result.message = lock_problem.message;
    return result;
  }
  if (stale && !stale->process.alive()) {
    log.warn("stale_lock_taken_over", {{"lock", lock_file.string()}, {"previous", stale->process.describe()},
                                       {"since", stale->since}});
  }

  // 2. The catalog, with what dead processes left behind.
  std::optional<Catalog> catalog;
  try {
    catalog.emplace(Catalog::open(options.catalog_file));
    recover(*catalog, log);
  } catch (const CatalogError& e) {
    result.message = e.what();
    return result;
  }

  // 3. An interrupted attempt to continue.
  std::optional<BatchRecord> source;
  if (options.resume) {
    source = resume_source(*catalog, plan, parent);
    if (source) {
      log.info("resume", {{"from_batch", std::to_string(source->id)}, {"started_at", source->started_at},
                          {"directory", source->directory}});
    } else {
      log.info("resume", {{"from_batch", "none"}, {"reason", "the newest attempt of this batch was not interrupted"}});
    }
  }

  // 4. The (hidden, staging) batch directory.
  const bool default_location = !options.exact_out.has_value();
  const fs::path target = default_location ? default_run_directory(parent.parent_path(), plan.name) : *options.exact_out;
  std::vector<std::string> replaceable{kBatchIndexFileName, kBatchSummaryFileName, kReportFileName, kBatchLogFileName,
                                       kPreviousComparisonCsv, kPreviousComparisonJson};
  if (options.overwrite && !default_location) {
    std::string ignored;
    if (const auto previous = read_batch_index(target, ignored)) {
      for (const auto& entry : *previous) {
        if (!entry.directory.empty()) replaceable.push_back(entry.directory.filename().string());
      }
    }
  }
  DirectoryProblem problem;
  std::optional<RunDirectory> directory =
      RunDirectory::prepare(target, options.overwrite, replaceable, problem,
                            default_location ? RunDirectory::Naming::unique : RunDirectory::Naming::exact);
  if (!directory) {
    result.status = problem.usage_error ? BatchSessionStatus::rejected : BatchSessionStatus::failed;
    result.message = problem.message;
    return result;
  }
  const fs::path staging = directory->staging();

  BatchRecord record;
  record.name = plan.name;
  record.batch_file = plan.batch_file.empty() ? std::string() : fs::absolute(plan.batch_file).lexically_normal().string();
  record.out_root = parent.string();
  record.directory = staging.string();
  record.started_at = now_text();
  record.engine_version = kEngineVersion;
  record.command_line = options.command_line;
  record.threads = options.threads;
  record.process = ProcessIdentity::current();
  record.scenarios_total = static_cast<std::int64_t>(plan.jobs.size());
  try {
    record.id = catalog->begin_batch(record);
    log.add_file(staging / kBatchLogFileName);
  } catch (const std::exception& e) {
    result.message = e.what();
    return result;
  }
  result.batch_id = record.id;
  log.info("batch_start", {{"batch", plan.name}, {"id", std::to_string(record.id)},
                           {"scenarios", std::to_string(plan.jobs.size())}, {"threads", std::to_string(options.threads)},
                           {"catalog", fs::absolute(options.catalog_file).lexically_normal().string()}});

  // 5. Run, recording each scenario.
  std::map<std::size_t, std::int64_t> run_ids;  // job index -> catalog run id
  std::optional<std::int64_t> running;
  const auto run_record = [&](const BatchJob& job, const Scenario& scenario) {
    RunRecord r;
    r.batch_id = record.id;
    r.scenario = job.name;
    r.scenario_sha256 = scenario_sha256(scenario);
    r.engine_version = kEngineVersion;
    r.seed = scenario.seed;
    r.paths = scenario.paths;
    r.threads = options.threads;
    r.started_at = now_text();
    r.directory = (directory->target() / job.directory_name).string();
    r.staging_directory = (staging / job.directory_name).string();
    r.process = record.process;
    return r;
  };
  BatchRunOptions run;
  run.threads = options.threads;
  run.cancel = options.cancel;
  run.write_reports = options.write_reports;
  run.command_line = options.command_line;
  run.final_directory = directory->target();
  if (source) run.resume_from = source->directory;
  run.on_progress = options.on_progress;
  run.on_job_start = [&](const BatchJob& job, std::size_t index, std::size_t count) {
    log.info("job_start", {{"scenario", job.name}, {"index", fmt::format("{}/{}", index + 1, count)},
                           {"paths", std::to_string(job.scenario->paths)}, {"seed", std::to_string(job.scenario->seed)}});
    RunRecord r = run_record(job, *job.scenario);
    r.id = catalog->begin_run(r);
    run_ids[index] = r.id;
    running = r.id;
    if (options.on_job_start) options.on_job_start(job, index, count);
  };
  run.on_job_end = [&](const BatchJobReport& report, std::size_t index, std::size_t count) {
    if (options.on_job_end) options.on_job_end();
    running.reset();
    const std::string position = fmt::format("{}/{}", index + 1, count);
    if (report.status == "invalid") {
      log.error("job_invalid", {{"scenario", report.name}, {"index", position}, {"error", report.error}});
      return;
    }
    const BatchJob& job = plan.jobs[index];
    if (report.resumed) {
      RunRecord r = run_record(job, *report.scenario);
      r.id = catalog->begin_run(r);
      run_ids[index] = r.id;
      ++result.resumed;
      // The interrupted attempt's row of this result is superseded by this one (one row per result).
      RunQuery old;
      old.batch_id = source->id;
      old.scenario = job.name;
      old.limit = 0;
      for (const RunRecord& superseded : catalog->runs(old)) catalog->delete_run(superseded.id);
    }
    RunRecord r = *catalog->run(run_ids.at(index));
    r.status = report.status == "succeeded" ? RunStatus::succeeded : RunStatus::failed;
    r.finished_at = now_text();
    r.wall_seconds = report.wall_seconds;
    r.staging_directory.clear();
    r.error = report.error;
    if (report.scenario) r.paths = report.scenario->paths;
    catalog->finish_run(r, report.tables != nullptr ? stat_records(*report.tables) : std::vector<StatRecord>{});
    // Progress in the batch row too, so a batch killed later still shows what it finished and for how long.
    if (report.status == "succeeded") ++record.scenarios_succeeded;
    record.wall_seconds = elapsed();
    catalog->finish_batch(record);
    if (report.status == "succeeded") {
      log.info("job_end", {{"scenario", report.name}, {"index", position}, {"status", report.resumed ? "resumed" : "succeeded"},
                           {"paths", std::to_string(r.paths)}, {"wall_s", fmt::format("{:.2f}", report.wall_seconds)}});
    } else {
      log.error("job_end", {{"scenario", report.name}, {"index", position}, {"status", "failed"}, {"error", report.error}});
    }
  };
  run.on_jobs_done = [&](const BatchOutcome&, const std::vector<RunData>& runs) {
    BatchFinish finish;
    if (plan.compare_with_previous) {
      PreviousComparison previous =
          compare_with_previous(*catalog, plan.name, record.id, runs, plan.alerts, options.noise_z);
      write_previous_comparison(staging, previous);
      for (const auto& w : previous.warnings) log.warn("compare_warning", {{"message", w}});
      for (const auto& name : previous.first_runs) log.info("compare_first_run", {{"scenario", name}});
      log.info("compare_previous", {{"compared", std::to_string(previous.comparison.pairs.size())},
                                    {"rows", std::to_string(all_rows(previous.comparison).size())},
                                    {"file", kPreviousComparisonCsv}});
      nlohmann::ordered_json alerts = nlohmann::ordered_json::array();
      for (const FiredAlert& alert : previous.alerts) {
        log.warn("alert", {{"rule", alert.rule}, {"rows", std::to_string(alert.rows.size())},
                           {"first", describe_row(alert.rows.front())}});
        alerts.push_back({{"rule", alert.rule}, {"matches", alert.rows.size()}, {"first", describe_row(alert.rows.front())}});
      }
      result.alerts_fired = previous.alerts.size();
      finish.extra["compare_with"] = "previous";
      finish.extra["comparison"] = kPreviousComparisonCsv;
      finish.extra["alerts"] = alerts;
    }
    if (options.write_reports) finish.history = report_history_series(*catalog, runs, plan.name);
    return finish;
  };

  const auto fail = [&](const std::string& message) {
    log.error("batch_failed", {{"error", message}});
    log.close_file();
    directory->discard();
    record.status = RunStatus::failed;
    record.directory.clear();
    record.finished_at = now_text();
    try {
      if (running) {
        RunRecord r = *catalog->run(*running);
        r.status = RunStatus::failed;
        r.error = message;
        r.finished_at = record.finished_at;
        r.staging_directory.clear();
        catalog->finish_run(r);
      }
      catalog->finish_batch(record);
    } catch (const std::exception&) {
    }
    result.status = BatchSessionStatus::failed;
    result.message = message;
    return result;
  };
  try {
    result.outcome = run_batch_into(plan, staging, run);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  record.scenarios_succeeded = static_cast<std::int64_t>(result.outcome.succeeded());
  record.alerts = static_cast<std::int64_t>(result.alerts_fired);
  record.wall_seconds = result.outcome.wall_seconds;

  try {
    if (result.outcome.interrupted || (options.cancel != nullptr && options.cancel->load())) {
      record.status = RunStatus::interrupted;
      record.wall_seconds = elapsed();
      record.finished_at = now_text();
      if (running) {
        RunRecord r = *catalog->run(*running);
        r.status = RunStatus::interrupted;
        r.finished_at = record.finished_at;
        r.staging_directory.clear();
        catalog->finish_run(r);
      }
      log.warn("batch_interrupted", {{"finished", std::to_string(result.outcome.succeeded())},
                                     {"of", std::to_string(plan.jobs.size())}});
      log.close_file();
      if (result.outcome.succeeded() > 0) {
        directory->keep();  // the finished scenarios stay for --resume
        result.kept_directory = staging;
      } else {
        directory->discard();
        record.directory.clear();
      }
      catalog->finish_batch(record);
      result.status = BatchSessionStatus::interrupted;
      return result;
    }

    // 6. Publish.
    log.info("batch_end", {{"batch", plan.name}, {"status", result.outcome.status()},
                           {"succeeded", std::to_string(result.outcome.succeeded())},
                           {"of", std::to_string(plan.jobs.size())}, {"alerts", std::to_string(result.alerts_fired)},
                           {"wall_s", fmt::format("{:.2f}", result.outcome.wall_seconds)}});
    const fs::path planned = directory->target();
    directory->commit();
    result.directory = directory->target();
    record.status = result.outcome.succeeded() == result.outcome.jobs.size() ? RunStatus::succeeded : RunStatus::failed;
    record.directory = result.directory.string();
    record.finished_at = now_text();
    catalog->finish_batch(record);
    if (result.directory != planned) {
      // Another batch took the name in the same second: the runs live under the "-N" directory.
      RunQuery mine;
      mine.batch_id = record.id;
      mine.limit = 0;
      for (RunRecord r : catalog->runs(mine)) {
        if (r.directory.empty()) continue;
        r.directory = (result.directory / fs::path(r.directory).filename()).string();
        catalog->finish_run(r, catalog->stats(r.id));
      }
    }
    if (source) {
      // Everything worth keeping was moved out of the interrupted attempt's directory.
      std::error_code ignored;
      if (is_staging_directory_name(fs::path(source->directory).filename().string())) fs::remove_all(source->directory, ignored);
      source->directory.clear();
      catalog->finish_batch(*source);
    }

    // 7. Retention.
    if (plan.retention) {
      RetentionOutcome pruned =
          apply_retention(*catalog, plan.name, parent, *plan.retention, record.id, std::chrono::system_clock::now());
      for (const BatchRecord& b : pruned.pruned) {
        log.info("pruned", {{"batch_id", std::to_string(b.id)}, {"started_at", b.started_at}, {"directory", b.directory}});
      }
      for (const auto& p : pruned.problems) log.warn("prune_failed", {{"message", p}});
      result.pruned = std::move(pruned.pruned);
    }
  } catch (const std::exception& e) {
    if (result.directory.empty()) return fail(e.what());
    log.error("batch_bookkeeping_failed", {{"error", e.what()}});
    result.message = e.what();
  }
  log.close_file();
  result.status = BatchSessionStatus::completed;
  return result;
}

}  // namespace districtcast
