#pragma once
/// \file A Markov chain over named growth regimes (docs/models.md "Regime switching").

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace districtcast::models {

/// A chain's definition as validated from a scenario: K >= 1 regimes, a K x K row-stochastic transition
/// matrix and the distribution of the base-year regime.
struct RegimeChainSpec {
  std::vector<std::string> regimes;             ///< names, in file order
  std::vector<std::vector<double>> transition;  ///< transition[i][j] = P(s_t = j | s_{t-1} = i)
  std::vector<double> initial;                  ///< P(s_0 = i), sums to 1
};

/// Largest number of regimes in one chain (a regime index fits in a byte).
inline constexpr std::size_t kMaxRegimes = 16;
/// Tolerance for "rows sum to 1" and "initial sums to 1".
inline constexpr double kProbabilitySumTolerance = 1e-9;

/// Why `spec` is not a valid chain, or nullopt. Checks: 1 <= K <= kMaxRegimes, unique names, every row and
/// `initial` of length K, entries in [0, 1], each row and `initial` summing to 1 within
/// kProbabilitySumTolerance. Messages name the row by regime, e.g.
/// "transition row 'slowdown' sums to 0.9, must sum to 1".
[[nodiscard]] std::optional<std::string> check_regime_chain(const RegimeChainSpec& spec);

/// An immutable chain, shared by threads. Precondition of the constructor: check_regime_chain() passed.
/// Rows are renormalised to sum to exactly 1 and stored as cumulative sums.
class RegimeChain {
public:
  explicit RegimeChain(RegimeChainSpec spec);

  [[nodiscard]] const RegimeChainSpec& spec() const noexcept { return spec_; }
  [[nodiscard]] std::size_t size() const noexcept { return spec_.regimes.size(); }

  /// The state after drawing with uniform u in [0, 1) from `row` (the smallest j with u < F_row(j); the
  /// last state when rounding leaves u above every cumulative sum).
  [[nodiscard]] std::uint8_t next(std::uint8_t from, double u) const noexcept;
  /// The base-year state from uniform u (inverse CDF of `initial`).
  [[nodiscard]] std::uint8_t first(double u) const noexcept;
  /// Fills states[t-1] = s_t for t = 1..H from uniforms u[0] (picks s_0) and u[t] (moves s_{t-1} -> s_t).
  /// Precondition: uniforms.size() == states.size() + 1.
  void simulate(std::span<const double> uniforms, std::span<std::uint8_t> states) const noexcept;

  /// P(s_t = j) for t = 0..years: initial * P^t (exact matrix powers; for tests and docs).
  [[nodiscard]] std::vector<std::vector<double>> occupancy(std::size_t years) const;
  /// A stationary distribution pi = pi P (for an irreducible chain, the unique one), by solving the
  /// linear system with Gaussian elimination; the long-run average of occupancy() otherwise.
  [[nodiscard]] std::vector<double> stationary() const;

private:
  RegimeChainSpec spec_;
  std::vector<std::vector<double>> cumulative_;  ///< row-wise cumulative transition probabilities
  std::vector<double> initial_cumulative_;
};

}  // namespace districtcast::models
