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

PathWorkspace Simulation::make_workspace(std::size_t capacity) const {
  const std::size_t cells = districts_.size() * horizon_;
  PathWorkspace work;
  work.capacity = capacity;
  work.draws.resize((2 + districts_.size()) * horizon_ * capacity);
  work.national_innovations.resize(horizon_);
  work.national_deviation.assign(horizon_, 0.0);
  work.inflation.assign(horizon_, 0.0);
  work.shocks.resize(cells);
  work.cohorts.resize(horizon_ + 1);
  return work;
}

void Simulation::draw_innovations(std::uint64_t seed, std::uint64_t first, std::size_t count,
                                  PathWorkspace& work) const {
  const auto first_path = static_cast<std::uint32_t>(first);
  work.batch = count;
  const auto draw = [&](const models::ShockSpec& shocks, std::uint32_t scope, Variable variable, std::size_t series,
                        std::size_t t) {
    const std::span<double> out = std::span<double>(work.draws).subspan(draw_index(work, series, t, 0), count);
    const auto year = static_cast<std::uint32_t>(t + 1);
    models::draw_shocks(shocks, seed, first_path, scope, variable, year, out);
    if (!scenario_.antithetic) return;
    // Path 2i + 1 takes the negated innovation of path 2i (its own draw above is discarded).
    for (std::size_t k = 0; k < count; ++k) {
      if ((first_path + k) % 2 == 0) continue;
      out[k] = k > 0 ? -out[k - 1] : -models::draw_shock(shocks, seed, first_path - 1, scope, variable, year);
    }
  };
  for (std::size_t t = 0; t < horizon_; ++t) {
    if (national_growth_) {
      draw(national_growth_->spec().shocks, kNationalScope, Variable::national_growth, kNationalSeries, t);
    }
    if (inflation_) draw(inflation_->spec().shocks, kNationalScope, Variable::inflation, kInflationSeries, t);
    for (std::size_t d = 0; d < districts_.size(); ++d) {
      draw(districts_[d].shocks, districts_[d].scope, Variable::district_shock, kFirstDistrictSeries + d, t);
    }
  }
}

void Simulation::national_paths(std::size_t k, PathWorkspace& work) const {
  const auto gather = [&](std::size_t series) {
    for (std::size_t t = 0; t < horizon_; ++t) work.national_innovations[t] = work.draws[draw_index(work, series, t, k)];
  };
  if (national_growth_) {
    gather(kNationalSeries);
    national_growth_->simulate(work.national_innovations, work.national_deviation);
    for (double& n : work.national_deviation) n -= national_growth_->spec().mean;
  }
  if (inflation_) {
    gather(kInflationSeries);
    inflation_->simulate(work.national_innovations, work.inflation);
  }
}

void Simulation::district_shocks(std::size_t k, PathWorkspace& work) const {
  const std::size_t n = districts_.size();
  const double* z = work.draws.data() + draw_index(work, kFirstDistrictSeries, 0, k);  // z(d, t) = z[(d H + t) batch]
  const std::size_t stride = work.batch;
  if (!cholesky_) {
    for (std::size_t i = 0; i < n * horizon_; ++i) work.shocks[i] = z[i * stride];
    return;
  }
  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t t = 0; t < horizon_; ++t) {
      double eps = 0.0;
      for (std::size_t j = 0; j <= d; ++j) eps += cholesky_->at(d, j) * z[(j * horizon_ + t) * stride];
      work.shocks[d * horizon_ + t] = eps;
    }
  }
}

void Simulation::simulate_paths(std::uint64_t seed, std::uint64_t first, std::size_t count, PathWorkspace& work,
                                std::span<double> values) const {
  if (count > work.capacity) throw std::invalid_argument("simulate_paths: more paths than the workspace holds");
  const std::size_t cells = layout_.cell_count();
  draw_innovations(seed, first, count, work);
  for (std::size_t k = 0; k < count; ++k) {
    national_paths(k, work);
    district_shocks(k, work);
    simulate_one(seed, first + k, work, values.subspan(k * cells, cells));
  }
}

void Simulation::simulate_path(std::uint64_t seed, std::uint64_t path, PathWorkspace& work,
                               std::span<double> values) const {
  simulate_paths(seed, path, 1, work, values);
}

void Simulation::simulate_one(std::uint64_t seed, std::uint64_t path, PathWorkspace& work,
                              std::span<double> values) const {
  const PathStreams streams(seed, path);
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
