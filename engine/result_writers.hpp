#pragma once
/// \file Writers of the result files (docs/outputs.md): tidy CSV and one JSON document.

#include "engine/result_tables.hpp"
#include "engine/scenario.hpp"

#include <filesystem>
#include <vector>

namespace districtcast {

/// Names of the result files write_result_files() creates, in writing order.
[[nodiscard]] const std::vector<std::string>& result_file_names();

/// Writes summary.csv, histograms.csv, thresholds.csv, first_crossing.csv, events.csv and summary.json into
/// `dir`.
/// Output bytes depend only on `tables` and `scenario`. Throws std::runtime_error naming the file on any
/// I/O failure (e.g. disk full), and std::range_error (check_finite_tables()) before writing anything
/// when a number is not finite: no file ever holds inf or nan (histogram tails aside).
void write_result_files(const std::filesystem::path& dir, const Scenario& scenario, const ResultTables& tables);

}  // namespace districtcast
