/// \file AR(1) growth: g_t = mu + beta (n_t - m) + u_t, u_t = phi u_{t-1} + sigma eps_t,
/// u_0 = initial - mu - beta (n_0 - m).

#include "models/growth_model.hpp"

namespace districtcast::models {
namespace {

class Ar1Growth final : public GrowthModel {
public:
  explicit Ar1Growth(const GrowthSpec& spec) : spec_(spec) {}

  void simulate(const GrowthInputs& in, std::span<double> growth) const override {
    const double mean = spec_.mean.at(in.parameters);
    const double beta = spec_.national_beta.at(in.parameters);
    const double volatility = spec_.volatility.at(in.parameters);
    const double persistence = spec_.persistence.at(in.parameters);
    double u = spec_.initial ? spec_.initial->at(in.parameters) - mean - beta * in.national_deviation_0 : 0.0;
    for (std::size_t t = 0; t < growth.size(); ++t) {
      u = persistence * u + volatility * in.innovations[t];
      growth[t] = mean + beta * in.national_deviation[t] + u;
    }
  }
  [[nodiscard]] double mean() const noexcept override { return spec_.mean.value; }

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
