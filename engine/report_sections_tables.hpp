#pragma once
/// \file Internal to the HTML report (engine/report_*.cpp): the tables of one run (or two overlaid) that
/// summarise its thresholds: key probabilities and club sizes. Nothing outside engine/report_* may
/// include it.

#include "engine/report_data.hpp"

#include <string>
#include <vector>

namespace districtcast::report_detail {

/// The key-probability table: per threshold and district, P(above) in the middle and last year,
/// P(reached by) the last year and the median first year, with Monte Carlo standard errors; one column
/// per member under each measure when there are several. Ends with a note explaining the columns. A
/// single paragraph when no member defines thresholds.
[[nodiscard]] std::string probability_table(const std::vector<Member>& members);

/// Club sizes (events.csv club_size rows): per threshold a heading at `level` and a table of P(exactly k
/// districts at or above the threshold) in the middle and the last year, per member, the most likely k in
/// bold; then a note. "" when no member has club_size rows.
[[nodiscard]] std::string club_tables(const std::vector<Member>& members, int level);

}  // namespace districtcast::report_detail
