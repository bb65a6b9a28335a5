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
#include <span>
#include <string>
#include <vector>

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
/// generators, with no model arithmetic, no bookkeeping and no statistics:
///  - one innovation per national series and year (normal or t), one per district and year, drawn as the
///    engine draws them: stream by stream for batches of kPathBatch paths (models::draw_shocks);
///  - per firm district and year: births (Poisson; negative binomial = gamma + Poisson) at the year-1
///    rate, and one binomial exit draw per cohort alive (base stock + one per earlier year), with the base
///    stock and the year-1 rate as cohort sizes and the scenario's hazards.
double time_rng_floor(const Scenario& scenario, std::uint64_t paths, double& checksum) {
  const auto horizon = static_cast<std::uint32_t>(scenario.horizon);
  const auto start = Clock::now();
  double sum = 0.0;
  std::vector<double> batch(kPathBatch);
  const auto innovations = [&](const models::ShockSpec& shocks, std::uint64_t first, std::size_t n,
                               std::uint32_t scope, Variable variable, std::uint32_t t) {
    const std::span<double> out(batch.data(), n);
    models::draw_shocks(shocks, 1, static_cast<std::uint32_t>(first), scope, variable, t, out);
    for (double z : out) sum += z;
  };
  for (std::uint64_t first = 0; first < paths; first += kPathBatch) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kPathBatch, paths - first));
    for (std::uint32_t t = 1; t <= horizon; ++t) {
      if (scenario.national.growth) {
        innovations(scenario.national.growth->shocks, first, n, kNationalScope, Variable::national_growth, t);
      }
      if (scenario.national.inflation) {
        innovations(scenario.national.inflation->shocks, first, n, kNationalScope, Variable::inflation, t);
      }
      for (const DistrictSpec& d : scenario.districts) {
        innovations(d.growth.shocks, first, n, district_scope(d.id), Variable::district_shock, t);
      }
    }
    for (std::uint64_t p = first; p < first + n; ++p) {
      const PathStreams streams(1, p);
      for (const DistrictSpec& d : scenario.districts) {
        if (!d.firms) continue;
        const std::uint32_t scope = district_scope(d.id);
        const auto& f = *d.firms;
        for (std::uint32_t t = 1; t <= horizon; ++t) {
          RandomStream exits = streams.stream(scope, Variable::firm_exits, t);
          for (std::uint32_t cohort = 0; cohort < t; ++cohort) {
            const std::uint64_t size = cohort == 0 ? f.stock : static_cast<std::uint64_t>(f.births.rate.value);
            const std::size_t age =
                cohort == 0 ? f.exit_hazard.size() : std::min<std::size_t>(t - cohort, f.exit_hazard.size());
            sum += static_cast<double>(models::draw_binomial(size, f.exit_hazard[age - 1], exits));
          }
          RandomStream births = streams.stream(scope, Variable::firm_births, t);
          double mean = f.births.rate.value;
          if (f.births.dispersion) {
            boost::random::gamma_distribution<double> gamma(*f.births.dispersion, mean / *f.births.dispersion);
            mean = gamma(births);
          }
          sum += static_cast<double>(models::draw_poisson(mean, births));
        }
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
