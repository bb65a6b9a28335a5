#pragma once
/// \file A validated scenario: plain typed structs with every default resolved (docs/scenario-format.md).

#include "engine/correlation.hpp"
#include "engine/metric.hpp"
#include "models/ar1_process.hpp"
#include "models/firm_dynamics.hpp"
#include "models/growth_model.hpp"
#include "models/param_distribution.hpp"
#include "models/regime_chain.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace districtcast {

/// `national`: the common growth factor and inflation; each absent means "no effect".
struct NationalSpec {
  std::optional<models::Ar1Spec> growth;
  std::optional<models::Ar1Spec> inflation;
  /// `national.regimes`: the chain shared by every regime_switching model without its own `transition`.
  std::optional<models::RegimeChainSpec> regimes;
  /// `national.jumps`: jumps added to the growth of every district (each sector of a split district).
  std::optional<models::JumpSpec> jumps;
};

/// One entry of a district's `sectors`: a part of its economy with its own growth (and firms).
struct SectorSpec {
  std::string id;      ///< unique within the district; [a-z0-9_]
  std::string name;    ///< display name (defaults to id)
  double share = 0.0;  ///< share of the district's base-year GDP, in (0, 1]; shares sum to 1
  models::GrowthSpec growth;
  std::optional<models::FirmSpec> firms;
};

/// One entry of `districts`.
struct DistrictSpec {
  std::string id;      ///< unique; [a-z0-9_] identifier used in outputs
  std::string name;    ///< display name (defaults to id)
  double gdp = 0.0;    ///< base-year nominal GDP (> 0), in `units`
  models::GrowthSpec growth;              ///< unused when the district has sectors
  std::optional<models::FirmSpec> firms;  ///< unused when the district has sectors
  /// Sectors (empty: the district is one unit). GDP, growth and firms of the district are then totals.
  std::vector<SectorSpec> sectors;
  /// Correlation c in [0, 1] between the innovations of any two sectors: e_s = sqrt(c) eps_d + sqrt(1 - c) z_s.
  double sector_correlation = 0.0;
  /// `history`: observed nominal GDP by calendar year (<= base_year), for reports only; never simulated.
  std::map<int, double> history;
  /// True when some unit (the district or a sector) has firms, so the district reports firm metrics.
  [[nodiscard]] bool has_firms() const noexcept {
    if (sectors.empty()) return firms.has_value();
    for (const auto& s : sectors) {
      if (s.firms) return true;
    }
    return false;
  }
  /// Base-year firm stock of the district (sum over sectors); 0 without firms.
  [[nodiscard]] std::uint64_t firm_stock() const noexcept {
    if (sectors.empty()) return firms ? firms->stock : 0;
    std::uint64_t stock = 0;
    for (const auto& s : sectors) stock += s.firms ? s.firms->stock : 0;
    return stock;
  }
};

/// One entry of `scheduled_shocks`: fires once per path with `probability`; if it fires, growth of the
/// targeted units in year y >= year is changed by growth_impact * persistence^(y - year).
struct ScheduledShockSpec {
  std::string name;  ///< unique; [a-z0-9_]
  int year = 0;      ///< calendar year of the first hit, in base_year + 1 .. base_year + horizon
  models::Param probability;
  models::Param growth_impact;
  models::Param persistence;  ///< in [0, 1]: the share of the hit left one year later
  /// Targets: "district" (all its sectors) or "district.sector"; empty means every district.
  std::vector<std::string> targets;
};

/// One uncertain parameter (`key: {family: [args]}`), drawn once per path from its own stream.
struct UncertainParameter {
  /// Stable name, by ids: e.g. "nanshan.growth.mean", "nanshan.it.growth.regimes.slowdown.mean",
  /// "national.growth.volatility", "scheduled_shocks.export_controls.probability". Its stream scope is a
  /// hash of it, so the draws do not depend on the order of the file or on other parameters.
  std::string key;
  std::string path;  ///< where it was written, e.g. "districts[0].growth.mean"
  models::ParamDistribution distribution;
};

