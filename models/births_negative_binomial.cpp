/// \file Negative-binomial births with mean lambda and size k: a Poisson whose mean is Gamma(k, lambda/k);
/// Var = lambda + lambda^2 / k.

#include "models/births_model.hpp"
#include "models/count_sampling.hpp"

#include <boost/random/gamma_distribution.hpp>

namespace districtcast::models {
namespace {

class NegativeBinomialBirths final : public BirthsModel {
public:
  explicit NegativeBinomialBirths(double size) : size_(size) {}

  [[nodiscard]] std::uint64_t draw(double expected, RandomStream& stream) const override {
    if (!(expected > 0.0)) return 0;
    boost::random::gamma_distribution<double> gamma(size_, expected / size_);
    return draw_poisson(gamma(stream), stream);
  }
  [[nodiscard]] double variance(double expected) const noexcept override {
    return expected + expected * expected / size_;
  }

private:
  double size_;
};

}  // namespace

BirthsModelEntry negative_binomial_births_entry() {
  return {"negative_binomial", "over-dispersed counts: variance = mean + mean^2 / dispersion",
          {"dispersion"}, {"dispersion"},
          [](const BirthsSpec& spec) -> std::unique_ptr<const BirthsModel> {
            return std::make_unique<NegativeBinomialBirths>(*spec.dispersion);
          }};
}

}  // namespace districtcast::models
