/// \file Whole-engine throughput against the random-number floor (issue 3's measurements).
///
/// Usage: districtcast_perf_report [SCENARIO.yaml] [--paths N]
/// For the scenario with firms on and with every firms block removed (GDP only), prints path-years per
/// second per core with 1 thread and with all threads, the RNG floor (the same kinds and numbers of random
/// variates drawn alone, with the same Philox streams and Boost.Random distributions), the ratio engine /
/// floor, and the parallel speedup. Peak RSS per path count comes from bench/peak_rss.py.

#include "engine/random_stream.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_loader.hpp"
#include "models/count_sampling.hpp"
#include "models/shocks.hpp"

#include <boost/random/gamma_distribution.hpp>
#include <fmt/format.h>
#include <oneapi/tbb/info.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

using namespace districtcast;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Engine: run_simulation over `paths` paths with `threads` threads; wall seconds.
double time_engine(const Simulation& simulation, std::uint64_t paths, unsigned threads) {
  RunSettings settings;
  settings.paths = paths;
  settings.seed = 1;
  settings.threads = threads;
  const auto start = Clock::now();
  const RunOutcome outcome = run_simulation(simulation, settings);
  const double wall = seconds_since(start);
  if (outcome.totals->paths() != paths) std::fprintf(stderr, "incomplete run\n");
  return wall;
}

/// The RNG floor on one thread: per path, the variates the engine draws, from the same streams and
/// distributions, with no model arithmetic, no bookkeeping and no statistics:
///  - one innovation per national series and year (normal or t), one per district and year;
///  - per firm district and year: births (Poisson; negative binomial = gamma + Poisson) at the year-1
///    rate, and one binomial exit draw per cohort alive (base stock + one per earlier year), with the base
///    stock and the year-1 rate as cohort sizes and the scenario's hazards.
double time_rng_floor(const Scenario& scenario, std::uint64_t paths, double& checksum) {
  const auto horizon = static_cast<std::uint32_t>(scenario.horizon);
  const auto start = Clock::now();
  double sum = 0.0;
  for (std::uint64_t p = 0; p < paths; ++p) {
    const PathStreams streams(1, p);
    for (std::uint32_t t = 1; t <= horizon; ++t) {
      if (scenario.national.growth) {
        RandomStream s = streams.stream(kNationalScope, Variable::national_growth, t);
        sum += models::draw_shock(scenario.national.growth->shocks, s);
      }
      if (scenario.national.inflation) {
        RandomStream s = streams.stream(kNationalScope, Variable::inflation, t);
        sum += models::draw_shock(scenario.national.inflation->shocks, s);
      }
    }
    for (const DistrictSpec& d : scenario.districts) {
      const std::uint32_t scope = district_scope(d.id);
      for (std::uint32_t t = 1; t <= horizon; ++t) {
        RandomStream s = streams.stream(scope, Variable::district_shock, t);
        sum += models::draw_shock(d.growth.shocks, s);
      }
      if (!d.firms) continue;
      const auto& f = *d.firms;
      for (std::uint32_t t = 1; t <= horizon; ++t) {
        RandomStream exits = streams.stream(scope, Variable::firm_exits, t);
        for (std::uint32_t cohort = 0; cohort < t; ++cohort) {
          const std::uint64_t size = cohort == 0 ? f.stock : static_cast<std::uint64_t>(f.births.rate);
          const std::size_t age = cohort == 0 ? f.exit_hazard.size() : std::min<std::size_t>(t - cohort, f.exit_hazard.size());
          sum += static_cast<double>(models::draw_binomial(size, f.exit_hazard[age - 1], exits));
        }
        RandomStream births = streams.stream(scope, Variable::firm_births, t);
        double mean = f.births.rate;
        if (f.births.dispersion) {
          boost::random::gamma_distribution<double> gamma(*f.births.dispersion, mean / *f.births.dispersion);
          mean = gamma(births);
        }
        sum += static_cast<double>(models::draw_poisson(mean, births));
      }
    }
  }
  checksum = sum;
  return seconds_since(start);
}

void report(const char* label, const Scenario& scenario, std::uint64_t paths, unsigned all_threads) {
  const Simulation simulation(scenario);
  const double path_years = static_cast<double>(paths) * scenario.horizon;
  double checksum = 0.0;
  const double floor = time_rng_floor(scenario, paths, checksum);
  const double one = time_engine(simulation, paths, 1);
  const double all = time_engine(simulation, paths, all_threads);
  fmt::print("{:<10} {:>9} paths  engine 1 thread {:>6.2f} M path-years/s/core | {} threads {:>6.2f} M/s total, "
             "{:>5.2f} M/s/core, speedup {:.2f} | RNG floor {:>6.2f} M path-years/s | engine/floor {:.2f}"
             "   (checksum {:.3g})\n",
             label, paths, path_years / one / 1e6, all_threads, path_years / all / 1e6,
             path_years / all / 1e6 / all_threads, one / all, path_years / floor / 1e6, one / floor, checksum);
}

}  // namespace

int main(int argc, char** argv) {
  std::string file = DISTRICTCAST_SOURCE_DIR "/scenarios/trillion_club.yaml";
  std::uint64_t paths = 200000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--paths") == 0 && i + 1 < argc) {
      paths = std::stoull(argv[++i]);
    } else {
      file = argv[i];
    }
  }
  LoadResult loaded = load_scenario_file(file);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 2;
  }
  const auto threads = static_cast<unsigned>(oneapi::tbb::info::default_concurrency());
  fmt::print("{}: {} districts, {} years; {} hardware threads\n", loaded.scenario->name,
             loaded.scenario->districts.size(), loaded.scenario->horizon, threads);
  report("firms on", *loaded.scenario, paths, threads);
  Scenario gdp_only = *loaded.scenario;
  for (auto& d : gdp_only.districts) d.firms.reset();
  std::erase_if(gdp_only.thresholds, [](const ThresholdSpec& t) { return is_firm_metric(t.metric); });
  report("gdp only", gdp_only, paths, threads);
  return 0;
}
