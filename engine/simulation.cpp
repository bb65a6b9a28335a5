#include "engine/simulation.hpp"

#include "engine/progress.hpp"
#include "engine/random_stream.hpp"
#include "models/count_sampling.hpp"
#include "models/shocks.hpp"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace districtcast {
namespace {

/// A uniform in [0, 1) from a stream (Boost uniform_01 on one 32-bit word: steps of 2^-32).
double uniform(RandomStream& stream) { return boost::random::uniform_01<double>()(stream); }

/// Sum of the jumps of one year: N ~ Poisson(rate) jumps of size ~ Normal(size_mean, size_sd), drawn from
/// (scope, jump_count | jump_size, year). Sets `count` to N.
double draw_jumps(const models::JumpSpec& jumps, const PathStreams& streams, std::uint32_t scope, std::uint32_t year,
                  std::span<const double> parameters, std::uint64_t& count) {
  RandomStream count_stream = streams.stream(scope, Variable::jump_count, year);
  count = models::draw_poisson(jumps.rate.at(parameters), count_stream);
  if (count == 0) return 0.0;
  const auto n = static_cast<double>(count);
  const double sd = jumps.size_sd.at(parameters);
  double total = n * jumps.size_mean.at(parameters);
  if (sd > 0.0) {
    // The sum of n independent Normal(m, sd) sizes is Normal(n m, n sd^2): one draw.
    RandomStream size_stream = streams.stream(scope, Variable::jump_size, year);
    total += std::sqrt(n) * sd * boost::random::normal_distribution<double>()(size_stream);
  }
  return total;
}

}  // namespace

