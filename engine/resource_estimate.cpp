#include "engine/resource_estimate.hpp"

#include "engine/progress.hpp"
#include "engine/result_layout.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <thread>
#include <vector>

namespace districtcast {

ResourceLimits default_resource_limits() {
  ResourceLimits limits;
  limits.max_seconds = 24.0 * 3600.0;
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) {
    limits.max_memory_bytes = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size) / 2;
  }
  return limits;
}

ResourceEstimate estimate_resources(const Scenario& scenario, unsigned threads) {
  ResourceEstimate e;
  e.cells = ResultLayout(scenario).cell_count();
  e.paths = scenario.paths;
  if (scenario.precision) e.paths = std::max(e.paths, scenario.precision->max_paths);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  e.threads = std::max(1u, std::min(threads, cores));
  e.seconds = static_cast<double>(e.paths) * static_cast<double>(e.cells) /
              (kCellPathsPerThreadSecond * static_cast<double>(e.threads));
  const double sets = static_cast<double>(std::max(1u, threads)) + 1.0;
  const double memory = static_cast<double>(kBaseMemoryBytes) + sets * static_cast<double>(e.cells) * kBytesPerCell;
  e.memory_bytes = memory >= 1.8e19 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(memory);
  return e;
}

std::string human_duration(double seconds) {
  if (seconds < 60.0) return fmt::format("{:.2g} s", std::max(seconds, 0.01));
  if (seconds < 3600.0) return fmt::format("{:.0f} min", seconds / 60.0);
  if (seconds < 48.0 * 3600.0) return fmt::format("{:.1f} h", seconds / 3600.0);
  if (seconds < 3650.0 * 86400.0) return fmt::format("{:.1f} days", seconds / 86400.0);
  return fmt::format("{:.2g} years", seconds / (365.25 * 86400.0));
}

std::string human_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b < 1024.0 * 1024.0) return fmt::format("{:.0f} KiB", b / 1024.0);
  if (b < 1024.0 * 1024.0 * 1024.0) return fmt::format("{:.0f} MiB", b / (1024.0 * 1024.0));
  if (b < 1024.0 * 1024.0 * 1024.0 * 1024.0) return fmt::format("{:.1f} GiB", b / (1024.0 * 1024.0 * 1024.0));
  return fmt::format("{:.1f} TiB", b / (1024.0 * 1024.0 * 1024.0 * 1024.0));
}

std::string describe(const ResourceEstimate& e) {
  return fmt::format("about {} and {} for {} cells x {} paths on {} thread{}", human_duration(e.seconds),
                     human_bytes(e.memory_bytes), with_thousands(e.cells), with_thousands(e.paths), e.threads,
                     e.threads == 1 ? "" : "s");
}

std::string limit_problem(const ResourceEstimate& e, const ResourceLimits& limits) {
  std::vector<std::string> over;
  if (limits.max_seconds && e.seconds > *limits.max_seconds) {
    over.push_back(fmt::format("estimated time {} is over the limit of {} (--max-time)", human_duration(e.seconds),
                               human_duration(*limits.max_seconds)));
  }
  if (limits.max_memory_bytes && e.memory_bytes > *limits.max_memory_bytes) {
    over.push_back(fmt::format("estimated memory {} is over the limit of {} (--max-memory)",
                               human_bytes(e.memory_bytes), human_bytes(*limits.max_memory_bytes)));
  }
  if (over.empty()) return "";
  return fmt::format("{} ({} cells x {} paths on {} thread{})", fmt::join(over, "; "), with_thousands(e.cells),
                     with_thousands(e.paths), e.threads, e.threads == 1 ? "" : "s");
}

namespace {

/// Splits "30m" into 30 and "m"; nullopt when the number part is malformed or not positive and finite.
std::optional<std::pair<double, std::string_view>> number_and_unit(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.')) ++end;
  if (end == 0) return std::nullopt;
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
  if (ec != std::errc{} || ptr != text.data() + end || !std::isfinite(value) || !(value > 0.0)) return std::nullopt;
  return std::pair{value, text.substr(end)};
}

}  // namespace

std::optional<double> parse_duration(std::string_view text) {
  const auto parsed = number_and_unit(text);
  if (!parsed) return std::nullopt;
  const auto [value, unit] = *parsed;
  if (unit.empty() || unit == "s") return value;
  if (unit == "m" || unit == "min") return value * 60.0;
  if (unit == "h") return value * 3600.0;
  if (unit == "d") return value * 86400.0;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  const auto parsed = number_and_unit(text);
  if (!parsed) return std::nullopt;
  auto [value, unit] = *parsed;
  if (unit.size() > 1 && (unit.substr(1) == "B" || unit.substr(1) == "iB")) unit = unit.substr(0, 1);
  double factor = 0.0;
  if (unit.empty() || unit == "B") {
    factor = 1.0;
  } else if (unit == "K" || unit == "k") {
    factor = 1024.0;
  } else if (unit == "M") {
    factor = 1024.0 * 1024.0;
  } else if (unit == "G") {
    factor = 1024.0 * 1024.0 * 1024.0;
  } else if (unit == "T") {
    factor = 1024.0 * 1024.0 * 1024.0 * 1024.0;
  } else {
    return std::nullopt;
  }
  const double bytes = value * factor;
  if (bytes < 1.0 || bytes >= 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

}  // namespace districtcast
