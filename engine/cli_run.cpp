// `districtcast run`: one scenario file -> one result directory.
#include "engine/cli.hpp"
#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/catalog.hpp"
#include "engine/manifest.hpp"
#include "engine/progress.hpp"
#include "engine/run_recovery.hpp"
#include "engine/scenario_json.hpp"
#include "engine/version.hpp"
#include "engine/run_directory.hpp"
#include "engine/run_job.hpp"
#include "engine/scenario_compose.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>

namespace districtcast::cli {
namespace po = boost::program_options;
namespace {

struct RunOptions {
  std::string scenario_file;
  std::string out;
  bool overwrite = false;
  RunFlagText flags;
};

po::options_description run_options_description(RunOptions& o) {
  po::options_description d(
      "Usage: districtcast run SCENARIO.yaml [options]\n\n"
      "Simulates the scenario and writes summary.csv, histograms.csv, thresholds.csv, first_crossing.csv,\n"
      "events.csv, regimes.csv, shocks.csv, parameters.csv, summary.json, manifest.json and report.html\n"
      "into a new result directory (default outputs/<name>/<UTC time>/), atomically: the directory appears\n"
      "only when complete. The last line on stdout is its path. A scenario with a sweep runs with 'batch'.\n"
      "Every run is recorded in the run catalog (--catalog; see 'districtcast runs' and 'history').\n\n"
      "Options",
      110, 60);
  d.add_options()("help,h", "show this help")(
      "out,o", po::value(&o.out)->value_name("DIR"), "write results exactly into DIR (must be empty or absent)")(
      "overwrite", po::bool_switch(&o.overwrite), "allow --out DIR to replace a previous run directory there");
  add_run_flag_options(d, o.flags, "the scenario");
  return d;
}

/// Marks catalog rows of dead processes interrupted (removing a dead run's hidden staging directory) and
/// records this run as running.
RunRecord begin_catalog_run(Catalog& catalog, const Scenario& scenario, unsigned threads, const RunDirectory& directory) {
  const Catalog::Recovered recovered = recover_dead_runs(catalog);
  for (const RunRecord& r : recovered.runs) {
    fmt::print(stderr, "districtcast run: note: run #{} ({}, started {}) was killed; marked interrupted in the catalog\n",
               r.id, r.scenario, r.started_at);
  }
  for (const BatchRecord& b : recovered.batches) {
    fmt::print(stderr, "districtcast run: note: batch #{} ({}, started {}) was killed; marked interrupted in the catalog\n",
               b.id, b.name, b.started_at);
  }
  RunRecord r;
  r.scenario = scenario.name;
  r.scenario_sha256 = scenario_sha256(scenario);
  r.engine_version = kEngineVersion;
  r.seed = scenario.seed;
  r.paths = scenario.paths;
  r.threads = threads;
  r.started_at = iso8601_utc(std::chrono::system_clock::now());
  r.directory = directory.target().string();
  r.staging_directory = directory.staging().string();
  r.process = ProcessIdentity::current();
  r.id = catalog.begin_run(r);
  return r;
}

/// Records how the run ended.
void finish_catalog_run(Catalog& catalog, RunRecord r, RunStatus status, const std::string& directory,
                        const std::string& error, const RunJobResult* result) {
  r.status = status;
  r.finished_at = iso8601_utc(std::chrono::system_clock::now());
  r.directory = directory;
  r.staging_directory.clear();
  r.error = error;
  if (result != nullptr) {
    r.paths = result->scenario.paths;
    r.wall_seconds = result->facts.wall_seconds;
  }
  catalog.finish_run(r, result != nullptr && status == RunStatus::succeeded ? stat_records(result->tables)
                                                                              : std::vector<StatRecord>{});
}

/// Simulates into the staging directory and commits it; prints the summary and the directory.
int execute_run(Scenario scenario, const RunOptions& o, unsigned threads, RunDirectory& directory, Catalog& catalog) {
  const RunRecord record = begin_catalog_run(catalog, scenario, threads, directory);
  ProgressBar bar(scenario.paths, !o.flags.quiet && ::isatty(STDERR_FILENO) == 1);
  RunJobOptions job;
  job.scenario_file = o.scenario_file;
  job.threads = threads;
  job.cancel = &interrupted();
  job.write_report = !o.flags.no_report;
  job.final_directory = directory.target();
  job.on_progress = [&bar](std::uint64_t done, std::uint64_t total) {
    bar.set_total(total);
    bar.update(done);
  };
  const std::uint64_t requested = scenario.paths;
  RunJobResult result;
  try {
    result = run_scenario_into(std::move(scenario), directory.staging(), job);
  } catch (const std::exception& e) {
    finish_catalog_run(catalog, record, RunStatus::failed, "", e.what(), nullptr);
    throw;
  }
  bar.finish();
  if (result.interrupted || interrupted().load()) {
    directory.discard();
    finish_catalog_run(catalog, record, RunStatus::interrupted, "", "", nullptr);
    fmt::print(stderr, "districtcast run: interrupted after {} of {} paths; nothing was written\n",
               with_thousands(result.paths_done), with_thousands(std::max(requested, result.scenario.paths)));
    return kInterrupted;
  }
  try {
    directory.commit();
  } catch (const std::exception& e) {
    finish_catalog_run(catalog, record, RunStatus::failed, "", e.what(), nullptr);
    throw;
  }
  finish_catalog_run(catalog, record, RunStatus::succeeded, directory.target().string(), "", &result);
  if (!o.flags.quiet) {
    const Scenario& s = result.scenario;
    const RunFacts& facts = result.facts;
    fmt::print(stderr, "districtcast: {}: {} paths x {} years in {:.2f} s ({} paths/s, {} thread{})\n", s.name,
               with_thousands(s.paths), s.horizon, facts.wall_seconds,
               human_rate(static_cast<double>(s.paths) / std::max(facts.wall_seconds, 1e-9)), threads,
               threads == 1 ? "" : "s");
    if (facts.precision) {
      const PrecisionReport& p = *facts.precision;
      fmt::print(stderr, "districtcast: precision {:.3g} (target {}) after {} round{}; worst cell {} {} {}{}\n",
                 p.achieved, p.target, p.rounds, p.rounds == 1 ? "" : "s", p.worst_district,
                 to_string(p.worst_metric), p.worst_year, p.reached ? "" : " - NOT reached: max_paths hit");
    }
  }
  fmt::print("{}\n", directory.target().string());
  return kSuccess;
}

}  // namespace

int run_command(const Args& args) {
  RunOptions o;
  po::options_description visible = run_options_description(o);
  po::options_description all = visible;
  all.add_options()("scenario", po::value(&o.scenario_file));
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::too_many_positional_options_error&) {
    return usage_error("run", "give exactly one scenario file (several: use 'districtcast batch')");
  } catch (const po::error& e) {
    return usage_error("run", e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << "\n" << kExitCodesHelp;
    return kSuccess;
  }
  if (o.scenario_file.empty()) return usage_error("run", "missing the scenario file");
  if (vm.count("out") && o.out.empty()) return usage_error("run", "--out needs a directory");

  // Flags first (they are cheap to check), then the scenario file, then the output directory.
  RunFlags flags;
  if (auto problem = parse_run_flags(o.flags, flags); !problem.empty()) return usage_error("run", problem);
  std::vector<Override> overrides;
  if (auto problem = parse_overrides(o.flags.set, overrides); !problem.empty()) return usage_error("run", problem);
  ScenarioSet loaded = load_scenario_set(o.scenario_file, overrides);
  if (!loaded.errors.empty()) {
    print_diagnostics(loaded.errors);
    return kUsageOrInvalidInput;
  }
  if (loaded.sweep_size() > 0) {
    return usage_error("run", fmt::format("{} declares a sweep of {} variants: run them all with 'districtcast batch {}'",
                                          o.scenario_file, loaded.sweep_size(), o.scenario_file));
  }
  Scenario scenario = std::move(loaded.scenarios.front());
  if (auto problem = apply_run_flags(scenario, flags); !problem.empty()) return usage_error("run", problem);
  if (auto refusal = resource_refusal(scenario, flags); !refusal.empty()) {
    fmt::print(stderr, "districtcast run: {}; nothing was run\n", refusal);
    return kUsageOrInvalidInput;
  }

  // From here on a signal only sets a flag: the run stops between blocks and the staging directory made
  // next is removed (a signal before the handlers existed would kill the process and leave it behind).
  install_interrupt_handlers();
  const bool default_location = o.out.empty();
  const std::filesystem::path target =
      default_location ? default_run_directory("outputs", scenario.name) : std::filesystem::path(o.out);
  DirectoryProblem problem;
  std::optional<RunDirectory> directory =
      RunDirectory::prepare(target, o.overwrite, run_directory_file_names(), problem,
                            default_location ? RunDirectory::Naming::unique : RunDirectory::Naming::exact);
  if (!directory) {
    fmt::print(stderr, "districtcast run: {}\n", problem.message);
    return problem.usage_error ? kUsageOrInvalidInput : kRuntimeFailure;
  }
  std::optional<Catalog> catalog;
  try {
    catalog.emplace(Catalog::open(catalog_path(o.flags.catalog)));
  } catch (const CatalogError& e) {
    directory->discard();
    fmt::print(stderr, "districtcast run: error: {} (choose another with --catalog); nothing was run\n", e.what());
    return kRuntimeFailure;
  }
  try {
    return execute_run(std::move(scenario), o, flags.threads, *directory, *catalog);
  } catch (const std::exception& e) {
    directory->discard();
    fmt::print(stderr, "districtcast run: error: {}; nothing was written\n", e.what());
    return kRuntimeFailure;
  }
}

}  // namespace districtcast::cli
