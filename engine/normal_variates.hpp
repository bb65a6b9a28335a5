#pragma once
/// \file Standard normal innovations for many paths at once: Philox4x32-10 on the path counter, then
/// inversion of the normal distribution function (Wichura's AS241). SIMD kernels chosen at run time;
/// every kernel returns bit-identical values (docs/models.md, "Random numbers"; docs/performance.md).

#include "engine/random_stream.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace districtcast {

/// Instruction-set variants of the normal kernel. All produce the same bits for the same inputs.
enum class SimdKernel { generic, avx2, avx512 };

/// "generic", "avx2" or "avx512".
[[nodiscard]] std::string_view to_string(SimdKernel kernel) noexcept;

/// The kernels this binary has and this CPU can run, narrowest first (always starts with generic).
[[nodiscard]] std::vector<SimdKernel> supported_kernels();

/// The kernel draw_normals() uses: the widest supported one, or the one named by the environment variable
/// DISTRICTCAST_SIMD (generic, avx2, avx512) when this CPU supports it. Fixed at the first call.
[[nodiscard]] SimdKernel active_kernel();

/// out[i] = the standard normal variate of stream (first_path + i, scope, variable, year) under `seed`:
/// Philox4x32-10 with key = seed and counter {path, scope, variable << 16 | year, 0}; the first two output
/// words give k = (w0 << 20) | (w1 >> 12) (52 bits), u = (k + 1/2) / 2^52 in (0, 1), and z = Phi^-1(u)
/// (AS241, relative error below 1e-15). A pure function of its arguments: the same path gets the same
/// value in any batch. Preconditions: first_path + out.size() <= kMaxPaths + 1, year < 65536.
void draw_normals(std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope, Variable variable,
                  std::uint32_t year, std::span<double> out);

/// Same as draw_normals() with an explicit kernel (tests and benchmarks). Precondition: `kernel` is in
/// supported_kernels().
void draw_normals(SimdKernel kernel, std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope,
                  Variable variable, std::uint32_t year, std::span<double> out);

/// The one variate draw_normals() gives for `path` (reference for tests; slow for many paths).
[[nodiscard]] double normal_variate(std::uint64_t seed, std::uint32_t path, std::uint32_t scope, Variable variable,
                                    std::uint32_t year);

/// Phi^-1(u) for u in (0, 1) by AS241 with the kernels' own logarithm: the exact function the kernels
/// apply to their uniforms (for tests of the inversion alone).
[[nodiscard]] double normal_quantile(double u) noexcept;

}  // namespace districtcast
