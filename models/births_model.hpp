#pragma once
/// \file Firm-birth count distributions: the interface, parameters and registry.

#include "engine/random_stream.hpp"
#include "models/param.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast::models {

/// Parameters of `districts[i].firms.births`.
struct BirthsSpec {
  std::string model = "poisson";      ///< registry name
  Param rate;                         ///< expected births in year 1 at mean growth (>= 0)
  Param trend;                        ///< annual growth of the birth rate (> -1)
  Param gdp_elasticity;               ///< response of births to growth deviations g - mu
  std::optional<double> dispersion;   ///< negative-binomial size k > 0
};

/// Draws the number of births in one year given its expected value. Immutable, shared by threads.
class BirthsModel {
public:
  virtual ~BirthsModel() = default;
  /// One draw with mean `expected` (>= 0, finite). Pure function of the stream's state.
  [[nodiscard]] virtual std::uint64_t draw(double expected, RandomStream& stream) const = 0;
  /// Variance of a draw with mean `expected` (for tests and docs).
  [[nodiscard]] virtual double variance(double expected) const noexcept = 0;
};

/// One registered births model. Adding one = a births_<name>.cpp defining
/// `BirthsModelEntry <name>_births_entry()` + one line X(<name>) in DISTRICTCAST_BIRTHS_MODELS below.
struct BirthsModelEntry {
  std::string_view name;
  std::string_view summary;
  std::vector<std::string_view> extra_keys;  ///< keys besides model, rate, trend, gdp_elasticity
  std::vector<std::string_view> required_extra_keys;  ///< subset of extra_keys that must be given
  std::unique_ptr<const BirthsModel> (*make)(const BirthsSpec& spec);
};

[[nodiscard]] std::span<const BirthsModelEntry> births_models();
[[nodiscard]] const BirthsModelEntry* find_births_model(std::string_view name);

/// The registered births models, in documentation order; each X(name) has a births_<name>.cpp.
#define DISTRICTCAST_BIRTHS_MODELS(X) \
  X(poisson)                          \
  X(negative_binomial)

#define DISTRICTCAST_DECLARE_BIRTHS_ENTRY(name) [[nodiscard]] BirthsModelEntry name##_births_entry();
DISTRICTCAST_BIRTHS_MODELS(DISTRICTCAST_DECLARE_BIRTHS_ENTRY)
#undef DISTRICTCAST_DECLARE_BIRTHS_ENTRY

}  // namespace districtcast::models
