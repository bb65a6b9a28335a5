#include "engine/cli.hpp"

#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/diagnostic.hpp"
#include "engine/version.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

namespace districtcast::cli {
namespace {

/// A subcommand: name, one-line summary, handler (receives the arguments after the name).
struct Subcommand {
  const char* name;
  const char* summary;
  int (*handler)(const Args& args);
};

constexpr Subcommand kSubcommands[] = {
    {"run", "simulate a scenario and write its result distributions", run_command},
    {"batch", "run many scenarios (files, directories, sweeps, a batch file) into one batch directory", batch_command},
    {"compare", "compare two runs or two batches: differences, MC noise, distances, alert rules", compare_command},
    {"report", "write the HTML report (fan charts, probabilities) of a run or batch directory", report_command},
    {"validate", "check scenario and batch files without running them", validate_command},
    {"runs", "list recent runs and batches from the run catalog, with their status", runs_command},
    {"history", "one figure (e.g. nanshan gdp 2030 p50) across the runs in the catalog", history_command},
    {"schedule", "print or install a systemd timer (or crontab line) running a nightly batch", schedule_command},
};

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
      "Examples: districtcast run scenarios/trillion_club.yaml --paths 200000\n"
      "          districtcast batch scenarios/ && districtcast compare BATCH_A BATCH_B\n{}",
      kExitCodesHelp);
}

}  // namespace

int main(int argc, const char* const* argv) {
  try {
    const Args args(argv + 1, argv + argc);
    if (args.empty()) {
      fmt::print(stderr, "Usage: districtcast <command> [options]   (commands: run, batch, compare, report, validate, runs, history, schedule)\n"
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
