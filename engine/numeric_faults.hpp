#pragma once
/// \file Numerical faults of a run: paths whose GDP level or firm counts left the representable range,
/// counted per growth unit and kind in a small mergeable value (docs/models.md, "Numerical safety").

#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace districtcast {

/// Largest GDP level (in the scenario's `units`) a path may reach. Far beyond any economy, and low enough
/// that the statistics of values below it cannot overflow: (2 x 1e140)^2 x 2^32 paths < 1e291 < DBL_MAX.
inline constexpr double kMaxGdpLevel = 1e140;
/// Smallest GDP level a path may reach: the smallest normal double (below it, precision is lost and the
/// level soon becomes 0, where log growth is undefined).
inline constexpr double kMinGdpLevel = DBL_MIN;

/// What left the range.
enum class FaultKind : std::uint8_t {
  gdp_overflow = 0,   ///< a GDP level is not finite or above kMaxGdpLevel
  gdp_underflow = 1,  ///< a GDP level is below kMinGdpLevel (or zero)
  firm_overflow = 2,  ///< expected births above models::kMaxExpectedBirths, or a count above models::kMaxFirmCount
};
/// Number of FaultKind values.
inline constexpr std::size_t kFaultKinds = 3;

/// The faults of one site (a growth unit, or a split district's total) and kind.
struct FaultRecord {
  std::uint64_t paths = 0;  ///< paths with this fault
  std::uint64_t first_path = std::numeric_limits<std::uint64_t>::max();  ///< smallest such path index
  std::uint32_t first_year = std::numeric_limits<std::uint32_t>::max();  ///< earliest year index (1..H) it occurred in
};

/// Fault records of every (site, kind) plus the number of paths left out of the statistics. Memory grows
/// with the number of sites only, never with paths. Merging takes sums and minima, so the result is the
/// same in any merge order (and byte-identical for any thread count).
class NumericFaults {
public:
  /// Records that `path` has fault `kind` at `site` from year index `year` (1..H) on. A path is recorded
  /// at most once per (site, kind) by the caller.
  void record(std::size_t site, FaultKind kind, std::uint64_t path, std::size_t year);
  /// Counts `paths` more paths left out of the statistics (faulty, or the partner of a faulty antithetic path).
  void exclude(std::uint64_t paths) noexcept { excluded_ += paths; }
  /// Adds another value's records and exclusions.
  void merge(const NumericFaults& other);

  /// True when any fault was recorded.
  [[nodiscard]] bool any() const noexcept;
  /// Paths left out of the statistics.
  [[nodiscard]] std::uint64_t excluded_paths() const noexcept { return excluded_; }
  /// Number of sites with storage (at least 1 + the largest site recorded).
  [[nodiscard]] std::size_t sites() const noexcept { return records_.size() / kFaultKinds; }
  /// The record of (site, kind); an empty record for a site never recorded.
  [[nodiscard]] FaultRecord at(std::size_t site, FaultKind kind) const noexcept;

private:
  std::vector<FaultRecord> records_;  ///< [site][kind]
  std::uint64_t excluded_ = 0;
};

}  // namespace districtcast