Simulation::Simulation(const Scenario& scenario)
    : scenario_(scenario), layout_(scenario_), horizon_(static_cast<std::size_t>(scenario.horizon)) {
  if (scenario_.national.growth) national_growth_.emplace(*scenario_.national.growth);
  if (scenario_.national.inflation) inflation_.emplace(*scenario_.national.inflation);
  const auto driver = [&](DriverKind kind, const std::string& name, const std::string& detail = {}) {
    const auto found = layout_.find_driver(kind, name, detail);
    if (!found) throw std::logic_error("simulation: no driver series for " + name);
    return layout_.driver_series(*found);
  };
  const auto add_chain = [&](const models::RegimeChainSpec& spec, std::uint32_t scope, const std::string& name) {
    chains_.push_back(ChainModel{models::RegimeChain(spec), scope, driver(DriverKind::regime, name, spec.regimes.front())});
    return chains_.size() - 1;
  };
  if (scenario_.national.regimes) add_chain(*scenario_.national.regimes, kNationalScope, "national");
  if (scenario_.national.jumps) national_jumps_driver_ = driver(DriverKind::jumps, "national");
  draw_series_ = kFirstDistrictSeries + scenario_.districts.size();

  const auto make_unit = [&](const std::string& label, std::size_t d, double base_gdp, const models::GrowthSpec& growth,
                             const std::optional<models::FirmSpec>& firms) {
    const models::GrowthModelEntry* entry = models::find_growth_model(growth.model);
    if (entry == nullptr) throw std::invalid_argument("unknown growth model " + growth.model);
    UnitModel unit;
    unit.label = label;
    unit.district = d;
    unit.scope = district_scope(label);
    unit.base_gdp = base_gdp;
    unit.shocks = growth.shocks;
    unit.growth = entry->make(growth);
    unit.jumps = growth.jumps;
    if (growth.jumps) unit.jumps_driver = driver(DriverKind::jumps, label);
    if (growth.model == "regime_switching") {
      unit.chain = growth.national_chain ? std::size_t{0} : add_chain(growth.chain, unit.scope, label);
    }
    if (firms) unit.firms.emplace(*firms, unit.growth->mean());
    for (std::size_t k = 0; k < scenario_.scheduled_shocks.size(); ++k) {
      const auto& targets = scenario_.scheduled_shocks[k].targets;
      const std::string& district_id = scenario_.districts[d].id;
      if (targets.empty() || std::find(targets.begin(), targets.end(), label) != targets.end() ||
          std::find(targets.begin(), targets.end(), district_id) != targets.end()) {
        unit.scheduled_shocks.push_back(k);
      }
    }
    return unit;
  };
  for (std::size_t d = 0; d < scenario_.districts.size(); ++d) {
    const DistrictSpec& spec = scenario_.districts[d];
    DistrictModel district;
    district.id = spec.id;
    district.scope = district_scope(spec.id);
    district.base_gdp = spec.gdp;
    district.first_unit = units_.size();
    district.split = !spec.sectors.empty();
    district.gdp_series = *layout_.find_series(d, Metric::gdp);
    district.growth_series = *layout_.find_series(d, Metric::gdp_growth);
    district.has_firms = spec.has_firms();
    if (district.has_firms) {
      district.births_series = *layout_.find_series(d, Metric::firm_births);
      district.exits_series = *layout_.find_series(d, Metric::firm_exits);
      district.stock_series = *layout_.find_series(d, Metric::firm_stock);
    }
    if (!district.split) {
      district.shocks = spec.growth.shocks;
      UnitModel unit = make_unit(spec.id, d, spec.gdp, spec.growth, spec.firms);
      unit.gdp_series = district.gdp_series;
      unit.growth_series = district.growth_series;
      unit.births_series = district.births_series;
      unit.exits_series = district.exits_series;
      unit.stock_series = district.stock_series;
      units_.push_back(std::move(unit));
    } else {
      district.common_loading = std::sqrt(spec.sector_correlation);
      district.own_loading = std::sqrt(1.0 - spec.sector_correlation);
      for (std::size_t k = 0; k < spec.sectors.size(); ++k) {
        const SectorSpec& sector = spec.sectors[k];
        UnitModel unit = make_unit(spec.id + "." + sector.id, d, spec.gdp * sector.share, sector.growth, sector.firms);
        unit.sector = true;
        unit.idiosyncratic_series = draw_series_++;
        unit.gdp_series = *layout_.find_sector_series(d, k, Metric::gdp);
        unit.growth_series = *layout_.find_sector_series(d, k, Metric::gdp_growth);
        unit.share_series = layout_.find_sector_series(d, k, Metric::gdp_share);
        if (sector.firms) {
          unit.births_series = *layout_.find_sector_series(d, k, Metric::firm_births);
          unit.exits_series = *layout_.find_sector_series(d, k, Metric::firm_exits);
          unit.stock_series = *layout_.find_sector_series(d, k, Metric::firm_stock);
        }
        units_.push_back(std::move(unit));
      }
    }
    district.unit_count = units_.size() - district.first_unit;
    districts_.push_back(std::move(district));
  }
  for (DistrictModel& district : districts_) {
    if (district.split) district.fault_site = units_.size() + split_districts_++;
  }
  for (const ScheduledShockSpec& shock : scenario_.scheduled_shocks) {
    shock_drivers_.push_back(driver(DriverKind::scheduled_shock, shock.name));
    shock_scopes_.push_back(name_scope("scheduled_shocks." + shock.name));
    shock_first_years_.push_back(static_cast<std::size_t>(shock.year - scenario_.base_year));
  }
  for (const UncertainParameter& p : scenario_.parameters) parameter_scopes_.push_back(name_scope(p.key));
  if (!scenario_.parameters.empty()) first_parameter_driver_ = driver(DriverKind::parameter, scenario_.parameters.front().key);
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
  work.draws.resize(draw_series_ * horizon_ * capacity);
  work.national_innovations.resize(horizon_);
  work.national_deviation.assign(horizon_, 0.0);
  work.inflation.assign(horizon_, 0.0);
  work.shocks.resize(cells);
  work.unit_innovations.resize(horizon_);
  work.national_jumps.assign(horizon_, 0.0);
  work.parameters.assign(scenario_.parameters.size(), 0.0);
  work.regimes.assign(chains_.size() * horizon_, 0);
  work.uniforms.resize(horizon_ + 1);
  work.shock_fired.assign(scenario_.scheduled_shocks.size(), 0);
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
    for (const UnitModel& unit : units_) {
      if (unit.idiosyncratic_series) {
        draw(unit.shocks, unit.scope, Variable::district_shock, *unit.idiosyncratic_series, t);
      }
    }
  }
}

