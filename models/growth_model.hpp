#pragma once
/// \file District real-growth models: the interface, the parameters they share, and the registry.

#include "models/param.hpp"
#include "models/regime_chain.hpp"
#include "models/shocks.hpp"

#include <cstdint>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast::models {

/// One regime of a regime_switching model: its growth mean, volatility and AR(1) persistence.
struct RegimeSpec {
  std::string name;
  Param mean;
  Param volatility;
  Param persistence;
};

/// Random jumps in growth: N_t ~ Poisson(rate) jumps a year, each of size ~ Normal(size_mean, size_sd).
struct JumpSpec {
  Param rate;       ///< expected jumps per year (>= 0)
  Param size_mean;  ///< mean jump size, in log-growth points
  Param size_sd;    ///< >= 0; 0 = every jump has size size_mean
};

/// Parameters of a district's (or sector's) growth model, as written under `growth`.
/// Which of the optional keys a model accepts is declared by its registry entry.
struct GrowthSpec {
  std::string model = "lognormal";  ///< registry name
  Param mean;                       ///< mu_d, mean annual real log growth
  Param volatility;                 ///< sigma_d >= 0
  Param persistence;                ///< phi_d in (-1, 1) (ar1 only)
  std::optional<Param> initial;     ///< g_{d,0} (ar1 only); absent means mu_d + beta_d (n_0 - m)
  Param national_beta = 1.0;        ///< beta_d, loading on the national growth deviation
  ShockSpec shocks;                 ///< distribution of the district innovations
  /// regime_switching only: one entry per regime of `chain`, in chain order.
  std::vector<RegimeSpec> regimes;
  /// regime_switching only: the chain driving the regimes (a copy of national.regimes when national_chain).
  RegimeChainSpec chain;
  bool national_chain = false;      ///< regime_switching: follow the national chain instead of an own one
  std::optional<JumpSpec> jumps;    ///< random jumps added to g_t (any model)
};

/// Inputs of one path of one district's growth.
struct GrowthInputs {
  /// epsilon_{d,t} for t = 1..H: unit-variance innovations, already correlated across districts.
  std::span<const double> innovations;
  /// n_t - m for t = 1..H (all zero without a national block).
  std::span<const double> national_deviation;
  /// n_0 - m.
  double national_deviation_0 = 0.0;
  /// This path's draws of the scenario's uncertain parameters (Param::at).
  std::span<const double> parameters;
  /// regime_switching only: s_t for t = 1..H (indices into GrowthSpec::regimes).
  std::span<const std::uint8_t> regimes;
};

/// A district growth model: immutable after construction and shared by all threads.
class GrowthModel {
public:
  virtual ~GrowthModel() = default;
  /// Fills growth[t-1] = g_{d,t} for t = 1..H. Precondition: all spans have the same length H.
  virtual void simulate(const GrowthInputs& inputs, std::span<double> growth) const = 0;
  /// mu_d, the mean growth that firm births' GDP elasticity is measured against (the written value, or the
  /// distribution's mean for an uncertain mean; regime_switching: the stationary average of regime means).
  [[nodiscard]] virtual double mean() const noexcept = 0;
};

/// One registered growth model. Adding a model = one source file growth_<name>.cpp defining
/// `GrowthModelEntry <name>_growth_entry()` + one line X(<name>) in DISTRICTCAST_GROWTH_MODELS below.
struct GrowthModelEntry {
  std::string_view name;      ///< value of `growth.model`
  std::string_view summary;   ///< one line for docs and error messages
  /// Keys this model accepts besides the common ones (model, mean, volatility, national_beta, shocks, dof).
  std::vector<std::string_view> extra_keys;
  /// Builds the model; the spec has been validated.
  std::unique_ptr<const GrowthModel> (*make)(const GrowthSpec& spec);
};

/// All registered growth models, in documentation order.
[[nodiscard]] std::span<const GrowthModelEntry> growth_models();
/// The entry named `name`, or nullptr.
[[nodiscard]] const GrowthModelEntry* find_growth_model(std::string_view name);

/// The registered growth models, in documentation order; each X(name) has a growth_<name>.cpp.
#define DISTRICTCAST_GROWTH_MODELS(X) \
  X(lognormal)                        \
  X(ar1)                              \
  X(regime_switching)

#define DISTRICTCAST_DECLARE_GROWTH_ENTRY(name) [[nodiscard]] GrowthModelEntry name##_growth_entry();
DISTRICTCAST_GROWTH_MODELS(DISTRICTCAST_DECLARE_GROWTH_ENTRY)
#undef DISTRICTCAST_DECLARE_GROWTH_ENTRY

}  // namespace districtcast::models
