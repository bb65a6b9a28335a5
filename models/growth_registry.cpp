#include "models/growth_model.hpp"

#include "models/registry.hpp"

namespace districtcast::models {

std::span<const GrowthModelEntry> growth_models() {
#define DISTRICTCAST_GROWTH_ENTRY(name) name##_growth_entry(),
  static const std::vector<GrowthModelEntry> entries{DISTRICTCAST_GROWTH_MODELS(DISTRICTCAST_GROWTH_ENTRY)};
#undef DISTRICTCAST_GROWTH_ENTRY
  return entries;
}

const GrowthModelEntry* find_growth_model(std::string_view name) { return find_entry(growth_models(), name); }

}  // namespace districtcast::models
