#include "engine/cli.hpp"

#include "engine/convergence.hpp"
#include "engine/manifest.hpp"
#include "engine/progress.hpp"
#include "engine/result_tables.hpp"
#include "engine/result_writers.hpp"
#include "engine/run_directory.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_loader.hpp"
#include "engine/simulation.hpp"
#include "engine/version.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <oneapi/tbb/info.h>

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <span>
#include <string>
#include <vector>

namespace districtcast::cli {
namespace po = boost::program_options;
namespace {

using Args = std::vector<std::string>;

/// A subcommand: name, one-line summary, handler (receives the arguments after the name).
struct Subcommand {
  const char* name;
  const char* summary;
  int (*handler)(const Args& args);
};

int run_command(const Args& args);
int validate_command(const Args& args);

constexpr Subcommand kSubcommands[] = {
    {"run", "simulate a scenario and write its result distributions", run_command},
    {"validate", "check scenario files without running them", validate_command},
};

constexpr const char* kExitCodes =
    "Exit codes: 0 success, 1 runtime failure, 2 usage error or invalid input (nothing written),\n"
    "            130 interrupted (nothing written).\n"
    "Environment: DISTRICTCAST_SIMD=generic|avx2|avx512 forces a build of the normal-variate kernel\n"
    "            (default: the widest this CPU runs; results are identical for all).\n";

void print_top_help() {
  fmt::print(
      "districtcast {} - Monte Carlo forecasts of district GDP and firm formation\n\n"
      "Usage: districtcast <command> [options]\n"
      "       districtcast --help | --version\n\n"
      "Commands:\n",
      kEngineVersion);
  for (const auto& c : kSubcommands) fmt::print("  {:<10} {}\n", c.name, c.summary);
  fmt::print(
      "\nRun 'districtcast <command> --help' for the options of a command.\n"
      "Example: districtcast run scenarios/trillion_club.yaml --paths 200000\n{}",
      kExitCodes);
}

int usage_error(const std::string& command, const std::string& message) {
  fmt::print(stderr, "districtcast {}: {}\nTry 'districtcast {} --help'.\n", command, message, command);
  return kUsageOrInvalidInput;
}

/// Parses a whole number in [low, high] given to `flag`; returns an error message or "".
std::string parse_count(const std::string& flag, const std::string& text, std::uint64_t low, std::uint64_t high,
                        std::uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec == std::errc::result_out_of_range) return fmt::format("{} must be in [{}, {}], got {}", flag, low, high, text);
  if (ec != std::errc() || ptr != end || text.empty()) {
    // Like the scenario file, accept exact whole numbers in floating form (1e5, 2.0e6).
    double value = 0.0;
    const auto [dptr, dec] = std::from_chars(text.data(), end, value);
    if (dec != std::errc() || dptr != end || text.empty() || !std::isfinite(value) || value != std::floor(value) ||
        value < 0 || value >= 18446744073709551616.0) {
      return fmt::format("{} expects a whole number, got '{}'", flag, text);
    }
    out = static_cast<std::uint64_t>(value);
  }
  if (out < low || out > high) return fmt::format("{} must be in [{}, {}], got {}", flag, low, high, text);
  return "";
}

void print_diagnostics(const std::vector<Diagnostic>& errors) {
  for (const auto& d : errors) fmt::print(stderr, "{}\n", d.to_string());
}

// ---------------------------------------------------------------------------------------------- run

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

/// Installs SIGINT/SIGTERM/SIGHUP handlers for the run; a second signal gets the default action.
void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = static_cast<int>(SA_RESETHAND);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);
}

struct RunOptions {
  std::string scenario_file;
  std::string out;
  bool overwrite = false;
  std::string paths, seed, threads, precision, max_paths;
  bool quiet = false;
};

