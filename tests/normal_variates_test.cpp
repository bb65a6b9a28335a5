/// \file Unit tests for the batched normal variates (engine/normal_variates.hpp): the documented counter ->
/// Philox4x32-10 -> uniform -> AS241 mapping against Random123 and Boost.Math, bit-identical results from every
/// SIMD kernel the CPU supports for any batch size and offset, exact antithetic symmetry, and the
/// distribution (moments, tail fractions) of a million draws.
#include "engine/normal_variates.hpp"
#include "tests/test_support.hpp"

#include <Random123/philox.h>
#include <boost/math/distributions/normal.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace districtcast {
namespace {

/// The documented mapping, computed with Random123's own Philox and Boost.Math's normal quantile.
double reference_variate(std::uint64_t seed, std::uint32_t path, std::uint32_t scope, Variable variable,
                         std::uint32_t year) {
  const r123::Philox4x32::ctr_type counter{
      {path, scope, (static_cast<std::uint32_t>(variable) << 16) | year, 0u}};
  const r123::Philox4x32::key_type key{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const r123::Philox4x32::ctr_type words = r123::Philox4x32()(counter, key);
  const std::uint64_t k = (static_cast<std::uint64_t>(words[0]) << 20) | (words[1] >> 12);
  const double u = (static_cast<double>(k) + 0.5) * 0x1p-52;
  return boost::math::quantile(boost::math::normal(), u);
}

double relative_error(double x, double reference) {
  return std::fabs(x - reference) / std::max(std::fabs(reference), 1e-300);
}

TEST(NormalVariates, MatchRandom123PhiloxAndBoostQuantile) {
  double worst = 0.0;
  for (std::uint32_t path = 0; path < 20000; ++path) {
    const std::uint64_t seed = 0x9E3779B97F4A7C15ull * (path % 7 + 1);
    const std::uint32_t scope = path % 3 == 0 ? kNationalScope : district_scope("nanshan") + path % 5;
    const std::uint32_t year = 1 + path % 200;
    const double z = normal_variate(seed, path * 7919u, scope, Variable::district_shock, year);
    const double expected = reference_variate(seed, path * 7919u, scope, Variable::district_shock, year);
    worst = std::max(worst, relative_error(z, expected));
  }
  EXPECT_LT(worst, 1e-14);
}

TEST(NormalVariates, QuantileIsAccurateFromTheCentreToTheExtremeTails) {
  // AS241 claims about 1e-16; the kernels' own logarithm adds a few ulp in the tails. Points include each
  // region boundary (|u - 1/2| = 0.425, s = 5 i.e. u = exp(-25)) and the extreme uniforms 2^-53, 1 - 2^-53.
  const boost::math::normal normal;
  std::vector<double> points = {0x1p-53, 1e-15, 1.3887943864964021e-11, 1.3887943864964022e-11, 1e-11,
                                1e-6,    0.01,  0.074999999,            0.075,                  0.075000001,
                                0.3,     0.5,   0.5 + 0x1p-52,          0.925,                  0.99,
                                1.0 - 1e-9, 1.0 - 0x1p-53};
  for (int i = 1; i < 2000; ++i) points.push_back(i / 2000.0);
  for (int e = 12; e < 53; ++e) points.push_back(std::ldexp(1.0, -e) * 1.2345);
  for (const double u : points) {
    const double expected = boost::math::quantile(normal, u);
    if (expected == 0.0) {
      EXPECT_EQ(normal_quantile(u), 0.0);
      continue;
    }
    EXPECT_LT(relative_error(normal_quantile(u), expected), 1e-14) << "u = " << u;
  }
}

TEST(NormalVariates, AntitheticUniformsGiveExactlyOppositeVariates) {
  // u_k = (k + 1/2) / 2^52 and 1 - u_k = u_(2^52 - 1 - k) exactly; the inversion is odd about 1/2.
  for (std::uint64_t k : {0ull, 1ull, 12345ull, (1ull << 40) + 3, (1ull << 51) - 1, (1ull << 51) + 17}) {
    const double u = (static_cast<double>(k) + 0.5) * 0x1p-52;
    const double mirror = (static_cast<double>((1ull << 52) - 1 - k) + 0.5) * 0x1p-52;
    ASSERT_EQ(1.0 - u, mirror);
    EXPECT_EQ(normal_quantile(mirror), -normal_quantile(u)) << "k = " << k;
  }
}

TEST(NormalVariates, EveryKernelGivesTheSameBitsForAnyBatch) {
  const std::vector<SimdKernel> kernels = supported_kernels();
  ASSERT_FALSE(kernels.empty());
  EXPECT_EQ(kernels.front(), SimdKernel::generic);
  for (SimdKernel kernel : kernels) SCOPED_TRACE(std::string(to_string(kernel)));
  // Sizes around the vector widths (4, 8) and the kernel's 64-value chunks; first paths at odd offsets and
  // at the top of the 32-bit path range.
  for (const std::uint32_t first : {0u, 5u, 1000003u, 0xFFFFFFFFu - 300u}) {
    for (const std::size_t n : {1u, 3u, 4u, 7u, 8u, 9u, 63u, 64u, 65u, 127u, 128u, 129u, 300u}) {
      std::vector<double> expected(n);
      for (std::size_t i = 0; i < n; ++i) {
        expected[i] = normal_variate(77, first + static_cast<std::uint32_t>(i), 12, Variable::inflation, 9);
      }
      for (SimdKernel kernel : kernels) {
        std::vector<double> got(n);
        draw_normals(kernel, 77, first, 12, Variable::inflation, 9, got);
        ASSERT_EQ(std::memcmp(got.data(), expected.data(), n * sizeof(double)), 0)
            << to_string(kernel) << " first " << first << " n " << n;
      }
    }
  }
  // A large batch with many far-tail-free but tail-heavy chunks, all kernels against generic.
  std::vector<double> generic(1 << 16);
  draw_normals(SimdKernel::generic, 3, 0, 4, Variable::district_shock, 2, generic);
  for (SimdKernel kernel : kernels) {
    std::vector<double> got(generic.size());
    draw_normals(kernel, 3, 0, 4, Variable::district_shock, 2, got);
    EXPECT_EQ(std::memcmp(got.data(), generic.data(), got.size() * sizeof(double)), 0) << to_string(kernel);
  }
}

TEST(NormalVariates, ActiveKernelIsSupportedAndNamed) {
  const std::vector<SimdKernel> kernels = supported_kernels();
  EXPECT_NE(std::find(kernels.begin(), kernels.end(), active_kernel()), kernels.end());
  EXPECT_EQ(to_string(SimdKernel::generic), "generic");
  EXPECT_EQ(to_string(SimdKernel::avx2), "avx2");
  EXPECT_EQ(to_string(SimdKernel::avx512), "avx512");
}

TEST(NormalVariates, EveryCounterComponentChangesTheVariate) {
  const double base = normal_variate(1, 2, 3, Variable::district_shock, 4);
  EXPECT_NE(base, normal_variate(2, 2, 3, Variable::district_shock, 4));
  EXPECT_NE(base, normal_variate(1ull << 32 | 1, 2, 3, Variable::district_shock, 4));
  EXPECT_NE(base, normal_variate(1, 3, 3, Variable::district_shock, 4));
  EXPECT_NE(base, normal_variate(1, 2, 4, Variable::district_shock, 4));
  EXPECT_NE(base, normal_variate(1, 2, 3, Variable::national_growth, 4));
  EXPECT_NE(base, normal_variate(1, 2, 3, Variable::district_shock, 5));
}

TEST(NormalVariates, MillionDrawsHaveStandardNormalMomentsAndTails) {
  constexpr std::size_t kN = 1000000;
  std::vector<double> z(kN);
  draw_normals(20241231, 0, district_scope("pudong"), Variable::district_shock, 1, z);
  const testing::SampleMoments m(z);
  EXPECT_NEAR(m.mean, 0.0, 4.0 * m.mean_se());
  EXPECT_NEAR(m.variance(), 1.0, 4.0 * m.variance_se());
  EXPECT_NEAR(m.m4 / (m.m2 * m.m2), 3.0, 4.0 * std::sqrt(96.0 / kN));
  // P(|Z| > c) against the exact normal tail, SE sqrt(p (1 - p) / n); c = 4 exercises the tail region.
  for (const double c : {0.5, 1.0, 1.96, 3.0, 4.0}) {
    const double p = 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), c));
    const double fraction =
        static_cast<double>(std::count_if(z.begin(), z.end(), [c](double x) { return std::fabs(x) > c; })) / kN;
    EXPECT_NEAR(fraction, p, 4.0 * std::sqrt(p * (1.0 - p) / kN)) << "c = " << c;
  }
}

}  // namespace
}  // namespace districtcast