void Simulation::national_paths(std::size_t k, PathWorkspace& work) const {
  const auto gather = [&](std::size_t series) {
    for (std::size_t t = 0; t < horizon_; ++t) work.national_innovations[t] = work.draws[draw_index(work, series, t, k)];
  };
  if (national_growth_) {
    gather(kNationalSeries);
    national_growth_->simulate(work.national_innovations, work.national_deviation, work.parameters);
    const double mean = national_growth_->spec().mean.at(work.parameters);
    for (double& n : work.national_deviation) n -= mean;
    work.national_deviation_0 = national_growth_->initial(work.parameters) - mean;
  }
  if (inflation_) {
    gather(kInflationSeries);
    inflation_->simulate(work.national_innovations, work.inflation, work.parameters);
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
                                std::span<double> values, NumericFaults& faults,
                                std::span<std::uint8_t> faulted) const {
  if (count > work.capacity) throw std::invalid_argument("simulate_paths: more paths than the workspace holds");
  if (faulted.size() < count) throw std::invalid_argument("simulate_paths: too few fault flags");
  const std::size_t cells = layout_.cell_count();
  draw_innovations(seed, first, count, work);
  for (std::size_t k = 0; k < count; ++k) {
    const std::span<double> path_values = values.subspan(k * cells, cells);
    const std::uint64_t path = first + k;
    work.shared_path = scenario_.antithetic ? path & ~std::uint64_t{1} : path;
    draw_drivers(seed, work, path_values);
    national_paths(k, work);
    district_shocks(k, work);
    faulted[k] = simulate_one(seed, path, k, work, path_values, faults) ? 1 : 0;
  }
}

void Simulation::simulate_paths(std::uint64_t seed, std::uint64_t first, std::size_t count, PathWorkspace& work,
                                std::span<double> values) const {
  NumericFaults faults;
  std::vector<std::uint8_t> faulted(count, 0);
  simulate_paths(seed, first, count, work, values, faults, faulted);
  if (faults.any()) throw std::overflow_error(describe_faults(faults, count));
}

std::string Simulation::fault_site_label(std::size_t site) const {
  if (site >= units_.size()) {
    std::size_t split = units_.size();
    for (const DistrictModel& district : districts_) {
      if (district.split && split++ == site) return fmt::format("district '{}'", district.id);
    }
    throw std::out_of_range("Simulation::fault_site_label: no such site");
  }
  const UnitModel& unit = units_[site];
  const std::string& id = districts_[unit.district].id;
  if (!unit.sector) return fmt::format("district '{}'", id);
  return fmt::format("district '{}' (sector {})", id, unit.label.substr(id.size() + 1));
}

std::string Simulation::describe_faults(const NumericFaults& faults, std::uint64_t paths) const {
  constexpr std::size_t kSpelledOut = 3;
  std::string message;
  std::size_t found = 0;
  for (std::size_t site = 0; site < faults.sites(); ++site) {
    for (std::size_t kind = 0; kind < kFaultKinds; ++kind) {
      const FaultRecord r = faults.at(site, static_cast<FaultKind>(kind));
      if (r.paths == 0) continue;
      if (found++ >= kSpelledOut) continue;
      const char* what = "";
      const char* hint = "";
      switch (static_cast<FaultKind>(kind)) {
        case FaultKind::gdp_overflow:
          what = "gdp overflows (above 1e+140 or not a finite number)";
          hint = "growth mean, volatility, jumps or horizon too large";
          break;
        case FaultKind::gdp_underflow:
          what = "gdp underflows to zero (below 2.2e-308)";
          hint = "growth too negative or horizon too long";
          break;
        case FaultKind::firm_overflow:
          what = "firm counts overflow (expected births above 1e15, or a count above 2^53)";
          hint = "births rate, trend or gdp_elasticity, or growth, too large";
          break;
      }
      if (!message.empty()) message += "; also ";
      message += fmt::format("{}: {} from {} on {} of {} paths (first: path {}); {}", fault_site_label(site), what,
                             scenario_.base_year + static_cast<int>(r.first_year), with_thousands(r.paths),
                             with_thousands(paths), r.first_path, hint);
    }
  }
  if (found > kSpelledOut) message += fmt::format("; and {} more", found - kSpelledOut);
  return message;
}

void Simulation::simulate_path(std::uint64_t seed, std::uint64_t path, PathWorkspace& work,
                               std::span<double> values) const {
  simulate_paths(seed, path, 1, work, values);
}

void Simulation::draw_drivers(std::uint64_t seed, PathWorkspace& work, std::span<double> values) const {
  const PathStreams streams(seed, work.shared_path);
  const auto fill = [&](std::size_t series, double value) {
    std::fill_n(values.begin() + static_cast<std::ptrdiff_t>(layout_.cell(series, 1)), horizon_, value);
  };
  for (std::size_t i = 0; i < scenario_.parameters.size(); ++i) {
    RandomStream stream = streams.stream(parameter_scopes_[i], Variable::parameter, 0);
    work.parameters[i] = scenario_.parameters[i].distribution.draw(stream);
    fill(first_parameter_driver_ + i, work.parameters[i]);
  }
  for (std::size_t c = 0; c < chains_.size(); ++c) {
    const ChainModel& chain = chains_[c];
    for (std::size_t t = 0; t <= horizon_; ++t) {
      RandomStream stream = streams.stream(chain.scope, Variable::regime, static_cast<std::uint32_t>(t));
      work.uniforms[t] = uniform(stream);
    }
    const std::span<std::uint8_t> states = std::span<std::uint8_t>(work.regimes).subspan(c * horizon_, horizon_);
    chain.chain.simulate(work.uniforms, states);
    for (std::size_t k = 0; k < chain.chain.size(); ++k) fill(chain.first_driver + k, 0.0);
    for (std::size_t t = 0; t < horizon_; ++t) values[layout_.cell(chain.first_driver + states[t], t + 1)] = 1.0;
  }
  if (national_jumps_driver_) {
    for (std::size_t t = 0; t < horizon_; ++t) {
      std::uint64_t count = 0;
      work.national_jumps[t] = draw_jumps(*scenario_.national.jumps, streams, kNationalScope,
                                          static_cast<std::uint32_t>(t + 1), work.parameters, count);
      values[layout_.cell(*national_jumps_driver_, t + 1)] = static_cast<double>(count);
    }
  }
  for (std::size_t k = 0; k < scenario_.scheduled_shocks.size(); ++k) {
    const ScheduledShockSpec& shock = scenario_.scheduled_shocks[k];
    RandomStream stream = streams.stream(shock_scopes_[k], Variable::scheduled_shock, 0);
    const bool fired = uniform(stream) < shock.probability.at(work.parameters);
    work.shock_fired[k] = fired ? 1 : 0;
    for (std::size_t t = 1; t <= horizon_; ++t) {
      values[layout_.cell(shock_drivers_[k], t)] = fired && t >= shock_first_years_[k] ? 1.0 : 0.0;
    }
  }
}

bool Simulation::simulate_unit(std::size_t site, const UnitModel& unit, const DistrictModel& district, std::size_t d,
                               std::uint64_t seed, std::uint64_t path, std::size_t k, PathWorkspace& work,
                               std::span<double> values, NumericFaults& faults) const {
  const std::span<const double> district_eps = std::span<const double>(work.shocks).subspan(d * horizon_, horizon_);
  std::span<const double> innovations = district_eps;
  if (unit.idiosyncratic_series) {
    // A sector: e_t = sqrt(c) eps_{d,t} + sqrt(1 - c) z_{s,t}.
    for (std::size_t t = 0; t < horizon_; ++t) {
      work.unit_innovations[t] = district.common_loading * district_eps[t] +
                                 district.own_loading * work.draws[draw_index(work, *unit.idiosyncratic_series, t, k)];
    }
    innovations = work.unit_innovations;
  }
  std::span<const std::uint8_t> regimes;
  if (unit.chain) regimes = std::span<const std::uint8_t>(work.regimes).subspan(*unit.chain * horizon_, horizon_);
  const std::span<double> growth = values.subspan(layout_.cell(unit.growth_series, 1), horizon_);
  unit.growth->simulate(models::GrowthInputs{innovations, work.national_deviation, work.national_deviation_0, work.parameters, regimes},
                        growth);

  // Additive growth terms: national jumps, the unit's jumps, scheduled shocks (drawn with the shared path).
  const PathStreams shared(seed, work.shared_path);
  for (std::size_t t = 0; t < horizon_; ++t) {
    const std::size_t year = t + 1;
    double extra = work.national_jumps[t];
    if (unit.jumps) {
      std::uint64_t count = 0;
      extra += draw_jumps(*unit.jumps, shared, unit.scope, static_cast<std::uint32_t>(year), work.parameters, count);
      values[layout_.cell(*unit.jumps_driver, year)] = static_cast<double>(count);
    }
    for (std::size_t s : unit.scheduled_shocks) {
      if (work.shock_fired[s] == 0 || year < shock_first_years_[s]) continue;
      const ScheduledShockSpec& shock = scenario_.scheduled_shocks[s];
      extra += shock.growth_impact.at(work.parameters) *
               std::pow(shock.persistence.at(work.parameters), static_cast<double>(year - shock_first_years_[s]));
    }
    growth[t] += extra;
  }

  // Years whose growth is final: all, unless the firm counts overflow in year f (later years then lack the
  // feedback term, so their GDP is not checked either).
  std::size_t checked = horizon_;
  bool faulted = false;
  if (unit.firms) {
    const models::FirmPath out{values.subspan(layout_.cell(unit.births_series, 1), horizon_),
                               values.subspan(layout_.cell(unit.exits_series, 1), horizon_),
                               values.subspan(layout_.cell(unit.stock_series, 1), horizon_)};
    const std::size_t overflow_year =
        unit.firms->simulate(PathStreams(seed, path), unit.scope, growth, work.parameters, work.cohorts, out);
    if (overflow_year != 0) [[unlikely]] {
      faults.record(site, FaultKind::firm_overflow, path, overflow_year);
      faulted = true;
      checked = overflow_year;
    }
  }

  const std::span<double> gdp = values.subspan(layout_.cell(unit.gdp_series, 1), horizon_);
  double level = unit.base_gdp;
  // Every level in [kMinGdpLevel, kMaxGdpLevel] (a NaN fails both comparisons): one test per year.
  bool in_range = true;
  for (std::size_t t = 0; t < horizon_; ++t) {
    level *= std::exp(growth[t] + work.inflation[t]);
    gdp[t] = level;
    in_range &= (level >= kMinGdpLevel) & (level <= kMaxGdpLevel);
  }
  if (!in_range) [[unlikely]] {
    for (std::size_t t = 0; t < checked; ++t) {
      const double y = gdp[t];
      if (y >= kMinGdpLevel && y <= kMaxGdpLevel) continue;
      faults.record(site, y < kMinGdpLevel ? FaultKind::gdp_underflow : FaultKind::gdp_overflow, path, t + 1);
      faulted = true;
      break;
    }
  }
  return faulted;
}

bool Simulation::sum_sectors(const DistrictModel& district, const PathWorkspace& work, std::span<double> values,
                             bool units_faulted, std::uint64_t path, NumericFaults& faults) const {
  const auto series = [&](std::size_t s) { return values.subspan(layout_.cell(s, 1), horizon_); };
  const std::span<double> gdp = series(district.gdp_series);
  const std::span<double> growth = series(district.growth_series);
  std::fill(gdp.begin(), gdp.end(), 0.0);
  for (std::size_t u = district.first_unit; u < district.first_unit + district.unit_count; ++u) {
    const std::span<double> unit_gdp = series(units_[u].gdp_series);
    for (std::size_t t = 0; t < horizon_; ++t) gdp[t] += unit_gdp[t];
  }
  bool faulted = units_faulted;
  if (!units_faulted) {
    // Sectors in range may still sum above the ceiling (never below the floor: the sum is at least each part).
    for (std::size_t t = 0; t < horizon_; ++t) {
      if (gdp[t] <= kMaxGdpLevel) continue;
      faults.record(district.fault_site, FaultKind::gdp_overflow, path, t + 1);
      faulted = true;
      break;
    }
  }
  double previous = district.base_gdp;
  for (std::size_t t = 0; t < horizon_; ++t) {
    growth[t] = std::log(gdp[t] / previous) - work.inflation[t];
    previous = gdp[t];
  }
  for (std::size_t u = district.first_unit; u < district.first_unit + district.unit_count; ++u) {
    const UnitModel& unit = units_[u];
    if (!unit.share_series) continue;
    const std::span<double> unit_gdp = series(unit.gdp_series);
    const std::span<double> share = series(*unit.share_series);
    for (std::size_t t = 0; t < horizon_; ++t) share[t] = unit_gdp[t] / gdp[t];
  }
  if (!district.has_firms) return faulted;
  const std::span<double> births = series(district.births_series);
  const std::span<double> exits = series(district.exits_series);
  const std::span<double> stock = series(district.stock_series);
  std::fill(births.begin(), births.end(), 0.0);
  std::fill(exits.begin(), exits.end(), 0.0);
  std::fill(stock.begin(), stock.end(), 0.0);
  for (std::size_t u = district.first_unit; u < district.first_unit + district.unit_count; ++u) {
    const UnitModel& unit = units_[u];
    if (!unit.firms) continue;
    for (std::size_t t = 0; t < horizon_; ++t) {
      births[t] += values[layout_.cell(unit.births_series, t + 1)];
      exits[t] += values[layout_.cell(unit.exits_series, t + 1)];
      stock[t] += values[layout_.cell(unit.stock_series, t + 1)];
    }
  }
  if (faulted) return true;
  for (std::size_t t = 0; t < horizon_; ++t) {
    if (births[t] <= models::kMaxFirmCount && exits[t] <= models::kMaxFirmCount &&
        stock[t] <= models::kMaxFirmCount) {
      continue;
    }
    faults.record(district.fault_site, FaultKind::firm_overflow, path, t + 1);
    return true;
  }
  return false;
}

bool Simulation::simulate_one(std::uint64_t seed, std::uint64_t path, std::size_t k, PathWorkspace& work,
                              std::span<double> values, NumericFaults& faults) const {
  bool faulted = false;
  for (std::size_t d = 0; d < districts_.size(); ++d) {
    const DistrictModel& district = districts_[d];
    bool units_faulted = false;
    for (std::size_t u = district.first_unit; u < district.first_unit + district.unit_count; ++u) {
      units_faulted |= simulate_unit(u, units_[u], district, d, seed, path, k, work, values, faults);
    }
    if (district.split) units_faulted = sum_sectors(district, work, values, units_faulted, path, faults);
    faulted |= units_faulted;
  }
  return faulted;
}

}  // namespace districtcast