po::options_description run_options_description(RunOptions& o) {
  po::options_description d(
      "Usage: districtcast run SCENARIO.yaml [options]\n\n"
      "Simulates the scenario and writes summary.csv, histograms.csv, thresholds.csv, first_crossing.csv,\n"
      "events.csv, regimes.csv, shocks.csv, parameters.csv, summary.json and manifest.json into a new result\n"
      "directory (default outputs/<name>/<UTC time>/), atomically: the directory appears only when complete.\n"
      "The last line on stdout is its path.\n\n"
      "Options",
      110, 60);
  d.add_options()("help,h", "show this help")(
      "out,o", po::value(&o.out)->value_name("DIR"), "write results exactly into DIR (must be empty or absent)")(
      "overwrite", po::bool_switch(&o.overwrite), "allow --out DIR to replace a previous run directory there")(
      "paths,n", po::value(&o.paths)->value_name("N"), "number of Monte Carlo paths (overrides the scenario)")(
      "seed,s", po::value(&o.seed)->value_name("N"), "random seed, 0..2^64-1 (overrides the scenario)")(
      "precision", po::value(&o.precision)->value_name("X"),
      "add rounds of paths until every gdp cell's mc_se/|mean| <= X (e.g. 0.002); see docs/cli.md")(
      "max-paths", po::value(&o.max_paths)->value_name("N"), "cap on paths with --precision (default 10,000,000)")(
      "threads,j", po::value(&o.threads)->value_name("N"),
      "worker threads, 1..1024 (default: all cores); results are identical for any N")(
      "quiet,q", po::bool_switch(&o.quiet), "no progress bar and no summary line on stderr");
  return d;
}

/// The numeric flags of `run`, parsed.
struct RunFlags {
  std::optional<std::uint64_t> paths, seed, max_paths;
  std::optional<double> precision;
  unsigned threads = 1;
};

