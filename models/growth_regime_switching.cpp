/// \file Regime-switching growth: g_t = mu_{s_t} + beta (n_t - m) + u_t, u_t = phi_{s_t} u_{t-1} + sigma_{s_t} eps_t,
/// u_0 = 0, where s_t is a Markov chain over named regimes (national or the district's own; docs/models.md).

#include "models/growth_model.hpp"

#include <array>

namespace districtcast::models {
namespace {

class RegimeSwitchingGrowth final : public GrowthModel {
public:
  explicit RegimeSwitchingGrowth(const GrowthSpec& spec) : spec_(spec) {
    const std::vector<double> pi = RegimeChain(spec.chain).stationary();
    for (std::size_t k = 0; k < spec.regimes.size(); ++k) stationary_mean_ += pi[k] * spec.regimes[k].mean.value;
  }

  void simulate(const GrowthInputs& in, std::span<double> growth) const override {
    const std::size_t regimes = spec_.regimes.size();
    std::array<double, kMaxRegimes> mean{}, volatility{}, persistence{};
    for (std::size_t k = 0; k < regimes; ++k) {
      mean[k] = spec_.regimes[k].mean.at(in.parameters);
      volatility[k] = spec_.regimes[k].volatility.at(in.parameters);
      persistence[k] = spec_.regimes[k].persistence.at(in.parameters);
    }
    const double beta = spec_.national_beta.at(in.parameters);
    double u = 0.0;
    for (std::size_t t = 0; t < growth.size(); ++t) {
      const std::size_t s = in.regimes[t];
      u = persistence[s] * u + volatility[s] * in.innovations[t];
      growth[t] = mean[s] + beta * in.national_deviation[t] + u;
    }
  }
  [[nodiscard]] double mean() const noexcept override { return stationary_mean_; }

private:
  GrowthSpec spec_;
  double stationary_mean_ = 0.0;
};

}  // namespace

GrowthModelEntry regime_switching_growth_entry() {
  return {"regime_switching", "a Markov chain of regimes, each with its own mean, volatility and persistence",
          {"regimes", "transition", "initial_regime"},
          [](const GrowthSpec& spec) -> std::unique_ptr<const GrowthModel> {
            return std::make_unique<RegimeSwitchingGrowth>(spec);
          }};
}

}  // namespace districtcast::models
