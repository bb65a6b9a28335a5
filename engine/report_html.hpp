#pragma once
/// \file The HTML report of a run, of two runs compared, or of a batch (docs/reports.md): one self-contained,
/// offline document (inline CSS and SVG, no script, no external reference) with GDP fan charts per
/// district, first-crossing bar charts, firm stock and births fan charts, sector shares, a table of key
/// probabilities, club sizes and the manifest. Every string from the run's files is HTML-escaped.

#include "engine/history_chart.hpp"
#include "engine/run_reader.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace districtcast {

/// The report of one run as a self-contained HTML document (inline CSS and SVG; no script required, no
/// external reference).
[[nodiscard]] std::string render_run_report(const RunData& run);

/// Two runs overlaid (A and B in two distinct colours with a legend; B's scenario name in the title), same
/// sections; districts are matched by id (a district only one run has is drawn for that run alone).
[[nodiscard]] std::string render_comparison_report(const RunData& a, const RunData& b);

/// A batch: a summary table across scenarios (key probabilities side by side, median GDP of each district
/// in the last year), then each scenario's section. `skipped` lists scenarios that are not in the report,
/// one line each (e.g. "tech_boom[x=1]: failed: disk full"); they are named in a note at the top.
/// `history` (from report_history_series), when not empty, adds a "History" section after the summary:
/// one small chart per series of the figure across the runs in the run catalog.
[[nodiscard]] std::string render_batch_report(const std::string& batch_name, const std::vector<RunData>& runs,
                                              const std::vector<std::string>& skipped = {},
                                              const std::vector<HistorySeries>& history = {});

/// Writes `html` to `file` atomically (temporary sibling + rename). Throws std::runtime_error with a clear
/// message on failure ("cannot write report /x/report.html: No such file or directory").
void write_report_file(const std::filesystem::path& file, const std::string& html);

}  // namespace districtcast