/// Parses --paths, --seed, --threads, --precision and --max-paths; returns a usage message or "".
std::string parse_run_flags(const RunOptions& o, RunFlags& flags) {
  std::uint64_t threads = static_cast<std::uint64_t>(tbb::info::default_concurrency());
  for (const auto& [flag, text, low, high, target] :
       {std::tuple{"--paths", &o.paths, std::uint64_t{1}, kMaxPaths, &flags.paths},
        std::tuple{"--seed", &o.seed, std::uint64_t{0}, ~std::uint64_t{0}, &flags.seed},
        std::tuple{"--max-paths", &o.max_paths, std::uint64_t{1}, kMaxPaths, &flags.max_paths}}) {
    if (text->empty()) continue;
    std::uint64_t value = 0;
    if (auto problem = parse_count(flag, *text, low, high, value); !problem.empty()) return problem;
    *target = value;
  }
  if (!o.threads.empty()) {
    if (auto problem = parse_count("--threads", o.threads, 1, 1024, threads); !problem.empty()) return problem;
  }
  flags.threads = static_cast<unsigned>(threads);
  if (!o.precision.empty()) {
    std::size_t used = 0;
    double target = 0.0;
    try {
      target = std::stod(o.precision, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != o.precision.size() || !(target > 0.0 && target < 1.0)) {
      return fmt::format("--precision expects a number in (0, 1), got '{}'", o.precision);
    }
    flags.precision = target;
  }
  return "";
}

/// Applies the command-line overrides to the validated scenario; returns a usage message or "".
std::string apply_run_flags(Scenario& scenario, const RunFlags& flags) {
  if (flags.paths) scenario.paths = *flags.paths;
  if (flags.seed) scenario.seed = *flags.seed;
  if (flags.precision) {
    if (!scenario.precision) scenario.precision = PrecisionSpec{};
    scenario.precision->target = *flags.precision;
  }
  if (flags.max_paths) {
    if (!scenario.precision) return "--max-paths only applies with --precision or a precision block";
    scenario.precision->max_paths = *flags.max_paths;
  }
  if (scenario.antithetic && scenario.paths % 2 != 0) {
    return fmt::format("the scenario uses antithetic pairs, so --paths must be even (got {})", scenario.paths);
  }
  if (scenario.precision) {
    if (!flags.max_paths) scenario.precision->max_paths = std::max(scenario.precision->max_paths, scenario.paths);
    if (scenario.antithetic && scenario.precision->max_paths % 2 != 0) {
      return fmt::format("the scenario uses antithetic pairs, so --max-paths must be even (got {})",
                         scenario.precision->max_paths);
    }
    if (scenario.precision->max_paths < scenario.paths) {
      return fmt::format("--max-paths ({}) is below the first round's paths ({})", scenario.precision->max_paths,
                         scenario.paths);
    }
  }
  return "";
}

/// Simulates, writes into the staging directory and commits it; prints the summary and the directory.
int execute_run(Scenario scenario, const RunOptions& o, unsigned threads, RunDirectory& directory) {
  const Simulation simulation(scenario);
  install_interrupt_handlers();
  ProgressBar bar(scenario.paths, !o.quiet && ::isatty(STDERR_FILENO) == 1);
  RunSettings settings;
  settings.paths = scenario.paths;
  settings.seed = scenario.seed;
  settings.threads = threads;
  settings.cancel = &g_interrupted;
  settings.on_progress = [&bar](std::uint64_t done) { bar.update(done); };
  RunFacts facts{o.scenario_file, threads, settings.block_size, std::chrono::system_clock::now(), {}, 0.0, {}};
  const auto start = std::chrono::steady_clock::now();
  RunOutcome outcome;
  if (scenario.precision) {
    PrecisionReport report;
    outcome = run_to_precision(simulation, settings, scenario.paths, *scenario.precision, report,
                               [&bar](std::uint64_t total) { bar.set_total(total); });
    scenario.paths = report.paths;
    facts.precision = report;
  } else {
    outcome = run_simulation(simulation, settings);
  }
  bar.finish();
  if (outcome.cancelled || g_interrupted.load()) {
    directory.discard();
    fmt::print(stderr, "districtcast run: interrupted after {} of {} paths; nothing was written\n",
               with_thousands(outcome.totals->paths()), with_thousands(scenario.paths));
    return kInterrupted;
  }
  facts.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  facts.finished_at = std::chrono::system_clock::now();
  write_result_files(directory.staging(), scenario, build_result_tables(scenario, *outcome.totals));
  write_manifest(directory.staging(), scenario, facts);
  if (g_interrupted.load()) {
    directory.discard();
    fmt::print(stderr, "districtcast run: interrupted while writing; nothing was written\n");
    return kInterrupted;
  }
  directory.commit();
  if (!o.quiet) {
    fmt::print(stderr, "districtcast: {}: {} paths x {} years in {:.2f} s ({} paths/s, {} thread{})\n", scenario.name,
               with_thousands(scenario.paths), scenario.horizon, facts.wall_seconds,
               human_rate(static_cast<double>(scenario.paths) / std::max(facts.wall_seconds, 1e-9)), threads,
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
    return usage_error("run", "give exactly one scenario file (run them one at a time)");
  } catch (const po::error& e) {
    return usage_error("run", e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << "\n" << kExitCodes;
    return kSuccess;
  }
  if (o.scenario_file.empty()) return usage_error("run", "missing the scenario file");
  if (vm.count("out") && o.out.empty()) return usage_error("run", "--out needs a directory");

  // Flags first (they are cheap to check), then the scenario file, then the output directory.
  RunFlags flags;
  if (auto problem = parse_run_flags(o, flags); !problem.empty()) return usage_error("run", problem);
  LoadResult loaded = load_scenario_file(o.scenario_file);
  if (!loaded.ok()) {
    print_diagnostics(loaded.errors);
    return kUsageOrInvalidInput;
  }
  Scenario scenario = std::move(*loaded.scenario);
  if (auto problem = apply_run_flags(scenario, flags); !problem.empty()) return usage_error("run", problem);

  const bool default_location = o.out.empty();
  const std::filesystem::path target =
      default_location ? default_run_directory("outputs", scenario.name) : std::filesystem::path(o.out);
  std::vector<std::string> replaceable = result_file_names();
  replaceable.emplace_back(kManifestFileName);
  DirectoryProblem problem;
  std::optional<RunDirectory> directory =
      RunDirectory::prepare(target, o.overwrite, replaceable, problem,
                            default_location ? RunDirectory::Naming::unique : RunDirectory::Naming::exact);
  if (!directory) {
    fmt::print(stderr, "districtcast run: {}\n", problem.message);
    return problem.usage_error ? kUsageOrInvalidInput : kRuntimeFailure;
  }
  try {
    return execute_run(std::move(scenario), o, flags.threads, *directory);
  } catch (const std::exception& e) {
    directory->discard();
    fmt::print(stderr, "districtcast run: error: {}; nothing was written\n", e.what());
    return kRuntimeFailure;
  }
}

// ----------------------------------------------------------------------------------------- validate

int validate_command(const Args& args) {
  std::vector<std::string> files;
  po::options_description visible(
      "Usage: districtcast validate SCENARIO.yaml...\n\n"
      "Checks each file (YAML syntax, every key, type and range, district ids, correlation matrix,\n"
      "overtaking pairs) without running anything. Prints one 'ok' line per valid file on stdout (with\n"
      "the number of overtaking pairs the run will report) and one line per problem on stderr.\n\nOptions");
  visible.add_options()("help,h", "show this help");
  po::options_description all = visible;
  all.add_options()("files", po::value(&files));
  po::positional_options_description positional;
  positional.add("files", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error("validate", e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << "\n" << kExitCodes;
    return kSuccess;
  }
  if (files.empty()) return usage_error("validate", "give at least one scenario file");
  int status = kSuccess;
  for (const auto& file : files) {
    const LoadResult loaded = load_scenario_file(file);
    if (!loaded.ok()) {
      print_diagnostics(loaded.errors);
      status = kUsageOrInvalidInput;
      continue;
    }
    const Scenario& s = *loaded.scenario;
    std::size_t sectors = 0;
    for (const auto& d : s.districts) sectors += d.sectors.size();
    std::string extras;
    const auto count = [&](std::size_t n, const char* what) {
      if (n > 0) extras += fmt::format(", {} {}{}", n, what, n == 1 ? "" : "s");
    };
    count(sectors, "sector");
    count(s.scheduled_shocks.size(), "scheduled shock");
    count(s.parameters.size(), "uncertain parameter");
    fmt::print("{}: ok ({}: {} district{}, {}-{}, {} paths, seed {}, {} overtaking pair{}{})\n", file, s.name,
               s.districts.size(), s.districts.size() == 1 ? "" : "s", s.base_year + 1, s.base_year + s.horizon,
               with_thousands(s.paths), s.seed, s.overtaking.size(), s.overtaking.size() == 1 ? "" : "s", extras);
  }
  return status;
}

}  // namespace

int main(int argc, const char* const* argv) {
  try {
    const Args args(argv + 1, argv + argc);
    if (args.empty()) {
      fmt::print(stderr, "Usage: districtcast <command> [options]   (commands: run, validate)\n"
                         "Try 'districtcast --help'.\n");
      return kUsageOrInvalidInput;
    }
    const std::string& first = args[0];
    if (first == "--help" || first == "-h" || first == "help") {
      print_top_help();
      return kSuccess;
    }
    if (first == "--version" || first == "-V") {
      fmt::print("districtcast {}\n", kEngineVersion);
      return kSuccess;
    }
    for (const auto& c : kSubcommands) {
      if (first == c.name) return c.handler(Args(args.begin() + 1, args.end()));
    }
    if (first.size() > 1 && first[0] == '-') {
      fmt::print(stderr, "districtcast: unknown option '{}'\nTry 'districtcast --help'.\n", first);
      return kUsageOrInvalidInput;
    }
    std::vector<std::string> names;
    for (const auto& c : kSubcommands) names.emplace_back(c.name);
    const std::string suggestion = closest_match(first, names);
    fmt::print(stderr, "districtcast: unknown command '{}'{}\nTry 'districtcast --help'.\n", first,
               suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion));
    return kUsageOrInvalidInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "districtcast: error: {}\n", e.what());
    return kRuntimeFailure;
  }
}

}  // namespace districtcast::cli
