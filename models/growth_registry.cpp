#include "models/growth_model.hpp"

#include <algorithm>

namespace districtcast::models {

std::span<const GrowthModelEntry> growth_models() {
#define DISTRICTCAST_GROWTH_ENTRY(name) name##_growth_entry(),
  static const std::vector<GrowthModelEntry> entries{DISTRICTCAST_GROWTH_MODELS(DISTRICTCAST_GROWTH_ENTRY)};
#undef DISTRICTCAST_GROWTH_ENTRY
  return entries;
}

const GrowthModelEntry* find_growth_model(std::string_view name) {
  const auto models = growth_models();
  const auto it = std::find_if(models.begin(), models.end(), [&](const auto& e) { return e.name == name; });
  return it == models.end() ? nullptr : &*it;
}

}  // namespace districtcast::models
