/// \file Lognormal growth: g_t = mu + beta (n_t - m) + sigma eps_t (i.i.d. log growth, a random walk in log GDP).

#include "models/growth_model.hpp"

namespace districtcast::models {
namespace {

class LognormalGrowth final : public GrowthModel {
public:
  explicit LognormalGrowth(const GrowthSpec& spec) : spec_(spec) {}

  void simulate(const GrowthInputs& in, std::span<double> growth) const override {
    for (std::size_t t = 0; t < growth.size(); ++t) {
      growth[t] = spec_.mean + spec_.national_beta * in.national_deviation[t] + spec_.volatility * in.innovations[t];
    }
  }
  [[nodiscard]] double mean() const noexcept override { return spec_.mean; }

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
