#pragma once
/// \file The history of one figure across runs as a small SVG line chart (`districtcast history --svg`, and
/// the "History" section of a nightly batch's report.html).

#include "engine/catalog.hpp"
#include "engine/run_reader.hpp"

#include <string>
#include <vector>

namespace districtcast {

/// One figure across runs, ready to draw.
struct HistorySeries {
  std::string title;     ///< e.g. "trillion_club · nanshan · gdp 2030 · p50"
  std::string units;     ///< y-axis label, e.g. "billion CNY"
  std::vector<HistoryPoint> points;  ///< oldest first
};

/// A self-contained <svg> element (inline in HTML, or a standalone file with the XML namespace): the value
/// per run as a line with markers, x = run start time (by run order, dates as tick labels), a ±2 mc_se band
/// where mc_se is known, and a vertical dashed marker where scenario_sha256 changed (a changed
/// assumption). A series with no points draws "no runs yet".
///
/// Details: the root element carries xmlns="http://www.w3.org/2000/svg", a viewBox and width/height of
/// `width` x `height` (at least 240 x 120), role="img" and the escaped title as aria-label; the title is
/// also drawn at the top left and the units along the y axis. Runs are evenly spaced along x in the given
/// order; at most about 8 date labels (YYYY-MM-DD, the first 10 characters of started_at) are shown, a
/// date equal to the previous label's is not repeated. Each point is a `<circle class="point">` with a
/// <title> tooltip ("2026-11-29 run 12: 1,234.5 (±0.9 = 2 mc_se)", then paths and seed); the ±2 mc_se
/// band is drawn (class "band": a polygon over consecutive points with mc_se, an error bar for a lone one)
/// only where mc_se is known; each change of scenario_sha256 from the previous point is one
/// `<line class="change">` half way between the two runs, labelled "assumptions changed" when there is
/// room. Every string is escaped.
[[nodiscard]] std::string history_chart_svg(const HistorySeries& series, int width = 560, int height = 200);

/// Digits after the point worth showing for values like those of `points` (about 4-5 significant digits
/// for the largest |value|, at least 1, at most 6); 1 for an empty series.
[[nodiscard]] int history_value_decimals(const std::vector<HistoryPoint>& points);

/// The series a nightly batch report shows: for each run of `runs` (a batch's succeeded scenarios) and each
/// of its districts, the median (p50, else the mean) GDP in the final year across that scenario's last
/// `limit` succeeded runs in `catalog` (with `batch_name`, only runs of batches of that name: the nightly series) (this batch's included once it is recorded), titled as above.
/// A district with no point in the catalog still gets its (empty) series. Throws CatalogError when the
/// catalog cannot be read.
[[nodiscard]] std::vector<HistorySeries> report_history_series(const Catalog& catalog, const std::vector<RunData>& runs,
                                                               const std::string& batch_name = "",
                                                               std::size_t limit = 30);

}  // namespace districtcast
