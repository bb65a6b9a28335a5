#pragma once
/// \file The per-instruction-set builds of the normal kernel (internal; use engine/normal_variates.hpp).

#include <cstddef>
#include <cstdint>

namespace districtcast::detail {

/// out[i] = Phi^-1(u) of Philox4x32-10(key = seed, counter {first_path + i, scope, word2, 0}) for i < n.
/// All builds return identical bits; the AVX builds may only run where the CPU supports them.
void normal_kernel_generic(std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope, std::uint32_t word2,
                           double* out, std::size_t n);
void normal_kernel_avx2(std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope, std::uint32_t word2,
                        double* out, std::size_t n);
void normal_kernel_avx512(std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope, std::uint32_t word2,
                          double* out, std::size_t n);

/// Phi^-1(u) exactly as the kernels compute it, for u in (0, 1).
double normal_quantile_generic(double u) noexcept;

}  // namespace districtcast::detail
