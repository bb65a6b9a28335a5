#include "engine/batch_runner.hpp"

#include "engine/csv_field.hpp"
#include "engine/manifest.hpp"
#include "engine/output_file.hpp"
#include "engine/quantile_names.hpp"
#include "engine/report_html.hpp"
#include "engine/run_job.hpp"
#include "engine/run_reader.hpp"
#include "engine/scenario_json.hpp"
#include "engine/version.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

namespace districtcast {
namespace {

using Json = nlohmann::ordered_json;

std::string join_diagnostics(const std::vector<Diagnostic>& errors) {
  std::string text;
  for (const auto& d : errors) {
    if (!text.empty()) text += '\n';
    text += d.to_string();
  }
  return text;
}

/// batch_summary.csv, written row by row as jobs finish (memory does not grow with the batch).
class BatchSummaryWriter {
public:
  /// The quantile columns are the union over every valid job's outputs.quantiles, ascending.
  BatchSummaryWriter(const std::filesystem::path& file, const BatchPlan& plan) : out_(file) {
    std::set<double> levels;
    for (const auto& job : plan.jobs) {
      if (job.scenario) levels.insert(job.scenario->outputs.quantiles.begin(), job.scenario->outputs.quantiles.end());
    }
    for (double q : levels) columns_.push_back(quantile_column_name(q));
    out_.print("scenario,district,sector,metric,year,mean,sd,mc_se");
    for (const auto& name : columns_) out_.print(",{}", name);
    out_.print("\n");
  }
  /// Appends the summary rows of one succeeded job (with their quantile column names).
  void append(const std::string& scenario, const std::vector<SummaryRow>& rows,
              const std::vector<std::string>& quantile_names) {
    std::vector<int> position(quantile_names.size(), -1);
    for (std::size_t i = 0; i < quantile_names.size(); ++i) {
      const auto it = std::find(columns_.begin(), columns_.end(), quantile_names[i]);
      if (it != columns_.end()) position[i] = static_cast<int>(it - columns_.begin());
    }
    std::vector<std::string> cells(columns_.size());
    const std::string quoted = csv_field(scenario);
    for (const auto& r : rows) {
      std::fill(cells.begin(), cells.end(), std::string());
      for (std::size_t i = 0; i < r.quantiles.size() && i < position.size(); ++i) {
        if (position[i] >= 0) cells[static_cast<std::size_t>(position[i])] = fmt::format("{}", r.quantiles[i]);
      }
      out_.print("{},{},{},{},{},{},{},{}", quoted, r.district, r.sector, to_string(r.metric), r.year, r.mean, r.sd,
                 r.mc_se);
      for (const auto& c : cells) out_.print(",{}", c);
      out_.print("\n");
    }
  }
  void close() { out_.close(); }


private:
  OutputFile out_;
  std::vector<std::string> columns_;
};

Json job_json(const BatchJobReport& r) {
  Json j{{"scenario", r.name}, {"file", r.file}, {"status", r.status}};
  j["directory"] = r.status == "succeeded" ? Json(r.directory_name) : Json(nullptr);
  j["error"] = r.error.empty() ? Json(nullptr) : Json(r.error);
  j["wall_seconds"] = r.wall_seconds;
  if (r.resumed) j["resumed"] = true;
  if (r.scenario) {
    j["scenario_sha256"] = scenario_sha256(*r.scenario);
    j["seed"] = r.scenario->seed;
    j["paths"] = r.scenario->paths;
    const Json composition = composition_json(r.scenario->provenance);
    if (composition.contains("variant_of")) {
      j["variant_of"] = composition["variant_of"];
      j["sweep"] = composition["sweep"];
    }
  }
  return j;
}

void write_batch_json(const std::filesystem::path& dir, const BatchPlan& plan, const BatchOutcome& outcome,
                      const BatchRunOptions& options, const Json& extra) {
  Json doc;
  doc["kind"] = "districtcast-batch";
  doc["name"] = plan.name;
  doc["engine_version"] = kEngineVersion;
  doc["status"] = outcome.status();
  doc["batch_file"] = plan.batch_file.empty() ? Json(nullptr) : Json(plan.batch_file);
  doc["command_line"] = options.command_line;
  doc["threads"] = options.threads;
  doc["started_at"] = iso8601_utc(outcome.started_at);
  doc["finished_at"] = iso8601_utc(outcome.finished_at);
  doc["wall_seconds"] = outcome.wall_seconds;
  doc["succeeded"] = outcome.succeeded();
  doc["failed"] = outcome.jobs.size() - outcome.succeeded();
  Json jobs = Json::array();
  for (const auto& r : outcome.jobs) jobs.push_back(job_json(r));
  doc["scenarios"] = std::move(jobs);
  for (const auto& [key, value] : extra.items()) doc[key] = value;
  OutputFile f(dir / kBatchIndexFileName);
  f.print("{}\n", doc.dump(1));
  f.close();
}

}  // namespace

std::size_t BatchOutcome::succeeded() const {
  return static_cast<std::size_t>(
      std::count_if(jobs.begin(), jobs.end(), [](const BatchJobReport& r) { return r.status == "succeeded"; }));
}

std::string BatchOutcome::status() const {
  const std::size_t ok = succeeded();
  if (ok == jobs.size()) return "succeeded";
  return ok == 0 ? "failed" : "partial";
}

bool resumable_result(const Scenario& scenario, const std::filesystem::path& candidate) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(candidate / kManifestFileName, ec) ||
      !std::filesystem::is_regular_file(candidate / "summary.json", ec)) {
    return false;
  }
  try {
    std::ifstream in(candidate / kManifestFileName);
    const auto manifest = nlohmann::json::parse(in);
    if (manifest.value("engine_version", "") != kEngineVersion) return false;
    if (manifest.value("scenario_sha256", "") != scenario_sha256(scenario)) return false;
    if (manifest.value("seed", std::uint64_t{0}) != scenario.seed) return false;
    return scenario.precision.has_value() || manifest.value("paths", std::uint64_t{0}) == scenario.paths;
  } catch (const std::exception&) {
    return false;
  }
}

