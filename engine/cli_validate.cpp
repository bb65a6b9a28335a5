// `districtcast validate`: check scenario (and batch) files without running anything.
#include "engine/cli.hpp"
#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/progress.hpp"
#include "engine/scenario_batch.hpp"
#include "engine/scenario_compose.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <thread>

namespace districtcast::cli {
namespace po = boost::program_options;
namespace {

/// "ok (...)" details of one valid scenario.
std::string describe(const Scenario& s) {
  std::size_t sectors = 0;
  for (const auto& d : s.districts) sectors += d.sectors.size();
  std::string extras;
  const auto count = [&](std::size_t n, const char* what) {
    if (n > 0) extras += fmt::format(", {} {}{}", n, what, n == 1 ? "" : "s");
  };
  count(sectors, "sector");
  count(s.scheduled_shocks.size(), "scheduled shock");
  count(s.parameters.size(), "uncertain parameter");
  return fmt::format("{}: {} district{}, {}-{}, {} paths, seed {}, {} overtaking pair{}{}", s.name,
                     s.districts.size(), s.districts.size() == 1 ? "" : "s", s.base_year + 1,
                     s.base_year + s.horizon, with_thousands(s.paths), s.seed, s.overtaking.size(),
                     s.overtaking.size() == 1 ? "" : "s", extras);
}

/// Validates a batch file and every scenario it names; returns the exit status.
int validate_batch(const std::string& file, const std::vector<Override>& overrides) {
  const BatchPlan plan = plan_batch({file}, overrides);
  if (!plan.errors.empty()) {
    print_diagnostics(plan.errors);
    return kUsageOrInvalidInput;
  }
  std::size_t invalid = 0;
  for (const auto& job : plan.jobs) {
    if (!job.scenario) {
      ++invalid;
      print_diagnostics(job.errors);
    }
  }
  if (invalid > 0) {
    fmt::print(stderr, "{}: {} of {} scenarios of batch '{}' are invalid\n", file, invalid, plan.jobs.size(), plan.name);
    return kUsageOrInvalidInput;
  }
  fmt::print("{}: ok (batch {}: {} scenario{})\n", file, plan.name, plan.jobs.size(), plan.jobs.size() == 1 ? "" : "s");
  return kSuccess;
}

}  // namespace

int validate_command(const Args& args) {
  std::vector<std::string> files;
  std::vector<std::string> set;
  po::options_description visible(
      "Usage: districtcast validate SCENARIO.yaml|BATCH.yaml... [--set KEY=VALUE]...\n\n"
      "Checks each scenario file (YAML syntax, extends chain, every key, type and range, district ids,\n"
      "correlation matrix, overtaking pairs, every sweep variant) or batch file (kind: batch; and each scenario it\n"
      "names) without running anything. Prints one 'ok' line per valid file on stdout (with the number of\n"
      "overtaking pairs the run will report and of sweep variants) and one line per problem on stderr.\n\nOptions");
  visible.add_options()("help,h", "show this help")(
      "set", po::value(&set)->value_name("KEY=VALUE")->composing(),
      "apply an override before checking, as run and batch do (repeatable)");
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
    std::cout << visible << "\n" << kExitCodesHelp;
    return kSuccess;
  }
  if (files.empty()) return usage_error("validate", "give at least one scenario file");
  std::vector<Override> overrides;
  if (auto problem = parse_overrides(set, overrides); !problem.empty()) return usage_error("validate", problem);
  int status = kSuccess;
  for (const auto& file : files) {
    if (is_batch_file(file)) {
      if (validate_batch(file, overrides) != kSuccess) status = kUsageOrInvalidInput;
      continue;
    }
    const ScenarioSet loaded = load_scenario_set(file, overrides);
    if (!loaded.errors.empty()) {
      print_diagnostics(loaded.errors);
      status = kUsageOrInvalidInput;
      continue;
    }
    const Scenario& s = loaded.scenarios.front();
    if (loaded.sweep_size() > 0) {
      const std::string& base = s.provenance.variant_of.empty() ? s.name : s.provenance.variant_of;
      fmt::print("{}: ok (sweep of {} variants of {}; first: {})\n", file, loaded.sweep_size(), base, describe(s));
    } else {
      fmt::print("{}: ok ({}; estimated {})\n", file, describe(s),
                 describe(estimate_resources(s, std::max(1u, std::thread::hardware_concurrency()))));
    }
  }
  return status;
}

}  // namespace districtcast::cli
