#pragma once
/// \file Distributions an uncertain parameter can be drawn from (`{normal: [mean, sd]}` and friends).

#include "engine/random_stream.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast::models {

/// The family of a parameter distribution, as written in scenario files.
enum class ParamFamily {
  normal,      ///< [mean, sd], sd >= 0
  uniform,     ///< [low, high], low < high
  triangular,  ///< [low, mode, high], low <= mode <= high, low < high
  lognormal,   ///< [m, s]: exp(N(m, s^2)), s >= 0 (m, s are the mean and sd of the logarithm)
  beta,        ///< [alpha, beta] on [0, 1], or [alpha, beta, low, high] scaled to [low, high]; alpha, beta >= 0.05
};

/// Smallest alpha and beta of a beta distribution (smaller shapes make the sampler return NaN).
inline constexpr double kMinBetaShape = 0.05;

/// A validated parameter distribution. Built only by make_param_distribution().
struct ParamDistribution {
  ParamFamily family = ParamFamily::normal;
  std::vector<double> args;  ///< as written (beta always stored with 4 args: alpha, beta, low, high)

  /// Closed-form mean and standard deviation.
  [[nodiscard]] double mean() const noexcept;
  [[nodiscard]] double standard_deviation() const noexcept;
  /// Smallest and largest possible value (may be -inf / +inf).
  [[nodiscard]] double support_low() const noexcept;
  [[nodiscard]] double support_high() const noexcept;
  /// One draw; a pure function of the stream's state (Boost.Random distributions on Philox).
  [[nodiscard]] double draw(RandomStream& stream) const;
  /// E.g. "normal(0.05, 0.01)", "beta(2, 5)", "beta(2, 5) on [0.1, 0.4]" (for outputs).
  [[nodiscard]] std::string describe() const;
};

/// Family names in documentation order ("normal", "uniform", "triangular", "lognormal", "beta").
[[nodiscard]] const std::vector<std::string>& param_family_names();
[[nodiscard]] std::string_view to_string(ParamFamily family) noexcept;
[[nodiscard]] std::optional<ParamFamily> param_family_from_string(std::string_view name) noexcept;

/// A distribution from its family and written arguments, or an error message saying what is wrong
/// (e.g. "normal takes [mean, sd] (2 numbers), got 3", "uniform needs low < high (got [0.2, 0.1])",
/// "sd must be >= 0 (got -1)"). Arguments are finite numbers (the caller checks that).
struct ParamDistributionResult {
  std::optional<ParamDistribution> distribution;
  std::string error;
};
[[nodiscard]] ParamDistributionResult make_param_distribution(ParamFamily family, const std::vector<double>& args);

}  // namespace districtcast::models
