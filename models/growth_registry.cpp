#include "models/growth_model.hpp"

#include <algorithm>

namespace districtcast::models {

std::span<const GrowthModelEntry> growth_models() {
  static const std::vector<GrowthModelEntry> entries{
      lognormal_growth_entry(),
      ar1_growth_entry(),
  };
  return entries;
}

const GrowthModelEntry* find_growth_model(std::string_view name) {
  const auto models = growth_models();
  const auto it = std::find_if(models.begin(), models.end(), [&](const auto& e) { return e.name == name; });
  return it == models.end() ? nullptr : &*it;
}

}  // namespace districtcast::models
