#pragma once
/// \file The resolved scenario as JSON (written to the manifest) and its identifying hash.

#include "engine/scenario.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace districtcast {

/// Every field of the resolved scenario, defaults filled in, keys in file order.
[[nodiscard]] nlohmann::ordered_json to_json(const Scenario& scenario);

/// SHA-256 of the resolved scenario's assumptions: to_json() without `paths` and `seed`, serialised
/// compactly. Two runs with the same hash simulated the same model (possibly with other paths or seed).
[[nodiscard]] std::string scenario_sha256(const Scenario& scenario);

}  // namespace districtcast
