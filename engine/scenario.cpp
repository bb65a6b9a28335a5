#include "engine/scenario.hpp"

#include <algorithm>
#include <stdexcept>

namespace districtcast {

std::vector<CorrelationEntry> resolve_correlation(const std::vector<DistrictSpec>& districts,
                                                  const std::vector<CorrelationSpec>& correlation) {
  const auto index_of = [&](const std::string& id) {
    const auto it = std::find_if(districts.begin(), districts.end(), [&](const DistrictSpec& d) { return d.id == id; });
    if (it == districts.end()) throw std::invalid_argument("unknown district " + id);
    return static_cast<std::size_t>(it - districts.begin());
  };
  std::vector<CorrelationEntry> entries;
  for (const auto& c : correlation) entries.push_back(CorrelationEntry{index_of(c.a), index_of(c.b), c.rho});
  return entries;
}

}  // namespace districtcast
