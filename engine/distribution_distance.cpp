#include "engine/distribution_distance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace districtcast {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool is_inner(const HistogramBin& bin) {
  return std::isfinite(bin.lower) && std::isfinite(bin.upper) && bin.upper > bin.lower;
}

/// Checks one bin; returns a problem or "".
std::string bin_problem(const HistogramBin& bin) {
  if (!std::isfinite(bin.probability) || bin.probability < 0.0) {
    return fmt::format("bin [{}, {}) has probability {}", bin.lower, bin.upper, bin.probability);
  }
  if (std::isnan(bin.lower) || std::isnan(bin.upper) || bin.lower == kInf || bin.upper == -kInf ||
      (std::isinf(bin.lower) && std::isinf(bin.upper)) || bin.upper < bin.lower) {
    return fmt::format("bin [{}, {}) has invalid bounds", bin.lower, bin.upper);
  }
  return "";
}

/// The integral over [0, h] of |d0 + (d1 - d0) t / h| dt.
double abs_linear_integral(double d0, double d1, double h) {
  if ((d0 >= 0.0 && d1 >= 0.0) || (d0 <= 0.0 && d1 <= 0.0)) return 0.5 * (std::fabs(d0) + std::fabs(d1)) * h;
  // The difference crosses zero inside the segment: two triangles.
  return 0.5 * (d0 * d0 + d1 * d1) / (std::fabs(d0) + std::fabs(d1)) * h;
}

}  // namespace

std::optional<PiecewiseLinearCdf> PiecewiseLinearCdf::from_histogram(std::span<const HistogramBin> bins,
                                                                     std::string& problem) {
  double total = 0.0;
  for (const auto& bin : bins) {
    if (auto p = bin_problem(bin); !p.empty()) {
      problem = p;
      return std::nullopt;
    }
    total += bin.probability;
  }
  if (!(total > 0.0) || !std::isfinite(total)) {
    problem = bins.empty() ? "no bins" : "the bins hold no probability";
    return std::nullopt;
  }
  std::map<double, double> point_masses;  // x -> mass
  std::vector<HistogramBin> inner;
  for (const auto& bin : bins) {
    const double p = bin.probability / total;
    if (is_inner(bin)) {
      inner.push_back(HistogramBin{bin.lower, bin.upper, p});
    } else {
      // An open tail sits at its finite edge; a zero-width bin at its only point.
      point_masses[std::isinf(bin.lower) ? bin.upper : bin.lower] += p;
    }
  }
  std::sort(inner.begin(), inner.end(), [](const auto& x, const auto& y) { return x.lower < y.lower; });
  for (std::size_t i = 1; i < inner.size(); ++i) {
    if (inner[i].lower < inner[i - 1].upper) {
      problem = fmt::format("bins [{}, {}) and [{}, {}) overlap", inner[i - 1].lower, inner[i - 1].upper,
                            inner[i].lower, inner[i].upper);
      return std::nullopt;
    }
  }
  std::vector<double> xs;
  for (const auto& bin : inner) {
    xs.push_back(bin.lower);
    xs.push_back(bin.upper);
  }
  for (const auto& [x, mass] : point_masses) xs.push_back(x);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());

  // Sweep the knots in ascending order: mass of inner bins wholly at or left of x, plus point masses <= x.
  PiecewiseLinearCdf cdf;
  double inner_done = 0.0, points_done = 0.0;
  std::size_t next_bin = 0;
  auto next_point = point_masses.begin();
  for (double x : xs) {
    while (next_bin < inner.size() && inner[next_bin].upper <= x) inner_done += inner[next_bin++].probability;
    double at_x = 0.0;
    while (next_point != point_masses.end() && next_point->first <= x) {
      if (next_point->first == x) {
        at_x = next_point->second;
      } else {
        points_done += next_point->second;
      }
      ++next_point;
    }
    // Knots include every bin edge, so no inner bin straddles x.
    const double left = std::min(1.0, inner_done + points_done);
    points_done += at_x;
    cdf.knots_.push_back(Knot{x, left, std::min(1.0, inner_done + points_done)});
  }
  cdf.knots_.back().value = 1.0;
  return cdf;
}

