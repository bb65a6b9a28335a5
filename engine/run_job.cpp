#include "engine/run_job.hpp"

#include "engine/convergence.hpp"
#include "engine/report_html.hpp"
#include "engine/result_tables.hpp"
#include "engine/result_writers.hpp"
#include "engine/run_reader.hpp"
#include "engine/runner.hpp"
#include "engine/simulation.hpp"

#include <chrono>
#include <stdexcept>

namespace districtcast {

std::vector<std::string> run_directory_file_names() {
  std::vector<std::string> names = result_file_names();
  names.emplace_back(kManifestFileName);
  names.emplace_back(kReportFileName);
  return names;
}

RunJobResult run_scenario_into(Scenario scenario, const std::filesystem::path& dir, const RunJobOptions& options) {
  RunJobResult result;
  const Simulation simulation(scenario);
  std::uint64_t total = scenario.paths;
  RunSettings settings;
  settings.paths = scenario.paths;
  settings.seed = scenario.seed;
  settings.threads = options.threads;
  settings.cancel = options.cancel;
  if (options.on_progress) {
    settings.on_progress = [&](std::uint64_t done) { options.on_progress(done, total); };
  }
  RunFacts facts{options.scenario_file, options.threads, settings.block_size, std::chrono::system_clock::now(), {}, 0.0, {}};
  const auto start = std::chrono::steady_clock::now();
  RunOutcome outcome;
  if (scenario.precision) {
    PrecisionReport report;
    outcome = run_to_precision(simulation, settings, scenario.paths, *scenario.precision, report,
                               [&total](std::uint64_t new_total) { total = new_total; });
    scenario.paths = report.paths;
    facts.precision = report;
  } else {
    outcome = run_simulation(simulation, settings);
  }
  result.paths_done = outcome.totals->simulated_paths();
  const auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(); };
  if (outcome.cancelled || cancelled()) {
    result.interrupted = true;
    result.scenario = std::move(scenario);
    return result;
  }
  if (outcome.totals->faults().any()) {
    // Paths left the range of double precision: fail before anything is written (docs/models.md,
    // "Numerical safety"); the caller discards the directory and reports the message.
    throw std::overflow_error(simulation.describe_faults(outcome.totals->faults(), outcome.totals->simulated_paths()));
  }
  facts.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  facts.finished_at = std::chrono::system_clock::now();
  ResultTables tables = build_result_tables(scenario, *outcome.totals);
  write_result_files(dir, scenario, tables);
  write_manifest(dir, scenario, facts);
  if (options.write_report) {
    // The report is drawn from the files just written, so it shows exactly what they say.
    std::string problem;
    auto run = read_run(dir, problem);
    if (!run) throw std::runtime_error("cannot read back the results for report.html: " + problem);
    if (!options.final_directory.empty()) run->directory = options.final_directory;
    write_report_file(dir / kReportFileName, render_run_report(*run));
  }
  result.interrupted = cancelled();
  result.scenario = std::move(scenario);
  result.facts = facts;
  result.tables = std::move(tables);
  return result;
}

}  // namespace districtcast
