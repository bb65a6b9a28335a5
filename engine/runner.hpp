#pragma once
/// \file Drivers over fixed-size path blocks: a serial reference driver and a oneTBB parallel driver that
/// produce byte-identical statistics.

#include "engine/accumulator.hpp"
#include "engine/simulation.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace districtcast {

/// Paths per block. Fixed (never derived from the thread count) so that block boundaries, and therefore
/// the floating-point merge order, are the same for every --threads.
inline constexpr std::uint64_t kDefaultBlockSize = 1024;

/// How to run.
struct RunSettings {
  std::uint64_t first_path = 0;  ///< index of the first path (> 0 to continue an earlier run)
  std::uint64_t paths = 0;       ///< number of paths: [first_path, first_path + paths)
  std::uint64_t seed = 0;
  unsigned threads = 1;                          ///< 1 = serial reference driver
  std::uint64_t block_size = kDefaultBlockSize;  ///< paths per block
  /// Polled between blocks; when it becomes true the run stops early and reports cancelled.
  const std::atomic<bool>* cancel = nullptr;
  /// Called after each block is merged, in block order, with the number of paths in the totals so far.
  std::function<void(std::uint64_t paths_done)> on_progress;
};

/// Merged statistics, or a cancelled run.
struct RunOutcome {
  std::unique_ptr<Accumulator> totals;  ///< statistics of all paths (partial if cancelled)
  bool cancelled = false;
};

/// The kernel: simulates paths [first, first + count) in order into a fresh accumulator. With `sketches`
/// the accumulator keeps moments and counters only and quantile sketches are updated in *sketches. Paths
/// with numerical faults (Simulation::simulate_paths) are recorded in the accumulator's faults() and left
/// out of every statistic; under antithetic sampling the whole pair is left out. Precondition (antithetic):
/// `first` is even.
[[nodiscard]] std::unique_ptr<Accumulator> simulate_block(const Simulation& simulation, std::uint64_t seed,
                                                          std::uint64_t first, std::uint64_t count,
                                                          SketchSet* sketches = nullptr);

/// Runs settings.paths paths in blocks and merges block moments and counters in block order; quantile
/// sketches are filled per worker thread and summed at the end (integer counts: order-free). The result
/// is byte-identical for every thread count; threads == 1 uses a plain loop (the reference run). Live
/// memory: the totals, one sketch set per thread and at most 2 x threads small block accumulators.
/// With `totals` (an earlier outcome's, whose paths ended at settings.first_path) the new blocks are merged
/// into it, so running [0, a) and then [a, b) with a a multiple of block_size gives exactly the statistics
/// of one run of [0, b). Progress and cancellation count simulated paths (Accumulator::simulated_paths()),
/// faulty ones included; a run with faults runs to the end and the caller reports them (run_job).
[[nodiscard]] RunOutcome run_simulation(const Simulation& simulation, const RunSettings& settings,
                                        std::unique_ptr<Accumulator> totals = nullptr);

}  // namespace districtcast
