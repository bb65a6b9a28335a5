#pragma once
/// \file District real-growth models: the interface, the parameters they share, and the registry.

#include "models/shocks.hpp"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast::models {

/// Parameters of a district's growth model, as written under `districts[i].growth`.
/// Which of the optional keys a model accepts is declared by its registry entry.
struct GrowthSpec {
  std::string model = "lognormal";  ///< registry name
  double mean = 0.0;                ///< mu_d, mean annual real log growth
  double volatility = 0.0;          ///< sigma_d >= 0
  double persistence = 0.0;         ///< phi_d in (-1, 1) (ar1 only)
  std::optional<double> initial;    ///< g_{d,0} (ar1 only); absent means mu_d + beta_d (n_0 - m)
  double national_beta = 1.0;       ///< beta_d, loading on the national growth deviation
  ShockSpec shocks;                 ///< distribution of the district innovations
};

/// Inputs of one path of one district's growth.
struct GrowthInputs {
  /// epsilon_{d,t} for t = 1..H: unit-variance innovations, already correlated across districts.
  std::span<const double> innovations;
  /// n_t - m for t = 1..H (all zero without a national block).
  std::span<const double> national_deviation;
  /// n_0 - m.
  double national_deviation_0 = 0.0;
};

/// A district growth model: immutable after construction and shared by all threads.
class GrowthModel {
public:
  virtual ~GrowthModel() = default;
  /// Fills growth[t-1] = g_{d,t} for t = 1..H. Precondition: all spans have the same length H.
  virtual void simulate(const GrowthInputs& inputs, std::span<double> growth) const = 0;
  /// mu_d, the mean growth that firm births' GDP elasticity is measured against.
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
  X(ar1)

#define DISTRICTCAST_DECLARE_GROWTH_ENTRY(name) [[nodiscard]] GrowthModelEntry name##_growth_entry();
DISTRICTCAST_GROWTH_MODELS(DISTRICTCAST_DECLARE_GROWTH_ENTRY)
#undef DISTRICTCAST_DECLARE_GROWTH_ENTRY

}  // namespace districtcast::models
