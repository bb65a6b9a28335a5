#include "models/count_sampling.hpp"

#include <boost/random/binomial_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>

namespace districtcast::models {

std::uint64_t draw_poisson(double mean, RandomStream& stream) {
  if (!(mean > 0.0)) return 0;
  if (mean >= kMaxPoissonMean) return mean >= 0x1p63 ? std::uint64_t{1} << 63 : static_cast<std::uint64_t>(mean);
  boost::random::poisson_distribution<std::int64_t, double> poisson(mean);
  return static_cast<std::uint64_t>(poisson(stream));
}

std::uint64_t draw_binomial(std::uint64_t n, double p, RandomStream& stream) {
  if (n == 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return n;
  boost::random::binomial_distribution<std::int64_t, double> binomial(static_cast<std::int64_t>(n), p);
  return static_cast<std::uint64_t>(binomial(stream));
}

}  // namespace districtcast::models
