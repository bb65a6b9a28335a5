#include "models/births_model.hpp"

#include <algorithm>

namespace districtcast::models {

std::span<const BirthsModelEntry> births_models() {
  static const std::vector<BirthsModelEntry> entries{
      poisson_births_entry(),
      negative_binomial_births_entry(),
  };
  return entries;
}

const BirthsModelEntry* find_births_model(std::string_view name) {
  const auto models = births_models();
  const auto it = std::find_if(models.begin(), models.end(), [&](const auto& e) { return e.name == name; });
  return it == models.end() ? nullptr : &*it;
}

}  // namespace districtcast::models