/// One entry of `correlation`: [a, b, rho].
struct CorrelationSpec {
  std::string a;
  std::string b;
  double rho = 0.0;
};

/// `correlation` with district ids resolved to indices into Scenario::districts.
/// Precondition: every id names a district (true for a validated scenario).
[[nodiscard]] std::vector<CorrelationEntry> resolve_correlation(const std::vector<DistrictSpec>& districts,
                                                                const std::vector<CorrelationSpec>& correlation);

/// One entry of `thresholds`: applies to every district that has `metric`.
struct ThresholdSpec {
  Metric metric = Metric::gdp;
  double value = 0.0;
  std::string label;  ///< defaults to "<metric> >= <value>"
};

/// One entry of `overtaking`: [district, other]. The run reports P(district's GDP > other's) per year and
/// the probability that district has been ahead in some year up to then (events.csv).
struct OvertakingSpec {
  std::string district;
  std::string other;
  friend bool operator==(const OvertakingSpec&, const OvertakingSpec&) = default;
};

/// `outputs`.
struct OutputSpec {
  std::vector<double> quantiles{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};  ///< strictly increasing, in (0, 1)
  int histogram_bins = 20;
};

/// `precision`: keep adding rounds of paths until the Monte Carlo error is small enough (convergence
/// control, docs/models.md "Precision").
struct PrecisionSpec {
  /// Stop when every chosen cell's relative MC standard error of the mean, mc_se / |mean|, is <= target.
  double target = 0.002;
  std::vector<Metric> metrics{Metric::gdp};  ///< cells checked: these metrics, every district and year
  std::uint64_t max_paths = 10'000'000;      ///< never simulate more than this many paths
};

/// How a scenario was put together (`extends`, `--set`, `sweep`). Not an assumption: two scenarios with
/// the same resolved content have the same scenario_sha256 however they were composed.
struct ScenarioProvenance {
  std::vector<std::string> files;      ///< the scenario file, then each file it extends (in chain order)
  std::vector<std::string> overrides;  ///< "key=value" overrides in the order applied (batch set, --set, flags)
  std::string variant_of;              ///< for a sweep variant: the swept scenario's name; else empty
  /// For a sweep variant: each swept key (as written under sweep.over) and its value (YAML text).
  std::vector<std::pair<std::string, std::string>> sweep_point;
};

/// A complete, validated scenario. Produced only by load_scenario(); everything downstream trusts it.
struct Scenario {
  std::string name;         ///< [A-Za-z0-9_.-]+, used as the output directory name
  std::string description;
  int base_year = 0;        ///< last observed year; year t = 1..horizon is base_year + t
  int horizon = 0;          ///< number of simulated years
  std::uint64_t paths = 100000;
  std::uint64_t seed = 1;
  std::string units = "billion CNY";
  NationalSpec national;
  std::vector<DistrictSpec> districts;
  std::vector<CorrelationSpec> correlation;
  std::vector<ThresholdSpec> thresholds;
  /// Resolved `overtaking` pairs: as listed, or (key absent) every ordered pair of districts when there
  /// are at most kMaxDefaultOvertakingDistricts of them.
  std::vector<OvertakingSpec> overtaking;
  OutputSpec outputs;
  std::optional<PrecisionSpec> precision;  ///< absent: run exactly `paths` paths
  /// Antithetic pairs: path 2i + 1 uses the negated innovations of path 2i (docs/models.md); every path
  /// count (paths, max_paths) is then even.
  bool antithetic = false;
  std::vector<ScheduledShockSpec> scheduled_shocks;
  /// Every uncertain parameter, in file order; Param::slot indexes this list.
  std::vector<UncertainParameter> parameters;
  ScenarioProvenance provenance;
};

}  // namespace districtcast
