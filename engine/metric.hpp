#pragma once
/// \file The result metrics of a district.

#include <array>
#include <optional>
#include <string_view>

namespace districtcast {

/// A per-district, per-year quantity the engine reports.
enum class Metric {
  gdp,          ///< nominal GDP level Y_{d,t}, in the scenario's units
  gdp_growth,   ///< real log growth g_{d,t}
  gdp_share,    ///< a sector's share of its district's GDP (sector series only)
  firm_births,  ///< firms born in year t
  firm_exits,   ///< firms that exited in year t
  firm_stock,   ///< active firms at the end of year t
};

/// Every metric, in output order.
inline constexpr std::array<Metric, 6> kAllMetrics{Metric::gdp,         Metric::gdp_growth, Metric::gdp_share,
                                                   Metric::firm_births, Metric::firm_exits, Metric::firm_stock};

/// Name used in scenario files and outputs ("gdp", "gdp_growth", ...).
[[nodiscard]] constexpr std::string_view to_string(Metric m) noexcept {
  switch (m) {
    case Metric::gdp: return "gdp";
    case Metric::gdp_growth: return "gdp_growth";
    case Metric::gdp_share: return "gdp_share";
    case Metric::firm_births: return "firm_births";
    case Metric::firm_exits: return "firm_exits";
    case Metric::firm_stock: return "firm_stock";
  }
  return "?";
}

/// Inverse of to_string; nullopt for an unknown name.
[[nodiscard]] constexpr std::optional<Metric> metric_from_string(std::string_view name) noexcept {
  for (Metric m : kAllMetrics) {
    if (to_string(m) == name) return m;
  }
  return std::nullopt;
}

/// True for metrics that need a district `firms` block.
[[nodiscard]] constexpr bool is_firm_metric(Metric m) noexcept {
  return m == Metric::firm_births || m == Metric::firm_exits || m == Metric::firm_stock;
}

/// True for stock (level) metrics, which have a known base-year value.
[[nodiscard]] constexpr bool is_level_metric(Metric m) noexcept {
  return m == Metric::gdp || m == Metric::firm_stock;
}

}  // namespace districtcast
