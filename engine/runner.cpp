#include "engine/runner.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace districtcast {
namespace {

bool cancelled(const RunSettings& settings) {
  return settings.cancel != nullptr && settings.cancel->load(std::memory_order_relaxed);
}

/// A block in flight through the pipeline.
struct Block {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  std::unique_ptr<Accumulator> result;  ///< moments and counters only
};

RunOutcome run_serial(const Simulation& simulation, const RunSettings& settings, std::unique_ptr<Accumulator> totals) {
  RunOutcome outcome{std::move(totals), false};
  SketchSet sketches = make_sketch_set(simulation.layout());
  const std::uint64_t end = settings.first_path + settings.paths;
  for (std::uint64_t first = settings.first_path; first < end; first += settings.block_size) {
    if (cancelled(settings)) {
      outcome.cancelled = true;
      break;
    }
    const std::uint64_t count = std::min(settings.block_size, end - first);
    outcome.totals->merge(*simulate_block(simulation, settings.seed, first, count, &sketches));
    if (settings.on_progress) settings.on_progress(outcome.totals->paths());
  }
  outcome.totals->merge_sketches(sketches);
  return outcome;
}

RunOutcome run_parallel(const Simulation& simulation, const RunSettings& settings,
                        std::unique_ptr<Accumulator> totals) {
  RunOutcome outcome{std::move(totals), false};
  const std::uint64_t paths_before = outcome.totals->paths();
  const std::uint64_t end = settings.first_path + settings.paths;
  oneapi::tbb::enumerable_thread_specific<SketchSet> sketches(
      [&simulation] { return make_sketch_set(simulation.layout()); });
  std::uint64_t next_first = settings.first_path;
  // Tokens bound the blocks alive at once (being simulated or waiting to be merged).
  const std::size_t tokens = 2 * static_cast<std::size_t>(settings.threads);
  // Honour --threads even above the core count (TBB otherwise caps workers at cores - 1).
  const oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, settings.threads);
  oneapi::tbb::task_arena arena(static_cast<int>(settings.threads));
  arena.execute([&] {
    oneapi::tbb::parallel_pipeline(
        tokens,
        oneapi::tbb::make_filter<void, Block*>(
            oneapi::tbb::filter_mode::serial_in_order,
            [&](oneapi::tbb::flow_control& control) -> Block* {
              if (next_first >= end || cancelled(settings)) {
                control.stop();
                return nullptr;
              }
              auto* block = new Block{next_first, std::min(settings.block_size, end - next_first), nullptr};
              next_first += block->count;
              return block;
            }) &
            oneapi::tbb::make_filter<Block*, Block*>(
                oneapi::tbb::filter_mode::parallel,
                [&](Block* block) {
                  block->result =
                      simulate_block(simulation, settings.seed, block->first, block->count, &sketches.local());
                  return block;
                }) &
            oneapi::tbb::make_filter<Block*, void>(oneapi::tbb::filter_mode::serial_in_order, [&](Block* block) {
              const std::unique_ptr<Block> owned(block);
              outcome.totals->merge(*owned->result);
              if (settings.on_progress) settings.on_progress(outcome.totals->paths());
            }));
  });
  for (const SketchSet& set : sketches) outcome.totals->merge_sketches(set);
  outcome.cancelled = outcome.totals->paths() - paths_before < settings.paths;
  return outcome;
}

}  // namespace

std::unique_ptr<Accumulator> simulate_block(const Simulation& simulation, std::uint64_t seed, std::uint64_t first,
                                            std::uint64_t count, SketchSet* sketches) {
  auto result = std::make_unique<Accumulator>(
      simulation.layout(), SketchAccuracy{},
      sketches != nullptr ? Accumulator::Sketches::external : Accumulator::Sketches::owned);
  // Simulate a batch of paths (innovations drawn stream by stream for the whole batch), then record them
  // cell by cell (cache-friendly; the same values as path by path).
  const std::size_t cells = simulation.layout().cell_count();
  PathWorkspace work = simulation.make_workspace(kPathBatch);
  std::vector<double> values(cells * kPathBatch);
  for (std::uint64_t batch_first = first; batch_first < first + count; batch_first += kPathBatch) {
    const std::uint64_t n = std::min<std::uint64_t>(kPathBatch, first + count - batch_first);
    simulation.simulate_paths(seed, batch_first, n, work, values);
    result->add_paths(values, n, sketches);
  }
  return result;
}

RunOutcome run_simulation(const Simulation& simulation, const RunSettings& settings,
                          std::unique_ptr<Accumulator> totals) {
  if (settings.block_size == 0) throw std::invalid_argument("block_size must be positive");
  if (settings.paths > kMaxPaths || settings.first_path > kMaxPaths - settings.paths) {
    throw std::invalid_argument("too many paths");
  }
  if (!totals) totals = std::make_unique<Accumulator>(simulation.layout());
  if (settings.threads <= 1) return run_serial(simulation, settings, std::move(totals));
  return run_parallel(simulation, settings, std::move(totals));
}

}  // namespace districtcast
