#pragma once
/// \file The national AR(1) processes: national real growth n_t and inflation pi_t (docs/models.md).

#include "models/param.hpp"
#include "models/shocks.hpp"

#include <optional>
#include <span>

namespace districtcast::models {

/// Parameters of x_t = m + phi (x_{t-1} - m) + s * eta_t, x_0 = initial (default m).
struct Ar1Spec {
  Param mean;                    ///< m, long-run mean (annual log rate)
  Param volatility;              ///< s >= 0
  Param persistence;             ///< phi in (-1, 1)
  std::optional<Param> initial;  ///< x_0; absent means m
  ShockSpec shocks;          ///< distribution of eta_t
};

/// An immutable AR(1) process; simulate() is a pure function of its inputs.
class Ar1Process {
public:
  explicit Ar1Process(const Ar1Spec& spec) noexcept : spec_(spec) {}

  /// x_0 under a path's parameter draws.
  [[nodiscard]] double initial(std::span<const double> parameters = {}) const noexcept {
    return (spec_.initial ? *spec_.initial : spec_.mean).at(parameters);
  }
  [[nodiscard]] const Ar1Spec& spec() const noexcept { return spec_; }

  /// Fills path[t-1] = x_t for t = 1..path.size() from unit-variance innovations eta[t-1], with uncertain
  /// parameters read from `parameters` (Param::at). Precondition: innovations.size() == path.size().
  void simulate(std::span<const double> innovations, std::span<double> path,
                std::span<const double> parameters = {}) const noexcept;

private:
  Ar1Spec spec_;
};

}  // namespace districtcast::models