double PiecewiseLinearCdf::value(double x) const {
  if (knots_.empty() || x < knots_.front().x) return 0.0;
  if (x >= knots_.back().x) return knots_.back().value;
  const auto after = std::upper_bound(knots_.begin(), knots_.end(), x, [](double v, const Knot& k) { return v < k.x; });
  const Knot& lo = *(after - 1);
  if (lo.x == x) return lo.value;
  const Knot& hi = *after;
  return lo.value + (hi.left - lo.value) * (x - lo.x) / (hi.x - lo.x);
}

double PiecewiseLinearCdf::left_limit(double x) const {
  const auto at = std::lower_bound(knots_.begin(), knots_.end(), x, [](const Knot& k, double v) { return k.x < v; });
  if (at != knots_.end() && at->x == x) return at->left;
  return value(x);
}

DistributionDistance distribution_distance(const PiecewiseLinearCdf& a, const PiecewiseLinearCdf& b) {
  std::vector<double> xs;
  for (const auto& k : a.knots()) xs.push_back(k.x);
  for (const auto& k : b.knots()) xs.push_back(k.x);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  DistributionDistance d;
  double previous_value = 0.0;  // F_A - F_B at the previous knot
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double left = a.left_limit(xs[i]) - b.left_limit(xs[i]);
    const double value = a.value(xs[i]) - b.value(xs[i]);
    d.ks = std::max({d.ks, std::fabs(left), std::fabs(value)});
    if (i > 0) d.w1 += abs_linear_integral(previous_value, left, xs[i] - xs[i - 1]);
    previous_value = value;
  }
  d.ks = std::min(d.ks, 1.0);
  return d;
}

std::optional<DistributionDistance> histogram_distance(std::span<const HistogramBin> a,
                                                       std::span<const HistogramBin> b, std::string& problem) {
  std::string why;
  const auto cdf_a = PiecewiseLinearCdf::from_histogram(a, why);
  if (!cdf_a) {
    problem = "histogram A: " + why;
    return std::nullopt;
  }
  const auto cdf_b = PiecewiseLinearCdf::from_histogram(b, why);
  if (!cdf_b) {
    problem = "histogram B: " + why;
    return std::nullopt;
  }
  return distribution_distance(*cdf_a, *cdf_b);
}

std::optional<double> histogram_density(std::span<const HistogramBin> bins, double x, double min_half_width) {
  if (!std::isfinite(x) || !std::isfinite(min_half_width)) return std::nullopt;
  double top = -kInf;
  for (const auto& bin : bins) {
    if (is_inner(bin)) top = std::max(top, bin.upper);
  }
  const auto holder = std::find_if(bins.begin(), bins.end(), [&](const HistogramBin& bin) {
    return is_inner(bin) && ((bin.lower <= x && x < bin.upper) || (x == bin.upper && bin.upper == top));
  });
  if (holder == bins.end()) return std::nullopt;
  double total = 0.0;
  for (const auto& bin : bins) {
    if (!bin_problem(bin).empty()) return std::nullopt;
    total += bin.probability;
  }
  // The inner bins' mass in the window (x - h, x + h), each bin's mass spread evenly over it; point masses
  // (open tails, zero-width bins) have no density.
  const double h = std::max(0.5 * (holder->upper - holder->lower), min_half_width);
  double mass = 0.0;
  for (const auto& bin : bins) {
    if (!is_inner(bin)) continue;
    const double overlap = std::min(bin.upper, x + h) - std::max(bin.lower, x - h);
    if (overlap > 0.0) mass += bin.probability * overlap / (bin.upper - bin.lower);
  }
  const double density = mass / total / (2.0 * h);
  if (!(density > 0.0) || !std::isfinite(density)) return std::nullopt;
  return density;
}

}  // namespace districtcast
