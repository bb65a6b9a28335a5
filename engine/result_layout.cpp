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
      if (is_firm_metric(m) && !district.firms) continue;
      std::optional<double> base;
      if (m == Metric::gdp) base = district.gdp;
      if (m == Metric::firm_stock) base = static_cast<double>(district.firms->stock);
      series_.push_back(SeriesKey{d, m, base});
    }
  }
  for (std::size_t t = 0; t < scenario.thresholds.size(); ++t) {
    const ThresholdSpec& threshold = scenario.thresholds[t];
    const std::size_t first_of_threshold = thresholds_.size();
    for (std::size_t s = 0; s < series_.size(); ++s) {
      if (series_[s].metric != threshold.metric) continue;
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
    if (series_[s].district == district && series_[s].metric == metric) return s;
  }
  return std::nullopt;
}

}  // namespace districtcast
