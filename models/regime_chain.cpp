#include "models/regime_chain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <utility>

namespace districtcast::models {
namespace {

/// Below this absolute pivot the stationary system is treated as singular (several closed classes).
constexpr double kPivotTolerance = 1e-12;
/// Number of steps T of the Cesaro average (1/T) sum_{t=1..T} initial P^t used for reducible chains.
constexpr std::size_t kCesaroSteps = 10000;

using Matrix = std::vector<std::vector<double>>;

double sum_of(const std::vector<double>& p) { return std::accumulate(p.begin(), p.end(), 0.0); }

bool is_probability(double x) { return x >= 0.0 && x <= 1.0; }  // false for NaN

bool sums_to_one(double sum) { return std::fabs(sum - 1.0) <= kProbabilitySumTolerance; }

/// Why the names are not a valid list of 1..kMaxRegimes distinct regimes, or nullopt.
std::optional<std::string> check_names(const std::vector<std::string>& names) {
  if (names.empty()) return std::string("at least one regime is required");
  if (names.size() > kMaxRegimes) return fmt::format("at most {} regimes (got {})", kMaxRegimes, names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (names[i] == names[j]) return fmt::format("duplicate regime name '{}'", names[i]);
    }
  }
  return std::nullopt;
}

/// Why transition row `i` (of regime names[i]) is not a probability distribution over the regimes, or nullopt.
std::optional<std::string> check_row(const std::vector<std::string>& names, std::size_t i,
                                     const std::vector<double>& row) {
  const std::string& from = names[i];
  if (row.size() != names.size()) {
    return fmt::format("transition row '{}' has {} entries, expected {} (one per regime)", from, row.size(),
                       names.size());
  }
  for (std::size_t j = 0; j < row.size(); ++j) {
    if (!is_probability(row[j])) {
      return fmt::format("transition['{}'] -> '{}' must be in [0, 1] (got {})", from, names[j], row[j]);
    }
  }
  const double sum = sum_of(row);
  if (!sums_to_one(sum)) return fmt::format("transition row '{}' sums to {}, must sum to 1", from, sum);
  return std::nullopt;
}

/// Why `initial` is not a probability distribution over the regimes, or nullopt.
std::optional<std::string> check_initial(const std::vector<std::string>& names, const std::vector<double>& initial) {
  if (initial.size() != names.size()) {
    return fmt::format("initial probabilities have {} entries, expected {} (one per regime)", initial.size(),
                       names.size());
  }
  for (std::size_t j = 0; j < initial.size(); ++j) {
    if (!is_probability(initial[j])) {
      return fmt::format("initial['{}'] must be in [0, 1] (got {})", names[j], initial[j]);
    }
  }
  const double sum = sum_of(initial);
  if (!sums_to_one(sum)) return fmt::format("initial probabilities sum to {}, must sum to 1", sum);
  return std::nullopt;
}

/// Divides `p` by its sum (a positive number, by the precondition of the constructor).
void renormalise(std::vector<double>& p) {
  const double sum = sum_of(p);
  for (double& x : p) x /= sum;
}

/// Cumulative sums of the distribution `p`, with every entry from the last positive one on set to exactly 1,
/// so that the scan in draw() never selects a trailing zero-probability state for u < 1.
std::vector<double> cumulative_of(const std::vector<double>& p) {
  std::vector<double> f(p.size());
  std::partial_sum(p.begin(), p.end(), f.begin());
  std::size_t last_positive = p.size() - 1;
  while (last_positive > 0 && p[last_positive] <= 0.0) --last_positive;
  std::fill(f.begin() + static_cast<std::ptrdiff_t>(last_positive), f.end(), 1.0);
  return f;
}

/// Inverse CDF: the smallest j with u < f[j]; for u >= 1 (or NaN), the last j with p[j] > 0.
/// A zero-probability state j has f[j] == f[j-1] (or f[0] == 0), so u < f[j] never selects it first.
std::uint8_t draw(const std::vector<double>& p, const std::vector<double>& f, double u) noexcept {
  for (std::size_t j = 0; j < f.size(); ++j) {
    if (u < f[j]) return static_cast<std::uint8_t>(j);
  }
  std::size_t j = p.size() - 1;
  while (j > 0 && p[j] <= 0.0) --j;
  return static_cast<std::uint8_t>(j);
}

/// The row vector x * P.
std::vector<double> times(const std::vector<double>& x, const Matrix& p) {
  std::vector<double> y(x.size(), 0.0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = 0; j < y.size(); ++j) y[j] += x[i] * p[i][j];
  }
  return y;
}

