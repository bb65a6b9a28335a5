/// \file Poisson births: B ~ Poisson(lambda); Var = lambda.

#include "models/births_model.hpp"
#include "models/count_sampling.hpp"

namespace districtcast::models {
namespace {

class PoissonBirths final : public BirthsModel {
public:
  [[nodiscard]] std::uint64_t draw(double expected, RandomStream& stream) const override {
    return draw_poisson(expected, stream);
  }
  [[nodiscard]] double variance(double expected) const noexcept override { return expected; }
};

}  // namespace

BirthsModelEntry poisson_births_entry() {
  return {"poisson", "Poisson counts: variance equals the mean", {}, {},
          [](const BirthsSpec&) -> std::unique_ptr<const BirthsModel> { return std::make_unique<PoissonBirths>(); }};
}

}  // namespace districtcast::models
