#include "engine/runner.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

// ThreadSanitizer cannot see oneTBB's own synchronisation (Debian's libtbb is not instrumented): these mark
// the pipeline's hand-offs of a block between stages (docs/development.md). No-ops in every other build.
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define DISTRICTCAST_TSAN_ACQUIRE(p) __tsan_acquire(const_cast<void*>(static_cast<const volatile void*>(p)))
#define DISTRICTCAST_TSAN_RELEASE(p) __tsan_release(const_cast<void*>(static_cast<const volatile void*>(p)))
#else
#define DISTRICTCAST_TSAN_ACQUIRE(p) static_cast<void>(p)
#define DISTRICTCAST_TSAN_RELEASE(p) static_cast<void>(p)
#endif

namespace {
/// ThreadSanitizer sync object (its address only): released once the pipeline's filters are built, acquired
/// by every stage before it reads its lambda's captures, which TBB hands to its workers without TSan seeing it.
char tsan_pipeline_start = 0;
}  // namespace

namespace districtcast {
namespace {

/// Moves the paths of a batch of n that are not faulted (antithetic: whose pair has no faulted path) to the
/// front of `values`, in order, and returns how many there are.
std::size_t drop_faulted(std::vector<double>& values, std::size_t n, std::size_t cells,
                         const std::vector<std::uint8_t>& faulted, bool pairs) {
  std::size_t kept = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const bool drop = faulted[k] != 0 || (pairs && faulted[k ^ 1] != 0);
    if (drop) continue;
    if (kept != k) {
      std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(k * cells), cells,
                  values.begin() + static_cast<std::ptrdiff_t>(kept * cells));
    }
    ++kept;
  }
  return kept;
}

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
    if (settings.on_progress) settings.on_progress(outcome.totals->simulated_paths());
  }
  outcome.totals->merge_sketches(sketches);
  return outcome;
}

RunOutcome run_parallel(const Simulation& simulation, const RunSettings& settings,
                        std::unique_ptr<Accumulator> totals) {
  RunOutcome outcome{std::move(totals), false};
  const std::uint64_t paths_before = outcome.totals->simulated_paths();
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
    const oneapi::tbb::filter<void, void> stages =
        oneapi::tbb::make_filter<void, Block*>(
            oneapi::tbb::filter_mode::serial_in_order,
            [&](oneapi::tbb::flow_control& control) -> Block* {
              DISTRICTCAST_TSAN_ACQUIRE(&tsan_pipeline_start);  // before reading the captures
              DISTRICTCAST_TSAN_ACQUIRE(&next_first);
              if (next_first >= end || cancelled(settings)) {
                DISTRICTCAST_TSAN_RELEASE(&next_first);
                control.stop();
                return nullptr;
              }
              auto* block = new Block{next_first, std::min(settings.block_size, end - next_first), nullptr};
              next_first += block->count;
              DISTRICTCAST_TSAN_RELEASE(&next_first);
              DISTRICTCAST_TSAN_RELEASE(block);
              return block;
            }) &
            oneapi::tbb::make_filter<Block*, Block*>(
                oneapi::tbb::filter_mode::parallel,
                [&](Block* block) {
                  DISTRICTCAST_TSAN_ACQUIRE(&tsan_pipeline_start);
                  DISTRICTCAST_TSAN_ACQUIRE(block);
                  block->result =
                      simulate_block(simulation, settings.seed, block->first, block->count, &sketches.local());
                  DISTRICTCAST_TSAN_RELEASE(block);
                  return block;
                }) &
            oneapi::tbb::make_filter<Block*, void>(oneapi::tbb::filter_mode::serial_in_order, [&](Block* block) {
              DISTRICTCAST_TSAN_ACQUIRE(&tsan_pipeline_start);
              DISTRICTCAST_TSAN_ACQUIRE(block);
              DISTRICTCAST_TSAN_ACQUIRE(&outcome);
              const std::unique_ptr<Block> owned(block);
              outcome.totals->merge(*owned->result);
              if (settings.on_progress) settings.on_progress(outcome.totals->simulated_paths());
              DISTRICTCAST_TSAN_RELEASE(&outcome);
            });
    // The filters (and the captures in them) were built here; the stages read them on TBB's workers.
    DISTRICTCAST_TSAN_RELEASE(&tsan_pipeline_start);
    DISTRICTCAST_TSAN_RELEASE(&next_first);
    oneapi::tbb::parallel_pipeline(tokens, stages);
  });
  DISTRICTCAST_TSAN_ACQUIRE(&outcome);  // the last stage (and, through it, every stage-2 sketch write) -> here
  DISTRICTCAST_TSAN_ACQUIRE(&next_first);  // the first stage's last call (the one that stopped) -> here
  for (const SketchSet& set : sketches) outcome.totals->merge_sketches(set);
  outcome.cancelled = outcome.totals->simulated_paths() - paths_before < settings.paths;
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
  std::vector<std::uint8_t> faulted(kPathBatch, 0);
  NumericFaults faults;
  const bool pairs = simulation.scenario().antithetic;
  for (std::uint64_t batch_first = first; batch_first < first + count; batch_first += kPathBatch) {
    const std::uint64_t n = std::min<std::uint64_t>(kPathBatch, first + count - batch_first);
    simulation.simulate_paths(seed, batch_first, n, work, values, faults, faulted);
    std::size_t kept = n;
    if (std::any_of(faulted.begin(), faulted.begin() + static_cast<std::ptrdiff_t>(n),
                    [](std::uint8_t f) { return f != 0; })) [[unlikely]] {
      kept = drop_faulted(values, n, cells, faulted, pairs);
      faults.exclude(n - kept);
    }
    result->add_paths(values, kept, sketches);
  }
  result->add_faults(faults);
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
