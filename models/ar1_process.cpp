#include "models/ar1_process.hpp"

namespace districtcast::models {

void Ar1Process::simulate(std::span<const double> innovations, std::span<double> path) const noexcept {
  double previous = initial();
  for (std::size_t t = 0; t < path.size(); ++t) {
    const double x = spec_.mean + spec_.persistence * (previous - spec_.mean) + spec_.volatility * innovations[t];
    path[t] = x;
    previous = x;
  }
}

}  // namespace districtcast::models
