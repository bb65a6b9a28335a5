#include "models/births_model.hpp"

#include <algorithm>

namespace districtcast::models {

std::span<const BirthsModelEntry> births_models() {
#define DISTRICTCAST_BIRTHS_ENTRY(name) name##_births_entry(),
  static const std::vector<BirthsModelEntry> entries{DISTRICTCAST_BIRTHS_MODELS(DISTRICTCAST_BIRTHS_ENTRY)};
#undef DISTRICTCAST_BIRTHS_ENTRY
  return entries;
}

const BirthsModelEntry* find_births_model(std::string_view name) {
  const auto models = births_models();
  const auto it = std::find_if(models.begin(), models.end(), [&](const auto& e) { return e.name == name; });
  return it == models.end() ? nullptr : &*it;
}

}  // namespace districtcast::models
