#include "models/ar1_process.hpp"

namespace districtcast::models {

void Ar1Process::simulate(std::span<const double> innovations, std::span<double> path,
                          std::span<const double> parameters) const noexcept {
  const double mean = spec_.mean.at(parameters);
  const double persistence = spec_.persistence.at(parameters);
  const double volatility = spec_.volatility.at(parameters);
  double previous = initial(parameters);
  for (std::size_t t = 0; t < path.size(); ++t) {
    const double x = mean + persistence * (previous - mean) + volatility * innovations[t];
    path[t] = x;
    previous = x;
  }
}

}  // namespace districtcast::models
