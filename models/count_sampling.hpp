#pragma once
/// \file Exact samplers for Poisson and binomial counts on top of Boost.Random, with the edge cases
/// (mean 0, n = 0, p in {0, 1}) handled without drawing.

#include "engine/random_stream.hpp"

#include <cstdint>

namespace districtcast::models {

/// One Poisson(mean) draw; 0 when mean <= 0. Precondition: mean finite and < 2^62.
[[nodiscard]] std::uint64_t draw_poisson(double mean, RandomStream& stream);

/// One Binomial(n, p) draw; exact for p in {0, 1} and n = 0. Precondition: p in [0, 1].
[[nodiscard]] std::uint64_t draw_binomial(std::uint64_t n, double p, RandomStream& stream);

}  // namespace districtcast::models
