#pragma once
/// \file Internal to the HTML report (engine/report_*.cpp): the manifest section, the provenance of each
/// run as tables. Nothing outside engine/report_* may include it.

#include "engine/report_data.hpp"

#include <string>
#include <vector>

namespace districtcast::report_detail {

/// The manifest table (known keys in a fixed order with readable labels and units, then any other key
/// except resolved_scenario and files_sha256; one value column per member) and, when a manifest lists
/// them, a table of the files' SHA-256 hashes (with a "same" column when there are several members).
/// A manifest that is not a JSON object, or lacks a hash another member lists, shows "—" there.
[[nodiscard]] std::string manifest_section(const std::vector<Member>& members);

}  // namespace districtcast::report_detail
