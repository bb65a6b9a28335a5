#pragma once
/// \file Internal to the HTML report (engine/report_*.cpp): the page around the sections (HTML skeleton
/// with the inline style sheet), a run's header lines, and the sections of one run with their table of
/// contents. Nothing outside engine/report_* may include it.

#include "engine/report_data.hpp"

#include <string>
#include <vector>

namespace districtcast::report_detail {

/// The complete HTML document: doctype, <head> with the escaped `title` and the report's inline CSS (screen
/// and A4 print), and `body` (HTML, inserted as is).
[[nodiscard]] std::string document(const std::string& title, const std::string& body);

/// The header lines of one run: scenario and description, years, paths, seed, units and engine version,
/// and the run directory; `tag` (e.g. "A (blue, solid)") prefixes the first line when not empty.
[[nodiscard]] std::string run_meta(const RunData& run, const std::string& tag);

/// Every section of one run (or two overlaid), preceded by a table of contents: key probabilities, GDP,
/// first crossings, firms, sector shares, club sizes (each only when it has content) and the manifest.
/// Anchors get `id_prefix`, section headings are at `level` and chart titles one below.
[[nodiscard]] std::string run_sections(const std::vector<Member>& members, const std::string& id_prefix, int level);

}  // namespace districtcast::report_detail