BatchOutcome run_batch_into(const BatchPlan& plan, const std::filesystem::path& dir, const BatchRunOptions& options) {
  namespace fs = std::filesystem;
  BatchOutcome outcome;
  outcome.started_at = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  BatchSummaryWriter summary(dir / kBatchSummaryFileName, plan);
  std::vector<fs::path> succeeded_dirs;
  const std::size_t count = plan.jobs.size();
  for (std::size_t i = 0; i < count; ++i) {
    const BatchJob& job = plan.jobs[i];
    BatchJobReport report{job.name, job.file, job.directory_name, "invalid", join_diagnostics(job.errors), 0.0, {}, false, nullptr};
    std::optional<ResultTables> tables;
    if (job.scenario) {
      const auto job_start = std::chrono::steady_clock::now();
      const fs::path job_dir = dir / job.directory_name;
      const fs::path partial = dir / fmt::format(".{}.partial", job.directory_name);
      report.scenario = job.scenario;
      const fs::path previous = options.resume_from.empty() ? fs::path() : options.resume_from / job.directory_name;
      try {
        if (!previous.empty() && resumable_result(*job.scenario, previous)) {
          // Finished in the interrupted attempt with the same inputs: take it over instead of running again.
          fs::rename(previous, job_dir);
          std::string problem;
          auto run = read_run(job_dir, problem);
          if (!run) throw std::runtime_error("cannot read the resumed result " + job_dir.string() + ": " + problem);
          tables = std::move(run->tables);
          report.resumed = true;
          if (auto paths = run->manifest.find("paths"); paths != run->manifest.end()) {
            report.scenario->paths = paths->get<std::uint64_t>();
          }
        } else {
          if (options.on_job_start) options.on_job_start(job, i, count);
          fs::remove_all(partial);
          fs::create_directory(partial);
          RunJobOptions run;
          run.scenario_file = job.file;
          run.threads = options.threads;
          run.cancel = options.cancel;
          run.on_progress = options.on_progress;
          run.write_report = options.write_reports;
          run.final_directory = options.final_directory.empty() ? job_dir : options.final_directory / job.directory_name;
          RunJobResult result = run_scenario_into(*job.scenario, partial, run);
          if (result.interrupted) {
            std::error_code ignored;
            fs::remove_all(partial, ignored);
            outcome.interrupted = true;
            return outcome;
          }
          fs::rename(partial, job_dir);
          report.scenario = std::move(result.scenario);
          tables = std::move(result.tables);
        }
        summary.append(job.name, tables->summary, tables->quantile_names);
        report.status = "succeeded";
        report.error.clear();
        succeeded_dirs.push_back(job_dir);
      } catch (const std::exception& e) {
        std::error_code ignored;
        fs::remove_all(partial, ignored);
        fs::remove_all(job_dir, ignored);
        tables.reset();
        report.status = "failed";
        report.error = e.what();
      }
      report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - job_start).count();
    }
    report.tables = tables ? &*tables : nullptr;
    if (options.on_job_end) options.on_job_end(report, i, count);
    report.tables = nullptr;
    outcome.jobs.push_back(std::move(report));
    if (options.cancel != nullptr && options.cancel->load()) {
      outcome.interrupted = true;
      return outcome;
    }
  }
  summary.close();
  outcome.finished_at = std::chrono::system_clock::now();
  outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<RunData> runs;
  if (options.write_reports || options.on_jobs_done) {
    for (const auto& d : succeeded_dirs) {
      std::string problem;
      auto run = read_run(d, problem);
      if (!run) throw std::runtime_error("cannot read back " + d.string() + " for the batch report: " + problem);
      if (!options.final_directory.empty()) run->directory = options.final_directory / d.filename();
      runs.push_back(std::move(*run));
    }
  }
  BatchFinish finish;
  if (options.on_jobs_done) finish = options.on_jobs_done(outcome, runs);
  write_batch_json(dir, plan, outcome, options, finish.extra);
  if (options.write_reports && !runs.empty()) {
    std::vector<std::string> skipped;
    for (const auto& r : outcome.jobs) {
      if (r.status != "succeeded") skipped.push_back(fmt::format("{}: {}: {}", r.name, r.status, r.error.substr(0, r.error.find('\n'))));
    }
    write_report_file(dir / kReportFileName, render_batch_report(plan.name, runs, skipped, finish.history));
  }
  return outcome;
}

}  // namespace districtcast
