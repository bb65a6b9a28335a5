#pragma once
/// \file Model parameters that are either fixed numbers or drawn once per path (parameter uncertainty,
/// docs/models.md "Parameter uncertainty").

#include <cstdint>
#include <span>

namespace districtcast::models {

/// A numeric model parameter. Fixed: `value`. Uncertain: `slot` indexes the path's parameter draws
/// (Scenario::parameters order) and `value` holds the distribution's mean (used where a single number is
/// needed, e.g. the growth mean births respond to).
struct Param {
  double value = 0.0;
  std::int32_t slot = -1;  ///< -1: fixed

  constexpr Param() noexcept = default;
  constexpr Param(double fixed) noexcept : value(fixed) {}  // NOLINT(google-explicit-constructor): a number is a fixed parameter

  /// Same fixed value, or the same slot (a number compares equal to a fixed Param of that value).
  friend constexpr bool operator==(const Param&, const Param&) noexcept = default;

  [[nodiscard]] constexpr bool uncertain() const noexcept { return slot >= 0; }
  /// This path's value. Precondition: draws holds every slot of the scenario.
  [[nodiscard]] double at(std::span<const double> draws) const noexcept {
    return slot < 0 ? value : draws[static_cast<std::size_t>(slot)];
  }
};

}  // namespace districtcast::models
