#pragma once
/// \file The resource guard: before a run starts, estimate its time and memory from the resolved scenario
/// and refuse it when either is over a limit (docs/cli.md, "Resource limits"; the model: docs/performance.md).

#include "engine/scenario.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace districtcast {

/// Cell-paths (one path through one result cell: a series in a year) one thread simulates and accumulates
/// per second, measured on trillion_club (docs/performance.md) and rounded down so the estimate errs long.
inline constexpr double kCellPathsPerThreadSecond = 1.5e7;
/// Resident memory of the process before any statistics: libraries, TBB, the scenario (bytes).
inline constexpr std::uint64_t kBaseMemoryBytes = 24ull << 20;
/// Memory of one cell's statistics (quantile sketch, moments, counters) in one sketch set (bytes), the
/// upper end of docs/performance.md's 6-12 KiB.
inline constexpr std::uint64_t kBytesPerCell = 12ull << 10;

/// What a run is expected to cost. The work does not depend on the results, so this is known up front.
struct ResourceEstimate {
  std::uint64_t cells = 0;      ///< result cells: (series + drivers) x horizon
  std::uint64_t paths = 0;      ///< most paths the run may simulate (precision.max_paths with a precision target)
  unsigned threads = 1;         ///< worker threads that share the work (at most the machine's cores count)
  double seconds = 0.0;         ///< estimated wall time
  std::uint64_t memory_bytes = 0;  ///< estimated peak resident memory
};

/// Limits a run must stay under; a limit of nullopt is no limit.
struct ResourceLimits {
  std::optional<double> max_seconds;
  std::optional<std::uint64_t> max_memory_bytes;
};

/// The limits used when none is given: 24 hours and half of the machine's physical memory.
[[nodiscard]] ResourceLimits default_resource_limits();

/// Estimates `scenario` (already resolved: --paths, --set and --precision applied) on `threads` threads:
/// time = paths x cells / (kCellPathsPerThreadSecond x min(threads, cores)); memory = kBaseMemoryBytes +
/// (threads + 1) sketch sets of cells x kBytesPerCell (one per thread plus the totals).
[[nodiscard]] ResourceEstimate estimate_resources(const Scenario& scenario, unsigned threads);

/// "about 2.3 s and 41 MiB for 264 cells x 100,000 paths on 2 threads".
[[nodiscard]] std::string describe(const ResourceEstimate& estimate);

/// One sentence naming every limit the estimate exceeds, with the estimate and the limit
/// ("estimated 3.1 days, over the time limit of 24 h (--max-time)"), or "" when it is within them.
[[nodiscard]] std::string limit_problem(const ResourceEstimate& estimate, const ResourceLimits& limits);

/// "2.3 s", "14 min", "5.2 h", "3.1 days".
[[nodiscard]] std::string human_duration(double seconds);
/// "512 KiB", "41 MiB", "3.2 GiB".
[[nodiscard]] std::string human_bytes(std::uint64_t bytes);

/// Parses a duration for --max-time: a number with an optional unit s, m, h or d ("90s", "30m", "6h",
/// "2d"; no unit = seconds). nullopt when malformed, zero or negative.
[[nodiscard]] std::optional<double> parse_duration(std::string_view text);
/// Parses a size for --max-memory: a number with an optional unit K, M, G or T (powers of 1024, an optional
/// trailing "B" or "iB": "512M", "8G", "8GiB"; no unit = bytes). nullopt when malformed or zero.
[[nodiscard]] std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace districtcast
