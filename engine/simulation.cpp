#include "engine/simulation.hpp"

#include "engine/random_stream.hpp"
#include "models/shocks.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace districtcast {

Simulation::Simulation(const Scenario& scenario)
    : scenario_(scenario), layout_(scenario_), horizon_(static_cast<std::size_t>(scenario.horizon)) {
  if (scenario_.national.growth) national_growth_.emplace(*scenario_.national.growth);
  if (scenario_.national.inflation) inflation_.emplace(*scenario_.national.inflation);
  for (std::size_t d = 0; d < scenario_.districts.size(); ++d) {
    const DistrictSpec& spec = scenario_.districts[d];
    const models::GrowthModelEntry* entry = models::find_growth_model(spec.growth.model);
    if (entry == nullptr) throw std::invalid_argument("unknown growth model " + spec.growth.model);
    DistrictModel model;
    model.id = spec.id;
    model.scope = district_scope(spec.id);
    model.base_gdp = spec.gdp;
    model.shocks = spec.growth.shocks;
    model.growth = entry->make(spec.growth);
    model.gdp_series = *layout_.find_series(d, Metric::gdp);
    model.growth_series = *layout_.find_series(d, Metric::gdp_growth);
    if (spec.firms) {
      model.firms.emplace(*spec.firms, spec.growth.mean);
      model.births_series = *layout_.find_series(d, Metric::firm_births);
      model.exits_series = *layout_.find_series(d, Metric::firm_exits);
      model.stock_series = *layout_.find_series(d, Metric::firm_stock);
    }
    districts_.push_back(std::move(model));
  }
  if (!scenario_.correlation.empty()) {
    const SquareMatrix matrix =
        correlation_matrix(districts_.size(), resolve_correlation(scenario_.districts, scenario_.correlation));
    CholeskyResult factor = cholesky_semidefinite(matrix);
    if (!factor.lower) throw std::invalid_argument("correlation matrix: " + factor.problem);
    cholesky_ = std::move(factor.lower);
  }
}

PathWorkspace Simulation::make_workspace() const {
  const std::size_t cells = districts_.size() * horizon_;
  return PathWorkspace{std::vector<double>(horizon_),   std::vector<double>(horizon_, 0.0),
                       std::vector<double>(horizon_, 0.0), std::vector<double>(cells),
                       std::vector<double>(cells),      std::vector<std::uint64_t>(horizon_ + 1)};
}

void Simulation::draw_national(const PathStreams& streams, PathWorkspace& work) const {
  if (national_growth_) {
    const auto& spec = national_growth_->spec();
    for (std::size_t t = 0; t < horizon_; ++t) {
      RandomStream s = streams.stream(kNationalScope, Variable::national_growth, static_cast<std::uint32_t>(t + 1));
      work.national_innovations[t] = models::draw_shock(spec.shocks, s);
    }
    national_growth_->simulate(work.national_innovations, work.national_deviation);
    for (double& n : work.national_deviation) n -= spec.mean;
  }
  if (inflation_) {
    for (std::size_t t = 0; t < horizon_; ++t) {
      RandomStream s = streams.stream(kNationalScope, Variable::inflation, static_cast<std::uint32_t>(t + 1));
      work.national_innovations[t] = models::draw_shock(inflation_->spec().shocks, s);
    }
    inflation_->simulate(work.national_innovations, work.inflation);
  }
}

void Simulation::draw_district_shocks(const PathStreams& streams, PathWorkspace& work) const {
  const std::size_t n = districts_.size();
  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t t = 0; t < horizon_; ++t) {
      RandomStream s = streams.stream(districts_[d].scope, Variable::district_shock, static_cast<std::uint32_t>(t + 1));
      work.raw_shocks[d * horizon_ + t] = models::draw_shock(districts_[d].shocks, s);
    }
  }
  if (!cholesky_) {
    std::copy(work.raw_shocks.begin(), work.raw_shocks.end(), work.shocks.begin());
    return;
  }
  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t t = 0; t < horizon_; ++t) {
      double eps = 0.0;
      for (std::size_t k = 0; k <= d; ++k) eps += cholesky_->at(d, k) * work.raw_shocks[k * horizon_ + t];
      work.shocks[d * horizon_ + t] = eps;
    }
  }
}

void Simulation::simulate_path(std::uint64_t seed, std::uint64_t path, PathWorkspace& work,
                               std::span<double> values) const {
  const PathStreams streams(seed, path);
  draw_national(streams, work);
  draw_district_shocks(streams, work);
  const double deviation_0 =
      national_growth_ ? national_growth_->initial() - national_growth_->spec().mean : 0.0;
  for (std::size_t d = 0; d < districts_.size(); ++d) {
    const DistrictModel& district = districts_[d];
    const std::span<double> growth = values.subspan(layout_.cell(district.growth_series, 1), horizon_);
    const models::GrowthInputs inputs{
        std::span<const double>(work.shocks).subspan(d * horizon_, horizon_), work.national_deviation, deviation_0};
    district.growth->simulate(inputs, growth);
    const std::span<double> gdp = values.subspan(layout_.cell(district.gdp_series, 1), horizon_);
    double level = district.base_gdp;
    for (std::size_t t = 0; t < horizon_; ++t) {
      level *= std::exp(growth[t] + work.inflation[t]);
      gdp[t] = level;
    }
    if (!std::isfinite(level) || !(level > 0.0)) [[unlikely]] {
      const auto bad = std::find_if(gdp.begin(), gdp.end(), [](double y) { return !std::isfinite(y) || !(y > 0.0); });
      throw std::overflow_error(fmt::format(
          "district '{}': gdp leaves the range of double precision ({}) in {} on path {}; growth, volatility or "
          "horizon is too large",
          district.id, *bad, scenario_.base_year + 1 + (bad - gdp.begin()), path));
    }
    if (district.firms) {
      const models::FirmPath out{values.subspan(layout_.cell(district.births_series, 1), horizon_),
                                 values.subspan(layout_.cell(district.exits_series, 1), horizon_),
                                 values.subspan(layout_.cell(district.stock_series, 1), horizon_)};
      try {
        district.firms->simulate(streams, district.scope, growth, work.cohorts, out);
      } catch (const std::overflow_error& e) {
        throw std::overflow_error(fmt::format("district '{}': {} on path {}", district.id, e.what(), path));
      }
    }
  }
}

}  // namespace districtcast
