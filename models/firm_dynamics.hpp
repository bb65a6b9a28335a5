#pragma once
/// \file Firm population of a district: births each year, exits by cohort age (docs/models.md, "Firms").

#include "engine/random_stream.hpp"
#include "models/births_model.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace districtcast::models {

/// Largest expected number of births in one year the samplers accept (far beyond any district).
inline constexpr double kMaxExpectedBirths = 1e15;
/// Largest firm count (births, exits or stock of a year) a path may reach: 2^53, the last integer up to which
/// every count is exact in a double.
inline constexpr double kMaxFirmCount = 9007199254740992.0;

/// `firm_feedback`: births above their baseline raise later growth,
/// g_t += elasticity * ln((1 + B_{t-lag}) / (1 + rate (1 + trend)^(t-lag-1))) for t > lag.
struct FirmFeedbackSpec {
  Param elasticity;
  int lag = 1;  ///< years, >= 1
};

/// Parameters of `districts[i].firms`.
struct FirmSpec {
  std::uint64_t stock = 0;          ///< active firms at the end of the base year
  BirthsSpec births;                ///< births per year
  /// h_1..h_K: a firm in its a-th year after birth exits with h_a; ages >= K and the base-year stock use h_K.
  std::vector<double> exit_hazard;
  std::optional<FirmFeedbackSpec> feedback;  ///< `firm_feedback` of the district or sector
};

/// Per-year outputs of one path; each span has length H.
struct FirmPath {
  std::span<double> births;
  std::span<double> exits;
  std::span<double> stock;
};

/// Immutable firm model of one district, shared by all threads.
class FirmDynamics {
public:
  /// `growth_mean` is mu_d of the district's growth model. Precondition: spec validated.
  FirmDynamics(const FirmSpec& spec, double growth_mean);

  /// lambda_t = rate (1 + trend)^(t-1) exp(elasticity (g_t - mu)) for year t >= 1, under a path's parameter
  /// draws (Param::at).
  [[nodiscard]] double expected_births(int year, double growth, std::span<const double> parameters = {}) const noexcept;
  /// rate (1 + trend)^(t-1): births expected in year t >= 1 at mean growth (the feedback's baseline).
  [[nodiscard]] double baseline_births(int year, std::span<const double> parameters = {}) const noexcept;
  /// Exit probability in a year for a firm of age a >= 1 (a = 0 is the base-year stock).
  [[nodiscard]] double hazard(std::size_t age) const noexcept;
  [[nodiscard]] const FirmSpec& spec() const noexcept { return spec_; }
  [[nodiscard]] const BirthsModel& births_model() const noexcept { return *births_; }

  /// Simulates one path. Each year: exits of firms alive at the end of the previous year (per cohort,
  /// Binomial(size, h_age)), then (with firm_feedback) the feedback term added to growth[t-1], then births.
  /// Draws come from (path, scope, firm_exits|firm_births, year). `cohorts` is caller-owned scratch of size
  /// >= growth.size() + 1 (overwritten). Sampling cost is O(H^2) draws whatever the rates (the count samplers
  /// are O(1) in the mean). Returns 0 when every year is in range; otherwise the first year index t (1..H)
  /// whose lambda_t is not finite or exceeds kMaxExpectedBirths, or whose births or stock exceed
  /// kMaxFirmCount: the path stops there, the outputs of years >= t are NaN and growth[t..H-1] lacks the
  /// feedback term (the caller must leave the path out of the statistics).
  [[nodiscard]] std::size_t simulate(const PathStreams& streams, std::uint32_t scope, std::span<double> growth,
                                     std::span<const double> parameters, std::span<std::uint64_t> cohorts,
                                     const FirmPath& out) const;

private:
  FirmSpec spec_;
  double growth_mean_;
  std::unique_ptr<const BirthsModel> births_;
};

}  // namespace districtcast::models
