#include "engine/numeric_faults.hpp"

#include <algorithm>

namespace districtcast {

void NumericFaults::record(std::size_t site, FaultKind kind, std::uint64_t path, std::size_t year) {
  if (records_.size() < (site + 1) * kFaultKinds) records_.resize((site + 1) * kFaultKinds);
  FaultRecord& r = records_[site * kFaultKinds + static_cast<std::size_t>(kind)];
  ++r.paths;
  r.first_path = std::min(r.first_path, path);
  r.first_year = std::min(r.first_year, static_cast<std::uint32_t>(year));
}

void NumericFaults::merge(const NumericFaults& other) {
  if (records_.size() < other.records_.size()) records_.resize(other.records_.size());
  for (std::size_t i = 0; i < other.records_.size(); ++i) {
    const FaultRecord& b = other.records_[i];
    FaultRecord& a = records_[i];
    a.paths += b.paths;
    a.first_path = std::min(a.first_path, b.first_path);
    a.first_year = std::min(a.first_year, b.first_year);
  }
  excluded_ += other.excluded_;
}

bool NumericFaults::any() const noexcept {
  return std::any_of(records_.begin(), records_.end(), [](const FaultRecord& r) { return r.paths > 0; });
}

FaultRecord NumericFaults::at(std::size_t site, FaultKind kind) const noexcept {
  const std::size_t i = site * kFaultKinds + static_cast<std::size_t>(kind);
  return i < records_.size() ? records_[i] : FaultRecord{};
}

}  // namespace districtcast
