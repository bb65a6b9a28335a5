#pragma once
/// \file `compare_with: previous` of a nightly batch: each scenario tonight against its previous successful
/// run of the same batch (found in the run catalog), and the batch's `alerts:` rules tested on the rows.

#include "engine/alert_rules.hpp"
#include "engine/catalog.hpp"
#include "engine/compare.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace districtcast {

/// File names written into the batch directory.
inline constexpr const char* kPreviousComparisonCsv = "compare_previous.csv";
inline constexpr const char* kPreviousComparisonJson = "compare_previous.json";

/// An alert rule that matched at least one row.
struct FiredAlert {
  std::string rule;                 ///< as written in the batch file
  std::vector<CompareRow> rows;     ///< every matching row, in comparison order
};

/// Tonight against the previous runs.
struct PreviousComparison {
  Comparison comparison;            ///< one pair per scenario that has a previous run (a = previous, b = tonight)
  std::vector<std::string> first_runs;  ///< scenarios with no previous successful run (nothing to compare)
  std::vector<FiredAlert> alerts;   ///< rules that matched, in rule order
  std::vector<std::string> warnings;  ///< e.g. a rule filter that selects no row (a misspelt district)
};

/// Compares each of `tonight` (the batch's succeeded runs, read back) with the newest succeeded run of the
/// same scenario in an earlier batch named `batch_name` (Catalog::previous_successful_run, excluding
/// `batch_id`) whose directory can still be read, and tests `rules` (--fail-if language, already valid) on
/// all rows together. A previous run whose directory is gone is a warning, not an error.
[[nodiscard]] PreviousComparison compare_with_previous(const Catalog& catalog, const std::string& batch_name,
                                                       std::int64_t batch_id, const std::vector<RunData>& tonight,
                                                       const std::vector<std::string>& rules, double noise_z);

/// Writes compare_previous.csv (the rows, `districtcast compare --format csv` columns) and
/// compare_previous.json (the comparison as `compare --format json`, plus `first_runs`, `alerts` with each
/// rule and its matching rows described, and `warnings`) into `dir`.
void write_previous_comparison(const std::filesystem::path& dir, const PreviousComparison& result);

}  // namespace districtcast
