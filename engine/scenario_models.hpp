#pragma once
/// \file Internal to the scenario loader: reading the model blocks of a scenario (national, districts,
/// sectors, growth, firms, regimes, jumps, firm feedback) into their typed specs.

#include "engine/scenario_loader.hpp"
#include "engine/scenario_validator.hpp"

namespace districtcast::scenario_detail {

/// `national` (growth, inflation, regimes, jumps).
[[nodiscard]] NationalSpec read_national(Validator& v, const YAML::Node& node, const std::string& path);

/// One entry of `districts`, with its sectors. `national` is the already-read national block (its regime
/// chain is what a regime_switching model without `transition` follows); `history` years may not pass `base_year`.
[[nodiscard]] DistrictSpec read_district(Validator& v, const YAML::Node& node, const std::string& path,
                                         const NationalSpec& national, int base_year);

/// Reads `map[name]` as a model parameter (a number or a distribution, Validator::param) registered under the key
/// `key`.`name`. Returns `fallback` when absent (reporting it when `required`) or invalid.
[[nodiscard]] models::Param read_param(Validator& v, const YAML::Node& map, const std::string& path,
                                       const std::string& key, const std::string& name, const Range& range,
                                       bool required, models::Param fallback = {});

/// The [a-z0-9_]+ pattern of district, sector, shock and regime ids.
[[nodiscard]] bool is_valid_id(const std::string& id);

}  // namespace districtcast::scenario_detail
