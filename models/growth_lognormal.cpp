/// \file Lognormal growth: g_t = mu + beta (n_t - m) + sigma eps_t (i.i.d. log growth, a random walk in log GDP).

#include "models/growth_model.hpp"

namespace districtcast::models {
namespace {

class LognormalGrowth final : public GrowthModel {
public:
  explicit LognormalGrowth(const GrowthSpec& spec) : spec_(spec) {}

  void simulate(const GrowthInputs& in, std::span<double> growth) const override {
    const double mean = spec_.mean.at(in.parameters);
    const double beta = spec_.national_beta.at(in.parameters);
    const double volatility = spec_.volatility.at(in.parameters);
    for (std::size_t t = 0; t < growth.size(); ++t) {
      growth[t] = mean + beta * in.national_deviation[t] + volatility * in.innovations[t];
    }
  }
  [[nodiscard]] double mean() const noexcept override { return spec_.mean.value; }

private:
  GrowthSpec spec_;
};

}  // namespace

GrowthModelEntry lognormal_growth_entry() {
  return {"lognormal", "independent annual log growth around the mean", {},
          [](const GrowthSpec& spec) -> std::unique_ptr<const GrowthModel> {
            return std::make_unique<LognormalGrowth>(spec);
          }};
}

}  // namespace districtcast::models
