#include "models/firm_dynamics.hpp"

#include "models/count_sampling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace districtcast::models {

FirmDynamics::FirmDynamics(const FirmSpec& spec, double growth_mean) : spec_(spec), growth_mean_(growth_mean) {
  const BirthsModelEntry* entry = find_births_model(spec.births.model);
  if (entry == nullptr) throw std::invalid_argument("unknown births model: " + spec.births.model);
  if (spec.exit_hazard.empty()) throw std::invalid_argument("exit_hazard must not be empty");
  births_ = entry->make(spec.births);
}

double FirmDynamics::baseline_births(int year, std::span<const double> parameters) const noexcept {
  const auto& b = spec_.births;
  return b.rate.at(parameters) * std::pow(1.0 + b.trend.at(parameters), year - 1);
}

double FirmDynamics::expected_births(int year, double growth, std::span<const double> parameters) const noexcept {
  return baseline_births(year, parameters) *
         std::exp(spec_.births.gdp_elasticity.at(parameters) * (growth - growth_mean_));
}

double FirmDynamics::hazard(std::size_t age) const noexcept {
  const auto& h = spec_.exit_hazard;
  if (age == 0 || age >= h.size()) return h.back();
  return h[age - 1];
}

std::size_t FirmDynamics::simulate(const PathStreams& streams, std::uint32_t scope, std::span<double> growth,
                                   std::span<const double> parameters, std::span<std::uint64_t> cohorts,
                                   const FirmPath& out) const {
  constexpr auto kMaxCount = static_cast<std::uint64_t>(kMaxFirmCount);
  const std::size_t horizon = growth.size();
  std::fill(cohorts.begin(), cohorts.begin() + static_cast<std::ptrdiff_t>(horizon + 1), 0);
  cohorts[0] = spec_.stock;
  std::uint64_t stock = spec_.stock;
  for (std::size_t t = 1; t <= horizon; ++t) {
    const auto year = static_cast<std::uint32_t>(t);
    RandomStream exits_stream = streams.stream(scope, Variable::firm_exits, year);
    std::uint64_t exits = 0;
    for (std::size_t s = 0; s < t; ++s) {
      if (cohorts[s] == 0) continue;
      const std::size_t age = s == 0 ? 0 : t - s;
      const std::uint64_t leaving = draw_binomial(cohorts[s], hazard(age), exits_stream);
      cohorts[s] -= leaving;
      exits += leaving;
    }
    if (spec_.feedback && t > static_cast<std::size_t>(spec_.feedback->lag)) {
      const std::size_t source = t - static_cast<std::size_t>(spec_.feedback->lag);  // year whose births count
      const double baseline = baseline_births(static_cast<int>(source), parameters);
      growth[t - 1] += spec_.feedback->elasticity.at(parameters) *
                       std::log((1.0 + out.births[source - 1]) / (1.0 + baseline));
    }
    RandomStream births_stream = streams.stream(scope, Variable::firm_births, year);
    const double expected = expected_births(static_cast<int>(t), growth[t - 1], parameters);
    const auto overflow = [&] {
      // Counts no longer exact (or a mean the samplers reject): stop the path; the caller excludes it.
      const double nan = std::numeric_limits<double>::quiet_NaN();
      for (std::size_t s = t - 1; s < horizon; ++s) out.births[s] = out.exits[s] = out.stock[s] = nan;
      return t;
    };
    if (!(expected <= kMaxExpectedBirths)) [[unlikely]] return overflow();
    const std::uint64_t births = births_->draw(expected, births_stream);
    // stock <= 2^53 from the year before and births < 2^64 - 2^53 (draw_poisson saturates): no wrap-around.
    if (births > kMaxCount) [[unlikely]] return overflow();
    cohorts[t] = births;
    stock = stock - exits + births;
    if (stock > kMaxCount) [[unlikely]] return overflow();
    out.births[t - 1] = static_cast<double>(births);
    out.exits[t - 1] = static_cast<double>(exits);
    out.stock[t - 1] = static_cast<double>(stock);
  }
  return 0;
}

}  // namespace districtcast::models
