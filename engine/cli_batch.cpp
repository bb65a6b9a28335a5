// `districtcast batch`: many scenarios, one batch directory.
#include "engine/batch_runner.hpp"
#include "engine/cli.hpp"
#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/progress.hpp"
#include "engine/run_directory.hpp"
#include "engine/run_job.hpp"
#include "engine/run_reader.hpp"
#include "engine/scenario_batch.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <iostream>
#include <memory>

namespace districtcast::cli {
namespace po = boost::program_options;
namespace {

struct BatchOptions {
  std::vector<std::string> items;
  std::string out;
  bool overwrite = false;
  RunFlagText flags;
};

po::options_description batch_options_description(BatchOptions& o) {
  po::options_description d(
      "Usage: districtcast batch ITEM... [options]\n\n"
      "Runs every scenario named by the ITEMs one after another (each using all threads): scenario files,\n"
      "directories (their *.yaml and *.yml files), quoted globs ('scenarios/*.yaml'), or one batch file\n"
      "(kind: batch). A scenario with a sweep runs each of its variants. Writes one batch directory\n"
      "(default outputs/batches/<batch name>/<UTC time>/, or the batch file's `out` root) atomically, with\n"
      "one run directory per scenario, batch.json (status and timings of each), batch_summary.csv (every\n"
      "summary.csv stacked, with a leading `scenario` column) and report.html. A scenario that is invalid\n"
      "or fails is recorded and the others still run; the exit code is 0 only when all succeeded.\n"
      "Flags override the batch file. The last line on stdout is the batch directory.\n\n"
      "Options",
      110, 60);
  d.add_options()("help,h", "show this help")(
      "out,o", po::value(&o.out)->value_name("DIR"), "write the batch exactly into DIR (must be empty or absent)")(
      "overwrite", po::bool_switch(&o.overwrite), "allow --out DIR to replace a previous batch directory there");
  add_run_flag_options(d, o.flags, "every scenario");
  return d;
}

std::string command_line(const Args& args) {
  std::string text = "districtcast batch";
  for (const auto& a : args) text += " " + a;
  return text;
}

}  // namespace

int batch_command(const Args& args) {
  BatchOptions o;
  po::options_description visible = batch_options_description(o);
  po::options_description all = visible;
  all.add_options()("items", po::value(&o.items));
  po::positional_options_description positional;
  positional.add("items", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error("batch", e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << "\n" << kExitCodesHelp;
    return kSuccess;
  }
  if (o.items.empty()) return usage_error("batch", "give scenario files, directories, globs or a batch file");
  if (vm.count("out") && o.out.empty()) return usage_error("batch", "--out needs a directory");
  RunFlags flags;
  if (auto problem = parse_run_flags(o.flags, flags); !problem.empty()) return usage_error("batch", problem);
  std::vector<Override> overrides;
  if (auto problem = parse_overrides(o.flags.set, overrides); !problem.empty()) return usage_error("batch", problem);

  // Plan and validate everything before running anything.
  BatchPlan plan = plan_batch(o.items, overrides);
  if (!plan.errors.empty()) {
    print_diagnostics(plan.errors);
    return kUsageOrInvalidInput;
  }
  std::size_t valid = 0;
  for (auto& job : plan.jobs) {
    if (!job.scenario) continue;
    if (auto problem = apply_run_flags(*job.scenario, flags); !problem.empty()) {
      job.errors.push_back(Diagnostic{job.file, "", problem, 0, 0});
      job.scenario.reset();
      continue;
    }
    ++valid;
  }
  for (const auto& job : plan.jobs) {
    if (!job.scenario) print_diagnostics(job.errors);
  }
  if (valid == 0) {
    fmt::print(stderr, "districtcast batch: no valid scenario to run ({} invalid); nothing was written\n", plan.jobs.size());
    return kUsageOrInvalidInput;
  }

  const bool default_location = o.out.empty();
  const std::filesystem::path root = plan.out_root.value_or(std::filesystem::path("outputs") / "batches");
  const std::filesystem::path target =
      default_location ? default_run_directory(root, plan.name) : std::filesystem::path(o.out);
  std::vector<std::string> replaceable{kBatchIndexFileName, kBatchSummaryFileName, kReportFileName};
  if (o.overwrite && !default_location) {
    // A previous batch directory may be replaced with the run directories its batch.json lists (and nothing else).
    std::string ignored;
    if (const auto previous = read_batch_index(target, ignored)) {
      for (const auto& entry : *previous) {
        if (!entry.directory.empty()) replaceable.push_back(entry.directory.filename().string());
      }
    }
  }
  DirectoryProblem problem;
  std::optional<RunDirectory> directory =
      RunDirectory::prepare(target, o.overwrite, replaceable, problem,
                            default_location ? RunDirectory::Naming::unique : RunDirectory::Naming::exact);
  if (!directory) {
    fmt::print(stderr, "districtcast batch: {}\n", problem.message);
    return problem.usage_error ? kUsageOrInvalidInput : kRuntimeFailure;
  }

  install_interrupt_handlers();
  const bool verbose = !o.flags.quiet;
  const bool terminal = verbose && ::isatty(STDERR_FILENO) == 1;
  std::unique_ptr<ProgressBar> bar;
  BatchRunOptions run;
  run.threads = flags.threads;
  run.cancel = &interrupted();
  run.write_reports = !o.flags.no_report;
  run.command_line = command_line(args);
  run.final_directory = directory->target();
  run.on_job_start = [&](const BatchJob& job, std::size_t index, std::size_t count) {
    if (verbose) fmt::print(stderr, "[{}/{}] {}\n", index + 1, count, job.name);
    bar = std::make_unique<ProgressBar>(job.scenario->paths, terminal);
  };
  run.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    if (!bar) return;
    bar->set_total(total);
    bar->update(done);
  };
  run.on_job_end = [&](const BatchJobReport& report, std::size_t index, std::size_t count) {
    if (bar) bar->finish();
    bar.reset();
    if (!verbose) return;
    if (report.status == "succeeded") {
      fmt::print(stderr, "[{}/{}] {}: {} paths in {:.2f} s\n", index + 1, count, report.name,
                 with_thousands(report.scenario->paths), report.wall_seconds);
    } else if (report.status == "failed") {
      fmt::print(stderr, "[{}/{}] {}: FAILED: {}\n", index + 1, count, report.name, report.error);
    } else {
      fmt::print(stderr, "[{}/{}] {}: skipped: invalid scenario (see above)\n", index + 1, count, report.name);
    }
  };
  BatchOutcome outcome;
  try {
    outcome = run_batch_into(plan, directory->staging(), run);
    if (outcome.interrupted || interrupted().load()) {
      if (bar) bar->finish();
      directory->discard();
      fmt::print(stderr, "districtcast batch: interrupted after {} of {} scenarios; nothing was written\n",
                 outcome.jobs.size(), plan.jobs.size());
      return kInterrupted;
    }
    directory->commit();
  } catch (const std::exception& e) {
    directory->discard();
    fmt::print(stderr, "districtcast batch: error: {}; nothing was written\n", e.what());
    return kRuntimeFailure;
  }
  const std::size_t ok = outcome.succeeded();
  if (verbose || ok != outcome.jobs.size()) {
    fmt::print(stderr, "districtcast batch: {}: {} of {} scenarios succeeded in {:.2f} s\n", plan.name, ok,
               outcome.jobs.size(), outcome.wall_seconds);
  }
  fmt::print("{}\n", directory->target().string());
  return ok == outcome.jobs.size() ? kSuccess : kRuntimeFailure;
}

}  // namespace districtcast::cli
