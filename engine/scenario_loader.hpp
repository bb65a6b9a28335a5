#pragma once
/// \file Loading and validating scenario files (the only part of the engine that sees yaml-cpp).

#include "engine/diagnostic.hpp"
#include "engine/scenario.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast {

/// Largest scenario file accepted, in bytes.
inline constexpr std::uintmax_t kMaxScenarioBytes = std::uintmax_t{16} * 1024 * 1024;
/// Largest horizon accepted.
inline constexpr int kMaxHorizon = 200;
/// Largest number of districts accepted.
inline constexpr std::size_t kMaxDistricts = 1000;
/// Most sectors one district may be split into.
inline constexpr std::size_t kMaxSectors = 20;
/// Most `scheduled_shocks`.
inline constexpr std::size_t kMaxScheduledShocks = 100;
/// Without an `overtaking` key, every ordered pair of districts is tracked when there are at most this many.
inline constexpr std::size_t kMaxDefaultOvertakingDistricts = 12;
/// Most `overtaking` pairs (each costs 2 counters per year).
inline constexpr std::size_t kMaxOvertakingPairs = 2000;
/// Most paths x horizon (with a precision target, precision.max_paths x horizon) a scenario may ask for:
/// 10^11 path-years is days of computing even for one district (the resource guard, --max-time, refuses
/// much less by default).
inline constexpr double kMaxPathYears = 1e11;

/// Empty when `paths` x `horizon` is within kMaxPathYears; otherwise the message saying it is over the
/// limit (used by the validator for the file and by the CLI after --paths / --max-paths).
[[nodiscard]] std::optional<std::string> path_years_problem(std::uint64_t paths, int horizon);

/// Either a validated scenario or every problem found (never both).
struct LoadResult {
  std::optional<Scenario> scenario;
  std::vector<Diagnostic> errors;
  [[nodiscard]] bool ok() const noexcept { return scenario.has_value(); }
};

/// Parses and validates YAML text. `display_name` prefixes messages (usually the file path);
/// `default_name` is the scenario name used when the file has no `name` key.
/// Never throws for bad input: every problem becomes a Diagnostic with a YAML path and line:column.
/// Follows `extends` (relative to the directory of `display_name`; see load_scenario_set()); a text that
/// declares a `sweep` is an error (it is several scenarios: use load_scenario_set()).
[[nodiscard]] LoadResult load_scenario_text(std::string_view yaml, const std::string& display_name,
                                            const std::string& default_name);

/// Reads `file` (at most kMaxScenarioBytes; must be a readable regular file) and validates it.
/// The default scenario name is the file name without its extension. Follows `extends`; a file that
/// declares a `sweep` is an error (use load_scenario_set() in engine/scenario_compose.hpp).
[[nodiscard]] LoadResult load_scenario_file(const std::filesystem::path& file);

}  // namespace districtcast
