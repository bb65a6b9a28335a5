#pragma once
/// \file Exact samplers for Poisson and binomial counts on top of Boost.Random, with the edge cases
/// (mean 0, n = 0, p in {0, 1}) handled without drawing.

#include "engine/random_stream.hpp"

#include <cstdint>

namespace districtcast::models {

/// Means from which draw_poisson() returns the mean itself instead of sampling (Boost's sampler needs
/// mean < 2^62; the spread, sqrt(mean) < 1e-9 mean, is below what any caller can use).
inline constexpr double kMaxPoissonMean = 0x1p62;

/// One Poisson(mean) draw in O(1) time for any mean; 0 when mean <= 0 (or NaN). For mean >= kMaxPoissonMean
/// (including +inf) returns the mean converted to an integer, saturating at 2^63 (callers that need exact
/// counts reject anything above 2^53).
[[nodiscard]] std::uint64_t draw_poisson(double mean, RandomStream& stream);

/// One Binomial(n, p) draw; exact for p in {0, 1} and n = 0. Precondition: p in [0, 1].
[[nodiscard]] std::uint64_t draw_binomial(std::uint64_t n, double p, RandomStream& stream);

}  // namespace districtcast::models