/// Solves a x = b in place by Gaussian elimination with partial pivoting (a is square, b its right-hand
/// side); returns false (a and b then unspecified) when a pivot is below kPivotTolerance.
bool solve(Matrix& a, std::vector<double>& b) {
  const std::size_t n = b.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t pivot = k;
    for (std::size_t i = k + 1; i < n; ++i) {
      if (std::fabs(a[i][k]) > std::fabs(a[pivot][k])) pivot = i;
    }
    if (!(std::fabs(a[pivot][k]) >= kPivotTolerance)) return false;
    std::swap(a[k], a[pivot]);
    std::swap(b[k], b[pivot]);
    for (std::size_t i = k + 1; i < n; ++i) {
      const double factor = a[i][k] / a[k][k];
      for (std::size_t j = k; j < n; ++j) a[i][j] -= factor * a[k][j];
      b[i] -= factor * b[k];
    }
  }
  for (std::size_t k = n; k-- > 0;) {
    double x = b[k];
    for (std::size_t j = k + 1; j < n; ++j) x -= a[k][j] * b[j];
    b[k] = x / a[k][k];
  }
  return true;
}

/// Clamps rounding residue below 0 to 0 and rescales to sum 1.
std::vector<double> as_distribution(std::vector<double> x) {
  for (double& v : x) v = std::max(v, 0.0);
  renormalise(x);
  return x;
}

}  // namespace

std::optional<std::string> check_regime_chain(const RegimeChainSpec& spec) {
  if (auto error = check_names(spec.regimes)) return error;
  const std::size_t k = spec.regimes.size();
  if (spec.transition.size() != k) {
    return fmt::format("transition has {} rows, expected {} (one per regime)", spec.transition.size(), k);
  }
  for (std::size_t i = 0; i < k; ++i) {
    if (auto error = check_row(spec.regimes, i, spec.transition[i])) return error;
  }
  return check_initial(spec.regimes, spec.initial);
}

RegimeChain::RegimeChain(RegimeChainSpec spec) : spec_(std::move(spec)) {
  cumulative_.reserve(spec_.transition.size());
  for (std::vector<double>& row : spec_.transition) {
    renormalise(row);
    cumulative_.push_back(cumulative_of(row));
  }
  renormalise(spec_.initial);
  initial_cumulative_ = cumulative_of(spec_.initial);
}

std::uint8_t RegimeChain::next(std::uint8_t from, double u) const noexcept {
  return draw(spec_.transition[from], cumulative_[from], u);
}

std::uint8_t RegimeChain::first(double u) const noexcept { return draw(spec_.initial, initial_cumulative_, u); }

void RegimeChain::simulate(std::span<const double> uniforms, std::span<std::uint8_t> states) const noexcept {
  std::uint8_t s = first(uniforms[0]);
  for (std::size_t t = 1; t <= states.size(); ++t) {
    s = next(s, uniforms[t]);
    states[t - 1] = s;
  }
}

std::vector<std::vector<double>> RegimeChain::occupancy(std::size_t years) const {
  std::vector<std::vector<double>> p;
  p.reserve(years + 1);
  p.push_back(spec_.initial);
  for (std::size_t t = 1; t <= years; ++t) p.push_back(times(p.back(), spec_.transition));
  return p;
}

std::vector<double> RegimeChain::stationary() const {
  // pi (P - I) = 0  <=>  (P - I)^T pi^T = 0; the last equation is replaced by sum(pi) = 1.
  const std::size_t k = size();
  Matrix a(k, std::vector<double>(k));
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) a[i][j] = spec_.transition[j][i] - (i == j ? 1.0 : 0.0);
  }
  std::vector<double> b(k, 0.0);
  std::fill(a[k - 1].begin(), a[k - 1].end(), 1.0);
  b[k - 1] = 1.0;
  if (solve(a, b)) return as_distribution(std::move(b));

  // Several closed classes: no unique solution; the long-run average occupancy from `initial` is one.
  std::vector<double> x = spec_.initial;
  std::vector<double> average(k, 0.0);
  for (std::size_t t = 1; t <= kCesaroSteps; ++t) {
    x = times(x, spec_.transition);
    for (std::size_t j = 0; j < k; ++j) average[j] += x[j];
  }
  for (double& v : average) v /= static_cast<double>(kCesaroSteps);
  return average;
}

}  // namespace districtcast::models
