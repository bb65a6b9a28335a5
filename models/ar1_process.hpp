#pragma once
/// \file The national AR(1) processes: national real growth n_t and inflation pi_t (docs/models.md).

#include "models/shocks.hpp"

#include <optional>
#include <span>

namespace districtcast::models {

/// Parameters of x_t = m + phi (x_{t-1} - m) + s * eta_t, x_0 = initial (default m).
struct Ar1Spec {
  double mean = 0.0;         ///< m, long-run mean (annual log rate)
  double volatility = 0.0;   ///< s >= 0
  double persistence = 0.0;  ///< phi in (-1, 1)
  std::optional<double> initial;  ///< x_0; absent means m
  ShockSpec shocks;          ///< distribution of eta_t
};

/// An immutable AR(1) process; simulate() is a pure function of its inputs.
class Ar1Process {
public:
  explicit Ar1Process(const Ar1Spec& spec) noexcept : spec_(spec) {}

  /// x_0.
  [[nodiscard]] double initial() const noexcept { return spec_.initial.value_or(spec_.mean); }
  [[nodiscard]] const Ar1Spec& spec() const noexcept { return spec_; }

  /// Fills path[t-1] = x_t for t = 1..path.size() from unit-variance innovations eta[t-1].
  /// Precondition: innovations.size() == path.size().
  void simulate(std::span<const double> innovations, std::span<double> path) const noexcept;

private:
  Ar1Spec spec_;
};

}  // namespace districtcast::models
