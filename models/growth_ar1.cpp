/// \file AR(1) growth: g_t = mu + beta (n_t - m) + u_t, u_t = phi u_{t-1} + sigma eps_t,
/// u_0 = initial - mu - beta (n_0 - m).

#include "models/growth_model.hpp"

namespace districtcast::models {
namespace {

class Ar1Growth final : public GrowthModel {
public:
  explicit Ar1Growth(const GrowthSpec& spec) : spec_(spec) {}

  void simulate(const GrowthInputs& in, std::span<double> growth) const override {
    const double national_part_0 = spec_.national_beta * in.national_deviation_0;
    double u = spec_.initial ? *spec_.initial - spec_.mean - national_part_0 : 0.0;
    for (std::size_t t = 0; t < growth.size(); ++t) {
      u = spec_.persistence * u + spec_.volatility * in.innovations[t];
      growth[t] = spec_.mean + spec_.national_beta * in.national_deviation[t] + u;
    }
  }
  [[nodiscard]] double mean() const noexcept override { return spec_.mean; }

private:
  GrowthSpec spec_;
};

}  // namespace

GrowthModelEntry ar1_growth_entry() {
  return {"ar1", "persistent deviations from the mean: u_t = persistence * u_{t-1} + volatility * eps_t",
          {"persistence", "initial"},
          [](const GrowthSpec& spec) -> std::unique_ptr<const GrowthModel> {
            return std::make_unique<Ar1Growth>(spec);
          }};
}

}  // namespace districtcast::models
