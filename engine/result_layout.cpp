#include "engine/result_layout.hpp"

#include <stdexcept>

namespace districtcast {

ResultLayout::ResultLayout(const Scenario& scenario)
    : horizon_(static_cast<std::size_t>(scenario.horizon)),
      base_year_(scenario.base_year),
      antithetic_(scenario.antithetic) {
  for (std::size_t d = 0; d < scenario.districts.size(); ++d) {
    const DistrictSpec& district = scenario.districts[d];
    for (Metric m : kAllMetrics) {
      if ((is_firm_metric(m) && !district.has_firms()) || m == Metric::gdp_share) continue;
      std::optional<double> base;
      if (m == Metric::gdp) base = district.gdp;
      if (m == Metric::firm_stock) base = static_cast<double>(district.firm_stock());
      series_.push_back(SeriesKey{d, std::nullopt, m, base});
    }
    for (std::size_t k = 0; k < district.sectors.size(); ++k) {
      const SectorSpec& sector = district.sectors[k];
      for (Metric m : kAllMetrics) {
        if (is_firm_metric(m) && !sector.firms) continue;
        std::optional<double> base;
        if (m == Metric::gdp) base = district.gdp * sector.share;
        if (m == Metric::gdp_share) base = sector.share;
        if (m == Metric::firm_stock) base = static_cast<double>(sector.firms->stock);
        series_.push_back(SeriesKey{d, k, m, base});
      }
    }
  }
  add_drivers(scenario);
  for (std::size_t t = 0; t < scenario.thresholds.size(); ++t) {
    const ThresholdSpec& threshold = scenario.thresholds[t];
    const std::size_t first_of_threshold = thresholds_.size();
    for (std::size_t s = 0; s < series_.size(); ++s) {
      if (series_[s].metric != threshold.metric || series_[s].sector) continue;
      const bool at_base = series_[s].base_value && *series_[s].base_value >= threshold.value;
      thresholds_.push_back(ThresholdSeries{t, s, threshold.value, at_base});
    }
    if (thresholds_.size() > first_of_threshold) {
      clubs_.push_back(ClubSeries{t, first_of_threshold, thresholds_.size() - first_of_threshold});
    }
  }
  const auto district_index = [&](const std::string& id) {
    for (std::size_t d = 0; d < scenario.districts.size(); ++d) {
      if (scenario.districts[d].id == id) return d;
    }
    throw std::invalid_argument("overtaking: unknown district " + id);
  };
  for (const OvertakingSpec& pair : scenario.overtaking) {
    const std::size_t a = district_index(pair.district);
    const std::size_t b = district_index(pair.other);
    overtaking_.push_back(OvertakingSeries{a, b, *find_series(a, Metric::gdp), *find_series(b, Metric::gdp),
                                           scenario.districts[a].gdp > scenario.districts[b].gdp});
  }
}

std::optional<std::size_t> ResultLayout::find_series(std::size_t district, Metric metric) const noexcept {
  for (std::size_t s = 0; s < series_.size(); ++s) {
    if (series_[s].district == district && !series_[s].sector && series_[s].metric == metric) return s;
  }
  return std::nullopt;
}

std::optional<std::size_t> ResultLayout::find_sector_series(std::size_t district, std::size_t sector,
                                                            Metric metric) const noexcept {
  for (std::size_t s = 0; s < series_.size(); ++s) {
    if (series_[s].district == district && series_[s].sector == sector && series_[s].metric == metric) return s;
  }
  return std::nullopt;
}

std::optional<std::size_t> ResultLayout::find_driver(DriverKind kind, std::string_view name,
                                                     std::string_view detail) const noexcept {
  for (std::size_t i = 0; i < drivers_.size(); ++i) {
    const DriverSeries& d = drivers_[i];
    if (d.kind == kind && d.name == name && (kind != DriverKind::regime || d.detail == detail)) return i;
  }
  return std::nullopt;
}

void ResultLayout::add_drivers(const Scenario& scenario) {
  const auto add_chain = [&](const std::string& name, const models::RegimeChainSpec& chain) {
    for (const std::string& regime : chain.regimes) drivers_.push_back(DriverSeries{DriverKind::regime, name, regime});
  };
  const auto for_each_unit = [&](const auto& visit) {
    for (const DistrictSpec& d : scenario.districts) {
      if (d.sectors.empty()) visit(d.id, d.growth);
      for (const SectorSpec& sector : d.sectors) visit(d.id + "." + sector.id, sector.growth);
    }
  };
  if (scenario.national.regimes) add_chain("national", *scenario.national.regimes);
  for_each_unit([&](const std::string& unit, const models::GrowthSpec& g) {
    if (g.model == "regime_switching" && !g.national_chain) add_chain(unit, g.chain);
  });
  if (scenario.national.jumps) drivers_.push_back(DriverSeries{DriverKind::jumps, "national", ""});
  for_each_unit([&](const std::string& unit, const models::GrowthSpec& g) {
    if (g.jumps) drivers_.push_back(DriverSeries{DriverKind::jumps, unit, ""});
  });
  for (std::size_t k = 0; k < scenario.scheduled_shocks.size(); ++k) {
    drivers_.push_back(DriverSeries{DriverKind::scheduled_shock, scenario.scheduled_shocks[k].name, "", k});
  }
  for (std::size_t k = 0; k < scenario.parameters.size(); ++k) {
    const UncertainParameter& p = scenario.parameters[k];
    drivers_.push_back(DriverSeries{DriverKind::parameter, p.key, p.distribution.describe(), k});
  }
}

std::string_view to_string(DriverKind kind) noexcept {
  switch (kind) {
    case DriverKind::regime: return "regime";
    case DriverKind::jumps: return "jumps";
    case DriverKind::scheduled_shock: return "scheduled_shock";
    case DriverKind::parameter: return "parameter";
  }
  return "?";
}

}  // namespace districtcast
