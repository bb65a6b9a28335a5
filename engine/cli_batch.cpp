// `districtcast batch`: many scenarios, one batch directory.
#include "engine/batch_runner.hpp"
#include "engine/batch_session.hpp"
#include "engine/catalog.hpp"
#include "engine/previous_comparison.hpp"
#include "engine/run_log.hpp"
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
  bool resume = false;
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
      "Unattended use (docs/operations.md): one batch at a time per output root (a second one exits 75); every\n"
      "run is recorded in the run catalog; structured log lines go to stderr and to batch.log in the batch\n"
      "directory; a batch file's compare_with: previous compares each scenario with its previous successful\n"
      "run (compare_previous.csv/.json) and its alerts: rules make the exit code 3 when one fires; retention:\n"
      "prunes old batch directories and catalog rows after a successful publish.\n\n"
      "Options",
      110, 60);
  d.add_options()("help,h", "show this help")(
      "out,o", po::value(&o.out)->value_name("DIR"), "write the batch exactly into DIR (must be empty or absent)")(
      "overwrite", po::bool_switch(&o.overwrite), "allow --out DIR to replace a previous batch directory there")(
      "resume", po::bool_switch(&o.resume),
      "continue the newest attempt of this batch if it was interrupted (killed, Ctrl-C, reboot): scenarios it\n"
      "finished with the same inputs, seed, paths and engine version are taken over, not run again");
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
  double total_seconds = 0.0;  // estimated, of the scenarios that may run
  for (auto& job : plan.jobs) {
    if (!job.scenario) continue;
    std::string problem = apply_run_flags(*job.scenario, flags);
    if (problem.empty()) problem = resource_refusal(*job.scenario, flags);
    if (!problem.empty()) {
      job.errors.push_back(Diagnostic{job.file, "", problem, 0, 0});
      job.scenario.reset();
      continue;
    }
    total_seconds += estimate_resources(*job.scenario, flags.threads).seconds;
    ++valid;
  }
  for (const auto& job : plan.jobs) {
    if (!job.scenario) print_diagnostics(job.errors);
  }
  if (valid == 0) {
    fmt::print(stderr, "districtcast batch: no valid scenario to run ({} invalid); nothing was written\n", plan.jobs.size());
    return kUsageOrInvalidInput;
  }
  if (!flags.force && flags.limits.max_seconds && total_seconds > *flags.limits.max_seconds) {
    fmt::print(stderr,
               "districtcast batch: refused to start: the {} scenarios are estimated to take {} in all, over the "
               "time limit of {} (--max-time); raise it or run anyway with --force; nothing was written\n",
               valid, human_duration(total_seconds), human_duration(*flags.limits.max_seconds));
    return kUsageOrInvalidInput;
  }

  install_interrupt_handlers();
  const bool terminal = !o.flags.quiet && ::isatty(STDERR_FILENO) == 1;
  RunLog log(!o.flags.quiet);
  std::unique_ptr<ProgressBar> bar;
  BatchSessionOptions session;
  session.catalog_file = batch_catalog_path(o.flags.catalog, plan.catalog);
  if (!o.out.empty()) session.exact_out = std::filesystem::path(o.out);
  session.overwrite = o.overwrite;
  session.resume = o.resume;
  session.threads = flags.threads;
  session.write_reports = !o.flags.no_report;
  session.command_line = command_line(args);
  session.cancel = &interrupted();
  session.log = &log;
  session.on_job_start = [&](const BatchJob& job, std::size_t, std::size_t) {
    bar = std::make_unique<ProgressBar>(job.scenario->paths, terminal);  // drawn only on a terminal
  };
  session.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    if (!bar) return;
    bar->set_total(total);
    bar->update(done);
  };
  session.on_job_end = [&] {
    if (bar) bar->finish();
    bar.reset();
  };
  const BatchSessionResult result = run_batch_session(plan, session);
  if (bar) bar->finish();
  switch (result.status) {
    case BatchSessionStatus::busy:
      fmt::print(stderr, "districtcast batch: {}; nothing was done\n", result.message);
      return kLockBusy;
    case BatchSessionStatus::rejected:
      fmt::print(stderr, "districtcast batch: {}\n", result.message);
      return kUsageOrInvalidInput;
    case BatchSessionStatus::failed:
      fmt::print(stderr, "districtcast batch: error: {}; nothing was published\n", result.message);
      return kRuntimeFailure;
    case BatchSessionStatus::interrupted:
      if (result.kept_directory.empty()) {
        fmt::print(stderr, "districtcast batch: interrupted after {} of {} scenarios; nothing was written\n",
                   result.outcome.jobs.size(), plan.jobs.size());
      } else {
        fmt::print(stderr,
                   "districtcast batch: interrupted after {} of {} scenarios; nothing was published. The {} finished "
                   "are kept in {} and taken over by the next run with --resume\n",
                   result.outcome.jobs.size(), plan.jobs.size(), result.outcome.succeeded(), result.kept_directory.string());
      }
      return kInterrupted;
    case BatchSessionStatus::completed: break;
  }
  const BatchOutcome& outcome = result.outcome;
  const std::size_t ok = outcome.succeeded();
  if (!o.flags.quiet || ok != outcome.jobs.size() || result.alerts_fired > 0) {
    fmt::print(stderr, "districtcast batch: {}: {} of {} scenarios succeeded in {:.2f} s{}{}\n", plan.name, ok,
               outcome.jobs.size(), outcome.wall_seconds,
               result.resumed > 0 ? fmt::format(" ({} taken over from the interrupted run)", result.resumed) : "",
               result.alerts_fired > 0 ? fmt::format("; {} alert{} fired (see {})", result.alerts_fired,
                                                     result.alerts_fired == 1 ? "" : "s", kPreviousComparisonJson)
                                       : "");
  }
  fmt::print("{}\n", result.directory.string());
  if (ok != outcome.jobs.size()) return kRuntimeFailure;
  return result.alerts_fired > 0 ? kConditionMet : kSuccess;
}

}  // namespace districtcast::cli
