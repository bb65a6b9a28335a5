/// \file Kernel micro-benchmarks (Google Benchmark). Whole-run figures: scripts/bench-run (docs/performance.md).

#include "engine/normal_variates.hpp"
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

/// The engine's normals: one stream (scope, variable, year) for a batch of kPathBatch paths, per SIMD kernel
/// (state.range(0) indexes supported_kernels(); skipped where the CPU lacks it).
void BM_NormalBatch(benchmark::State& state) {
  const std::vector<SimdKernel> kernels = supported_kernels();
  const auto index = static_cast<std::size_t>(state.range(0));
  if (index >= kernels.size()) {
    state.SkipWithError("kernel not supported on this CPU");
    return;
  }
  state.SetLabel(std::string(to_string(kernels[index])));
  std::vector<double> out(kPathBatch);
  std::uint32_t year = 0;
  for (auto _ : state) {
    draw_normals(kernels[index], 42, 0, 1, Variable::district_shock, ++year & 0xFFFF, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kPathBatch));
}
BENCHMARK(BM_NormalBatch)->DenseRange(0, 2);

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

/// The engine's recording pattern: 128 values into each of 132 sketches in turn (GDP levels with a 10%
/// spread and growth rates around 5%), one value at a time (state.range(0) == 0) or with add_batch (1).
void BM_SketchCells(benchmark::State& state) {
  constexpr std::size_t kCells = 132;
  constexpr std::size_t kValues = 128;
  std::vector<QuantileSketch> sketches(kCells);
  std::vector<double> values(kCells * kValues);
  for (std::size_t c = 0; c < kCells; ++c) {
    for (std::size_t i = 0; i < kValues; ++i) {
      const double z = normal_variate(5, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(c),
                                      Variable::district_shock, 1);
      values[c * kValues + i] = c % 2 == 0 ? 5000.0 * std::exp(0.1 * z) : 0.05 + 0.02 * z;
    }
  }
  const bool batch = state.range(0) == 1;
  state.SetLabel(batch ? "add_batch" : "add");
  for (auto _ : state) {
    for (std::size_t c = 0; c < kCells; ++c) {
      const std::span<const double> cell(values.data() + c * kValues, kValues);
      if (batch) {
        sketches[c].add_batch(cell);
      } else {
        for (const double x : cell) sketches[c].add(x);
      }
    }
    if (sketches[0].count() > 0xF0000000u) sketches.assign(kCells, QuantileSketch());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCells * kValues));
}
BENCHMARK(BM_SketchCells)->DenseRange(0, 1);

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
