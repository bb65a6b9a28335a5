#include "models/births_model.hpp"

#include "models/registry.hpp"

namespace districtcast::models {

std::span<const BirthsModelEntry> births_models() {
#define DISTRICTCAST_BIRTHS_ENTRY(name) name##_births_entry(),
  static const std::vector<BirthsModelEntry> entries{DISTRICTCAST_BIRTHS_MODELS(DISTRICTCAST_BIRTHS_ENTRY)};
#undef DISTRICTCAST_BIRTHS_ENTRY
  return entries;
}

const BirthsModelEntry* find_births_model(std::string_view name) { return find_entry(births_models(), name); }

}  // namespace districtcast::models
