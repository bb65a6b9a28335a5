#pragma once
/// \file Distances between two distributions known only through their histograms (histograms.csv):
/// Kolmogorov–Smirnov and Wasserstein-1, and the density a histogram implies at a point.
///
/// A histogram is read as a distribution whose CDF is piecewise linear within each inner bin (mass spread
/// evenly over the bin), with the open tails' mass as point masses at the outer edges of the inner range
/// (a lower tail (-inf, L) at L, an upper tail [U, +inf) at U) and a zero-width bin as a point mass.

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace districtcast {

/// One histogram bin: [lower, upper) with its probability. lower = -inf marks the open lower tail,
/// upper = +inf the open upper tail.
struct HistogramBin {
  double lower = 0.0;
  double upper = 0.0;
  double probability = 0.0;
};

/// A right-continuous CDF that is linear between knots and may jump at a knot.
class PiecewiseLinearCdf {
public:
  /// One knot: F just left of x and F at x (F(x) - F(x-) is the point mass at x).
  struct Knot {
    double x = 0.0;
    double left = 0.0;
    double value = 0.0;
  };

  /// The CDF of `bins` (any order; the inner bins must not overlap, tails may have zero mass).
  /// Probabilities are normalised by their sum. nullopt and `problem` set when the bins do not describe a
  /// distribution (no mass, a negative or non-finite probability, overlapping bins, a bin infinite on both
  /// sides or with upper < lower).
  [[nodiscard]] static std::optional<PiecewiseLinearCdf> from_histogram(std::span<const HistogramBin> bins,
                                                                        std::string& problem);

  /// The knots in ascending x: F is 0 before the first, 1 from the last on, linear between them.
  [[nodiscard]] const std::vector<Knot>& knots() const noexcept { return knots_; }
  /// F(x) = P(X <= x).
  [[nodiscard]] double value(double x) const;
  /// F(x-) = P(X < x).
  [[nodiscard]] double left_limit(double x) const;

private:
  std::vector<Knot> knots_;
};

/// Kolmogorov–Smirnov and Wasserstein-1 distance between two distributions.
struct DistributionDistance {
  double ks = 0.0;  ///< sup_x |F_A(x) - F_B(x)|, in [0, 1]
  double w1 = 0.0;  ///< integral of |F_A(x) - F_B(x)| dx, in the units of x
};

/// Both distances, exact for the two piecewise-linear CDFs: the supremum is taken over the left and
/// right values at every knot of the merged grid (the difference is linear in between), and the integral
/// is summed per segment of that grid, split where the difference changes sign.
[[nodiscard]] DistributionDistance distribution_distance(const PiecewiseLinearCdf& a, const PiecewiseLinearCdf& b);

/// Both distances between two histograms (see PiecewiseLinearCdf::from_histogram); nullopt and `problem`
/// set when either histogram is not a distribution.
[[nodiscard]] std::optional<DistributionDistance> histogram_distance(std::span<const HistogramBin> a,
                                                                     std::span<const HistogramBin> b,
                                                                     std::string& problem);

/// The density the histogram implies at x, averaged over a window centred on x: the probability of the
/// inner bins within (x - h, x + h) (each bin's mass spread evenly over it; the tails' and zero-width bins'
/// point masses have no density), divided by the total probability and by 2 h, where h = max(w / 2,
/// min_half_width) and w is the width of the inner bin holding x ([lower, upper), the highest inner bin
/// also holding its upper edge). With min_half_width 0 and x at the centre of its bin this is
/// probability / width of that bin. nullopt when x lies in an open tail or outside every inner bin, a bin
/// is invalid, or the window holds no probability.
[[nodiscard]] std::optional<double> histogram_density(std::span<const HistogramBin> bins, double x,
                                                      double min_half_width = 0.0);

}  // namespace districtcast
