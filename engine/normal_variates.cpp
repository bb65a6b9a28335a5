#include "engine/normal_variates.hpp"

#include "engine/normal_kernel.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace districtcast {

namespace {

bool cpu_supports(SimdKernel kernel) {
#if defined(DISTRICTCAST_HAVE_X86_KERNELS)
  switch (kernel) {
    case SimdKernel::generic: return true;
    case SimdKernel::avx2: return __builtin_cpu_supports("avx2") != 0;
    case SimdKernel::avx512:
      return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512dq") != 0 &&
             __builtin_cpu_supports("avx512vl") != 0;
  }
  return false;
#else
  return kernel == SimdKernel::generic;
#endif
}

SimdKernel choose_kernel() {
  const std::vector<SimdKernel> supported = supported_kernels();
  if (const char* requested = std::getenv("DISTRICTCAST_SIMD")) {
    for (SimdKernel kernel : supported) {
      if (to_string(kernel) == requested) return kernel;
    }
  }
  return supported.back();
}

}  // namespace

std::string_view to_string(SimdKernel kernel) noexcept {
  switch (kernel) {
    case SimdKernel::generic: return "generic";
    case SimdKernel::avx2: return "avx2";
    case SimdKernel::avx512: return "avx512";
  }
  return "generic";
}

std::vector<SimdKernel> supported_kernels() {
  std::vector<SimdKernel> kernels;
  for (SimdKernel kernel : {SimdKernel::generic, SimdKernel::avx2, SimdKernel::avx512}) {
    if (cpu_supports(kernel)) kernels.push_back(kernel);
  }
  return kernels;
}

SimdKernel active_kernel() {
  static const SimdKernel kernel = choose_kernel();
  return kernel;
}

void draw_normals(SimdKernel kernel, std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope,
                  Variable variable, std::uint32_t year, std::span<double> out) {
  const std::uint32_t word2 = (static_cast<std::uint32_t>(variable) << 16) | (year & 0xFFFFu);
  switch (kernel) {
#if defined(DISTRICTCAST_HAVE_X86_KERNELS)
    case SimdKernel::avx512:
      detail::normal_kernel_avx512(seed, first_path, scope, word2, out.data(), out.size());
      return;
    case SimdKernel::avx2:
      detail::normal_kernel_avx2(seed, first_path, scope, word2, out.data(), out.size());
      return;
#endif
    default:
      detail::normal_kernel_generic(seed, first_path, scope, word2, out.data(), out.size());
      return;
  }
}

void draw_normals(std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope, Variable variable,
                  std::uint32_t year, std::span<double> out) {
  draw_normals(active_kernel(), seed, first_path, scope, variable, year, out);
}

double normal_variate(std::uint64_t seed, std::uint32_t path, std::uint32_t scope, Variable variable,
                      std::uint32_t year) {
  double z = 0.0;
  draw_normals(SimdKernel::generic, seed, path, scope, variable, year, std::span<double>(&z, 1));
  return z;
}

double normal_quantile(double u) noexcept { return detail::normal_quantile_generic(u); }

}  // namespace districtcast
