#include "engine/runner.hpp"

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

struct Block {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  std::unique_ptr<Accumulator> result;
};

RunOutcome run_serial(const Simulation& simulation, const RunSettings& settings) {
  RunOutcome outcome{std::make_unique<Accumulator>(simulation.layout()), false};
  for (std::uint64_t first = 0; first < settings.paths; first += settings.block_size) {
    if (cancelled(settings)) {
      outcome.cancelled = true;
      break;
    }
    const std::uint64_t count = std::min(settings.block_size, settings.paths - first);
    outcome.totals->merge(*simulate_block(simulation, settings.seed, first, count));
    if (settings.on_progress) settings.on_progress(outcome.totals->paths());
  }
  return outcome;
}

RunOutcome run_parallel(const Simulation& simulation, const RunSettings& settings) {
  RunOutcome outcome{std::make_unique<Accumulator>(simulation.layout()), false};
  std::uint64_t next_first = 0;
  // Tokens bound the blocks alive at once (being simulated or waiting to be merged): memory is
  // O(threads x accumulator), independent of the number of paths.
  const std::size_t tokens = 2 * static_cast<std::size_t>(settings.threads);
  oneapi::tbb::task_arena arena(static_cast<int>(settings.threads));
  arena.execute([&] {
    oneapi::tbb::parallel_pipeline(
        tokens,
        oneapi::tbb::make_filter<void, Block*>(
            oneapi::tbb::filter_mode::serial_in_order,
            [&](oneapi::tbb::flow_control& control) -> Block* {
              if (next_first >= settings.paths || cancelled(settings)) {
                control.stop();
                return nullptr;
              }
              auto* block = new Block{next_first, std::min(settings.block_size, settings.paths - next_first), nullptr};
              next_first += block->count;
              return block;
            }) &
            oneapi::tbb::make_filter<Block*, Block*>(oneapi::tbb::filter_mode::parallel,
                                                     [&](Block* block) {
                                                       block->result = simulate_block(simulation, settings.seed,
                                                                                      block->first, block->count);
                                                       return block;
                                                     }) &
            oneapi::tbb::make_filter<Block*, void>(oneapi::tbb::filter_mode::serial_in_order, [&](Block* block) {
              const std::unique_ptr<Block> owned(block);
              outcome.totals->merge(*owned->result);
              if (settings.on_progress) settings.on_progress(outcome.totals->paths());
            }));
  });
  outcome.cancelled = outcome.totals->paths() < settings.paths;
  return outcome;
}

}  // namespace

std::unique_ptr<Accumulator> simulate_block(const Simulation& simulation, std::uint64_t seed, std::uint64_t first,
                                            std::uint64_t count) {
  auto result = std::make_unique<Accumulator>(simulation.layout());
  PathWorkspace work = simulation.make_workspace();
  std::vector<double> values(simulation.layout().cell_count());
  for (std::uint64_t path = first; path < first + count; ++path) {
    simulation.simulate_path(seed, path, work, values);
    result->add_path(values);
  }
  return result;
}

RunOutcome run_simulation(const Simulation& simulation, const RunSettings& settings) {
  if (settings.block_size == 0) throw std::invalid_argument("block_size must be positive");
  if (settings.paths > kMaxPaths) throw std::invalid_argument("too many paths");
  if (settings.threads <= 1) return run_serial(simulation, settings);
  return run_parallel(simulation, settings);
}

}  // namespace districtcast
