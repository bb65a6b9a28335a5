/// \file Kernel micro-benchmarks (Google Benchmark). Whole-run figures: scripts/bench-run (docs/performance.md).

#include "engine/quantile_sketch.hpp"
#include "engine/random_stream.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_loader.hpp"
#include "engine/simulation.hpp"

#include <benchmark/benchmark.h>
#include <boost/random/normal_distribution.hpp>

#include <cmath>

namespace {

using namespace districtcast;

/// One standard normal per fresh (path, scope, variable, year) stream: the engine's draw pattern.
void BM_PhiloxNormalPerStream(benchmark::State& state) {
  const PathStreams streams(42, 7);
  std::uint32_t year = 0;
  for (auto _ : state) {
    RandomStream s = streams.stream(1, Variable::district_shock, ++year & 0xFFFF);
    boost::random::normal_distribution<double> normal;
    benchmark::DoNotOptimize(normal(s));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxNormalPerStream);

void BM_SketchAdd(benchmark::State& state) {
  QuantileSketch sketch;
  double x = 1000.0;
  for (auto _ : state) {
    x = x * 1.0000001 + 1e-3;
    sketch.add(x);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SketchAdd);

/// One block of trillion_club paths (firms on), single thread. Items = path-years.
void BM_TrillionClubBlock(benchmark::State& state) {
  LoadResult loaded = load_scenario_file(DISTRICTCAST_SOURCE_DIR "/scenarios/trillion_club.yaml");
  if (!loaded.ok()) {
    state.SkipWithError("cannot load scenarios/trillion_club.yaml");
    return;
  }
  const Simulation simulation(*loaded.scenario);
  std::uint64_t first = 0;
  for (auto _ : state) {
    auto block = simulate_block(simulation, 1, first, kDefaultBlockSize);
    benchmark::DoNotOptimize(block.get());
    first += kDefaultBlockSize;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kDefaultBlockSize) *
                          loaded.scenario->horizon);
}
BENCHMARK(BM_TrillionClubBlock)->Unit(benchmark::kMillisecond);

}  // namespace
