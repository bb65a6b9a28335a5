#pragma once
/// \file Internal to the HTML report (engine/report_*.cpp): the summary of a batch report across its
/// scenarios. Nothing outside engine/report_* may include it.

#include "engine/history_chart.hpp"
#include "engine/run_reader.hpp"

#include <string>
#include <vector>

namespace districtcast::report_detail {

/// P(reached by the last year) of each scenario × district, one table per threshold (each under a level-3
/// heading); then the median GDP of each district in each scenario's last year (the mean for a run without
/// p50, with a note). `runs` must not be empty.
[[nodiscard]] std::string batch_summary(const std::vector<RunData>& runs);

/// The body of the batch report's "History" section: a sentence on what the charts show (one point per run
/// recorded in the run catalog; a dashed marker where the scenario's resolved inputs changed), then one
/// small history chart per series in a grid (two per row on wide screens). The charts are inline: their
/// xmlns attribute (needed only by standalone .svg files) is dropped. "" when `series` is empty.
[[nodiscard]] std::string history_section(const std::vector<HistorySeries>& series);

}  // namespace districtcast::report_detail
